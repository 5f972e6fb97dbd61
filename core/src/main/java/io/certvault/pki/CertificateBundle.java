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
 * Certificates with their chain, as clients upload them and CAs answer with: one certificate (PEM or base64 DER), a
 * PEM bundle (the certificate and its chain), or a PKCS#7 certificates-only message (PEM {@code PKCS7}, or base64
 * DER); and the order of a chain, from the certificate up to its root.
 */
public final class CertificateBundle {
    private static final int MAX_CERTIFICATES = 20;

    private CertificateBundle() {
    }

    /** A certificate with the certificates that issued it, from its issuer up. */
    public record Chain(X509Certificate leaf, List<X509Certificate> issuers) {
        public List<byte[]> issuersDer() {
            return issuers.stream().map(CertificateBundle::der).toList();
        }
    }

    /**
     * What a client uploads as a certificate: one (base64 DER or PEM, read strictly as {@link CertificateParser}
     * reads it) or a PEM bundle or PKCS#7 with its chain, ordered from the certificate up ({@link #order}).
     */
    public static Chain upload(String text) {
        if (text != null && text.contains("PRIVATE KEY-----")) {
            throw CertificateParser.privateKeyGiven();
        }
        if (text == null || text.isBlank() || !looksLikeBundle(text)) {
            return new Chain(CertificateParser.parse(text), List.of());
        }
        return order(parse(text, "The certificate"));
    }

    /** Several PEM certificates or a PKCS#7 (PEM, or base64 DER that is not one certificate). */
    private static boolean looksLikeBundle(String text) {
        if (text.contains("-----BEGIN PKCS7-----")) {
            return true;
        }
        if (text.contains("-----BEGIN")) {
            return text.indexOf("-----BEGIN CERTIFICATE-----") != text.lastIndexOf("-----BEGIN CERTIFICATE-----");
        }
        try {
            CertificateParser.parse(text);
            return false;
        } catch (CertvaultException e) {
            try {
                parse(text, "The certificate");
                return true;
            } catch (CertvaultException notBundle) {
                return false;
            }
        }
    }

    /**
     * Orders a bundle: the one certificate that issued none of the others first, then its issuer, and so on up.
     * A bundle that is not one chain (two ends, or a certificate outside the chain) is refused.
     */
    public static Chain order(List<X509Certificate> bundle) {
        List<X509Certificate> ends = bundle.stream()
                .filter(c -> bundle.stream().noneMatch(other -> other != c && issued(c, other)))
                .toList();
        if (ends.size() != 1) {
            throw invalid("The " + bundle.size() + " certificates given are not one chain: " + (ends.isEmpty()
                    ? "each was issued by another." : "they end in " + ends.size() + " certificates that issued none "
                            + "of the others (" + subjects(ends) + ")."));
        }
        return chainFrom(ends.get(0), bundle);
    }

    /**
     * The chain of {@code leaf} from the other certificates given: its issuer, that one's issuer, and so on.
     * Every other certificate must be on it: one that is not is refused rather than silently dropped.
     */
    public static Chain chainFrom(X509Certificate leaf, List<X509Certificate> given) {
        List<X509Certificate> rest = new ArrayList<>(given.stream().distinct().toList());
        rest.removeIf(leaf::equals);
        List<X509Certificate> issuers = new ArrayList<>();
        X509Certificate current = leaf;
        while (!rest.isEmpty() && !selfIssued(current)) {
            X509Certificate child = current;
            X509Certificate issuer = rest.stream().filter(c -> issued(c, child)).findFirst().orElse(null);
            if (issuer == null) {
                if (rest.stream().anyMatch(c -> c.getSubjectX500Principal().equals(child.getIssuerX500Principal()))) {
                    throw invalid("The certificate for " + child.getIssuerX500Principal().getName()
                            + " given did not issue the certificate for " + child.getSubjectX500Principal().getName()
                            + ": its signature does not verify with that key.");
                }
                break;
            }
            issuers.add(issuer);
            rest.remove(issuer);
            current = issuer;
        }
        if (!rest.isEmpty()) {
            throw invalid("The certificates given hold " + rest.size() + " that are not in the chain of "
                    + leaf.getSubjectX500Principal().getName() + " (" + subjects(rest) + "): give only its chain.");
        }
        return new Chain(leaf, List.copyOf(issuers));
    }

    private static boolean selfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static String subjects(List<X509Certificate> certificates) {
        return String.join("; ", certificates.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }

    static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no encoding", e);
        }
    }

    /** A CA's answer: its certificate, a PEM bundle or a PKCS#7. */
    public static List<X509Certificate> parse(String text) {
        return parse(text, "The CA's answer");
    }

    private static List<X509Certificate> parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw invalid(what + " is empty: give its certificate (PEM or base64 DER), a PEM bundle or a "
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
                throw invalid(what + " is neither PEM nor base64.");
            }
        }
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            // The JDK reads PEM and DER certificates, several in a row, and PKCS#7 (DER or PEM "PKCS7").
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(pkcs7Pem(bytes, what)))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw invalid(what + " could not be read as certificates: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw invalid(what + " holds no certificate.");
        }
        if (certificates.size() > MAX_CERTIFICATES) {
            throw invalid(what + " holds more than " + MAX_CERTIFICATES + " certificates.");
        }
        return certificates;
    }

    /** PEM "PKCS7" armour as DER, which the JDK's factory reads (it reads PEM certificates itself). */
    private static byte[] pkcs7Pem(byte[] bytes, String what) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.startsWith("-----BEGIN PKCS7-----")) {
            return bytes;
        }
        String body = text.replace("-----BEGIN PKCS7-----", "").replaceAll("-----END PKCS7-----[\\s\\S]*", "");
        try {
            return Base64.getMimeDecoder().decode(body.trim());
        } catch (IllegalArgumentException e) {
            throw invalid("The PKCS#7 in " + what.toLowerCase(java.util.Locale.ROOT) + " is not base64.");
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
