package io.certvault.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One entry of the audit trail: who did what to which target, when, from where, and how it ended.
 * {@code outcome} is {@code Succeeded}, {@code Failed} or {@code Denied}; {@code errorCode} is the stable
 * error code of a failure. Nothing here ever holds key material or a secret: only names and codes.
 */
public record AuditEvent(Instant time, String user, String operation, AuditTarget target, String outcome,
        String errorCode, String clientAddress) {
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String DENIED = "Denied";

    public AuditEvent {
        // Stored to the millisecond: the hash must match what the database gives back.
        time = time.truncatedTo(ChronoUnit.MILLIS);
        target = target == null ? AuditTarget.NONE : target.bounded();
    }
}
