package io.certvault.infrastructure.persistence;

import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class JpaAs2MessageRepository implements As2MessageRepository {
    /** A stored content's chunk: large enough that a message of 100 MB is a hundred rows, small enough to hold. */
    static final int CHUNK = 1024 * 1024;
    /** Chunks deleted in one transaction when unheld contents are purged. */
    private static final int PURGE_BATCH = 8;

    @Inject
    Database database;
    @Inject
    ContentCipher cipher;

    @Override
    public Optional<As2Message> find(String accountName, String id) {
        return database.transaction(manager -> Optional.ofNullable(manager.find(As2Message.class, id))
                .filter(m -> m.accountName().equals(accountName)));
    }

    @Override
    public Optional<As2Message> findByMessageId(String accountName, As2Message.Direction direction, String messageId) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT m FROM As2Message m WHERE m.accountName = :account AND m.direction = :direction"
                        + " AND m.messageId = :messageId ORDER BY m.createdTime DESC", As2Message.class)
                .setParameter("account", accountName).setParameter("direction", direction)
                .setParameter("messageId", messageId).setMaxResults(1).getResultStream().findFirst());
    }

    @Override
    public boolean receivedSince(String accountName, String agreementName, String messageId, Instant since) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT COUNT(m) FROM As2Message m WHERE m.accountName = :account AND m.agreementName = :agreement"
                        + " AND m.direction = :inbound AND m.messageId = :messageId AND m.duplicate = FALSE"
                        + " AND m.status <> :failed AND m.createdTime > :since", Long.class)
                .setParameter("account", accountName).setParameter("agreement", agreementName)
                .setParameter("inbound", As2Message.Direction.Inbound).setParameter("messageId", messageId)
                .setParameter("failed", As2Message.Status.Failed).setParameter("since", since)
                .getSingleResult() > 0);
    }

    /** Newest first; a position is the created time (epoch milliseconds) and the id, which breaks ties. */
    @Override
    public Page<As2Message> list(String accountName, Query query, int limit) {
        Instant afterTime = null;
        String afterId = "";
        if (query.continueAfter() != null) {
            String[] position = query.continueAfter().split("_", 2);
            try {
                afterTime = Instant.ofEpochMilli(Long.parseLong(position[0]));
                afterId = position.length > 1 ? position[1] : "";
            } catch (NumberFormatException e) {
                throw new CertvaultException(ErrorCode.INVALID_REQUEST, "continueAfter is not a position this list "
                        + "gave (use the nextLink as it is).");
            }
        }
        Instant before = afterTime;
        String beforeId = afterId;
        return database.transaction(manager -> {
            StringBuilder jpql = new StringBuilder("SELECT m FROM As2Message m WHERE m.accountName = :account");
            if (before != null) {
                jpql.append(" AND (m.createdTime < :before OR (m.createdTime = :before AND m.id < :beforeId))");
            }
            if (query.direction() != null) {
                jpql.append(" AND m.direction = :direction");
            }
            if (query.status() != null) {
                jpql.append(" AND m.status = :status");
            }
            if (query.partner() != null) {
                jpql.append(" AND (m.hostPartner = :partner OR m.guestPartner = :partner)");
            }
            if (query.agreement() != null) {
                jpql.append(" AND m.agreementName = :agreement");
            }
            if (query.from() != null) {
                jpql.append(" AND m.createdTime >= :from");
            }
            if (query.to() != null) {
                jpql.append(" AND m.createdTime < :to");
            }
            jpql.append(" ORDER BY m.createdTime DESC, m.id DESC");
            var select = manager.createQuery(jpql.toString(), As2Message.class).setParameter("account", accountName);
            if (before != null) {
                select.setParameter("before", before).setParameter("beforeId", beforeId);
            }
            if (query.direction() != null) {
                select.setParameter("direction", query.direction());
            }
            if (query.status() != null) {
                select.setParameter("status", query.status());
            }
            if (query.partner() != null) {
                select.setParameter("partner", query.partner());
            }
            if (query.agreement() != null) {
                select.setParameter("agreement", query.agreement());
            }
            if (query.from() != null) {
                select.setParameter("from", query.from());
            }
            if (query.to() != null) {
                select.setParameter("to", query.to());
            }
            return Page.of(select.setMaxResults(limit + 1).getResultList(), limit,
                    m -> m.createdTime().toEpochMilli() + "_" + m.id());
        });
    }

    /** A prepared content: held ({@code inline}, one chunk at most) or written already as content {@code id}. */
    private record PreparedContent(String messageRowId, Content kind, byte[] inline, String id) implements Prepared {
    }

    /**
     * Reads a chunk and one ahead: what fits in one chunk is held for the save; a larger content is written now, a
     * staged content row and its chunks, each chunk in a transaction of its own, so that neither this server nor
     * the database holds a large message in memory at once (H2 keeps a transaction's changes in memory). These
     * commits are not forced to disk: the save that names the content is, and forces what came before with it.
     */
    @Override
    public Prepared prepare(String messageRowId, Content kind, Source source) throws IOException {
        try (InputStream in = source.open()) {
            byte[] chunk = in.readNBytes(CHUNK);
            byte[] next = chunk.length < CHUNK ? new byte[0] : in.readNBytes(CHUNK);
            if (next.length == 0) {
                return new PreparedContent(messageRowId, kind, chunk, null);
            }
            String contentId = UUID.randomUUID().toString();
            database.transaction(manager -> manager.createNativeQuery("INSERT INTO as2_content (id, message_row_id,"
                    + " kind, staged_time) VALUES (?, NULL, ?, ?)").setParameter(1, contentId)
                    .setParameter(2, kind.name()).setParameter(3, Timestamp.from(Instant.now())).executeUpdate());
            for (int seq = 0; ; seq++) {
                boolean last = next.length == 0;
                writeChunk(contentId, messageRowId, kind, seq, last, chunk);
                if (last) {
                    return new PreparedContent(messageRowId, kind, null, contentId);
                }
                chunk = next;
                next = chunk.length < CHUNK ? new byte[0] : in.readNBytes(CHUNK);
            }
        }
    }

    private void writeChunk(String contentId, String rowId, Content kind, int seq, boolean last, byte[] chunk) {
        database.transaction(manager -> manager.createNativeQuery("INSERT INTO as2_content_chunk (content_id, seq,"
                + " data) VALUES (?, ?, ?)").setParameter(1, contentId).setParameter(2, seq)
                .setParameter(3, cipher.seal(contentId, rowId, kind.name(), seq, last, chunk)).executeUpdate());
    }

    @Override
    public void save(As2Message message, java.util.Map<Content, Prepared> contents) {
        database.saving(manager -> {
            Database.store(manager, message);
            manager.flush();
            contents.forEach((kind, content) -> attach(manager, message.id(), kind, (PreparedContent) content));
        }, () -> new CertvaultException(ErrorCode.CONCURRENT_CHANGE, "Message " + message.id() + " was stored by "
                + "another request at the same time."), () -> accountGone(message));
    }

    @Override
    public void save(As2Message message) {
        save(message, java.util.Map.of());
    }

    /** Makes the prepared content the message's, in place of what it kept of the kind (detached, purged later). */
    private void attach(EntityManager manager, String rowId, Content kind, PreparedContent content) {
        if (!content.messageRowId().equals(rowId) || content.kind() != kind) {
            throw new IllegalArgumentException("A content prepared for " + content.messageRowId() + "/"
                    + content.kind() + " cannot be saved as " + rowId + "/" + kind);
        }
        manager.createNativeQuery("UPDATE as2_content SET message_row_id = NULL, staged_time = NULL"
                + " WHERE message_row_id = ? AND kind = ?").setParameter(1, rowId).setParameter(2, kind.name())
                .executeUpdate();
        if (content.inline() != null) {
            String contentId = UUID.randomUUID().toString();
            manager.createNativeQuery("INSERT INTO as2_content (id, message_row_id, kind) VALUES (?, ?, ?)")
                    .setParameter(1, contentId).setParameter(2, rowId).setParameter(3, kind.name()).executeUpdate();
            manager.createNativeQuery("INSERT INTO as2_content_chunk (content_id, seq, data) VALUES (?, 0, ?)")
                    .setParameter(1, contentId).setParameter(2, cipher.seal(contentId, rowId, kind.name(), 0, true,
                            content.inline())).executeUpdate();
        } else if (manager.createNativeQuery("UPDATE as2_content SET message_row_id = ?, staged_time = NULL WHERE"
                + " id = ? AND message_row_id IS NULL").setParameter(1, rowId).setParameter(2, content.id())
                .executeUpdate() != 1) {
            throw new IllegalStateException("The " + kind.name().toLowerCase(java.util.Locale.ROOT) + " prepared for "
                    + "message " + rowId + " is gone (removed as unsaved?)");
        }
    }

    @Override
    public java.util.Set<Content> kept(String messageRowId) {
        return database.transaction(manager -> {
            java.util.Set<Content> kept = java.util.EnumSet.noneOf(Content.class);
            manager.createNativeQuery("SELECT kind FROM as2_content WHERE message_row_id = ?")
                    .setParameter(1, messageRowId).getResultList().forEach(k -> kept.add(Content.valueOf(k.toString())));
            return kept;
        });
    }

    @Override
    public void removeContent(String messageRowId, java.util.Set<Content> kinds) {
        if (kinds.isEmpty()) {
            return;
        }
        database.writing(manager -> manager.createNativeQuery("UPDATE as2_content SET message_row_id = NULL,"
                + " staged_time = NULL WHERE message_row_id = ? AND kind IN (" + String.join(", ", kinds.stream()
                .map(k -> "'" + k.name() + "'").toList()) + ")").setParameter(1, messageRowId).executeUpdate());
    }

    @Override
    public Optional<InputStream> content(String messageRowId, Content kind) throws IOException {
        Optional<String> contentId = database.transaction(manager -> manager.createNativeQuery(
                "SELECT id FROM as2_content WHERE message_row_id = ? AND kind = ?")
                .setParameter(1, messageRowId).setParameter(2, kind.name()).getResultStream().findFirst()
                .map(Object::toString));
        if (contentId.isEmpty()) {
            return Optional.empty();
        }
        StoredContent stored = new StoredContent(contentId.get(), messageRowId, kind.name());
        stored.next();
        return Optional.of(stored);
    }

    /** A stored content, read a chunk at a time, each in a short read of its own. */
    private final class StoredContent extends InputStream {
        private final String contentId;
        private final String rowId;
        private final String kind;
        private int seq;
        private byte[] chunk = new byte[0];
        private int position;
        private boolean last;

        StoredContent(String contentId, String rowId, String kind) {
            this.contentId = contentId;
            this.rowId = rowId;
            this.kind = kind;
        }

        /** Reads the next chunk; none where one should be: the content was replaced or removed meanwhile. */
        void next() throws IOException {
            int wanted = seq;
            List<?> rows = database.transaction(manager -> manager.createNativeQuery(
                    "SELECT data FROM as2_content_chunk WHERE content_id = ? AND seq = ?")
                    .setParameter(1, contentId).setParameter(2, wanted).getResultList());
            if (rows.isEmpty()) {
                throw new IOException("The " + kind.toLowerCase(java.util.Locale.ROOT) + " of message " + rowId
                        + " was removed while it was read.");
            }
            ContentCipher.Chunk opened = cipher.open(contentId, rowId, kind, wanted, (byte[]) rows.get(0));
            chunk = opened.plain();
            position = 0;
            last = opened.last();
            seq++;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return 0;
            }
            while (position == chunk.length) {
                if (last) {
                    return -1;
                }
                next();
            }
            int count = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, bytes, offset, count);
            position += count;
            return count;
        }
    }

    /**
     * Rows another server holds locked are skipped ({@code SKIP LOCKED}, on PostgreSQL and H2): each due row goes to
     * one claimer, and the claim (status Sending, a lease) commits before anything is sent. The commit is not
     * forced to disk: a claim lost with a power failure only means the message is claimed, and sent, again.
     */
    @Override
    public List<As2Message> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        return database.transaction(manager -> {
            List<?> ids = manager.createNativeQuery("SELECT id FROM as2_message WHERE direction = 'Outbound' AND"
                    + " ((status IN ('Queued', 'Sent') AND next_attempt_time <= ?)"
                    + " OR (status = 'Sending' AND lease_until <= ?))"
                    + " ORDER BY next_attempt_time FETCH FIRST " + limit + " ROWS ONLY FOR UPDATE SKIP LOCKED")
                    .setParameter(1, Timestamp.from(now)).setParameter(2, Timestamp.from(now)).getResultList();
            List<As2Message> claimed = new ArrayList<>();
            for (Object id : ids) {
                As2Message message = manager.find(As2Message.class, id.toString());
                message.claim(owner, now, leaseUntil);
                claimed.add(message);
            }
            manager.flush();
            return claimed;
        });
    }

    @Override
    public int removeEvidenceBefore(Instant before) {
        return database.writing(manager -> manager.createNativeQuery("UPDATE as2_content SET message_row_id = NULL,"
                + " staged_time = NULL WHERE message_row_id IN (SELECT id FROM as2_message WHERE created_time < ?"
                + " AND status NOT IN ('Queued', 'Sending', 'Sent', 'Received'))")
                .setParameter(1, Timestamp.from(before)).executeUpdate());
    }

    /**
     * A few chunks a transaction (a large message deleted at once would be held whole by H2's undo log), then the
     * emptied content rows. Every server may run it; they delete the same rows.
     */
    @Override
    public int purgeUnheld(Instant preparedBefore) {
        String unheld = "SELECT id FROM as2_content WHERE message_row_id IS NULL AND (staged_time IS NULL"
                + " OR staged_time < ?)";
        Timestamp before = Timestamp.from(preparedBefore);
        int deleted;
        do {
            deleted = database.transaction(manager -> {
                List<?> chunks = manager.createNativeQuery("SELECT content_id, seq FROM as2_content_chunk WHERE"
                        + " content_id IN (" + unheld + ") FETCH FIRST " + PURGE_BATCH + " ROWS ONLY")
                        .setParameter(1, before).getResultList();
                for (Object chunk : chunks) {
                    Object[] key = (Object[]) chunk;
                    manager.createNativeQuery("DELETE FROM as2_content_chunk WHERE content_id = ? AND seq = ?")
                            .setParameter(1, key[0]).setParameter(2, key[1]).executeUpdate();
                }
                return chunks.size();
            });
        } while (deleted == PURGE_BATCH);
        return database.transaction(manager -> manager.createNativeQuery("DELETE FROM as2_content WHERE id IN ("
                + unheld + ") AND NOT EXISTS (SELECT 1 FROM as2_content_chunk c WHERE c.content_id = as2_content.id)")
                .setParameter(1, before).executeUpdate());
    }

    @Override
    public long outboxDepth() {
        return database.transaction(manager -> manager.createQuery("SELECT COUNT(m) FROM As2Message m WHERE"
                + " m.direction = :outbound AND m.status IN :waiting", Long.class)
                .setParameter("outbound", As2Message.Direction.Outbound)
                .setParameter("waiting", List.of(As2Message.Status.Queued, As2Message.Status.Sending,
                        As2Message.Status.Sent))
                .getSingleResult());
    }

    private static CertvaultException accountGone(As2Message message) {
        return new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "Integration account '" + message.accountName()
                + "' was deleted meanwhile.");
    }
}
