package io.certvault.testing;

import io.certvault.application.Guard;
import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import java.util.List;

/** A caller context the test sets; starts as a global admin. */
public final class TestCallers implements CallerContext {
    private Caller caller = as("tester", new Grant(Role.ADMIN, Scope.GLOBAL));
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail();

    public static Caller as(String name, Grant... grants) {
        return new Caller(name, List.of(grants), "192.0.2.1");
    }

    /** A guard for services under test, with an admin caller and an in-memory audit trail. */
    public static Guard adminGuard() {
        return new TestCallers().guard();
    }

    /** Key resolution for services under test, remembering resolutions for a minute like the default. */
    public static io.certvault.application.CertificateKeys keys(io.certvault.vault.VaultRegistry vaults, Guard guard) {
        return new io.certvault.application.CertificateKeys(vaults, guard, java.time.Duration.ofMinutes(1),
                java.time.Clock.systemUTC());
    }

    public Guard guard() {
        return new Guard(this, audit, io.certvault.application.UnitOfWork.NONE);
    }

    public InMemoryAuditTrail audit() {
        return audit;
    }

    public void set(Caller caller) {
        this.caller = caller;
    }

    @Override
    public Caller current() {
        return caller;
    }
}
