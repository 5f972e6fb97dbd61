package io.certvault.infrastructure.expiry;

import io.certvault.application.ExpiryNotifier;
import io.certvault.domain.ExpiryNoticeRepository.Notice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts a notice as JSON to the configured webhook, signed: {@code X-Certvault-Signature: sha256=<hex>} is the
 * HMAC-SHA256 of the body under the webhook secret (as HTTP deliveries of AS2 payloads are signed), and
 * {@code X-Certvault-Delivery} is the notice's id, the same on every retry, so that a receiver drops repeats.
 * A 2xx answer delivers it; anything else is tried again.
 */
@ApplicationScoped
public class WebhookNotifier implements ExpiryNotifier {
    static final String CHANNEL = "webhook";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    ConfiguredExpiry settings;

    @Override
    public String channel() {
        return CHANNEL;
    }

    @Override
    public void deliver(Notice notice) throws IOException {
        var url = settings.webhook().orElseThrow(() -> new IOException("certvault.expiry.webhook-url is not set"));
        byte[] body = body(notice).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Certvault-Event", notice.event().text())
                .header("X-Certvault-Delivery", notice.id())
                .header("X-Certvault-Signature", "sha256=" + hmac(settings.webhookSecret().orElseThrow(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> response;
        try {
            response = CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the webhook answered HTTP " + response.statusCode());
        }
    }

    /** What a notice says, as JSON (the same document the e-mail carries). */
    static String body(Notice notice) {
        var agreements = Json.createArrayBuilder();
        notice.agreements().forEach(agreements::add);
        var body = Json.createObjectBuilder().add("event", notice.event().text()).add("id", notice.id())
                .add("account", notice.accountName()).add("certificate", notice.certificateName());
        if (notice.predecessor() != null) {
            body.add("predecessor", notice.predecessor());
        }
        return body.add("thumbprint", notice.thumbprint())
                .add("subject", notice.subject()).add("notAfter", notice.notAfter().toString())
                .add("thresholdDays", notice.thresholdDays()).add("agreements", agreements)
                .add("noticeTime", notice.createdTime().toString()).build().toString();
    }

    static String hmac(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
