package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.TestCertificates;
import java.security.KeyPair;
import java.security.Signature;
import org.junit.jupiter.api.RepeatedTest;

class EcdsaSignaturesTest {

    @RepeatedTest(20)
    void convertsBetweenDerAndRawAsTheJdkDoes() throws Exception {
        KeyPair pair = TestCertificates.ec("secp256r1");
        Signature der = Signature.getInstance("SHA256withECDSA");
        der.initSign(pair.getPrivate());
        der.update(new byte[] {1, 2, 3});
        byte[] derSignature = der.sign();

        byte[] raw = EcdsaSignatures.derToRaw(derSignature, 32);
        assertThat(raw).hasSize(64);
        assertThat(EcdsaSignatures.rawToDer(raw)).isEqualTo(derSignature);

        Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
        p1363.initVerify(pair.getPublic());
        p1363.update(new byte[] {1, 2, 3});
        assertThat(p1363.verify(raw)).isTrue();
    }
}
