package io.certvault.testing;

import io.certvault.domain.ResourceName;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.LocalKeyOperations;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** A vault in memory, for tests of the services above the SPI. */
public class InMemoryVault implements Vault {

    /** A registry with one in-memory vault named {@code default} (posing as the filesystem type). */
    public static io.certvault.vault.VaultRegistry registry() {
        io.certvault.vault.VaultProvider memory = new io.certvault.vault.VaultProvider() {
            @Override
            public String type() {
                return "filesystem";
            }

            @Override
            public java.util.List<io.certvault.vault.VaultSetting> settings() {
                return java.util.List.of();
            }

            @Override
            public Vault open(io.certvault.vault.VaultContext context) {
                return new InMemoryVault(context.name());
            }
        };
        return io.certvault.vault.VaultRegistry.open(io.certvault.vault.VaultSettings.of(k -> java.util.Optional.empty()),
                java.nio.file.Path.of("."), java.util.List.of(memory));
    }

    private final String name;
    private final Map<String, List<Entry>> keys = new TreeMap<>();

    private record Entry(VaultKey key, PrivateKey privateKey) {
    }

    public InMemoryVault(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public io.certvault.vault.VaultCapabilities capabilities() {
        return io.certvault.vault.VaultCapabilities.ALL;
    }

    @Override
    public synchronized VaultKey createKey(String keyName, KeySpec spec) {
        return importKey(keyName, spec.type() == io.certvault.vault.KeyType.RSA ? TestCertificates.rsa(spec.size())
                : TestCertificates.ec(spec.jcaCurve()));
    }

    @Override
    public synchronized VaultKey importKey(String keyName, KeyPair keyPair) {
        ResourceName.require("key", keyName);
        VaultKey key = new VaultKey(keyName, UUID.randomUUID().toString().replace("-", ""), keyPair.getPublic(),
                Instant.now());
        keys.computeIfAbsent(keyName, k -> new ArrayList<>()).add(new Entry(key, keyPair.getPrivate()));
        return key;
    }

    @Override
    public synchronized List<VaultKey> listKeys() {
        return keys.values().stream().map(v -> v.get(v.size() - 1).key()).toList();
    }

    @Override
    public synchronized VaultKey getKey(String keyName, String version) {
        return entry(keyName, version).key();
    }

    @Override
    public synchronized List<VaultKey> listVersions(String keyName) {
        return entries(keyName).stream().map(Entry::key).toList();
    }

    @Override
    public synchronized void deleteKey(String keyName) {
        entries(keyName);
        keys.remove(keyName);
    }

    @Override
    public byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest) {
        return LocalKeyOperations.sign(name, key.name(), entry(key.name(), key.version()).privateKey(), algorithm, digest);
    }

    @Override
    public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return LocalKeyOperations.decrypt(name, key.name(), entry(key.name(), key.version()).privateKey(), algorithm, ciphertext);
    }

    @Override
    public byte[] agree(VaultKey key, java.security.PublicKey otherParty) {
        return LocalKeyOperations.agree(name, key.name(), entry(key.name(), key.version()).privateKey(), otherParty);
    }

    @Override
    public void close() {
    }

    private synchronized List<Entry> entries(String keyName) {
        ResourceName.require("key", keyName);
        List<Entry> entries = keys.get(keyName);
        if (entries == null) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        return entries;
    }

    private synchronized Entry entry(String keyName, String version) {
        List<Entry> entries = entries(keyName);
        if (version == null) {
            return entries.get(entries.size() - 1);
        }
        return entries.stream().filter(e -> e.key().version().equals(version)).findFirst()
                .orElseThrow(() -> VaultException.keyNotFound(name, keyName, version));
    }
}
