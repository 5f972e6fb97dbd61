package io.certvault.pki;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The certificates a CA answers with: one certificate (PEM or base64 DER), a PEM bundle (the certificate and its
 * chain), or a PKCS#7 certificates-only message (PEM {@code PKCS7}, or base64 DER).
 */
public final class CertificateBundle {
    private static final int MAX_CERTIFICATES = 20;

    private CertificateBundle() {
    }

    public static List<X509Certificate> parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("The CA's answer is empty: give its certificate (PEM or base64 DER), a PEM bundle or a "
                    + "PKCS#7 chain.");
        }
        String trimmed = text.trim();
        byte[] bytes;
        if (trimmed.startsWith("-----BEGIN")) {
            bytes = trimmed.getBytes(StandardCharsets.US_ASCII);
        } else {
            try {
                bytes = Base64.getMimeDecoder().decode(trimmed);
            } catch (IllegalArgumentException e) {
                throw invalid("The CA's answer is neither PEM nor base64.");
            }
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            // The JDK reads PEM and DER certificates, several in a row, and PKCS#7 (DER or PEM "PKCS7").
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(pkcs7Pem(bytes)))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw invalid("The CA's answer could not be read as certificates: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw invalid("The CA's answer holds no certificate.");
        }
        if (certificates.size() > MAX_CERTIFICATES) {
            throw invalid("The CA's answer holds more than " + MAX_CERTIFICATES + " certificates.");
        }
        return certificates;
    }

    /** PEM "PKCS7" armour as DER, which the JDK's factory reads (it reads PEM certificates itself). */
    private static byte[] pkcs7Pem(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.startsWith("-----BEGIN PKCS7-----")) {
            return bytes;
        }
        String body = text.replace("-----BEGIN PKCS7-----", "").replaceAll("-----END PKCS7-----[\\s\\S]*", "");
        try {
            return Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw invalid("The PKCS#7 in the CA's answer is not base64.");
        }
    }

    /** Whether {@code issuer} signed {@code certificate}. */
    public static boolean issued(X509Certificate issuer, X509Certificate certificate) {
        if (!issuer.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_CERTIFICATE, message);
    }
}
