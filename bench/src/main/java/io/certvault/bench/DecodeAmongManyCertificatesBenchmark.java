package io.certvault.bench;

import io.certvault.application.CertificateService;
import io.certvault.application.Guard;
import io.certvault.application.IntegrationAccountService;
import io.certvault.application.MessageSecurityService;
import io.certvault.domain.KeyReference;
import io.certvault.messaging.ContentEncryption;
import io.certvault.messaging.SigningAlgorithm;
import io.certvault.messaging.SmimeEncoder;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode of a 4 KiB message, signed by a partner and encrypted to our private certificate, in an account
 * holding 10 or 10,000 certificates: the recipient and the signer are found through the repository's index,
 * so the account's size should not matter. The repository is {@link InMemoryRepositories}, which indexes by
 * issuer and serial number and by subject key identifier as the database does; the key is in the filesystem
 * vault, and decode spools as the API does.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecodeAmongManyCertificatesBenchmark {
    private static final String ACCOUNT = "bench";

    /** Certificates in the account, ours and the partner's among them. */
    @Param({"10", "10000"})
    public int certificates;

    private Path directory;
    private VaultRegistry vaults;
    private MessageSecurityService messages;
    private byte[] message;
    private String contentType;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("certvault-bench-");
        vaults = VaultRegistry.open(VaultSettings.of(key -> Optional.empty()), directory.resolve("data"));
        InMemoryRepositories repositories = new InMemoryRepositories();
        Guard guard = new Guard(() -> TestCallers.as("bench", new Grant(Role.ADMIN, Scope.GLOBAL)),
                new MessageSecurityBenchmark.DroppingAuditTrail(), io.certvault.application.UnitOfWork.NONE);
        var certificateKeys = TestCallers.keys(vaults, guard);
        new IntegrationAccountService(repositories, guard).put(ACCOUNT, null, null, null);
        CertificateService service = new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard);

        KeyPair ours = TestCertificates.rsa(2048);
        X509Certificate oursCertificate = TestCertificates.selfSigned(ours, "ours");
        vaults.vault("default").importKey("ours", ours);
        service.put(ACCOUNT, "ours", TestCertificates.base64(oursCertificate), new KeyReference("default", "ours", null),
                null);
        KeyPair partner = TestCertificates.rsa(2048);
        X509Certificate partnerCertificate = TestCertificates.selfSigned(partner, "partner");
        service.put(ACCOUNT, "partner", TestCertificates.base64(partnerCertificate), null, null);
        // The others: each its own subject and serial number; one EC key for all keeps the set-up short.
        KeyPair others = TestCertificates.ec("secp256r1");
        Instant now = Instant.now();
        for (int i = 2; i < certificates; i++) {
            String name = String.format("other-%05d", i);
            service.put(ACCOUNT, name, TestCertificates.base64(TestCertificates.selfSigned(others, name,
                    now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)))), null, null);
        }
        messages = new MessageSecurityService(repositories, repositories, certificateKeys,
                new FixedMessageSettings(directory.resolve("spool"), 1024 * 1024, false), guard);

        // The partner signs with its own key, outside Certvault.
        InMemoryVault partnerVault = new InMemoryVault("partner");
        partnerVault.importKey("partner", partner);
        byte[] payload = new byte[4096];
        new Random(5).nextBytes(payload);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        contentType = SmimeEncoder.encode(new ByteArrayInputStream(payload), "application/edi-x12",
                new SmimeEncoder.Signing(partnerCertificate,
                        io.certvault.vault.BoundKey.of(partnerVault, partnerVault.getKey("partner", null)),
                        SigningAlgorithm.DEFAULT),
                new SmimeEncoder.Encryption(oursCertificate, ContentEncryption.AES256), false, body).contentType();
        message = body.toByteArray();
        long read = decodeOnce();
        if (read != payload.length) {
            throw new IllegalStateException("decoded " + read + " bytes, not " + payload.length);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vaults.close();
        MessageSecurityBenchmark.deleteTree(directory);
    }

    /**
     * CPU time per decode, beside the throughput: on a machine shared with other work the wall clock says as
     * much about the neighbours as about decode, the thread's CPU time far less.
     */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private long nanos;
        private long decodes;

        @Setup(Level.Iteration)
        public void reset() {
            nanos = 0;
            decodes = 0;
        }

        public double cpuMicrosPerDecode() {
            return decodes == 0 ? 0 : nanos / 1000.0 / decodes;
        }
    }

    /** Decrypts with our key in the vault, verifies the partner's signature, reads the payload. */
    @Benchmark
    public long decode(CpuTime cpu) throws Exception {
        long start = CpuTime.THREADS.getCurrentThreadCpuTime();
        long read = decodeOnce();
        cpu.nanos += CpuTime.THREADS.getCurrentThreadCpuTime() - start;
        cpu.decodes++;
        return read;
    }

    private long decodeOnce() throws Exception {
        try (var decoded = messages.decode(ACCOUNT, new ByteArrayInputStream(message), contentType, null, null);
                InputStream payload = decoded.payload().input()) {
            if (!"ours".equals(decoded.decryptedWith()) || !"partner".equals(decoded.signedBy())) {
                throw new IllegalStateException("decrypted with " + decoded.decryptedWith() + ", signed by "
                        + decoded.signedBy());
            }
            return payload.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
