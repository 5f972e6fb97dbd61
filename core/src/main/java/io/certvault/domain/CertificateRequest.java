package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A certificate signing request (PKCS#10) of an account, signed by a vault key version: it waits (Pending) for a
 * CA's certificate, and is Completed when that is stored as the account's private certificate.
 */
@Entity
@Table(name = "certificate_request")
public class CertificateRequest implements Versioned {
    public enum State { Pending, Completed }

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "name", nullable = false, length = 80)
    private String name;

    @Column(name = "vault_name", nullable = false, length = 80)
    private String vaultName;

    @Column(name = "key_name", nullable = false, length = 80)
    private String keyName;

    @Column(name = "key_version", nullable = false, length = 80)
    private String keyVersion;

    @Column(name = "subject", nullable = false, length = 1024)
    private String subject;

    /** The request's DER, base64. */
    @Column(name = "csr", nullable = false, length = 200000)
    private String csr;

    @Enumerated(EnumType.STRING)
    @Column(name = "state", nullable = false, length = 16)
    private State state;

    @Column(name = "certificate_name", length = 80)
    private String certificateName;

    /** The certificate this request renews: completing it schedules the new one to take over at the time below. */
    @Column(name = "renews", length = 80)
    private String renews;

    @Column(name = "switch_over_time")
    private Instant switchOverTime;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected CertificateRequest() {
    }

    public CertificateRequest(String accountName, String name, KeyReference key, String subject, byte[] der,
            Instant now) {
        this.id = UUID.randomUUID().toString();
        this.accountName = accountName;
        this.name = name;
        this.vaultName = key.vaultName();
        this.keyName = key.keyName();
        this.keyVersion = key.keyVersion();
        this.subject = subject;
        this.csr = Base64.getEncoder().encodeToString(der);
        this.state = State.Pending;
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    /** Made to renew {@code certificate}: the certificate it becomes takes over from it at {@code at}. */
    public void renewing(String certificate, Instant at) {
        this.renews = ResourceName.require("certificate", certificate);
        this.switchOverTime = at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    /** The certificate this request renews, null for none. */
    public String renews() {
        return renews;
    }

    public Instant switchOverTime() {
        return switchOverTime;
    }

    /** The CA's certificate was stored as the account's private certificate of this name. */
    public void completed(String certificateName, Instant now) {
        this.state = State.Completed;
        this.certificateName = certificateName;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public String accountName() {
        return accountName;
    }

    public String name() {
        return name;
    }

    /** The key version that signed the request, which the CA's certificate must be for. */
    public KeyReference key() {
        return new KeyReference(vaultName, keyName, keyVersion);
    }

    public String subject() {
        return subject;
    }

    public byte[] der() {
        return Base64.getDecoder().decode(csr);
    }

    /** The request as PEM ({@code .csr}), as CAs take it. */
    public String pem() {
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(der()) + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    public State state() {
        return state;
    }

    public String certificateName() {
        return certificateName;
    }

    public Instant createdTime() {
        return createdTime;
    }

    public Instant changedTime() {
        return changedTime;
    }

    @Override
    public long version() {
        return version;
    }
}
