package io.certvault.vault.azure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.certvault.domain.CertvaultException;
import io.certvault.pki.EcdsaSignatures;
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
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Azure Key Vault's keys REST API (and the Microsoft Entra client-credentials token endpoint) as an
 * in-process HTTPS server, for testing the real Azure SDK against it. It follows the documented JSON of
 * keys create, import, get, list, versions, delete, sign, decrypt and unwrapkey, answers unauthenticated
 * calls with the bearer challenge, and does real RSA and EC operations so that signatures verify and
 * decryptions round-trip. Tests can deny permissions (403) and throttle (429 with Retry-After).
 */
public final class KeyVaultSimulator implements AutoCloseable {
    public static final String TENANT = "certvault-tests";
    public static final String CLIENT_ID = "7c3e5e86-0000-4000-8000-00000000c0de";
    public static final String CLIENT_SECRET = "simulator-client-secret";

    private final HttpsServer server;
    private final Path caFile;
    private final Map<String, List<Version>> keys = new TreeMap<>();
    private final Map<String, JsonObject> deleted = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    /** Key operations answered (signed in, not throttled): what a client costs the vault. */
    private final java.util.concurrent.atomic.AtomicLong keyRequests = new java.util.concurrent.atomic.AtomicLong();
    private final AtomicInteger throttled = new AtomicInteger();
    private volatile int retryAfterSeconds = 1;
    private volatile boolean alwaysThrottle;

    private record Version(String version, KeyPair pair, long created) {
    }

