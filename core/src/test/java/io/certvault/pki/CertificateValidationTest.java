package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.pki.CertificateValidation.Check;
import io.certvault.pki.CertificateValidation.Outcome;
import io.certvault.pki.CertificateValidation.RevocationFailure;
import io.certvault.pki.CertificateValidation.Use;
import io.certvault.testing.TestCa;
import io.certvault.testing.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CertificateValidationTest {
    private static final String CRL = "http://crl.test/intermediate.crl";
    private static final String OCSP = "http://ocsp.test/";

    private final TestCa root = TestCa.root("Test Root");
    private final TestCa intermediate = root.intermediate("Test Intermediate");
    private final KeyPair partnerKey = TestCertificates.rsa(2048);
    private final List<String> asked = new ArrayList<>();
    private boolean ocspDown;
    private boolean crlDown;

    private final RevocationChecker.Fetcher fetcher = new RevocationChecker.Fetcher() {
        @Override
        public byte[] get(URI uri) throws IOException {
            asked.add("GET " + uri);
            if (crlDown || !uri.toString().equals(CRL)) {
                throw new IOException("Connection refused");
            }
            try {
                return intermediate.crl().getEncoded();
            } catch (java.security.cert.CRLException e) {
                throw new IOException(e);
            }
        }

        @Override
        public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
            asked.add("POST " + uri);
            if (ocspDown) {
                throw new IOException("Connection refused");
            }
            return intermediate.ocsp(body);
        }
    };

    private CertificateValidation.Context context(RevocationFailure failure, Map<X509Certificate, X509CRL> uploaded) {
        return new CertificateValidation.Context(List.of(root.certificate()), List.of(),
                issuer -> Optional.ofNullable(uploaded.get(issuer)), new RevocationChecker(fetcher, Clock.systemUTC()),
                failure, true);
    }

    private static Check check(CertificateValidation.Result result, String name) {
        return result.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aCertificateWithItsChainIsValidUpToTheAnchorAndNotRevokedByOcsp() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, CRL, OCSP);
        crlDown = true; // so that only the responder can answer
        var result = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.SIGNING,
                Instant.now(), context(RevocationFailure.HARD, Map.of()));

        assertThat(result.valid()).as(result.checks().toString()).isTrue();
        assertThat(result.path()).containsExactly(partner, intermediate.certificate(), root.certificate());
        assertThat(check(result, "trust").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(check(result, "revocation").outcome()).isEqualTo(Outcome.PASSED);
        assertThat(result.revocation()).extracting(RevocationChecker.Status::source).first().asString()
                .startsWith("OCSP");
    }

    @Test
    void aRevokedCertificateFailsByOcspAndByCrlWhenTheResponderIsDown() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, CRL, OCSP);
        intermediate.revoke(partner);
        var byOcsp = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now(), context(RevocationFailure.HARD, Map.of()));
        assertThat(byOcsp.valid()).isFalse();
        assertThat(check(byOcsp, "revocation").code()).isEqualTo("CertificateRevoked");
        assertThat(check(byOcsp, "revocation").reason()).contains("KEY_COMPROMISE", "OCSP");

        ocspDown = true;
        var byCrl = CertificateValidation.revocationOnly(partner, List.of(intermediate.certificate()),
                context(RevocationFailure.HARD, Map.of()));
        assertThat(byCrl.valid()).isFalse();
        assertThat(check(byCrl, "revocation").reason()).contains("CRL " + CRL);
    }

    @Test
    void anUnreachableSourceIsAWarningOnSoftFailAndAFailureOnHardFail() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, CRL, OCSP);
        ocspDown = true;
        crlDown = true;
        var soft = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now(), context(RevocationFailure.SOFT, Map.of()));
        assertThat(soft.valid()).isTrue();
        assertThat(check(soft, "revocation").outcome()).isEqualTo(Outcome.WARNING);
        assertThat(check(soft, "revocation").reason()).contains("Connection refused");

        var hard = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now(), context(RevocationFailure.HARD, Map.of()));
        assertThat(hard.valid()).isFalse();
        assertThat(check(hard, "revocation").code()).isEqualTo("RevocationUnknown");
    }

    @Test
    void anUploadedCrlAnswersForACertificateThatNamesNoSource() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, null, null);
        var unchecked = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now(), context(RevocationFailure.HARD, Map.of()));
        assertThat(unchecked.valid()).isTrue();
        assertThat(check(unchecked, "revocation").reason()).contains("names no OCSP responder");

        intermediate.revoke(partner);
        var revoked = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now(), context(RevocationFailure.HARD, Map.of(intermediate.certificate(), intermediate.crl())));
        assertThat(revoked.valid()).isFalse();
        assertThat(check(revoked, "revocation").reason()).contains("uploaded CRL");
        assertThat(asked).isEmpty();
    }

    @Test
    void withoutTheIntermediateOrTheAnchorThereIsNoTrust() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, null, null);
        var missing = CertificateValidation.validate(partner, List.of(), Use.ANY, Instant.now(),
                context(RevocationFailure.SOFT, Map.of()));
        assertThat(missing.valid()).isFalse();
        assertThat(check(missing, "trust").code()).isEqualTo("NoTrustAnchor");
        assertThat(check(missing, "trust").reason()).contains("Test Intermediate");

        X509Certificate self = TestCertificates.selfSigned(partnerKey, "self");
        var untrusted = CertificateValidation.validate(self, List.of(), Use.ANY, Instant.now(),
                context(RevocationFailure.SOFT, Map.of()));
        assertThat(check(untrusted, "trust").reason()).contains("is not a trust anchor");
        var trusted = CertificateValidation.validate(self, List.of(), Use.ANY, Instant.now(),
                new CertificateValidation.Context(List.of(self), List.of(), i -> Optional.empty(),
                        new RevocationChecker(fetcher, Clock.systemUTC()), RevocationFailure.HARD, true));
        assertThat(trusted.valid()).as(trusted.checks().toString()).isTrue();
    }

    @Test
    void anExpiredCertificateAndAWrongKeyUsageAreEachReported() {
        X509Certificate partner = intermediate.issue("partner", partnerKey, null, null);
        var later = CertificateValidation.validate(partner, List.of(intermediate.certificate()), Use.ANY,
                Instant.now().plus(java.time.Duration.ofDays(400)), context(RevocationFailure.SOFT, Map.of()));
        assertThat(later.valid()).isFalse();
        assertThat(check(later, "validity").code()).isEqualTo("CertificateExpired");
        // Expiry is reported once, as validity: the path itself is checked at a time it was valid.
        assertThat(check(later, "trust").outcome()).isEqualTo(Outcome.PASSED);

        var ca = CertificateValidation.validate(intermediate.certificate(), List.of(), Use.ENCRYPTION, Instant.now(),
                context(RevocationFailure.SOFT, Map.of()));
        assertThat(check(ca, "keyUsage").code()).isEqualTo("KeyUsageNotAllowed");
        assertThat(check(ca, "trust").outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void aCrlFromAnotherIssuerIsRefused() {
        TestCa other = TestCa.root("Other");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> RevocationChecker.readCrl(other.crl().getEncoded(), intermediate.certificate())))
                .hasMessageContaining("issued by");
    }
}
