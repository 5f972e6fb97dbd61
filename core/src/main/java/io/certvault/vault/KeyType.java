package io.certvault.vault;

public enum KeyType {
    RSA, EC
}