    /** Starts on 127.0.0.1 at {@code port} (0 for any) and writes its certificate, to trust, to {@code caFile}. */
    public KeyVaultSimulator(int port, Path caFile) throws Exception {
        this.caFile = caFile;
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls(caFile)));
        Simulators.serve(server, "key-vault-simulator", this::handle);
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    public Path caFile() {
        return caFile;
    }

    /** Forgets every key, token, denial and throttle. */
    public synchronized void reset() {
        keys.clear();
        deleted.clear();
        tokens.clear();
        denied.clear();
        requests.clear();
        throttled.set(0);
        alwaysThrottle = false;
    }

    /** Answers 403 to operations needing this keys permission (get, list, create, import, delete, sign, decrypt). */
    public void deny(String permission) {
        denied.add(permission);
    }

    public void allowAll() {
        denied.clear();
    }

    /** Answers the next {@code count} key requests with 429 and {@code Retry-After}. */
    public void throttle(int count, int retryAfter) {
        retryAfterSeconds = retryAfter;
        throttled.set(count);
    }

    public void throttleAlways(boolean on) {
        alwaysThrottle = on;
    }

    /** Requests seen, as "METHOD /path". */
    /** How many key operations (reads, signs, decryptions, ...) were answered so far. */
    public long keyRequests() {
        return keyRequests.get();
    }

    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String[] parts = path.replaceAll("^/+", "").split("/", -1);
            if (parts.length >= 3 && parts[1].equals("oauth2")) {
                token(exchange, parts[0]);
                return;
            }
            if (path.contains(".well-known/openid-configuration")) {
                openIdConfiguration(exchange, parts[0]);
                return;
            }
            if (!authorized(exchange)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer authorization=\"" + url() + "/" + TENANT
                        + "\", resource=\"https://vault.azure.net\"");
                send(exchange, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."));
                return;
            }
            if (alwaysThrottle || throttled.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.getResponseHeaders().add("Retry-After", String.valueOf(retryAfterSeconds));
                send(exchange, 429, error("Throttled", "Request was not processed because too many requests were "
                        + "received. Reason: VaultRequestTypeLimitReached"));
                return;
            }
            keyRequests.incrementAndGet();
            route(exchange, method, parts, query);
        } catch (RuntimeException e) {
            send(exchange, 500, error("InternalError", String.valueOf(e)));
        }
    }

    private void route(HttpExchange exchange, String method, String[] parts, Map<String, String> query)
            throws IOException {
        String collection = parts[0];
        String name = parts.length > 1 ? parts[1] : "";
        if (collection.equals("deletedkeys") && method.equals("GET")) {
            if (!permitted(exchange, "get")) {
                return;
            }
            JsonObject bundle = deleted.get(name);
            send(exchange, bundle == null ? 404 : 200, bundle == null
                    ? error("KeyNotFound", "Deleted Key not found: " + name) : bundle);
            return;
        }
        if (!collection.equals("keys")) {
            send(exchange, 404, error("NotFound", "no such collection"));
            return;
        }
        if (name.isEmpty() && method.equals("GET")) {
            if (permitted(exchange, "list")) {
                listKeys(exchange, query);
            }
            return;
        }
        String second = parts.length > 2 ? parts[2] : "";
        String third = parts.length > 3 ? parts[3] : "";
        switch (method) {
            case "PUT" -> {
                if (permitted(exchange, "import")) {
                    importKey(exchange, name, body(exchange));
                }
            }
            case "DELETE" -> {
                if (permitted(exchange, "delete")) {
                    deleteKey(exchange, name);
                }
            }
            case "POST" -> {
                if (second.equals("create")) {
                    if (permitted(exchange, "create")) {
                        createKey(exchange, name, body(exchange));
                    }
                } else {
                    String operation = third.isEmpty() ? second : third;
                    String version = third.isEmpty() ? "" : second;
                    String permission = operation.equals("unwrapkey") ? "unwrapKey" : operation;
                    if (permitted(exchange, permission)) {
                        operate(exchange, name, version, operation, body(exchange));
                    }
                }
            }
            case "GET" -> {
                if (second.equals("versions")) {
                    if (permitted(exchange, "list")) {
                        listVersions(exchange, name);
                    }
                } else if (permitted(exchange, "get")) {
                    Version version = find(name, second);
                    if (version == null) {
                        notFound(exchange, name, second);
                    } else {
                        send(exchange, 200, bundle(name, version));
                    }
                }
            }
            default -> send(exchange, 405, error("MethodNotAllowed", method));
        }
    }

    private synchronized void createKey(HttpExchange exchange, String name, JsonObject body) throws IOException {
        String kty = body.getString("kty", "");
        KeyPair pair;
        try {
            if (kty.startsWith("RSA")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(body.getInt("key_size", 2048));
                pair = generator.generateKeyPair();
            } else if (kty.startsWith("EC")) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                String curve = body.getString("crv", "P-256");
                generator.initialize(new ECGenParameterSpec("secp" + curve.substring(2) + "r1"));
                pair = generator.generateKeyPair();
            } else {
                send(exchange, 400, error("BadParameter", "Property kty has invalid value"));
                return;
            }
        } catch (java.security.GeneralSecurityException e) {
            send(exchange, 400, error("BadParameter", e.toString()));
            return;
        }
        send(exchange, 200, bundle(name, add(name, pair)));
    }

    private synchronized void importKey(HttpExchange exchange, String name, JsonObject body) throws IOException {
        JsonObject jwk = body.getJsonObject("key");
        KeyPair pair;
        try {
            pair = PrivateKeys.fromJwk(new PrivateKeys.Jwk(jwk.getString("kty", null), jwk.getString("n", null),
                    jwk.getString("e", null), jwk.getString("d", null), jwk.getString("p", null), jwk.getString("q", null),
                    jwk.getString("dp", null), jwk.getString("dq", null), jwk.getString("qi", null),
                    jwk.getString("crv", null), jwk.getString("x", null), jwk.getString("y", null)));
        } catch (CertvaultException e) {
            send(exchange, 400, error("BadParameter", "The JSON Web Key is invalid: " + e.getMessage()));
            return;
        }
        send(exchange, 200, bundle(name, add(name, pair)));
    }

    private synchronized void deleteKey(HttpExchange exchange, String name) throws IOException {
        List<Version> versions = keys.remove(name);
        if (versions == null) {
            notFound(exchange, name, "");
            return;
        }
        long now = Instant.now().getEpochSecond();
        JsonObject bundle = Json.createObjectBuilder(bundle(name, versions.get(versions.size() - 1)))
                .add("recoveryId", url() + "/deletedkeys/" + name).add("deletedDate", now)
                .add("scheduledPurgeDate", now + Duration.ofDays(90).toSeconds()).build();
        deleted.put(name, bundle);
        send(exchange, 200, bundle);
    }

    private void operate(HttpExchange exchange, String name, String versionName, String operation, JsonObject body)
            throws IOException {
        Version version = find(name, versionName);
        if (version == null) {
            notFound(exchange, name, versionName);
            return;
        }
        String alg = body.getString("alg", "");
        byte[] value = Base64.getUrlDecoder().decode(body.getString("value", ""));
        byte[] result;
        try {
            switch (operation) {
                case "sign" -> {
                    SignatureAlgorithm algorithm = SignatureAlgorithm.valueOf(alg);
                    result = LocalKeyOperations.sign("simulator", name, version.pair().getPrivate(), algorithm, value);
                    if (version.pair().getPublic() instanceof ECPublicKey ec) {
                        result = EcdsaSignatures.derToRaw(result, (fieldBits(ec) + 7) / 8);
                    }
                }
                case "decrypt", "unwrapkey" -> {
                    EncryptionAlgorithm algorithm = switch (alg) {
                        case "RSA1_5" -> EncryptionAlgorithm.RSA1_5;
                        case "RSA-OAEP" -> EncryptionAlgorithm.RSA_OAEP;
                        case "RSA-OAEP-256" -> EncryptionAlgorithm.RSA_OAEP_256;
                        default -> throw new IllegalArgumentException(alg);
                    };
                    result = LocalKeyOperations.decrypt("simulator", name, version.pair().getPrivate(), algorithm, value);
                }
                default -> {
                    send(exchange, 400, error("BadParameter", "Unknown operation " + operation));
                    return;
                }
            }
        } catch (CertvaultException | IllegalArgumentException e) {
            send(exchange, 400, error("BadParameter", "The operation failed: " + e.getMessage()));
            return;
        }
        send(exchange, 200, Json.createObjectBuilder().add("kid", kid(name, version))
                .add("value", Base64.getUrlEncoder().withoutPadding().encodeToString(result)).build());
    }

    private synchronized void listKeys(HttpExchange exchange, Map<String, String> query) throws IOException {
        int skip = Integer.parseInt(query.getOrDefault("$skiptoken", "0"));
        int max = Integer.parseInt(query.getOrDefault("maxresults", "25"));
        List<String> names = new ArrayList<>(keys.keySet());
        JsonArrayBuilder value = Json.createArrayBuilder();
        for (String name : names.subList(Math.min(skip, names.size()), Math.min(skip + max, names.size()))) {
            List<Version> versions = keys.get(name);
            value.add(Json.createObjectBuilder().add("kid", url() + "/keys/" + name)
                    .add("attributes", attributes(versions.get(versions.size() - 1))));
        }
        JsonObjectBuilder page = Json.createObjectBuilder().add("value", value);
        if (skip + max < names.size()) {
            page.add("nextLink", url() + "/keys?api-version=7.5&maxresults=" + max + "&$skiptoken=" + (skip + max));
        } else {
            page.addNull("nextLink");
        }
        send(exchange, 200, page.build());
    }

    private synchronized void listVersions(HttpExchange exchange, String name) throws IOException {
        List<Version> versions = keys.get(name);
        if (versions == null) {
            notFound(exchange, name, "");
            return;
        }
        JsonArrayBuilder value = Json.createArrayBuilder();
        // Newest first, as Key Vault does not promise an order.
        List<Version> reversed = new ArrayList<>(versions);
        Collections.reverse(reversed);
        for (Version version : reversed) {
            value.add(Json.createObjectBuilder().add("kid", kid(name, version)).add("attributes", attributes(version)));
        }
        send(exchange, 200, Json.createObjectBuilder().add("value", value).addNull("nextLink").build());
    }

    // ---- sign-in --------------------------------------------------------------------------------

    private void token(HttpExchange exchange, String tenant) throws IOException {
        Map<String, String> form = query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!TENANT.equals(tenant) || !CLIENT_ID.equals(form.get("client_id"))
                || !CLIENT_SECRET.equals(form.get("client_secret"))) {
            send(exchange, 401, Json.createObjectBuilder().add("error", "invalid_client")
                    .add("error_description", "AADSTS7000215: Invalid client secret provided.")
                    .add("error_codes", Json.createArrayBuilder().add(7000215)).build());
            return;
        }
        String token = UUID.randomUUID().toString();
        tokens.add(token);
        send(exchange, 200, Json.createObjectBuilder().add("token_type", "Bearer").add("expires_in", 3599)
                .add("ext_expires_in", 3599).add("access_token", token).build());
    }

    private void openIdConfiguration(HttpExchange exchange, String tenant) throws IOException {
        String base = url() + "/" + tenant;
        send(exchange, 200, Json.createObjectBuilder()
                .add("token_endpoint", base + "/oauth2/v2.0/token")
                .add("authorization_endpoint", base + "/oauth2/v2.0/authorize")
                .add("issuer", base + "/v2.0")
                .add("tenant_region_scope", "EU").build());
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && header.startsWith("Bearer ") && tokens.contains(header.substring(7));
    }

    private boolean permitted(HttpExchange exchange, String permission) throws IOException {
        if (!denied.contains(permission)) {
            return true;
        }
        send(exchange, 403, Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                .add("code", "Forbidden")
                .add("message", "The user, group or application 'appid=" + CLIENT_ID + ";oid=0a1b2c3d;iss=https://sts."
                        + "windows.net/" + TENANT + "/' does not have keys " + permission + " permission on key vault "
                        + "'simulated;location=local'. For help resolving this issue, please see "
                        + "https://go.microsoft.com/fwlink/?linkid=2125287")
                .add("innererror", Json.createObjectBuilder().add("code", "ForbiddenByPolicy"))).build());
        return false;
    }

    // ---- JSON -----------------------------------------------------------------------------------

    private synchronized Version add(String name, KeyPair pair) {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        Version version = new Version(HexFormat.of().formatHex(id), pair, Instant.now().getEpochSecond());
        keys.computeIfAbsent(name, n -> new ArrayList<>()).add(version);
        deleted.remove(name);
        return version;
    }

    private synchronized Version find(String name, String version) {
        List<Version> versions = keys.get(name);
        if (versions == null) {
            return null;
        }
        if (version == null || version.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version().equals(version)).findFirst().orElse(null);
    }

    private JsonObject bundle(String name, Version version) {
        JsonObjectBuilder key = Json.createObjectBuilder().add("kid", kid(name, version));
        if (version.pair().getPublic() instanceof RSAPublicKey rsa) {
            key.add("kty", "RSA").add("key_ops", Json.createArrayBuilder().add("encrypt").add("decrypt").add("sign")
                    .add("verify").add("wrapKey").add("unwrapKey"))
                    .add("n", unsigned(rsa.getModulus(), 0)).add("e", unsigned(rsa.getPublicExponent(), 0));
        } else {
            ECPublicKey ec = (ECPublicKey) version.pair().getPublic();
            int bytes = (fieldBits(ec) + 7) / 8;
            key.add("kty", "EC").add("key_ops", Json.createArrayBuilder().add("sign").add("verify"))
                    .add("crv", "P-" + fieldBits(ec))
                    .add("x", unsigned(ec.getW().getAffineX(), bytes)).add("y", unsigned(ec.getW().getAffineY(), bytes));
        }
        return Json.createObjectBuilder().add("key", key).add("attributes", attributes(version)).build();
    }

    private static JsonObject attributes(Version version) {
        return Json.createObjectBuilder().add("enabled", true).add("created", version.created())
                .add("updated", version.created()).add("recoveryLevel", "Recoverable+Purgeable")
                .add("recoverableDays", 90).build();
    }

    private String kid(String name, Version version) {
        return url() + "/keys/" + name + "/" + version.version();
    }

    private static int fieldBits(ECPublicKey key) {
        return key.getParams().getCurve().getField().getFieldSize();
    }

    private static String unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (bytes.length < length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            bytes = padded;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void notFound(HttpExchange exchange, String name, String version) throws IOException {
        send(exchange, 404, error("KeyNotFound", "A key with (name/id) " + name
                + (version == null || version.isEmpty() ? "" : "/" + version) + " was not found in this key vault."));
    }

    private static JsonObject error(String code, String message) {
        return Json.createObjectBuilder().add("error", Json.createObjectBuilder().add("code", code)
                .add("message", message)).build();
    }

    private static JsonObject body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isBlank() ? Json.createObjectBuilder().build()
                    : Json.createReader(new StringReader(text)).readObject();
        }
    }

    private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
        exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        Simulators.send(exchange, status, body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.put(key, value);
        }
        return values;
    }

    /** A server certificate for 127.0.0.1, made now; its PEM goes to {@code caFile} for clients to trust. */
    private static SSLContext tls(Path caFile) throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        X500Name name = new X500Name("CN=127.0.0.1,O=Certvault Key Vault simulator");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                java.util.Date.from(now.minus(Duration.ofHours(1))), java.util.Date.from(now.plus(Duration.ofDays(2))),
                name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        Files.createDirectories(caFile.toAbsolutePath().getParent());
        Files.writeString(caFile, TestCertificates.pem(certificate));

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "simulator".toCharArray();
        store.setKeyEntry("server", pair.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

}
