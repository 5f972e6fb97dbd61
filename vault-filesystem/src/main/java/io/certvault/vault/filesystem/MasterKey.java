package io.certvault.vault.filesystem;

import io.certvault.vault.VaultException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key that encrypts a filesystem vault's key files. Given by configuration in production;
 * otherwise generated once into {@code <data dir>/master.key}, readable by the owner only.
 */
final class MasterKey {
    static final String FILE_NAME = "master.key";
    private static final Logger LOG = Logger.getLogger(MasterKey.class.getName());

    private final SecretKey key;

    private MasterKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, "AES");
        Arrays.fill(bytes, (byte) 0);
    }

    SecretKey secretKey() {
        return key;
    }

    static MasterKey fromBase64(String vault, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw VaultException.configuration(vault, "the master key is not base64");
        }
        if (bytes.length != 32) {
            throw VaultException.configuration(vault, "the master key must be 32 bytes (base64 of 32 random bytes, "
                    + "e.g. from 'openssl rand -base64 32'), not " + bytes.length);
        }
        return new MasterKey(bytes);
    }

    /** Reads the generated master key of the data directory, generating it on first use. */
    static synchronized MasterKey generatedIn(String vault, Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                byte[] encoded = Base64.getEncoder().encode(fresh);
                Arrays.fill(fresh, (byte) 0);
                try {
                    SecureFiles.writeNew(file, encoded);
                    LOG.warning(() -> "No master key is configured, so one was generated in " + file
                            + ". It protects the filesystem vault's keys: in production set CERTVAULT_MASTER_KEY "
                            + "(or certvault.master-key) and keep the key away from the data directory's backups.");
                } catch (FileAlreadyExistsException raced) {
                    // another server on the same data directory made it first: use theirs
                } finally {
                    Arrays.fill(encoded, (byte) 0);
                }
            }
            byte[] stored = Files.readAllBytes(file);
            try {
                return fromBase64(vault, new String(stored, StandardCharsets.US_ASCII));
            } finally {
                Arrays.fill(stored, (byte) 0);
            }
        } catch (IOException e) {
            throw VaultException.configuration(vault, "cannot read or create the master key file " + file + ": " + e);
        }
    }
}
