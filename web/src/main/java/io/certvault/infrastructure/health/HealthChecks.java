package io.certvault.infrastructure.health;

import io.certvault.infrastructure.persistence.Database;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: the database answers and the vaults are open; {@code /health/live}: the app runs. */
@ApplicationScoped
public class HealthChecks {

    @Inject
    Database database;
    @Inject
    VaultRegistry vaults;

    @Produces
    @Readiness
    HealthCheck database() {
        return () -> {
            try {
                database.check();
                return HealthCheckResponse.named("database").up().withData("url", database.description()).build();
            } catch (RuntimeException e) {
                return HealthCheckResponse.named("database").down().withData("url", database.description())
                        .withData("error", e.getClass().getSimpleName()).build();
            }
        };
    }

    /**
     * Each vault's type and state. A remote vault that is down does not make Certvault unready: the other
     * vaults, and everything that needs no key, keep working.
     */
    @Produces
    @Readiness
    HealthCheck vaults() {
        return () -> {
            var response = HealthCheckResponse.named("vaults").status(!vaults.vaults().isEmpty());
            for (Vault vault : vaults.vaults()) {
                VaultState state = vault.state();
                response.withData(vault.name(), vault.type() + ": " + (state.up() ? "up" : "down: " + state.detail()));
            }
            return response.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> HealthCheckResponse.up("certvault");
    }
}
