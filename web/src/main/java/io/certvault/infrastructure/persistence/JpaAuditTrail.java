package io.certvault.infrastructure.persistence;

import io.certvault.audit.AuditChain;
import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTrail;
import io.certvault.audit.AuditVerification;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail in the database. Appending locks the chain head row, so records get gap-free sequence
 * numbers and each links to the one before, even with several servers on one database. A record made inside
 * a unit of work commits with it; one made outside any (a key use of a message encoded or decoded through the
 * API) is written with the others waiting at that moment, in one transaction ({@link GroupAppend}).
 */
@ApplicationScoped
public class JpaAuditTrail implements AuditTrail {
    private static final int VERIFY_BATCH = 1000;

    @Inject
    Database database;

    private final GroupAppend<AuditEvent, AuditRecord> grouped = new GroupAppend<>(this::appendAll);

    @Override
    public AuditRecord append(AuditEvent event) {
        if (database.inTransaction()) {
            return appendAll(List.of(event)).get(0);
        }
        return grouped.append(event);
    }

    /** Appends the events in this order, in one transaction (the one this thread is in, if any). */
    private List<AuditRecord> appendAll(List<AuditEvent> events) {
        return database.writing(manager -> {
            AuditChainHead head = manager.find(AuditChainHead.class, AuditChainHead.ID,
                    LockModeType.PESSIMISTIC_WRITE);
            List<AuditRecord> records = new java.util.ArrayList<>(events.size());
            for (AuditEvent event : events) {
                long sequence = head.lastSequence() + 1;
                AuditRecord record = new AuditRecord(sequence, event, head.lastHash(),
                        AuditChain.hash(head.lastHash(), sequence, event));
                manager.persist(new AuditEventRow(record));
                head.advance(sequence, record.hash());
                records.add(record);
            }
            return records;
        });
    }

    @Override
    public List<AuditRecord> find(AuditQuery query, Long beforeSequence, int limit) {
        Map<String, Object> where = new LinkedHashMap<>();
        StringBuilder jpql = new StringBuilder("SELECT e FROM AuditEventRow e WHERE 1 = 1");
        condition(jpql, where, "e.user = :user", "user", query.user());
        condition(jpql, where, "e.operation = :operation", "operation", query.operation());
        condition(jpql, where, "e.account = :account", "account", query.account());
        condition(jpql, where, "e.certificate = :certificate", "certificate", query.certificate());
        condition(jpql, where, "e.vault = :vault", "vault", query.vault());
        condition(jpql, where, "e.keyName = :key", "key", query.key());
        condition(jpql, where, "e.outcome = :outcome", "outcome", query.outcome());
        condition(jpql, where, "e.time >= :from", "from", query.from());
        condition(jpql, where, "e.time < :to", "to", query.to());
        condition(jpql, where, "e.sequence < :before", "before", beforeSequence);
        if (query.accounts() != null) {
            if (query.accounts().isEmpty()) {
                return List.of();
            }
            condition(jpql, where, "e.account IN :accounts", "accounts", query.accounts());
        }
        jpql.append(" ORDER BY e.sequence DESC");
        return database.transaction(manager -> {
            TypedQuery<AuditEventRow> select = manager.createQuery(jpql.toString(), AuditEventRow.class);
            where.forEach(select::setParameter);
            return select.setMaxResults(limit).getResultList().stream().map(AuditEventRow::toRecord).toList();
        });
    }

    private static void condition(StringBuilder jpql, Map<String, Object> where, String clause, String name,
            Object value) {
        if (value != null) {
            jpql.append(" AND ").append(clause);
            where.put(name, value);
        }
    }

    @Override
    public AuditVerification verify() {
        return database.transaction(manager -> {
            AuditChainHead head = manager.find(AuditChainHead.class, AuditChainHead.ID);
            String previous = AuditChain.GENESIS;
            long expected = 1;
            while (true) {
                List<AuditEventRow> batch = manager.createQuery(
                        "SELECT e FROM AuditEventRow e WHERE e.sequence >= :from ORDER BY e.sequence",
                        AuditEventRow.class).setParameter("from", expected).setMaxResults(VERIFY_BATCH)
                        .getResultList();
                for (AuditEventRow row : batch) {
                    AuditRecord record = row.toRecord();
                    if (record.sequence() != expected) {
                        return broken(expected - 1, expected, "record " + expected + " is missing");
                    }
                    if (!AuditChain.intact(record, previous)) {
                        return broken(expected - 1, expected, "record " + expected
                                + " does not match its hash or its link to the record before");
                    }
                    previous = record.hash();
                    expected++;
                }
                manager.clear();
                if (batch.size() < VERIFY_BATCH) {
                    break;
                }
            }
            long records = expected - 1;
            if (head.lastSequence() != records || !head.lastHash().equals(previous)) {
                return broken(records, records + 1, "the trail ends at record " + records + " but was appended up to "
                        + head.lastSequence() + ": records were removed");
            }
            return new AuditVerification(true, records, previous, null, null);
        });
    }

    private static AuditVerification broken(long checked, long sequence, String problem) {
        return new AuditVerification(false, checked, null, sequence, problem);
    }
}
