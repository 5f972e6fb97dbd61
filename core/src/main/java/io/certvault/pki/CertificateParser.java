package io.certvault.pki;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;

/**
 * Reads one X.509 certificate from what clients send: base64 DER (what Azure sends), PEM text, or raw
 * DER bytes (a .cer file). Anything else is an {@code InvalidCertificate} error that says what was found.
 */
public final class CertificateParser {
    /**
     * Stored certificates are parsed again for every message that uses them; X509Certificate is immutable,
     * so parsed ones are kept, by their DER, up to a bound.
     */
    private static final int CACHE_SIZE = 1024;
    private static final java.util.Map<java.nio.ByteBuffer, X509Certificate> PARSED =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<java.nio.ByteBuffer, X509Certificate> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    private CertificateParser() {
    }

    /** Parses base64 DER or PEM text. */
    public static X509Certificate parse(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("The certificate is empty: send it as base64 DER or PEM.");
        }
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses raw DER, base64 DER or PEM. */
    public static X509Certificate parse(byte[] content) {
        if (content == null || content.length == 0) {
            throw invalid("The certificate is empty: send it as base64 DER or PEM.");
        }
        if (content[0] == 0x30) {
            return fromDer(content, "DER");
        }
        String text = new String(content, StandardCharsets.UTF_8).strip();
        if (text.contains("-----BEGIN")) {
            return fromPem(text);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text);
            if (!text.replaceAll("[A-Za-z0-9+/=\\s]", "").isEmpty()) {
                throw new IllegalArgumentException("not base64");
            }
        } catch (IllegalArgumentException e) {
            throw invalid("The certificate is neither PEM nor base64-encoded DER.");
        }
        return fromDer(der, "base64 content");
    }

    private static X509Certificate fromPem(String text) {
        X509CertificateHolder found = null;
        try (PEMParser pem = new PEMParser(new StringReader(text))) {
            Object object;
            while ((object = pem.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    if (found != null) {
                        throw invalid("The PEM holds more than one certificate: upload only the certificate itself.");
                    }
                    found = holder;
                } else if (PrivateKeys.isPrivateKeyObject(object)) {
                    throw privateKeyGiven();
                } else {
                    throw invalid("The PEM holds a " + PrivateKeys.describe(object) + ", not a certificate.");
                }
            }
            if (found == null) {
                throw invalid("The PEM holds no CERTIFICATE block.");
            }
            return fromDer(found.getEncoded(), "PEM");
        } catch (IOException | RuntimeException e) {
            if (e instanceof CertvaultException ce) {
                throw ce;
            }
            throw invalid("The PEM could not be read as a certificate.");
        }
    }

    private static X509Certificate fromDer(byte[] der, String form) {
        java.nio.ByteBuffer key = java.nio.ByteBuffer.wrap(der.clone());
        X509Certificate cached = PARSED.get(key);
        if (cached != null) {
            return cached;
        }
        X509Certificate parsed = parseDer(der, form);
        PARSED.put(key, parsed);
        return parsed;
    }

    private static X509Certificate parseDer(byte[] der, String form) {
        try {
            // Strict: one complete ASN.1 structure, nothing after it.
            org.bouncycastle.asn1.x509.Certificate.getInstance(ASN1Primitive.fromByteArray(der));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IOException | CertificateException | RuntimeException e) {
            throw invalid("The " + form + " is not a DER-encoded X.509 certificate.");
        }
    }

    static CertvaultException privateKeyGiven() {
        return invalid("The PEM holds a private key: upload the certificate only, and import the key into a vault.");
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.INVALID_CERTIFICATE, message);
    }
}
