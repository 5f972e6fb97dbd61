package io.certvault.vault;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a vault backend can do, declared once by the backend: the signature algorithms and decryption
 * paddings it offers, whether it agrees on keys (ECDH), imports and creates keys, and which key types and
 * sizes it holds. The registry logs it, the API shows it, the pages offer only these choices, key uses are
 * refused up front when the vault cannot do them, and the contract test checks each backend against it.
 */
public record VaultCapabilities(Set<SignatureAlgorithm> signatureAlgorithms,
        Set<EncryptionAlgorithm> decryptionAlgorithms, boolean keyAgreement, boolean importsKeys, boolean createsKeys,
        Set<KeySpec> keySpecs) {

    /** Everything Certvault uses: what a vault that holds keys in this process (filesystem, KV) does. */
    public static final VaultCapabilities ALL = new VaultCapabilities(EnumSet.allOf(SignatureAlgorithm.class),
            EnumSet.allOf(EncryptionAlgorithm.class), true, true, true, EnumSet.allOf(KeySpec.class));

    public VaultCapabilities {
        signatureAlgorithms = Set.copyOf(signatureAlgorithms);
        decryptionAlgorithms = Set.copyOf(decryptionAlgorithms);
        keySpecs = Set.copyOf(keySpecs);
    }

    public boolean signs(SignatureAlgorithm algorithm) {
        return signatureAlgorithms.contains(algorithm);
    }

    public boolean decrypts(EncryptionAlgorithm algorithm) {
        return decryptionAlgorithms.contains(algorithm);
    }

    /** A one-line summary for the log. */
    public String summary() {
        return "signs " + signatureAlgorithms.stream().sorted().map(Enum::name).toList()
                + ", decrypts " + decryptionAlgorithms.stream().sorted().map(EncryptionAlgorithm::jwaName).toList()
                + (keyAgreement ? ", agrees on keys (ECDH)" : "") + (importsKeys ? ", imports" : "")
                + (createsKeys ? ", creates " + keySpecs.stream().sorted().map(Enum::name).toList() : "");
    }
}
