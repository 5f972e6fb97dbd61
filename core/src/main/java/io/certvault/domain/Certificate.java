package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A certificate of an integration account. A public certificate is the X.509 certificate alone; a private
 * certificate also has a key reference to its private key in a vault. Only the DER is stored: every detail
 * (thumbprints, subject, validity) is derived from it when read.
 */
@Entity
// Times are kept to the millisecond, which every supported database stores exactly.
@Table(name = "certificate")
public class Certificate implements Versioned {
    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "name", nullable = false, length = 80)
    private String name;

    /** The DER encoding, base64, so that one schema serves every database. */
    @Column(name = "certificate_der", nullable = false, length = 1400000)
    private String derBase64;

    @Column(name = "key_vault", length = 80)
    private String keyVault;

    @Column(name = "key_name", length = 80)
    private String keyName;

    @Column(name = "key_version", length = 80)
    private String keyVersion;

    /** Free-form metadata as a JSON object, kept as the client sent it. */
    @Column(name = "metadata", length = 65536)
    private String metadataJson;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    /** Raised by every change; a write based on an older version fails instead of overwriting. */
    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected Certificate() {
    }

    public Certificate(String accountName, String name, Instant now) {
        this.id = UUID.randomUUID().toString();
        this.accountName = ResourceName.require("integration account", accountName);
        this.name = ResourceName.require("certificate", name);
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    /** Replaces the content: the certificate, its key reference (null for a public certificate) and metadata. */
    public void update(byte[] der, KeyReference key, String metadataJson, Instant now) {
        this.derBase64 = Base64.getEncoder().encodeToString(der);
        this.keyVault = key == null ? null : key.vaultName();
        this.keyName = key == null ? null : key.keyName();
        this.keyVersion = key == null ? null : key.keyVersion();
        this.metadataJson = metadataJson;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public String accountName() {
        return accountName;
    }

    public String name() {
        return name;
    }

    public byte[] der() {
        return Base64.getDecoder().decode(derBase64);
    }

    /** The key reference of a private certificate, null for a public one. */
    public KeyReference key() {
        return keyVault == null ? null : new KeyReference(keyVault, keyName, keyVersion);
    }

    public boolean isPrivate() {
        return keyVault != null;
    }

    public String metadataJson() {
        return metadataJson;
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
