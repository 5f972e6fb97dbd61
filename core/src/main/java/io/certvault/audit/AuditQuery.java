package io.certvault.audit;

import java.time.Instant;
import java.util.Set;

/**
 * Filters for reading the audit trail; null means any. {@code accounts}, when not null, limits the result
 * to events in those accounts (a caller who may read only some accounts sees only their events).
 */
public record AuditQuery(String user, String operation, String account, String certificate, String vault,
        String key, String outcome, Instant from, Instant to, Set<String> accounts) {

    public static AuditQuery all() {
        return new AuditQuery(null, null, null, null, null, null, null, null, null, null);
    }

    public AuditQuery limitedTo(Set<String> visibleAccounts) {
        return new AuditQuery(user, operation, account, certificate, vault, key, outcome, from, to, visibleAccounts);
    }
}
