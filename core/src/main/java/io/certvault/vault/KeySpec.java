package io.certvault.vault;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of key a vault creates: RSA of three sizes and two NIST curves.
 */
public enum KeySpec {
    RSA_2048(KeyType.RSA, 2048, null),
    RSA_3072(KeyType.RSA, 3072, null),
    RSA_4096(KeyType.RSA, 4096, null),
    EC_P256(KeyType.EC, 256, "P-256"),
    EC_P384(KeyType.EC, 384, "P-384");

    private final KeyType type;
    private final int size;
    private final String curve;

    KeySpec(KeyType type, int size, String curve) {
        this.type = type;
        this.size = size;
        this.curve = curve;
    }

    public KeyType type() {
        return type;
    }

    /** Modulus bits for RSA, field bits for EC. */
    public int size() {
        return size;
    }

    /** The JWA curve name for EC ({@code P-256}), null for RSA. */
    public String curve() {
        return curve;
    }

    /** A new key pair of this kind, for the backends that make keys themselves. */
    public java.security.KeyPair generate() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(type.name());
            if (type == KeyType.RSA) {
                generator.initialize(new java.security.spec.RSAKeyGenParameterSpec(size,
                        java.security.spec.RSAKeyGenParameterSpec.F4));
            } else {
                generator.initialize(new java.security.spec.ECGenParameterSpec(jcaCurve()));
            }
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(type + " keys are part of every Java platform", e);
        }
    }

    /** The JCA curve name ({@code secp256r1}), null for RSA. */
    public String jcaCurve() {
        return curve == null ? null : "secp" + size + "r1";
    }

    /**
     * Finds the spec for a JWK-style request: {@code kty} RSA with a size (default 2048), or EC with a
     * curve or a size (default P-256). Azure's {@code RSA-HSM}/{@code EC-HSM} are read as RSA/EC.
     */
    public static KeySpec of(String kty, Integer size, String curve) {
        KeyType type;
        try {
            type = KeyType.valueOf(String.valueOf(kty).toUpperCase(java.util.Locale.ROOT).replace("-HSM", ""));
        } catch (IllegalArgumentException e) {
            throw invalid("kty must be RSA or EC, not '" + kty + "'");
        }
        for (KeySpec spec : values()) {
            if (spec.type != type) {
                continue;
            }
            boolean matches = type == KeyType.RSA
                    ? spec.size == (size == null ? 2048 : size)
                    : curve != null ? curve.equalsIgnoreCase(spec.curve)
                    : spec.size == (size == null ? 256 : size);
            if (matches) {
                return spec;
            }
        }
        throw invalid("cannot create a key of kty '" + kty + "'" + (size == null ? "" : " size " + size)
                + (curve == null ? "" : " curve '" + curve + "'") + "; supported: " + supported());
    }

    private static String supported() {
        return Arrays.stream(values())
                .map(s -> s.type == KeyType.RSA ? "RSA " + s.size : "EC " + s.curve)
                .collect(Collectors.joining(", "));
    }

    private static CertvaultException invalid(String message) {
        return new CertvaultException(ErrorCode.UNSUPPORTED_KEY_TYPE, message);
    }
}
