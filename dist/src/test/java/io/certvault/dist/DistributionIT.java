package io.certvault.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as a user runs it: {@code java -jar certvault.jar --port N} on its embedded defaults.
 * Checks that data survives a restart, that no private key material reaches the data directory or the log,
 * and that a bad vault configuration stops the application with a clear message.
 */
class DistributionIT {
    private final Path target = Path.of(System.getProperty("certvault.jar")).getParent();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The first admin's password, read from the file the first start wrote. */
    private String adminPassword;
    /** The servers' maximum heap (-Xmx). */
    private String heap = "512m";
    private final List<Process> processes = new ArrayList<>();
    private Path dataDirectory;
    private Path log;
    private int port;

    @BeforeEach
    void freshDataDirectory() throws IOException {
        // Not made here: Certvault makes it, as on a first install.
        Path run = Files.createTempDirectory(target, "dist-it-");
        dataDirectory = run.resolve("data");
        log = run.resolve("certvault.log");
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process process : processes) {
            stop(process);
        }
    }

    @Test
    void keepsEverythingAcrossARestartAndNoKeyMaterialLeaks() throws Exception {
        KeyPair keyPair = TestCertificates.rsa(2048);
        String keyPem = TestCertificates.pkcs8Pem(keyPair.getPrivate());
        String certificate = TestCertificates.base64(TestCertificates.selfSigned(keyPair, "contoso"));

        Process first = start(Map.of());
        // First start: user 'admin' with a random password in an owner-only file; the log says where, not what.
        Path passwordFile = dataDirectory.resolve("initial-admin-password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        adminPassword = Files.readString(passwordFile).trim();
        assertThat(adminPassword).hasSize(24);
        assertThat(Files.readString(log)).contains(passwordFile.toString()).doesNotContain(adminPassword);
        assertThat(sendAs(null, "GET", "/api/integrationAccounts", null).statusCode()).isEqualTo(401);
        // At the root context Payara's own endpoints pass through the sign-in too: health open, OpenAPI guarded.
        assertThat(sendAs(null, "GET", "/openapi", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/openapi", null).body()).contains("/api/integrationAccounts");
        String version = createAccountKeyAndCertificate(keyPem, certificate);
        String before = send("GET", "/api/integrationAccounts/contoso/certificates/contoso-private", null).body();
        stop(first);

        start(Map.of());
        var after = send("GET", "/api/integrationAccounts/contoso/certificates/contoso-private", null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(before);
        // The pages: the sign-in form first, then the accounts.
        assertThat(sendAs(null, "GET", "/", null).statusCode()).isEqualTo(302);
        assertThat(sendAs(null, "GET", "/login.xhtml", null).body()).contains("Sign in");
        var browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        var home = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + adminPassword)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("<h1>Integration accounts</h1>").contains("contoso");
        // A restart does not make another admin or touch the password file.
        assertThat(Files.readString(passwordFile).trim()).isEqualTo(adminPassword);
        var key = json(send("GET", "/api/vaults/default/keys/contoso-key", null).body());
        assertThat(key.getJsonObject("properties").getString("version")).isEqualTo(version);
        assertThat(send("GET", "/api/integrationAccounts/contoso", null).statusCode()).isEqualTo(200);

        String logText = Files.readString(log);
        assertThat(logText).contains("No master key is configured");
        assertThat(KeyLeaks.inText(logText, keyPair)).isFalse();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(KeyLeaks.inBytes(Files.readAllBytes(file), keyPair)).as(file.toString()).isFalse();
            }
        }
    }

    /** Account 'contoso', key 'contoso-key' imported into the default vault, private certificate 'contoso-private': each 201. */
    private String createAccountKeyAndCertificate(String keyPem, String certificate) throws Exception {
        assertThat(send("PUT", "/api/integrationAccounts/contoso", "{\"location\":\"on-premises\"}").statusCode())
                .isEqualTo(201);
        var imported = send("PUT", "/api/vaults/default/keys/contoso-key",
                Json.createObjectBuilder().add("key", keyPem).build().toString());
        assertThat(imported.statusCode()).isEqualTo(201);
        String certificateBody = Json.createObjectBuilder().add("properties", Json.createObjectBuilder()
                .add("publicCertificate", certificate)
                .add("key", Json.createObjectBuilder().add("keyVault", Json.createObjectBuilder().add("name", "default"))
                        .add("keyName", "contoso-key"))).build().toString();
        assertThat(send("PUT", "/api/integrationAccounts/contoso/certificates/contoso-private", certificateBody)
                .statusCode()).isEqualTo(201);
        return json(imported.body()).getJsonObject("properties").getString("version");
    }

    // ---- Crashes ---------------------------------------------------------------------------------

    private static final String CRASH_ADMIN_PASSWORD = "crash-Admin-Password-7f3e";

    @Test
    void whatWasAcknowledgedSurvivesAKillOfTheEmbeddedDatabase() throws Exception {
        killRightAfterWritingThenReadBack(Map.of());
        // The owner-only check covered H2's own file.
        assertThat(dataDirectory.resolve("db/certvault.mv.db")).exists();
    }

    @Test
    void whatWasAcknowledgedSurvivesAKillOnPostgresql() throws Exception {
        String server = System.getProperty("certvault.test.postgres", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String database = "certvault_crash_" + Long.toHexString(System.nanoTime());
        java.util.Properties user = new java.util.Properties();
        user.setProperty("user", "postgres");
        try (var connection = new org.postgresql.Driver().connect(server, user); var sql = connection.createStatement()) {
            sql.execute("CREATE DATABASE " + database);
        } catch (java.sql.SQLException e) {
            org.junit.jupiter.api.Assumptions.abort("No PostgreSQL answers at " + server + ": " + e.getMessage());
        }
        try {
            killRightAfterWritingThenReadBack(Map.of("CERTVAULT_DB_URL",
                    server.substring(0, server.lastIndexOf('/') + 1) + database, "CERTVAULT_DB_USER", "postgres"));
        } finally {
            stopAll();
            processes.clear();
            try (var connection = new org.postgresql.Driver().connect(server, user); var sql = connection.createStatement()) {
                sql.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    /**
     * Writes an account, a key and a certificate, kills the JVM (SIGKILL: no shutdown hook, nothing flushed on
     * the way out) as soon as the last write is answered, starts again on the same data directory and
     * database, and reads back everything that was acknowledged, audit trail included.
     */
    private void killRightAfterWritingThenReadBack(Map<String, String> settings) throws Exception {
        Map<String, String> environment = new java.util.HashMap<>(settings);
        environment.put("CERTVAULT_ADMIN_PASSWORD", CRASH_ADMIN_PASSWORD);
        adminPassword = CRASH_ADMIN_PASSWORD;
        KeyPair keyPair = TestCertificates.rsa(2048);
        Process first = start(environment);
        // Nothing listens but the HTTP port asked for: no data grid, no other port.
        assertThat(listening(first)).extracting(address -> address.getPort()).containsExactly(port);
        // The process is the JVM itself, not a shell or launcher around it: the kill reaches the database's writer.
        assertThat(first.info().command()).hasValueSatisfying(command -> assertThat(command).endsWith("/java"));
        String version = createAccountKeyAndCertificate(TestCertificates.pkcs8Pem(keyPair.getPrivate()),
                TestCertificates.base64(TestCertificates.selfSigned(keyPair, "contoso")));
        Instant acknowledged = Instant.now();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.between(acknowledged, Instant.now())).isLessThan(Duration.ofSeconds(1));
        assertThat(first.exitValue()).isEqualTo(128 + 9);
        assertOwnerOnly();

        start(environment);
        assertThat(send("GET", "/api/integrationAccounts/contoso", null).statusCode()).isEqualTo(200);
        var key = send("GET", "/api/vaults/default/keys/contoso-key", null);
        assertThat(key.statusCode()).isEqualTo(200);
        assertThat(json(key.body()).getJsonObject("properties").getString("version")).isEqualTo(version);
        assertThat(send("GET", "/api/integrationAccounts/contoso/certificates/contoso-private", null).statusCode())
                .isEqualTo(200);
        // Each write's audit record committed with it, and the chain over them is unbroken.
        for (String filter : List.of("account=contoso&certificate=contoso-private", "vault=default&key=contoso-key",
                "account=contoso&operation=integrationAccounts/write")) {
            var events = json(send("GET", "/api/auditEvents?" + filter, null).body()).getJsonArray("value");
            assertThat(events).as(filter).isNotEmpty();
        }
        var verification = json(send("GET", "/api/auditEvents/verification", null).body());
        assertThat(verification.getBoolean("intact")).as(verification.toString()).isTrue();
        assertThat(verification.getJsonNumber("records").longValue()).isGreaterThanOrEqualTo(3);
        assertOwnerOnly();
    }

    /**
     * The outbox survives a kill: a message the server was sending when it died (the partner had it, but had not
     * answered) is taken over after its lease by the restarted server and sent again with the same Message-ID,
     * once, and ends Delivered.
     */
    @Test
    void aMessageBeingSentWhenTheServerIsKilledIsSentOnceMoreAfterTheRestart() throws Exception {
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        var partner = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        var handlers = java.util.concurrent.Executors.newCachedThreadPool();
        partner.setExecutor(handlers);
        partner.createContext("/as2", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                received.add(exchange.getRequestHeaders().getFirst("Message-ID"));
                if (received.size() == 1) {
                    // The first delivery: the partner has it, and the sender dies before the answer.
                    arrived.countDown();
                    release.await(120, TimeUnit.SECONDS);
                    return;
                }
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        partner.start();
        try {
            Map<String, String> environment = Map.of("CERTVAULT_ADMIN_PASSWORD", CRASH_ADMIN_PASSWORD,
                    "CERTVAULT_AS2_LEASE_SECONDS", "5", "CERTVAULT_AS2_POLL_SECONDS", "1");
            adminPassword = CRASH_ADMIN_PASSWORD;
            KeyPair keyPair = TestCertificates.rsa(2048);
            Process first = start(environment);
            createAccountKeyAndCertificate(TestCertificates.pkcs8Pem(keyPair.getPrivate()),
                    TestCertificates.base64(TestCertificates.selfSigned(keyPair, "contoso")));
            for (String[] p : new String[][] {{"contoso", "Contoso"}, {"fabrikam", "Fabrikam"}}) {
                assertThat(send("PUT", "/api/integrationAccounts/contoso/partners/" + p[0], "{\"properties\": "
                        + "{\"content\": {\"b2b\": {\"businessIdentities\": [{\"qualifier\": \"AS2Identity\", "
                        + "\"value\": \"" + p[1] + "\"}]}}}}").statusCode()).isEqualTo(201);
            }
            String url = "http://127.0.0.1:" + partner.getAddress().getPort() + "/as2";
            var agreement = send("PUT", "/api/integrationAccounts/contoso/agreements/fabrikam", "{\"properties\": {"
                    + "\"agreementType\": \"AS2\", \"hostPartner\": \"contoso\", \"guestPartner\": \"fabrikam\", "
                    + "\"hostIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"Contoso\"}, "
                    + "\"guestIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"Fabrikam\"}, "
                    + "\"content\": {\"aS2\": {\"sendAgreement\": {\"partnerEndpoint\": {\"url\": \"" + url + "\"}, "
                    + "\"protocolSettings\": {\"validationSettings\": {\"encryptMessage\": false}, "
                    + "\"mdnSettings\": {\"needMDN\": false}, "
                    + "\"securitySettings\": {\"signingCertificateName\": \"contoso-private\"}}}, "
                    + "\"receiveAgreement\": {\"protocolSettings\": {\"validationSettings\": {\"signMessage\": false, "
                    + "\"encryptMessage\": false}, \"mdnSettings\": {\"signMDN\": false}}}}}}}");
            assertThat(agreement.statusCode()).as(agreement.body()).isEqualTo(201);
            var queued = send("POST", "/api/integrationAccounts/contoso/agreements/fabrikam/send", "{\"order\": 1}");
            assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
            String id = json(queued.body()).getString("name");
            assertThat(arrived.await(60, TimeUnit.SECONDS)).as("the first delivery reached the partner").isTrue();
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            start(environment);
            Instant deadline = Instant.now().plusSeconds(60);
            JsonObject message;
            do {
                Thread.sleep(500);
                message = json(send("GET", "/api/integrationAccounts/contoso/as2/messages/" + id, null).body())
                        .getJsonObject("properties");
            } while (!message.getString("status").equals("Delivered") && Instant.now().isBefore(deadline));
            assertThat(message.getString("status")).as(message.toString()).isEqualTo("Delivered");
            assertThat(message.getInt("attempts")).isEqualTo(2);
            Thread.sleep(3000);
            assertThat(received).as("the delivery cut short, then one more").hasSize(2)
                    .containsOnly(message.getString("messageId"));
        } finally {
            release.countDown();
            partner.stop(0);
            handlers.shutdownNow();
        }
    }

    /**
     * 100 MB each way through the AS2 transport on a server with a heap of 256 MB: account contoso sends it signed
     * and encrypted (stored, posted from the store), account fabrikam of the same server receives it (opened,
     * stored, signed MDN), and the payload picked up at fabrikam is the one sent. Neither side holds a message in
     * memory: whole, it would not fit beside the server.
     */
    @Test
    void aHundredMegabyteMessageGoesThroughTheTransportAtAHeapOf256Mb() throws Exception {
        adminPassword = CRASH_ADMIN_PASSWORD;
        heap = "256m";
        KeyPair keyPair = TestCertificates.rsa(2048);
        String certificate = TestCertificates.base64(TestCertificates.selfSigned(keyPair, "contoso"));
        Process server = start(Map.of("CERTVAULT_ADMIN_PASSWORD", CRASH_ADMIN_PASSWORD,
                "CERTVAULT_AS2_POLL_SECONDS", "1"));
        createAccountKeyAndCertificate(TestCertificates.pkcs8Pem(keyPair.getPrivate()), certificate);
        assertThat(send("PUT", "/api/integrationAccounts/fabrikam", "{\"location\":\"on-premises\"}").statusCode())
                .isEqualTo(201);
        // Fabrikam's own certificate on the same vault key, to keep the set-up short: each side signs and decrypts.
        assertThat(send("PUT", "/api/integrationAccounts/fabrikam/certificates/fabrikam-private", Json
                .createObjectBuilder().add("properties", Json.createObjectBuilder().add("publicCertificate", certificate)
                        .add("key", Json.createObjectBuilder().add("keyVault", Json.createObjectBuilder()
                                .add("name", "default")).add("keyName", "contoso-key"))).build().toString())
                .statusCode()).isEqualTo(201);
        String[][] sides = {{"contoso", "Contoso", "fabrikam", "Fabrikam", "contoso-private"},
                {"fabrikam", "Fabrikam", "contoso", "Contoso", "fabrikam-private"}};
        for (String[] side : sides) {
            for (String[] p : new String[][] {{side[0], side[1]}, {side[2], side[3]}}) {
                assertThat(send("PUT", "/api/integrationAccounts/" + side[0] + "/partners/" + p[0], "{\"properties\": "
                        + "{\"content\": {\"b2b\": {\"businessIdentities\": [{\"qualifier\": \"AS2Identity\", "
                        + "\"value\": \"" + p[1] + "\"}]}}}}").statusCode()).isEqualTo(201);
            }
            String security = "\"securitySettings\": {\"signingCertificateName\": \"" + side[4] + "\", "
                    + "\"encryptionCertificateName\": \"" + side[4] + "\"}";
            String secured = "\"validationSettings\": {\"signMessage\": true, \"encryptMessage\": true}, "
                    + "\"mdnSettings\": {\"needMDN\": true, \"signMDN\": true}, " + security;
            var agreement = send("PUT", "/api/integrationAccounts/" + side[0] + "/agreements/" + side[2],
                    "{\"properties\": {\"agreementType\": \"AS2\", \"hostPartner\": \"" + side[0] + "\", "
                    + "\"guestPartner\": \"" + side[2] + "\", "
                    + "\"hostIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"" + side[1] + "\"}, "
                    + "\"guestIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \"" + side[3] + "\"}, "
                    + "\"content\": {\"aS2\": {\"sendAgreement\": {\"partnerEndpoint\": {\"url\": "
                    + "\"http://127.0.0.1:" + port + "/as2/" + side[2] + "\", \"readTimeoutSeconds\": 600}, "
                    + "\"protocolSettings\": {" + secured + "}}, "
                    + "\"receiveAgreement\": {\"protocolSettings\": {" + secured + "}}}}}}");
            assertThat(agreement.statusCode()).as(agreement.body()).isEqualTo(201);
        }

        long size = 100L * 1024 * 1024;
        java.security.MessageDigest sent = java.security.MessageDigest.getInstance("SHA-256");
        String peakBefore = peakMemory(server);
        long started = System.nanoTime();
        HttpResponse<String> queued = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/integrationAccounts/contoso/agreements/fabrikam/send?fileName=large.bin"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", basic("admin:" + adminPassword))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.security.DigestInputStream(
                        new io.certvault.testing.GeneratedStream(size), sent))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(202);
        String id = json(queued.body()).getString("name");
        long secured = System.nanoTime();
        JsonObject message = awaitStatus("/api/integrationAccounts/contoso/as2/messages/" + id, "Delivered",
                Duration.ofMinutes(10));
        long delivered = System.nanoTime();
        assertThat(message.getString("status")).as(message.toString()).isEqualTo("Delivered");
        assertThat(message.getJsonNumber("contentSize").longValue()).isGreaterThan(size);

        var waiting = json(send("GET", "/api/integrationAccounts/fabrikam/as2/messages?direction=Inbound", null)
                .body()).getJsonArray("value");
        assertThat(waiting).hasSize(1);
        JsonObject received = waiting.getJsonObject(0);
        assertThat(received.getJsonObject("properties").getString("status")).isEqualTo("Received");
        assertThat(received.getJsonObject("properties").getJsonNumber("contentSize").longValue()).isEqualTo(size);
        java.security.MessageDigest picked = java.security.MessageDigest.getInstance("SHA-256");
        HttpResponse<InputStream> payload = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/integrationAccounts/fabrikam/as2/messages/" + received.getString("name") + "/payload"))
                .timeout(Duration.ofMinutes(10)).header("Authorization", basic("admin:" + adminPassword)).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(payload.statusCode()).isEqualTo(200);
        try (InputStream in = new java.security.DigestInputStream(payload.body(), picked)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(picked.digest()).as("the payload picked up is the one sent").isEqualTo(sent.digest());
        // For docs/benchmarks.md: how long each leg took, and the most memory the server's process ever held.
        System.out.printf("100 MB through the AS2 transport at -Xmx256m: secured and stored %.1f s, sent, opened and "
                + "stored %.1f s, picked up %.1f s; server's peak resident memory %s before, %s after%n",
                (secured - started) / 1e9, (delivered - secured) / 1e9, (System.nanoTime() - delivered) / 1e9,
                peakBefore, peakMemory(server));
    }

    /** The most memory the process has held (VmHWM), as Linux reports it. */
    private static String peakMemory(Process process) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmHWM:")).map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }

    private static String basic(String credentials) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Polls a message's record until it has the status or the time is up; answers its properties. */
    private JsonObject awaitStatus(String path, String status, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        JsonObject message;
        do {
            Thread.sleep(500);
            message = json(send("GET", path, null).body()).getJsonObject("properties");
        } while (!message.getString("status").equals(status) && !message.getString("status").equals("Failed")
                && Instant.now().isBefore(deadline));
        return message;
    }


    @Test
    void listensOnlyOnTheConfiguredAddress() throws Exception {
        adminPassword = CRASH_ADMIN_PASSWORD;
        port = freePort();
        Process process = launch(Map.of("CERTVAULT_BIND_ADDRESS", "127.0.0.1", "CERTVAULT_ADMIN_PASSWORD", adminPassword),
                List.of("--port", String.valueOf(port), "--prebootcommandfile", target.resolve("bind-address.asadmin").toString()));
        awaitReady(process, http, "http://127.0.0.1:" + port + "/health/ready", log);

        assertThat(listening(process)).containsExactly(new java.net.InetSocketAddress("127.0.0.1", port));
        assertThat(send("GET", "/api/integrationAccounts", null).statusCode()).isEqualTo(200);
    }

    /**
     * The TCP sockets a process listens on, read from /proc (its socket inodes in /proc/PID/fd, their addresses
     * in /proc/net/tcp and tcp6, where an IPv4 client reaching a dual-stack socket shows as ::ffff:a.b.c.d).
     */
    private static java.util.Set<java.net.InetSocketAddress> listening(Process process) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            for (Path descriptor : descriptors.toList()) {
                try {
                    String link = Files.readSymbolicLink(descriptor).toString();
                    if (link.startsWith("socket:[")) {
                        inodes.add(link.substring("socket:[".length(), link.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        java.util.Set<java.net.InetSocketAddress> addresses = new java.util.HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                // fields: sl, local address, remote address, state (0A = LISTEN), queues, ..., uid, timeout, inode
                if ("0A".equals(fields[3]) && inodes.contains(fields[9])) {
                    String[] local = fields[1].split(":");
                    byte[] address = java.util.HexFormat.of().parseHex(local[0]);
                    // The kernel prints each 32-bit word in host (little-endian) order.
                    for (int word = 0; word < address.length; word += 4) {
                        for (int i = 0; i < 2; i++) {
                            byte swap = address[word + i];
                            address[word + i] = address[word + 3 - i];
                            address[word + 3 - i] = swap;
                        }
                    }
                    addresses.add(new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(address),
                            Integer.parseInt(local[1], 16)));
                }
            }
        }
        return addresses;
    }

    /** The data directory and all in it, database and key files included, are for Certvault's user alone. */
    private void assertOwnerOnly() throws IOException {
        try (Stream<Path> all = Files.walk(dataDirectory)) {
            for (Path path : all.toList()) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                        .as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    @Test
    void aVaultTypeWithoutProviderStopsTheApplicationWithAClearMessage() throws Exception {
        assertDeploymentFails(Map.of("CERTVAULT_VAULTS", "default,prod", "CERTVAULT_VAULT_PROD_TYPE", "nonesuch"),
                "vault 'prod': no provider for type 'nonesuch' (available types: ");
        assertThat(Files.readString(log)).contains("filesystem");
    }

    @Test
    void aHalfConfiguredTokenIssuerStopsTheApplicationWithAClearMessage() throws Exception {
        assertDeploymentFails(Map.of("MP_JWT_VERIFY_ISSUER", "https://idp.example"),
                "Bearer tokens need both mp.jwt.verify.issuer and mp.jwt.verify.publickey");
    }

    @Test
    void aBadExpiryWarningStopsTheApplicationWithAClearMessage() throws Exception {
        assertDeploymentFails(Map.of("CERTVAULT_CERTIFICATES_EXPIRY_WARNING_DAYS", "a month"),
                "certvault.certificates.expiry-warning-days must be a whole number of days from 0 to 3650, not 'a month'");
    }

    private void assertDeploymentFails(Map<String, String> environment, String expected) throws Exception {
        Process process = launch(environment);
        Instant deadline = Instant.now().plusSeconds(180);
        // Payara Micro says it is ready once it has tried to deploy, whether or not that worked.
        while (Instant.now().isBefore(deadline) && process.isAlive() && !Files.readString(log).contains("ready in")) {
            Thread.sleep(500);
        }
        assertThat(Files.readString(log)).contains(expected);
        // The application is not serving: its API is not there.
        Thread.sleep(2000);
        if (process.isAlive()) {
            assertThat(sendQuietly("/api/integrationAccounts")).isNotIn(200, 401);
        }
    }

    // ---- HTTPS -----------------------------------------------------------------------------------

    private static final String TLS_PASSWORD = "tls-Keystore-Password-51a7";

    /** A PKCS#12 keystore with a self-signed certificate for 127.0.0.1, made by keytool, and a client trusting it. */
    private Path keystore() throws Exception {
        Path keystore = dataDirectory.resolveSibling(dataDirectory.getFileName() + "-tls.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "certvault", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "30", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", TLS_PASSWORD,
                "-keypass", TLS_PASSWORD).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
        return keystore;
    }

    private static HttpClient trusting(Path keystore) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, TLS_PASSWORD.toCharArray());
        }
        var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        var tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new java.net.CookieManager()).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(Process process, HttpClient client, String url, Path log) throws Exception {
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("certvault.jar exited; see " + log).isTrue();
            try {
                if (get(client, url).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("certvault.jar was not ready within 180 s; see " + log);
    }

    @Test
    void servesHttpsOnlyWithTheConfiguredKeystore() throws Exception {
        Path keystore = keystore();
        int httpsPort = freePort();
        Process process = launch(Map.of("CERTVAULT_TLS_KEYSTORE", keystore.toString(),
                "CERTVAULT_TLS_KEYSTORE_PASSWORD", TLS_PASSWORD, "CERTVAULT_ADMIN_PASSWORD", TLS_PASSWORD + "-admin"),
                List.of("--sslport", String.valueOf(httpsPort), "--sslcert", "certvault", "--prebootcommandfile",
                        target.resolve("https-only.asadmin").toString()));
        HttpClient client = trusting(keystore);
        String base = "https://127.0.0.1:" + httpsPort;
        awaitReady(process, client, base + "/health/ready", log);

        // Signing in over HTTPS: HSTS on the answers, and a session cookie that is Secure, HttpOnly and SameSite.
        var signIn = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + TLS_PASSWORD + "-admin")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(302);
        assertThat(signIn.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").contains("Secure").contains("HttpOnly").containsIgnoringCase("SameSite=Strict"));
        var page = get(client, base + "/accounts.xhtml");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Integration accounts</h1>");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(
                hsts -> assertThat(hsts).startsWith("max-age="));

        // No plain HTTP anywhere: the HTTP listener is off, and the HTTPS port does not speak plain HTTP.
        assertThat(sendQuietly(URI.create("http://127.0.0.1:8080/health/ready"))).isNotEqualTo(200);
        assertThat(sendQuietly(URI.create("http://127.0.0.1:" + httpsPort + "/health/ready"))).isNotEqualTo(200);
        assertThat(Files.readString(log)).doesNotContain(TLS_PASSWORD);
    }

    @Test
    void redirectsPlainHttpToHttps() throws Exception {
        Path keystore = keystore();
        port = freePort();
        int httpsPort = freePort();
        Process process = launch(Map.of("CERTVAULT_TLS_KEYSTORE", keystore.toString(),
                "CERTVAULT_TLS_KEYSTORE_PASSWORD", TLS_PASSWORD), List.of("--port", String.valueOf(port), "--sslport",
                        String.valueOf(httpsPort), "--sslcert", "certvault", "--prebootcommandfile",
                        target.resolve("https-redirect.asadmin").toString()));
        HttpClient client = trusting(keystore);
        awaitReady(process, client, "https://127.0.0.1:" + httpsPort + "/health/ready", log);

        var plain = get(http, "http://127.0.0.1:" + port + "/accounts.xhtml?x=1");
        assertThat(plain.statusCode()).isIn(301, 302, 307, 308);
        assertThat(plain.headers().firstValue("Location")).hasValue("https://127.0.0.1:" + port + "/accounts.xhtml?x=1");
        // Following it lands on HTTPS (the sign-in form, as nobody is signed in).
        var followed = client.send(HttpRequest.newBuilder(URI.create(plain.headers().firstValue("Location").orElseThrow()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(followed.statusCode()).isEqualTo(302);
        assertThat(followed.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login.xhtml"));
        assertThat(Files.readString(log)).doesNotContain(TLS_PASSWORD);
    }

    private int sendQuietly(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private Process start(Map<String, String> environment) throws Exception {
        Process process = launch(environment);
        Instant deadline = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("certvault.jar exited; see " + log).isTrue();
            if (sendQuietly("/health/ready") == 200) {
                return process;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("certvault.jar was not ready within 180 s; see " + log);
    }

    private Process launch(Map<String, String> environment) throws IOException {
        port = freePort();
        return launch(environment, List.of("--port", String.valueOf(port)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private Process launch(Map<String, String> environment, List<String> options) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Djava.io.tmpdir=" + target,
                "-jar", System.getProperty("certvault.jar")));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("CERTVAULT_DATA_DIR", dataDirectory.toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Sends as the first admin (Basic). */
    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return sendAs("admin:" + adminPassword, method, path, body);
    }

    private HttpResponse<String> sendAs(String credentials, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        if (credentials != null) {
            request.header("Authorization", basic(credentials));
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int sendQuietly(String path) {
        try {
            return sendAs(null, "GET", path, null).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
