package io.certvault.domain;

/**
 * Where a private certificate's key lives: a vault, a key in it, and optionally one version.
 * Without a version the key's current version is meant.
 */
public record KeyReference(String vaultName, String keyName, String keyVersion) {

    public KeyReference {
        if (vaultName == null || vaultName.isBlank()) {
            throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "The key reference needs keyVault.name.");
        }
        if (keyName == null || keyName.isBlank()) {
            throw new CertvaultException(ErrorCode.INVALID_KEY_REFERENCE, "The key reference needs keyName.");
        }
        ResourceName.require("vault", vaultName);
        ResourceName.require("key", keyName);
        if (keyVersion != null && keyVersion.isBlank()) {
            keyVersion = null;
        }
        if (keyVersion != null) {
            ResourceName.require("key version", keyVersion);
        }
    }

    @Override
    public String toString() {
        return vaultName + "/" + keyName + (keyVersion == null ? "" : "/" + keyVersion);
    }
}
