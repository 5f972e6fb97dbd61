package io.certvault.pki;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECParameterSpec;
import java.util.Arrays;

/**
 * Comparing and describing public keys by their mathematical content, not their encoding (an EC key
 * may be encoded with a named curve or explicit parameters, an RSA one with or without NULL parameters).
 */
public final class PublicKeys {

    private PublicKeys() {
    }

    public static boolean same(PublicKey a, PublicKey b) {
        if (a instanceof RSAPublicKey ra && b instanceof RSAPublicKey rb) {
            return ra.getModulus().equals(rb.getModulus()) && ra.getPublicExponent().equals(rb.getPublicExponent());
        }
        if (a instanceof ECPublicKey ea && b instanceof ECPublicKey eb) {
            return ea.getW().equals(eb.getW()) && sameCurve(ea.getParams(), eb.getParams());
        }
        return a != null && b != null && Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder());
    }

    /** RSA or EC (or the JCA algorithm name of anything else). */
    public static String algorithm(PublicKey key) {
        return key instanceof RSAPublicKey ? "RSA" : key instanceof ECPublicKey ? "EC" : key.getAlgorithm();
    }

    /** Modulus bits for RSA, field bits for EC, 0 when unknown. */
    public static int size(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }

    /** The JWA name of a NIST prime curve by its field size: P-256, P-384, P-521. */
    public static String curveName(ECPublicKey key) {
        return "P-" + key.getParams().getCurve().getField().getFieldSize();
    }
}
