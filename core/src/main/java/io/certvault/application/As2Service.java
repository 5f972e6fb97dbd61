package io.certvault.application;

import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ReceivedMessageRepository;
import io.certvault.messaging.DispositionNotification;
import io.certvault.messaging.MicAlgorithm;
import io.certvault.messaging.SmimeDecoder;
import io.certvault.messaging.Spool;
import io.certvault.security.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * AS2 encode and decode as an agreement says (RFC 4130), like Azure's AS2 Encode and AS2 Decode actions: the
 * partners' AS2 names find the agreement, whose send or receive settings say how to secure the message and its
 * MDN. The transport (HTTP to and from the partner) is the caller's.
 */
@ApplicationScoped
public class As2Service {
    static final String AS2_VERSION = "1.2";
    private static final String REPORTING_UA = "Certvault";
    private static final Pattern AS2_NAME = Pattern.compile("[\\x20-\\x7E]{1,128}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[\\x21-\\x7E]{1,998}");
    private static final Pattern HEADER_TEXT = Pattern.compile("[\\x20-\\x7E]{0,998}");
    /** What a received message is refused for, as the MDN's disposition names it (RFC 4130 7.4.3). */
    private static final Map<ErrorCode, String> DISPOSITIONS = Map.ofEntries(
            Map.entry(ErrorCode.DECRYPTION_FAILED, "decryption-failed"),
            Map.entry(ErrorCode.NO_MATCHING_RECIPIENT, "decryption-failed"),
            Map.entry(ErrorCode.SIGNATURE_INVALID, "authentication-failed"),
            Map.entry(ErrorCode.SIGNER_UNKNOWN, "authentication-failed"),
            Map.entry(ErrorCode.CERTIFICATE_REVOKED, "authentication-failed"),
            Map.entry(ErrorCode.REVOCATION_UNKNOWN, "authentication-failed"),
            Map.entry(ErrorCode.INTEGRITY_CHECK_FAILED, "integrity-check-failed"),
            Map.entry(ErrorCode.INSUFFICIENT_MESSAGE_SECURITY, "insufficient-message-security"),
            Map.entry(ErrorCode.MALFORMED_MESSAGE, "unexpected-processing-error"),
            Map.entry(ErrorCode.ALGORITHM_NOT_ALLOWED, "unexpected-processing-error"),
            Map.entry(ErrorCode.CERTIFICATE_EXPIRED, "unexpected-processing-error"));
    private static final Set<String> SMIME_TYPES = Set.of("multipart/signed", "application/pkcs7-mime",
            "application/x-pkcs7-mime");

    private AgreementRepository agreements;
    private ReceivedMessageRepository received;
    private CertificateValidationService trust;
    private MessageSecurityService messages;
    private Clock clock;

    protected As2Service() {
        // for CDI proxies
    }

    @Inject
    public As2Service(AgreementRepository agreements, ReceivedMessageRepository received,
            MessageSecurityService messages, CertificateValidationService trust) {
        this(agreements, received, messages, trust, Clock.systemUTC());
    }

    public As2Service(AgreementRepository agreements, ReceivedMessageRepository received,
            MessageSecurityService messages, CertificateValidationService trust, Clock clock) {
        this.agreements = agreements;
        this.received = received;
        this.messages = messages;
        this.trust = trust;
        this.clock = clock;
    }

    /** A message to send: the headers to send it with, its body and the MIC the MDN should return. Close it. */
    public record Outbound(String agreementName, Map<String, String> headers, String mic, Spool body)
            implements AutoCloseable {
        @Override
        public void close() {
            body.close();
        }
    }

