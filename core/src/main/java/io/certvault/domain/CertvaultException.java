package io.certvault.domain;

/**
 * A failure with a stable code and a message a person can act on.
 * Messages never carry key material, passwords or tokens.
 */
public class CertvaultException extends RuntimeException {
    private final ErrorCode errorCode;
    /** Set once the audit trail holds this failure, so that no later layer records it a second time. */
    private volatile boolean recorded;

    public CertvaultException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public CertvaultException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public CertvaultException markRecorded() {
        recorded = true;
        return this;
    }

    public boolean isRecorded() {
        return recorded;
    }
}
