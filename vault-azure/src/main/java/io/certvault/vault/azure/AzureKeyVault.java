package io.certvault.vault.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.identity.CredentialUnavailableException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.azure.security.keyvault.keys.KeyClient;
import com.azure.security.keyvault.keys.KeyClientBuilder;
import com.azure.security.keyvault.keys.cryptography.CryptographyClient;
import com.azure.security.keyvault.keys.cryptography.CryptographyClientBuilder;
import com.azure.security.keyvault.keys.models.CreateEcKeyOptions;
import com.azure.security.keyvault.keys.models.CreateRsaKeyOptions;
import com.azure.security.keyvault.keys.models.JsonWebKey;
import com.azure.security.keyvault.keys.models.KeyCurveName;
import com.azure.security.keyvault.keys.models.KeyProperties;
import com.azure.security.keyvault.keys.models.KeyType;
import com.azure.security.keyvault.keys.models.KeyVaultKey;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;
import io.certvault.pki.EcdsaSignatures;
import io.certvault.pki.PrivateKeys;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One Azure Key Vault. Signing and decryption are Key Vault's own sign and decrypt operations on the key;
 * the private key is never read. Each operation first reads the key (resolving "current" to a version and
 * checking the key's type), so a reference without a version always means the newest version.
 */
final class AzureKeyVault implements Vault {
    private static final Logger LOG = Logger.getLogger(AzureKeyVault.class.getName());
    /** Key Vault's own rule for key names. */
    private static final Pattern KEY_NAME = Pattern.compile("[0-9A-Za-z-]{1,127}");
    /** The message inside Key Vault's {@code {"error": {"code": ..., "message": "..."}}}. */
    private static final Pattern AZURE_ERROR_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String name;
    private final AzureSettings settings;
    private final KeyClient keys;
    private final Map<String, CryptographyClient> cryptography = new ConcurrentHashMap<>();
    private final io.certvault.vault.VaultStateTracker state;

    AzureKeyVault(String name, AzureSettings settings) {
        this.name = name;
        this.settings = settings;
        KeyClientBuilder builder = new KeyClientBuilder().vaultUrl(settings.url().toString())
                .credential(settings.credential()).httpClient(settings.httpClient())
                .retryOptions(settings.retryOptions());
        if (!settings.verifyChallengeResource()) {
            builder.disableChallengeResourceVerification();
        }
        this.keys = builder.buildClient();
        // One page of keys proves the vault answers and accepts the credentials.
        this.state = new io.certvault.vault.VaultStateTracker(
                () -> call("list", null, null, () -> keys.listPropertiesOfKeys().iterableByPage().iterator().hasNext()));
        state.probe();
        if (!state.current().up()) {
            LOG.warning(() -> "Azure vault '" + name + "' is not usable now: " + state.current().detail());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return AzureKeyVaultProvider.TYPE;
    }

    @Override
    public VaultState state() {
        return state.current();
    }

    @Override
    public VaultKey createKey(String keyName, KeySpec spec) {
        checkName(keyName);
        return call("create", keyName, null, () -> toVaultKey(switch (spec.type()) {
            case RSA -> keys.createRsaKey(new CreateRsaKeyOptions(keyName).setKeySize(spec.size()));
            case EC -> keys.createEcKey(new CreateEcKeyOptions(keyName).setCurveName(KeyCurveName.fromString(spec.curve())));
        }));
    }

    @Override
    public VaultKey importKey(String keyName, KeyPair keyPair) {
        checkName(keyName);
        KeyPair checked = PrivateKeys.checked(keyPair);
        JsonWebKey jwk;
        try {
            jwk = checked.getPublic().getAlgorithm().equals("RSA") ? JsonWebKey.fromRsa(checked)
                    : JsonWebKey.fromEc(checked, java.security.KeyPairGenerator.getInstance("EC").getProvider());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("EC is part of every Java platform", e);
        }
        return call("import", keyName, null, () -> toVaultKey(keys.importKey(keyName, jwk)));
    }

    @Override
    public List<VaultKey> listKeys() {
        List<String> names = call("list", null, null, () -> {
            List<String> found = new ArrayList<>();
            for (KeyProperties properties : keys.listPropertiesOfKeys()) {
                found.add(properties.getName());
            }
            return found;
        });
        List<VaultKey> current = new ArrayList<>();
        for (String keyName : names.stream().sorted().toList()) {
            try {
                current.add(getKey(keyName, null));
            } catch (CertvaultException e) {
                if (e.errorCode() != ErrorCode.KEY_NOT_FOUND) {
                    throw e;
                }
                // deleted between the list and the read
            }
        }
        return current;
    }

    /**
     * Key Vault signs SHA-2 digests only (RS/PS 256-512, ES256 on P-256 and ES384 on P-384: ES512 needs P-521,
     * which Certvault does not create), decrypts with all three paddings, and has no ECDH.
     */
    private static final io.certvault.vault.VaultCapabilities CAPABILITIES = new io.certvault.vault.VaultCapabilities(
            java.util.EnumSet.complementOf(java.util.EnumSet.of(SignatureAlgorithm.RS1, SignatureAlgorithm.ES512)),
            java.util.EnumSet.allOf(EncryptionAlgorithm.class), false, true, true,
            java.util.EnumSet.allOf(io.certvault.vault.KeySpec.class));

    @Override
    public io.certvault.vault.VaultCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public VaultKey getKey(String keyName, String version) {
        checkName(keyName);
        if (version != null) {
            ResourceName.require("key version", version);
        }
        return call("get", keyName, version, () -> toVaultKey(keys.getKey(keyName, version == null ? "" : version)));
    }

    @Override
    public List<VaultKey> listVersions(String keyName) {
        checkName(keyName);
        List<String> versions = call("list", keyName, null, () -> {
            List<String> found = new ArrayList<>();
            for (KeyProperties properties : keys.listPropertiesOfKeyVersions(keyName)) {
                found.add(properties.getVersion());
            }
            return found;
        });
        if (versions.isEmpty()) {
            throw VaultException.keyNotFound(name, keyName, null);
        }
        List<VaultKey> result = new ArrayList<>();
        for (String version : versions) {
            result.add(getKey(keyName, version));
        }
        // Key Vault times are whole seconds, so versions made in one second tie: the current one goes last.
        String current = getKey(keyName, null).version();
        result.sort(Comparator.comparing(VaultKey::created).thenComparing(k -> k.version().equals(current)));
        return result;
    }

    @Override
    public void deleteKey(String keyName) {
        checkName(keyName);
        // Soft delete: the key stays recoverable in Key Vault for its retention period, and its name is
        // taken until it is purged there.
        call("delete", keyName, null, () -> keys.beginDeleteKey(keyName).waitForCompletion(settings.operationTimeout()));
    }

    @Override
    public byte[] sign(VaultKey key, SignatureAlgorithm algorithm, byte[] digest) {
        String keyName = key.name();
        algorithm.checkDigest(digest);
        if (!CAPABILITIES.signs(algorithm)) {
            throw VaultException.notSupported(name, keyName, "sign with " + algorithm, "Azure Key Vault signs SHA-2 "
                    + "digests only, and ES512 only with P-521 keys; use SHA-256 or stronger (SHA-384 at most for EC), "
                    + "or keep this key in a filesystem vault");
        }
        if (key.type() != algorithm.keyType()) {
            throw VaultException.notSupported(name, keyName, "sign with " + algorithm, "the key is " + key.type());
        }
        byte[] signature = call("sign", keyName, key.version(), () -> cryptographyClient(key).sign(
                com.azure.security.keyvault.keys.cryptography.models.SignatureAlgorithm.fromString(algorithm.name()),
                digest).getSignature());
        // Key Vault returns ECDSA as r || s (JWS); the SPI, like CMS, speaks DER.
        return algorithm.keyType() == io.certvault.vault.KeyType.EC ? EcdsaSignatures.rawToDer(signature) : signature;
    }

    @Override
    public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
        String keyName = key.name();
        if (key.type() != io.certvault.vault.KeyType.RSA) {
            throw VaultException.notSupported(name, keyName, "decrypt with " + algorithm.jwaName(),
                    "the key is " + key.type() + "; only RSA keys decrypt");
        }
        try {
            return call("decrypt", keyName, key.version(), () -> cryptographyClient(key).decrypt(
                    com.azure.security.keyvault.keys.cryptography.models.EncryptionAlgorithm.fromString(
                            algorithm.jwaName()), ciphertext).getPlainText());
        } catch (VaultException e) {
            if (e.errorCode() == ErrorCode.VAULT_FAILURE && e.getCause() instanceof HttpResponseException http
                    && http.getResponse().getStatusCode() == 400) {
                throw new VaultException(ErrorCode.DECRYPTION_FAILED, "vault '" + name + "' could not decrypt with key '"
                        + keyName + "' and " + algorithm.jwaName() + ": the data was not encrypted to this key this way");
            }
            throw e;
        }
    }

    @Override
    public byte[] agree(VaultKey key, java.security.PublicKey otherParty) {
        throw VaultException.notSupported(name, key.name(), "agree on a key (ECDH)", "Azure Key Vault does not offer "
                + "ECDH; partners must encrypt to an RSA certificate whose key is in Key Vault");
    }

    @Override
    public void close() {
        cryptography.clear();
    }

    private CryptographyClient cryptographyClient(VaultKey key) {
        String id = settings.url() + "/keys/" + key.name() + "/" + key.version();
        return cryptography.computeIfAbsent(id, keyId -> {
            CryptographyClientBuilder builder = new CryptographyClientBuilder().keyIdentifier(keyId)
                    .credential(settings.credential()).httpClient(settings.httpClient())
                    .retryOptions(settings.retryOptions()).disableKeyCaching();
            if (!settings.verifyChallengeResource()) {
                builder.disableChallengeResourceVerification();
            }
            return builder.buildClient();
        });
    }

    private VaultKey toVaultKey(KeyVaultKey key) {
        JsonWebKey jwk = key.getKey();
        KeyType type = jwk.getKeyType();
        PublicKey publicKey;
        if (KeyType.RSA.equals(type) || KeyType.RSA_HSM.equals(type)) {
            publicKey = jwk.toRsa().getPublic();
        } else if (KeyType.EC.equals(type) || KeyType.EC_HSM.equals(type)) {
            publicKey = jwk.toEc().getPublic();
        } else {
            throw new VaultException(ErrorCode.UNSUPPORTED_KEY_TYPE, "vault '" + name + "': key '" + key.getName()
                    + "' is of type " + type + "; Certvault uses RSA and EC keys");
        }
        var created = key.getProperties().getCreatedOn();
        return new VaultKey(key.getName(), key.getProperties().getVersion(), publicKey,
                created == null ? Instant.EPOCH : created.toInstant());
    }

    private void checkName(String keyName) {
        ResourceName.require("key", keyName);
        if (!KEY_NAME.matcher(keyName).matches()) {
            throw new CertvaultException(ErrorCode.INVALID_NAME, "The key name '" + keyName + "' cannot be used in "
                    + "Azure Key Vault, which allows only letters, digits and '-' in key names.");
        }
    }

    /**
     * Runs one Key Vault call and turns its failures into Certvault's errors: what a person can act on,
     * naming this vault, the key and the operation.
     */
    private <T> T call(String operation, String keyName, String version, Supplier<T> work) {
        try {
            T result = work.get();
            if (state != null) {
                state.up();
            }
            return result;
        } catch (CertvaultException e) {
            throw e;
        } catch (RuntimeException e) {
            VaultException translated = translate(operation, keyName, version, e);
            if (state != null) {
                if (translated.errorCode() == ErrorCode.VAULT_UNAVAILABLE || signInFailure(e) != null) {
                    state.down(translated.getMessage());
                } else {
                    state.up();
                }
            }
            throw translated;
        }
    }

    private VaultException translate(String operation, String keyName, String version, RuntimeException e) {
        String where = "vault '" + name + "' (" + settings.url() + ")";
        String onKey = keyName == null ? "" : " on key '" + keyName + "'";
        Throwable signIn = signInFailure(e);
        if (signIn != null) {
            return new VaultException(ErrorCode.VAULT_ACCESS_DENIED, where + " did not accept the "
                    + settings.identity() + ": check the tenant, client id and secret or certificate ("
                    + rootCause(signIn) + ")", e);
        }
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String said = azureMessage(http);
            switch (status) {
                case 404:
                    if (keyName != null) {
                        return VaultException.keyNotFound(name, keyName, version);
                    }
                    break;
                case 401:
                case 403:
                    return new VaultException(ErrorCode.VAULT_ACCESS_DENIED, where + " refused '" + operation + "'"
                            + onKey + ": grant the " + settings.identity() + " the keys '" + operation
                            + "' permission in the vault's access policy (Certvault uses get, list, sign, decrypt, "
                            + "and create, import, delete to manage keys), or the RBAC role 'Key Vault Crypto User'"
                            + (said.isEmpty() ? "" : ". Key Vault said: " + said), e);
                case 409:
                    return new VaultException(ErrorCode.CONCURRENT_CHANGE, where + " refused '" + operation + "'"
                            + onKey + ": " + (said.isEmpty() ? "conflict" : said), e);
                default:
                    if (status == 429 || status >= 500) {
                        return new VaultException(ErrorCode.VAULT_UNAVAILABLE, where + " is busy or unavailable (HTTP "
                                + status + ") and did not recover within the retries; try again later", e);
                    }
            }
            return new VaultException(ErrorCode.VAULT_FAILURE, where + " failed '" + operation + "'" + onKey
                    + " (HTTP " + status + ")" + (said.isEmpty() ? "" : ": " + said), e);
        }
        // Connection refused, DNS, TLS, timeouts: nothing reached Key Vault or nothing came back in time.
        return new VaultException(ErrorCode.VAULT_UNAVAILABLE, where + " cannot be reached for '" + operation + "'"
                + onKey + ": " + rootCause(e), e);
    }

    /** Key Vault's own error message (it names the identity and permission, never key material). */
    private static String azureMessage(HttpResponseException e) {
        String text = e.getMessage() == null ? "" : e.getMessage();
        var message = AZURE_ERROR_MESSAGE.matcher(text);
        if (message.find()) {
            text = message.group(1).replace("\\\"", "\"");
        }
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    /** The sign-in failure behind an exception (refused or unavailable credentials), or null. */
    private static Throwable signInFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ClientAuthenticationException || cause instanceof CredentialUnavailableException
                    || cause instanceof MsalServiceException) {
                return cause;
            }
        }
        return null;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
