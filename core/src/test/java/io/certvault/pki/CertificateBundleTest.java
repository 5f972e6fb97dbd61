package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.TestCa;
import io.certvault.testing.TestCertificates;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateBundleTest {
    private final TestCa root = TestCa.root("Bundle Root");
    private final TestCa intermediate = root.intermediate("Bundle Intermediate");
    private final X509Certificate leaf = intermediate.issue("leaf", TestCertificates.rsa(2048), null, null);

    @Test
    void aBundleInAnyOrderIsOrderedFromTheCertificateUp() {
        String pem = TestCertificates.pem(root.certificate()) + TestCertificates.pem(leaf)
                + TestCertificates.pem(intermediate.certificate());
        CertificateBundle.Chain chain = CertificateBundle.upload(pem);
        assertThat(chain.leaf()).isEqualTo(leaf);
        assertThat(chain.issuers()).containsExactly(intermediate.certificate(), root.certificate());
    }

    @Test
    void oneCertificateIsReadAsBeforeWithNoChain() {
        CertificateBundle.Chain chain = CertificateBundle.upload(TestCertificates.base64(leaf));
        assertThat(chain.leaf()).isEqualTo(leaf);
        assertThat(chain.issuers()).isEmpty();
    }

    @Test
    void certificatesThatAreNotOneChainAreRefused() {
        X509Certificate stranger = TestCertificates.selfSigned(TestCertificates.rsa(2048), "stranger");
        assertThatThrownBy(() -> CertificateBundle.upload(TestCertificates.pem(leaf) + TestCertificates.pem(stranger)))
                .isInstanceOf(CertvaultException.class)
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.INVALID_CERTIFICATE)
                .hasMessageContaining("not one chain");
        assertThatThrownBy(() -> CertificateBundle.chainFrom(leaf, List.of(intermediate.certificate(), stranger)))
                .hasMessageContaining("not in the chain").hasMessageContaining("stranger");
    }

    @Test
    void aBundleWithAPrivateKeyIsRefusedAsAKey() {
        var keys = TestCertificates.rsa(2048);
        assertThatThrownBy(() -> CertificateBundle.upload(TestCertificates.pem(leaf)
                + TestCertificates.pem(intermediate.certificate()) + TestCertificates.pkcs8Pem(keys.getPrivate())))
                .hasMessageContaining("private key");
    }
}
