package io.certvault.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.pki.CertificateDetails;
import io.certvault.testing.TestCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** What a certificate stores besides its DER, and the expiry rule. */
class CertificateTest {
    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    private static final KeyPair EC = TestCertificates.ec("secp256r1");

    @Test
    void detailsAreDerivedFromTheDerWheneverItChanges() throws Exception {
        Certificate certificate = new Certificate("contoso", "partner", NOW);
        X509Certificate first = TestCertificates.selfSigned(TestCertificates.rsa(2048), "first");
        certificate.update(first.getEncoded(), null, null, NOW);

        CertificateDetails details = certificate.details();
        assertThat(details).isEqualTo(CertificateDetails.of(first));
        assertThat(details.thumbprint()).isEqualTo(hex("SHA-1", first.getEncoded()));
        assertThat(details.thumbprintSha256()).isEqualTo(hex("SHA-256", first.getEncoded()));
        assertThat(details.subject()).isEqualTo("CN=first,O=Certvault Tests");
        assertThat(details.issuer()).isEqualTo("CN=first,O=Certvault Tests");
        assertThat(new BigInteger(details.serialNumber(), 16)).isEqualTo(first.getSerialNumber());
        assertThat(details.notAfter()).isEqualTo(first.getNotAfter().toInstant()).isEqualTo(certificate.notAfter());
        assertThat(details.keyAlgorithm()).isEqualTo("RSA");
        assertThat(details.keySize()).isEqualTo(2048);
        assertThat(details.keyCurve()).isNull();
        // Without the extension: the SHA-1 of the SubjectPublicKeyInfo, as Outlook and BouncyCastle identify it.
        assertThat(details.subjectKeyIdentifier()).isEqualTo(hex("SHA-1", first.getPublicKey().getEncoded()));

        X509Certificate second = withSubjectKeyIdentifier(EC, new byte[] {1, 2, 3, (byte) 0xAB});
        certificate.update(second.getEncoded(), null, null, NOW.plusSeconds(60));
        assertThat(certificate.details()).isEqualTo(CertificateDetails.of(second));
        assertThat(certificate.details().keyAlgorithm()).isEqualTo("EC");
        assertThat(certificate.details().keyCurve()).isEqualTo("P-256");
        assertThat(certificate.details().subjectKeyIdentifier()).isEqualTo("010203AB");
    }

    @Test
    void expiresSoonWithinTheWarningAndExpiredAfterItsLastSecond() {
        Duration warning = Duration.ofDays(30);
        Certificate fresh = expiring(NOW.plus(Duration.ofDays(31)));
        Certificate soon = expiring(NOW.plus(Duration.ofDays(29)));
        Certificate lastSecond = expiring(NOW);
        Certificate gone = expiring(NOW.minusSeconds(1));

        assertThat(fresh.expiresSoon(NOW, warning)).isFalse();
        assertThat(fresh.expired(NOW)).isFalse();
        assertThat(soon.expiresSoon(NOW, warning)).isTrue();
        assertThat(soon.expiresBefore(NOW.plus(warning))).isTrue();
        // Valid up to and including notAfter.
        assertThat(lastSecond.expired(NOW)).isFalse();
        assertThat(lastSecond.expiresSoon(NOW, warning)).isTrue();
        assertThat(gone.expired(NOW)).isTrue();
        assertThat(gone.expiresSoon(NOW, warning)).as("expired, not expiring").isFalse();
        assertThat(gone.expiresBefore(NOW)).isTrue();
        assertThat(fresh.expiresSoon(NOW, Duration.ZERO)).isFalse();
    }

    private static Certificate expiring(Instant notAfter) {
        Certificate certificate = new Certificate("contoso", "c", NOW);
        try {
            certificate.update(TestCertificates.selfSigned(EC, "c", notAfter.minus(Duration.ofDays(365)), notAfter)
                    .getEncoded(), null, null, NOW);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return certificate;
    }

    private static X509Certificate withSubjectKeyIdentifier(KeyPair pair, byte[] identifier) throws Exception {
        X500Name name = new X500Name("CN=ski");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(NOW.minusSeconds(3600)),
                Date.from(NOW.plus(Duration.ofDays(365))), name, pair.getPublic());
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                new org.bouncycastle.asn1.x509.SubjectKeyIdentifier(identifier));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String hex(String algorithm, byte[] der) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(der));
    }
}
