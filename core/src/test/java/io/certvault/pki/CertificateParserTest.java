package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.TestCertificates;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateParserTest {
    private static final KeyPair KEYS = TestCertificates.rsa(2048);
    private static final X509Certificate CERTIFICATE = TestCertificates.selfSigned(KEYS, "fabrikam");

    @Test
    void readsBase64Der() throws Exception {
        assertThat(CertificateParser.parse(TestCertificates.base64(CERTIFICATE))).isEqualTo(CERTIFICATE);
    }

    @Test
    void readsBase64DerWrappedOverLines() throws Exception {
        String wrapped = Base64.getMimeEncoder().encodeToString(CERTIFICATE.getEncoded());
        assertThat(wrapped).contains("\r\n");
        assertThat(CertificateParser.parse(wrapped)).isEqualTo(CERTIFICATE);
    }

    @Test
    void readsPem() {
        assertThat(CertificateParser.parse(TestCertificates.pem(CERTIFICATE))).isEqualTo(CERTIFICATE);
    }

    @Test
    void readsRawDer() throws Exception {
        assertThat(CertificateParser.parse(CERTIFICATE.getEncoded())).isEqualTo(CERTIFICATE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "not a certificate at all!", "SGVsbG8gd29ybGQ=",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})
    void refusesWhatIsNotACertificate(String input) {
        assertInvalid(() -> CertificateParser.parse(input));
    }

    @Test
    void refusesDerWithTrailingBytes() throws Exception {
        byte[] der = CERTIFICATE.getEncoded();
        byte[] longer = Arrays.copyOf(der, der.length + 4);
        assertInvalid(() -> CertificateParser.parse(Base64.getEncoder().encodeToString(longer)));
    }

    @Test
    void refusesTruncatedDer() throws Exception {
        byte[] der = CERTIFICATE.getEncoded();
        assertInvalid(() -> CertificateParser.parse(Arrays.copyOf(der, der.length - 10)));
    }

    @Test
    void refusesAPrivateKeyAndSaysSo() {
        String pem = TestCertificates.pem(CERTIFICATE) + TestCertificates.pkcs8Pem(KEYS.getPrivate());
        assertThatThrownBy(() -> CertificateParser.parse(pem)).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("private key");
    }

    @Test
    void refusesTwoCertificates() {
        String pem = TestCertificates.pem(CERTIFICATE) + TestCertificates.pem(TestCertificates.selfSigned(KEYS, "other"));
        assertThatThrownBy(() -> CertificateParser.parse(pem)).hasMessageContaining("more than one certificate");
    }

    @Test
    void detailsAreThoseWindowsAndAzureShow() throws Exception {
        CertificateDetails details = CertificateDetails.of(CERTIFICATE);

        String sha1 = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(CERTIFICATE.getEncoded()));
        assertThat(details.thumbprint()).isEqualTo(sha1).hasSize(40).isUpperCase();
        assertThat(details.thumbprintSha256()).hasSize(64);
        assertThat(details.subject()).isEqualTo("CN=fabrikam,O=Certvault Tests");
        assertThat(details.issuer()).isEqualTo(details.subject());
        assertThat(new BigInteger(details.serialNumber(), 16)).isEqualTo(CERTIFICATE.getSerialNumber());
        assertThat(details.notAfter()).isEqualTo(CERTIFICATE.getNotAfter().toInstant());
        assertThat(details.keyAlgorithm()).isEqualTo("RSA");
        assertThat(details.keySize()).isEqualTo(2048);
        assertThat(details.keyCurve()).isNull();

        CertificateDetails ec = CertificateDetails.of(TestCertificates.selfSigned(TestCertificates.ec("secp384r1"), "ec"));
        assertThat(ec.keyAlgorithm()).isEqualTo("EC");
        assertThat(ec.keySize()).isEqualTo(384);
        assertThat(ec.keyCurve()).isEqualTo("P-384");
    }

    @Test
    void errorsDoNotEchoTheInput() {
        String input = "zzzz-secret-looking-input-zzzz";
        assertThatThrownBy(() -> CertificateParser.parse(input.getBytes(StandardCharsets.UTF_8)))
                .message().doesNotContain(input);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.INVALID_CERTIFICATE));
    }
}
