package io.certvault.infrastructure.as2;

import io.certvault.application.As2Client;
import io.certvault.domain.As2MessageRepository;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Posts AS2 messages with the JDK's HTTP client (HTTP/1.1, as AS2 peers expect). Headers the client sets itself
 * (Content-Length, Host, ...) are left to it.
 */
@ApplicationScoped
public class HttpAs2Client implements As2Client {
    private static final int MAX_ANSWER = 1024 * 1024;
    private static final Set<String> RESTRICTED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        RESTRICTED.addAll(Set.of("Connection", "Content-Length", "Expect", "Host", "Upgrade", "MIME-Version"));
    }

    /** A client per connect timeout and trusted certificate (its thumbprint; "" for the JVM's CAs). */
    private final Map<String, HttpClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Answer post(String url, Map<String, String> headers, As2MessageRepository.Source body, Long length,
            Duration connectTimeout, Duration readTimeout, java.security.cert.X509Certificate trusted)
            throws IOException {
        HttpClient client = clients.computeIfAbsent(connectTimeout.toMillis() + "/" + thumbprint(trusted),
                key -> {
                    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
                    if (trusted != null) {
                        builder.sslContext(trusting(trusted));
                    }
                    return builder.build();
                });
        HttpRequest.BodyPublisher streamed = HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return body.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(readTimeout)
                .POST(length == null ? streamed : HttpRequest.BodyPublishers.fromPublisher(streamed, length));
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name)) {
                request.header(name, value);
            }
        });
        try {
            HttpResponse<java.io.InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            Map<String, String> answered = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            response.headers().map().forEach((name, values) -> answered.put(name, String.join(", ", values)));
            byte[] content;
            try (java.io.InputStream in = response.body()) {
                // An answer is an MDN or a short text: a partner cannot make the worker hold more.
                content = in.readNBytes(MAX_ANSWER + 1);
            }
            if (content.length > MAX_ANSWER) {
                throw new IOException("The partner's answer is longer than " + MAX_ANSWER + " bytes: not an MDN.");
            }
            return new Answer(response.statusCode(), answered, content);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while sending to " + url);
        } catch (IllegalArgumentException e) {
            throw new IOException("The request to " + url + " cannot be made: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** TLS that trusts this certificate alone, as the anchor the partner's server certificate chains to. */
    private static javax.net.ssl.SSLContext trusting(java.security.cert.X509Certificate anchor) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("partner", anchor);
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot make a TLS context trusting " + anchor.getSubjectX500Principal(), e);
        }
    }

    private static String thumbprint(java.security.cert.X509Certificate certificate) {
        if (certificate == null) {
            return "";
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @PreDestroy
    void close() {
        clients.clear();
    }
}
