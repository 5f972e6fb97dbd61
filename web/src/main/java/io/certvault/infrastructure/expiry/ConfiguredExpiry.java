package io.certvault.infrastructure.expiry;

import io.certvault.application.ExpirySettings;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Expiry watch settings: {@code certvault.expiry.thresholds} (days, default {@code 30,14,7,1}),
 * {@code certvault.expiry.check-seconds} (default 3600), {@code certvault.expiry.delivery-attempts} (default 10),
 * {@code certvault.expiry.retry-seconds} (the first retry's wait, doubled each time, default 60);
 * the webhook {@code certvault.expiry.webhook-url} with {@code certvault.expiry.webhook-secret} (at least 32
 * characters, signs each notice); e-mail to {@code certvault.expiry.mail-to} (comma-separated) over
 * {@code certvault.mail.host}, {@code certvault.mail.port} (25), {@code certvault.mail.from},
 * {@code certvault.mail.user}, {@code certvault.mail.password}, {@code certvault.mail.starttls} (false).
 */
@ApplicationScoped
public class ConfiguredExpiry implements ExpirySettings {

    @Inject
    CertvaultConfig config;

    private List<Integer> thresholds;
    private Duration interval;
    private int attempts;
    private Duration retryDelay;
    private Optional<URI> webhook;
    private Optional<byte[]> webhookSecret;
    private List<String> mailTo;

    @PostConstruct
    void read() {
        String text = config.get("certvault.expiry.thresholds").orElse("30,14,7,1");
        try {
            thresholds = Arrays.stream(text.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                    .map(Integer::parseInt).filter(d -> d >= 1 && d <= 3650).distinct()
                    .sorted(Comparator.reverseOrder()).toList();
        } catch (NumberFormatException e) {
            throw new IllegalStateException("certvault.expiry.thresholds is a comma-separated list of days, not "
                    + text);
        }
        interval = Duration.ofSeconds(config.get("certvault.expiry.check-seconds").map(Long::parseLong)
                .filter(s -> s >= 1).orElse(3600L));
        attempts = config.get("certvault.expiry.delivery-attempts").map(Integer::parseInt).filter(n -> n >= 1)
                .orElse(10);
        retryDelay = Duration.ofSeconds(config.get("certvault.expiry.retry-seconds").map(Long::parseLong)
                .filter(s -> s >= 1).orElse(60L));
        webhook = config.get("certvault.expiry.webhook-url").map(String::trim).filter(v -> !v.isEmpty())
                .map(URI::create);
        webhookSecret = config.get("certvault.expiry.webhook-secret").filter(v -> !v.isEmpty()).map(v -> {
            if (v.length() < 32) {
                throw new IllegalStateException("certvault.expiry.webhook-secret must be at least 32 characters "
                        + "(the value is not shown).");
            }
            return v.getBytes(StandardCharsets.UTF_8);
        });
        if (webhook.isPresent() && webhookSecret.isEmpty()) {
            throw new IllegalStateException("certvault.expiry.webhook-url needs certvault.expiry.webhook-secret, "
                    + "which signs each notice so that the receiver knows it is Certvault's.");
        }
        mailTo = config.get("certvault.expiry.mail-to").map(v -> Arrays.stream(v.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
        if (!mailTo.isEmpty() && mailHost().isEmpty()) {
            throw new IllegalStateException("certvault.expiry.mail-to needs certvault.mail.host, the SMTP server.");
        }
    }

    @Override
    public List<Integer> thresholdDays() {
        return thresholds;
    }

    @Override
    public Duration checkInterval() {
        return interval;
    }

    @Override
    public List<String> channels() {
        List<String> channels = new ArrayList<>();
        webhook.ifPresent(url -> channels.add(WebhookNotifier.CHANNEL));
        if (!mailTo.isEmpty()) {
            channels.add(MailNotifier.CHANNEL);
        }
        return channels;
    }

    @Override
    public int deliveryAttempts() {
        return attempts;
    }

    @Override
    public Duration retryDelay() {
        return retryDelay;
    }

    Optional<URI> webhook() {
        return webhook;
    }

    Optional<byte[]> webhookSecret() {
        return webhookSecret;
    }

    List<String> mailTo() {
        return mailTo;
    }

    Optional<String> mailHost() {
        return config.get("certvault.mail.host").map(String::trim).filter(v -> !v.isEmpty());
    }

    int mailPort() {
        return config.get("certvault.mail.port").map(Integer::parseInt).orElse(25);
    }

    String mailFrom() {
        return config.get("certvault.mail.from").orElse("certvault@localhost");
    }

    Optional<String> mailUser() {
        return config.get("certvault.mail.user").filter(v -> !v.isEmpty());
    }

    Optional<String> mailPassword() {
        return config.get("certvault.mail.password");
    }

    boolean mailStartTls() {
        return config.get("certvault.mail.starttls").map(Boolean::parseBoolean).orElse(false);
    }
}
