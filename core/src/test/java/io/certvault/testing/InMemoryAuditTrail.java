package io.certvault.testing;

import io.certvault.audit.AuditChain;
import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTrail;
import io.certvault.audit.AuditVerification;
import java.util.ArrayList;
import java.util.List;

/** An audit trail in a list, chained like the database's, for service tests. */
public final class InMemoryAuditTrail implements AuditTrail {
    private final List<AuditRecord> records = new ArrayList<>();
    private volatile String failOn;

    /** Makes appends of this operation fail, as a database that refuses writes would (null: none fail). */
    public void failOn(String operation) {
        this.failOn = operation;
    }

    @Override
    public synchronized AuditRecord append(AuditEvent event) {
        if (event.operation().equals(failOn)) {
            throw new IllegalStateException("simulated: the audit trail refused the record");
        }
        String previous = records.isEmpty() ? AuditChain.GENESIS : records.get(records.size() - 1).hash();
        long sequence = records.size() + 1L;
        AuditRecord record = new AuditRecord(sequence, event, previous, AuditChain.hash(previous, sequence, event));
        records.add(record);
        return record;
    }

    @Override
    public synchronized List<AuditRecord> find(AuditQuery query, Long beforeSequence, int limit) {
        List<AuditRecord> newestFirst = new ArrayList<>(records);
        java.util.Collections.reverse(newestFirst);
        return newestFirst.stream()
                .filter(r -> beforeSequence == null || r.sequence() < beforeSequence)
                .filter(r -> query.operation() == null || query.operation().equals(r.event().operation()))
                .filter(r -> query.user() == null || query.user().equals(r.event().user()))
                .filter(r -> query.account() == null || query.account().equals(r.event().target().account()))
                .limit(limit).toList();
    }

    @Override
    public synchronized AuditVerification verify() {
        String previous = AuditChain.GENESIS;
        for (AuditRecord record : records) {
            if (!AuditChain.intact(record, previous)) {
                return new AuditVerification(false, records.size(), null, record.sequence(), "hash mismatch");
            }
            previous = record.hash();
        }
        return new AuditVerification(true, records.size(), previous, null, null);
    }

    public synchronized List<AuditEvent> events() {
        return records.stream().map(AuditRecord::event).toList();
    }
}
