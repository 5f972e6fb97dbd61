package io.certvault.domain;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
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

    /** Inserts or updates; what it carried is stored with it, in the same transaction. */
    void save(As2Message message, java.util.Map<Content, byte[]> contents);

    void save(As2Message message);

    /** What the message carried of this kind, if it was kept. */
    Optional<InputStream> content(String messageRowId, Content kind) throws IOException;

    /**
     * Claims up to {@code limit} outbound messages that are due (Queued, or Sent with its asynchronous MDN overdue,
     * at or before {@code now}; or Sending whose lease ran out) for this owner until {@code leaseUntil}, so that no other server
     * takes them meanwhile. Rows another server is claiming at the same moment are skipped, not waited for.
     */
    List<As2Message> claimDue(String owner, Instant now, Instant leaseUntil, int limit);

    /**
     * Removes the raw messages and MDNs (the non-repudiation evidence) of messages made before then, except those
     * of outbound messages still on their way (a resend needs what was sent). Answers how many were removed.
     */
    int removeEvidenceBefore(Instant before);

    /** Outbound messages waiting (Queued, Sending or Sent), for the outbox depth. */
    long outboxDepth();
}
