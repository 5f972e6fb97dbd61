package io.certvault.infrastructure.persistence;

import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTarget;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of the append-only audit_event table. */
@Entity
@Table(name = "audit_event")
public class AuditEventRow {
    @Id
    @Column(name = "sequence")
    private long sequence;
    @Column(name = "event_time", nullable = false)
    private Instant time;
    @Column(name = "user_name")
    private String user;
    @Column(name = "operation", nullable = false)
    private String operation;
    @Column(name = "account_name")
    private String account;
    @Column(name = "certificate_name")
    private String certificate;
    @Column(name = "vault_name")
    private String vault;
    @Column(name = "key_name")
    private String keyName;
    @Column(name = "key_version")
    private String keyVersion;
    @Column(name = "resource_name")
    private String resource;
    @Column(name = "outcome", nullable = false)
    private String outcome;
    @Column(name = "error_code")
    private String errorCode;
    @Column(name = "client_address")
    private String clientAddress;
    @Column(name = "previous_hash", nullable = false)
    private String previousHash;
    @Column(name = "hash", nullable = false)
    private String hash;

    protected AuditEventRow() {
    }

    AuditEventRow(AuditRecord record) {
        AuditEvent event = record.event();
        AuditTarget target = event.target();
        sequence = record.sequence();
        time = event.time();
        user = event.user();
        operation = event.operation();
        account = target.account();
        certificate = target.certificate();
        vault = target.vault();
        keyName = target.key();
        keyVersion = target.keyVersion();
        resource = target.resource();
        outcome = event.outcome();
        errorCode = event.errorCode();
        clientAddress = event.clientAddress();
        previousHash = record.previousHash();
        hash = record.hash();
    }

    AuditRecord toRecord() {
        return new AuditRecord(sequence, new AuditEvent(time, user, operation,
                new AuditTarget(account, certificate, vault, keyName, keyVersion, resource), outcome, errorCode,
                clientAddress), previousHash, hash);
    }
}
