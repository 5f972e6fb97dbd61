package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2AgreementContent.Identity;
import io.certvault.domain.As2AgreementContent.OneWay;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.Page;
import io.certvault.domain.Partner;
import io.certvault.domain.PartnerRepository;
import io.certvault.domain.ResourceName;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The AS2 agreements of an integration account: between which partners, known by which identities, and how
 * each direction is secured. An agreement is checked whole when it is written, so that encode and decode can
 * rely on it: its partners, identities and certificates exist and fit their roles.
 */
@ApplicationScoped
public class AgreementService {
    /** Where the settings are in the request body, for error messages. */
    static final String CONTENT_PATH = "properties.content.aS2";
    private static final Pattern HEADER_TEXT = Pattern.compile("[\\x20-\\x7E]{1,1000}");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+"
            + "(\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=(\"[\\x20-\\x7E&&[^\"]]*\"|[A-Za-z0-9!#$&^_.+-]+))*");
    private static final int MAX_DUPLICATE_DAYS = 365;

    private AgreementRepository agreements;
    private PartnerRepository partners;
    private CertificateRepository certificates;
    private IntegrationAccountRepository accounts;
    private MessageSettings settings;
    private Guard guard;
    private Clock clock;

    protected AgreementService() {
        // for CDI proxies
    }

    @Inject
    public AgreementService(AgreementRepository agreements, PartnerRepository partners,
            CertificateRepository certificates, IntegrationAccountRepository accounts, MessageSettings settings,
            Guard guard) {
        this(agreements, partners, certificates, accounts, settings, guard, Clock.systemUTC());
    }

    public AgreementService(AgreementRepository agreements, PartnerRepository partners,
            CertificateRepository certificates, IntegrationAccountRepository accounts, MessageSettings settings,
            Guard guard, Clock clock) {
        this.agreements = agreements;
        this.partners = partners;
        this.certificates = certificates;
        this.accounts = accounts;
        this.settings = settings;
        this.guard = guard;
        this.clock = clock;
    }

    /** An agreement as a request describes it; what it leaves out is null. */
    public record Draft(String agreementType, String hostPartner, String guestPartner, Identity hostIdentity,
            Identity guestIdentity, As2AgreementContent content, String metadataJson) {
    }

    /** Creates or replaces the agreement if the precondition holds for it as it is. */
    public Saved<Agreement> put(String accountName, String name, Draft draft, Precondition precondition) {
        return guard.change("agreements/write", Permission.WRITE, AuditTarget.agreement(accountName, name), () -> {
            requireAccount(accountName);
            ResourceName.require("agreement", name);
            requireAs2(draft.agreementType());
            Partner host = partner("properties.hostPartner", accountName, draft.hostPartner());
            Partner guest = partner("properties.guestPartner", accountName, draft.guestPartner());
            if (host.name().equals(guest.name())) {
                throw invalid("properties.guestPartner must be another partner than properties.hostPartner: an "
                        + "agreement is between two partners.");
            }
            BusinessIdentity hostIdentity = identityOf("properties.hostIdentity", host, draft.hostIdentity());
            BusinessIdentity guestIdentity = identityOf("properties.guestIdentity", guest, draft.guestIdentity());
            As2AgreementContent given = draft.content() == null ? new As2AgreementContent(null, null) : draft.content();
            As2AgreementContent content = given.withDefaults(Identity.of(hostIdentity), Identity.of(guestIdentity));
            checkDirection(CONTENT_PATH + ".sendAgreement", content.sendAgreement(), hostIdentity, guestIdentity,
                    "host", "guest");
            checkDirection(CONTENT_PATH + ".receiveAgreement", content.receiveAgreement(), guestIdentity,
                    hostIdentity, "guest", "host");
            checkCertificates(accountName, content);

            var existing = agreements.find(accountName, name);
            precondition.check("agreement '" + name + "'", existing.orElse(null));
            agreements.havingIdentityPair(accountName, Agreement.identityPair(hostIdentity, guestIdentity))
                    .filter(other -> !other.equals(name)).ifPresent(other -> {
                        throw identitiesInUse(accountName, other, hostIdentity, guestIdentity);
                    });
            Agreement agreement = existing.orElseGet(() -> new Agreement(accountName, name, clock.instant()));
            agreement.update(host.name(), hostIdentity, guest.name(), guestIdentity, content, draft.metadataJson(),
                    clock.instant());
            agreements.save(agreement);
            return new Saved<>(agreement, existing.isEmpty());
        });
    }

    public Agreement get(String accountName, String name) {
        readAccount(accountName);
        ResourceName.require("agreement", name);
        return agreements.find(accountName, name).orElseThrow(() -> new CertvaultException(
                ErrorCode.AGREEMENT_NOT_FOUND, "There is no agreement '" + name + "' in integration account '"
                        + accountName + "'."));
    }

    /** The account's agreements, only those with the given host or guest partner when one is named. */
    public Page<Agreement> list(String accountName, String hostPartner, String guestPartner, String afterName,
            String top) {
        readAccount(accountName);
        if (hostPartner != null) {
            ResourceName.require("partner", hostPartner);
        }
        if (guestPartner != null) {
            ResourceName.require("partner", guestPartner);
        }
        return agreements.list(accountName, hostPartner, guestPartner, afterName, Paging.top(top));
    }

    /** The names of the account's agreements that use the certificate, for showing what refers to it. */
    public List<String> usingCertificate(String accountName, String certificateName) {
        readAccount(accountName);
        return agreements.usingCertificate(accountName, certificateName);
    }

    /** The account's agreements in which the partner is host or guest. */
    public List<Agreement> withPartner(String accountName, String partnerName) {
        readAccount(accountName);
        return agreements.withPartner(accountName, partnerName);
    }

    /** False when there was no such agreement. */
    public boolean delete(String accountName, String name, Precondition precondition) {
        return guard.change("agreements/delete", Permission.WRITE, AuditTarget.agreement(accountName, name), () -> {
            requireAccount(accountName);
            ResourceName.require("agreement", name);
            precondition.check("agreement '" + name + "'", agreements.find(accountName, name).orElse(null));
            return agreements.delete(accountName, name);
        });
    }

    /**
     * What the agreement's certificates say about its future: one sentence for each that has expired or expires
     * within the warning period ({@code certvault.certificates.expiry-warning-days}).
     */
    public List<String> expiryWarnings(Agreement agreement) {
        Instant now = clock.instant();
        List<String> warnings = new ArrayList<>();
        for (String name : agreement.certificateNames()) {
            certificates.find(agreement.accountName(), name).ifPresent(certificate -> {
                if (certificate.expired(now)) {
                    warnings.add("Certificate '" + name + "' expired at " + certificate.notAfter() + ".");
                } else if (certificate.expiresSoon(now, settings.expiryWarning())) {
                    warnings.add("Certificate '" + name + "' expires at " + certificate.notAfter()
                            + ": renew it before then.");
                }
            });
        }
        return warnings;
    }

    private static void requireAs2(String agreementType) {
        if (agreementType == null) {
            throw invalid("properties.agreementType is required: \"AS2\".");
        }
        if (agreementType.equalsIgnoreCase("X12") || agreementType.equalsIgnoreCase("Edifact")) {
            throw new CertvaultException(ErrorCode.AGREEMENT_TYPE_NOT_SUPPORTED, "properties.agreementType "
                    + agreementType + " is not supported: Certvault has AS2 agreements only.");
        }
        if (!Agreement.AS2.equals(agreementType)) {
            throw invalid("properties.agreementType must be \"AS2\" (X12 and Edifact are not supported).");
        }
    }

    private Partner partner(String path, String accountName, String name) {
        if (name == null) {
            throw invalid(path + " is required: the name of a partner of the account.");
        }
        if (!ResourceName.valid(name)) {
            throw invalid(path + " is not a valid partner name.");
        }
        return partners.find(accountName, name).orElseThrow(() -> invalid(path + " names partner '" + name
                + "', which integration account '" + accountName + "' does not have."));
    }

    /** One of the partner's identities, an AS2 one: messages name the partners by it (AS2-From, AS2-To). */
    private static BusinessIdentity identityOf(String path, Partner partner, Identity given) {
        if (given == null || given.qualifier() == null || given.value() == null) {
            throw invalid(path + " is required: {\"qualifier\": \"AS2Identity\", \"value\": ...}, one of the "
                    + "business identities of partner '" + partner.name() + "'.");
        }
        BusinessIdentity identity = given.toBusinessIdentity();
        if (!partner.businessIdentities().contains(identity)) {
            throw invalid(path + " " + identity.qualifier() + " '" + identity.value() + "' is not a business "
                    + "identity of partner '" + partner.name() + "'.");
        }
        if (!BusinessIdentity.AS2_IDENTITY.equals(identity.qualifier())) {
            throw invalid(path + ".qualifier must be AS2Identity: an AS2 agreement knows its partners by their "
                    + "AS2 names.");
        }
        return identity;
    }

    /** The direction's sender and receiver are the partners it is for, and its settings have Azure's values. */
    private void checkDirection(String path, OneWay direction, BusinessIdentity sender,
            BusinessIdentity receiver, String senderRole, String receiverRole) {
        // Compared as records: an identity given in part (no qualifier) is simply not the right one.
        if (!direction.senderBusinessIdentity().equals(Identity.of(sender))) {
            throw invalid(path + ".senderBusinessIdentity must be the " + senderRole + "'s identity, " + sender + ".");
        }
        if (!direction.receiverBusinessIdentity().equals(Identity.of(receiver))) {
            throw invalid(path + ".receiverBusinessIdentity must be the " + receiverRole + "'s identity, " + receiver
                    + ".");
        }
        if (direction.delivery() != null) {
            checkDelivery(path, direction.delivery(), senderRole);
        }
        var endpoint = direction.partnerEndpoint();
        if (endpoint != null) {
            if (!senderRole.equals("host")) {
                throw invalid(path + ".partnerEndpoint belongs to the sendAgreement: where Certvault sends to the "
                        + "guest.");
            }
            if (endpoint.url() == null) {
                throw invalid(path + ".partnerEndpoint.url is required: the guest's AS2 URL.");
            }
            requireHttpUrl(path + ".partnerEndpoint.url", endpoint.url());
            if ((endpoint.username() == null) != (endpoint.passwordName() == null)) {
                throw invalid(path + ".partnerEndpoint: username and passwordName go together (HTTP Basic).");
            }
            if (endpoint.username() != null && (endpoint.username().isEmpty() || endpoint.username().contains(":")
                    || !endpoint.username().matches("[\\x20-\\x7E]{1,128}"))) {
                throw invalid(path + ".partnerEndpoint.username must be 1 to 128 printable ASCII characters, no ':'.");
            }
            if (endpoint.passwordName() != null && !endpoint.passwordName().matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw invalid(path + ".partnerEndpoint.passwordName must be lower-case letters, digits and '-': the "
                        + "server setting certvault.as2.partner-password.<passwordName> holds the password.");
            }
            if (endpoint.connectTimeoutSeconds() < 1 || endpoint.connectTimeoutSeconds() > 600
                    || endpoint.readTimeoutSeconds() < 1 || endpoint.readTimeoutSeconds() > 3600) {
                throw invalid(path + ".partnerEndpoint: connectTimeoutSeconds must be 1 to 600 and "
                        + "readTimeoutSeconds 1 to 3600.");
            }
        }
        var settings = direction.protocolSettings();
        String at = path + ".protocolSettings.";
        var mdn = settings.mdnSettings();
        oneOf(at + "mdnSettings.micHashingAlgorithm", mdn.micHashingAlgorithm(), As2AgreementContent.MIC_ALGORITHMS);
        optionalText(at + "mdnSettings.dispositionNotificationTo", mdn.dispositionNotificationTo());
        optionalText(at + "mdnSettings.mdnText", mdn.mdnText());
        if (mdn.receiptDeliveryUrl() != null) {
            requireHttpUrl(at + "mdnSettings.receiptDeliveryUrl", mdn.receiptDeliveryUrl());
        } else if (mdn.needMDN() && mdn.sendMDNAsynchronously() && senderRole.equals("host")) {
            throw invalid(at + "mdnSettings.receiptDeliveryUrl is required when an asynchronous MDN is asked "
                    + "for: the URL the partner sends it to.");
        }
        var validation = settings.validationSettings();
        oneOf(at + "validationSettings.encryptionAlgorithm", validation.encryptionAlgorithm(),
                As2AgreementContent.ENCRYPTION_ALGORITHMS);
        if ("RC2".equals(validation.encryptionAlgorithm())) {
            throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, at + "validationSettings."
                    + "encryptionAlgorithm RC2 is not offered: it is a 40- to 128-bit legacy cipher; use AES256.");
        }
        oneOf(at + "validationSettings.signingAlgorithm", validation.signingAlgorithm(),
                As2AgreementContent.SIGNING_ALGORITHMS);
        int days = validation.interchangeDuplicatesValidityDays();
        if (days < 1 || days > MAX_DUPLICATE_DAYS) {
            throw invalid(at + "validationSettings.interchangeDuplicatesValidityDays must be 1 to "
                    + MAX_DUPLICATE_DAYS + " days.");
        }
        oneOf(at + "securitySettings.sha2AlgorithmFormat", settings.securitySettings().sha2AlgorithmFormat(),
                As2AgreementContent.SHA2_FORMATS);
        var envelope = settings.envelopeSettings();
        if (!MEDIA_TYPE.matcher(envelope.messageContentType()).matches()) {
            throw invalid(at + "envelopeSettings.messageContentType is not a media type (type/subtype).");
        }
        optionalText(at + "envelopeSettings.fileNameTemplate", envelope.fileNameTemplate());
    }

    /**
     * Each certificate named exists, and fits its use: what signs our messages and decrypts theirs is a private
     * certificate of ours; none has expired (unless the policy allows it).
     */
    private void checkCertificates(String accountName, As2AgreementContent content) {
        var endpoint = content.sendAgreement().partnerEndpoint();
        if (endpoint != null && endpoint.trustedCertificateName() != null) {
            certificate(accountName, CONTENT_PATH + ".sendAgreement.partnerEndpoint.trustedCertificateName",
                    endpoint.trustedCertificateName(), true, false, "trust the guest's TLS server with");
            if (!endpoint.url().regionMatches(true, 0, "https:", 0, 6)) {
                throw invalid(CONTENT_PATH + ".sendAgreement.partnerEndpoint.trustedCertificateName is for an https "
                        + "url.");
            }
        }
        String send = CONTENT_PATH + ".sendAgreement.protocolSettings.";
        String receive = CONTENT_PATH + ".receiveAgreement.protocolSettings.";
        var sendSettings = content.sendAgreement().protocolSettings();
        var receiveSettings = content.receiveAgreement().protocolSettings();
        certificate(accountName, send + "securitySettings.signingCertificateName",
                sendSettings.securitySettings().signingCertificateName(),
                sendSettings.validationSettings().signMessage(), true, "sign the messages sent to the guest");
        certificate(accountName, send + "securitySettings.encryptionCertificateName",
                sendSettings.securitySettings().encryptionCertificateName(),
                sendSettings.validationSettings().encryptMessage(), false, "encrypt the messages sent to the guest "
                        + "(the guest's certificate)");
        certificate(accountName, receive + "securitySettings.signingCertificateName",
                receiveSettings.securitySettings().signingCertificateName(),
                receiveSettings.validationSettings().signMessage(), false, "verify the guest's signature (the "
                        + "guest's certificate)");
        certificate(accountName, receive + "securitySettings.encryptionCertificateName",
                receiveSettings.securitySettings().encryptionCertificateName(),
                receiveSettings.validationSettings().encryptMessage(), true, "decrypt the messages the guest sends");
        // The MDNs we return are signed with the certificate we sign with, and the guest's MDNs are verified
        // with the guest's certificate.
        if (receiveSettings.mdnSettings().signMDN() && sendSettings.securitySettings().signingCertificateName() == null) {
            throw invalid(receive + "mdnSettings.signMDN needs " + send + "securitySettings.signingCertificateName: "
                    + "the MDNs returned to the guest are signed with the host's signing certificate.");
        }
        if (sendSettings.mdnSettings().needMDN() && sendSettings.mdnSettings().signMDN()
                && receiveSettings.securitySettings().signingCertificateName() == null) {
            throw invalid(send + "mdnSettings.signMDN needs " + receive + "securitySettings.signingCertificateName: "
                    + "the guest's signed MDNs are verified with the guest's certificate.");
        }
    }

    private void certificate(String accountName, String path, String name, boolean required, boolean mustBePrivate,
            String use) {
        if (name == null) {
            if (required) {
                throw invalid(path + " is required: the certificate to " + use + ".");
            }
            return;
        }
        if (!ResourceName.valid(name)) {
            throw invalid(path + " is not a valid certificate name.");
        }
        Certificate certificate = certificates.find(accountName, name).orElseThrow(() -> invalid(path + " names "
                + "certificate '" + name + "', which integration account '" + accountName + "' does not have."));
        if (mustBePrivate && !certificate.isPrivate()) {
            throw new CertvaultException(ErrorCode.CERTIFICATE_NOT_PRIVATE, path + " names certificate '" + name
                    + "', a public certificate: to " + use + ", Certvault needs a private certificate, whose key is in a "
                    + "vault.");
        }
        if (certificate.expired(clock.instant()) && !settings.allowExpiredCertificates()) {
            throw new CertvaultException(ErrorCode.CERTIFICATE_EXPIRED, path + " names certificate '" + name
                    + "', which expired at " + certificate.notAfter() + ".");
        }
    }

    private static void oneOf(String path, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw invalid(path + " must be one of " + String.join(", ", allowed) + ".");
        }
    }

    private static void optionalText(String path, String text) {
        if (text != null && !HEADER_TEXT.matcher(text).matches()) {
            throw invalid(path + " must be 1 to 1000 printable ASCII characters (it is sent in a header).");
        }
    }

    private static void requireHttpUrl(String path, String url) {
        if (!httpUrl(url)) {
            throw invalid(path + " must be an absolute http or https URL.");
        }
    }

    private static final java.util.regex.Pattern FOLDER = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9_][A-Za-z0-9._-]{0,63}){0,7}");

    private static final java.util.regex.Pattern FILE_NAME_TEMPLATE = java.util.regex.Pattern.compile(
            "(?=.{1,200}$)(?!\\.)([A-Za-z0-9._-]|\\{[A-Za-z0-9]+})+");

    /** A delivery folder is on the receive side, and a plain relative path: it stays below the delivery root. */
    private void checkDelivery(String path, As2AgreementContent.Delivery delivery, String senderRole) {
        if (!senderRole.equals("guest")) {
            throw invalid(path + ".delivery belongs to the receiveAgreement: where the payloads Certvault receives "
                    + "go.");
        }
        if (delivery.folder() == null && delivery.url() == null) {
            throw invalid(path + ".delivery needs a folder, a url or both.");
        }
        if (delivery.fileNameTemplate() != null) {
            if (delivery.folder() == null) {
                throw invalid(path + ".delivery.fileNameTemplate names the files written to a folder: set "
                        + path + ".delivery.folder too.");
            }
            var fields = java.util.regex.Pattern.compile("\\{([^}]*)}").matcher(delivery.fileNameTemplate());
            while (fields.find()) {
                if (!As2AgreementContent.Delivery.FILE_NAME_FIELDS.contains(fields.group(1))) {
                    throw invalid(path + ".delivery.fileNameTemplate names {" + fields.group(1) + "}: it may name "
                            + As2AgreementContent.Delivery.FILE_NAME_FIELDS.stream().map(f -> "{" + f + "}").toList()
                            + ".");
                }
            }
            if (!FILE_NAME_TEMPLATE.matcher(delivery.fileNameTemplate()).matches()) {
                throw invalid(path + ".delivery.fileNameTemplate must be 1 to 200 letters, digits, ., _, - and "
                        + "{fields}, not starting with '.', like \"{date}-{fileName}\" or \"{messageId}.edi\".");
            }
        }
        if (delivery.folder() != null) {
            // Each name starts with a letter, digit or _, so none is "." or "..".
            if (!FOLDER.matcher(delivery.folder()).matches()) {
                throw invalid(path + ".delivery.folder must be a relative path of up to 8 names (letters, digits, "
                        + "., _ and -), below the server's certvault.as2.delivery-root.");
            }
            if (settings.deliveryRoot().isEmpty()) {
                throw invalid(path + ".delivery.folder needs the server setting certvault.as2.delivery-root: the "
                        + "folder below which payloads may be written.");
            }
        }
        if (delivery.url() != null) {
            requireHttpUrl(path + ".delivery.url", delivery.url());
            if (settings.deliveryHmacKey().isEmpty()) {
                throw invalid(path + ".delivery.url needs the server setting certvault.as2.delivery-hmac-key: the "
                        + "key that signs what is delivered, so that the receiver can trust it.");
            }
        }
    }

    /** An absolute http or https URL with a host, at most 1000 characters: where Certvault may post. */
    static boolean httpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && url.length() <= 1000;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** "agreement 'a'" or "agreements 'a', 'b'": what refers to a certificate or partner, for its refusal. */
    static String named(List<String> agreementNames) {
        return (agreementNames.size() > 1 ? "agreements '" : "agreement '") + String.join("', '", agreementNames)
                + "'";
    }

    static CertvaultException identitiesInUse(String accountName, String other, BusinessIdentity host,
            BusinessIdentity guest) {
        return new CertvaultException(ErrorCode.AGREEMENT_IDENTITIES_IN_USE, "Agreement '" + other + "' of "
                + "integration account '" + accountName + "' is already between " + host + " and " + guest
                + ": a message's AS2-From and AS2-To must find one agreement.");
    }

    private void readAccount(String accountName) {
        ResourceName.require("integration account", accountName);
        guard.read(accountName);
        requireAccount(accountName);
    }

    private void requireAccount(String accountName) {
        ResourceName.require("integration account", accountName);
        IntegrationAccountService.requireExisting(accounts, accountName);
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
