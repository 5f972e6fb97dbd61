package io.certvault.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.File;
import java.lang.reflect.Method;
import java.net.CookieManager;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in, roles, the audit trail and secret hygiene, against a real server: every endpoint refuses
 * anonymous callers, each role does exactly its operations, bearer tokens are checked, failed sign-ins
 * lock, every key use is recorded in a chain that shows tampering, errors show Certvault's own page and
 * nothing of the server, and no secret reaches a log or a response. Each test makes what it checks, in any
 * order; the leak scan reads only what this class's own server logged.
 */
@ExtendWith({KeyVaultSimulatorExtension.class, ServerLog.class, ArquillianExtension.class})
class SecurityIT {
    private static final String ISSUER = "https://idp.certvault.test";
    private static final String PASSWORD = "matrix-Password-1";
    private static final Pattern REFERENCE = Pattern.compile("reference ([0-9a-f-]{36})");
    /** Every secret this test sends; none may come back or reach the log. */
    private final List<String> secrets = new ArrayList<>();
    private final List<KeyPair> keys = new ArrayList<>();
    private final List<ApiClient> clients = new ArrayList<>();
    /** The pages this test was sent, for the same check. */
    private final List<String> pages = new ArrayList<>();
    /** Set by the ServerLog extension. */
    private ServerLog serverLog;

