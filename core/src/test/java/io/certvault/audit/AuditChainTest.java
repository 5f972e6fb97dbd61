package io.certvault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.InMemoryAuditTrail;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static AuditEvent event(String user, String outcome) {
        return new AuditEvent(Instant.parse("2026-11-29T08:00:00.123456Z"), user, "keys/sign",
                new AuditTarget("contoso", "signing", "default", "key", "v1", null), outcome, null, "192.0.2.1");
    }

    @Test
    void eachHashCoversTheEventAndThePreviousHash() {
        InMemoryAuditTrail trail = new InMemoryAuditTrail();
        AuditRecord first = trail.append(event("alice", AuditEvent.SUCCEEDED));
        AuditRecord second = trail.append(event("alice", AuditEvent.SUCCEEDED));

        assertThat(first.previousHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(second.previousHash()).isEqualTo(first.hash());
        assertThat(second.hash()).isNotEqualTo(first.hash()).hasSize(64);
        assertThat(AuditChain.intact(second, first.hash())).isTrue();
        assertThat(trail.verify().intact()).isTrue();
        assertThat(trail.verify().lastHash()).isEqualTo(second.hash());
    }

    @Test
    void anyChangedFieldBreaksTheLink() {
        AuditEvent original = event("alice", AuditEvent.SUCCEEDED);
        AuditRecord record = new AuditRecord(7, original, AuditChain.GENESIS, AuditChain.hash(AuditChain.GENESIS, 7,
                original));
        assertThat(AuditChain.intact(record, AuditChain.GENESIS)).isTrue();
        assertThat(AuditChain.intact(new AuditRecord(7, event("mallory", AuditEvent.SUCCEEDED), record.previousHash(),
                record.hash()), AuditChain.GENESIS)).isFalse();
        assertThat(AuditChain.intact(new AuditRecord(7, event("alice", AuditEvent.FAILED), record.previousHash(),
                record.hash()), AuditChain.GENESIS)).isFalse();
        assertThat(AuditChain.intact(new AuditRecord(8, original, record.previousHash(), record.hash()),
                AuditChain.GENESIS)).isFalse();
        // null and empty differ
        AuditEvent empty = new AuditEvent(original.time(), "", original.operation(), original.target(),
                original.outcome(), null, original.clientAddress());
        AuditEvent none = new AuditEvent(original.time(), null, original.operation(), original.target(),
                original.outcome(), null, original.clientAddress());
        assertThat(AuditChain.hash(AuditChain.GENESIS, 1, empty)).isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, 1,
                none));
    }
}
