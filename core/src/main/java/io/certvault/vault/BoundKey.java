package io.certvault.vault;

import java.security.PublicKey;

/**
 * One key in a vault, ready to use: what signs and decrypts for a certificate or a certificate request. The
 * private key stays in the vault; each use goes to it.
 */
public interface BoundKey {

    String vaultName();

    String keyName();

    byte[] sign(SignatureAlgorithm algorithm, byte[] digest);

    byte[] decrypt(EncryptionAlgorithm algorithm, byte[] ciphertext);

    byte[] agree(PublicKey otherParty);

    /** A key version as it is, without audit or certificate checks (tools and tests). */
    static BoundKey of(Vault vault, VaultKey key) {
        return new BoundKey() {
            @Override
            public String vaultName() {
                return vault.name();
            }

            @Override
            public String keyName() {
                return key.name();
            }

            @Override
            public byte[] sign(SignatureAlgorithm algorithm, byte[] digest) {
                return vault.sign(key, algorithm, digest);
            }

            @Override
            public byte[] decrypt(EncryptionAlgorithm algorithm, byte[] ciphertext) {
                return vault.decrypt(key, algorithm, ciphertext);
            }

            @Override
            public byte[] agree(PublicKey otherParty) {
                return vault.agree(key, otherParty);
            }
        };
    }
}
