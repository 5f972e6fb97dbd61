package io.certvault.audit;

import java.util.List;

/** Where audit events are kept: appended, read, verified; never changed or deleted. */
public interface AuditTrail {
    /** Appends the event at the end of the chain. */
    AuditRecord append(AuditEvent event);

    /** Records matching the query, newest first, starting below {@code beforeSequence} (null: from the newest). */
    List<AuditRecord> find(AuditQuery query, Long beforeSequence, int limit);

    /** Checks every record's hash and link, oldest first. */
    AuditVerification verify();
}