    /**
     * Secures a payload for the guest of the agreement between {@code as2From} (the host) and {@code as2To}.
     *
     * @param fileName sent in Content-Disposition when the agreement transmits file names; may be null
     * @param subject the Subject header; null for a default
     */
    public Outbound encode(String accountName, String as2From, String as2To, InputStream payload,
            String contentType, String fileName, String subject) throws IOException {
        Caller caller = messages.requireAccount(accountName, "as2/encode");
        String from = as2Name("AS2-From", as2From);
        String to = as2Name("AS2-To", as2To);
        Agreement agreement = agreement(accountName, from, to, "host", "guest");
        var send = agreement.content().sendAgreement().protocolSettings();
        var validation = send.validationSettings();
        var mdn = send.mdnSettings();
        Optional<MicAlgorithm> micAlgorithm = MicAlgorithm.parse(mdn.micHashingAlgorithm());
        String payloadType = contentType == null || contentType.isBlank()
                ? send.envelopeSettings().messageContentType() : contentType;
        var options = new MessageSecurityService.EncodeOptions(
                validation.signMessage() ? send.securitySettings().signingCertificateName() : null,
                signingAlgorithm(validation.signingAlgorithm()),
                validation.encryptMessage() ? send.securitySettings().encryptionCertificateName() : null,
                validation.encryptionAlgorithm(), validation.compressMessage(), micAlgorithm.orElse(null));
        if (subject != null && !HEADER_TEXT.matcher(subject).matches()) {
            throw invalid("The Subject must be printable ASCII (it is sent as a header).");
        }
        if (fileName != null && !fileName.isEmpty() && !AS2_NAME.matcher(fileName).matches()) {
            throw invalid("The file name must be 1 to 128 printable ASCII characters.");
        }
        if (validation.checkCertificateRevocationListOnSend()) {
            // Asked before anything is signed: a revoked certificate refuses the message.
            // The certificates the names stand for now (a successor once it has taken over).
            requireNotRevoked(accountName, trust.sendingWith(accountName, options.signingCertificateName()), "sign");
            requireNotRevoked(accountName, trust.sendingWith(accountName, options.encryptionCertificateName()),
                    "encrypt");
        }
        var encoded = messages.encode(caller, accountName, payload, payloadType, options);
        Map<String, String> headers = as2Headers(from, to,
                subject != null ? subject : "AS2 message from " + from + " to " + to);
        headers.put("Content-Type", encoded.contentType());
        if (send.envelopeSettings().transmitFileNameInMimeHeader() && fileName != null && !fileName.isEmpty()) {
            headers.put("Content-Disposition", "attachment; filename=\"" + fileName.replace("\"", "") + "\"");
        }
        if (mdn.needMDN()) {
            headers.put("Disposition-Notification-To", mdn.dispositionNotificationTo() != null
                    ? mdn.dispositionNotificationTo() : from);
            String micalg = micAlgorithm.orElse(MicAlgorithm.SHA256).spelled(send.securitySettings().sha2AlgorithmFormat());
            // The hash of the MIC is named for an unsigned MDN too: without it, receivers pick their own (as2-lib
            // and OpenAS2 take SHA-1), and the MIC returned could not be compared with the one computed here.
            headers.put("Disposition-Notification-Options", (mdn.signMDN()
                    ? "signed-receipt-protocol=optional, pkcs7-signature; " : "")
                    + "signed-receipt-micalg=optional, " + micalg);
            if (mdn.sendMDNAsynchronously()) {
                headers.put("Receipt-Delivery-Option", mdn.receiptDeliveryUrl());
            }
        }
        return new Outbound(agreement.name(), headers, encoded.mic(), encoded.body());
    }

    /** The MDN to return: its headers and body, and where to send it when it goes asynchronously. */
    public record Mdn(Map<String, String> headers, byte[] body, boolean signed, String deliveryUrl) {
    }

    /**
     * A received message opened: the payload (null when refused, or when it is a duplicate and so not delivered
     * again), what was done to reach it, and the MDN to return (null when none was asked for). A refused message
     * has its refusal, and its MDN says why. {@code signedBy} is the certificate that verified its signature (a
     * duplicate's too). Close it.
     */
    public record Inbound(String agreementName, String as2From, String as2To, String messageId,
            SmimeDecoder.Result decoded, boolean duplicate, String mic, String disposition,
            CertvaultException refusal, Mdn mdn, String signedBy) implements AutoCloseable {
        @Override
        public void close() {
            if (decoded != null) {
                decoded.close();
            }
        }
    }

    /**
     * Opens a received AS2 message with the receive settings of the agreement between its AS2-To (the host) and
     * AS2-From (the guest). {@code headers} are the message's HTTP headers, looked up without regard to case.
     */
    public Inbound decode(String accountName, Map<String, String> headers, InputStream body) throws IOException {
        return decode(accountName, headers, body, received::firstReceipt);
    }

    /**
     * Tells whether a message is the first with its Message-ID for the agreement within the duplicate window (and
     * records it, where the record is not the caller's own).
     */
    @FunctionalInterface
    public interface Receipts {
        boolean firstReceipt(String accountName, String agreementName, String messageId, java.time.Instant now,
                Duration within);
    }

