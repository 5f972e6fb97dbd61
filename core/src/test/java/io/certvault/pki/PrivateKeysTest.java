package io.certvault.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.TestCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.junit.jupiter.api.Test;

class PrivateKeysTest {
    private static final KeyPair RSA = TestCertificates.rsa(2048);
    private static final KeyPair EC = TestCertificates.ec("secp256r1");

    @Test
    void readsPkcs8PemAndDerivesThePublicKey() {
        KeyPair read = PrivateKeys.fromPem(TestCertificates.pkcs8Pem(RSA.getPrivate()), null);
        assertThat(PublicKeys.same(read.getPublic(), RSA.getPublic())).isTrue();

        KeyPair ec = PrivateKeys.fromPem(TestCertificates.pkcs8Pem(EC.getPrivate()), null);
        assertThat(PublicKeys.same(ec.getPublic(), EC.getPublic())).isTrue();
    }

    @Test
    void readsPkcs1AndSec1PemAsOpenSslWritesThem() throws Exception {
        for (String name : new String[] {"rsa-pkcs1", "ec-sec1"}) {
            String pem = resource(name + ".pem");
            KeyPair read = PrivateKeys.fromPem(pem, null);
            try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(resource(name + ".pub.pem")))) {
                var expected = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPublicKey(
                        (org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) parser.readObject());
                assertThat(PublicKeys.same(read.getPublic(), expected)).as(name).isTrue();
            }
        }
    }

    private static String resource(String name) throws Exception {
        try (var in = PrivateKeysTest.class.getResourceAsStream("/keys/" + name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    @Test
    void writesPkcs8PemThatReadsBack() {
        String pem = PrivateKeys.toPkcs8Pem(EC.getPrivate());
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PublicKeys.same(PrivateKeys.fromPem(pem, null).getPublic(), EC.getPublic())).isTrue();
    }

    @Test
    void readsAKeyBesideItsCertificate() {
        String bundle = TestCertificates.pem(TestCertificates.selfSigned(RSA, "bundle")) + TestCertificates.pkcs8Pem(RSA.getPrivate());
        assertThat(PublicKeys.same(PrivateKeys.fromPem(bundle, null).getPublic(), RSA.getPublic())).isTrue();
    }

    @Test
    void readsEncryptedPkcs8WithItsPassword() throws Exception {
        OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC).setProvider(BouncyCastle.PROVIDER)
                .setPassword("s3cret".toCharArray()).build();
        String pem = TestCertificates.pem(new JcaPKCS8Generator(RSA.getPrivate(), encryptor));
        assertThat(pem).contains("ENCRYPTED PRIVATE KEY");

        assertThat(PublicKeys.same(PrivateKeys.fromPem(pem, "s3cret".toCharArray()).getPublic(), RSA.getPublic())).isTrue();
        assertInvalid(() -> PrivateKeys.fromPem(pem, null), "password");
        assertInvalid(() -> PrivateKeys.fromPem(pem, "wrong".toCharArray()), "password");
    }

    @Test
    void readsPkcs12() throws Exception {
        byte[] pfx = TestCertificates.pkcs12(RSA, "pfx-pass");
        KeyPair read = PrivateKeys.fromPkcs12(pfx, "pfx-pass".toCharArray());
        assertThat(PublicKeys.same(read.getPublic(), RSA.getPublic())).isTrue();

        assertInvalid(() -> PrivateKeys.fromPkcs12(pfx, "wrong".toCharArray()), "password");
        assertInvalid(() -> PrivateKeys.fromPkcs12(new byte[] {1, 2, 3}, null), "PKCS#12");
    }

    @Test
    void readsJsonWebKeys() {
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) RSA.getPrivate();
        var rsaJwk = new PrivateKeys.Jwk("RSA", TestCertificates.base64url(rsa.getModulus()), TestCertificates.base64url(rsa.getPublicExponent()),
                TestCertificates.base64url(rsa.getPrivateExponent()), TestCertificates.base64url(rsa.getPrimeP()), TestCertificates.base64url(rsa.getPrimeQ()), TestCertificates.base64url(rsa.getPrimeExponentP()),
                TestCertificates.base64url(rsa.getPrimeExponentQ()), TestCertificates.base64url(rsa.getCrtCoefficient()), null, null, null);
        assertThat(PublicKeys.same(PrivateKeys.fromJwk(rsaJwk).getPublic(), RSA.getPublic())).isTrue();

        ECPublicKey ecPublic = (ECPublicKey) EC.getPublic();
        var ecJwk = new PrivateKeys.Jwk("EC", null, null, TestCertificates.base64url(((ECPrivateKey) EC.getPrivate()).getS()), null, null,
                null, null, null, "P-256", TestCertificates.base64url(ecPublic.getW().getAffineX()), TestCertificates.base64url(ecPublic.getW().getAffineY()));
        assertThat(PublicKeys.same(PrivateKeys.fromJwk(ecJwk).getPublic(), EC.getPublic())).isTrue();
    }

    @Test
    void refusesAJsonWebKeyWhoseHalvesDoNotMatch() {
        RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) RSA.getPrivate();
        RSAPrivateCrtKey other = (RSAPrivateCrtKey) TestCertificates.rsa(2048).getPrivate();
        var mixed = new PrivateKeys.Jwk("RSA", TestCertificates.base64url(rsa.getModulus()), TestCertificates.base64url(rsa.getPublicExponent()),
                TestCertificates.base64url(other.getPrivateExponent()), TestCertificates.base64url(other.getPrimeP()), TestCertificates.base64url(other.getPrimeQ()),
                TestCertificates.base64url(other.getPrimeExponentP()), TestCertificates.base64url(other.getPrimeExponentQ()), TestCertificates.base64url(other.getCrtCoefficient()),
                null, null, null);
        assertInvalid(() -> PrivateKeys.fromJwk(mixed), "does not match");
        // Only d from another key: signing uses the CRT values alone, so only the key's arithmetic shows it.
        var otherD = new PrivateKeys.Jwk("RSA", TestCertificates.base64url(rsa.getModulus()), TestCertificates.base64url(rsa.getPublicExponent()),
                TestCertificates.base64url(other.getPrivateExponent()), TestCertificates.base64url(rsa.getPrimeP()), TestCertificates.base64url(rsa.getPrimeQ()),
                TestCertificates.base64url(rsa.getPrimeExponentP()), TestCertificates.base64url(rsa.getPrimeExponentQ()), TestCertificates.base64url(rsa.getCrtCoefficient()),
                null, null, null);
        assertInvalid(() -> PrivateKeys.fromJwk(otherD), "does not match");
        assertInvalid(() -> PrivateKeys.fromJwk(new PrivateKeys.Jwk("oct", null, null, null, null, null, null, null,
                null, null, null, null)), "kty");
    }

    @Test
    void refusesWeakOrUnknownKeys() throws Exception {
        KeyPair weak = TestCertificates.rsa(1024);
        assertThatThrownBy(() -> PrivateKeys.fromPem(TestCertificates.pkcs8Pem(weak.getPrivate()), null))
                .isInstanceOf(CertvaultException.class).hasMessageContaining("1024")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_KEY_TYPE));
        assertInvalid(() -> PrivateKeys.fromPem("no pem here", null), "PEM");
        // A 256-bit curve that is not P-256: said to be unsupported, not taken for a broken key.
        var generator = java.security.KeyPairGenerator.getInstance("EC", BouncyCastle.PROVIDER);
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256k1"));
        KeyPair k1 = generator.generateKeyPair();
        assertThatThrownBy(() -> PrivateKeys.fromPem(TestCertificates.pkcs8Pem(k1.getPrivate()), null))
                .isInstanceOf(CertvaultException.class).hasMessageContaining("P-256")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.UNSUPPORTED_KEY_TYPE));
        assertInvalid(() -> PrivateKeys.fromPem(TestCertificates.pem(TestCertificates.selfSigned(RSA, "x")), null),
                "no private key");
    }

    @Test
    void errorsNeverContainKeyMaterial() {
        String pem = TestCertificates.pkcs8Pem(RSA.getPrivate());
        String damaged = pem.replace("MII", "M!I");
        String body = Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded()).substring(40, 80);
        assertThatThrownBy(() -> PrivateKeys.fromPem(damaged, null)).message().doesNotContain(body);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class).hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.INVALID_KEY));
    }
}
