package io.certvault.infrastructure.security;

import io.certvault.application.SignInService;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * On the first start (no users yet) creates {@code admin}: with the password from
 * {@code CERTVAULT_ADMIN_PASSWORD} when set, else with a random one written once to an owner-only file in
 * the data directory, whose path (never the password) goes to the log.
 */
@ApplicationScoped
public class FirstAdmin {
    private static final Logger LOG = Logger.getLogger(FirstAdmin.class.getName());
    static final String PASSWORD = "certvault.admin.password";
    static final String PASSWORD_FILE = "initial-admin-password";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    @Inject
    SignInService signIn;
    @Inject
    CertvaultConfig config;

    public void createIfNoUsers() {
        var configured = config.get(PASSWORD);
        char[] password = configured.map(String::toCharArray).orElseGet(FirstAdmin::randomPassword);
        try {
            if (configured.isPresent() && password.length < 12) {
                throw new IllegalStateException("CERTVAULT_ADMIN_PASSWORD must have at least 12 characters");
            }
            boolean created;
            try {
                created = signIn.createFirstAdmin(password);
            } catch (CertvaultException e) {
                if (e.errorCode() != ErrorCode.USER_EXISTS && e.errorCode() != ErrorCode.ROLE_ASSIGNMENT_EXISTS) {
                    throw e;
                }
                // Another server on the same database made it first.
                created = false;
            }
            if (!created) {
                return;
            }
            if (configured.isPresent()) {
                LOG.info("Created user 'admin' with the password from CERTVAULT_ADMIN_PASSWORD.");
                return;
            }
            Path file = config.dataDirectory().resolve(PASSWORD_FILE);
            write(file, password);
            LOG.warning(() -> "Created user 'admin' with a random password, written to " + file
                    + " (readable by this account only). Sign in, change the password, then delete the file.");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static void write(Path file, char[] password) {
        // The generated password is ASCII: a byte a character, and a line end.
        byte[] bytes = new byte[password.length + 1];
        for (int i = 0; i < password.length; i++) {
            bytes[i] = (byte) password[i];
        }
        bytes[password.length] = '\n';
        try {
            Files.deleteIfExists(file);
            try {
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the first admin password to " + file, e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return password;
    }
}
