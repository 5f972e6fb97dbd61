package io.certvault.vault;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;

/**
 * One version of a key in a vault: its public half and when it was made. Never the private half.
 */
public record VaultKey(String name, String version, PublicKey publicKey, Instant created) {

    public KeyType type() {
        return publicKey instanceof RSAPublicKey ? KeyType.RSA : KeyType.EC;
    }

    /** Modulus bits for RSA, field bits for EC. */
    public int size() {
        if (publicKey instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        return ((ECPublicKey) publicKey).getParams().getCurve().getField().getFieldSize();
    }
}
