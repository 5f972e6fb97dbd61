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
    UNSUPPORTED_KEY_TYPE("UnsupportedKeyType", Kind.INVALID),
    UNSUPPORTED_ALGORITHM("UnsupportedAlgorithm", Kind.INVALID),
    VAULT_OPERATION_NOT_SUPPORTED("VaultOperationNotSupported", Kind.INVALID),
    DECRYPTION_FAILED("DecryptionFailed", Kind.INVALID),
    /** An authentication tag or a checksum inside the message does not verify: the content was altered. */
    INTEGRITY_CHECK_FAILED("IntegrityCheckFailed", Kind.INVALID),
    MALFORMED_MESSAGE("MalformedMessage", Kind.INVALID),
    /** The message is not signed or not encrypted where its agreement says it must be. */
    INSUFFICIENT_MESSAGE_SECURITY("InsufficientMessageSecurity", Kind.INVALID),
    SIGNATURE_INVALID("SignatureInvalid", Kind.INVALID),
    SIGNER_UNKNOWN("SignerUnknown", Kind.INVALID),
    NO_MATCHING_RECIPIENT("NoMatchingPrivateCertificate", Kind.INVALID),
    ALGORITHM_NOT_ALLOWED("AlgorithmNotAllowed", Kind.INVALID),
    CERTIFICATE_EXPIRED("CertificateExpired", Kind.INVALID),
    CERTIFICATE_NOT_PRIVATE("CertificateNotPrivate", Kind.INVALID),
    /** A certificate a message would use (or was signed with) is revoked, as its CA's OCSP responder or CRL says. */
    CERTIFICATE_REVOKED("CertificateRevoked", Kind.INVALID),
    /** Revocation must be known (hard fail) and none of the certificate's sources answered. */
    REVOCATION_UNKNOWN("RevocationUnknown", Kind.UNAVAILABLE),
    /** An uploaded CRL that is no CRL, or not signed by the certificate it is uploaded for. */
    INVALID_CRL("InvalidCrl", Kind.INVALID),
    PASSWORD_TOO_WEAK("PasswordTooWeak", Kind.INVALID),
    CURRENT_PASSWORD_INCORRECT("CurrentPasswordIncorrect", Kind.INVALID),
    AUTHENTICATION_FAILED("AuthenticationFailed", Kind.UNAUTHENTICATED),
    AUTHORIZATION_FAILED("AuthorizationFailed", Kind.FORBIDDEN),
    SIGN_IN_LOCKED("TooManySignInAttempts", Kind.TOO_MANY_REQUESTS),
    USER_NOT_FOUND("UserNotFound", Kind.NOT_FOUND),
    ROLE_ASSIGNMENT_NOT_FOUND("RoleAssignmentNotFound", Kind.NOT_FOUND),
    LAST_ADMINISTRATOR("LastAdministrator", Kind.CONFLICT),
    ROLE_ASSIGNMENT_EXISTS("RoleAssignmentExists", Kind.CONFLICT),
    ACCOUNT_EXISTS("IntegrationAccountExists", Kind.CONFLICT),
    CERTIFICATE_EXISTS("CertificateExists", Kind.CONFLICT),
    USER_EXISTS("UserExists", Kind.CONFLICT),
    ACCOUNT_NOT_FOUND("IntegrationAccountNotFound", Kind.NOT_FOUND),
    CERTIFICATE_NOT_FOUND("CertificateNotFound", Kind.NOT_FOUND),
    CRL_NOT_FOUND("CrlNotFound", Kind.NOT_FOUND),
    PARTNER_NOT_FOUND("PartnerNotFound", Kind.NOT_FOUND),
    PARTNER_EXISTS("PartnerExists", Kind.CONFLICT),
    /** Another partner of the account has the business identity (qualifier and value). */
    BUSINESS_IDENTITY_IN_USE("BusinessIdentityInUse", Kind.CONFLICT),
    /** A partner that an agreement names cannot be deleted, nor lose an identity the agreement uses. */
    PARTNER_IN_USE("PartnerInUse", Kind.CONFLICT),
    /** A certificate that an agreement names cannot be deleted (it can be replaced). */
    CERTIFICATE_IN_USE("CertificateInUse", Kind.CONFLICT),
    AGREEMENT_NOT_FOUND("AgreementNotFound", Kind.NOT_FOUND),
    AGREEMENT_EXISTS("AgreementExists", Kind.CONFLICT),
    /** Another agreement of the account is between the same two identities (either way round). */
    AGREEMENT_IDENTITIES_IN_USE("AgreementIdentitiesInUse", Kind.CONFLICT),
    /** X12 and EDIFACT agreements exist in Azure but not here. */
    AGREEMENT_TYPE_NOT_SUPPORTED("AgreementTypeNotSupported", Kind.INVALID),
    MESSAGE_NOT_FOUND("MessageNotFound", Kind.NOT_FOUND),
    CERTIFICATE_REQUEST_NOT_FOUND("CertificateRequestNotFound", Kind.NOT_FOUND),
    CERTIFICATE_REQUEST_EXISTS("CertificateRequestExists", Kind.CONFLICT),
    CERTIFICATE_REQUEST_COMPLETED("CertificateRequestCompleted", Kind.CONFLICT),
    /** A CA's answer that is not for the request's key, or a request completed already. */
    CERTIFICATE_REQUEST_MISMATCH("CertificateRequestMismatch", Kind.INVALID),
    /** The AS2 message is not in a state the operation applies to (acknowledge an outbound one, resend a queued one). */
    MESSAGE_STATE_CONFLICT("MessageStateConflict", Kind.CONFLICT),
    VAULT_NOT_FOUND("VaultNotFound", Kind.NOT_FOUND),
    KEY_NOT_FOUND("KeyNotFound", Kind.NOT_FOUND),
    KEY_IN_USE("KeyInUse", Kind.CONFLICT),
    /** The certificate's public key is not the vault key's: at upload, or at use once no version matches any more. */
    CERTIFICATE_KEY_MISMATCH("CertificateKeyMismatch", Kind.CONFLICT),
    CONCURRENT_CHANGE("ConcurrentChange", Kind.CONFLICT),
    PRECONDITION_FAILED("PreconditionFailed", Kind.PRECONDITION_FAILED),
    REQUEST_TOO_LARGE("RequestTooLarge", Kind.TOO_LARGE),
    VAULT_ACCESS_DENIED("VaultAccessDenied", Kind.VAULT_REFUSED),
    VAULT_UNAVAILABLE("VaultUnavailable", Kind.UNAVAILABLE),
    /** The audit trail could not record an operation, so the operation did not happen or its result was withheld. */
    AUDIT_UNAVAILABLE("AuditUnavailable", Kind.UNAVAILABLE),
    VAULT_CONFIGURATION_INVALID("VaultConfigurationInvalid", Kind.INTERNAL),
    VAULT_FAILURE("VaultFailure", Kind.INTERNAL);

    /** What sort of failure it is; the API turns this into a status code. */
    public enum Kind { INVALID, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, TOO_LARGE,
        TOO_MANY_REQUESTS,
        /** The vault refused Certvault's own identity: the caller is not at fault (502). */
        VAULT_REFUSED, UNAVAILABLE, INTERNAL }

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
