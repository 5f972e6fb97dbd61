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
 * {@code certvault.keys.cache-seconds} (how long a certificate's resolved key version is remembered, default 60).
 */
@ApplicationScoped
public class ConfiguredMessageSettings implements MessageSettings {

    @Inject
    CertvaultConfig config;

    private Path spoolDirectory;
    private int memoryThreshold;
    private boolean allowExpired;
    private java.time.Duration keyCacheTime;

    @PostConstruct
    void read() {
        spoolDirectory = config.get("certvault.messages.spool-dir").map(Path::of)
                .orElse(config.dataDirectory().resolve("spool")).toAbsolutePath();
        memoryThreshold = config.get("certvault.messages.memory-threshold").map(Integer::parseInt).orElse(1024 * 1024);
        allowExpired = config.get("certvault.messages.allow-expired-certificates").map(Boolean::parseBoolean)
                .orElse(false);
        keyCacheTime = java.time.Duration.ofSeconds(config.get("certvault.keys.cache-seconds").map(Long::parseLong)
                .filter(seconds -> seconds >= 0).orElse(60L));
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
