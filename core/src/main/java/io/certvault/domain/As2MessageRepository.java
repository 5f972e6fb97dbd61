package io.certvault.domain;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The AS2 messages of the accounts, with what they carried; outbound ones are the outbox. */
public interface As2MessageRepository {

    /** What a message carried, each kept apart (and encrypted at rest). */
    enum Content { PAYLOAD, RAW, MDN }

    /**
     * A list's filters: each null for any. Newest first; {@code continueAfter} is the position a previous page
     * ended at ({@link Page#continueAfter()}).
     */
    record Query(As2Message.Direction direction, As2Message.Status status, String partner, String agreement,
            Instant from, Instant to, String continueAfter) {
    }

    Optional<As2Message> find(String accountName, String id);

    /** The message the account has with this Message-ID in this direction (the newest, should there be more). */
    Optional<As2Message> findByMessageId(String accountName, As2Message.Direction direction, String messageId);

    /**
     * Whether the agreement received a message with this Message-ID since then, kept (neither refused nor itself a
     * duplicate): what makes the next one a duplicate.
     */
    boolean receivedSince(String accountName, String agreementName, String messageId, Instant since);

    Page<As2Message> list(String accountName, Query query, int limit);

    /**
     * Content to store: opened once and read to its end as it is written, so that a message of any size is stored
     * with bounded memory (from a spool, say).
     */
    @FunctionalInterface
    interface Source {
        InputStream open() throws IOException;

        static Source of(byte[] bytes) {
            return () -> new java.io.ByteArrayInputStream(bytes);
        }
    }

    /** A content prepared for the message it is for, to be saved with it ({@link #save(As2Message, Map)}). */
    interface Prepared {
        String messageRowId();
    }

    /**
     * Prepares a content for the message with this row id. A small one is held until the save; a large one is
     * written now, in parts, each in a short transaction of its own (call it outside a transaction), and is not the
     * message's until the save names it; one that never is (the save failed) goes with {@link #purgeUnheld}.
     */
    Prepared prepare(String messageRowId, Content kind, Source source) throws IOException;

    /**
     * Inserts or updates; what it carried becomes the message's in the same transaction (replacing what was kept of
     * the same kind).
     */
    void save(As2Message message, Map<Content, Prepared> contents);

    /** What the message still keeps of what it carried. */
    java.util.Set<Content> kept(String messageRowId);

    /**
     * Removes what the message carried of these kinds (what it no longer needs and is not kept as evidence): at
     * once for readers that start now; its parts go with {@link #purgeUnheld}.
     */
    void removeContent(String messageRowId, java.util.Set<Content> kinds);

    void save(As2Message message);

    /**
     * What the message carried of this kind, if it was kept: read as it is consumed, a part at a time. A content
     * replaced or removed while it is read fails the read (an IOException), never mixes two.
     */
    Optional<InputStream> content(String messageRowId, Content kind) throws IOException;

    /**
     * Claims up to {@code limit} outbound messages that are due (Queued, or Sent with its asynchronous MDN overdue,
     * at or before {@code now}; or Sending whose lease ran out) for this owner until {@code leaseUntil}, so that no other server
     * takes them meanwhile. Rows another server is claiming at the same moment are skipped, not waited for.
     */
    List<As2Message> claimDue(String owner, Instant now, Instant leaseUntil, int limit);

    /**
     * Removes what messages made before then carried (what is left of it is the non-repudiation evidence), except
     * that of messages still on their way: outbound ones waiting to be sent or for their MDN, received ones not yet
     * picked up. Answers how many contents were removed.
     */
    int removeEvidenceBefore(Instant before);

    /**
     * Deletes the contents no message holds any more (replaced, removed, or of a deleted message), and those
     * prepared before then that no message was saved with (their save failed), a few parts per transaction.
     * Answers how many contents were deleted.
     */
    int purgeUnheld(Instant preparedBefore);

    /** Outbound messages waiting (Queued, Sending or Sent), for the outbox depth. */
    long outboxDepth();
}
