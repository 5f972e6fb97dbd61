package io.certvault.application;

import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditTarget;
import io.certvault.audit.AuditTrail;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import io.certvault.security.CallerScope;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The one place where the application services check the caller's permission and write the audit trail.
 * Reads are checked; changes and key uses are checked and recorded with their outcome, refusals included.
 * A change runs as one unit of work with its audit record; a failure is recorded after the rollback, in a
 * transaction of its own. A record that cannot be written fails the operation ({@code AuditUnavailable}).
 */
@ApplicationScoped
public class Guard {
    private CallerContext callers;
    private AuditTrail audit;
    private UnitOfWork unitOfWork;
    private Clock clock;

    protected Guard() {
        // for CDI proxies
    }

    @Inject
    public Guard(CallerContext callers, AuditTrail audit, UnitOfWork unitOfWork) {
        this(callers, audit, unitOfWork, Clock.systemUTC());
    }

    public Guard(CallerContext callers, AuditTrail audit, UnitOfWork unitOfWork, Clock clock) {
        this.callers = callers;
        this.audit = audit;
        this.unitOfWork = unitOfWork;
        this.clock = clock;
    }

    /** The caller a {@link CallerScope} names, else the context's (the signed-in user of a web request). */
    public Caller caller() {
        return CallerScope.current().orElseGet(callers::current);
    }

    /**
     * Runs work as one unit of work that is no change of the caller's and is not recorded as one (sign-in
     * counters); what it records itself commits with it.
     */
    public <T> T atomically(Supplier<T> work) {
        return unitOfWork.run(work);
    }

    /** Checks that the caller may read in the account (null: outside every account). */
    public Caller read(String accountName) {
        Caller caller = caller();
        caller.require(Permission.READ, accountName);
        return caller;
    }

    /** Checks the permission, runs the change and its success record as one unit of work, and records a failure. */
    public <T> T change(String operation, Permission permission, AuditTarget target, Supplier<T> work) {
        return change(operation, permission, target, result -> target, work);
    }

    /**
     * The same, with the success recorded against a target read from the result (the key version an import
     * made). Parse what the caller sent inside {@code work}: a refusal of it is then on record too.
     */
    public <T> T change(String operation, Permission permission, AuditTarget target,
            java.util.function.Function<T, AuditTarget> succeededOn, Supplier<T> work) {
        Caller caller = require(operation, permission, target);
        try {
            return unitOfWork.run(() -> {
                T result = work.get();
                record(caller, operation, succeededOn.apply(result), AuditEvent.SUCCEEDED, null);
                return result;
            });
        } catch (CertvaultException e) {
            if (e.errorCode() != ErrorCode.AUDIT_UNAVAILABLE) {
                record(caller, operation, target, AuditEvent.FAILED, e.errorCode().code());
            }
            throw e.markRecorded();
        } catch (RuntimeException | Error e) {
            record(caller, operation, target, AuditEvent.FAILED, "InternalError");
            throw e;
        }
    }

    /** Checks the permission and records a refusal; for operations whose key uses are recorded one by one. */
    public Caller require(String operation, Permission permission, AuditTarget target) {
        Caller caller = caller();
        if (!caller.may(permission, target.account())) {
            record(caller, operation, target, AuditEvent.DENIED, ErrorCode.AUTHORIZATION_FAILED.code());
            throw caller.denied(permission, target.account()).markRecorded();
        }
        return caller;
    }

    /**
     * Records a change refused before any service was reached: the request named the operation and its
     * target, but its body could not be read. Refusals in the services are recorded by {@link #change}.
     */
    public void refused(String operation, AuditTarget target, String errorCode) {
        record(caller(), operation, target, AuditEvent.FAILED, errorCode);
    }

    /**
     * Runs a key use and records its outcome against the target, which is read once the work has ended. The
     * result is handed out only once it is on record.
     */
    <T> T recorded(Caller caller, String operation, Supplier<AuditTarget> used, Supplier<T> work) {
        // A key use for a message names it (the resource the caller works for).
        Supplier<AuditTarget> target = caller.about() == null ? used : () -> used.get().about(caller.about());
        T result;
        try {
            result = work.get();
        } catch (CertvaultException e) {
            record(caller, operation, target.get(), AuditEvent.FAILED, e.errorCode().code());
            throw e.markRecorded();
        } catch (RuntimeException | Error e) {
            record(caller, operation, target.get(), AuditEvent.FAILED, "InternalError");
            throw e;
        }
        record(caller, operation, target.get(), AuditEvent.SUCCEEDED, null);
        return result;
    }

    void record(Caller caller, String operation, AuditTarget target, String outcome, String errorCode) {
        AuditEvent event = new AuditEvent(clock.instant(), caller.name(), operation, target, outcome, errorCode,
                caller.address());
        try {
            audit.append(event);
        } catch (CertvaultException e) {
            throw e;
        } catch (RuntimeException e) {
            // Fail closed: nothing unrecorded is changed or handed out.
            throw new CertvaultException(ErrorCode.AUDIT_UNAVAILABLE, "The audit trail cannot record '" + operation
                    + "' now, so it was not done (or its result is withheld): try again later.", e);
        }
    }
}
