package io.certvault.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSSignedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages cut short or altered anywhere are refused with a client error code, or (where the change touches
 * nothing that is checked) still decode to the original payload; never another exception, which the API would
 * answer as a 500.
 */
class SmimeDecoderRobustnessTest {
    private static final InMemoryVault VAULT = new InMemoryVault("memory");
    private static final KeyPair RSA = TestCertificates.rsa(2048);
    private static final KeyPair EC = TestCertificates.ec("secp256r1");
    private static final X509Certificate RSA_CERT = TestCertificates.selfSigned(RSA, "contoso-rsa");
    private static final X509Certificate EC_CERT = TestCertificates.selfSigned(EC, "contoso-ec");
    private static final byte[] PAYLOAD = payload();
    /** What a message may be refused with: every code here is a 400 that says what is wrong with it. */
    private static final Set<ErrorCode> MESSAGE_FAULTS = Set.of(ErrorCode.MALFORMED_MESSAGE,
            ErrorCode.DECRYPTION_FAILED, ErrorCode.INTEGRITY_CHECK_FAILED, ErrorCode.SIGNATURE_INVALID,
            ErrorCode.SIGNER_UNKNOWN, ErrorCode.NO_MATCHING_RECIPIENT, ErrorCode.ALGORITHM_NOT_ALLOWED);

    static {
        VAULT.importKey("rsa", RSA);
        VAULT.importKey("ec", EC);
    }

    @TempDir
    Path spoolDirectory;

    /** A message as sent; {@code checked} when its outermost layer has a signature, tag or checksum over all within. */
    record Message(String name, String contentType, byte[] body, boolean checked) {
        @Override
        public String toString() {
            return name + " (" + body.length + " bytes)";
        }

        Message der() {
            try {
                return new Message(name + ", DER", contentType,
                        ASN1Primitive.fromByteArray(body).getEncoded(ASN1Encoding.DER), checked);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static Stream<Message> messages() throws Exception {
        Message cbc = encode("enveloped AES-256-CBC", false, "AES256", false, RSA_CERT);
        Message gcm = encode("auth-enveloped AES-128-GCM", false, "AES128GCM", false, RSA_CERT);
        Message compressed = encode("compressed", false, null, true, null);
        Message opaque = opaqueSigned();
        // The streaming encoder writes BER with indefinite lengths; DER has definite ones throughout.
        return Stream.of(cbc, cbc.der(), gcm, gcm.der(), compressed, compressed.der(), opaque, opaque.der(),
                encode("multipart/signed", true, null, false, null),
                encode("signed and enveloped AES-256-GCM", true, "AES256GCM", false, RSA_CERT),
                encode("signed, compressed and enveloped AES-192-CBC", true, "AES192", true, RSA_CERT),
                encode("compressed and enveloped AES-256-GCM by key agreement", false, "AES256GCM", true, EC_CERT));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void aMessageCutShortAnywhereIsRefusedWithAClientCode(Message message) throws Exception {
        assertThat(decodes(message, message.body())).as("the whole message").isTrue();
        for (int length = 0; length < message.body().length; length += 7) {
            decodes(message, Arrays.copyOf(message.body(), length));
        }
    }

    @ParameterizedTest
    @MethodSource("messages")
    void aMessageAlteredAnywhereIsRefusedOrUnchanged(Message message) throws Exception {
        for (int offset = 0; offset < message.body().length; offset += 13) {
            byte[] altered = message.body().clone();
            altered[offset] ^= (byte) (1 << (offset % 8));
            decodes(message, altered);
        }
    }

    @Test
    void anAlteredGcmTagOrCiphertextFailsTheIntegrityCheck() throws Exception {
        Message gcm = encode("auth-enveloped", false, "AES128GCM", false, RSA_CERT).der();
        byte[] body = gcm.body();
        // In DER without unauthenticated attributes the 16-byte tag ends the message; the ciphertext is before it.
        for (int offset : new int[] {body.length - 1, body.length - 16, body.length - 40, body.length - 500}) {
            byte[] altered = body.clone();
            altered[offset] ^= 0x01;
            assertCode(gcm, altered, ErrorCode.INTEGRITY_CHECK_FAILED);
        }
        // A BER message cut after its content lacks the tag.
        Message ber = encode("auth-enveloped", false, "AES128GCM", false, RSA_CERT);
        assertThatThrownBy(() -> decoder().decode(new ByteArrayInputStream(Arrays.copyOf(ber.body(),
                ber.body().length - 20)), ber.contentType(), null)).isInstanceOf(CertvaultException.class);
    }

    @Test
    void anAlteredCompressionChecksumFailsTheIntegrityCheck() throws Exception {
        Message compressed = encode("compressed", false, null, true, null).der();
        byte[] altered = compressed.body().clone();
        // The zlib stream, and with it the DER message, ends with the Adler-32 of the content.
        altered[altered.length - 1] ^= 0x01;
        assertCode(compressed, altered, ErrorCode.INTEGRITY_CHECK_FAILED);
    }

    @Test
    void encryptedContentCutShortIsMalformedOrUndecryptable() throws Exception {
        for (Message cbc : List.of(encode("enveloped", false, "AES256", false, RSA_CERT),
                encode("enveloped", false, "AES256", false, RSA_CERT).der())) {
            byte[] cut = Arrays.copyOf(cbc.body(), cbc.body().length - 100);
            assertThatThrownBy(() -> decoder().decode(new ByteArrayInputStream(cut), cbc.contentType(), null))
                    .isInstanceOf(CertvaultException.class).satisfies(e -> assertThat(((CertvaultException) e)
                            .errorCode()).isIn(ErrorCode.MALFORMED_MESSAGE, ErrorCode.DECRYPTION_FAILED));
        }
    }

    @Test
    void aFailingSpoolDiskIsTheServersFaultNotTheMessages() throws Exception {
        Message cbc = encode("enveloped", false, "AES256", false, RSA_CERT);
        Path notADirectory = Files.createFile(spoolDirectory.resolve("file"));
        SmimeDecoder decoder = new SmimeDecoder(lookup(key("rsa")), (name, certificate, use) -> { },
                () -> new Spool(notADirectory.resolve("spool"), 16));
        assertThatThrownBy(() -> decoder.decode(new ByteArrayInputStream(cbc.body()), cbc.contentType(), null))
                .isInstanceOf(Spool.Failure.class);
    }

    @Test
    void anUnavailableVaultKeepsItsCode() throws Exception {
        InMemoryVault down = new InMemoryVault("down") {
            @Override
            public byte[] decrypt(VaultKey key, EncryptionAlgorithm algorithm, byte[] ciphertext) {
                throw new VaultException(ErrorCode.VAULT_UNAVAILABLE, "vault 'down' is unavailable");
            }
        };
        down.importKey("rsa", RSA);
        Message gcm = encode("auth-enveloped", false, "AES128GCM", false, RSA_CERT);
        SmimeDecoder decoder = new SmimeDecoder(lookup(io.certvault.vault.BoundKey.of(down, down.getKey("rsa", null))),
                (name, certificate, use) -> { }, () -> new Spool(spoolDirectory, 1024));
        assertThatThrownBy(() -> decoder.decode(new ByteArrayInputStream(gcm.body()), gcm.contentType(), null))
                .isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_UNAVAILABLE));
    }

    /** True when the body decoded to the original payload; fails the test on any outcome but that or a refusal. */
    private boolean decodes(Message message, byte[] body) throws IOException {
        try (var decoded = decoder().decode(new ByteArrayInputStream(body), message.contentType(), null)) {
            byte[] payload = decoded.payload().input().readAllBytes();
            if (message.checked()) {
                assertThat(payload).as("%s as %d bytes decoded to another payload", message, body.length)
                        .isEqualTo(PAYLOAD);
            }
            return Arrays.equals(payload, PAYLOAD);
        } catch (CertvaultException e) {
            assertThat(e.errorCode()).as("%s as %d bytes: %s", message, body.length, e.getMessage())
                    .isIn(MESSAGE_FAULTS);
            return false;
        } catch (Exception | Error e) {
            fail(message + " as " + body.length + " bytes failed with " + e, e);
            return false;
        }
    }

    private void assertCode(Message message, byte[] body, ErrorCode code) {
        assertThatThrownBy(() -> decoder().decode(new ByteArrayInputStream(body), message.contentType(), null))
                .isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).as(e.getMessage()).isEqualTo(code));
    }

