package io.certvault.vault.hashicorp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certvault.domain.CertvaultException;
import io.certvault.pki.BouncyCastle;
import io.certvault.pki.PrivateKeys;
import io.certvault.testing.Simulators;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.LocalKeyOperations;
import io.certvault.vault.SignatureAlgorithm;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;

/**
 * HashiCorp Vault's HTTP API for Transit (keys, rotate, config, delete, wrapping_key, import,
 * import_version, sign, decrypt), token authentication and AppRole login, as an in-process server for
 * testing the real vault-java-driver. It does the real RSA/EC operations; tests can deny paths (403) and
 * seal it (503).
 */
public final class VaultSimulator implements AutoCloseable {
    public static final String ROOT_TOKEN = "s.simulator-root-token";
    public static final String ROLE_ID = "certvault-role";
    public static final String SECRET_ID = "certvault-secret";
    private static final KeyPair WRAPPING_KEY = TestCertificates.rsa(4096);

    private final HttpServer server;
    private final Map<String, TransitKey> keys = new TreeMap<>();
    /** KV v2 secrets by path under the mount: every version's data, and when each was made. */
    private final Map<String, List<JsonObject>> secrets = new TreeMap<>();
    private final Map<String, List<Instant>> secretTimes = new TreeMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    /** When signed-in tokens expire; the root token does not. */
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile int tokenTtlSeconds = 3600;
    public static final String KUBERNETES_ROLE = "certvault";
    public static final String KUBERNETES_JWT = "eyJhbGciOiJSUzI1NiJ9.simulated-service-account.token";
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private volatile boolean sealed;

    private static final class TransitKey {
        final String type;
        final List<KeyPair> versions = new ArrayList<>();
        final List<Instant> created = new ArrayList<>();
        boolean deletionAllowed;

        TransitKey(String type) {
            this.type = type;
        }
    }

    public VaultSimulator() throws IOException {
        this(0);
    }

    /** Starts on 127.0.0.1 at {@code port} (0 for any). */
    public VaultSimulator(int port) throws IOException {
        tokens.add(ROOT_TOKEN);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        Simulators.serve(server, "vault-simulator", this::handle);
    }

    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests answered after sign-in (key and secret operations): what a client costs the vault. */
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    public long requests() {
        return requests.get();
    }

    /**
     * Forgets every key and secret, then opens a vault named {@code name} on this simulator with the root token
     * and these settings besides (e.g. {@code mode=kv}), as the real driver sees it.
     */
    public io.certvault.vault.Vault resetAndOpen(String name, java.util.Map<String, String> settings) {
        reset();
        java.util.Map<String, String> config = new java.util.HashMap<>(settings);
        config.put("address", address());
        config.put("token", ROOT_TOKEN);
        config.putIfAbsent("timeout", "5");
        io.certvault.vault.VaultSettings scoped = io.certvault.vault.VaultSettings.of(
                key -> java.util.Optional.ofNullable(config.get(key)));
        return new HashiCorpVaultProvider().open(new io.certvault.vault.VaultContext(name, scoped, scoped,
                java.nio.file.Path.of("target")));
    }

    public synchronized void reset() {
        keys.clear();
        secrets.clear();
        secretTimes.clear();
        denied.clear();
        sealed = false;
    }

    /** Answers 403 for paths that start with this (after /v1/). */
    public void deny(String pathPrefix) {
        denied.add(pathPrefix);
    }

    /** The latest version of a KV secret, as stored (for tests that look at what the client wrote). */
    public synchronized String secretText(String path) {
        List<JsonObject> versions = secrets.get(path);
        return versions == null ? null : versions.get(versions.size() - 1).toString();
    }

    public void allowAll() {
        denied.clear();
    }

    /** The lease of tokens handed out from now on; they stop working when it runs out unless renewed. */
    public void tokenTtl(int seconds) {
        tokenTtlSeconds = seconds;
    }

