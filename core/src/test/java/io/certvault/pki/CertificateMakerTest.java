package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeyType;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Certificates made from a profile, signed by whatever signs (here a local key; in Certvault, a vault). */
class CertificateMakerTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void anRsaCertificateSaysWhatItsProfileSays() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        CertificateProfile profile = CertificateProfile.of("CN=Contoso AS2, O=Contoso Ltd, C=US",
                List.of("as2.contoso.example"), List.of("as2@contoso.example"), List.of("https://contoso.example/as2"),
                null, List.of("emailProtection", "1.3.6.1.5.5.7.3.2"), 30, KeyType.RSA);
        X509Certificate made = CertificateMaker.selfSigned(pair.getPublic(), signer("SHA256withRSA", pair), profile,
                NOW);

        made.verify(pair.getPublic());
        assertThat(made.getSubjectX500Principal()).isEqualTo(made.getIssuerX500Principal());
        assertThat(made.getSubjectX500Principal().getName()).isEqualTo("CN=Contoso AS2,O=Contoso Ltd,C=US");
        assertThat(made.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        // digitalSignature, keyEncipherment, dataEncipherment: what AS2 partners expect of an RSA certificate.
        assertThat(made.getKeyUsage()).startsWith(true, false, true, true, false, false, false);
        assertThat(made.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
        assertThat(made.getExtendedKeyUsage()).containsExactly(KeyPurposeId.id_kp_emailProtection.getId(),
                KeyPurposeId.id_kp_clientAuth.getId());
        assertThat(made.getSubjectAlternativeNames().stream().map(n -> n.get(1).toString()).toList())
                .containsExactly("as2.contoso.example", "as2@contoso.example", "https://contoso.example/as2");
        assertThat(made.getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateMaker.BACKDATE));
        assertThat(made.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        assertThat(made.getSerialNumber().signum()).isPositive();
        assertThat(made.getSerialNumber().bitLength()).isEqualTo(127);
        assertThat(CertificateDetails.of(made).subjectKeyIdentifier()).isNotNull();
    }

    @Test
    void anEcCertificateAgreesKeysRatherThanEnciphers() throws Exception {
        KeyPair pair = TestCertificates.ec("secp256r1");
        X509Certificate made = CertificateMaker.selfSigned(pair.getPublic(), signer("SHA256withECDSA", pair),
                CertificateProfile.of("CN=Contoso EC", null, null, null, null, null, null, KeyType.EC), NOW);
        assertThat(made.getKeyUsage()).startsWith(true, false, false, false, true);
        assertThat(made.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(made.getExtendedKeyUsage()).isNull();
    }

    @Test
    void aSignerThatUsesAnotherKeyIsCaught() {
        KeyPair named = TestCertificates.rsa(2048);
        KeyPair other = TestCertificates.rsa(2048);
        assertThatThrownBy(() -> CertificateMaker.selfSigned(named.getPublic(), signer("SHA256withRSA", other),
                CertificateProfile.of("CN=x", null, null, null, null, null, null, KeyType.RSA), NOW))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not verify");
    }

    @Test
    void aProfileIsCheckedAndTheFaultNamed() {
        Object[][] refused = {
                {"", null, null, null, "subject is required"},
                {"CN", null, null, null, "not a distinguished name"},
                {"CN=x", List.of("a b"), null, null, "dnsNames"},
                {"CN=x", null, List.of("keyEncipherment"), KeyType.EC, "EC key does not encipher"},
                {"CN=x", null, List.of("signEverything"), null, "not a key usage"},
        };
        for (Object[] r : refused) {
            @SuppressWarnings("unchecked")
            List<String> dns = (List<String>) r[1];
            @SuppressWarnings("unchecked")
            List<String> usage = (List<String>) r[2];
            KeyType type = r[3] == null ? KeyType.RSA : (KeyType) r[3];
            assertThatThrownBy(() -> CertificateProfile.of((String) r[0], dns, null, null, usage, null, null, type))
                    .as((String) r[4]).isInstanceOf(CertvaultException.class).hasMessageContaining((String) r[4]);
        }
        assertThatThrownBy(() -> CertificateProfile.of("CN=x", null, List.of("no-at"), null, null, null, null,
                KeyType.RSA)).hasMessageContaining("emails");
        assertThatThrownBy(() -> CertificateProfile.of("CN=x", null, null, List.of("relative/path"), null, null, null,
                KeyType.RSA)).hasMessageContaining("uris");
        assertThatThrownBy(() -> CertificateProfile.of("CN=x", null, null, null, null, List.of("9.9"), null,
                KeyType.RSA)).hasMessageContaining("ekus");
        assertThatThrownBy(() -> CertificateProfile.of("CN=x", null, null, null, null, null, 3651, KeyType.RSA))
                .hasMessageContaining("validityInDays");
    }

    private static ContentSigner signer(String algorithm, KeyPair pair) {
        try {
            return new JcaContentSignerBuilder(algorithm).build(pair.getPrivate());
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }
}
