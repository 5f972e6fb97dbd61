package io.certvault.application;

import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditTarget;
import io.certvault.audit.AuditTrail;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import io.certvault.security.Permission;
import io.certvault.vault.Vault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The one place where the application services check the caller's permission and write the audit trail.
 * Reads are checked; changes and key uses are checked and recorded with their outcome, refusals included.
 */
@ApplicationScoped
public class Guard {
    private CallerContext callers;
    private AuditTrail audit;
    private Clock clock;

    protected Guard() {
        // for CDI proxies
    }

    @Inject
    public Guard(CallerContext callers, AuditTrail audit) {
        this(callers, audit, Clock.systemUTC());
    }

    public Guard(CallerContext callers, AuditTrail audit, Clock clock) {
        this.callers = callers;
        this.audit = audit;
        this.clock = clock;
    }

    public Caller caller() {
        return callers.current();
    }

    /** Checks that the caller may read in the account (null: outside every account). */
    public Caller read(String accountName) {
        Caller caller = caller();
        caller.require(Permission.READ, accountName);
        return caller;
    }

    /** Checks the permission, runs the change, and records how it ended. */
    public <T> T change(String operation, Permission permission, AuditTarget target, Supplier<T> work) {
        return recorded(require(operation, permission, target), operation, () -> target, work);
    }

    /** Checks the permission and records a refusal; for operations whose key uses are recorded one by one. */
    public Caller require(String operation, Permission permission, AuditTarget target) {
        Caller caller = caller();
        if (!caller.may(permission, target.account())) {
            record(caller, operation, target, AuditEvent.DENIED, ErrorCode.AUTHORIZATION_FAILED.code());
            throw caller.denied(permission, target.account());
        }
        return caller;
    }

    /** The vault, with every sign, decrypt and key agreement on it recorded against the target. */
    public Vault recordingKeyUse(Caller caller, Vault vault, AuditTarget target) {
        return new AuditedVault(vault, this, caller, target);
    }

    /** Runs the work and records its outcome against the target, which is read once the work has ended. */
    <T> T recorded(Caller caller, String operation, Supplier<AuditTarget> target, Supplier<T> work) {
        T result;
        try {
            result = work.get();
        } catch (CertvaultException e) {
            record(caller, operation, target.get(), AuditEvent.FAILED, e.errorCode().code());
            throw e;
        } catch (RuntimeException | Error e) {
            record(caller, operation, target.get(), AuditEvent.FAILED, "InternalError");
            throw e;
        }
        record(caller, operation, target.get(), AuditEvent.SUCCEEDED, null);
        return result;
    }

    void record(Caller caller, String operation, AuditTarget target, String outcome, String errorCode) {
        audit.append(new AuditEvent(clock.instant(), caller.name(), operation, target, outcome, errorCode,
                caller.address()));
    }
}
