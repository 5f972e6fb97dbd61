package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;

/**
 * Content-encryption algorithms, by Azure's AS2 names plus AES-GCM (which makes CMS AuthEnvelopedData,
 * RFC 5083/5084).
 */
public enum ContentEncryption {
    DES3(CMSAlgorithm.DES_EDE3_CBC, false),
    AES128(CMSAlgorithm.AES128_CBC, false),
    AES192(CMSAlgorithm.AES192_CBC, false),
    AES256(CMSAlgorithm.AES256_CBC, false),
    AES128GCM(CMSAlgorithm.AES128_GCM, true),
    AES256GCM(CMSAlgorithm.AES256_GCM, true);

    private final ASN1ObjectIdentifier oid;
    private final boolean authenticated;

    ContentEncryption(ASN1ObjectIdentifier oid, boolean authenticated) {
        this.oid = oid;
        this.authenticated = authenticated;
    }

    public ASN1ObjectIdentifier oid() {
        return oid;
    }

    /** True for AES-GCM, carried as AuthEnvelopedData. */
    public boolean authenticated() {
        return authenticated;
    }

    public static ContentEncryption parse(String value) {
        if (value == null || value.isBlank()) {
            return AES256;
        }
        String name = value.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (ContentEncryption encryption : values()) {
            if (encryption.name().equals(name)) {
                return encryption;
            }
        }
        throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, "Encryption algorithm '" + value
                + "' is not allowed: use " + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ".");
    }

    /** The algorithm of a received message, or an error when it is not one of these. */
    public static ContentEncryption of(ASN1ObjectIdentifier oid) {
        for (ContentEncryption encryption : values()) {
            if (encryption.oid.equals(oid)) {
                return encryption;
            }
        }
        throw new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, "The message is encrypted with " + oid
                + ", which is not allowed: accepted are 3DES, AES-CBC and AES-GCM.");
    }
}
