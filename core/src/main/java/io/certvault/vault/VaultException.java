package io.certvault.vault;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;

/**
 * A failure inside a vault. Its message names the vault and, where there is one, the key and the
 * operation, so that a person knows where to look.
 */
public class VaultException extends CertvaultException {

    public VaultException(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }

    public VaultException(ErrorCode errorCode, String message, Throwable cause) {
        super(errorCode, message, cause);
    }

    public static VaultException keyNotFound(String vault, String keyName, String version) {
        return new VaultException(ErrorCode.KEY_NOT_FOUND, "vault '" + vault + "' has no key '" + keyName + "'"
                + (version == null ? "" : " with version '" + version + "'"));
    }

    public static VaultException notSupported(String vault, String keyName, String operation, String why) {
        return new VaultException(ErrorCode.VAULT_OPERATION_NOT_SUPPORTED,
                "vault '" + vault + "' cannot " + operation + " with key '" + keyName + "': " + why);
    }

    public static VaultException configuration(String vault, String problem) {
        return new VaultException(ErrorCode.VAULT_CONFIGURATION_INVALID, "vault '" + vault + "': " + problem);
    }

    public static VaultException failure(String vault, String keyName, String operation, Throwable cause) {
        // The cause's own message stays in the log; it is not echoed, since a crypto library may
        // describe the input it failed on.
        return new VaultException(ErrorCode.VAULT_FAILURE, "vault '" + vault + "' failed to " + operation
                + (keyName == null ? "" : " with key '" + keyName + "'"), cause);
    }
}
