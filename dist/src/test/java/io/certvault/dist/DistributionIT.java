package io.certvault.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
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
    private final List<Process> processes = new ArrayList<>();
    private Path dataDirectory;
    private Path log;
    private int port;

    @BeforeEach
    void freshDataDirectory() throws IOException {
        dataDirectory = Files.createTempDirectory(target, "dist-it-data-");
        log = dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log");
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
        assertThat(send("PUT", "/api/integrationAccounts/contoso", "{\"location\":\"on-premises\"}").statusCode())
                .isEqualTo(201);
        var imported = send("PUT", "/api/vaults/default/keys/contoso-key",
                Json.createObjectBuilder().add("key", keyPem).build().toString());
        assertThat(imported.statusCode()).isEqualTo(201);
        String version = json(imported.body()).getJsonObject("properties").getString("version");
        String certificateBody = Json.createObjectBuilder().add("properties", Json.createObjectBuilder()
                .add("publicCertificate", certificate)
                .add("key", Json.createObjectBuilder().add("keyVault", Json.createObjectBuilder().add("name", "default"))
                        .add("keyName", "contoso-key"))).build().toString();
        assertThat(send("PUT", "/api/integrationAccounts/contoso/certificates/contoso-private", certificateBody)
                .statusCode()).isEqualTo(201);
        String before = send("GET", "/api/integrationAccounts/contoso/certificates/contoso-private", null).body();
        stop(first);

        start(Map.of());
        var after = send("GET", "/api/integrationAccounts/contoso/certificates/contoso-private", null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(before);
        var home = send("GET", "/", null);
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("<h1>Integration accounts</h1>").contains("contoso");
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

    @Test
    void aVaultTypeWithoutProviderStopsTheApplicationWithAClearMessage() throws Exception {
        Process process = launch(Map.of("CERTVAULT_VAULTS", "default,prod", "CERTVAULT_VAULT_PROD_TYPE", "nonesuch"));
        String expected = "vault 'prod': no provider for type 'nonesuch' (available types: ";
        Instant deadline = Instant.now().plusSeconds(180);
        // Payara Micro says it is ready once it has tried to deploy, whether or not that worked.
        while (Instant.now().isBefore(deadline) && process.isAlive() && !Files.readString(log).contains("ready in")) {
            Thread.sleep(500);
        }
        assertThat(Files.readString(log)).contains(expected).contains("filesystem");
        // The application is not serving: its API is not there.
        Thread.sleep(2000);
        if (process.isAlive()) {
            assertThat(sendQuietly("/api/integrationAccounts")).isNotEqualTo(200);
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
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-Djava.io.tmpdir=" + target,
                "-jar", System.getProperty("certvault.jar"), "--port", String.valueOf(port))
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

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int sendQuietly(String path) {
        try {
            return send("GET", path, null).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }
}
