package io.certvault.infrastructure.security;

import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.security.PasswordHasher;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.util.Map;

/**
 * Passwords hashed with Jakarta Security's PBKDF2 (HMAC-SHA-256, 32-byte salt and key). The iteration
 * count is stored in each hash, so raising {@code certvault.password.iterations} applies to new passwords
 * without breaking old ones.
 */
@ApplicationScoped
public class Pbkdf2Hasher implements PasswordHasher {
    static final String ITERATIONS = "certvault.password.iterations";
    /** OWASP's 2023 advice for PBKDF2-HMAC-SHA256. */
    static final int DEFAULT_ITERATIONS = 600_000;

    @Inject
    Pbkdf2PasswordHash pbkdf2;
    @Inject
    CertvaultConfig config;

    @PostConstruct
    void configure() {
        pbkdf2.initialize(Map.of(
                "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA256",
                "Pbkdf2PasswordHash.Iterations", config.get(ITERATIONS).orElse(Integer.toString(DEFAULT_ITERATIONS)),
                "Pbkdf2PasswordHash.SaltSizeBytes", "32",
                "Pbkdf2PasswordHash.KeySizeBytes", "32"));
    }

    @Override
    public String hash(char[] password) {
        return pbkdf2.generate(password);
    }

    @Override
    public boolean verify(char[] password, String hash) {
        try {
            return pbkdf2.verify(password, hash);
        } catch (IllegalArgumentException e) {
            // not a PBKDF2 hash (a decoy of another kind, or a damaged row): no match
            return false;
        }
    }
}
