package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import io.certvault.pki.CertificateDetails;
import io.certvault.pki.CertificateParser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A certificate of an integration account. A public certificate is the X.509 certificate alone; a private
 * certificate also has a key reference to its private key in a vault. Besides the DER, what is derived from it
 * (thumbprints, names, serial number, validity, key) is stored, derived again whenever the DER changes, so that
 * lists filter and order by it and messages find their certificates by it without parsing every DER.
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

    // Derived from the DER in update(), never set otherwise (see CertificateDetails).
    @Column(name = "thumbprint", nullable = false, length = 40)
    private String thumbprint;

    @Column(name = "thumbprint_sha256", nullable = false, length = 64)
    private String thumbprintSha256;

    @Column(name = "subject", nullable = false, length = 65536)
    private String subject;

    @Column(name = "issuer", nullable = false, length = 65536)
    private String issuer;

    @Column(name = "serial_number", nullable = false, length = 1024)
    private String serialNumber;

    @Column(name = "not_before", nullable = false)
    private Instant notBefore;

    @Column(name = "not_after", nullable = false)
    private Instant notAfter;

    @Column(name = "key_algorithm", nullable = false, length = 16)
    private String keyAlgorithm;

    @Column(name = "key_size", nullable = false)
    private int keySize;

    @Column(name = "key_curve", length = 16)
    private String keyCurve;

    @Column(name = "subject_key_identifier", nullable = false, length = 1024)
    private String subjectKeyIdentifier;

    /** The certificates that issued it, base64 DER one per line, from its issuer up; null when none was given. */
    @Column(name = "chain_der", length = 1400000)
    private String chainDer;

    /** Whether validation paths of the account's certificates may end at it (a root or intermediate it trusts). */
    @Column(name = "trust_anchor", nullable = false)
    private boolean trustAnchor;

    /** The certificate of the account that takes over from this one at {@link #switchOverTime}; null for none. */
    @Column(name = "successor_name", length = 80)
    private String successorName;

    @Column(name = "switch_over_time")
    private Instant switchOverTime;

    /** When the switch-over was recorded (audited and told); null until then. */
    @Column(name = "switched_time")
    private Instant switchedTime;

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
        update(der, List.of(), key, false, metadataJson, now);
    }

    /**
     * Replaces the content: the certificate, the certificates that issued it (from its issuer up, checked by the
     * caller), its key reference (null for a public certificate), whether it is a trust anchor, and metadata.
     */
    public void update(byte[] der, List<byte[]> chain, KeyReference key, boolean trustAnchor, String metadataJson,
            Instant now) {
        this.chainDer = chain.isEmpty() ? null : chain.stream().map(Base64.getEncoder()::encodeToString)
                .collect(java.util.stream.Collectors.joining("\n"));
        this.trustAnchor = trustAnchor;
        CertificateDetails details = CertificateDetails.of(CertificateParser.parse(der));
        this.derBase64 = Base64.getEncoder().encodeToString(der);
        this.thumbprint = details.thumbprint();
        this.thumbprintSha256 = details.thumbprintSha256();
        this.subject = details.subject();
        this.issuer = details.issuer();
        this.serialNumber = details.serialNumber();
        this.notBefore = details.notBefore();
        this.notAfter = details.notAfter();
        this.keyAlgorithm = details.keyAlgorithm();
        this.keySize = details.keySize();
        this.keyCurve = details.keyCurve();
        this.subjectKeyIdentifier = details.subjectKeyIdentifier();
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

    /**
     * Schedules {@code successor} (another certificate of the account) to take over at {@code at}: messages are
     * sent with it from then on. Replaces a rollover scheduled before; the switch-over is told again.
     */
    public void rollOverTo(String successor, Instant at, Instant now) {
        this.successorName = ResourceName.require("certificate", successor);
        this.switchOverTime = at.truncatedTo(ChronoUnit.MILLIS);
        this.switchedTime = null;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public void cancelRollover(Instant now) {
        this.successorName = null;
        this.switchOverTime = null;
        this.switchedTime = null;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The successor's name, whether or not it has taken over yet; null for none. */
    public String successorName() {
        return successorName;
    }

    public Instant switchOverTime() {
        return switchOverTime;
    }

    /** Whether the successor has taken over at that instant. */
    public boolean switchedOver(Instant now) {
        return successorName != null && !switchOverTime.isAfter(now);
    }

    public Instant switchedTime() {
        return switchedTime;
    }

    /** Records that the switch-over was audited and told. */
    public void switched(Instant now) {
        this.switchedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The DER of the certificates that issued it, from its issuer up (empty when none were given). */
    public List<byte[]> chain() {
        return chainDer == null ? List.of()
                : chainDer.lines().map(Base64.getDecoder()::decode).toList();
    }

    public boolean trustAnchor() {
        return trustAnchor;
    }

    /** The stored identifier, which other rows of this certificate (its CRL) refer to. */
    public String id() {
        return id;
    }

    /** What is derived from the DER, as stored. */
    public CertificateDetails details() {
        return new CertificateDetails(thumbprint, thumbprintSha256, subject, issuer, serialNumber, notBefore, notAfter,
                keyAlgorithm, keySize, keyCurve, subjectKeyIdentifier);
    }

    public Instant notAfter() {
        return notAfter;
    }

    /**
     * Whether it is no longer valid at that instant: its validity ends before it. The one rule behind the
     * {@code expiresBefore} filter, "expired" and "expires soon".
     */
    public boolean expiresBefore(Instant instant) {
        return notAfter.isBefore(instant);
    }

    public boolean expired(Instant now) {
        return expiresBefore(now);
    }

    /** Still valid now, but not for the whole warning period: time to renew it. */
    public boolean expiresSoon(Instant now, Duration warning) {
        return !expired(now) && expiresBefore(now.plus(warning));
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
