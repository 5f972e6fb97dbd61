package io.certvault.infrastructure;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Certvault's own settings, read through MicroProfile Config: system properties, environment variables
 * ({@code CERTVAULT_DATA_DIR} for {@code certvault.data.dir}) and {@code microprofile-config.properties}.
 */
@ApplicationScoped
public class CertvaultConfig {
    public static final String DATA_DIR = "certvault.data.dir";
    public static final String DB_URL = "certvault.db.url";
    public static final String DB_USER = "certvault.db.user";
    public static final String DB_PASSWORD = "certvault.db.password";
    public static final String DB_POOL_SIZE = "certvault.db.pool-size";

    @Inject
    Config config;

    private Path dataDirectory;

    /** The data directory, made on first use; default {@code ./certvault-data}. */
    public synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            Path path = Path.of(get(DATA_DIR).orElse("./certvault-data")).toAbsolutePath().normalize();
            try {
                Files.createDirectories(path);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data directory " + path
                        + " (set CERTVAULT_DATA_DIR to a writable directory)", e);
            }
            dataDirectory = path;
        }
        return dataDirectory;
    }

    public Optional<String> get(String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
    }
}
