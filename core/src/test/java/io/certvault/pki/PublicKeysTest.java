package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.TestCertificates;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class PublicKeysTest {

    @Test
    void sameKeyWhateverTheProviderOrObject() throws Exception {
        KeyPair rsa = TestCertificates.rsa(2048);
        PublicKey viaBouncyCastle = KeyFactory.getInstance("RSA", new BouncyCastleProvider())
                .generatePublic(new X509EncodedKeySpec(rsa.getPublic().getEncoded()));
        assertThat(PublicKeys.same(rsa.getPublic(), viaBouncyCastle)).isTrue();

        KeyPair ec = TestCertificates.ec("secp256r1");
        PublicKey ecViaBouncyCastle = KeyFactory.getInstance("EC", new BouncyCastleProvider())
                .generatePublic(new X509EncodedKeySpec(ec.getPublic().getEncoded()));
        assertThat(PublicKeys.same(ec.getPublic(), ecViaBouncyCastle)).isTrue();
        assertThat(SubjectPublicKeyInfo.getInstance(ec.getPublic().getEncoded()).getAlgorithm().getParameters())
                .isNotNull();
    }

    @Test
    void differentKeysDiffer() {
        assertThat(PublicKeys.same(TestCertificates.rsa(2048).getPublic(), TestCertificates.rsa(2048).getPublic()))
                .isFalse();
        assertThat(PublicKeys.same(TestCertificates.ec("secp256r1").getPublic(),
                TestCertificates.ec("secp256r1").getPublic())).isFalse();
        assertThat(PublicKeys.same(TestCertificates.ec("secp256r1").getPublic(),
                TestCertificates.rsa(2048).getPublic())).isFalse();
        assertThat(PublicKeys.same(TestCertificates.ec("secp384r1").getPublic(), null)).isFalse();
    }

    @Test
    void describesKeys() {
        assertThat(PublicKeys.algorithm(TestCertificates.rsa(3072).getPublic())).isEqualTo("RSA");
        assertThat(PublicKeys.size(TestCertificates.rsa(3072).getPublic())).isEqualTo(3072);
        var ec = (java.security.interfaces.ECPublicKey) TestCertificates.ec("secp384r1").getPublic();
        assertThat(PublicKeys.size(ec)).isEqualTo(384);
        assertThat(PublicKeys.curveName(ec)).isEqualTo("P-384");
    }
}
