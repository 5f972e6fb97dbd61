package io.certvault.application;

import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTrail;
import io.certvault.audit.AuditVerification;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.security.Caller;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reading the audit trail. A global reader sees every event; a caller with account-scoped roles sees the
 * events of those accounts only.
 */
@ApplicationScoped
public class AuditService {
    private AuditTrail trail;
    private Guard guard;

    protected AuditService() {
        // for CDI proxies
    }

    @Inject
    public AuditService(AuditTrail trail, Guard guard) {
        this.trail = trail;
        this.guard = guard;
    }

    /** Events newest first; {@code continueAfter} is the sequence number the previous page ended with. */
    public Page<AuditRecord> find(AuditQuery query, String continueAfter, String top) {
        int limit = Paging.top(top);
        Long before = null;
        if (continueAfter != null) {
            try {
                before = Long.valueOf(continueAfter);
            } catch (NumberFormatException e) {
                throw new CertvaultException(ErrorCode.INVALID_REQUEST, "The $skiptoken is not one this API issued.");
            }
        }
        Caller caller = guard.caller();
        AuditQuery visible = query;
        if (!caller.may(Permission.READ, null)) {
            if (!caller.mayAnywhere(Permission.READ)) {
                throw caller.denied(Permission.READ, query.account());
            }
            visible = query.limitedTo(caller.scopedAccounts(Permission.READ));
        }
        return Page.of(trail.find(visible, before, limit + 1), limit, r -> Long.toString(r.sequence()));
    }

    /** Checks the whole chain; needs reading rights over everything, as it covers everything. */
    public AuditVerification verify() {
        guard.read(null);
        return trail.verify();
    }
}
