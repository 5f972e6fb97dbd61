package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.security.Caller;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;

/**
 * A vault whose key uses (sign, decrypt, agree) are each recorded in the audit trail. A use without a
 * version is pinned to the current version first, so the record names the version that did the work.
 */
final class AuditedVault implements Vault {
    private final Vault vault;
    private final Guard guard;
    private final Caller caller;
    private final AuditTarget target;

    AuditedVault(Vault vault, Guard guard, Caller caller, AuditTarget target) {
        this.vault = vault;
        this.guard = guard;
        this.caller = caller;
        this.target = target;
    }

    @Override
    public byte[] sign(String keyName, String version, SignatureAlgorithm algorithm, byte[] digest) {
        return use("keys/sign", keyName, version, v -> vault.sign(keyName, v, algorithm, digest));
    }

    @Override
    public byte[] decrypt(String keyName, String version, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return use("keys/decrypt", keyName, version, v -> vault.decrypt(keyName, v, algorithm, ciphertext));
    }

    @Override
    public byte[] agree(String keyName, String version, PublicKey otherParty) {
        return use("keys/agree", keyName, version, v -> vault.agree(keyName, v, otherParty));
    }

    private byte[] use(String operation, String keyName, String version,
            java.util.function.Function<String, byte[]> work) {
        String[] pinned = {version};
        return guard.recorded(caller, operation, () -> target.withKey(vault.name(), keyName, pinned[0]), () -> {
            if (pinned[0] == null) {
                pinned[0] = vault.getKey(keyName, null).version();
            }
            return work.apply(pinned[0]);
        });
    }

    @Override
    public String name() {
        return vault.name();
    }

    @Override
    public String type() {
        return vault.type();
    }

    @Override
    public VaultKey createKey(String keyName, KeySpec spec) {
        throw new UnsupportedOperationException("key uses only");
    }

    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        throw new UnsupportedOperationException("key uses only");
    }

    @Override
    public List<VaultKey> listKeys() {
        return vault.listKeys();
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        return vault.getKey(keyName, version);
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        return vault.listVersions(keyName);
    }

    @Override
    public void deleteKey(String keyName) {
        throw new UnsupportedOperationException("key uses only");
    }

    @Override
    public VaultState state() {
        return vault.state();
    }

    @Override
    public void close() {
        // the registry owns the vault
    }
}
