package io.certvault.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The read-only facts of a certificate, as the API shows them.
 *
 * @param thumbprint SHA-1 of the DER, uppercase hex, as Azure and Windows show it
 * @param keyCurve the JWA curve name for EC keys, null for RSA
 */
public record CertificateDetails(String thumbprint, String thumbprintSha256, String subject, String issuer,
        String serialNumber, Instant notBefore, Instant notAfter, String keyAlgorithm, int keySize,
        String keyCurve) {

    public static CertificateDetails of(X509Certificate certificate) {
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
                certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(),
                certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant(),
                PublicKeys.algorithm(key),
                PublicKeys.size(key),
                key instanceof ECPublicKey ec ? PublicKeys.curveName(ec) : null);
    }

    private static String hex(String algorithm, byte[] der) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance(algorithm).digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java platform", e);
        }
    }

}
