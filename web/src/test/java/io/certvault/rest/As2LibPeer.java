package io.certvault.rest;

import com.helger.as2lib.client.AS2Client;
import com.helger.as2lib.client.AS2ClientRequest;
import com.helger.as2lib.client.AS2ClientResponse;
import com.helger.as2lib.client.AS2ClientSettings;
import com.helger.as2lib.crypto.BCCryptoHelper;
import com.helger.as2lib.crypto.ECompressionType;
import com.helger.as2lib.crypto.ECryptoAlgorithmCrypt;
import com.helger.as2lib.crypto.ECryptoAlgorithmSign;
import com.helger.as2lib.crypto.IMICMatchingHandler;
import com.helger.as2lib.crypto.MIC;
import com.helger.as2lib.message.IMessage;
import com.helger.as2lib.processor.sender.AS2SenderModule;
import com.helger.as2lib.util.AS2ResourceHelper;
import com.helger.security.keystore.EKeyStoreType;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A trading partner running as2-lib (com.helger.as2, an independent AS2 implementation): its client sends to
 * Certvault's AS2 endpoint, or through a relay that hands each message to {@code as2/decode} and answers the MDN
 * decode made, as an AS2 gateway in front of Certvault would; its crypto helper opens what {@code as2/encode}
 * made; its receiver takes what Certvault's outbox sends and answers as2-lib's own MDN.
 */
final class As2LibPeer implements AutoCloseable {
    private static final String PASSWORD = "interop";
    /** Headers a relay does not pass on: the HTTP client sets them itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te");

    private final String as2Name;
    private final KeyPair key;
    private final X509Certificate certificate;
    private final HttpServer relay;
    /** What as2/decode answered for the last message the relay passed on. */
    final AtomicReference<JsonObject> lastDecode = new AtomicReference<>();

