package io.certvault.vault;

/**
 * Key-transport decryption algorithms, by their JWA names: RSAES-PKCS1-v1_5, RSAES-OAEP with SHA-1
 * (and MGF1-SHA-1), and RSAES-OAEP with SHA-256 (and MGF1-SHA-256).
 */
public enum EncryptionAlgorithm {
    RSA1_5("RSA1_5"),
    RSA_OAEP("RSA-OAEP"),
    RSA_OAEP_256("RSA-OAEP-256");

    private final String jwaName;

    EncryptionAlgorithm(String jwaName) {
        this.jwaName = jwaName;
    }

    public String jwaName() {
        return jwaName;
    }
}
