package io.certvault.infrastructure.persistence;

import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaAs2MessageRepository implements As2MessageRepository {

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

    @Override
    public void save(As2Message message, java.util.Map<Content, byte[]> contents) {
        database.saving(manager -> {
            Database.store(manager, message);
            manager.flush();
            contents.forEach((kind, content) -> writeContent(manager, message.id(), kind, content));
        }, () -> new CertvaultException(ErrorCode.CONCURRENT_CHANGE, "Message " + message.id() + " was stored by "
                + "another request at the same time."), () -> accountGone(message));
    }

    @Override
    public void save(As2Message message) {
        database.saving(manager -> Database.store(manager, message), () -> new CertvaultException(
                ErrorCode.CONCURRENT_CHANGE, "Message " + message.id() + " was stored by another request at the "
                        + "same time."), () -> accountGone(message));
    }

    private void writeContent(EntityManager manager, String rowId, Content kind, byte[] content) {
        String name = kind.name();
        manager.createNativeQuery("DELETE FROM as2_message_content WHERE message_row_id = ? AND kind = ?")
                .setParameter(1, rowId).setParameter(2, name).executeUpdate();
        manager.createNativeQuery("INSERT INTO as2_message_content (message_row_id, kind, content) VALUES (?, ?, ?)")
                .setParameter(1, rowId).setParameter(2, name).setParameter(3, cipher.seal(rowId, name, content))
                .executeUpdate();
    }

    @Override
    public Optional<InputStream> content(String messageRowId, Content kind) {
        return database.transaction(manager -> {
            List<?> rows = manager.createNativeQuery(
                    "SELECT content FROM as2_message_content WHERE message_row_id = ? AND kind = ?")
                    .setParameter(1, messageRowId).setParameter(2, kind.name()).getResultList();
            if (rows.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ByteArrayInputStream(cipher.open(messageRowId, kind.name(), (byte[]) rows.get(0))));
        });
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
        return database.writing(manager -> manager.createNativeQuery("DELETE FROM as2_message_content WHERE kind IN"
                + " ('RAW', 'MDN') AND message_row_id IN (SELECT id FROM as2_message WHERE created_time < ?"
                + " AND status NOT IN ('Queued', 'Sending', 'Sent'))")
                .setParameter(1, Timestamp.from(before)).executeUpdate());
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
