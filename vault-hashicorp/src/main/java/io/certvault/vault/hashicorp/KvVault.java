package io.certvault.vault.hashicorp;

import io.certvault.domain.ResourceName;
import io.certvault.pki.PrivateKeys;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.LocalKeyOperations;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import io.certvault.vault.VaultStateTracker;
import io.github.jopenlibs.vault.json.JsonObject;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Keys as secrets in a KV v2 engine: {@code <mount>/data/<path>/<key name>} holds the PKCS#8 PEM, and KV's
 * versions are the key's versions. The private key is read for each operation and dropped after it; Vault's
 * policies and audit log guard it. Unlike Transit, every operation the filesystem vault offers works here.
 */
final class KvVault implements Vault {
    private static final String FIELD = "private_key";

    private final String name;
    private final HashiCorpClient client;
    private final HashiCorpClient writer;
    private final String mount;
    private final String path;
    private final VaultStateTracker state;

    /**
     * @param client reads and deletes with paths as given
     * @param writer writes KV v2 secrets (the driver builds KV v2's request body)
     */
    KvVault(String name, HashiCorpClient client, HashiCorpClient writer, String mount, String path) {
        this.name = name;
        this.client = client;
        this.writer = writer;
        this.mount = mount.replaceAll("^/+|/+$", "");
        this.path = path.replaceAll("^/+|/+$", "");
        this.state = new VaultStateTracker(() -> client.list(mount + "/metadata/" + this.path, "list keys"));
        state.probe();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return HashiCorpVaultProvider.TYPE;
    }

    @Override
    public VaultState state() {
        return state.current();
    }

    @Override
    public VaultKey createKey(String keyName, KeySpec spec) {
        return store(keyName, spec.generate());
    }

    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        return store(keyName, PrivateKeys.checked(keyPair));
    }

    private VaultKey store(String keyName, KeyPair keyPair) {
        ResourceName.require("key", keyName);
        writer.write(mount + "/" + path + "/" + keyName, Map.of(FIELD, PrivateKeys.toPkcs8Pem(keyPair.getPrivate())),
                "store a key", keyName);
        List<VaultKey> versions = listVersions(keyName);
        return versions.get(versions.size() - 1);
    }

    @Override
    public List<VaultKey> listKeys() {
        List<VaultKey> keys = new ArrayList<>();
        for (String keyName : client.list(mount + "/metadata/" + path, "list keys").stream().sorted().toList()) {
            keys.add(getKey(keyName, null));
        }
        return keys;
    }

    /** Keys are read into this process for each use, so it does all that Certvault uses. */
    @Override
    public io.certvault.vault.VaultCapabilities capabilities() {
        return io.certvault.vault.VaultCapabilities.ALL;
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        return withKey(keyName, version, "read a key", entry -> new VaultKey(keyName, entry.version(),
                entry.keyPair().getPublic(), entry.created()));
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        ResourceName.require("key", keyName);
        JsonObject metadata = client.read(mount + "/metadata/" + path + "/" + keyName, "read key versions", keyName)
                .getDataObject();
        if (metadata == null || metadata.get("versions") == null) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        List<VaultKey> versions = new ArrayList<>();
        JsonObject all = metadata.get("versions").asObject();
        for (String number : all.names()) {
            JsonObject about = all.get(number).asObject();
            boolean gone = about.get("destroyed") != null && about.get("destroyed").asBoolean()
                    || about.get("deletion_time") != null && !about.get("deletion_time").asString().isEmpty();
            if (!gone) {
                versions.add(getKey(keyName, number));
            }
        }
        if (versions.isEmpty()) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        versions.sort(Comparator.comparing(v -> Integer.parseInt(v.version())));
        return versions;
    }

    @Override
    public void deleteKey(String keyName) {
        listVersions(keyName);
        client.delete(mount + "/metadata/" + path + "/" + keyName, "delete a key", keyName);
    }

    @Override
    public byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest) {
        return withKey(key.name(), key.version(), "sign", entry -> LocalKeyOperations.sign(name, key.name(),
                entry.keyPair().getPrivate(), algorithm, digest));
    }

    @Override
    public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        return withKey(key.name(), key.version(), "decrypt", entry -> LocalKeyOperations.decrypt(name, key.name(),
                entry.keyPair().getPrivate(), algorithm, ciphertext));
    }

    @Override
    public byte[] agree(VaultKey key, PublicKey otherParty) {
        return withKey(key.name(), key.version(), "agree on a key", entry -> LocalKeyOperations.agree(name, key.name(),
                entry.keyPair().getPrivate(), otherParty));
    }

    @Override
    public void close() {
        // the driver holds no connections open
    }

    private record Entry(String version, KeyPair keyPair, Instant created) {
    }

    /** Reads one version of the key (the current one for null), uses it, and lets it go. */
    private <T> T withKey(String keyName, String version, String operation, Function<Entry, T> use) {
        ResourceName.require("key", keyName);
        if (version != null) {
            ResourceName.require("key version", version);
        }
        String at = secret(keyName) + (version == null ? "" : "?version=" + version);
        JsonObject data = client.read(at, operation, keyName).getDataObject();
        if (data == null || data.get("data") == null || !data.get("data").isObject()
                || data.get("data").asObject().get(FIELD) == null) {
            throw VaultException.keyNotFound(name, keyName, version);
        }
        JsonObject metadata = data.get("metadata").asObject();
        KeyPair pair = PrivateKeys.fromPem(data.get("data").asObject().get(FIELD).asString(), null);
        PrivateKey key = pair.getPrivate();
        return use.apply(new Entry(String.valueOf(metadata.get("version").asInt()), new KeyPair(pair.getPublic(), key),
                Instant.parse(metadata.get("created_time").asString())));
    }

    private String secret(String keyName) {
        return mount + "/data/" + path + "/" + keyName;
    }
}