    public void seal(boolean sealed) {
        this.sealed = sealed;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String query = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getPath().replaceFirst("^/v1/", "");
            boolean list = method.equals("LIST") || (query != null && query.contains("list=true"));
            String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonObject body = text.isBlank() ? Json.createObjectBuilder().build()
                    : Json.createReader(new StringReader(text)).readObject();
            if (sealed) {
                send(exchange, 503, errors("Vault is sealed"));
                return;
            }
            if (path.equals("auth/approle/login") || path.equals("auth/kubernetes/login")) {
                boolean approle = path.startsWith("auth/approle");
                boolean valid = approle
                        ? ROLE_ID.equals(body.getString("role_id", "")) && SECRET_ID.equals(body.getString("secret_id", ""))
                        : KUBERNETES_ROLE.equals(body.getString("role", "")) && KUBERNETES_JWT.equals(body.getString("jwt", ""));
                if (!valid) {
                    send(exchange, approle ? 400 : 403, errors(approle ? "invalid role or secret ID" : "permission denied"));
                    return;
                }
                String token = "s." + UUID.randomUUID();
                tokens.add(token);
                expiries.put(token, Instant.now().plusSeconds(tokenTtlSeconds));
                send(exchange, 200, authResponse(token));
                return;
            }
            if (System.getProperty("simulator.debug") != null) {
                System.err.println("simulator request " + method + " " + path);
            }
            String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
            Instant expiry = token == null ? null : expiries.get(token);
            if (token == null || !tokens.contains(token) || (expiry != null && expiry.isBefore(Instant.now()))
                    || denied.stream().anyMatch(path::startsWith)) {
                send(exchange, 403, errors("permission denied"));
                return;
            }
            if (path.equals("auth/token/renew-self")) {
                expiries.computeIfPresent(token, (t, old) -> Instant.now().plusSeconds(tokenTtlSeconds));
                renewals++;
                send(exchange, 200, authResponse(token));
                return;
            }
            requests.incrementAndGet();
            route(exchange, method, path, list, body);
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            send(exchange, 500, errors(String.valueOf(e)));
        }
    }

    private synchronized void route(HttpExchange exchange, String method, String path, boolean list, JsonObject body)
            throws IOException {
        String[] parts = path.split("/");
        if (parts.length >= 2 && parts[0].equals("secret")) {
            kv(exchange, method, String.join("/", Arrays.copyOfRange(parts, 1, parts.length)), list, body,
                    exchange.getRequestURI().getRawQuery());
            return;
        }
        if (parts.length < 2 || !parts[0].equals("transit")) {
            send(exchange, 404, errors("no handler for route '" + path + "'"));
            return;
        }
        String section = parts[1];
        if (section.equals("keys") && parts.length == 2 && list) {
            if (keys.isEmpty()) {
                send(exchange, 404, errors());
                return;
            }
            JsonArrayBuilder names = Json.createArrayBuilder();
            keys.keySet().forEach(names::add);
            send(exchange, 200, data(Json.createObjectBuilder().add("keys", names)));
            return;
        }
        if (section.equals("wrapping_key")) {
            send(exchange, 200, data(Json.createObjectBuilder().add("public_key",
                    TestCertificates.pem(WRAPPING_KEY.getPublic()))));
            return;
        }
        String name = parts.length > 2 ? parts[2] : "";
        TransitKey key = keys.get(name);
        switch (section) {
            case "keys" -> {
                String action = parts.length > 3 ? parts[3] : "";
                if (method.equals("DELETE")) {
                    if (key == null) {
                        send(exchange, 404, errors());
                    } else if (!key.deletionAllowed) {
                        send(exchange, 400, errors("deletion is not allowed for this key"));
                    } else {
                        keys.remove(name);
                        send(exchange, 204, null);
                    }
                    return;
                }
                if (method.equals("GET")) {
                    if (key == null) {
                        send(exchange, 404, errors());
                    } else {
                        send(exchange, 200, describe(name, key));
                    }
                    return;
                }
                switch (action) {
                    case "" -> {
                        if (key == null) {
                            key = new TransitKey(body.getString("type", "aes256-gcm96"));
                            key.versions.add(generate(key.type));
                            key.created.add(Instant.now());
                            keys.put(name, key);
                        }
                        send(exchange, 200, describe(name, key));
                    }
                    case "rotate" -> {
                        key.versions.add(generate(key.type));
                        key.created.add(Instant.now());
                        send(exchange, 200, describe(name, key));
                    }
                    case "config" -> {
                        key.deletionAllowed = body.getBoolean("deletion_allowed", false);
                        send(exchange, 200, describe(name, key));
                    }
                    case "import", "import_version" -> {
                        KeyPair pair = unwrap(body.getString("ciphertext"));
                        if (action.equals("import")) {
                            if (key != null) {
                                send(exchange, 400, errors("key \"" + name + "\" already exists"));
                                return;
                            }
                            key = new TransitKey(body.getString("type"));
                            keys.put(name, key);
                        }
                        key.versions.add(pair);
                        key.created.add(Instant.now());
                        send(exchange, 204, null);
                    }
                    default -> send(exchange, 404, errors("unsupported path"));
                }
            }
            case "sign" -> {
                if (key == null) {
                    send(exchange, 400, errors("signing key not found"));
                    return;
                }
                int version = body.getInt("key_version", key.versions.size());
                String hash = parts.length > 3 ? parts[3] : "sha2-256";
                boolean rsa = key.type.startsWith("rsa");
                String bits = hash.equals("sha1") ? "1" : hash.substring(5);
                SignatureAlgorithm algorithm = SignatureAlgorithm.valueOf(rsa
                        ? ("pss".equals(body.getString("signature_algorithm", "pss")) ? "PS" : "RS") + bits : "ES" + bits);
                byte[] signature = LocalKeyOperations.sign("simulator", name, key.versions.get(version - 1).getPrivate(),
                        algorithm, Base64.getDecoder().decode(body.getString("input")));
                send(exchange, 200, data(Json.createObjectBuilder().add("signature", "vault:v" + version + ":"
                        + Base64.getEncoder().encodeToString(signature)).add("key_version", version)));
            }
            case "decrypt" -> {
                if (key == null) {
                    send(exchange, 400, errors("encryption key not found"));
                    return;
                }
                String[] ciphertext = body.getString("ciphertext").split(":");
                int version = Integer.parseInt(ciphertext[1].substring(1));
                EncryptionAlgorithm algorithm = "pkcs1v15".equals(body.getString("padding_scheme", ""))
                        ? EncryptionAlgorithm.RSA1_5 : EncryptionAlgorithm.RSA_OAEP_256;
                try {
                    byte[] plaintext = LocalKeyOperations.decrypt("simulator", name,
                            key.versions.get(version - 1).getPrivate(), algorithm, Base64.getDecoder().decode(ciphertext[2]));
                    send(exchange, 200, data(Json.createObjectBuilder().add("plaintext",
                            Base64.getEncoder().encodeToString(plaintext))));
                } catch (CertvaultException e) {
                    send(exchange, 400, errors("invalid ciphertext: unable to decrypt"));
                }
            }
            default -> send(exchange, 404, errors("unsupported path"));
        }
    }

    /** KV v2: data/<path> (write, read with ?version=), metadata/<path> (read, list, delete). */
    private void kv(HttpExchange exchange, String method, String rest, boolean list, JsonObject body, String query)
            throws IOException {
        boolean data = rest.startsWith("data/");
        String key = rest.substring(rest.indexOf('/') + 1);
        if (data && (method.equals("POST") || method.equals("PUT"))) {
            secrets.computeIfAbsent(key, k -> new ArrayList<>()).add(body.getJsonObject("data"));
            secretTimes.computeIfAbsent(key, k -> new ArrayList<>()).add(Instant.now());
            int version = secrets.get(key).size();
            send(exchange, 200, data(Json.createObjectBuilder().add("version", version)
                    .add("created_time", secretTimes.get(key).get(version - 1).toString()).add("deletion_time", "")
                    .add("destroyed", false)));
            return;
        }
        if (data && method.equals("GET")) {
            List<JsonObject> versions = secrets.get(key);
            int version = versions == null ? 0 : query != null && query.contains("version=")
                    ? Integer.parseInt(query.replaceAll(".*version=(\\d+).*", "$1")) : versions.size();
            if (versions == null || version < 1 || version > versions.size()) {
                send(exchange, 404, errors());
                return;
            }
            send(exchange, 200, data(Json.createObjectBuilder().add("data", versions.get(version - 1))
                    .add("metadata", Json.createObjectBuilder().add("version", version)
                            .add("created_time", secretTimes.get(key).get(version - 1).toString())
                            .add("deletion_time", "").add("destroyed", false))));
            return;
        }
        if (!rest.startsWith("metadata/") && !rest.equals("metadata")) {
            send(exchange, 404, errors("unsupported path"));
            return;
        }
        if (list) {
            String prefix = key.equals("metadata") ? "" : key + "/";
            JsonArrayBuilder names = Json.createArrayBuilder();
            secrets.keySet().stream().filter(k -> k.startsWith(prefix)).map(k -> k.substring(prefix.length()))
                    .forEach(names::add);
            if (secrets.keySet().stream().noneMatch(k -> k.startsWith(prefix))) {
                send(exchange, 404, errors());
            } else {
                send(exchange, 200, data(Json.createObjectBuilder().add("keys", names)));
            }
            return;
        }
        List<JsonObject> versions = secrets.get(key);
        if (versions == null) {
            send(exchange, 404, errors());
            return;
        }
        if (method.equals("DELETE")) {
            secrets.remove(key);
            secretTimes.remove(key);
            send(exchange, 204, null);
            return;
        }
        JsonObjectBuilder all = Json.createObjectBuilder();
        for (int i = 0; i < versions.size(); i++) {
            all.add(String.valueOf(i + 1), Json.createObjectBuilder().add("created_time",
                    secretTimes.get(key).get(i).toString()).add("deletion_time", "").add("destroyed", false));
        }
        send(exchange, 200, data(Json.createObjectBuilder().add("current_version", versions.size())
                .add("versions", all)));
    }

    /** How many times a token was renewed. */
    public volatile int renewals;

    private JsonObject authResponse(String token) {
        return Json.createObjectBuilder().add("lease_duration", 0).add("renewable", false)
                .add("auth", Json.createObjectBuilder()
                        .add("client_token", token).add("accessor", "a").add("lease_duration", tokenTtlSeconds)
                        .add("renewable", true).add("policies", Json.createArrayBuilder().add("certvault"))
                        .add("token_policies", Json.createArrayBuilder().add("certvault"))
                        .add("metadata", Json.createObjectBuilder().add("role_name", "certvault"))
                        .add("entity_id", "e").add("token_type", "service").add("orphan", true)).build();
    }

    private JsonObject describe(String name, TransitKey key) {
        JsonObjectBuilder versions = Json.createObjectBuilder();
        for (int i = 0; i < key.versions.size(); i++) {
            versions.add(String.valueOf(i + 1), Json.createObjectBuilder()
                    .add("public_key", TestCertificates.pem(key.versions.get(i).getPublic()))
                    .add("creation_time", key.created.get(i).toString()).add("name", key.type));
        }
        return data(Json.createObjectBuilder().add("name", name).add("type", key.type)
                .add("latest_version", key.versions.size()).add("deletion_allowed", key.deletionAllowed)
                .add("exportable", false).add("keys", versions));
    }

    private static KeyPair generate(String type) {
        try {
            if (type.startsWith("rsa-")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(Integer.parseInt(type.substring(4)));
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp" + type.substring(7) + "r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Undoes the BYOK wrapping: RSA-OAEP(SHA-256) of an AES key, then AES-KWP of the PKCS#8 key. */
    private static KeyPair unwrap(String ciphertext) {
        try {
            byte[] all = Base64.getDecoder().decode(ciphertext);
            Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
            oaep.init(Cipher.DECRYPT_MODE, WRAPPING_KEY.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            byte[] aes = oaep.doFinal(Arrays.copyOfRange(all, 0, 512));
            Cipher kwp = Cipher.getInstance("AESWRAPPAD", BouncyCastle.PROVIDER);
            kwp.init(Cipher.DECRYPT_MODE, new SecretKeySpec(aes, "AES"));
            byte[] pkcs8 = kwp.doFinal(Arrays.copyOfRange(all, 512, all.length));
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
            return PrivateKeys.fromPem(pem, null);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("import unwrap failed", e);
        }
    }

    private static JsonObject data(JsonObjectBuilder data) {
        return Json.createObjectBuilder().add("request_id", UUID.randomUUID().toString()).add("lease_id", "")
                .add("renewable", false).add("lease_duration", 0).add("data", data).addNull("wrap_info")
                .addNull("warnings").addNull("auth").build();
    }

    private static JsonObject errors(String... messages) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        Arrays.stream(messages).forEach(list::add);
        return Json.createObjectBuilder().add("errors", list).build();
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        Simulators.send(exchange, status, body);
    }
}