    /** {@link #decode(String, Map, InputStream)} with duplicates told apart by the caller's own record of them. */
    public Inbound decode(String accountName, Map<String, String> headers, InputStream body, Receipts receipts)
            throws IOException {
        Caller caller = messages.requireAccount(accountName, "as2/decode");
        Map<String, String> h = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        String from = as2Name("AS2-From", h.get("AS2-From"));
        String to = as2Name("AS2-To", h.get("AS2-To"));
        String messageId = h.get("Message-ID") == null ? null : h.get("Message-ID").trim();
        if (messageId == null || !MESSAGE_ID.matcher(messageId).matches()) {
            throw invalid("The Message-ID header is required (RFC 4130: <unique@host>, printable ASCII).");
        }
        String contentType = h.get("Content-Type");
        if (contentType == null || contentType.isBlank()) {
            throw invalid("The message's Content-Type is required.");
        }
        Agreement agreement = agreement(accountName, to, from, "host", "guest");
        var receive = agreement.content().receiveAgreement().protocolSettings();
        var validation = receive.validationSettings();
        SmimeDecoder.Result decoded = null;
        CertvaultException refusal = null;
        try {
            // The MIC in the first hash the sender asks for that Certvault knows (RFC 4130 7.3: the receiver picks).
            MicAlgorithm micAlgorithm = DispositionNotification.Options.parse(h.get("Disposition-Notification-Options"))
                    .micAlgorithms().stream().map(MicAlgorithm::parse).flatMap(Optional::stream).findFirst()
                    .orElse(null);
            decoded = open(caller, accountName, body, contentType, h.get("Content-Transfer-Encoding"),
                    receive.securitySettings().signingCertificateName(), micAlgorithm);
            if (validation.signMessage() && decoded.signedBy() == null) {
                throw new CertvaultException(ErrorCode.INSUFFICIENT_MESSAGE_SECURITY, "Agreement '"
                        + agreement.name() + "' receives signed messages only, and this one is not signed.");
            }
            if (validation.encryptMessage() && decoded.decryptedWith() == null) {
                throw new CertvaultException(ErrorCode.INSUFFICIENT_MESSAGE_SECURITY, "Agreement '"
                        + agreement.name() + "' receives encrypted messages only, and this one is not encrypted.");
            }
            if (validation.checkCertificateRevocationListOnReceive()) {
                requireNotRevoked(accountName, decoded.signedBy(), "verify");
            }
        } catch (CertvaultException e) {
            if (!DISPOSITIONS.containsKey(e.errorCode())) {
                throw e;
            }
            if (decoded != null) {
                decoded.close();
                decoded = null;
            }
            refusal = e;
        }
        boolean duplicate = false;
        if (refusal == null && validation.checkDuplicateMessage()) {
            duplicate = !receipts.firstReceipt(accountName, agreement.name(), messageId, clock.instant(),
                    Duration.ofDays(validation.interchangeDuplicatesValidityDays()));
        }
        String mic = decoded == null ? null : decoded.mic();
        String disposition = refusal == null ? DispositionNotification.PROCESSED
                : DispositionNotification.failed(DISPOSITIONS.get(refusal.errorCode()));
        Mdn mdn = null;
        try {
            if (h.get("Disposition-Notification-To") != null) {
                mdn = mdn(caller, agreement, h, to, from, messageId, mic, disposition, refusal, duplicate);
            }
        } catch (IOException | RuntimeException e) {
            if (decoded != null) {
                decoded.close();
            }
            throw e;
        }
        String signedBy = decoded == null ? null : decoded.signedBy();
        if (duplicate) {
            // Answered again, delivered once.
            decoded.close();
            decoded = null;
        }
        return new Inbound(agreement.name(), from, to, messageId, decoded, duplicate, mic, disposition, refusal, mdn,
                signedBy);
    }

    private void requireNotRevoked(String accountName, String certificateName, String use) {
        if (certificateName != null) {
            trust.requireNotRevoked(accountName, trust.find(accountName, certificateName), use);
        }
    }

    /** An S/MIME message is decoded; a plain one (an agreement may allow it) is its own payload. */
    private SmimeDecoder.Result open(Caller caller, String accountName, InputStream body, String contentType,
            String transferEncoding, String verificationCertificate, MicAlgorithm micAlgorithm) throws IOException {
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (SMIME_TYPES.contains(base)) {
            return messages.decode(caller, accountName, body, contentType, transferEncoding, verificationCertificate,
                    micAlgorithm);
        }
        Spool payload = messages.spool();
        try (OutputStream out = payload.output()) {
            body.transferTo(out);
        } catch (IOException | RuntimeException e) {
            payload.close();
            throw e;
        }
        return new SmimeDecoder.Result(contentType.trim(), payload, null, null, null, false);
    }

