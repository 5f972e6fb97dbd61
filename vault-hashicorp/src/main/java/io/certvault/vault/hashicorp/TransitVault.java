package io.certvault.vault.hashicorp;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;
import io.certvault.pki.BouncyCastle;
import io.certvault.pki.PrivateKeys;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.KeyType;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Keys in Vault's Transit engine: created or imported (BYOK) there, never exported. Transit signs
 * prehashed digests (PKCS#1 v1.5, PSS, ECDSA) and decrypts RSA-OAEP with SHA-256, or PKCS#1 v1.5 where Vault
 * offers {@code padding_scheme}. Key versions are Transit's numbers.
 */
final class TransitVault implements Vault {
    private final String name;
    private final HashiCorpClient client;
    private final String mount;
    private final io.certvault.vault.VaultStateTracker state;

    TransitVault(String name, HashiCorpClient client, String mount) {
        this.name = name;
        this.client = client;
        this.mount = mount.replaceAll("^/+|/+$", "");
        this.state = new io.certvault.vault.VaultStateTracker(() -> client.list(this.mount + "/keys", "list keys"));
        state.probe();
    }

    /** Whether Vault answered the last look at the Transit keys; asked again at most every 30 seconds. */
    @Override
    public io.certvault.vault.VaultState state() {
        return state.current();
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
    public VaultKey createKey(String keyName, KeySpec spec) {
        ResourceName.require("key", keyName);
        String type = switch (spec) {
            case RSA_2048 -> "rsa-2048";
            case RSA_3072 -> "rsa-3072";
            case RSA_4096 -> "rsa-4096";
            case EC_P256 -> "ecdsa-p256";
            case EC_P384 -> "ecdsa-p384";
        };
        if (exists(keyName)) {
            client.write(mount + "/keys/" + keyName + "/rotate", Map.of(), "rotate a key", keyName);
        } else {
            client.write(mount + "/keys/" + keyName, Map.of("type", type), "create a key", keyName);
        }
        return getKey(keyName, null);
    }

    /**
     * Transit's bring-your-own-key import: the private key is wrapped with AES-KWP under a fresh AES key,
     * which is wrapped with RSA-OAEP (SHA-256) under Vault's wrapping key, so only Vault can unwrap it.
     */
    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        ResourceName.require("key", keyName);
        KeyPair checked = PrivateKeys.checked(keyPair);
        String type = transitType(checked.getPublic());
        String wrappingPem = client.read(mount + "/wrapping_key", "read the wrapping key", null).getData()
                .get("public_key");
        byte[] pkcs8 = checked.getPrivate().getEncoded();
        try {
            PublicKey wrappingKey = publicKey(wrappingPem);
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, new SecureRandom());
            SecretKey ephemeral = generator.generateKey();
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.WRAP_MODE, wrappingKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT));
            byte[] wrappedEphemeral = oaep.wrap(ephemeral);
            Cipher kwp = Cipher.getInstance("AESWRAPPAD", BouncyCastle.PROVIDER);
            kwp.init(Cipher.ENCRYPT_MODE, ephemeral);
            byte[] wrappedKey = kwp.doFinal(pkcs8);
            byte[] both = new byte[wrappedEphemeral.length + wrappedKey.length];
            System.arraycopy(wrappedEphemeral, 0, both, 0, wrappedEphemeral.length);
            System.arraycopy(wrappedKey, 0, both, wrappedEphemeral.length, wrappedKey.length);
            Map<String, Object> body = new HashMap<>();
            body.put("ciphertext", Base64.getEncoder().encodeToString(both));
            body.put("hash_function", "SHA256");
            if (exists(keyName)) {
                client.write(mount + "/keys/" + keyName + "/import_version", body, "import a key version", keyName);
            } else {
                body.put("type", type);
                client.write(mount + "/keys/" + keyName + "/import", body, "import a key", keyName);
            }
        } catch (GeneralSecurityException e) {
            throw VaultException.failure(name, keyName, "wrap a key for import", e);
        } finally {
            java.util.Arrays.fill(pkcs8, (byte) 0);
        }
        return getKey(keyName, null);
    }

    @Override
    public List<VaultKey> listKeys() {
        List<VaultKey> keys = new ArrayList<>();
        for (String keyName : client.list(mount + "/keys", "list keys").stream().sorted().toList()) {
            keys.add(getKey(keyName, null));
        }
        return keys;
    }

    /**
     * Transit signs with every hash (prehashed, PKCS#1 v1.5, PSS, ECDSA), decrypts RSA-OAEP with SHA-256 and
     * PKCS#1 v1.5 (recent Vault releases) but not SHA-1 OAEP, and has no ECDH.
     */
    private static final io.certvault.vault.VaultCapabilities CAPABILITIES = new io.certvault.vault.VaultCapabilities(
            java.util.EnumSet.allOf(SignatureAlgorithm.class),
            java.util.EnumSet.of(EncryptionAlgorithm.RSA1_5, EncryptionAlgorithm.RSA_OAEP_256), false, true, true,
            java.util.EnumSet.allOf(io.certvault.vault.KeySpec.class));

    @Override
    public io.certvault.vault.VaultCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        List<VaultKey> versions = listVersions(keyName);
        if (version == null) {
            return versions.get(versions.size() - 1);
        }
        ResourceName.require("key version", version);
        return versions.stream().filter(v -> v.version().equals(version)).findFirst()
                .orElseThrow(() -> VaultException.keyNotFound(name, keyName, version));
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        ResourceName.require("key", keyName);
        JsonObject data = client.read(mount + "/keys/" + keyName, "read a key", keyName).getDataObject();
        if (data == null || data.get("keys") == null) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        List<VaultKey> versions = new ArrayList<>();
        JsonObject keys = data.get("keys").asObject();
        for (String number : keys.names()) {
            JsonValue entry = keys.get(number);
            if (!entry.isObject() || entry.asObject().get("public_key") == null) {
                throw VaultException.notSupported(name, keyName, "use a key", "it is not an RSA or EC key in Transit");
            }
            JsonObject version = entry.asObject();
            JsonValue created = version.get("creation_time");
            versions.add(new VaultKey(keyName, number, publicKey(version.get("public_key").asString()),
                    created == null ? Instant.EPOCH : Instant.parse(created.asString())));
        }
        versions.sort(Comparator.comparing(v -> Integer.parseInt(v.version())));
        return versions;
    }

    @Override
    public void deleteKey(String keyName) {
        listVersions(keyName);
        // Transit refuses to delete a key until its config allows it.
        client.write(mount + "/keys/" + keyName + "/config", Map.of("deletion_allowed", true), "allow deletion",
                keyName);
        client.delete(mount + "/keys/" + keyName, "delete a key", keyName);
    }

    @Override
    public byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest) {
        String keyName = key.name();
        algorithm.checkDigest(digest);
        if (key.type() != algorithm.keyType()) {
            throw VaultException.notSupported(name, keyName, "sign with " + algorithm, "the key is " + key.type());
        }
        String hash = switch (algorithm.digestAlgorithm()) {
            case "SHA-1" -> "sha1";
            case "SHA-256" -> "sha2-256";
            case "SHA-384" -> "sha2-384";
            default -> "sha2-512";
        };
        Map<String, Object> body = new HashMap<>();
        body.put("input", Base64.getEncoder().encodeToString(digest));
        body.put("prehashed", true);
        body.put("key_version", Integer.parseInt(key.version()));
        body.put("marshaling_algorithm", "asn1");
        if (algorithm.keyType() == KeyType.RSA) {
            body.put("signature_algorithm", algorithm.isPss() ? "pss" : "pkcs1v15");
            if (algorithm.isPss()) {
                body.put("salt_length", "hash");
            }
        }
        String signature = client.write(mount + "/sign/" + keyName + "/" + hash, body, "sign", keyName).getData()
                .get("signature");
        return fromTransit(signature);
    }

    @Override
    public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        String keyName = key.name();
        if (key.type() != KeyType.RSA) {
            throw VaultException.notSupported(name, keyName, "decrypt with " + algorithm.jwaName(), "the key is "
                    + key.type() + "; only RSA keys decrypt");
        }
        Map<String, Object> body = new HashMap<>();
        body.put("ciphertext", "vault:v" + key.version() + ":" + Base64.getEncoder().encodeToString(ciphertext));
        switch (algorithm) {
            case RSA_OAEP_256 -> { }
            case RSA1_5 -> body.put("padding_scheme", "pkcs1v15");
            case RSA_OAEP -> throw VaultException.notSupported(name, keyName, "decrypt with RSA-OAEP (SHA-1)",
                    "Transit decrypts RSA-OAEP with SHA-256 (and PKCS#1 v1.5) only; ask the partner for "
                            + "RSA-OAEP-256, or keep this key in a hashicorp vault with mode=kv (or a filesystem vault), "
                            + "which decrypts SHA-1 OAEP");
        }
        String plaintext = client.write(mount + "/decrypt/" + keyName, body, "decrypt with " + algorithm.jwaName(),
                keyName).getData().get("plaintext");
        return Base64.getDecoder().decode(plaintext);
    }

    @Override
    public void close() {
        // the driver holds no connections open
    }

    private boolean exists(String keyName) {
        try {
            listVersions(keyName);
            return true;
        } catch (CertvaultException e) {
            if (e.errorCode() == ErrorCode.KEY_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** "vault:v3:BASE64" to the signature bytes. */
    private byte[] fromTransit(String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon < 0) {
            throw new VaultException(ErrorCode.VAULT_FAILURE, "vault '" + name + "' answered a signature Certvault "
                    + "cannot read");
        }
        return Base64.getDecoder().decode(value.substring(colon + 1));
    }

    private static String transitType(PublicKey key) {
        int size = io.certvault.pki.PublicKeys.size(key);
        if (key.getAlgorithm().equals("RSA")) {
            return "rsa-" + size;
        }
        return "ecdsa-p" + size;
    }

    private PublicKey publicKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return new JcaPEMKeyConverter().getPublicKey(
                    (org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) parser.readObject());
        } catch (java.io.IOException | ClassCastException e) {
            throw new VaultException(ErrorCode.VAULT_FAILURE, "vault '" + name + "' answered a public key Certvault "
                    + "cannot read");
        }
    }
}
