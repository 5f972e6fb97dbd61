package io.certvault.vault;

import java.security.KeyPair;
import java.util.List;

/**
 * One configured vault instance. Keys are reached by name and, optionally, version (null means the
 * current version). Operations that need the private key happen inside the vault: it signs digests
 * and decrypts key-transport blobs, and never returns a private key.
 */
public interface Vault extends AutoCloseable {

    /** The configured name, e.g. {@code default}. */
    String name();

    /** The backend type, e.g. {@code filesystem}. */
    String type();

    /** What this vault can do: declared once per backend, read by everything that offers or uses its keys. */
    VaultCapabilities capabilities();

    /** Creates a key, or a new version of an existing key. Returns the new current version. */
    VaultKey createKey(String keyName, KeySpec spec);

    /**
     * Imports an existing key pair as a key, or a new version of an existing key. The private half is
     * handed to the vault and not kept by the caller. Returns the new current version.
     */
    VaultKey importKey(String keyName, KeyPair keyPair);

    /** The current version of every key, ordered by name. */
    List<VaultKey> listKeys();

    /** One version of a key; the current one when {@code version} is null. */
    VaultKey getKey(String keyName, String version);

    /** Every version of a key, oldest first. */
    List<VaultKey> listVersions(String keyName);

    /** Deletes a key with all its versions. */
    void deleteKey(String keyName);

    /**
     * Signs a digest made with the algorithm's hash, with the key version given (as {@link #getKey} returned
     * it: the caller resolved the version, so the vault need not read the key again). ECDSA signatures are
     * DER-encoded.
     */
    byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest);

    /** Decrypts a key-transport blob (e.g. a CMS content-encryption key) with the key version given. */
    byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext);

    /**
     * ECDH with an EC key version: the shared secret (the x coordinate, as SEC 1 says) with another party's
     * public key on the same curve, for CMS key agreement. Vaults that cannot do it say so.
     */
    default byte[] agree(VaultKey key, java.security.PublicKey otherParty) {
        throw VaultException.notSupported(name(), key.name(), "agree on a key (ECDH)", "this vault type does not offer "
                + "key agreement");
    }

    /** Resolves the version (null: the current one), then signs: one read more than {@link #sign(VaultKey, SignatureAlgorithm, byte[])}. */
    default byte[] sign(String keyName, String version, SignatureAlgorithm algorithm, byte[] digest) {
        return sign(getKey(keyName, version), algorithm, digest);
    }

    /** Resolves the version (null: the current one), then decrypts. */
    default byte[] decrypt(String keyName, String version, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return decrypt(getKey(keyName, version), algorithm, ciphertext);
    }

    /** Resolves the version (null: the current one), then agrees on a key. */
    default byte[] agree(String keyName, String version, java.security.PublicKey otherParty) {
        return agree(getKey(keyName, version), otherParty);
    }

    /**
     * Whether the vault answers. Local vaults are always up; a remote one reports what it saw last and
     * may ask its server again when that was a while ago.
     */
    default VaultState state() {
        return VaultState.up(java.time.Instant.now());
    }

    /** Releases clients and files. */
    @Override
    void close();
}
