package io.certvault.domain;

/**
 * Stable error codes that clients may rely on. Each has a kind that the API maps to an HTTP status.
 */
public enum ErrorCode {
    INVALID_NAME("InvalidName", Kind.INVALID),
    INVALID_REQUEST("InvalidRequestContent", Kind.INVALID),
    INVALID_CERTIFICATE("InvalidCertificate", Kind.INVALID),
    INVALID_KEY("InvalidKey", Kind.INVALID),
    INVALID_KEY_REFERENCE("InvalidKeyReference", Kind.INVALID),
    CERTIFICATE_KEY_MISMATCH("CertificateKeyMismatch", Kind.INVALID),
    UNSUPPORTED_KEY_TYPE("UnsupportedKeyType", Kind.INVALID),
    UNSUPPORTED_ALGORITHM("UnsupportedAlgorithm", Kind.INVALID),
    VAULT_OPERATION_NOT_SUPPORTED("VaultOperationNotSupported", Kind.INVALID),
    DECRYPTION_FAILED("DecryptionFailed", Kind.INVALID),
    MALFORMED_MESSAGE("MalformedMessage", Kind.INVALID),
    SIGNATURE_INVALID("SignatureInvalid", Kind.INVALID),
    SIGNER_UNKNOWN("SignerUnknown", Kind.INVALID),
    NO_MATCHING_RECIPIENT("NoMatchingPrivateCertificate", Kind.INVALID),
    ALGORITHM_NOT_ALLOWED("AlgorithmNotAllowed", Kind.INVALID),
    CERTIFICATE_EXPIRED("CertificateExpired", Kind.INVALID),
    CERTIFICATE_NOT_PRIVATE("CertificateNotPrivate", Kind.INVALID),
    ACCOUNT_NOT_FOUND("IntegrationAccountNotFound", Kind.NOT_FOUND),
    CERTIFICATE_NOT_FOUND("CertificateNotFound", Kind.NOT_FOUND),
    VAULT_NOT_FOUND("VaultNotFound", Kind.NOT_FOUND),
    KEY_NOT_FOUND("KeyNotFound", Kind.NOT_FOUND),
    KEY_IN_USE("KeyInUse", Kind.CONFLICT),
    CONCURRENT_CHANGE("ConcurrentChange", Kind.CONFLICT),
    REQUEST_TOO_LARGE("RequestTooLarge", Kind.TOO_LARGE),
    VAULT_ACCESS_DENIED("VaultAccessDenied", Kind.FORBIDDEN),
    VAULT_UNAVAILABLE("VaultUnavailable", Kind.UNAVAILABLE),
    VAULT_CONFIGURATION_INVALID("VaultConfigurationInvalid", Kind.INTERNAL),
    VAULT_FAILURE("VaultFailure", Kind.INTERNAL);

    /** What sort of failure it is; the API turns this into a status code. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, TOO_LARGE, FORBIDDEN, UNAVAILABLE, INTERNAL }

    private final String code;
    private final Kind kind;

    ErrorCode(String code, Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }
}