    @ArquillianResource
    private URL deploymentUrl;
    private URI api;
    private ApiClient admin;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("certvault.war")));
    }

    /**
     * Every test has the account 'matrix' with a private certificate 'ours' on the vault key 'matrix-key', and an
     * agreement that signs with it.
     */
    @BeforeEach
    void clients() throws Exception {
        api = ApiClient.api(deploymentUrl);
        admin = client(ApiClient.admin(api));
        secrets.addAll(List.of(System.getProperty("certvault.it.secrets").split(",")));
        secrets.add(PASSWORD);
        createTheMatrixAccount();
    }

    @AfterEach
    void noResponseCarriedASecret() {
        List<String> responses = Stream.concat(clients.stream().flatMap(c -> c.responseBodies.stream()),
                pages.stream()).toList();
        assertThat(responses).isNotEmpty();
        for (String response : responses) {
            for (String secret : secrets) {
                assertThat(response).doesNotContain(secret);
            }
            for (KeyPair pair : keys) {
                assertThat(KeyLeaks.inText(response, pair)).as("key material in a response").isFalse();
            }
        }
    }

    private ApiClient client(ApiClient client) {
        clients.add(client);
        return client;
    }

    /** The pages' address: the deployment at 127.0.0.1. */
    private URI site(String path) {
        return URI.create("http://127.0.0.1:" + deploymentUrl.getPort() + deploymentUrl.getPath() + path);
    }

    private HttpResponse<String> page(HttpClient browser, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> reply = browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
        pages.add(reply.body());
        return reply;
    }

    /** A client that keeps cookies, signed in through the pages' form as a browser would be. */
    private HttpClient signedInToThePages(String user, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        var signedIn = page(browser, HttpRequest.newBuilder(site("login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8))));
        assertThat(signedIn.headers().firstValue("Location")).as("signed in as " + user)
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("login.xhtml"));
        return browser;
    }

    /** An upload whose body breaks off: the server fails reading it, and logs that under a reference. */
    private HttpResponse<String> brokenUpload(HttpClient browser) throws Exception {
        return page(browser, HttpRequest.newBuilder(site("add-certificate.xhtml?account=matrix"))
                .header("Content-Type", "multipart/form-data; boundary=certvault")
                .POST(HttpRequest.BodyPublishers.ofString("--certvault\r\nContent-Disposition: form-data; name=\"add\""
                        + "\r\n\r\nbroken off")));
    }

    private static String reference(HttpResponse<String> reply) {
        Matcher reference = REFERENCE.matcher(reply.body());
        assertThat(reference.find()).as(reply.body()).isTrue();
        return reference.group(1);
    }

    /** This server's log, once it has the text (the server writes its log asynchronously). */
    private String logWith(String text) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        String log = serverLog.text();
        while (!log.contains(text) && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            log = serverLog.text();
        }
        assertThat(log).as("the server's log").contains(text);
        return log;
    }

    // ---- sign-in ---------------------------------------------------------------------------------

    /** Every JAX-RS endpoint, found in the WAR's resource classes, so a new one is covered without a change here. */
    static List<String[]> endpoints() throws Exception {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("certvault.war")));
        List<String[]> endpoints = new ArrayList<>();
        for (ArchivePath path : war.getContent(p -> p.get().startsWith("/WEB-INF/classes/io/certvault/rest/")
                && p.get().endsWith(".class")).keySet()) {
            String name = path.get().substring("/WEB-INF/classes/".length()).replace(".class", "").replace('/', '.');
            Class<?> type = Class.forName(name);
            Path root = type.getAnnotation(Path.class);
            if (root == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                for (var annotation : method.getAnnotations()) {
                    HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                    if (http != null) {
                        Path sub = method.getAnnotation(Path.class);
                        String template = root.value() + (sub == null ? "" : "/" + sub.value());
                        endpoints.add(new String[] {http.value(), template.replaceAll("\\{[^}]+}", "x")});
                    }
                }
            }
        }
        return endpoints;
    }

    @Test
    void everyEndpointAndPageRefusesCallersWhoAreNotSignedIn() throws Exception {
        List<String[]> endpoints = endpoints();
        // accounts, certificates, messages, vaults, keys, users, role assignments, audit events
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(25);
        Map<String, ApiClient> callers = new LinkedHashMap<>();
        callers.put("nobody", client(ApiClient.anonymous(api)));
        callers.put("bad token", client(ApiClient.bearer(api, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")));
        int strangers = 0;
        for (String[] endpoint : endpoints) {
            // A new name each time: five failures in a row would lock a name (the lockout test shows that).
            callers.put("wrong password", client(ApiClient.basic(api, "stranger-" + strangers++, "not-the-password")));
            for (var caller : callers.entrySet()) {
                boolean bodiless = endpoint[0].equals("GET") || endpoint[0].equals("DELETE");
                var request = HttpRequest.newBuilder(api.resolve(endpoint[1])).header("Content-Type",
                        "application/json").method(endpoint[0], bodiless ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{}"));
                var reply = caller.getValue().sendBytes(request);
                assertThat(reply.statusCode()).as(caller.getKey() + " " + String.join(" ", endpoint)).isEqualTo(401);
                assertThat(reply.headers().firstValue("WWW-Authenticate")).as(String.join(" ", endpoint))
                        .hasValueSatisfying(v -> assertThat(v).contains("Basic").contains("Bearer"));
                assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("AuthenticationFailed");
            }
        }
        // The pages lead to the sign-in form, which itself is open.
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("certvault.war")));
        List<String> warPages = war.getContent(p -> p.get().matches("/[a-z-]+\\.xhtml")).keySet().stream()
                .map(ArchivePath::get).filter(p -> !p.equals("/login.xhtml")).toList();
        assertThat(warPages).contains("/accounts.xhtml", "/users.xhtml", "/certificate.xhtml");
        ApiClient nobody = callers.get("nobody");
        URI site = site("");
        for (String page : warPages) {
            var reply = nobody.sendBytes(HttpRequest.newBuilder(site.resolve(page.substring(1))).GET());
            assertThat(reply.statusCode()).as(page).isEqualTo(302);
            assertThat(reply.headers().firstValue("Location")).as(page).hasValueSatisfying(
                    l -> assertThat(l).endsWith("/login.xhtml"));
        }
        // Dot segments cannot dress a page up as an open resource.
        for (String sneaky : List.of("resources/css/../../accounts.xhtml", "login.xhtml/../accounts.xhtml",
                "jakarta.faces.resource/..%2Faccounts.xhtml", "health/../accounts.xhtml")) {
            var reply = nobody.sendBytes(HttpRequest.newBuilder(URI.create(site + sneaky)).GET());
            assertThat(reply.statusCode()).as(sneaky).isIn(302, 400, 404);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).as(sneaky).doesNotContain("Integration accounts");
        }
        var login = nobody.sendBytes(HttpRequest.newBuilder(site.resolve("login.xhtml")).GET());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline"));
        assertThat(login.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(login.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(login.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    }

    @Test
    void fiveFailuresLockANameAndUnknownNamesAnswerTheSame() throws Exception {
        putUser("locky", PASSWORD);
        for (String name : List.of("locky", "ghost-user")) {
            ApiClient wrong = client(ApiClient.basic(api, name, "wrong-password-" + name));
            for (int i = 0; i < 5; i++) {
                var reply = wrong.get("integrationAccounts");
                assertThat(reply.status()).as(name + " failure " + i).isEqualTo(401);
                assertThat(reply.errorMessage()).doesNotContain(name);
            }
            var locked = client(ApiClient.basic(api, name, PASSWORD)).sendBytes(
                    HttpRequest.newBuilder(api.resolve("integrationAccounts")).GET());
            assertThat(locked.statusCode()).as(name).isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).isPresent();
        }
        // The test servers lock for 4 seconds.
        Thread.sleep(4500);
        // Signed in again (locky has no role: it sees no account).
        var unlocked = client(ApiClient.basic(api, "locky", PASSWORD)).get("integrationAccounts");
        assertThat(unlocked.status()).isEqualTo(200);
        assertThat(unlocked.json().getJsonArray("value")).isEmpty();
        var lockEvents = admin.get("auditEvents?operation=users/lock").json().getJsonArray("value");
        assertThat(lockEvents).isNotEmpty();
    }

    // ---- bearer tokens ------------------------------------------------------------------------------

    private static PrivateKey issuerKey() throws Exception {
        String pem = Files.readString(java.nio.file.Path.of("src/test/resources/jwt/issuer-private-TEST-ONLY.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private String token(PrivateKey key, String issuer, String subject, List<String> groups, Instant expires)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).claim("upn", subject)
                .claim("groups", groups).issueTime(Date.from(Instant.now().minusSeconds(600)))
                .expirationTime(Date.from(expires)).jwtID(java.util.UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        jwt.sign(new RSASSASigner(key));
        String serialized = jwt.serialize();
        secrets.add(serialized);
        secrets.add(serialized.substring(serialized.lastIndexOf('.') + 1));
        return serialized;
    }

    @Test
    void bearerTokensFromTheConfiguredIssuerAreAcceptedAndOthersRefused() throws Exception {
        PrivateKey issuer = issuerKey();
        Instant later = Instant.now().plusSeconds(600);
        ApiClient reader = client(ApiClient.bearer(api, token(issuer, ISSUER, "jwt-reader", List.of("reader"), later)));
        assertThat(reader.get("integrationAccounts/matrix").status()).isEqualTo(200);
        assertError(reader.put("integrationAccounts/from-token", "{}"), 403, "AuthorizationFailed");

        // No groups in the token: a role assignment for its subject applies.
        ApiClient assigned = client(ApiClient.bearer(api, token(issuer, ISSUER, "jwt-contributor", List.of(), later)));
        assertError(assigned.get("integrationAccounts/matrix"), 403, "AuthorizationFailed");
        assign("jwt-contributor", "contributor", "/integrationAccounts/matrix");
        assertThat(assigned.get("integrationAccounts/matrix").status()).isEqualTo(200);

        KeyPair stranger = TestCertificates.rsa(2048);
        Map<String, String> refused = Map.of(
                "expired", token(issuer, ISSUER, "jwt-reader", List.of("reader"), Instant.now().minusSeconds(300)),
                "wrong issuer", token(issuer, "https://elsewhere.test", "jwt-reader", List.of("reader"), later),
                "wrong signature", token(stranger.getPrivate(), ISSUER, "jwt-reader", List.of("admin"), later));
        for (var token : refused.entrySet()) {
            assertError(client(ApiClient.bearer(api, token.getValue())).get("integrationAccounts"), 401,
                    "AuthenticationFailed");
        }
    }

    // ---- roles --------------------------------------------------------------------------------------

    private void createTheMatrixAccount() {
        KeyPair pair = TestCertificates.rsa(2048);
        keys.add(pair);
        assertThat(admin.put("integrationAccounts/matrix", "{}").status()).isIn(200, 201);
        assertThat(admin.put("vaults/default/keys/matrix-key", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(pair.getPrivate())).build()).status()).isIn(200, 201);
        assertThat(admin.put("integrationAccounts/matrix/certificates/ours", certificate(pair, "matrix-key"))
                .status()).isIn(200, 201);
        // An agreement that signs with 'ours', for AS2 encode.
        assertThat(admin.put("integrationAccounts/matrix/partners/matrix-host", partner("MatrixHost")).status())
                .isIn(200, 201);
        assertThat(admin.put("integrationAccounts/matrix/partners/matrix-guest", partner("MatrixGuest")).status())
                .isIn(200, 201);
        assertThat(admin.put("integrationAccounts/matrix/agreements/matrix", SIGNING_AGREEMENT).status())
                .isIn(200, 201);
    }

    private static final String SIGNING_AGREEMENT = "{\"properties\": {\"agreementType\": \"AS2\", "
            + "\"hostPartner\": \"matrix-host\", \"guestPartner\": \"matrix-guest\", "
            + "\"hostIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"MatrixHost\"}, "
            + "\"guestIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"MatrixGuest\"}, "
            + "\"content\": {\"aS2\": {\"sendAgreement\": {\"partnerEndpoint\": {\"url\": \"http://127.0.0.1:1/as2\"}, "
            + "\"protocolSettings\": {\"validationSettings\": "
            + "{\"encryptMessage\": false}, \"mdnSettings\": {\"needMDN\": false}, \"securitySettings\": "
            + "{\"signingCertificateName\": \"ours\"}}}, "
            + "\"receiveAgreement\": {\"protocolSettings\": {\"validationSettings\": {\"signMessage\": false, "
            + "\"encryptMessage\": false}, \"mdnSettings\": {\"signMDN\": false}}}}}}}";

    private ApiClient.Reply as2Encode(ApiClient client) {
        var reply = client.sendBytes(HttpRequest.newBuilder(api.resolve(
                "integrationAccounts/matrix/as2/encode?as2From=MatrixHost&as2To=MatrixGuest"))
                .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofString("UNB+")));
        return new ApiClient.Reply(reply.statusCode(), new String(reply.body(), StandardCharsets.ISO_8859_1));
    }

    private static JsonObject certificate(KeyPair pair, String key) {
        var properties = Json.createObjectBuilder().add("publicCertificate",
                TestCertificates.base64(TestCertificates.selfSigned(pair, "matrix")));
        if (key != null) {
            properties.add("key", Json.createObjectBuilder().add("keyVault", Json.createObjectBuilder()
                    .add("name", "default")).add("keyName", key));
        }
        return Json.createObjectBuilder().add("properties", properties).build();
    }

    private void putUser(String name, String password) {
        assertThat(admin.put("users/" + name, Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("password", password)).build()).status()).isIn(200, 201);
    }

    private void assign(String principal, String role, String scope) {
        assertThat(admin.put("roleAssignments/" + principal + "-" + role, Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("principalName", principal).add("roleName", role).add("scope", scope))
                .build()).status()).isIn(200, 201);
    }

    private ApiClient.Reply encode(ApiClient client) {
        var reply = client.sendBytes(HttpRequest.newBuilder(api.resolve(
                "integrationAccounts/matrix/messages/encode?signingCertificateName=ours"))
                .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofString("UNB+")));
        return new ApiClient.Reply(reply.statusCode(), new String(reply.body(), StandardCharsets.ISO_8859_1));
    }

    private static String partner(String as2Name) {
        return "{\"properties\": {\"content\": {\"b2b\": {\"businessIdentities\": [{\"qualifier\": "
                + "\"AS2Identity\", \"value\": \"" + as2Name + "\"}]}}}}";
    }

    /** An agreement that names no certificate: nothing signed, encrypted or asked for. */
    private static final String UNSECURED_AGREEMENT = "{\"properties\": {\"agreementType\": \"AS2\", "
            + "\"hostPartner\": \"contoso\", \"guestPartner\": \"fabrikam\", "
            + "\"hostIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"Contoso\"}, "
            + "\"guestIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"Fabrikam\"}, \"content\": {\"aS2\": {"
            + "\"sendAgreement\": {\"protocolSettings\": {\"validationSettings\": {\"signMessage\": false, "
            + "\"encryptMessage\": false}, \"mdnSettings\": {\"needMDN\": false}}}, "
            + "\"receiveAgreement\": {\"protocolSettings\": {\"validationSettings\": {\"signMessage\": false, "
            + "\"encryptMessage\": false}, \"mdnSettings\": {\"signMDN\": false}}}}}}}";

    /** The operations of the matrix; each must answer 2xx when allowed and 403 AuthorizationFailed when not. */
    private Map<String, Function<ApiClient, List<ApiClient.Reply>>> operations() {
        KeyPair partner = TestCertificates.rsa(2048);
        Map<String, Function<ApiClient, List<ApiClient.Reply>>> all = new LinkedHashMap<>();
        all.put("read", c -> List.of(c.get("integrationAccounts/matrix"),
                c.get("integrationAccounts/matrix/certificates"), c.get("integrationAccounts/matrix/partners"),
                c.get("integrationAccounts/matrix/agreements"), c.get("integrationAccounts/matrix/as2/messages")));
        // Vaults serve every account: whoever may read somewhere sees their keys' public facts.
        all.put("read vaults", c -> List.of(c.get("vaults"), c.get("vaults/default/keys")));
        all.put("write", c -> List.of(c.put("integrationAccounts/matrix", "{\"location\":\"here\"}"),
                c.put("integrationAccounts/matrix/certificates/partner", certificate(partner, null)),
                c.delete("integrationAccounts/matrix/certificates/partner"),
                c.put("integrationAccounts/matrix/partners/fabrikam", partner("Fabrikam")),
                c.put("integrationAccounts/matrix/partners/contoso", partner("Contoso")),
                c.put("integrationAccounts/matrix/agreements/fabrikam", UNSECURED_AGREEMENT),
                c.delete("integrationAccounts/matrix/agreements/fabrikam"),
                c.delete("integrationAccounts/matrix/partners/contoso"),
                c.delete("integrationAccounts/matrix/partners/fabrikam")));
        all.put("use keys", c -> List.of(encode(c), as2Encode(c),
                c.post("integrationAccounts/matrix/agreements/matrix/send", JsonObject.EMPTY_JSON_OBJECT)));
        // Issuing binds a key to a certificate (write) and has the vault sign it (use keys): both are needed.
        all.put("issue certificates", c -> List.of(c.post("integrationAccounts/matrix/certificates/issued/issue",
                Json.createObjectBuilder().add("properties", Json.createObjectBuilder().add("key", Json
                        .createObjectBuilder().add("keyVault", Json.createObjectBuilder().add("name", "default"))
                        .add("keyName", "matrix-key")).add("subject", "CN=matrix")).build())));
        all.put("manage keys", c -> List.of(c.post("vaults/default/keys/spare/create",
                Json.createObjectBuilder().add("kty", "EC").add("crv", "P-256").build()),
                c.delete("vaults/default/keys/spare")));
        all.put("manage access", c -> List.of(c.put("users/someone-new", Json.createObjectBuilder().add("properties",
                Json.createObjectBuilder().add("password", PASSWORD)).build()), c.delete("users/someone-new")));
        return all;
    }

    private Set<String> allowed(String user) {
        ApiClient client = client(ApiClient.basic(api, user, PASSWORD));
        Set<String> allowed = new TreeSet<>();
        operations().forEach((name, operation) -> {
            List<ApiClient.Reply> replies = operation.apply(client);
            if (replies.stream().allMatch(r -> r.status() / 100 == 2)) {
                allowed.add(name);
            } else {
                for (ApiClient.Reply reply : replies) {
                    assertError(reply, 403, "AuthorizationFailed");
                }
            }
        });
        return allowed;
    }

    @Test
    void eachRoleMayDoExactlyItsOperationsAtItsScope() {
        Map<String, String> scopes = Map.of("/", "global", "/integrationAccounts/matrix", "scoped",
                "/integrationAccounts/elsewhere", "other");
        for (String role : List.of("reader", "contributor", "signer", "key-admin", "admin")) {
            for (var scope : scopes.entrySet()) {
                String user = "m-" + role + "-" + scope.getValue();
                putUser(user, PASSWORD);
                assign(user, role, scope.getKey());
            }
        }
        putUser("m-none", PASSWORD);

        assertThat(allowed("m-reader-global")).containsExactly("read", "read vaults");
        assertThat(allowed("m-contributor-global")).containsExactly("read", "read vaults", "write");
        assertThat(allowed("m-signer-global")).containsExactly("read", "read vaults", "use keys");
        assertThat(allowed("m-key-admin-global")).containsExactly("manage keys", "read", "read vaults");
        assertThat(allowed("m-admin-global")).containsExactly("issue certificates", "manage access", "manage keys",
                "read", "read vaults", "use keys", "write");
        assertThat(allowed("m-reader-scoped")).containsExactly("read", "read vaults");
        assertThat(allowed("m-contributor-scoped")).containsExactly("read", "read vaults", "write");
        assertThat(allowed("m-signer-scoped")).containsExactly("read", "read vaults", "use keys");
        // Vault keys and users belong to no account: managing them needs the global scope.
        assertThat(allowed("m-key-admin-scoped")).containsExactly("read", "read vaults");
        assertThat(allowed("m-admin-scoped")).containsExactly("issue certificates", "read", "read vaults", "use keys",
                "write");
        for (String role : List.of("reader", "contributor", "signer", "key-admin", "admin")) {
            assertThat(allowed("m-" + role + "-other")).as(role + " elsewhere").containsExactly("read vaults");
        }
        assertThat(allowed("m-none")).isEmpty();

        // A scoped reader lists only its account.
        var listed = client(ApiClient.basic(api, "m-reader-scoped", PASSWORD)).get("integrationAccounts").json();
        assertThat(listed.getJsonArray("value")).extracting(v -> v.asJsonObject().getString("name"))
                .containsExactly("matrix");
    }

    // ---- audit trail ----------------------------------------------------------------------------------

    @Test
    void keyUsesAndChangesAreRecordedAndTamperingShows() throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        putUser("audit-signer", PASSWORD);
        assign("audit-signer", "signer", "/");
        putUser("audit-reader", PASSWORD);
        assign("audit-reader", "reader", "/");
        putUser("audit-reader-scoped", PASSWORD);
        assign("audit-reader-scoped", "reader", "/integrationAccounts/matrix");
        ApiClient signer = client(ApiClient.basic(api, "audit-signer", PASSWORD));
        assertThat(encode(signer).status()).isEqualTo(200);
        ApiClient reader = client(ApiClient.basic(api, "audit-reader", PASSWORD));
        assertError(reader.delete("integrationAccounts/matrix"), 403, "AuthorizationFailed");

        JsonObject sign = admin.get("auditEvents?operation=keys/sign&user=audit-signer&$top=1").json()
                .getJsonArray("value").getJsonObject(0).getJsonObject("properties");
        assertThat(sign.getString("account")).isEqualTo("matrix");
        assertThat(sign.getString("certificate")).isEqualTo("ours");
        assertThat(sign.getString("vault")).isEqualTo("default");
        assertThat(sign.getString("key")).isEqualTo("matrix-key");
        String version = admin.get("vaults/default/keys/matrix-key").json().getJsonObject("properties")
                .getString("version");
        assertThat(sign.getString("keyVersion")).isEqualTo(version);
        assertThat(sign.getString("outcome")).isEqualTo("Succeeded");
        assertThat(sign.getString("clientAddress")).isEqualTo("127.0.0.1");

        JsonObject denied = admin.get("auditEvents?operation=integrationAccounts/delete&outcome=Denied&$top=1").json()
                .getJsonArray("value").getJsonObject(0).getJsonObject("properties");
        assertThat(denied.getString("user")).isEqualTo("audit-reader");
        assertThat(denied.getString("errorCode")).isEqualTo("AuthorizationFailed");
        // Every kind of change is on record: each made here once more.
        assertThat(admin.put("integrationAccounts/matrix", "{\"location\":\"audited\"}").status()).isEqualTo(200);
        assertThat(admin.put("integrationAccounts/matrix/certificates/audited", certificate(TestCertificates.rsa(2048),
                null)).status()).isEqualTo(201);
        assertThat(admin.delete("integrationAccounts/matrix/certificates/audited").status()).isEqualTo(200);
        KeyPair imported = TestCertificates.rsa(2048);
        keys.add(imported);
        assertThat(admin.put("vaults/default/keys/audited-import", Json.createObjectBuilder()
                .add("key", TestCertificates.pkcs8Pem(imported.getPrivate())).build()).status()).isIn(200, 201);
        assertThat(admin.post("vaults/default/keys/audited-made/create", Json.createObjectBuilder().add("kty", "EC")
                .add("crv", "P-256").build()).status()).isEqualTo(201);
        assertThat(admin.delete("vaults/default/keys/audited-import").status()).isEqualTo(200);
        assertThat(admin.delete("vaults/default/keys/audited-made").status()).isEqualTo(200);
        putUser("audit-gone", PASSWORD);
        assertThat(admin.delete("users/audit-gone").status()).isEqualTo(200);
        for (String operation : List.of("integrationAccounts/write", "certificates/write", "certificates/delete",
                "keys/import", "keys/create", "keys/delete", "users/write", "users/delete", "roleAssignments/write")) {
            assertThat(admin.get("auditEvents?operation=" + operation + "&from=" + started + "&$top=1").json()
                    .getJsonArray("value")).as(operation).isNotEmpty();
        }
        // Paging follows nextLink.
        JsonObject page = admin.get("auditEvents?$top=2").json();
        assertThat(page.getJsonArray("value")).hasSize(2);
        assertThat(admin.getAbsolute(page.getString("nextLink")).json().getJsonArray("value")).hasSize(2);
        // A scoped reader sees its account's events only.
        var scoped = client(ApiClient.basic(api, "audit-reader-scoped", PASSWORD)).get("auditEvents?$top=1000").json();
        assertThat(scoped.getJsonArray("value")).isNotEmpty().allSatisfy(v -> assertThat(
                v.asJsonObject().getJsonObject("properties").getString("account", null)).isEqualTo("matrix"));
        // There is no way to change or delete an event through the API.
        long sequence = sign.getJsonNumber("sequence").longValue();
        assertThat(admin.delete("auditEvents/" + sequence).status()).isIn(404, 405);
        assertThat(admin.put("auditEvents/" + sequence, "{}").status()).isIn(404, 405);

        JsonObject intact = admin.get("auditEvents/verification").json();
        assertThat(intact.getBoolean("intact")).isTrue();
        assertThat(intact.getJsonNumber("records").longValue()).isGreaterThanOrEqualTo(sequence);

        // Someone with database access alters the record: verification names it; put back, it is whole again.
        try (Connection db = DriverManager.getConnection(System.getProperty("certvault.it.db-url"), "sa", "")) {
            update(db, "mallory", sequence);
            JsonObject broken = admin.get("auditEvents/verification").json();
            assertThat(broken.getBoolean("intact")).isFalse();
            assertThat(broken.getJsonNumber("firstBrokenSequence").longValue()).isEqualTo(sequence);
            update(db, "audit-signer", sequence);
        }
        assertThat(admin.get("auditEvents/verification").json().getBoolean("intact")).isTrue();
    }

    private static void update(Connection db, String user, long sequence) throws Exception {
        String sql = "UPDATE audit_event SET user_name = ? WHERE sequence = ?";
        try (PreparedStatement update = db.prepareStatement(sql)) {
            update.setString(1, user);
            update.setLong(2, sequence);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void usersChangeTheirOwnPasswordProvingTheCurrentOne() {
        putUser("changer", PASSWORD);
        String next = "changed-Password-2";
        secrets.add(next);
        ApiClient changer = client(ApiClient.basic(api, "changer", PASSWORD));
        assertError(changer.post("users/changer/password", Json.createObjectBuilder().add("currentPassword",
                "not-" + PASSWORD).add("newPassword", next).build()), 400, "CurrentPasswordIncorrect");
        assertError(changer.post("users/admin/password", Json.createObjectBuilder().add("currentPassword", PASSWORD)
                .add("newPassword", next).build()), 403, "AuthorizationFailed");
        assertError(changer.post("users/changer/password", Json.createObjectBuilder().add("currentPassword", PASSWORD)
                .add("newPassword", "short").build()), 400, "PasswordTooWeak");
        assertThat(changer.post("users/changer/password", Json.createObjectBuilder().add("currentPassword", PASSWORD)
                .add("newPassword", next).build()).status()).isEqualTo(204);
        assertError(changer.get("integrationAccounts"), 401, "AuthenticationFailed");
        assertThat(client(ApiClient.basic(api, "changer", next)).get("integrationAccounts").status()).isEqualTo(200);
        assertThat(admin.get("auditEvents?operation=users/password&user=changer").json().getJsonArray("value"))
                .extracting(v -> v.asJsonObject().getJsonObject("properties").getString("outcome"))
                .contains("Succeeded", "Failed");
    }

    // ---- hygiene ---------------------------------------------------------------------------------------

    @Test
    void unknownPagesAndErrorsAnswerCertvaultsOwnPage() throws Exception {
        HttpClient anyone = HttpClient.newHttpClient();
        // The icon browsers ask for on every site is open to anyone.
        var icon = anyone.send(HttpRequest.newBuilder(site("favicon.ico")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(icon.statusCode()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/"));
        assertThat(icon.body()).startsWith(0, 0, 1, 0);
        // Not signed in, an unknown page leads to the sign-in form like any page: nobody learns which exist.
        for (String unknown : List.of("nope.xhtml", "nope")) {
            var reply = page(anyone, HttpRequest.newBuilder(site(unknown)));
            assertThat(reply.statusCode()).as(unknown).isEqualTo(302);
            assertThat(reply.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login.xhtml"));
        }
        // Errors on what is open to anyone: Certvault's page, without the signed-in menu.
        var missing = page(anyone, HttpRequest.newBuilder(site("resources/css/nope.css")));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertCertvaultsPage(missing, "Page not found");
        assertThat(missing.body()).doesNotContain("Sign out").doesNotContain("Vault keys");
        var refused = page(anyone, HttpRequest.newBuilder(site("favicon.ico")).PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(refused.statusCode()).isIn(403, 405);
        assertCertvaultsPage(refused, "Not allowed");

        // Signed in, unknown pages are 404 in the user's own layout.
        HttpClient browser = signedInToThePages("admin", System.getProperty("certvault.it.admin-password"));
        for (String unknown : List.of("nope.xhtml", "nope", "WEB-INF/web.xml", "accounts.xhtml/more")) {
            var reply = page(browser, HttpRequest.newBuilder(site(unknown)));
            assertThat(reply.statusCode()).as(unknown).isEqualTo(404);
            assertCertvaultsPage(reply, "Page not found");
            assertThat(reply.body()).as(unknown).contains("Sign out").doesNotContain("<web-app");
        }
        // A failure of the server's own: a reference to the log, nothing of the failure itself.
        var failed = brokenUpload(browser);
        assertThat(failed.statusCode()).isEqualTo(500);
        assertCertvaultsPage(failed, "Something went wrong");
        assertThat(failed.body()).doesNotContain("Multipart").doesNotContain("\tat ").doesNotContain("java.");
        assertThat(logWith(reference(failed))).contains("Multipart");
    }

    private static void assertCertvaultsPage(HttpResponse<String> reply, String heading) {
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(reply.body()).as(reply.uri().toString()).contains("<header class=\"top\">")
                .contains("<h1>" + heading).contains(" - Certvault</title>").doesNotContain("Payara")
                .doesNotContain("GlassFish").doesNotContain("HTTP Status").doesNotContain("Exception");
    }

    // ---- hygiene ---------------------------------------------------------------------------------------

    @Test
    void noSecretReachesTheLog() throws Exception {
        // A round with secrets of every kind, made here, so that the scan covers them whatever ran before.
        // Passwords: a user signs in, fails once, changes the password, and signs in to the pages.
        putUser("leaky", PASSWORD);
        assertThat(client(ApiClient.basic(api, "leaky", PASSWORD)).get("integrationAccounts").status()).isEqualTo(200);
        String wrong = "Wrong-" + PASSWORD;
        secrets.add(wrong);
        assertThat(client(ApiClient.basic(api, "leaky", wrong)).get("integrationAccounts").status()).isEqualTo(401);
        String next = "leaky-Password-2";
        secrets.add(next);
        assertThat(client(ApiClient.basic(api, "leaky", PASSWORD)).post("users/leaky/password", Json.createObjectBuilder()
                .add("currentPassword", PASSWORD).add("newPassword", next).build()).status()).isEqualTo(204);
        HttpClient browser = signedInToThePages("leaky", next);
        // Bearer tokens, good and forged.
        Instant later = Instant.now().plusSeconds(600);
        assertThat(client(ApiClient.bearer(api, token(issuerKey(), ISSUER, "jwt-leaky", List.of("reader"), later)))
                .get("integrationAccounts").status()).isEqualTo(200);
        assertThat(client(ApiClient.bearer(api, token(TestCertificates.rsa(2048).getPrivate(), ISSUER, "jwt-leaky",
                List.of("admin"), later))).get("integrationAccounts").status()).isEqualTo(401);
        // Keys: the matrix key's PEM (imported before the test), a password-protected PFX, keys in the cloud vaults.
        KeyPair pfxKey = TestCertificates.rsa(2048);
        keys.add(pfxKey);
        String pfxPassword = "pfx-Password-93be";
        secrets.add(pfxPassword);
        assertThat(admin.put("vaults/default/keys/pfx-key", Json.createObjectBuilder().add("pfx", Base64.getEncoder()
                .encodeToString(TestCertificates.pkcs12(pfxKey, pfxPassword))).add("password", pfxPassword).build())
                .status()).isIn(200, 201);
        assertThat(admin.put("integrationAccounts/matrix/certificates/pfx", certificate(pfxKey, "pfx-key")).status())
                .isIn(200, 201);
        var signed = admin.sendBytes(HttpRequest.newBuilder(api.resolve("integrationAccounts/matrix/messages/encode"
                + "?signingCertificateName=pfx&encryptionCertificateName=pfx&encryptionAlgorithm=AES256"))
                .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofString("UNB+")));
        assertThat(signed.statusCode()).isEqualTo(200);
        var decoded = admin.sendBytes(HttpRequest.newBuilder(api.resolve("integrationAccounts/matrix/messages/decode"))
                .header("Content-Type", signed.headers().firstValue("Content-Type").orElseThrow())
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed.body())));
        assertThat(decoded.statusCode()).isEqualTo(200);
        assertThat(admin.get("auditEvents?operation=keys/decrypt&certificate=pfx").json().getJsonArray("value"))
                .isNotEmpty();
        for (String vault : List.of("azure", "onprem")) {
            assertThat(admin.post("vaults/" + vault + "/keys/leaky-" + vault + "/create", Json.createObjectBuilder()
                    .add("kty", "EC").add("crv", "P-256").build()).status()).as(vault).isIn(200, 201);
        }
        // Errors never echo what was sent as a secret.
        var badPfx = admin.put("vaults/default/keys/bad-pfx", Json.createObjectBuilder().add("pfx", Base64.getEncoder()
                .encodeToString(TestCertificates.pkcs12(pfxKey, pfxPassword))).add("password", "Wrong-" + pfxPassword)
                .build());
        assertThat(badPfx.status()).isEqualTo(400);
        secrets.add("Wrong-" + pfxPassword);
        admin.get("auditEvents?$top=1000");
        // Last, a failure the server logs under a reference: once the log has it, it has all of the above.
        String log = logWith(reference(brokenUpload(browser)));

        assertThat(log).as("this server's start is in the scan").contains("Certvault started");
        assertThat(log).as("logging at the finest level").contains("FINE");
        for (String secret : secrets) {
            assertThat(log).as("log").doesNotContain(secret);
        }
        for (KeyPair pair : keys) {
            assertThat(KeyLeaks.inText(log, pair)).as("key material in the log").isFalse();
        }
    }

    // ---- fuzzing -----------------------------------------------------------------------------------

    /**
     * Path pieces that lead elsewhere once decoded or normalised: every request with one is refused. (Not
     * %5C, %00, "..." or bad escapes: Payara refuses those before the application, without the API's body;
     * and one a request, so that dot segments never climb above the deployment's context, where Payara answers.)
     */
    private static final List<String> MALFORMED_SEGMENTS = List.of("..%2Fetc", "a%2Fb", "%2e%2e", "..",
            ".", "x/..", "%2E", "..%2Faccounts.xhtml", "%2f");
    /** Odd but harmless: these may be refused or not found, never fail. */
    private static final List<String> ODD_SEGMENTS = List.of("a;b", "%20", "%C3%A9", "a".repeat(300), "%7E", "-",
            "x?$top=0", "x?$skiptoken=bm9wZQ", "x?$top=99999999999999999999", "x?api-version=%00");
    /** Bodies that are no single JSON value: refused wherever the API reads JSON. */
    private static final List<String> BODIES_MALFORMED = List.of("{\"location\": ", "{} x", "{\"a\": 1}}", "nul",
            "{\"a\": 1,}", "\u0000\u00ff\u0001binary", "{\"a\": \"unterminated}", "{}{}");
    /** JSON of the wrong shape or types, and huge numbers: refused or ignored by the resource, never a failure. */
    private static final List<String> BODIES_ODD = List.of("[1, 2]", "{\"properties\": 5}", "\"just a string\"",
            "{\"kty\": \"RSA\", \"size\": 2048.5}", "{\"kty\": \"EC\", \"size\": 1e99999}",
            "{\"kty\": [], \"crv\": {}}", "{\"properties\": {\"scope\": 7}}", "{\"size\": 99999999999999999999}",
            "{\"key\": {\"kty\": \"RSA\", \"n\": \"!!\"}}", "{\"properties\": {\"publicCertificate\": true}}",
            "{\"properties\": {\"principalName\": \"p\", \"roleName\": \"reader\"}}", "null", "17");
    private static final List<String> PAGES = List.of("accounts.xhtml", "login.xhtml", "users.xhtml", "nope", "",
            "resources/css/../../accounts.xhtml", "WEB-INF/web.xml", "apix", "api", "openapi", "health",
            "jakarta.faces.resource/..%2Faccounts.xhtml", "favicon.ico", "login", "logout", "accounts.xhtml/..");

    /** One generated request and what the generator knows of it. */
    private record FuzzCase(String method, String path, String contentType, String ifMatch, byte[] body,
            boolean chunked, boolean signedIn, boolean malformed, java.util.Map<String, String> headers) {
        FuzzCase(String method, String path, String contentType, String ifMatch, byte[] body, boolean chunked,
                boolean signedIn, boolean malformed) {
            this(method, path, contentType, ifMatch, body, chunked, signedIn, malformed, java.util.Map.of());
        }

        @Override
        public String toString() {
            return (signedIn ? "admin " : "nobody ") + method + " /" + path + " Content-Type: " + contentType
                    + " If-Match: " + ifMatch + " " + headers + (chunked ? " (chunked)" : "") + " body: "
                    + (body == null ? "none" : new String(body, StandardCharsets.ISO_8859_1).replaceAll("\\p{Cntrl}", "?"));
        }
    }

    @Test
    void aFuzzedThousandRequestsGetTheApisOwnRefusalsNeverAFailure() throws Exception {
        long seed = Long.getLong("certvault.fuzz.seed", System.nanoTime());
        System.out.println("SecurityIT fuzz seed " + seed + " (repeat with -Dcertvault.fuzz.seed=" + seed + ")");
        java.util.Random random = new java.util.Random(seed);
        List<String[]> endpoints = endpoints();
        ApiClient nobody = client(ApiClient.anonymous(api));
        URI site = site("");
        Instant started = Instant.now();
        int count = 0;
        for (; count < 1200; count++) {
            FuzzCase fuzz = fuzzCase(random, endpoints, count);
            boolean underApi = fuzz.path().equals("api") || fuzz.path().startsWith("api/");
            var request = java.net.http.HttpRequest.newBuilder(URI.create(site + fuzz.path()))
                    .timeout(java.time.Duration.ofSeconds(20));
            if (fuzz.contentType() != null) {
                request.header("Content-Type", fuzz.contentType());
            }
            if (fuzz.ifMatch() != null) {
                request.header("If-Match", fuzz.ifMatch());
            }
            fuzz.headers().forEach(request::header);
            if (fuzz.path().startsWith("as2/")) {
                // AS2 partners speak HTTP/1.1. (Over an h2c upgrade, Payara's HTTP/2 layer resets some of these
                // streams before the application sees them: the container's behaviour, not Certvault's.)
                request.version(java.net.http.HttpClient.Version.HTTP_1_1);
            }
            request.method(fuzz.method(), fuzz.body() == null ? HttpRequest.BodyPublishers.noBody()
                    : fuzz.chunked() ? HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(fuzz.body()))
                    : HttpRequest.BodyPublishers.ofByteArray(fuzz.body()));
            java.net.http.HttpResponse<byte[]> reply;
            try {
                reply = (fuzz.signedIn() ? admin : nobody).sendBytes(request);
            } catch (RuntimeException e) {
                throw new AssertionError("request " + count + " of seed " + seed + ": " + fuzz + " failed", e);
            }
            String body = new String(reply.body(), StandardCharsets.UTF_8);
            String failing = "request " + count + " of seed " + seed + ": " + fuzz + "\n answered " + reply.statusCode()
                    + ": " + body.substring(0, Math.min(300, body.length()));
            assertThat(reply.statusCode()).as(failing).isLessThan(500);
            if (fuzz.malformed()) {
                assertThat(reply.statusCode()).as(failing).isGreaterThanOrEqualTo(300);
            }
            if (underApi && !fuzz.signedIn()) {
                assertThat(reply.statusCode()).as(failing).isEqualTo(401);
            }
            if (underApi && reply.statusCode() >= 400 && !fuzz.method().equals("HEAD")) {
                assertThat(reply.headers().firstValue("Content-Type")).as(failing)
                        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
                JsonObject error = Json.createReader(new java.io.StringReader(body)).readObject().getJsonObject("error");
                assertThat(error).as(failing).isNotNull();
                assertThat(error.getString("code")).as(failing).isNotBlank();
                assertThat(error.getString("message")).as(failing).isNotBlank();
            }
        }
        long seconds = java.time.Duration.between(started, Instant.now()).toSeconds();
        System.out.println("SecurityIT fuzz: " + count + " requests in " + seconds + " s");
        assertThat(seconds).as("the fuzz run's time").isLessThan(60);
        // Still serving, and the fuzzing left the admin as it was.
        assertThat(admin.get("roleAssignments/admin-global").status()).isEqualTo(200);
    }

    private static FuzzCase fuzzCase(java.util.Random random, List<String[]> endpoints, int n) {
        boolean signedIn = random.nextInt(3) > 0;
        // Not TRACE: the server refuses it before the application, without the API's body.
        String[] methods = {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "FROB"};
        if (random.nextInt(10) == 0) {
            // A page or an odd path beside the API.
            return new FuzzCase(methods[random.nextInt(4)], pick(random, PAGES), null, null, null, false, signedIn,
                    false);
        }
        if (random.nextInt(10) == 0) {
            return as2Case(random, n, signedIn);
        }
        String[] endpoint = endpoints.get(random.nextInt(endpoints.size()));
        boolean malformed = false;
        // Names the fuzzing may change freely; never the admin, its assignment or the matrix account.
        String[] names = {"fuzz-" + (n % 7), "fuzz-" + (n % 5), "default", "fuzz-key"};
        StringBuilder path = new StringBuilder("api");
        for (String segment : endpoint[1].split("/")) {
            String piece = segment.equals("x") ? pick(random, List.of(names)) : segment;
            int roll = random.nextInt(12);
            // After an odd piece with a '?', the rest is the query string: a dot segment there is no path trick.
            boolean inPath = path.indexOf("?") < 0;
            if (roll == 0 && !malformed && inPath) {
                piece = malformedSegment(random, path);
                malformed = true;
            } else if (roll == 1 && segment.equals("x")) {
                piece = pick(random, ODD_SEGMENTS);
            }
            path.append('/').append(piece);
        }
        if (random.nextInt(15) == 0 && !malformed && path.indexOf("?") < 0) {
            path.append('/').append(malformedSegment(random, path));
            malformed = true;
        }
        String method = random.nextInt(6) == 0 ? methods[random.nextInt(methods.length)] : endpoint[0];
        boolean messages = endpoint[1].contains("/messages/");
        String contentType = pick(random, java.util.Arrays.asList("application/json", "application/json",
                "application/json; charset=UTF-8", "///", "text/plain", "application/edi-x12", null,
                "application/json; charset=no-such-charset", "multipart/form-data; boundary="));
        if ("///".equals(contentType)) {
            malformed = true;
        }
        boolean readsJson = (method.equals("PUT") || method.equals("POST")) && method.equals(endpoint[0])
                && !messages && contentType != null && contentType.startsWith("application/json")
                && !contentType.contains("no-such-charset");
        byte[] body = null;
        int bodyKind = random.nextInt(6);
        if (bodyKind == 1) {
            body = pick(random, BODIES_MALFORMED).getBytes(StandardCharsets.UTF_8);
            malformed |= readsJson;
        } else if (bodyKind == 2 || bodyKind == 3) {
            body = pick(random, BODIES_ODD).getBytes(StandardCharsets.UTF_8);
        } else if (bodyKind == 4) {
            body = new byte[1 + random.nextInt(4096)];
            random.nextBytes(body);
            body[0] = (byte) 0xff;
            malformed |= readsJson;
        } else if (bodyKind == 5) {
            body = "{}".getBytes(StandardCharsets.UTF_8);
        }
        String ifMatch = random.nextInt(5) == 0 ? pick(random, List.of("*", "\"nope\"", "garbage", "W/\"1\"", "")) : null;
        return new FuzzCase(method, path.toString(), contentType, ifMatch, body, random.nextBoolean(), signedIn,
                malformed && signedIn);
    }

    /**
     * A malformed piece for the path so far. Grizzly's URI normaliser (in Payara 6.2025.10) appends a slash to a
     * path that ends in a dot segment, and when the request's URI buffer is exactly full that write fails with an
     * ArrayIndexOutOfBoundsException and the server answers an empty 200 before any application sees the request
     * (see the README on paths the server refuses itself). That happens by chance for short paths (seed
     * 9924118727974: {@code /api/integrationAccounts/default/certificates/..}) and always after a very long
     * segment. The container's defect: a dot segment is fuzzed inside the path, never last, and not after a very
     * long segment.
     */
    private static String malformedSegment(java.util.Random random, StringBuilder path) {
        boolean longSegment = java.util.Arrays.stream(path.toString().split("/")).anyMatch(p -> p.length() > 100);
        List<String> choices = longSegment ? MALFORMED_SEGMENTS.stream()
                .filter(m -> !m.contains(".") && !m.toLowerCase(java.util.Locale.ROOT).contains("%2e")).toList()
                : MALFORMED_SEGMENTS;
        String piece = pick(random, choices);
        boolean dotLast = piece.endsWith(".") || piece.toLowerCase(java.util.Locale.ROOT).endsWith("%2e");
        return dotLast ? piece + "/x" : piece;
    }

    /** AS2 names a partner might send, or send wrong. */
    private static final List<String> AS2_NAMES = List.of("Contoso", "\"Fabrikam Inc\"", "", "\"", "x".repeat(200),
            "Mallory", "a\tb", "\"unterminated", "MatrixHost", "MatrixGuest");

    /**
     * A partner's POST to the AS2 endpoint (outside the API, open without a sign-in): headers present, missing or
     * garbage, bodies of any kind. Refused or answered with an MDN, never a failure.
     */
    private static FuzzCase as2Case(java.util.Random random, int n, boolean signedIn) {
        String account = pick(random, List.of("matrix", "fuzz-" + (n % 5), "no-such", "a;b", "%20", "x".repeat(90)));
        String path = "as2/" + account + (random.nextInt(4) == 0 ? "/mdn" : random.nextInt(8) == 0 ? "/x/y" : "");
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (random.nextInt(5) > 0) {
            headers.put("AS2-From", pick(random, AS2_NAMES));
        }
        if (random.nextInt(5) > 0) {
            headers.put("AS2-To", pick(random, AS2_NAMES));
        }
        if (random.nextInt(4) > 0) {
            headers.put("Message-ID", pick(random, List.of("<" + n + "@fuzz>", "", "no brackets", "<" + "m".repeat(1200)
                    + ">")));
        }
        if (random.nextBoolean()) {
            headers.put("Disposition-Notification-To", "as2@fuzz.example");
            headers.put("Disposition-Notification-Options", pick(random, List.of("signed-receipt-protocol=optional, "
                    + "pkcs7-signature; signed-receipt-micalg=optional, sha-256", "garbage", ";;=,", "")));
        }
        if (random.nextInt(6) == 0) {
            headers.put("Receipt-Delivery-Option", pick(random, List.of("http://127.0.0.1:1/mdn", "not a url")));
        }
        String contentType = pick(random, java.util.Arrays.asList("application/pkcs7-mime; smime-type=enveloped-data",
                "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=b",
                "multipart/signed", "application/edi-x12", "multipart/report; boundary=r", "///", null));
        byte[] body = null;
        int kind = random.nextInt(4);
        if (kind == 1) {
            body = new byte[1 + random.nextInt(4096)];
            random.nextBytes(body);
        } else if (kind == 2) {
            body = ("--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/pkcs7-signature"
                    + "\r\n\r\nMIIB\r\n--b--\r\n").getBytes(StandardCharsets.US_ASCII);
        } else if (kind == 3) {
            body = "ISA*00*~".getBytes(StandardCharsets.US_ASCII);
        }
        String method = random.nextInt(6) == 0 ? pick(random, List.of("GET", "PUT", "DELETE")) : "POST";
        return new FuzzCase(method, path, contentType, null, body, random.nextBoolean(), signedIn, false, headers);
    }

    private static <T> T pick(java.util.Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static void assertError(ApiClient.Reply reply, int status, String code) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.errorCode()).isEqualTo(code);
    }
}
