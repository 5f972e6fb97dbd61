package io.certvault.infrastructure.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row naming the audit trail's last record; appenders lock it to take their turn. */
@Entity
@Table(name = "audit_chain_head")
public class AuditChainHead {
    static final int ID = 1;

    @Id
    @Column(name = "id")
    private int id;
    @Column(name = "last_sequence", nullable = false)
    private long lastSequence;
    @Column(name = "last_hash", nullable = false)
    private String lastHash;

    protected AuditChainHead() {
    }

    long lastSequence() {
        return lastSequence;
    }

    String lastHash() {
        return lastHash;
    }

    void advance(long sequence, String hash) {
        this.lastSequence = sequence;
        this.lastHash = hash;
    }
}