    private SmimeDecoder decoder() {
        return new SmimeDecoder(lookup(key("rsa")), (name, certificate, use) -> { },
                () -> new Spool(spoolDirectory, 1024));
    }

    private static SmimeDecoder.CertificateLookup lookup(io.certvault.vault.BoundKey rsa) {
        return SmimeDecoder.CertificateLookup.of(List.of(
                new SmimeDecoder.PrivateCertificate("contoso-rsa", RSA_CERT, rsa),
                new SmimeDecoder.PrivateCertificate("contoso-ec", EC_CERT, key("ec"))),
                List.of(new SmimeDecoder.KnownCertificate("contoso-rsa", RSA_CERT)));
    }

    private static io.certvault.vault.BoundKey key(String name) {
        return io.certvault.vault.BoundKey.of(VAULT, VAULT.getKey(name, null));
    }

    /** Text-like, so that it compresses, and large enough to span several cipher and zlib blocks. */
    private static byte[] payload() {
        Random random = new Random(12);
        StringBuilder text = new StringBuilder();
        while (text.length() < 1500) {
            text.append("ISA*00*").append(random.nextInt(100_000)).append("~\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static Message encode(String name, boolean sign, String cipher, boolean compress, X509Certificate to)
            throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(PAYLOAD), "application/edi-x12",
                sign ? new SmimeEncoder.Signing(RSA_CERT, key("rsa"), SigningAlgorithm.DEFAULT) : null,
                cipher == null ? null : new SmimeEncoder.Encryption(to, ContentEncryption.parse(cipher)), compress, body);
        // CBC protects nothing: whatever it wraps (headers included) may be altered unnoticed.
        boolean checked = cipher != null ? ContentEncryption.parse(cipher).authenticated() : sign || compress;
        return new Message(name, encoded.contentType(), body.toByteArray(), checked);
    }

    /** Opaque signed-data (the content inside the CMS structure), which Certvault's encoder does not write. */
    private static Message opaqueSigned() throws Exception {
        CMSSignedDataStreamGenerator generator = new CMSSignedDataStreamGenerator();
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder()
                .build()).build(new JcaContentSignerBuilder("SHA256withRSA").build(RSA.getPrivate()), RSA_CERT));
        generator.addCertificates(new JcaCertStore(List.of(RSA_CERT)));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (OutputStream content = generator.open(body, true)) {
            MimeEntity.writeHeaders(content, "application/edi-x12", "binary");
            content.write(PAYLOAD);
        }
        return new Message("opaque signed-data", "application/pkcs7-mime; smime-type=signed-data",
                body.toByteArray(), true);
    }
}
