package io.certvault.messaging;

import java.util.Locale;
import java.util.Optional;

/**
 * The hash of an AS2 MIC (RFC 4130 7.3.1), by every name traffic spells it with: {@code sha-256}, {@code sha256},
 * {@code SHA-256}, {@code sha2_256}, Azure's {@code SHA2256}; {@code sha1}, {@code sha-1}; {@code md5}.
 */
public enum MicAlgorithm {
    MD5("MD5", "md5"),
    SHA1("SHA-1", "sha1"),
    SHA256("SHA-256", "sha-256"),
    SHA384("SHA-384", "sha-384"),
    SHA512("SHA-512", "sha-512");

    private final String jcaName;
    private final String rfcName;

    MicAlgorithm(String jcaName, String rfcName) {
        this.jcaName = jcaName;
        this.rfcName = rfcName;
    }

    /** The JCA digest name. */
    public String jcaName() {
        return jcaName;
    }

    /** The name RFC 5751 gives it in micalg ({@code sha-256}, {@code sha1}, {@code md5}). */
    public String rfcName() {
        return rfcName;
    }

    /** Any spelling of a MIC algorithm; empty for one that is not (or not offered). */
    public static Optional<MicAlgorithm> parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return Optional.ofNullable(switch (n) {
            case "md5" -> MD5;
            case "sha1" -> SHA1;
            case "sha256", "sha2256" -> SHA256;
            case "sha384", "sha2384" -> SHA384;
            case "sha512", "sha2512" -> SHA512;
            default -> null;
        });
    }

    /**
     * The name as an agreement's {@code sha2AlgorithmFormat} says to spell it in what Certvault sends:
     * {@code ShaHyphenHashSize} (and {@code NotSpecified}) sha-256, {@code ShaHashSize} sha256,
     * {@code Sha2UnderscoreHashSize} sha2_256, {@code Sha2} sha2. SHA-1 and MD5 are always sha1 and md5.
     */
    public String spelled(String sha2Format) {
        if (this == MD5 || this == SHA1) {
            return rfcName;
        }
        String bits = jcaName.substring(4);
        return switch (sha2Format == null ? "" : sha2Format) {
            case "ShaHashSize" -> "sha" + bits;
            case "Sha2UnderscoreHashSize" -> "sha2_" + bits;
            case "Sha2" -> "sha2";
            default -> rfcName;
        };
    }
}
