package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A trading agreement between a host partner (us) and a guest partner, known in messages by their two
 * identities. Only AS2 agreements exist; their settings are {@link As2AgreementContent}. The partners and the
 * certificates it names are columns as well, so that the database can say what refers to them.
 */
@Entity
@Table(name = "agreement")
public class Agreement implements Versioned {
    public static final String AS2 = "AS2";

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "name", nullable = false, length = 80)
    private String name;

    @Column(name = "agreement_type", nullable = false, length = 16)
    private String agreementType;

    @Column(name = "host_partner", nullable = false, length = 80)
    private String hostPartner;

    @Column(name = "guest_partner", nullable = false, length = 80)
    private String guestPartner;

    @Column(name = "host_qualifier", nullable = false, length = 128)
    private String hostQualifier;

    @Column(name = "host_value", nullable = false, length = 128)
    private String hostValue;

    @Column(name = "guest_qualifier", nullable = false, length = 128)
    private String guestQualifier;

    @Column(name = "guest_value", nullable = false, length = 128)
    private String guestValue;

    /** The two identities in a fixed order, whichever is host: two agreements may not share a pair. */
    @Column(name = "identity_pair", nullable = false, length = 600)
    private String identityPair;

    @Column(name = "send_signing_certificate", length = 80)
    private String sendSigningCertificate;

    @Column(name = "send_encryption_certificate", length = 80)
    private String sendEncryptionCertificate;

    @Column(name = "receive_signing_certificate", length = 80)
    private String receiveSigningCertificate;

    @Column(name = "receive_encryption_certificate", length = 80)
    private String receiveEncryptionCertificate;

    @Convert(converter = As2AgreementContentJson.class)
    @Column(name = "content", nullable = false, length = 65536)
    private As2AgreementContent content;

    /** Free-form metadata as a JSON object, kept as the client sent it. */
    @Column(name = "metadata", length = 65536)
    private String metadataJson;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected Agreement() {
    }

    public Agreement(String accountName, String name, Instant now) {
        this.id = UUID.randomUUID().toString();
        this.accountName = accountName;
        this.name = ResourceName.require("agreement", name);
        this.agreementType = AS2;
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    /** Sets what the agreement is; the content has its defaults filled and has been checked. */
    public void update(String hostPartner, BusinessIdentity hostIdentity, String guestPartner,
            BusinessIdentity guestIdentity, As2AgreementContent content, String metadataJson, Instant now) {
        this.hostPartner = hostPartner;
        this.guestPartner = guestPartner;
        this.hostQualifier = hostIdentity.qualifier();
        this.hostValue = hostIdentity.value();
        this.guestQualifier = guestIdentity.qualifier();
        this.guestValue = guestIdentity.value();
        this.identityPair = identityPair(hostIdentity, guestIdentity);
        this.content = content;
        this.sendSigningCertificate = content.sendAgreement().protocolSettings().securitySettings()
                .signingCertificateName();
        this.sendEncryptionCertificate = content.sendAgreement().protocolSettings().securitySettings()
                .encryptionCertificateName();
        this.receiveSigningCertificate = content.receiveAgreement().protocolSettings().securitySettings()
                .signingCertificateName();
        this.receiveEncryptionCertificate = content.receiveAgreement().protocolSettings().securitySettings()
                .encryptionCertificateName();
        this.metadataJson = metadataJson;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * The key two agreements may not share: the identities ordered by their text, so that an agreement the
     * other way round (host and guest swapped) is the same pair. Identities hold no control characters.
     */
    public static String identityPair(BusinessIdentity a, BusinessIdentity b) {
        String first = a.qualifier() + '\u001f' + a.value();
        String second = b.qualifier() + '\u001f' + b.value();
        return first.compareTo(second) <= 0 ? first + '\u001e' + second : second + '\u001e' + first;
    }

    /** The certificates the agreement names, each once. */
    public Set<String> certificateNames() {
        Set<String> names = new LinkedHashSet<>();
        Stream.of(sendSigningCertificate, sendEncryptionCertificate, receiveSigningCertificate,
                receiveEncryptionCertificate).filter(java.util.Objects::nonNull).forEach(names::add);
        return names;
    }

    public String accountName() {
        return accountName;
    }

    public String name() {
        return name;
    }

    public String agreementType() {
        return agreementType;
    }

    public String hostPartner() {
        return hostPartner;
    }

    public String guestPartner() {
        return guestPartner;
    }

    public BusinessIdentity hostIdentity() {
        return new BusinessIdentity(hostQualifier, hostValue);
    }

    public BusinessIdentity guestIdentity() {
        return new BusinessIdentity(guestQualifier, guestValue);
    }

    public As2AgreementContent content() {
        return content;
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
