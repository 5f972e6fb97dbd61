package io.certvault.infrastructure.health;

import io.certvault.infrastructure.persistence.Database;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /health/ready}: the database answers and the vaults are open (and what certificates agreements use are
 * expiring); {@code /health/live}: the app runs.
 * Health is open without sign-in, so it tells states only: no URL, path or host (the signed-in
 * {@code /api/vaults} gives the reasons, the log the database's failure).
 */
@ApplicationScoped
public class HealthChecks {
    private static final Logger LOG = Logger.getLogger(HealthChecks.class.getName());

    @Inject
    Database database;
    @Inject
    VaultRegistry vaults;
    @Inject
    io.certvault.application.ExpiryWatch expiry;

    @Produces
    @Readiness
    HealthCheck database() {
        return () -> {
            try {
                database.check();
                return HealthCheckResponse.up("database");
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "The database " + database.description() + " does not answer", e);
                return HealthCheckResponse.down("database");
            }
        };
    }

    /**
     * Each vault's state, Up or Down as {@code /api/vaults} says it. A remote vault that is down does not make
     * Certvault unready: the other vaults, and everything that needs no key, keep working.
     */
    @Produces
    @Readiness
    HealthCheck vaults() {
        return () -> {
            var response = HealthCheckResponse.named("vaults").status(!vaults.vaults().isEmpty());
            for (Vault vault : vaults.vaults()) {
                response.withData(vault.name(), vault.state().up() ? "Up" : "Down");
            }
            return response.build();
        };
    }

    /**
     * The certificates agreements use, as the last expiry round found them: how many have expired and how many
     * expire within the largest threshold, counts only (names are on the signed-in Expiring page). Always Up:
     * an expired certificate stops the agreements that use it, not the server, and taking the server out of a
     * load balancer would stop every other agreement too.
     */
    @Produces
    @Readiness
    HealthCheck certificates() {
        return () -> {
            var summary = expiry.summary();
            var response = HealthCheckResponse.named("certificates").up()
                    .withData("expiredInUse", summary.expired()).withData("expiringInUse", summary.expiringSoon());
            Long days = summary.daysToNearestExpiry(java.time.Instant.now());
            if (days != null) {
                response.withData("daysToNearestExpiry", days);
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
