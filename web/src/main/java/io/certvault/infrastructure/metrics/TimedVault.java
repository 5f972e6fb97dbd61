package io.certvault.infrastructure.metrics;

import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultCapabilities;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * A vault whose key operations are timed: {@code certvault_vault_operation_seconds} by {@code vault} and
 * {@code operation} (sign, decrypt, agree, getKey), failures included. Everything else passes through.
 */
public final class TimedVault implements Vault {
    private static final Metadata OPERATION = Metadata.builder().withName("certvault.vault.operation")
            .withDescription("Key operations asked of a vault, and how long the vault took").withUnit(MetricUnits.SECONDS)
            .build();

    private final Vault vault;
    private final MetricRegistry registry;

    TimedVault(Vault vault, MetricRegistry registry) {
        this.vault = vault;
        this.registry = registry;
    }

    private <T> T timed(String operation, Supplier<T> work) {
        long started = System.nanoTime();
        try {
            return work.get();
        } finally {
            registry.timer(OPERATION, new Tag("vault", vault.name()), new Tag("operation", operation))
                    .update(Duration.ofNanos(System.nanoTime() - started));
        }
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
    public VaultCapabilities capabilities() {
        return vault.capabilities();
    }

    @Override
    public VaultKey createKey(String keyName, KeySpec spec) {
        return vault.createKey(keyName, spec);
    }

    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        return vault.importKey(keyName, keyPair);
    }

    @Override
    public List<VaultKey> listKeys() {
        return vault.listKeys();
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        return timed("getKey", () -> vault.getKey(keyName, version));
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        return vault.listVersions(keyName);
    }

    @Override
    public void deleteKey(String keyName) {
        vault.deleteKey(keyName);
    }

    @Override
    public byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest) {
        return timed("sign", () -> vault.sign(key, algorithm, digest));
    }

    @Override
    public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return timed("decrypt", () -> vault.decrypt(key, algorithm, ciphertext));
    }

    @Override
    public byte[] agree(VaultKey key, PublicKey otherParty) {
        return timed("agree", () -> vault.agree(key, otherParty));
    }

    // The by-name forms go to the vault's own (a remote vault may do them in one request).
    @Override
    public byte[] sign(String keyName, String version, SignatureAlgorithm algorithm, byte[] digest) {
        return timed("sign", () -> vault.sign(keyName, version, algorithm, digest));
    }

    @Override
    public byte[] decrypt(String keyName, String version, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return timed("decrypt", () -> vault.decrypt(keyName, version, algorithm, ciphertext));
    }

    @Override
    public byte[] agree(String keyName, String version, PublicKey otherParty) {
        return timed("agree", () -> vault.agree(keyName, version, otherParty));
    }

    @Override
    public VaultState state() {
        return vault.state();
    }

    @Override
    public void close() {
        vault.close();
    }

    /** The registry's vaults, timed (a registry of the same vaults that closes them when closed). */
    public static io.certvault.vault.VaultRegistry timed(io.certvault.vault.VaultRegistry opened,
            MetricRegistry registry) {
        return io.certvault.vault.VaultRegistry.of(opened.vaults().stream().map(v -> new TimedVault(v, registry))
                .toArray(Vault[]::new));
    }
}
