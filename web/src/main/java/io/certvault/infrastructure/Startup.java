package io.certvault.infrastructure;

import io.certvault.infrastructure.persistence.Database;
import io.certvault.infrastructure.security.CertvaultAuthentication;
import io.certvault.infrastructure.security.FirstAdmin;
import io.certvault.vault.VaultRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Opens the database and the vaults when the application starts, so that a bad configuration stops
 * the deployment with its message instead of failing the first request.
 */
@ApplicationScoped
public class Startup {
    private static final Logger LOG = Logger.getLogger(Startup.class.getName());

    @Inject
    CertvaultConfig config;
    @Inject
    io.certvault.infrastructure.crypto.CryptoProviders crypto;
    @Inject
    Database database;
    @Inject
    VaultRegistry vaults;
    @Inject
    FirstAdmin firstAdmin;
    @Inject
    CertvaultAuthentication authentication;
    @Inject
    io.certvault.infrastructure.as2.As2Outbox outbox;
    @Inject
    io.certvault.infrastructure.expiry.ExpiryScheduler expiry;
    @Inject
    io.certvault.infrastructure.metrics.CertificateMetrics certificateMetrics;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        crypto.install();
        database.check();
        firstAdmin.createIfNoUsers();
        String signIn = authentication.description();
        outbox.start();
        expiry.start();
        certificateMetrics.register();
        long warningDays = config.expiryWarning().toDays();
        LOG.info(() -> "Certvault started: data directory " + config.dataDirectory() + ", database "
                + database.description() + ", vaults " + vaults.vaults().stream()
                        .map(v -> v.name() + " (" + v.type() + ")").collect(Collectors.joining(", "))
                + ", crypto " + crypto.active() + ", API sign-in " + signIn + ", certificates expire soon " + warningDays + " days before their end");
    }

}
