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
 * {@code -Dbench.large=100} measures encode and decode of one 100 MB message instead, against openssl's streaming
 * pipelines (see {@link #large}).
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
        if (System.getProperty("bench.large") != null) {
            large(variants, Integer.getInteger("bench.large"), rounds);
            return;
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

    /** A started, set-up server of a variant: account bench with the private certificate ours (RSA-2048). */
    private record Server(Process process, String api, String auth, double ready) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor();
        }
    }

    /**
     * Starts a server of the variant (a jar, then environment settings) with the heap given, waits until it is
     * ready, and makes account bench and its certificate ours.
     */
    private static Server start(String name, String variant, String heap) throws Exception {
        String[] parts = variant.trim().split("\\s+");
        Path jar = Path.of(parts[0]);
        Path data = Path.of("/tmp/certvault-bench-" + name);
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of("java", "-Xmx" + heap));
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
        long begin = System.nanoTime();
        Process process = builder.start();
        String base = "http://127.0.0.1:" + PORT;
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        Server server = new Server(process, base + "/api/", auth, 0);
        try {
            while (true) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("the server stopped: see " + data.resolve("server.log"));
                }
                Thread.sleep(100);
            }
            server = new Server(process, server.api(), auth, (System.nanoTime() - begin) / 1e9);
            String api = server.api();
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
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private static final String ENCODE = "integrationAccounts/bench/messages/encode?signingCertificateName=ours"
            + "&encryptionCertificateName=ours&encryptionAlgorithm=AES256";
    private static final String DECODE = "integrationAccounts/bench/messages/decode";

    /** Starts a server of the variant, warms it, and measures a GET, encode, then decode. */
    private static double[] measure(String name, String variant, int seconds) throws Exception {
        try (Server server = start(name, variant, "512m")) {
            String api = server.api();
            String auth = server.auth();
            String encode = api + ENCODE;
            byte[] payload = new byte[4096];
            java.util.Arrays.fill(payload, (byte) 'x');
            HttpRequest encodeRequest = HttpRequest.newBuilder(URI.create(encode)).header("Authorization", auth)
                    .header("Content-Type", "application/edi-x12").POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
            var one = HTTP.send(encodeRequest, HttpResponse.BodyHandlers.ofByteArray());
            if (one.statusCode() != 200) {
                throw new IllegalStateException("encode: " + one.statusCode());
            }
            String encodedType = one.headers().firstValue("Content-Type").orElseThrow();
            HttpRequest decodeRequest = HttpRequest.newBuilder(URI.create(api + DECODE)).header("Authorization", auth)
                    .header("Content-Type", encodedType).POST(HttpRequest.BodyPublishers.ofByteArray(one.body())).build();
            HttpRequest getRequest = HttpRequest.newBuilder(URI.create(api + "integrationAccounts/bench"))
                    .header("Authorization", auth).GET().build();
            // The server starts cold: its JIT compilers take a quarter of the CPU for the first half minute or so.
            int warmup = Integer.getInteger("bench.warmup", 20);
            Process process = server.process();
            rate(getRequest, warmup, process);
            rate(encodeRequest, warmup, process);
            rate(decodeRequest, warmup, process);
            double[] gets = rate(getRequest, seconds, process);
            double[] encodes = rate(encodeRequest, seconds, process);
            double[] decodes = rate(decodeRequest, seconds, process);
            return new double[] {server.ready(), gets[0], encodes[0], decodes[0], gets[1], encodes[1], decodes[1]};
        }
    }

    /**
     * Large messages: each round, per variant, a server with a 256 MiB heap encodes (signed and encrypted) and then
     * decodes a payload of the megabytes given, streamed from and to files over HTTP, {@code bench.large.warmup}
     * times (3) to warm and once measured; the decoded payload is compared by SHA-256. The same round runs openssl's streaming pipelines on the
     * same payload: {@code cms -sign -stream | cms -encrypt -stream}, and {@code cms -decrypt | cms -verify}.
     */
    private static void large(Map<String, String> variants, int megabytes, int rounds) throws Exception {
        Path dir = Files.createDirectories(Path.of("/tmp/certvault-bench-large"));
        Path payload = dir.resolve("payload.bin");
        Path encoded = dir.resolve("encoded.bin");
        if (!Files.exists(payload) || Files.size(payload) != megabytes * 1_048_576L) {
            byte[] block = new byte[1_048_576];
            try (var out = Files.newOutputStream(payload)) {
                for (int i = 0; i < megabytes; i++) {
                    new java.util.Random(i).nextBytes(block);
                    out.write(block);
                }
            }
        }
        String digest = sha256(Files.newInputStream(payload));
        shell(dir, "openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -subj /CN=bench -days 2");
        String opensslEncode = "openssl cms -sign -binary -stream -md sha256 -in payload.bin -signer cert.pem -inkey key.pem"
                + " | openssl cms -encrypt -binary -stream -aes256 -outform DER -out both.der cert.pem";
        String opensslDecode = "openssl cms -decrypt -binary -inform DER -in both.der -recip cert.pem -inkey key.pem"
                + " | openssl cms -verify -noverify -binary -out /dev/null";
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            double[] openssl = {megabytes / shell(dir, opensslEncode), megabytes / shell(dir, opensslDecode), 0, 0, 0};
            results.computeIfAbsent("openssl", n -> new ArrayList<>()).add(openssl);
            System.out.printf("round %d openssl: encode %.1f MB/s, decode %.1f MB/s%n", round, openssl[0], openssl[1]);
            for (var variant : variants.entrySet()) {
                try (Server server = start(variant.getKey(), variant.getValue(), "256m")) {
                    double[] measured = null;
                    // The passes before the measured one warm the server: C2 compiles for several 100 MB messages.
                    for (int pass = 0; pass <= Integer.getInteger("bench.large.warmup", 3); pass++) {
                        Duration cpuBefore = cpu(server.process());
                        long begin = System.nanoTime();
                        var response = HTTP.send(HttpRequest.newBuilder(URI.create(server.api() + ENCODE))
                                .header("Authorization", server.auth()).header("Content-Type", "application/octet-stream")
                                .POST(HttpRequest.BodyPublishers.ofFile(payload)).build(),
                                HttpResponse.BodyHandlers.ofFile(encoded));
                        double encodeSeconds = (System.nanoTime() - begin) / 1e9;
                        Duration encodeCpu = cpu(server.process()).minus(cpuBefore);
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("encode: " + response.statusCode());
                        }
                        begin = System.nanoTime();
                        var decoded = HTTP.send(HttpRequest.newBuilder(URI.create(server.api() + DECODE))
                                .header("Authorization", server.auth())
                                .header("Content-Type", response.headers().firstValue("Content-Type").orElseThrow())
                                .POST(HttpRequest.BodyPublishers.ofFile(encoded)).build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        String decodedDigest = sha256(decoded.body());
                        double decodeSeconds = (System.nanoTime() - begin) / 1e9;
                        Duration decodeCpu = cpu(server.process()).minus(cpuBefore).minus(encodeCpu);
                        if (decoded.statusCode() != 200 || !decodedDigest.equals(digest)) {
                            throw new IllegalStateException("decode: " + decoded.statusCode() + ", payload "
                                    + (decodedDigest.equals(digest) ? "intact" : "changed"));
                        }
                        measured = new double[] {megabytes / encodeSeconds, megabytes / decodeSeconds,
                                peakResidentMiB(server.process()), encodeCpu.toMillis(), decodeCpu.toMillis()};
                    }
                    results.computeIfAbsent(variant.getKey(), n -> new ArrayList<>()).add(measured);
                    System.out.printf("round %d %s: encode %.1f MB/s (%.0f ms CPU), decode %.1f MB/s (%.0f ms), peak RSS "
                            + "%.0f MiB (%s)%n", round, variant.getKey(), measured[0], measured[3], measured[1], measured[4],
                            measured[2], activeProvider);
                }
            }
        }
        double[] openssl = mean(results.get("openssl"));
        System.out.printf("%n%d MB, mean (lowest-highest round); ratios to openssl's mean in the same run.%n", megabytes);
        System.out.println("| variant | encode MB/s | encode / openssl | decode MB/s | decode / openssl | peak RSS MiB "
                + "| server CPU ms: encode, decode |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
        for (var entry : results.entrySet()) {
            double[] mean = mean(entry.getValue());
            double[][] range = range(entry.getValue());
            System.out.printf("| %s | %.1f (%.1f-%.1f) | %.2f | %.1f (%.1f-%.1f) | %.2f | %.0f | %.0f, %.0f |%n",
                    entry.getKey(), mean[0], range[0][0], range[1][0], mean[0] / openssl[0], mean[1], range[0][1],
                    range[1][1], mean[1] / openssl[1], mean[2], mean[3], mean[4]);
        }
    }

    private static double[] mean(List<double[]> rows) {
        double[] mean = new double[rows.get(0).length];
        for (double[] row : rows) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += row[i] / rows.size();
            }
        }
        return mean;
    }

    /** Lowest and highest of each column. */
    private static double[][] range(List<double[]> rows) {
        double[][] range = {rows.get(0).clone(), rows.get(0).clone()};
        for (double[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                range[0][i] = Math.min(range[0][i], row[i]);
                range[1][i] = Math.max(range[1][i], row[i]);
            }
        }
        return range;
    }

    /** Runs a shell command in the directory, failing unless it succeeds; answers the seconds it took. */
    private static double shell(Path dir, String command) throws Exception {
        long begin = System.nanoTime();
        Process process = new ProcessBuilder("bash", "-o", "pipefail", "-c", command).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command + " failed:\n" + output);
        }
        return (System.nanoTime() - begin) / 1e9;
    }

    private static String sha256(java.io.InputStream in) throws Exception {
        var digest = java.security.MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** The process's peak resident memory so far (Linux). */
    private static double peakResidentMiB(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return 0;
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
