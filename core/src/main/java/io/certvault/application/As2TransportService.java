package io.certvault.application;

import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.As2AgreementContent;
import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import io.certvault.domain.As2MessageRepository.Content;
import io.certvault.domain.As2MessageRepository.Prepared;
import io.certvault.domain.As2MessageRepository.Source;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import io.certvault.messaging.DispositionNotification;
import io.certvault.messaging.SmimeDecoder;
import io.certvault.messaging.Spool;
import java.io.OutputStream;
import io.certvault.security.Caller;
import io.certvault.security.CallerScope;
import io.certvault.security.Permission;
import io.certvault.security.Role;
import io.certvault.audit.AuditTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The AS2 transport (RFC 4130): messages partners post to an account's AS2 endpoint are opened by their agreement,
 * tracked and kept for pick-up, and answered with their MDN; messages to send are secured at once and go into the
 * outbox, from which a worker posts them to the partner and settles them by the MDN. Every signature, decryption
 * and verification is still the vault's and {@link MessageSecurityService}'s, recorded as the caller: the user who
 * sent, the partner who posted, or the outbox itself.
 */
@ApplicationScoped
public class As2TransportService {
    private static final Logger LOG = Logger.getLogger(As2TransportService.class.getName());

    /** Why an outbound message failed, besides the message security codes ({@link ErrorCode}) of its MDN's check. */
    public static final String PARTNER_UNREACHABLE = "PartnerUnreachable";
    public static final String PARTNER_REFUSED = "PartnerRefused";
    public static final String MDN_INVALID = "MdnInvalid";
    public static final String MDN_MIC_MISMATCH = "MdnMicMismatch";
    public static final String MDN_DISPOSITION_FAILED = "MdnDispositionFailed";
    public static final String MDN_NOT_RECEIVED = "MdnNotReceived";
    /** A received payload larger than the transport keeps (certvault.as2.max-message-bytes). */
    public static final String MESSAGE_TOO_LARGE = "MessageTooLarge";
    /** A received payload the agreement's delivery folder could not take (it stays Received, for pick-up). */
    public static final String DELIVERY_FAILED = "DeliveryFailed";
    /** An inbound message sent again within the agreement's duplicate window, kept (suspendDuplicateMessage). */
    public static final String DUPLICATE_MESSAGE = "DuplicateMessage";
    private static final Duration MAX_RETRY_DELAY = Duration.ofHours(1);
    private static final int CLAIM_BATCH = 10;
    private static final int MAX_MDN_BYTES = 1024 * 1024;

    private As2Service as2;
    private AgreementRepository agreements;
    private As2MessageRepository messages;
    private MessageSecurityService security;
    private Guard guard;
    private MessageSettings settings;
    private As2Client client;
    private io.certvault.domain.CertificateRepository certificates;
    private As2Activity activity;
    private Clock clock;

    protected As2TransportService() {
        // for CDI proxies
    }

    @Inject
    public As2TransportService(As2Service as2, AgreementRepository agreements, As2MessageRepository messages,
            MessageSecurityService security, Guard guard, MessageSettings settings, As2Client client,
            io.certvault.domain.CertificateRepository certificates, As2Activity activity) {
        this(as2, agreements, messages, security, guard, settings, client, certificates, activity, Clock.systemUTC());
    }

    public As2TransportService(As2Service as2, AgreementRepository agreements, As2MessageRepository messages,
            MessageSecurityService security, Guard guard, MessageSettings settings, As2Client client,
            io.certvault.domain.CertificateRepository certificates, As2Activity activity, Clock clock) {
        this.certificates = certificates;
        this.activity = activity;
        this.as2 = as2;
        this.agreements = agreements;
        this.messages = messages;
        this.security = security;
        this.guard = guard;
        this.settings = settings;
        this.client = client;
        this.clock = clock;
    }

    /**
     * What to answer a partner's POST with: a status, headers and a body (the MDN, or a short text), and whether
     * something went into the outbox (an asynchronous MDN).
     */
    public record Answer(int status, Map<String, String> headers, byte[] body, boolean queued) {
        Answer(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, body, false);
        }

        static Answer text(int status, String text) {
            return new Answer(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                    text.getBytes(StandardCharsets.UTF_8));
        }

