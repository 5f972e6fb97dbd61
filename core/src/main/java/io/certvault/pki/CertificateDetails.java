package io.certvault.pki;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * The read-only facts of a certificate, as the API shows them.
 *
 * @param thumbprint SHA-1 of the DER, uppercase hex, as Azure and Windows show it
 * @param subject the subject's distinguished name (RFC 2253), as {@link #name(X500Principal)} writes it
 * @param serialNumber uppercase hex, as {@link #serialNumber(BigInteger)} writes it
 * @param keyCurve the JWA curve name for EC keys, null for RSA
 * @param subjectKeyIdentifier uppercase hex of the subject key identifier extension or, when the certificate
 *        has none, of the SHA-1 of its SubjectPublicKeyInfo, the identifier Outlook gives such a certificate and
 *        BouncyCastle matches CMS recipients and signers against
 */
public record CertificateDetails(String thumbprint, String thumbprintSha256, String subject, String issuer,
        String serialNumber, Instant notBefore, Instant notAfter, String keyAlgorithm, int keySize,
        String keyCurve, String subjectKeyIdentifier) {

    /** Serial numbers and key identifiers are at most 20 bytes by RFC 5280; far longer ones would not fit a column. */
    private static final int MAX_IDENTIFIER_BYTES = 256;

    public static CertificateDetails of(X509Certificate certificate) {
        if (certificate.getSerialNumber().bitLength() > MAX_IDENTIFIER_BYTES * 8) {
            throw new CertvaultException(ErrorCode.INVALID_CERTIFICATE, "The certificate's serial number is longer "
                    + "than " + MAX_IDENTIFIER_BYTES + " bytes (RFC 5280 allows 20).");
        }
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no encoding", e);
        }
        PublicKey key = certificate.getPublicKey();
        return new CertificateDetails(
                hex("SHA-1", der),
                hex("SHA-256", der),
                name(certificate.getSubjectX500Principal()),
                name(certificate.getIssuerX500Principal()),
                serialNumber(certificate.getSerialNumber()),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                PublicKeys.algorithm(key),
                PublicKeys.size(key),
                key instanceof ECPublicKey ec ? PublicKeys.curveName(ec) : null,
                subjectKeyIdentifier(certificate));
    }

    /** A distinguished name as the details hold it, so that names from elsewhere (CMS) compare equal. */
    public static String name(X500Principal name) {
        return name.getName();
    }

    /** A serial number as the details hold it. */
    public static String serialNumber(BigInteger serialNumber) {
        return serialNumber.toString(16).toUpperCase(Locale.ROOT);
    }

    private static String subjectKeyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension == null) {
            return hex("SHA-1", certificate.getPublicKey().getEncoded());
        }
        byte[] identifier;
        try {
            identifier = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
                    .getKeyIdentifier();
        } catch (IOException | IllegalArgumentException e) {
            throw new CertvaultException(ErrorCode.INVALID_CERTIFICATE, "The certificate's subject key identifier "
                    + "cannot be read: " + e.getMessage());
        }
        if (identifier.length > MAX_IDENTIFIER_BYTES) {
            throw new CertvaultException(ErrorCode.INVALID_CERTIFICATE, "The certificate's subject key identifier is "
                    + "longer than " + MAX_IDENTIFIER_BYTES + " bytes.");
        }
        return HexFormat.of().withUpperCase().formatHex(identifier);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }

}
