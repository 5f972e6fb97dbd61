package io.certvault.security;

/** Hashes and checks passwords; the web layer uses Jakarta Security's PBKDF2. */
public interface PasswordHasher {
    String hash(char[] password);

    boolean verify(char[] password, String hash);
}
