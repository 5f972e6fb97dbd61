package io.certvault.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encoding and decoding with each other, with vault-held keys, in every layer combination. */
class SmimeRoundTripTest {
    private static final InMemoryVault VAULT = new InMemoryVault("memory");
    private static final KeyPair RSA = TestCertificates.rsa(2048);
    private static final KeyPair EC = TestCertificates.ec("secp256r1");
    private static final X509Certificate RSA_CERT = TestCertificates.selfSigned(RSA, "contoso-rsa");
    private static final X509Certificate EC_CERT = TestCertificates.selfSigned(EC, "contoso-ec");

    static {
        VAULT.importKey("rsa", RSA);
        VAULT.importKey("ec", EC);
    }

    @TempDir
    Path spoolDirectory;

    private static io.certvault.vault.BoundKey key(String name) {
        return io.certvault.vault.BoundKey.of(VAULT, VAULT.getKey(name, null));
    }

    private SmimeDecoder decoder(List<SmimeDecoder.KnownCertificate> known) {
        return new SmimeDecoder(SmimeDecoder.CertificateLookup.of(List.of(
                new SmimeDecoder.PrivateCertificate("contoso-rsa", RSA_CERT, key("rsa")),
                new SmimeDecoder.PrivateCertificate("contoso-ec", EC_CERT, key("ec"))), known),
                (name, certificate, use) -> { }, () -> new Spool(spoolDirectory, 1024));
    }

    private static List<SmimeDecoder.KnownCertificate> known() {
        return List.of(new SmimeDecoder.KnownCertificate("contoso-rsa", RSA_CERT),
                new SmimeDecoder.KnownCertificate("contoso-ec", EC_CERT));
    }

    @ParameterizedTest
    @CsvSource({
        "true, false, false, SHA2256, AES256", "false, true, false, SHA2256, AES128", "false, false, true, SHA2256, AES256",
        "true, true, false, SHA1, DES3", "true, true, true, SHA2512, AES192", "true, true, false, SHA2384-PSS, AES256GCM",
        "true, false, true, SHA2256, AES128GCM"})
    void roundTrips(boolean sign, boolean encrypt, boolean compress, String hash, String cipher) throws Exception {
        byte[] payload = new byte[300_000];
        new Random(7).nextBytes(payload);

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(payload), "application/edi-x12",
                sign ? new SmimeEncoder.Signing(RSA_CERT, key("rsa"), SigningAlgorithm.parse(hash)) : null,
                encrypt ? new SmimeEncoder.Encryption(RSA_CERT, ContentEncryption.parse(cipher)) : null, compress, body);