    /** A peer with its own key, relaying to {@code decodePath} through {@code api}. */
    As2LibPeer(String as2Name, KeyPair key, X509Certificate certificate, ApiClient api, String decodePath)
            throws IOException {
        this.as2Name = as2Name;
        this.key = key;
        this.certificate = certificate;
        relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        relay.createContext("/as2", exchange -> {
            try (exchange) {
                var request = HttpRequest.newBuilder(api.uri(decodePath));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(value -> request.header(name, value));
                    }
                });
                byte[] body = exchange.getRequestBody().readAllBytes();
                ApiClient.Reply decoded = api.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
                JsonObject answer = decoded.json();
                lastDecode.set(answer);
                JsonObject mdn = answer.getJsonObject("mdn");
                if (mdn == null) {
                    exchange.sendResponseHeaders(decoded.status(), -1);
                    return;
                }
                mdn.getJsonObject("headers").forEach((name, value) -> exchange.getResponseHeaders()
                        .add(name, ((jakarta.json.JsonString) value).getString()));
                byte[] content = Base64.getDecoder().decode(mdn.getString("content"));
                exchange.sendResponseHeaders(200, content.length);
                exchange.getResponseBody().write(content);
            }
        });
        relay.start();
    }

    String url() {
        return "http://127.0.0.1:" + relay.getAddress().getPort() + "/as2";
    }

    /** What the MIC check of as2-lib's sender found: the MIC returned, or why it did not match. */
    record Sent(AS2ClientResponse response, String micMatched, String micMismatch) {
    }

    /** Sends a payload signed, encrypted (and maybe compressed) to the partner {@code to}, asking for a signed MDN. */
    Sent send(String to, X509Certificate toCertificate, byte[] payload, ECryptoAlgorithmSign sign,
            ECryptoAlgorithmCrypt crypt, String micalg, boolean compress) throws Exception {
        return sendTo(url(), to, toCertificate, payload, sign, crypt, micalg, compress);
    }

    /** {@link #send} to an AS2 server at the URL, not through the relay. */
    Sent sendTo(String url, String to, X509Certificate toCertificate, byte[] payload, ECryptoAlgorithmSign sign,
            ECryptoAlgorithmCrypt crypt, String micalg, boolean compress) throws Exception {
        return sendTo(url, to, toCertificate, payload, sign, crypt, micalg, compress, true, null);
    }

    /**
     * Sends to the AS2 server at the URL, signed unless {@code sign} is null, encrypted unless {@code crypt} is,
     * asking for a signed MDN or an unsigned one, in the HTTP answer or ({@code asyncMdnUrl}) posted there.
     */
    Sent sendTo(String url, String to, X509Certificate toCertificate, byte[] payload, ECryptoAlgorithmSign sign,
            ECryptoAlgorithmCrypt crypt, String micalg, boolean compress, boolean signedMdn, String asyncMdnUrl)
            throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("me", key.getPrivate(), PASSWORD.toCharArray(), new X509Certificate[] {certificate});
        store.setCertificateEntry("partner", toCertificate);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, PASSWORD.toCharArray());

        AS2ClientSettings settings = new AS2ClientSettings();
        settings.setKeyStore(EKeyStoreType.PKCS12, bytes.toByteArray(), PASSWORD);
        settings.setSaveKeyStoreChangesToFile(false);
        settings.setSenderData(as2Name, "as2@" + as2Name.toLowerCase(Locale.ROOT) + ".example", "me");
        settings.setReceiverData(to, "partner", url);
        settings.setReceiverCertificate(toCertificate);
        settings.setPartnershipName(as2Name + "-" + to);
        settings.setEncryptAndSign(crypt, sign);
        if (compress) {
            settings.setCompress(ECompressionType.ZLIB, true);
        }
        settings.setMDNRequested(true);
        settings.setMDNOptions(signedMdn ? "signed-receipt-protocol=optional, pkcs7-signature; "
                + "signed-receipt-micalg=optional, " + micalg : null);
        if (asyncMdnUrl != null) {
            settings.setAsyncMDNUrl(asyncMdnUrl);
        }
        settings.setRetryCount(0);

        AtomicReference<String> matched = new AtomicReference<>();
        AtomicReference<String> mismatch = new AtomicReference<>();
        AS2Client client = new AS2Client().setAS2SenderModuleFactory(() -> new AS2SenderModule()
                .setMICMatchingHandler(new IMICMatchingHandler() {
                    @Override
                    public void onMICMatch(IMessage message, String mic) {
                        matched.set(mic);
                    }

                    @Override
                    public void onMICMismatch(IMessage message, String original, String returned) {
                        mismatch.set("sent " + original + ", returned " + returned);
                    }
                }));
        // A data source rather than bytes: a message neither signed nor encrypted is written by jakarta.mail, which
        // has no content handler for byte[] as application/edi-x12.
        AS2ClientRequest request = new AS2ClientRequest("interop").setData(new jakarta.activation.DataHandler(
                new jakarta.mail.util.ByteArrayDataSource(payload, "application/edi-x12")))
                .setContentType("application/edi-x12");
        return new Sent(client.sendSynchronous(settings, request), matched.get(), mismatch.get());
    }

    /** A message as2/encode made, opened by as2-lib: the payload, and the MIC as2-lib computes over what was signed. */
    record Opened(byte[] payload, String contentType, String mic) {
    }

    Opened open(String contentType, byte[] body, X509Certificate senderCertificate,
            Function<String, ECryptoAlgorithmSign> micAlgorithm, String micalg) throws Exception {
        BCCryptoHelper crypto = new BCCryptoHelper();
        InternetHeaders headers = new InternetHeaders();
        headers.addHeader("Content-Type", contentType);
        MimeBodyPart part = new MimeBodyPart(headers, body);
        try (AS2ResourceHelper resources = new AS2ResourceHelper()) {
            if (crypto.isEncrypted(part)) {
                part = crypto.decrypt(part, certificate, key.getPrivate(), false, resources);
            }
            MimeBodyPart signed = part;
            // As as2-lib's receiver does: the MIC over the signed content, its headers included.
            var parts = (jakarta.mail.internet.MimeMultipart) signed.getContent();
            MIC mic = crypto.calculateMIC((MimeBodyPart) parts.getBodyPart(0), micAlgorithm.apply(micalg), true);
            MimeBodyPart content = crypto.verify(signed, senderCertificate, false, false, null, resources);
            if (content.getContentType().toLowerCase(Locale.ROOT).contains("compressed-data")) {
                var compressed = new org.bouncycastle.mail.smime.SMIMECompressed(content);
                content = new MimeBodyPart(new java.io.ByteArrayInputStream(compressed.getContent(
                        new org.bouncycastle.cms.jcajce.ZlibExpanderProvider())));
            }
            return new Opened(content.getInputStream().readAllBytes(), content.getContentType(), mic.getAsAS2String());
        }
    }

    static ECryptoAlgorithmSign digest(String azureName) {
        return switch (azureName) {
            case "SHA1" -> ECryptoAlgorithmSign.DIGEST_SHA_1;
            case "SHA2384" -> ECryptoAlgorithmSign.DIGEST_SHA_384;
            case "SHA2512" -> ECryptoAlgorithmSign.DIGEST_SHA_512;
            default -> ECryptoAlgorithmSign.DIGEST_SHA_256;
        };
    }

    static final List<ECryptoAlgorithmCrypt> CRYPTS = List.of(ECryptoAlgorithmCrypt.CRYPT_3DES,
            ECryptoAlgorithmCrypt.CRYPT_AES128_CBC, ECryptoAlgorithmCrypt.CRYPT_AES192_CBC,
            ECryptoAlgorithmCrypt.CRYPT_AES256_CBC);

    /**
     * A message as2-lib's receiver took: its payload (after decryption, verification, decompression), and the MIC its
     * MDN returned.
     */
    record Received(String messageId, byte[] payload, String mic) {
    }

    /** What as2-lib's receiver took, in order. */
    final java.util.concurrent.BlockingQueue<Received> received = new java.util.concurrent.LinkedBlockingQueue<>();
    private HttpServer receiver;

    /**
     * Starts as2-lib's own AS2 receiver (its {@code AS2ReceiverHandler}, as its servlet runs it) behind an HTTP
     * server: it decrypts with this peer's key, verifies with the partner's certificate (known by its AS2 name),
     * and answers the MDN as2-lib makes, signed when asked. Answers the URL to send to.
     */
    String startReceiver(String partnerName, X509Certificate partnerCertificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        // as2-lib finds certificates by the partners' AS2 names (its self-filling partnerships' X.509 aliases).
        store.setKeyEntry(as2Name, key.getPrivate(), PASSWORD.toCharArray(), new X509Certificate[] {certificate});
        store.setCertificateEntry(partnerName, partnerCertificate);
        com.helger.as2lib.session.AS2Session session = new com.helger.as2lib.session.AS2Session();
        var certificates = new com.helger.as2lib.cert.PredefinedCertificateFactory(store);
        var password = new com.helger.commons.collection.attr.StringMap();
        password.putIn(com.helger.as2lib.cert.AbstractCertificateFactory.ATTR_PASSWORD, PASSWORD);
        certificates.initDynamicComponent(session, password);
        session.setCertificateFactory(certificates);
        session.setPartnershipFactory(new com.helger.as2lib.partner.SelfFillingPartnershipFactory());
        var processor = new com.helger.as2lib.processor.DefaultMessageProcessor();
        // What as2-lib stores, read while its resources (temporary files) are still there.
        java.util.Map<String, byte[]> stored = new java.util.concurrent.ConcurrentHashMap<>();
        processor.addModule(new com.helger.as2lib.processor.module.AbstractProcessorModule() {
            @Override
            public boolean canHandle(String action, IMessage message, java.util.Map<String, Object> options) {
                return com.helger.as2lib.processor.storage.IProcessorStorageModule.DO_STORE.equals(action);
            }

            @Override
            public void handle(String action, IMessage message, java.util.Map<String, Object> options)
                    throws com.helger.as2lib.exception.AS2Exception {
                try {
                    stored.put(message.getMessageID(), message.getData().getInputStream().readAllBytes());
                } catch (jakarta.mail.MessagingException | IOException e) {
                    throw new com.helger.as2lib.exception.AS2Exception("Cannot read the payload", e);
                }
            }
        });
        // Asynchronous MDNs, when a message asks for one, are posted by this module of as2-lib's.
        var asyncMdns = new com.helger.as2lib.processor.sender.AsynchMDNSenderModule();
        asyncMdns.initDynamicComponent(session, new com.helger.commons.collection.attr.StringMap());
        processor.addModule(asyncMdns);
        session.setMessageProcessor(processor);
        var module = new com.helger.as2lib.processor.receiver.AS2ReceiverModule();
        var attributes = new com.helger.commons.collection.attr.StringMap();
        attributes.putIn(com.helger.as2lib.processor.receiver.AbstractActiveNetModule.ATTR_PORT, "0");
        module.initDynamicComponent(session, attributes);
        var handler = module.createHandler();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/as2", exchange -> {
            try (exchange) {
                var message = new com.helger.as2lib.message.AS2Message();
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(value -> message.headers().addHeader(name, value));
                    }
                });
                byte[] body = exchange.getRequestBody().readAllBytes();
                var data = new jakarta.mail.util.ByteArrayDataSource(body,
                        exchange.getRequestHeaders().getFirst("Content-Type"));
                handler.handleIncomingMessage("certvault", data, message, (status, headers, content) -> {
                    headers.forEachSingleHeader((name, value) -> exchange.getResponseHeaders().add(name, value),
                            true);
                    ByteArrayOutputStream answer = new ByteArrayOutputStream();
                    content.writeTo(answer);
                    exchange.sendResponseHeaders(status, answer.size() == 0 ? -1 : answer.size());
                    exchange.getResponseBody().write(answer.toByteArray());
                });
                received.add(new Received(message.getMessageID(), stored.remove(message.getMessageID()),
                        message.getMDN() == null ? null : message.getMDN().attrs()
                                .getAsString(com.helger.as2lib.message.AS2MessageMDN.MDNA_MIC)));
            }
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/as2";
    }

    @Override
    public void close() {
        relay.stop(0);
        if (receiver != null) {
            receiver.stop(0);
        }
    }
}