    /**
     * The MDN for a received message: signed when the sender asks for a signed receipt or the agreement signs its
     * MDNs, with the host's signing certificate (the send agreement's).
     */
    private Mdn mdn(Caller caller, Agreement agreement, Map<String, String> h, String host, String guest,
            String messageId, String mic, String disposition, CertvaultException refusal, boolean duplicate)
            throws IOException {
        var receive = agreement.content().receiveAgreement().protocolSettings();
        var options = DispositionNotification.Options.parse(h.get("Disposition-Notification-Options"));
        String signingCertificate = agreement.content().sendAgreement().protocolSettings().securitySettings()
                .signingCertificateName();
        boolean sign = (options.signedReceipt() || receive.mdnSettings().signMDN()) && signingCertificate != null;
        String text = refusal != null
                ? "The AS2 message " + messageId + " was received but could not be processed: "
                        + refusal.getMessage()
                : receive.mdnSettings().mdnText() != null ? receive.mdnSettings().mdnText()
                : "The AS2 message " + messageId + " has been received" + (duplicate ? " again (a duplicate)" : "")
                        + " and processed. This does not say that its content was read or understood.";
        var report = DispositionNotification.report(text, REPORTING_UA, host, messageId, mic, disposition);
        Map<String, String> headers = as2Headers(host, guest, "Message Disposition Notification");
        byte[] body = report.body();
        String contentType = report.contentType();
        if (sign) {
            String hash = options.micAlgorithms().stream().map(MicAlgorithm::parse).flatMap(Optional::stream)
                    .filter(a -> a != MicAlgorithm.MD5).findFirst().orElse(MicAlgorithm.SHA256).name();
            String signingAlgorithm = hash.equals("SHA1") ? "SHA1" : "SHA2" + hash.substring(3);
            try (var signed = messages.encode(caller, agreement.accountName(), new ByteArrayInputStream(body),
                    contentType, new MessageSecurityService.EncodeOptions(signingCertificate, signingAlgorithm,
                            null, null, false));
                    InputStream in = signed.body().input()) {
                body = in.readAllBytes();
                contentType = signed.contentType();
            }
        }
        headers.put("Content-Type", contentType);
        return new Mdn(headers, body, sign, h.get("Receipt-Delivery-Option"));
    }

    /** The headers every AS2 message and MDN Certvault makes starts with: a new Message-ID from the sender. */
    private Map<String, String> as2Headers(String from, String to, String subject) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("AS2-Version", AS2_VERSION);
        headers.put("AS2-From", quoted(from));
        headers.put("AS2-To", quoted(to));
        headers.put("Message-ID", "<" + UUID.randomUUID() + "@" + token(from) + ".certvault>");
        headers.put("Subject", subject);
        headers.put("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atZone(ZoneOffset.UTC)));
        headers.put("MIME-Version", "1.0");
        return headers;
    }

    private Agreement agreement(String accountName, String hostName, String guestName, String hostRole,
            String guestRole) {
        BusinessIdentity host = new BusinessIdentity(BusinessIdentity.AS2_IDENTITY, hostName);
        BusinessIdentity guest = new BusinessIdentity(BusinessIdentity.AS2_IDENTITY, guestName);
        return agreements.findByIdentities(accountName, host, guest).orElseThrow(() -> new CertvaultException(
                ErrorCode.AGREEMENT_NOT_FOUND, "Integration account '" + accountName + "' has no AS2 agreement whose "
                        + hostRole + " is '" + hostName + "' and whose " + guestRole + " is '" + guestName + "'."));
    }

    /** Azure's signing algorithm names; Default is SHA-256. */
    private static String signingAlgorithm(String azureName) {
        return "Default".equals(azureName) ? "SHA2256" : azureName;
    }

    /** An AS2 name from a header: quotes around it are not part of it (RFC 4130 6.2). */
    static String as2Name(String header, String value) {
        if (value == null || value.isBlank()) {
            throw invalid("The " + header + " header is required: the partner's AS2 name.");
        }
        String name = value.trim();
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (!AS2_NAME.matcher(name).matches()) {
            throw invalid("The " + header + " header is not an AS2 name: 1 to 128 printable ASCII characters.");
        }
        return name;
    }

    /** RFC 4130 6.2: a name with spaces or specials travels quoted. */
    static String quoted(String name) {
        return name.matches("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+") ? name
                : "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The AS2 name as a host part of a Message-ID. */
    private static String token(String name) {
        String token = name.replaceAll("[^A-Za-z0-9.-]", "-");
        return token.isEmpty() ? "as2" : token;
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_REQUEST, message);
    }
}
