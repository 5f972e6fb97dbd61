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

/**
 * Inbound AS2 through the transport against the plain decode endpoint, on one running Certvault: 4 KiB payloads,
 * signed (RSA-2048, SHA-256) and encrypted (AES-256), a signed synchronous MDN asked for, posted by 8 concurrent
 * senders. TRANSPORT posts to {@code /as2/bench-fabrikam} (no sign-in; the message is stored encrypted, tracked,
 * and answered with the MDN); DECODE posts the same message to {@code /api/.../as2/decode} (signed in; the payload
 * and MDN come back as JSON, nothing stored). Rounds alternate the two so that the machine's noise falls on both.
 * The message is made once by Certvault's own as2/encode; duplicates are not checked (the agreements' default), so
 * the same message can be posted again and again. Outbound: messages queued through {@code agreements/.../send}
 * and the seconds until all are Delivered (Fabrikam's endpoint on the same server answers their MDNs).
 * Run from the project root against a server started on its embedded defaults (see docs/benchmarks.md):
 * {@code java bench/As2Inbound.java http://127.0.0.1:8080 <admin password> [seconds] [rounds] [outbound]}
 */
public class As2Inbound {
    private static final int SENDERS = 8;
    private static final String PASSWORD = "bench-keystore";

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + args[1])
                .getBytes(StandardCharsets.UTF_8));
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int outbound = args.length > 4 ? Integer.parseInt(args[4]) : 200;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        Api api = new Api(http, base, basic);
        setUp(api);

        byte[] payload = ("ISA*00*" + "0123456789".repeat(410) + "~\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponse<byte[]> encoded = http.send(HttpRequest.newBuilder(URI.create(base
                + "/api/integrationAccounts/bench-contoso/as2/encode?as2From=Contoso&as2To=Fabrikam"))
                .header("Authorization", basic).header("Content-Type", "application/edi-x12")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        check(encoded.statusCode() == 200, "encode: " + encoded.statusCode() + " "
                + new String(encoded.body(), StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : List.of("AS2-Version", "AS2-From", "AS2-To", "Message-ID", "Subject", "Content-Type",
                "Disposition-Notification-To", "Disposition-Notification-Options")) {
            encoded.headers().firstValue(name).ifPresent(value -> headers.put(name, value));
        }
        System.out.printf("message: %d bytes on the wire, payload %d bytes%n", encoded.body().length, payload.length);

        String[] modes = {"TRANSPORT", "DECODE"};
        double[] total = new double[2];
        for (int round = 0; round < rounds; round++) {
            for (int m = 0; m < 2; m++) {
                int mode = round % 2 == 0 ? m : 1 - m;
                String url = mode == 0 ? base + "/as2/bench-fabrikam"
                        : base + "/api/integrationAccounts/bench-fabrikam/as2/decode";
                double rate = load(http, url, mode == 1 ? basic : null, headers, encoded.body(), seconds);
                total[mode] += rate;
                System.out.printf("round %d %-9s %7.1f messages/s%n", round + 1, modes[mode], rate);
            }
        }
        System.out.printf("mean      TRANSPORT %7.1f  DECODE %7.1f  ratio %.2f%n", total[0] / rounds,
                total[1] / rounds, total[0] / total[1]);

        // Outbound: queue them all, then time until the outbox has delivered every one (sync signed MDNs).
        long started = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < outbound; i++) {
            HttpResponse<String> queued = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/integrationAccounts/bench-contoso/agreements/fabrikam/send"))
                    .header("Authorization", basic).header("Content-Type", "application/edi-x12")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
            check(queued.statusCode() == 202, "send: " + queued.statusCode() + " " + queued.body());
            ids.add(queued.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1"));
        }
        double queuedSeconds = (System.nanoTime() - started) / 1e9;
        while (true) {
            String delivered = api.get("/api/integrationAccounts/bench-contoso/as2/messages?direction=Outbound"
                    + "&status=Delivered&$top=1000");
            long count = ids.stream().filter(delivered::contains).count();
            if (count == ids.size()) {
                break;
            }
            String failed = api.get("/api/integrationAccounts/bench-contoso/as2/messages?status=Failed&$top=1");
            check(!failed.contains("\"name\""), "a message failed: " + failed);
            Thread.sleep(100);
        }
        double all = (System.nanoTime() - started) / 1e9;
        System.out.printf("outbound  %d messages queued in %.1f s (%.1f/s), all Delivered after %.1f s (%.1f/s)%n",
                outbound, queuedSeconds, outbound / queuedSeconds, all, outbound / all);
    }

    /** Messages per second answered 200 with an MDN, from 8 senders posting for the given seconds. */
    private static double load(HttpClient http, String url, String authorization, Map<String, String> headers,
            byte[] body, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            running.add(senders.submit(() -> {
                while (!stop.get()) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    headers.forEach(request::header);
                    if (authorization != null) {
                        request.header("Authorization", authorization);
                    }
                    HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    check(answer.statusCode() == 200, url + ": " + answer.statusCode() + " "
                            + new String(answer.body(), StandardCharsets.UTF_8));
                    check(new String(answer.body(), StandardCharsets.ISO_8859_1).contains("processed")
                            || authorization != null, "no processed MDN");
                    if (!stop.get()) {
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        long started = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        double elapsed = (System.nanoTime() - started) / 1e9;
        for (Future<?> sender : running) {
            sender.get();
        }
        senders.shutdown();
        return done.get() / elapsed;
    }

    /** Two accounts trading with each other on the server, keys made by keytool and imported as PKCS#12. */
    private static void setUp(Api api) throws Exception {
        Path work = Files.createTempDirectory("as2-bench");
        Map<String, String> certificates = new LinkedHashMap<>();
        for (String party : List.of("contoso", "fabrikam")) {
            Path store = work.resolve(party + ".p12");
            run("keytool", "-genkeypair", "-alias", party, "-keyalg", "RSA", "-keysize", "2048", "-validity", "365",
                    "-dname", "CN=" + party, "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            Path cer = work.resolve(party + ".cer");
            run("keytool", "-exportcert", "-alias", party, "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", cer.toString());
            certificates.put(party, Base64.getEncoder().encodeToString(Files.readAllBytes(cer)));
            api.put("/api/vaults/default/keys/bench-" + party, "{\"pfx\": \"" + Base64.getEncoder()
                    .encodeToString(Files.readAllBytes(store)) + "\", \"password\": \"" + PASSWORD + "\"}");
        }
        for (String account : List.of("contoso", "fabrikam")) {
            String other = account.equals("contoso") ? "fabrikam" : "contoso";
            String prefix = "/api/integrationAccounts/bench-" + account;
            api.put(prefix, "{\"location\": \"bench\"}");
            api.put(prefix + "/certificates/ours", "{\"properties\": {\"publicCertificate\": \""
                    + certificates.get(account) + "\", \"key\": {\"keyVault\": {\"name\": \"default\"}, "
                    + "\"keyName\": \"bench-" + account + "\"}}}");
            api.put(prefix + "/certificates/" + other, "{\"properties\": {\"publicCertificate\": \""
                    + certificates.get(other) + "\"}}");
            for (String partner : List.of("contoso", "fabrikam")) {
                api.put(prefix + "/partners/" + partner, "{\"properties\": {\"content\": {\"b2b\": {"
                        + "\"businessIdentities\": [{\"qualifier\": \"AS2Identity\", \"value\": \""
                        + (partner.equals("contoso") ? "Contoso" : "Fabrikam") + "\"}]}}}}");
            }
            api.put(prefix + "/agreements/" + other, "{\"properties\": {\"agreementType\": \"AS2\", "
                    + "\"hostPartner\": \"" + account + "\", \"guestPartner\": \"" + other + "\", "
                    + "\"hostIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \""
                    + (account.equals("contoso") ? "Contoso" : "Fabrikam") + "\"}, "
                    + "\"guestIdentity\": {\"qualifier\": \"AS2Identity\", \"value\": \""
                    + (other.equals("contoso") ? "Contoso" : "Fabrikam") + "\"}, "
                    + "\"content\": {\"aS2\": {\"sendAgreement\": {\"partnerEndpoint\": {\"url\": \"" + api.base
                    + "/as2/bench-" + other + "\"}, \"protocolSettings\": {\"securitySettings\": {"
                    + "\"signingCertificateName\": \"ours\", \"encryptionCertificateName\": \"" + other + "\"}}}, "
                    + "\"receiveAgreement\": {\"protocolSettings\": {\"securitySettings\": {"
                    + "\"signingCertificateName\": \"" + other + "\", \"encryptionCertificateName\": \"ours\"}}}}}}}");
        }
    }

    private record Api(HttpClient http, String base, String authorization) {
        void put(String path, String json) throws IOException, InterruptedException {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            check(answer.statusCode() == 200 || answer.statusCode() == 201, path + ": " + answer.statusCode() + " "
                    + answer.body());
        }

        String get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", authorization)
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        check(process.waitFor() == 0, String.join(" ", command) + ": " + output);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
