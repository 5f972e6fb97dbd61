package io.certvault.bench;

import io.certvault.application.CertificateService;
import io.certvault.application.IntegrationAccountService;
import io.certvault.application.MessageSecurityService;
import io.certvault.domain.KeyReference;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataParser;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Message security through Certvault's service (filesystem vault, spooling as the API does) beside the same
 * operations with plain BouncyCastle CMS and an in-memory private key. RSA-2048, SHA-256, AES-256-CBC.
 * Bodies stream from a generator and to nowhere, so the heap stays small even at 100 MB.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
public class MessageSecurityBenchmark {
    private static final String ACCOUNT = "bench";
    private static final String TYPE = "application/edi-x12";

    @Param({"4096", "1048576", "104857600"})
    public int size;

    private Path directory;
    private VaultRegistry vaults;
    private MessageSecurityService messages;
    private KeyPair keyPair;
    private X509Certificate certificate;
    private Path signedMessage;
    private String signedType;
    private Path encryptedMessage;
    private String encryptedType;
    private Path plainSignedContent;
    private byte[] plainSignature;
    private Path plainEncrypted;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("certvault-bench-");
        vaults = VaultRegistry.open(VaultSettings.of(key -> Optional.empty()), directory.resolve("data"));
        InMemoryRepositories repositories = new InMemoryRepositories();
        // Key uses are checked and recorded as in the server; the records are hashed and dropped here.
        io.certvault.application.Guard guard = new io.certvault.application.Guard(
                () -> io.certvault.testing.TestCallers.as("bench",
                        new io.certvault.security.Grant(io.certvault.security.Role.ADMIN,
                                io.certvault.security.Scope.GLOBAL)), new DroppingAuditTrail(),
                io.certvault.application.UnitOfWork.NONE);
        var certificateKeys = io.certvault.testing.TestCallers.keys(vaults, guard);
        new IntegrationAccountService(repositories, guard).put(ACCOUNT, null, null, null);
        keyPair = TestCertificates.rsa(2048);
        certificate = TestCertificates.selfSigned(keyPair, "bench");
        vaults.vault("default").importKey("bench-key", keyPair);
        new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard).put(ACCOUNT, "bench",
                TestCertificates.base64(certificate), new KeyReference("default", "bench-key", null), null);
        messages = new MessageSecurityService(repositories, repositories, certificateKeys,
                new FixedMessageSettings(directory.resolve("spool"), 1024 * 1024, false), guard);

        signedMessage = directory.resolve("signed.msg");
        signedType = encodeTo(signedMessage, "bench", null);
        encryptedMessage = directory.resolve("encrypted.msg");
        encryptedType = encodeTo(encryptedMessage, null, "bench");

        plainSignedContent = directory.resolve("plain-content.bin");
        try (InputStream in = payload(); OutputStream out = Files.newOutputStream(plainSignedContent)) {
            in.transferTo(out);
        }
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        try (OutputStream signing = plainSigner().open(signature, false); InputStream in = payload()) {
            in.transferTo(signing);
        }
        plainSignature = signature.toByteArray();
        plainEncrypted = directory.resolve("plain-encrypted.der");
        try (OutputStream file = Files.newOutputStream(plainEncrypted);
                OutputStream encrypting = plainEncryptor(file); InputStream in = payload()) {
            in.transferTo(encrypting);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        vaults.close();
        deleteTree(directory);
    }

    /** Removes a benchmark's temporary directory with all in it. */
    static void deleteTree(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---- Certvault ------------------------------------------------------------------------------

    @Benchmark
    public long certvaultSign() throws Exception {
        return encode("bench", null);
    }

    @Benchmark
    public long certvaultEncrypt() throws Exception {
        return encode(null, "bench");
    }

    @Benchmark
    public long certvaultSignEncrypt() throws Exception {
        return encode("bench", "bench");
    }

    @Benchmark
    public long certvaultVerify() throws Exception {
        return decode(signedMessage, signedType);
    }

    @Benchmark
    public long certvaultDecrypt() throws Exception {
        return decode(encryptedMessage, encryptedType);
    }

    // ---- plain BouncyCastle ---------------------------------------------------------------------

    @Benchmark
    public long plainSign() throws Exception {
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        try (OutputStream signing = plainSigner().open(signature, false); InputStream in = payload()) {
            in.transferTo(signing);
        }
        return signature.size();
    }

    @Benchmark
    public long plainEncrypt() throws Exception {
        CountingStream out = new CountingStream();
        try (OutputStream encrypting = plainEncryptor(out); InputStream in = payload()) {
            in.transferTo(encrypting);
        }
        return out.count;
    }

    @Benchmark
    public long plainSignEncrypt() throws Exception {
        CountingStream out = new CountingStream();
        ByteArrayOutputStream signature = new ByteArrayOutputStream();
        try (OutputStream encrypting = plainEncryptor(out)) {
            try (OutputStream signing = plainSigner().open(signature, false); InputStream in = payload()) {
                byte[] buffer = new byte[64 * 1024];
                int count;
                while ((count = in.read(buffer)) != -1) {
                    signing.write(buffer, 0, count);
                    encrypting.write(buffer, 0, count);
                }
            }
            encrypting.write(signature.toByteArray());
        }
        return out.count;
    }

    @Benchmark
    public boolean plainVerify() throws Exception {
        try (InputStream content = new BufferedInputStream(Files.newInputStream(plainSignedContent), 64 * 1024)) {
            CMSSignedDataParser parser = new CMSSignedDataParser(new JcaDigestCalculatorProviderBuilder().build(),
                    new CMSTypedStream(content), plainSignature);
            parser.getSignedContent().drain();
            SignerInformation signer = parser.getSignerInfos().getSigners().iterator().next();
            return signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate));
        }
    }

    @Benchmark
    public long plainDecrypt() throws Exception {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(plainEncrypted), 64 * 1024)) {
            CMSEnvelopedDataParser parser = new CMSEnvelopedDataParser(in);
            RecipientInformation recipient = parser.getRecipientInfos().getRecipients().iterator().next();
            CountingStream out = new CountingStream();
            recipient.getContentStream(new JceKeyTransEnvelopedRecipient(keyPair.getPrivate())).getContentStream()
                    .transferTo(out);
            return out.count;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private long encode(String signer, String recipient) throws IOException {
        try (InputStream in = payload(); var encoded = messages.encode(ACCOUNT, in, TYPE,
                new MessageSecurityService.EncodeOptions(signer, null, recipient, null, false));
                InputStream body = encoded.body().input()) {
            // As the API answers: the spooled body goes out to the client.
            CountingStream out = new CountingStream();
            body.transferTo(out);
            return out.count;
        }
    }

    private String encodeTo(Path file, String signer, String recipient) throws IOException {
        try (InputStream in = payload(); var encoded = messages.encode(ACCOUNT, in, TYPE,
                new MessageSecurityService.EncodeOptions(signer, null, recipient, null, false));
                InputStream body = encoded.body().input(); OutputStream out = Files.newOutputStream(file)) {
            body.transferTo(out);
            return encoded.contentType();
        }
    }

    private long decode(Path message, String contentType) throws IOException {
        try (InputStream in = Files.newInputStream(message);
                var decoded = messages.decode(ACCOUNT, in, contentType, null, null);
                InputStream payload = decoded.payload().input()) {
            CountingStream out = new CountingStream();
            payload.transferTo(out);
            return out.count;
        }
    }

    private CMSSignedDataStreamGenerator plainSigner() throws Exception {
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                .build()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()), certificate));
        generator.addCertificates(new JcaCertStore(List.of(certificate)));
        return generator;
    }

    private OutputStream plainEncryptor(OutputStream out) throws Exception {
        CMSEnvelopedDataStreamGenerator generator = new CMSEnvelopedDataStreamGenerator();
        generator.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(certificate));
        return generator.open(out, new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build());
    }

    /** {@code size} bytes from a repeated random block: cheap to make, not compressible by accident. */
    private InputStream payload() {
        return new InputStream() {
            private final byte[] block = BLOCK;
            private long position;

            @Override
            public int read() {
                return position < size ? block[(int) (position++ % block.length)] & 0xff : -1;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) {
                if (position >= size) {
                    return -1;
                }
                int start = (int) (position % block.length);
                int count = (int) Math.min(Math.min(length, size - position), block.length - start);
                System.arraycopy(block, start, bytes, offset, count);
                position += count;
                return count;
            }
        };
    }

    private static final byte[] BLOCK = block();

    private static byte[] block() {
        byte[] block = new byte[1 << 16];
        new Random(3).nextBytes(block);
        return block;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }

    /** Computes each record's hash as the database trail does, and keeps nothing. */
    static final class DroppingAuditTrail implements io.certvault.audit.AuditTrail {
        private String last = io.certvault.audit.AuditChain.GENESIS;
        private long sequence;

        @Override
        public synchronized io.certvault.audit.AuditRecord append(io.certvault.audit.AuditEvent event) {
            String hash = io.certvault.audit.AuditChain.hash(last, ++sequence, event);
            var record = new io.certvault.audit.AuditRecord(sequence, event, last, hash);
            last = hash;
            return record;
        }

        @Override
        public java.util.List<io.certvault.audit.AuditRecord> find(io.certvault.audit.AuditQuery query,
                Long beforeSequence, int limit) {
            return java.util.List.of();
        }

        @Override
        public io.certvault.audit.AuditVerification verify() {
            return new io.certvault.audit.AuditVerification(true, sequence, last, null, null);
        }
    }
}