        try (var decoded = decoder(known()).decode(new ByteArrayInputStream(body.toByteArray()), encoded.contentType(),
                null)) {
            assertThat(decoded.payload().input().readAllBytes()).isEqualTo(payload);
            assertThat(decoded.contentType()).startsWith("application/edi-x12");
            assertThat(decoded.signedBy()).isEqualTo(sign ? "contoso-rsa" : null);
            assertThat(decoded.decryptedWith()).isEqualTo(encrypt ? "contoso-rsa" : null);
            assertThat(decoded.decompressed()).isEqualTo(compress);
            if (sign) {
                assertThat(decoded.mic()).isEqualTo(encoded.mic());
            }
        }
    }

    @Test
    void ecKeysSignWithEcdsa() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream("hello\nworld\n".getBytes(StandardCharsets.US_ASCII)),
                "text/plain", new SmimeEncoder.Signing(EC_CERT, key("ec"), SigningAlgorithm.parse("SHA2384")),
                null, false, body);
        assertThat(encoded.contentType()).contains("micalg=sha-384");
        try (var decoded = decoder(known()).decode(new ByteArrayInputStream(body.toByteArray()), encoded.contentType(),
                null)) {
            assertThat(decoded.signedBy()).isEqualTo("contoso-ec");
            // Text is signed with canonical line ends.
            assertThat(new String(decoded.payload().input().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello\r\nworld\r\n");
        }
    }

    @ParameterizedTest
    @CsvSource({"AES256", "AES128GCM"})
    void encryptsToEcCertificatesByKeyAgreement(String cipher) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(new byte[] {1, 2, 3}), "application/octet-stream",
                null, new SmimeEncoder.Encryption(EC_CERT, ContentEncryption.parse(cipher)), false, body);
        try (var decoded = decoder(known()).decode(new ByteArrayInputStream(body.toByteArray()), encoded.contentType(),
                null)) {
            assertThat(decoded.decryptedWith()).isEqualTo("contoso-ec");
            assertThat(decoded.payload().input().readAllBytes()).containsExactly(1, 2, 3);
        }
    }

    @Test
    void aSignedMdnKeepsItsReportUnencodedAndAnswersItsLongContentTypeOnOneLine() throws Exception {
        var report = DispositionNotification.report("Received.", "Certvault", "Contoso", "<1@fabrikam>",
                "abc=, sha-256", DispositionNotification.PROCESSED);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(report.body()), report.contentType(),
                new SmimeEncoder.Signing(RSA_CERT, key("rsa"), SigningAlgorithm.DEFAULT), null, false,
                MicAlgorithm.SHA1, body);
        assertThat(encoded.mic()).endsWith(", sha1");
        // A multipart may not be base64 (RFC 2045 6.4): the report is signed as the text it is.
        assertThat(body.toString(StandardCharsets.US_ASCII)).contains("Original-Message-ID: <1@fabrikam>");
        try (var decoded = decoder(known()).micIn(MicAlgorithm.SHA1).decode(new ByteArrayInputStream(
                body.toByteArray()), encoded.contentType(), null)) {
            assertThat(decoded.contentType()).startsWith("multipart/report").doesNotContain("\r").doesNotContain("\n")
                    .contains("report-type=disposition-notification");
            assertThat(decoded.mic()).as("the MIC in the hash asked for, not the signature's").isEqualTo(encoded.mic());
            assertThat(decoded.payload().input().readAllBytes()).isEqualTo(report.body());
        }
    }

    @Test
    void anUnsignedMessageHasItsMicOverTheDecryptedEntityOnBothSides() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream("UNB+UNOC:3'".getBytes(StandardCharsets.US_ASCII)),
                "application/edifact", null, new SmimeEncoder.Encryption(RSA_CERT, ContentEncryption.AES128), false,
                MicAlgorithm.SHA384, body);
        assertThat(encoded.mic()).endsWith(", sha-384");
        try (var decoded = decoder(known()).micIn(MicAlgorithm.SHA384).decode(new ByteArrayInputStream(
                body.toByteArray()), encoded.contentType(), null)) {
            assertThat(decoded.signedBy()).isNull();
            assertThat(decoded.mic()).isEqualTo(encoded.mic());
        }
        // Without a MIC asked for, an unsigned message has none.
        try (var decoded = decoder(known()).decode(new ByteArrayInputStream(body.toByteArray()),
                encoded.contentType(), null)) {
            assertThat(decoded.mic()).isNull();
        }
    }

    @Test
    void aTamperedSignedMessageIsRefused() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream("ISA*00*payload".getBytes(StandardCharsets.US_ASCII)),
                "text/plain", new SmimeEncoder.Signing(RSA_CERT, key("rsa"), SigningAlgorithm.DEFAULT),
                null, false, body);
        String signed = body.toString(StandardCharsets.ISO_8859_1);
        assertThat(signed).contains("ISA*00*payload");
        String tampered = signed.replace("ISA*00*payload", "ISA*00*pay1oad");

        assertCode(() -> decoder(known()).decode(new ByteArrayInputStream(tampered.getBytes(StandardCharsets.ISO_8859_1)),
                encoded.contentType(), null), ErrorCode.SIGNATURE_INVALID);
        assertCode(() -> decoder(List.of(new SmimeDecoder.KnownCertificate("contoso-ec", EC_CERT))).decode(
                new ByteArrayInputStream(body.toByteArray()), encoded.contentType(), null), ErrorCode.SIGNER_UNKNOWN);
    }

    @Test
    void aMessageForSomeoneElseNamesItsRecipients() throws Exception {
        X509Certificate stranger = TestCertificates.selfSigned(TestCertificates.rsa(2048), "stranger");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        var encoded = SmimeEncoder.encode(new ByteArrayInputStream(new byte[10]), "application/octet-stream", null,
                new SmimeEncoder.Encryption(stranger, ContentEncryption.AES256), false, body);

        assertThatThrownBy(() -> decoder(known()).decode(new ByteArrayInputStream(body.toByteArray()),
                encoded.contentType(), null)).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("CN=stranger")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.NO_MATCHING_RECIPIENT));
    }

    @Test
    void garbageIsMalformedNotAnError() {
        assertCode(() -> decoder(known()).decode(new ByteArrayInputStream("not cms".getBytes(StandardCharsets.US_ASCII)),
                "application/pkcs7-mime; smime-type=enveloped-data", null), ErrorCode.MALFORMED_MESSAGE);
        assertCode(() -> decoder(known()).decode(new ByteArrayInputStream(new byte[] {0x30, 0x03, 1, 2, 3}),
                "application/pkcs7-mime; smime-type=compressed-data", null), ErrorCode.MALFORMED_MESSAGE);
        assertCode(() -> decoder(known()).decode(new ByteArrayInputStream("--x\r\nabc".getBytes(StandardCharsets.US_ASCII)),
                "multipart/signed; boundary=x", null), ErrorCode.MALFORMED_MESSAGE);
        assertCode(() -> decoder(known()).decode(new ByteArrayInputStream("plain".getBytes(StandardCharsets.US_ASCII)),
                "text/plain", null), ErrorCode.MALFORMED_MESSAGE);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).as(e.getMessage()).isEqualTo(code));
    }
}