        /** The same answer, saying that something went into the outbox. */
        Answer queuedWork() {
            return new Answer(status, headers, body, true);
        }
    }

    // ----- receiving

    /**
     * A message a partner posted to the account's AS2 endpoint. The agreement its AS2-From and AS2-To select says
     * who the partner is and how far it is trusted; the work is done, and recorded, as that partner.
     */
    public Answer receive(String accountName, Map<String, String> headers, InputStream body, String address)
            throws IOException {
        Map<String, String> h = caseless(headers);
        Optional<Agreement> agreement = agreementOf(accountName, h);
        if (agreement.isEmpty()) {
            return unknownPartner(h);
        }
        Agreement a = agreement.get();
        // Its record's id is made first, so that the key uses opening it name the message on the audit trail.
        String id = As2Message.newId();
        return runAs(partner(a, address).about(As2Message.resource(id)), () -> receive(id, a, h, body));
    }

    private Answer receive(String id, Agreement agreement, Map<String, String> h, InputStream body)
            throws IOException {
        long largest = settings.maxStoredMessageBytes() * 2 + MAX_MDN_BYTES;
        if (contentLength(h) > largest) {
            // Refused before it is read: more than the largest payload kept could come out of it.
            return tooLarge();
        }
        if (!receiveSecurity(agreement).enableNRRForInboundEncodedMessages()) {
            return receive(id, agreement, h, body, null);
        }
        // Non-repudiation: the message as it came is kept too, so it is read into an (encrypted) spool first.
        try (Spool raw = security.spool()) {
            try (OutputStream out = raw.output()) {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = body.read(buffer)) > 0; ) {
                    total += n;
                    if (total > largest) {
                        return tooLarge();
                    }
                    out.write(buffer, 0, n);
                }
            }
            try (InputStream in = raw.input()) {
                return receive(id, agreement, h, in, raw);
            }
        }
    }

    private Answer tooLarge() {
        return Answer.text(413, ErrorCode.REQUEST_TOO_LARGE.code() + ": this AS2 endpoint takes messages of at most "
                + settings.maxStoredMessageBytes() + " bytes of payload.");
    }

    /** {@code raw}: the message as it came, to keep (non-repudiation), or null. */
    private Answer receive(String id, Agreement agreement, Map<String, String> h, InputStream body, Spool raw)
            throws IOException {
        String accountName = agreement.accountName();
        var receive = agreement.content().receiveAgreement().protocolSettings();
        try (As2Service.Inbound inbound = as2.decode(accountName, h, body, this::firstReceipt)) {
            Instant now = clock.instant();
            As2Message message = new As2Message(id, accountName, agreement, As2Message.Direction.Inbound,
                    inbound.messageId(), inbound.as2From(), inbound.as2To(), now);
            Map<Content, Source> contents = new EnumMap<>(Content.class);
            if (inbound.decoded() != null && inbound.decoded().payload().size() > settings.maxStoredMessageBytes()) {
                // Opened (on disk, encrypted), but too large to keep: refused with a 413 and no MDN, so that the
                // partner sees a transport failure rather than a receipt.
                message.received(inbound.mic(), null, null, false, null, now);
                message.fail(MESSAGE_TOO_LARGE, "The payload is " + inbound.decoded().payload().size()
                        + " bytes; this server keeps at most " + settings.maxStoredMessageBytes() + ".", now);
                messages.save(message, Map.of());
                activity.settled(message);
                return Answer.text(413, MESSAGE_TOO_LARGE + ": the payload is larger than this server keeps ("
                        + settings.maxStoredMessageBytes() + " bytes).");
            }
            if (inbound.decoded() != null) {
                // Stored from its (encrypted) spool as it is read: a payload of any size takes bounded memory.
                Spool payload = inbound.decoded().payload();
                contents.put(Content.PAYLOAD, payload::input);
                message.carried(inbound.decoded().contentType(), payload.size(), fileName(h));
            }
            message.received(inbound.mic(), inbound.disposition(),
                    inbound.refusal() == null ? null : inbound.refusal().getMessage(), inbound.duplicate(),
                    inbound.refusal(), now);
            if (inbound.duplicate() && receive.errorSettings().suspendDuplicateMessage()) {
                message.fail(DUPLICATE_MESSAGE, "Message-ID " + inbound.messageId() + " was received before, within "
                        + receive.validationSettings().interchangeDuplicatesValidityDays() + " days: suspended, not "
                        + "delivered again.", now);
            }
            As2Service.Mdn mdn = inbound.mdn();
            if (mdn != null && receive.securitySettings().enableNRRForOutboundMDN()) {
                contents.put(Content.MDN, Source.of(mdn.body()));
            }
            if (raw != null) {
                contents.put(Content.RAW, raw::input);
            }
            As2Message asyncMdn = asynchronously(agreement, inbound);
            var delivery = agreement.content().receiveAgreement().delivery();
            boolean deliverable = contents.containsKey(Content.PAYLOAD) && message.status() == As2Message.Status.Received
                    && delivery != null;
            As2Message handOn = deliverable && delivery.url() != null
                    ? httpDelivery(message, agreement, delivery.url(), contents.get(Content.PAYLOAD)) : null;
            // Kept before it is answered: an MDN says the message is safe with us (and its hand-on queued with it).
            // Large contents are written before that transaction, in parts; it makes them the messages'.
            Map<Content, Prepared> kept = prepare(message.id(), contents);
            Map<Content, Prepared> mdnToSend = asyncMdn == null ? Map.of()
                    : prepare(asyncMdn.id(), Map.of(Content.RAW, Source.of(mdn.body())));
            Map<Content, Prepared> handedOn = handOn == null ? Map.of()
                    : prepare(handOn.id(), Map.of(Content.RAW, contents.get(Content.PAYLOAD)));
            guard.atomically(() -> {
                messages.save(message, kept);
                if (asyncMdn != null) {
                    messages.save(asyncMdn, mdnToSend);
                }
                if (handOn != null) {
                    messages.save(handOn, handedOn);
                }
                return null;
            });
            if (deliverable && delivery.folder() != null) {
                deliver(message, agreement, delivery, contents.get(Content.PAYLOAD));
            }
            activity.settled(message);
            Answer answer;
            if (asyncMdn != null) {
                answer = Answer.text(200, "Received " + inbound.messageId() + "; its MDN follows to "
                        + asyncMdn.targetUrl() + ".");
            } else if (mdn != null) {
                answer = new Answer(200, new LinkedHashMap<>(mdn.headers()), mdn.body());
            } else if (inbound.refusal() == null) {
                answer = Answer.text(200, "Received " + inbound.messageId() + ".");
            } else {
                answer = Answer.text(400, inbound.refusal().errorCode().code() + ": " + inbound.refusal().getMessage());
            }
            // What was queued (an asynchronous MDN, a delivery) is sent now rather than at the next poll.
            return asyncMdn != null || handOn != null ? answer.queuedWork() : answer;
        }
    }

    /**
     * Writes a kept payload into the agreement's delivery folder, whole or not at all (a temporary name, forced to
     * disk, then renamed), under the file name the partner sent (made safe) or the message's id, never over a
     * file that is there; then the message is Processed. A folder that cannot take it leaves it Received, for
     * pick-up through the API, with the reason.
     */
    private void deliver(As2Message message, Agreement agreement, As2AgreementContent.Delivery delivery,
            Source payload) {
        Instant now = clock.instant();
        try {
            java.nio.file.Path root = settings.deliveryRoot().orElseThrow(() -> new IOException(
                    "certvault.as2.delivery-root is not set"));
            java.nio.file.Path folder = root.resolve(delivery.folder()).normalize();
            if (!folder.startsWith(root)) {
                throw new IOException("the folder is not below the delivery root");
            }
            java.nio.file.Files.createDirectories(folder);
            String name = fileName(message, delivery.fileNameTemplate());
            java.nio.file.Path temporary = folder.resolve("." + name + "." + java.util.UUID.randomUUID() + ".tmp");
            try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE); InputStream in = payload.open()) {
                in.transferTo(java.nio.channels.Channels.newOutputStream(channel));
                channel.force(true);
            }
            java.nio.file.Path target = folder.resolve(name);
            if (java.nio.file.Files.exists(target)) {
                int dot = name.lastIndexOf('.');
                String unique = "-" + message.id().substring(0, 8);
                target = folder.resolve(dot > 0 ? name.substring(0, dot) + unique + name.substring(dot) : name + unique);
            }
            try {
                java.nio.file.Files.move(temporary, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } finally {
                java.nio.file.Files.deleteIfExists(temporary);
            }
            message.acknowledge(now);
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "AS2 message " + message.messageId() + " could not be written to delivery folder '"
                    + delivery.folder() + "': " + e);
            message.deliveryFailed(DELIVERY_FAILED, "Could not be written to delivery folder '" + delivery.folder()
                    + "': " + e.getMessage() + ". It stays Received, for pick-up through the API.", now);
        }
        save(message, agreement, Map.of());
    }

    /**
     * A received payload to POST to the account's application: the payload as the body with its Content-Type,
     * what it is in {@code X-Certvault-*} headers, and {@code X-Certvault-Signature: sha256=<hex>}, the HMAC-SHA256
     * of the body under the server's delivery key, so that the receiver can tell it came from Certvault.
     */
    private As2Message httpDelivery(As2Message received, Agreement agreement, String url, Source payload)
            throws IOException {
        byte[] key = settings.deliveryHmacKey().orElse(null);
        if (key == null) {
            LOG.warning(() -> "Agreement '" + agreement.name() + "' delivers to " + url + ", but "
                    + "certvault.as2.delivery-hmac-key is not set: the payload waits for pick-up instead.");
            return null;
        }
        String signature;
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            try (InputStream in = payload.open()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    mac.update(buffer, 0, n);
                }
            }
            signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every Java platform", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", received.contentType() == null ? "application/octet-stream"
                : received.contentType());
        headers.put("X-Certvault-Account", received.accountName());
        headers.put("X-Certvault-Agreement", received.agreementName());
        headers.put("X-Certvault-Message-Id", received.messageId());
        headers.put("X-Certvault-AS2-From", As2Service.quoted(received.as2From()));
        if (received.fileName() != null) {
            headers.put("X-Certvault-File-Name", safeFileName(received.fileName(), received.id()));
        }
        headers.put("X-Certvault-Signature", signature);
        As2Message delivery = As2Message.delivery(received, agreement, url, clock.instant());
        delivery.carried(headers.get("Content-Type"), received.contentSize(), received.fileName());
        delivery.sendWith(headerLines(headers), null);
        return delivery;
    }

    /** The name a delivered payload is written under: the template filled in, else the partner's (made safe). */
    static String fileName(As2Message message, String template) {
        if (template == null) {
            return safeFileName(message.fileName(), message.id());
        }
        var received = java.time.ZonedDateTime.ofInstant(message.createdTime(), java.time.ZoneOffset.UTC);
        Map<String, String> fields = Map.of("fileName", safeFileName(message.fileName(), message.id()),
                "messageId", bare(message.messageId()), "id", message.id(), "as2From", message.as2From(),
                "date", java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").format(received),
                "time", java.time.format.DateTimeFormatter.ofPattern("HHmmss").format(received));
        String name = template;
        for (var field : fields.entrySet()) {
            name = name.replace("{" + field.getKey() + "}", field.getValue());
        }
        return safeFileName(name, message.id());
    }

    /** The partner's file name with only letters, digits, '.', '_' and '-', not starting with '.'; else the id. */
    static String safeFileName(String given, String id) {
        String name = given == null ? "" : given.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[.]+", "");
        return name.isEmpty() || name.length() > 200 ? id + ".dat" : name;
    }

    /**
     * The asynchronous MDN to queue, when the message asks for one at an http(s) URL and its signature proved it
     * came from the guest: a message anyone could have sent does not make Certvault post to a URL it names.
     * Otherwise (null) the MDN is the HTTP answer.
     */
    private As2Message asynchronously(Agreement agreement, As2Service.Inbound inbound) {
        As2Service.Mdn mdn = inbound.mdn();
        if (mdn == null || mdn.deliveryUrl() == null || inbound.signedBy() == null
                || !AgreementService.httpUrl(mdn.deliveryUrl().trim())) {
            return null;
        }
        As2Message queued = As2Message.asyncMdn(agreement.accountName(), agreement, mdn.headers().get("Message-ID"),
                inbound.as2To(), inbound.as2From(), mdn.deliveryUrl().trim(), clock.instant());
        queued.carried(mdn.headers().get("Content-Type"), (long) mdn.body().length, null);
        queued.sendWith(headerLines(mdn.headers()), null);
        return queued;
    }

    /**
     * Duplicates are the inbound messages of the agreement with the Message-ID, not refused, within the window;
     * the message's own record (saved with its MDN) is what the next one is compared with.
     */
    private boolean firstReceipt(String accountName, String agreementName, String messageId, Instant now,
            Duration within) {
        return !messages.receivedSince(accountName, agreementName, messageId, now.minus(within));
    }

    /**
     * An AS2-From and AS2-To pair this endpoint has no agreement for. The same answer whether the account exists
     * or not; an MDN when one was asked for (unsigned: there is no agreement to sign it by).
     */
    private Answer unknownPartner(Map<String, String> h) {
        String text = "This AS2 endpoint has no agreement for AS2-From '" + printable(h.get("AS2-From"))
                + "' to AS2-To '" + printable(h.get("AS2-To")) + "'.";
        String messageId = h.get("Message-ID");
        if (h.get("Disposition-Notification-To") == null || messageId == null) {
            return Answer.text(403, text);
        }
        var report = DispositionNotification.report(text, "Certvault", printable(h.get("AS2-To")),
                printable(messageId), null, DispositionNotification.failed("authentication-failed"));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("AS2-Version", As2Service.AS2_VERSION);
        headers.put("AS2-From", As2Service.quoted(printable(h.get("AS2-To"))));
        headers.put("AS2-To", As2Service.quoted(printable(h.get("AS2-From"))));
        headers.put("Content-Type", report.contentType());
        return new Answer(200, headers, report.body());
    }

    // ----- sending

    /**
     * Secures the payload as the agreement's send settings say and puts it in the outbox, at once: the answer is
     * the queued message; a worker sends it. The caller needs to use the account's keys (it signs).
     */
    public As2Message send(String accountName, String agreementName, InputStream payload, String contentType,
            String fileName) throws IOException {
        security.requireAccount(accountName, "as2/send");
        ResourceName.require("agreement", agreementName);
        Agreement agreement = agreements.find(accountName, agreementName).orElseThrow(() -> new CertvaultException(
                ErrorCode.AGREEMENT_NOT_FOUND, "Integration account '" + accountName + "' has no agreement '"
                        + agreementName + "'."));
        if (agreement.content().sendAgreement().partnerEndpoint() == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "Agreement '" + agreementName + "' has no "
                    + "properties.content.aS2.sendAgreement.partnerEndpoint: say where the guest's AS2 server is.");
        }
        String id = As2Message.newId();
        Map<Content, Source> contents = new EnumMap<>(Content.class);
        // Non-repudiation of what was sent as it was given: kept from a spool, as the message is secured from it.
        try (Spool given = sendSecurity(agreement).enableNRRForOutboundDecodedMessages() ? security.spool() : null;
                As2Service.Outbound outbound = runAs(guard.caller().about(As2Message.resource(id)),
                        () -> as2.encode(accountName, agreement.hostIdentity().value(),
                                agreement.guestIdentity().value(), given == null ? payload : spooled(payload, given),
                                contentType, fileName, null))) {
            if (outbound.body().size() > settings.maxStoredMessageBytes()) {
                throw new CertvaultException(ErrorCode.REQUEST_TOO_LARGE, "The message would be "
                        + outbound.body().size() + " bytes; the outbox keeps at most " + settings.maxStoredMessageBytes()
                        + " (certvault.as2.max-message-bytes).");
            }
            Instant now = clock.instant();
            As2Message message = new As2Message(id, accountName, agreement, As2Message.Direction.Outbound,
                    outbound.headers().get("Message-ID"), agreement.hostIdentity().value(),
                    agreement.guestIdentity().value(), now);
            message.carried(outbound.headers().get("Content-Type"), outbound.body().size(),
                    fileName == null || fileName.isEmpty() ? null : fileName);
            message.sendWith(headerLines(outbound.headers()), outbound.mic());
            contents.put(Content.RAW, outbound.body()::input);
            if (given != null) {
                contents.put(Content.PAYLOAD, given::input);
            }
            messages.save(message, prepare(id, contents));
            return message;
        }
    }

    /** Each content prepared for the message (see {@link As2MessageRepository#prepare}). */
    private Map<Content, Prepared> prepare(String rowId, Map<Content, Source> contents) throws IOException {
        Map<Content, Prepared> prepared = new EnumMap<>(Content.class);
        for (var content : contents.entrySet()) {
            prepared.put(content.getKey(), messages.prepare(rowId, content.getKey(), content.getValue()));
        }
        return prepared;
    }

    /** The payload, written whole into the spool, then read from it. */
    private static InputStream spooled(InputStream payload, Spool spool) throws IOException {
        try (OutputStream out = spool.output()) {
            payload.transferTo(out);
        }
        return spool.input();
    }

    /**
     * One round of the outbox worker: claims the due messages for a lease and tries each once. Answers how many it
     * took, so that the worker goes on while there are more.
     */
    public int sendDue(String owner) {
        Instant now = clock.instant();
        List<As2Message> claimed = messages.claimDue(owner, now, now.plus(settings.leaseTime()), CLAIM_BATCH);
        Caller outbox = Caller.system("as2-outbox", Role.SIGNER);
        for (As2Message message : claimed) {
            try {
                CallerScope.runAs(outbox, () -> attempt(message));
            } catch (RuntimeException e) {
                // Left Sending: its lease runs out and the next round takes it again.
                LOG.warning(() -> "Sending AS2 message " + message.id() + " failed unexpectedly, to be retried when "
                        + "its lease ends: " + e);
            }
        }
        return claimed.size();
    }

    private void attempt(As2Message message) {
        Instant now = clock.instant();
        Optional<Agreement> agreement = agreements.find(message.accountName(), message.agreementName());
        if (agreement.isEmpty() || message.targetUrl() == null
                && agreement.get().content().sendAgreement().partnerEndpoint() == null) {
            message.fail(ErrorCode.AGREEMENT_NOT_FOUND.code(), "Agreement '" + message.agreementName() + "' or its "
                    + "partnerEndpoint was removed before the message was sent.", now);
            messages.save(message);
            activity.settled(message);
            return;
        }
        var send = agreement.get().content().sendAgreement();
        if (message.mdnOverdue()) {
            if (!send.protocolSettings().errorSettings().resendIfMDNNotReceived()
                    || message.attempts() > settings.sendAttempts()) {
                message.fail(MDN_NOT_RECEIVED, "The asynchronous MDN did not come within "
                        + settings.asyncMdnWait().toSeconds() + " s.", now);
                messages.save(message);
                activity.settled(message);
                return;
            }
            LOG.info(() -> "AS2 message " + message.messageId() + ": no MDN came, sending it again.");
        }
        var endpoint = send.partnerEndpoint();
        String url = message.targetUrl() != null ? message.targetUrl() : endpoint.url();
        Duration connectTimeout = Duration.ofSeconds(endpoint == null ? 30 : endpoint.connectTimeoutSeconds());
        Duration readTimeout = Duration.ofSeconds(endpoint == null ? 120 : endpoint.readTimeoutSeconds());
        Map<String, String> headers = headerMap(message.headers());
        if (endpoint != null && message.targetUrl() == null && endpoint.username() != null) {
            String password = settings.partnerPassword(endpoint.passwordName()).orElse(null);
            if (password == null) {
                message.fail(PARTNER_REFUSED, "The server setting certvault.as2.partner-password."
                        + endpoint.passwordName() + ", the password for " + url + ", is not set.", now);
                messages.save(message);
                activity.settled(message);
                return;
            }
            headers.put("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    (endpoint.username() + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        As2Client.Answer answer;
        Instant posted = clock.instant();
        try {
            // Read from the store as it is posted, a chunk at a time.
            Source raw = () -> messages.content(message.id(), Content.RAW).orElseThrow(() -> new IOException(
                    "the message as it was sent is no longer kept"));
            answer = client.post(url, headers, raw, message.contentSize(), connectTimeout, readTimeout,
                    endpoint == null || message.targetUrl() != null ? null
                            : trusted(message.accountName(), endpoint.trustedCertificateName()));
        } catch (IOException e) {
            retryOrFail(message, PARTNER_UNREACHABLE, "Could not reach " + url + ": " + e.getMessage(), now);
            return;
        }
        int status = answer.status();
        if (status >= 500 || status == 408 || status == 429) {
            retryOrFail(message, PARTNER_REFUSED, "The partner answered HTTP " + status + ".", now);
            return;
        }
        if (status < 200 || status > 299) {
            message.fail(PARTNER_REFUSED, "The partner answered HTTP " + status + ": " + excerpt(answer.body()), now);
            messages.save(message);
            activity.settled(message);
            return;
        }
        if (!headers.containsKey("Disposition-Notification-To")) {
            message.delivered(null, null, null, clock.instant());
            save(message, agreement.get(), Map.of());
            activity.settled(message);
            if (message.kind() == As2Message.Kind.Delivery) {
                handedOn(message);
            }
        } else if (headers.containsKey("Receipt-Delivery-Option")) {
            message.sent(clock.instant().plus(settings.asyncMdnWait()), clock.instant());
            messages.save(message);
        } else {
            settle(message, agreement.get(), check(agreement.get(), answer.header("Content-Type"), answer.body()),
                    answer.body(), posted);
        }
    }

    /** The certificate an endpoint's TLS server must chain to; gone from the account: the attempt fails. */
    private java.security.cert.X509Certificate trusted(String accountName, String name) throws IOException {
        if (name == null) {
            return null;
        }
        var certificate = certificates.find(accountName, name).orElseThrow(() -> new IOException("certificate '"
                + name + "', which the agreement trusts for TLS, is no longer in the account"));
        return io.certvault.pki.CertificateParser.parse(certificate.der());
    }

    /** The application took a delivered payload: its received message is Processed. */
    private void handedOn(As2Message delivery) {
        messages.findByMessageId(delivery.accountName(), As2Message.Direction.Inbound, delivery.messageId())
                .filter(m -> m.agreementName().equals(delivery.agreementName())
                        && m.status() == As2Message.Status.Received)
                .ifPresent(received -> {
                    received.acknowledge(clock.instant());
                    save(received, agreements.find(received.accountName(), received.agreementName()).orElse(null),
                            Map.of());
                });
    }

    /**
     * Saves the message with what it carried and, in the same transaction, removes what it no longer needs now
     * that it is settled, unless its agreement keeps that as evidence (the enableNRR* settings): a processed payload
     * ({@code enableNRRForInboundDecodedMessages}), a delivered message as it was sent
     * ({@code enableNRRForOutboundEncodedMessages}; an asynchronous MDN's or a delivery's always, as their evidence
     * is kept with the message they belong to). {@code agreement} null: it is gone, and keeps nothing.
     */
    private void save(As2Message message, Agreement agreement, Map<Content, Source> contents) {
        java.util.Set<Content> unneeded = java.util.EnumSet.noneOf(Content.class);
        if (message.direction() == As2Message.Direction.Inbound && message.status() == As2Message.Status.Processed
                && (agreement == null || !receiveSecurity(agreement).enableNRRForInboundDecodedMessages())) {
            unneeded.add(Content.PAYLOAD);
        }
        if (message.direction() == As2Message.Direction.Outbound && message.status() == As2Message.Status.Delivered
                && (message.kind() != As2Message.Kind.Message || agreement == null
                        || !sendSecurity(agreement).enableNRRForOutboundEncodedMessages())) {
            unneeded.add(Content.RAW);
        }
        Map<Content, Prepared> prepared;
        try {
            prepared = prepare(message.id(), contents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        guard.atomically(() -> {
            messages.save(message, prepared);
            messages.removeContent(message.id(), unneeded);
            return null;
        });
    }

    private static As2AgreementContent.SecuritySettings receiveSecurity(Agreement agreement) {
        return agreement.content().receiveAgreement().protocolSettings().securitySettings();
    }

    private static As2AgreementContent.SecuritySettings sendSecurity(Agreement agreement) {
        return agreement.content().sendAgreement().protocolSettings().securitySettings();
    }

    private void retryOrFail(As2Message message, String code, String text, Instant now) {
        Instant next = null;
        if (message.attempts() < settings.sendAttempts()) {
            Duration delay = settings.retryDelay().multipliedBy(1L << Math.min(message.attempts() - 1, 20));
            next = now.plus(delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay);
        }
        message.attemptFailed(code, text + (next == null ? " No attempts are left (" + message.attempts() + " made)."
                : " Attempt " + message.attempts() + " of " + settings.sendAttempts() + "; the next at " + next + "."),
                next, now);
        messages.save(message);
        if (next == null) {
            activity.settled(message);
        }
    }

    /**
     * An asynchronous MDN a partner posted for a message sent earlier: checked as a synchronous one is, as the
     * partner. An MDN for a message already settled is answered 200 and changes nothing.
     */
    public Answer receiveMdn(String accountName, Map<String, String> headers, InputStream body, String address)
            throws IOException {
        Map<String, String> h = caseless(headers);
        Optional<Agreement> agreement = agreementOf(accountName, h);
        if (agreement.isEmpty()) {
            return Answer.text(403, "This AS2 endpoint has no agreement for AS2-From '" + printable(h.get("AS2-From"))
                    + "' to AS2-To '" + printable(h.get("AS2-To")) + "'.");
        }
        Agreement a = agreement.get();
        byte[] mdn = body.readNBytes(MAX_MDN_BYTES + 1);
        if (mdn.length > MAX_MDN_BYTES) {
            return Answer.text(413, "An MDN is at most 1 MiB.");
        }
        return runAs(partner(a, address), () -> {
            MdnCheck check = check(a, h.get("Content-Type"), mdn);
            if (check.notification() == null || check.notification().originalMessageId() == null) {
                return Answer.text(400, check.code() + ": " + check.text());
            }
            Optional<As2Message> message = messages.findByMessageId(a.accountName(), As2Message.Direction.Outbound,
                    check.notification().originalMessageId().trim())
                    .filter(m -> m.agreementName().equals(a.name()));
            if (message.isEmpty()) {
                return Answer.text(400, MDN_INVALID + ": the MDN is for a message this agreement did not send.");
            }
            As2Message sent = message.get();
            if (sent.status() == As2Message.Status.Sent || sent.status() == As2Message.Status.Queued) {
                // Sent is when it was posted (and its MDN began to be awaited).
                settle(sent, a, check, mdn, sent.changedTime());
            }
            return Answer.text(200, "MDN received.");
        });
    }

    /**
     * What an MDN says and whether it can be believed: signed by the guest's certificate (required when the send
     * agreement asks for signed MDNs), a readable disposition notification. Refusals of the signature keep the
     * message security code (SignatureInvalid, SignerUnknown, InsufficientMessageSecurity).
     */
    record MdnCheck(DispositionNotification.Received notification, String signedBy, String code, String text) {
    }

    private MdnCheck check(Agreement agreement, String contentType, byte[] body) {
        if (contentType == null || contentType.isBlank()) {
            return new MdnCheck(null, null, MDN_INVALID, "The answer has no Content-Type: it is not an MDN.");
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String reportType = contentType;
        byte[] report = body;
        String signedBy = null;
        try {
            if (base.equals("multipart/signed")) {
                String verifier = agreement.content().receiveAgreement().protocolSettings().securitySettings()
                        .signingCertificateName();
                if (verifier == null) {
                    return new MdnCheck(null, null, ErrorCode.SIGNER_UNKNOWN.code(), "The MDN is signed, and agreement '"
                            + agreement.name() + "' names no certificate of the guest to verify it with.");
                }
                try (SmimeDecoder.Result opened = security.decode(guard.caller(), agreement.accountName(),
                        new ByteArrayInputStream(body), contentType, null, verifier, null);
                        InputStream in = opened.payload().input()) {
                    report = in.readAllBytes();
                    reportType = opened.contentType();
                    signedBy = opened.signedBy();
                }
            } else if (agreement.content().sendAgreement().protocolSettings().mdnSettings().signMDN()) {
                return new MdnCheck(null, null, ErrorCode.INSUFFICIENT_MESSAGE_SECURITY.code(), "Agreement '"
                        + agreement.name() + "' asks for signed MDNs, and this one is not signed.");
            }
            return new MdnCheck(DispositionNotification.read(reportType, report), signedBy, null, null);
        } catch (CertvaultException e) {
            String code = e.errorCode() == ErrorCode.MALFORMED_MESSAGE ? MDN_INVALID : e.errorCode().code();
            return new MdnCheck(null, signedBy, code, "The MDN: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Delivered when the MDN is believed, answers this message, says processed and returns our MIC. */
    private void settle(As2Message message, Agreement agreement, MdnCheck check, byte[] mdn, Instant posted) {
        Instant now = clock.instant();
        var notification = check.notification();
        if (notification == null) {
            message.mdnFailed(null, null, check.signedBy(), check.code(), check.text(), now);
        } else if (notification.originalMessageId() != null
                && !bare(notification.originalMessageId()).equals(bare(message.messageId()))) {
            message.mdnFailed(notification.disposition(), notification.text(), check.signedBy(), MDN_INVALID,
                    "The MDN answers " + notification.originalMessageId() + ", not this message.", now);
        } else if (!notification.processed()) {
            message.mdnFailed(notification.disposition(), notification.text(), check.signedBy(),
                    MDN_DISPOSITION_FAILED, "The partner did not process the message: " + notification.disposition(),
                    now);
        } else if (message.mic() != null && !notification.micMatches(message.mic())) {
            message.mdnFailed(notification.disposition(), notification.text(), check.signedBy(), MDN_MIC_MISMATCH,
                    "The MDN returns the MIC " + notification.mic() + "; the message sent had " + message.mic()
                            + ": what the partner received is not what was sent.", now);
        } else {
            message.delivered(notification.disposition(), notification.text(), check.signedBy(), now);
        }
        save(message, agreement, sendSecurity(agreement).enableNRRForInboundMDN()
                ? Map.of(Content.MDN, Source.of(mdn)) : Map.of());
        activity.mdnReceived(message, Duration.between(posted, now));
        activity.settled(message);
        LOG.fine(() -> "AS2 message " + message.messageId() + " of agreement " + agreement.name() + ": "
                + message.status());
    }

    /**
     * The retention job: removes the raw messages and MDNs older than {@code certvault.as2.nrr-retention-days}.
     * Every server may run it; the deletes are the same.
     */
    public int removeExpiredEvidence() {
        int removed = messages.removeEvidenceBefore(clock.instant().minus(settings.evidenceRetention()));
        purgeRemovedContent();
        if (removed > 0) {
            LOG.info(() -> "Removed " + removed + " raw messages and MDNs older than "
                    + settings.evidenceRetention().toDays() + " days");
        }
        return removed;
    }

    /**
     * Deletes the parts of contents no message holds any more (replaced, removed, or of deleted messages), and of
     * contents prepared a day ago for a save that never came. Run after outbox rounds and by the retention job.
     */
    public int purgeRemovedContent() {
        return messages.purgeUnheld(clock.instant().minus(Duration.ofDays(1)));
    }

    // ----- tracking

    /**
     * A list's filters as a request gives them (text; blank for any): {@code direction} and {@code status} by
     * name in any case, {@code from} and {@code to} as ISO-8601 instants. Refused with the filter named.
     */
    public static As2MessageRepository.Query query(String direction, String status, String partner,
            String agreement, String from, String to, String continueAfter) {
        return new As2MessageRepository.Query(oneOf("direction", direction, As2Message.Direction.class),
                oneOf("status", status, As2Message.Status.class), blank(partner), blank(agreement),
                instant("from", from), instant("to", to), continueAfter);
    }

    private static <E extends Enum<E>> E oneOf(String parameter, String value, Class<E> type) {
        if (blank(value) == null) {
            return null;
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        throw new CertvaultException(ErrorCode.INVALID_REQUEST, parameter + " must be one of "
                + java.util.Arrays.toString(type.getEnumConstants()) + ".");
    }

    private static Instant instant(String parameter, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, parameter + " must be an ISO-8601 instant, like "
                    + "2026-12-01T00:00:00Z.");
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public Page<As2Message> list(String accountName, As2MessageRepository.Query query, String top) {
        guard.read(ResourceName.require("integration account", accountName));
        security.requireAccountExists(accountName);
        return messages.list(accountName, query, Paging.top(top));
    }

    public As2Message get(String accountName, String id) {
        guard.read(ResourceName.require("integration account", accountName));
        return messages.find(accountName, id).orElseThrow(() -> notFound(accountName, id));
    }

    /** What a message carried: the received payload, or the raw message (as sent or received), or its MDN. */
    public Optional<InputStream> content(String accountName, String id, Content kind) throws IOException {
        As2Message message = get(accountName, id);
        return messages.content(message.id(), kind);
    }

    /** What the message still keeps of what it carried (what can be downloaded). */
    public java.util.Set<Content> kept(String accountName, String id) {
        return messages.kept(get(accountName, id).id());
    }

    /** The payload was picked up: a Received message becomes Processed (again is no change). */
    public As2Message acknowledge(String accountName, String id) {
        return guard.change("as2/messages/acknowledge", Permission.WRITE, AuditTarget.account(accountName), () -> {
            As2Message message = messages.find(accountName, id).orElseThrow(() -> notFound(accountName, id));
            if (message.direction() != As2Message.Direction.Inbound
                    || message.status() != As2Message.Status.Received && message.status() != As2Message.Status.Processed) {
                throw new CertvaultException(ErrorCode.MESSAGE_STATE_CONFLICT, "Message " + id + " is "
                        + message.direction() + " and " + message.status() + ": only a received inbound message is "
                        + "acknowledged.");
            }
            if (message.status() == As2Message.Status.Received) {
                message.acknowledge(clock.instant());
                save(message, agreements.find(accountName, message.agreementName()).orElse(null), Map.of());
            }
            return message;
        });
    }

    /** Sends an outbound message again as it was (the same Message-ID), from now, with a fresh count of attempts. */
    public As2Message resend(String accountName, String id) {
        return guard.change("as2/messages/resend", Permission.USE_KEYS, AuditTarget.account(accountName), () -> {
            As2Message message = messages.find(accountName, id).orElseThrow(() -> notFound(accountName, id));
            if (message.direction() != As2Message.Direction.Outbound
                    || message.status() == As2Message.Status.Queued || message.status() == As2Message.Status.Sending) {
                throw new CertvaultException(ErrorCode.MESSAGE_STATE_CONFLICT, "Message " + id + " is "
                        + message.direction() + " and " + message.status() + ": only an outbound message that is not "
                        + "waiting to be sent can be sent again.");
            }
            try (InputStream raw = messages.content(message.id(), Content.RAW).orElse(null)) {
                if (raw == null) {
                    throw new CertvaultException(ErrorCode.MESSAGE_STATE_CONFLICT, "Message " + id + " was "
                            + message.status() + ", and what was sent is no longer kept (the send agreement's "
                            + "enableNRRForOutboundEncodedMessages keeps it): send the payload again instead.");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            message.resend(clock.instant());
            messages.save(message);
            return message;
        });
    }

    // ----- helpers

    private Optional<Agreement> agreementOf(String accountName, Map<String, String> h) {
        if (!ResourceName.valid(accountName)) {
            return Optional.empty();
        }
        String from;
        String to;
        try {
            from = As2Service.as2Name("AS2-From", h.get("AS2-From"));
            to = As2Service.as2Name("AS2-To", h.get("AS2-To"));
        } catch (CertvaultException e) {
            return Optional.empty();
        }
        return agreements.findByIdentities(accountName, new BusinessIdentity(BusinessIdentity.AS2_IDENTITY, to),
                new BusinessIdentity(BusinessIdentity.AS2_IDENTITY, from));
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws IOException;
    }

    private static Caller partner(Agreement agreement, String address) {
        return Caller.partner(agreement.accountName(), agreement.guestPartner(), address);
    }

    private static <T> T runAs(Caller caller, Work<T> work) throws IOException {
        try {
            return CallerScope.runAs(caller, () -> {
                try {
                    return work.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static long contentLength(Map<String, String> h) {
        try {
            return h.get("Content-Length") == null ? -1 : Long.parseLong(h.get("Content-Length").trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, String> caseless(Map<String, String> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        return h;
    }

    /** The file name a Content-Disposition header gives, if any. */
    static String fileName(Map<String, String> h) {
        String disposition = h.get("Content-Disposition");
        if (disposition == null) {
            return null;
        }
        var matcher = java.util.regex.Pattern.compile("(?i)filename\\s*=\\s*\"?([^\";]{1,255})\"?")
                .matcher(disposition);
        return matcher.find() ? matcher.group(1).trim() : null;
    }

    static String headerLines(Map<String, String> headers) {
        StringBuilder lines = new StringBuilder();
        headers.forEach((name, value) -> lines.append(name).append(": ").append(value).append('\n'));
        return lines.toString();
    }

    static Map<String, String> headerMap(String lines) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static String bare(String messageId) {
        String id = messageId.trim();
        return id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
    }

    /** A header value as safe to echo: printable ASCII, at most 128 characters. */
    private static String printable(String value) {
        if (value == null) {
            return "";
        }
        String clean = value.replaceAll("[^\\x20-\\x7E]", "?");
        return clean.length() > 128 ? clean.substring(0, 128) : clean;
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return printable(text.replaceAll("\\s+", " ").trim());
    }

    private static CertvaultException notFound(String accountName, String id) {
        return new CertvaultException(ErrorCode.MESSAGE_NOT_FOUND, "Integration account '" + accountName
                + "' has no AS2 message '" + printable(id) + "'.");
    }
}
