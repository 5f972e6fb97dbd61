package io.certvault.vault;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;

/**
 * Signature algorithms over a precomputed digest, by their JWA names (as Azure Key Vault names them), plus
 * RS1 for SHA-1.
 * RS* are RSASSA-PKCS1-v1_5, PS* RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash,
 * ES* ECDSA with a DER-encoded signature (the form CMS carries).
 */
public enum SignatureAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-1: not a JWA name; kept for AS2 partners that still sign with SHA-1. */
    RS1(KeyType.RSA, "SHA-1", 20),
    RS256(KeyType.RSA, "SHA-256", 32),
    RS384(KeyType.RSA, "SHA-384", 48),
    RS512(KeyType.RSA, "SHA-512", 64),
    PS256(KeyType.RSA, "SHA-256", 32),
    PS384(KeyType.RSA, "SHA-384", 48),
    PS512(KeyType.RSA, "SHA-512", 64),
    ES256(KeyType.EC, "SHA-256", 32),
    ES384(KeyType.EC, "SHA-384", 48),
    ES512(KeyType.EC, "SHA-512", 64);

    private final KeyType keyType;
    private final String digestAlgorithm;
    private final int digestLength;

    SignatureAlgorithm(KeyType keyType, String digestAlgorithm, int digestLength) {
        this.keyType = keyType;
        this.digestAlgorithm = digestAlgorithm;
        this.digestLength = digestLength;
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The JCA name of the hash the digest was made with. */
    public String digestAlgorithm() {
        return digestAlgorithm;
    }

    public int digestLength() {
        return digestLength;
    }

    public boolean isPss() {
        return name().startsWith("PS");
    }

    /** Throws when the digest cannot be one made with this algorithm's hash. */
    public void checkDigest(byte[] digest) {
        if (digest == null || digest.length != digestLength) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, name() + " signs a " + digestAlgorithm
                    + " digest of " + digestLength + " bytes, not " + (digest == null ? 0 : digest.length));
        }
    }
}
