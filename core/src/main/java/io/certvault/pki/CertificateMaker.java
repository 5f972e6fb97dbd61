package io.certvault.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;

/**
 * Makes certificates whose signature comes from a {@link ContentSigner}, so that the private key can stay in a
 * vault (BouncyCastle builds and encodes; the vault only signs a digest).
 */
public final class CertificateMaker {
    /** Valid from a little before it is made: partners' clocks differ. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateMaker() {
    }

    /**
     * A self-signed certificate for the public key, as the profile says: an end entity (basic constraints, not a
     * CA), its key usage critical, a random 128-bit serial number, subject and authority key identifiers. The
     * signature is checked against the public key before the certificate is handed out.
     */
    public static X509Certificate selfSigned(PublicKey publicKey, ContentSigner signer, CertificateProfile profile,
            Instant now) {
        Instant notBefore = now.truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
        Instant notAfter = now.truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(profile.validityDays()));
        SubjectPublicKeyInfo keyInfo = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(profile.subject(), serialNumber(),
                    Date.from(notBefore), Date.from(notAfter), profile.subject(), keyInfo)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage()))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyInfo))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(keyInfo));
            if (!profile.extendedKeyUsages().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            if (!profile.alternativeNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        profile.alternativeNames().toArray(GeneralName[]::new)));
            }
            X509CertificateHolder holder = builder.build(signer);
            X509Certificate certificate = CertificateParser.parse(holder.getEncoded());
            certificate.verify(publicKey);
            return certificate;
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException("The certificate made for " + profile.subject() + " does not verify with "
                    + "its own public key: the vault did not sign with the key it named", e);
        }
    }

    /**
     * A PKCS#10 certificate signing request for the public key, asking for the profile's subject, alternative
     * names, key usage and extended key usages (as an extension request). Its signature is checked against the
     * public key before it is handed out.
     */
    public static byte[] request(PublicKey publicKey, ContentSigner signer, CertificateProfile profile) {
        try {
            var extensions = new org.bouncycastle.asn1.x509.ExtensionsGenerator();
            extensions.addExtension(Extension.keyUsage, true, new KeyUsage(profile.keyUsage()));
            if (!profile.extendedKeyUsages().isEmpty()) {
                extensions.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        profile.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            if (!profile.alternativeNames().isEmpty()) {
                extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        profile.alternativeNames().toArray(GeneralName[]::new)));
            }
            var request = new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(profile.subject(),
                    SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()))
                    .addAttribute(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
                            extensions.generate())
                    .build(signer);
            if (!request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                    .build(publicKey))) {
                throw new IllegalStateException("The request made for " + profile.subject() + " does not verify with "
                        + "its own public key: the vault did not sign with the key it named");
            }
            return request.getEncoded();
        } catch (java.io.IOException | org.bouncycastle.operator.OperatorCreationException
                | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalStateException("The request for " + profile.subject() + " could not be made", e);
        }
    }

    private static BigInteger serialNumber() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        bytes[0] &= 0x7f;
        bytes[0] |= 0x40;
        return new BigInteger(bytes);
    }
}
