package io.certvault.messaging;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.vault.KeyType;
import io.certvault.vault.SignatureAlgorithm;
import java.util.Locale;

/**
 * The hash a message is signed with, by Azure's AS2 names ({@code SHA1}, {@code SHA2256}, {@code SHA2384},
 * {@code SHA2512}), optionally with RSASSA-PSS ({@code SHA2256-PSS}). EC keys sign with ECDSA.
 */
public record SigningAlgorithm(String hash, boolean pss) {
    public static final SigningAlgorithm DEFAULT = new SigningAlgorithm("SHA-256", false);

    public static SigningAlgorithm parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String upper = value.trim().toUpperCase(Locale.ROOT);
        boolean pss = upper.endsWith("-PSS");
        String name = pss ? upper.substring(0, upper.length() - 4) : upper;
        String hash = switch (name) {
            case "SHA1" -> "SHA-1";
            case "SHA2256", "SHA256" -> "SHA-256";
            case "SHA2384", "SHA384" -> "SHA-384";
            case "SHA2512", "SHA512" -> "SHA-512";
            default -> throw notAllowed("Signing algorithm '" + value + "' is not allowed: use SHA1, SHA2256, SHA2384 or "
                    + "SHA2512, with -PSS for RSASSA-PSS.");
        };
        if (pss && hash.equals("SHA-1")) {
            throw notAllowed("RSASSA-PSS is offered with SHA-2 hashes only.");
        }
        return new SigningAlgorithm(hash, pss);
    }

    /** The vault operation that signs with this hash and a key of the given type. */
    public SignatureAlgorithm vaultAlgorithm(KeyType keyType) {
        String bits = hash.substring(4);
        if (keyType == KeyType.EC) {
            if (pss || hash.equals("SHA-1")) {
                throw notAllowed("EC keys sign with ECDSA over SHA-2: " + (pss ? "PSS is for RSA keys" : "not SHA-1") + ".");
            }
            return SignatureAlgorithm.valueOf("ES" + bits);
        }
        if (hash.equals("SHA-1")) {
            return SignatureAlgorithm.RS1;
        }
        return SignatureAlgorithm.valueOf((pss ? "PS" : "RS") + bits);
    }

    /** The JCA/BouncyCastle name of the CMS signature algorithm. */
    public String jcaName(KeyType keyType) {
        String digest = hash.replace("-", "");
        if (keyType == KeyType.EC) {
            return digest + "withECDSA";
        }
        return digest + (pss ? "withRSAandMGF1" : "withRSA");
    }

    /** The S/MIME micalg name (RFC 5751): sha-1, sha-256, ... */
    public String micalg() {
        return hash.toLowerCase(Locale.ROOT);
    }

    static CertvaultException notAllowed(String message) {
        return new CertvaultException(ErrorCode.ALGORITHM_NOT_ALLOWED, message);
    }
}
