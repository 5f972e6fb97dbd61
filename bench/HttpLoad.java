import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP load on built distributions: a plain GET of one account, and encode and decode of 4 KiB payloads (signed
 * RSA-2048/SHA-256 with a filesystem-vault key, encrypted AES-256), against {@code openssl speed -multi 2 rsa2048}
 * on the same machine in the same run. 8 concurrent clients; the access check (HTTP Basic) and the audit record
 * of every key use are in the path. Each variant is a server started fresh every round, rounds alternating the
 * variants so that the machine's noise falls on all. Prints requests per second, the ratios to openssl's RSA-2048
 * signs per second, and the time from start to ready.
 *
 * <p>Variants, by default the same jar with {@code certvault.crypto.provider} jdk and auto:
 * {@code -Dbench.variants=before,after -Dbench.variant.before="/tmp/before.jar"
 * -Dbench.variant.after="dist/target/certvault.jar CERTVAULT_CRYPTO_PROVIDER=auto"} (a jar, then environment
 * settings for its server; {@code CERTVAULT_DB_URL=jdbc:postgresql://...} runs one on PostgreSQL, one database
 * per variant).
 * {@code -Dbench.warmup=20} sets the seconds of load each request gets before it is measured.
 * Run from the project root after {@code mvn -B -q install -DskipTests}:
 * {@code java bench/HttpLoad.java [seconds per measurement] [rounds]}
 */
public class HttpLoad {
    private static final int CLIENTS = 8;
    private static final int PORT = 18_080;
    private static final String PASSWORD = "bench-admin-password-1";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Map<String, String> variants = new LinkedHashMap<>();
        for (String name : System.getProperty("bench.variants", "jdk,auto").split(",")) {
            variants.put(name, System.getProperty("bench.variant." + name,
                    "dist/target/certvault.jar CERTVAULT_CRYPTO_PROVIDER=" + name));
        }
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        double opensslBefore = opensslSigns();
        for (int round = 1; round <= rounds; round++) {
            for (var variant : variants.entrySet()) {
                double[] measured = measure(variant.getKey(), variant.getValue(), seconds);
                results.computeIfAbsent(variant.getKey(), p -> new ArrayList<>()).add(measured);
                System.out.printf("round %d %-6s: start to ready %.1f s, GET %.1f/s (%.2f ms CPU), encode %.1f/s (%.2f ms), "
                        + "decode %.1f/s (%.2f ms) (%s)%n", round, variant.getKey(), measured[0], measured[1],
                        measured[4], measured[2], measured[5], measured[3], measured[6], activeProvider);
            }
        }
        double openssl = (opensslBefore + opensslSigns()) / 2;
        System.out.printf("%nopenssl speed -multi 2 rsa2048: %.0f signs/s (mean of before and after)%n", openssl);
        System.out.println("Rates: mean (lowest-highest round); server CPU per request in ms, mean of the rounds.");
        System.out.println("| variant | start to ready (s) | GET/s | encode/s | encode / openssl | decode/s | decode / openssl "
                + "| CPU ms: GET, encode, decode |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (var entry : results.entrySet()) {
            double[] mean = new double[7];
            double[] min = new double[7];
            double[] max = new double[7];
            java.util.Arrays.fill(min, Double.MAX_VALUE);
            for (double[] m : entry.getValue()) {
                for (int i = 0; i < 7; i++) {
                    mean[i] += m[i] / entry.getValue().size();
                    min[i] = Math.min(min[i], m[i]);
                    max[i] = Math.max(max[i], m[i]);
                }
            }
            System.out.printf("| %s | %.1f | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) | %.3f | %.0f (%.0f-%.0f) | %.3f "
                    + "| %.2f, %.2f, %.2f |%n", entry.getKey(), mean[0], mean[1], min[1], max[1], mean[2], min[2], max[2],
                    mean[2] / openssl, mean[3], min[3], max[3], mean[3] / openssl, mean[4], mean[5], mean[6]);
        }
    }

    private static String activeProvider = "";

    /**
     * Starts a server of the variant (a jar, then environment settings), sets it up, warms it, and measures a GET,
     * encode, then decode.
     */
    private static double[] measure(String name, String variant, int seconds) throws Exception {
        String[] parts = variant.trim().split("\\s+");
        Path jar = Path.of(parts[0]);
        Path data = Path.of("/tmp/certvault-bench-" + name);
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
        // -Dbench.jvm="-XX:StartFlightRecording=filename=/tmp/encode.jfr" profiles the server (see docs/benchmarks.md)
        String extra = System.getProperty("bench.jvm", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "--port", String.valueOf(PORT)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("server.log").toFile());
        builder.environment().put("CERTVAULT_DATA_DIR", data.resolve("data").toString());
        builder.environment().put("CERTVAULT_ADMIN_PASSWORD", PASSWORD);
        for (int i = 1; i < parts.length; i++) {
            int equals = parts[i].indexOf('=');
            builder.environment().put(parts[i].substring(0, equals), parts[i].substring(equals + 1));
        }
        long start = System.nanoTime();
        Process server = builder.start();
        try {
            String base = "http://127.0.0.1:" + PORT;
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!server.isAlive()) {
                    throw new IllegalStateException("the server stopped: see " + data.resolve("server.log"));
                }
                Thread.sleep(100);
            }
            double ready = (System.nanoTime() - start) / 1e9;
            String api = base + "/api/";
            String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            send(api + "integrationAccounts/bench", "PUT", "{}", "application/json", auth);
            if (send(api + "integrationAccounts/bench/certificates/ours", "GET", null, null, auth).statusCode() != 200) {
                var issued = send(api + "integrationAccounts/bench/certificates/ours/issue", "POST", "{\"properties\": {"
                        + "\"key\": {\"keyVault\": {\"name\": \"default\"}, \"keyName\": \"bench-rsa\"}, \"newKey\": "
                        + "{\"kty\": \"RSA\", \"size\": 2048}, \"subject\": \"CN=Bench\"}}", "application/json", auth);
                if (issued.statusCode() != 201) {
                    throw new IllegalStateException("issue: " + issued.statusCode() + " " + issued.body());
                }
            }
            String vaults = send(api + "vaults/default", "GET", null, null, auth).body();
            Matcher named = Pattern.compile("\"cryptoProvider\":\"([^\"]*)\"").matcher(vaults);
            activeProvider = named.find() ? named.group(1) : "?";
            String encode = api + "integrationAccounts/bench/messages/encode?signingCertificateName=ours"
                    + "&encryptionCertificateName=ours&encryptionAlgorithm=AES256";
            byte[] payload = new byte[4096];
            java.util.Arrays.fill(payload, (byte) 'x');
            var one = HTTP.send(HttpRequest.newBuilder(URI.create(encode)).header("Authorization", auth)
                    .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (one.statusCode() != 200) {
                throw new IllegalStateException("encode: " + one.statusCode());
            }
            String encodedType = one.headers().firstValue("Content-Type").orElseThrow();
            byte[] encoded = one.body();
            String decode = api + "integrationAccounts/bench/messages/decode";
            HttpRequest encodeRequest = HttpRequest.newBuilder(URI.create(encode)).header("Authorization", auth)
                    .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            HttpRequest decodeRequest = HttpRequest.newBuilder(URI.create(decode)).header("Authorization", auth)
                    .header("Content-Type", encodedType).POST(HttpRequest.BodyPublishers.ofByteArray(encoded)).build();
            HttpRequest getRequest = HttpRequest.newBuilder(URI.create(api + "integrationAccounts/bench"))
                    .header("Authorization", auth).GET().build();
            // The server starts cold: its JIT compilers take a quarter of the CPU for the first half minute or so.
            int warmup = Integer.getInteger("bench.warmup", 20);
            rate(getRequest, warmup, server);
            rate(encodeRequest, warmup, server);
            rate(decodeRequest, warmup, server);
            double[] gets = rate(getRequest, seconds, server);
            double[] encodes = rate(encodeRequest, seconds, server);
            double[] decodes = rate(decodeRequest, seconds, server);
            return new double[] {ready, gets[0], encodes[0], decodes[0], gets[1], encodes[1], decodes[1]};
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /**
     * Requests answered 200 per second by 8 clients sending it for the seconds given, and the server's CPU time
     * per request in milliseconds (all its threads; the load generator's own CPU is not in it).
     */
    private static double[] rate(HttpRequest request, int seconds, Process server) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            running.add(clients.submit(() -> {
                while (!stop.get()) {
                    try {
                        int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        (status == 200 ? done : failed).incrementAndGet();
                    } catch (IOException | InterruptedException e) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        long begin = System.nanoTime();
        Duration cpuBefore = cpu(server);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Future<?> client : running) {
            client.get();
        }
        Duration cpuUsed = cpu(server).minus(cpuBefore);
        clients.shutdown();
        double elapsed = (System.nanoTime() - begin) / 1e9;
        if (failed.get() > 0) {
            System.out.println("  (" + failed.get() + " requests failed)");
        }
        return new double[] {done.get() / elapsed, cpuUsed.toNanos() / 1e6 / Math.max(1, done.get())};
    }

    private static Duration cpu(Process server) {
        return server.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    private static HttpResponse<String> send(String url, String method, String body, String type, String auth)
            throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth);
        if (type != null) {
            builder.header("Content-Type", type);
        }
        return HTTP.send(builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** RSA-2048 signs per second of {@code openssl speed -multi 2}. */
    private static double opensslSigns() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "speed", "-multi", "2", "-seconds", "5", "rsa2048")
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        openssl.waitFor();
        Matcher line = Pattern.compile("rsa\\s+2048 bits\\s+\\S+s\\s+\\S+s\\s+([0-9.]+)").matcher(output);
        if (!line.find()) {
            throw new IllegalStateException("openssl speed said:\n" + output);
        }
        return Double.parseDouble(line.group(1));
    }
}
