package io.certvault.infrastructure.messaging;

import io.certvault.application.MessageSettings;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Message settings from configuration: {@code certvault.messages.spool-dir} (default
 * {@code <data dir>/spool}), {@code certvault.messages.memory-threshold} (bytes, default 1 MiB) and
 * {@code certvault.messages.allow-expired-certificates} (default false), and
 * {@code certvault.keys.cache-seconds} (how long a certificate's resolved key version is remembered, default 60);
 * for the AS2 outbox {@code certvault.as2.send-attempts} (default 5), {@code certvault.as2.retry-seconds} (the first
 * retry's wait, doubled each time, default 60), {@code certvault.as2.lease-seconds} (default 300),
 * {@code certvault.as2.mdn-wait-seconds} (an asynchronous MDN's wait, default 1800),
 * {@code certvault.as2.max-message-bytes} (the largest payload or message the transport keeps, default 1 GiB) and
 * {@code certvault.as2.delivery-root} (the folder below which agreements may have payloads written; none by default)
 * {@code certvault.as2.delivery-hmac-key} (the secret, at least 32 characters, that signs HTTP deliveries) and
 * {@code certvault.as2.nrr-retention-days} (how long raw messages and MDNs are kept, default 365).
 */
@ApplicationScoped
public class ConfiguredMessageSettings implements MessageSettings {

    @Inject
    CertvaultConfig config;

    private Path spoolDirectory;
    private int memoryThreshold;
    private boolean allowExpired;
    private java.time.Duration keyCacheTime;
    private int sendAttempts;
    private java.time.Duration retryDelay;
    private java.time.Duration leaseTime;
    private java.time.Duration asyncMdnWait;
    private long maxStoredMessageBytes;
    private java.util.Optional<Path> deliveryRoot;
    private java.util.Optional<byte[]> deliveryHmacKey;
    private java.time.Duration evidenceRetention;

    @PostConstruct
    void read() {
        spoolDirectory = config.get("certvault.messages.spool-dir").map(Path::of)
                .orElse(config.dataDirectory().resolve("spool")).toAbsolutePath();
        memoryThreshold = config.get("certvault.messages.memory-threshold").map(Integer::parseInt).orElse(1024 * 1024);
        allowExpired = config.get("certvault.messages.allow-expired-certificates").map(Boolean::parseBoolean)
                .orElse(false);
        keyCacheTime = java.time.Duration.ofSeconds(config.get("certvault.keys.cache-seconds").map(Long::parseLong)
                .filter(seconds -> seconds >= 0).orElse(60L));
        sendAttempts = config.get("certvault.as2.send-attempts").map(Integer::parseInt).filter(n -> n >= 1).orElse(5);
        retryDelay = seconds("certvault.as2.retry-seconds", 60);
        leaseTime = seconds("certvault.as2.lease-seconds", 300);
        asyncMdnWait = seconds("certvault.as2.mdn-wait-seconds", 1800);
        deliveryRoot = config.get("certvault.as2.delivery-root").map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> Path.of(v).toAbsolutePath().normalize());
        deliveryHmacKey = config.get("certvault.as2.delivery-hmac-key").filter(v -> !v.isEmpty()).map(v -> {
            if (v.length() < 32) {
                throw new IllegalStateException("certvault.as2.delivery-hmac-key must be at least 32 characters "
                        + "(the value is not shown).");
            }
            return v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        });
        evidenceRetention = java.time.Duration.ofDays(config.get("certvault.as2.nrr-retention-days")
                .map(Long::parseLong).filter(d -> d >= 1).orElse(365L));
        maxStoredMessageBytes = config.get("certvault.as2.max-message-bytes").map(Long::parseLong)
                .filter(n -> n >= 1024).orElse(1024L * 1024 * 1024);
        // Spools left by a stop in mid-message are encrypted under keys that died with it: only clutter.
        try {
            io.certvault.infrastructure.CertvaultConfig.ownerOnlyDirectory(spoolDirectory);
            try (Stream<Path> leftovers = Files.list(spoolDirectory)) {
                for (Path leftover : leftovers.filter(p -> p.getFileName().toString().startsWith("spool-")).toList()) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the spool directory " + spoolDirectory, e);
        }
    }

    private java.time.Duration seconds(String key, long otherwise) {
        return java.time.Duration.ofSeconds(config.get(key).map(Long::parseLong).filter(s -> s >= 1).orElse(otherwise));
    }

    @Override
    public int sendAttempts() {
        return sendAttempts;
    }

    @Override
    public java.time.Duration retryDelay() {
        return retryDelay;
    }

    @Override
    public java.time.Duration leaseTime() {
        return leaseTime;
    }

    /** Read from the configuration when used, not held here. */
    @Override
    public java.util.Optional<String> partnerPassword(String name) {
        return config.get("certvault.as2.partner-password." + name).filter(v -> !v.isEmpty());
    }

    @Override
    public java.time.Duration evidenceRetention() {
        return evidenceRetention;
    }

    @Override
    public java.util.Optional<byte[]> deliveryHmacKey() {
        return deliveryHmacKey.map(byte[]::clone);
    }

    @Override
    public java.util.Optional<Path> deliveryRoot() {
        return deliveryRoot;
    }

    @Override
    public long maxStoredMessageBytes() {
        return maxStoredMessageBytes;
    }

    @Override
    public java.time.Duration asyncMdnWait() {
        return asyncMdnWait;
    }

    @Override
    public Path spoolDirectory() {
        return spoolDirectory;
    }

    @Override
    public int memoryThreshold() {
        return memoryThreshold;
    }

    @Override
    public boolean allowExpiredCertificates() {
        return allowExpired;
    }

    @Override
    public java.time.Duration keyCacheTime() {
        return keyCacheTime;
    }

    @Override
    public java.time.Duration expiryWarning() {
        return config.expiryWarning();
    }
}
