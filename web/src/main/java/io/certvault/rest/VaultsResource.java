package io.certvault.rest;

import io.certvault.application.Saved;
import io.certvault.application.VaultKeyService;
import io.certvault.application.VaultSummary;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.pki.PrivateKeys;
import io.certvault.vault.KeySpec;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.VaultCapabilities;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** The configured vaults and their keys. No response ever carries private key material. */
@Path("vaults")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class VaultsResource {
    static final String TYPE = "Certvault/vaults";
    static final String KEY_TYPE = "Certvault/vaults/keys";

    @Inject
    VaultKeyService keys;
    @Inject
    io.certvault.infrastructure.crypto.CryptoProviders crypto;
    @Context
    UriInfo uri;

    public record VaultBody(String id, String name, String type, VaultProperties properties) {
    }

    /**
     * The backend type, whether the vault answered when last asked ({@code Up} or {@code Down}, with why), and
     * what it can do.
     */
    public record VaultProperties(String vaultType, String state, String stateDetail, Instant stateChecked,
            CapabilitiesBody capabilities, String cryptoProvider) {
    }

    /** Signature algorithms and decryption paddings by their JWA names; key types as a key creation names them. */
    public record CapabilitiesBody(List<String> signatureAlgorithms, List<String> decryptionAlgorithms,
            boolean keyAgreement, boolean importKeys, boolean createKeys, List<CreateRequest> keyTypes) {
        static CapabilitiesBody of(VaultCapabilities capabilities) {
            return new CapabilitiesBody(
                    capabilities.signatureAlgorithms().stream().sorted().map(Enum::name).toList(),
                    capabilities.decryptionAlgorithms().stream().sorted().map(EncryptionAlgorithm::jwaName).toList(),
                    capabilities.keyAgreement(), capabilities.importsKeys(), capabilities.createsKeys(),
                    capabilities.keySpecs().stream().sorted().map(s -> new CreateRequest(s.type().name(),
                            s.type() == io.certvault.vault.KeyType.RSA ? s.size() : null, null, s.curve())).toList());
        }
    }

    public record KeyBody(String id, String name, String type, KeyProperties properties) {
    }

    /** The current version's public facts; {@code versions} only when one key is read. */
    public record KeyProperties(String version, String kty, int keySize, String crv, Instant created,
            String publicKey, List<VersionBody> versions) {
    }

    /** A version, with the certificates that resolve to it now (read-only). */
    public record VersionBody(String version, Instant created, List<CertificateUse> certificates) {
    }

    public record CertificateUse(String id, String integrationAccount, String name) {
    }

    /**
     * A key to import: {@code key} as PEM text or a JSON Web Key object, or {@code pfx} as base64 PKCS#12;
     * {@code password} for an encrypted PEM or the PKCS#12.
     */
    public record ImportRequest(JsonValue key, String pfx, String password) {
    }

    /** A key to create: {@code kty} RSA with {@code size} (or Azure's {@code key_size}), or EC with {@code crv}. */
    public record CreateRequest(String kty, Integer size, Integer key_size, String crv) {
    }

    /**
     * {@code cryptoProvider}: the JCA provider this server's own cryptography uses (the keys of a filesystem
     * vault, and every message's bulk crypto); a cloud vault's key operations run in the cloud.
     */
    static VaultBody body(VaultSummary vault, String cryptoProvider) {
        VaultState state = vault.state();
        return new VaultBody("/vaults/" + vault.name(), vault.name(), TYPE, new VaultProperties(vault.type(),
                state.up() ? "Up" : "Down", state.detail(), state.checked(), CapabilitiesBody.of(vault.capabilities()),
                cryptoProvider));
    }

    static KeyBody body(String vaultName, VaultKey key, List<VaultKeyService.VersionUse> versions) {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(key.publicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        return new KeyBody("/vaults/" + vaultName + "/keys/" + key.name(), key.name(), KEY_TYPE,
                new KeyProperties(key.version(), key.type().name(), key.size(),
                        key.publicKey() instanceof ECPublicKey ec ? io.certvault.pki.PublicKeys.curveName(ec) : null,
                        key.created(), pem, versions == null ? null
                                : versions.stream().map(v -> new VersionBody(v.version().version(),
                                        v.version().created(), v.certificates().stream().map(c -> new CertificateUse(
                                                "/integrationAccounts/" + c.accountName() + "/certificates/" + c.name(),
                                                c.accountName(), c.name())).toList())).toList()));
    }

    @GET
    public ListBody<VaultBody> list() {
        return new ListBody<>(keys.vaults().stream().map(v -> body(v, crypto.active())).toList(), null);
    }

    @GET
    @Path("{vault}")
    public VaultBody get(@PathParam("vault") String vault) {
        return body(keys.vault(vault), crypto.active());
    }

    @GET
    @Path("{vault}/keys")
    public ListBody<KeyBody> listKeys(@PathParam("vault") String vault, @QueryParam("$top") String top,
            @QueryParam(ListBody.SKIP_TOKEN) String skipToken) {
        return ListBody.of(keys.listKeys(vault, ListBody.continueAfter(skipToken), top), key -> body(vault, key, null),
                uri);
    }

    @GET
    @Path("{vault}/keys/{key}")
    public KeyBody getKey(@PathParam("vault") String vault, @PathParam("key") String keyName) {
        var versions = keys.versionUses(vault, keyName);
        return body(vault, versions.get(versions.size() - 1).version(), versions);
    }

    /** Imports a key, or a new version of it. 201 for a new key, 200 for a new version. */
    @AuditedChange(value = "keys/import", target = AuditedChange.Kind.KEY)
    @PUT
    @Path("{vault}/keys/{key}")
    public Response importKey(@PathParam("vault") String vault, @PathParam("key") String keyName,
            ImportRequest request) {
        // Read inside the guarded change, so that a refused key is on record.
        Saved<VaultKey> saved = keys.importKey(vault, keyName, () -> keyPair(request));
        return Response.status(saved.created() ? 201 : 200)
                .entity(body(vault, saved.value(), keys.versionUses(vault, keyName))).build();
    }

    /** Creates a key in the vault, or a new version of it. 201 for a new key, 200 for a new version. */
    @AuditedChange(value = "keys/create", target = AuditedChange.Kind.KEY)
    @POST
    @Path("{vault}/keys/{key}/create")
    public Response createKey(@PathParam("vault") String vault, @PathParam("key") String keyName,
            CreateRequest request) {
        Saved<VaultKey> saved = keys.createKey(vault, keyName, () -> {
            if (request == null) {
                throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                        "The body needs kty (RSA or EC) and a size or crv.");
            }
            return KeySpec.of(request.kty(), request.size() != null ? request.size() : request.key_size(),
                    request.crv());
        });
        return Response.status(saved.created() ? 201 : 200)
                .entity(body(vault, saved.value(), keys.versionUses(vault, keyName))).build();
    }

    /** Deletes the key with all its versions; 409 while a certificate refers to it. */
    @AuditedChange(value = "keys/delete", target = AuditedChange.Kind.KEY)
    @DELETE
    @Path("{vault}/keys/{key}")
    public Response deleteKey(@PathParam("vault") String vault, @PathParam("key") String keyName) {
        keys.deleteKey(vault, keyName);
        return Response.ok().build();
    }

    private static KeyPair keyPair(ImportRequest request) {
        if (request == null || (request.key() == null && request.pfx() == null)) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                    "The body needs key (PEM text or a JSON Web Key) or pfx (base64 PKCS#12).");
        }
        char[] password = request.password() == null ? null : request.password().toCharArray();
        try {
            if (request.pfx() != null) {
                byte[] pfx;
                try {
                    pfx = Base64.getMimeDecoder().decode(request.pfx());
                } catch (IllegalArgumentException e) {
                    throw new CertvaultException(ErrorCode.INVALID_KEY, "pfx is not base64.");
                }
                try {
                    return PrivateKeys.fromPkcs12(pfx, password);
                } finally {
                    Arrays.fill(pfx, (byte) 0);
                }
            }
            if (request.key() instanceof JsonString pem) {
                return PrivateKeys.fromPem(pem.getString(), password);
            }
            if (request.key() instanceof JsonObject jwk) {
                return PrivateKeys.fromJwk(new PrivateKeys.Jwk(field(jwk, "kty"), field(jwk, "n"), field(jwk, "e"),
                        field(jwk, "d"), field(jwk, "p"), field(jwk, "q"), field(jwk, "dp"), field(jwk, "dq"),
                        field(jwk, "qi"), field(jwk, "crv"), field(jwk, "x"), field(jwk, "y")));
            }
            throw new CertvaultException(ErrorCode.INVALID_KEY, "key must be PEM text or a JSON Web Key object.");
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static String field(JsonObject jwk, String name) {
        JsonValue value = jwk.get(name);
        return value instanceof JsonString text ? text.getString() : null;
    }
}
