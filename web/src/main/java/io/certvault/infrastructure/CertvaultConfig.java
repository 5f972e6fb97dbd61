package io.certvault.infrastructure;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.time.Duration;
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
    public static final String EXPIRY_WARNING_DAYS = "certvault.certificates.expiry-warning-days";
    private static final int MAX_EXPIRY_WARNING_DAYS = 3650;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(CertvaultConfig.class.getName());
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    @Inject
    Config config;

    private Path dataDirectory;

    /** The data directory, made owner-only on first use; default {@code ./certvault-data}. */
    public synchronized Path dataDirectory() {
        if (dataDirectory == null) {
            Path path = Path.of(get(DATA_DIR).orElse("./certvault-data")).toAbsolutePath().normalize();
            try {
                ownerOnlyDirectory(path);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data directory " + path
                        + " (set CERTVAULT_DATA_DIR to a writable directory)", e);
            }
            dataDirectory = path;
        }
        return dataDirectory;
    }

    /**
     * Makes a directory that only this user can enter (0700), or warns when an existing one lets others in:
     * what it holds (the database, key files) is only as private as the directory. Files that others create in
     * it, such as H2's, get the process's umask, and the directory is what keeps other users out of them.
     */
    public static Path ownerOnlyDirectory(Path directory) throws IOException {
        if (!Files.getFileStore(Files.createDirectories(directory.getParent())).supportsFileAttributeView("posix")) {
            return Files.createDirectories(directory);
        }
        if (!Files.exists(directory)) {
            try {
                return Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile; checked below
            }
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
        if (!OWNER_ONLY.containsAll(permissions)) {
            LOG.warning(() -> directory + " can be read or entered by other local users ("
                    + PosixFilePermissions.toString(permissions) + "): run chmod 700 " + directory
                    + " unless they are meant to see the database and key files it holds");
        }
        return directory;
    }

    /**
     * How long before its expiry a certificate "expires soon" ({@code certvault.certificates.expiry-warning-days},
     * default 30). Startup reads it, so that a bad value stops the deployment with this message.
     */
    public Duration expiryWarning() {
        String days = get(EXPIRY_WARNING_DAYS).orElse("30").trim();
        try {
            int value = Integer.parseInt(days);
            if (value >= 0 && value <= MAX_EXPIRY_WARNING_DAYS) {
                return Duration.ofDays(value);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalStateException(EXPIRY_WARNING_DAYS + " must be a whole number of days from 0 to "
                + MAX_EXPIRY_WARNING_DAYS + ", not '" + days + "'");
    }

    public Optional<String> get(String key) {
        return config.getOptionalValue(key, String.class).filter(v -> !v.isBlank());
    }
}
