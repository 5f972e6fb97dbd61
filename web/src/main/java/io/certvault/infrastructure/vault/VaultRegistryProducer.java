package io.certvault.infrastructure.vault;

import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Opens the configured vaults once for the application and closes them when it stops. */
@ApplicationScoped
public class VaultRegistryProducer {

    @Inject
    CertvaultConfig config;
    @Inject
    jakarta.enterprise.inject.Instance<org.eclipse.microprofile.metrics.MetricRegistry> metrics;

    // A pseudo-scope: the registry is final and needs no client proxy.
    @Produces
    @Singleton
    VaultRegistry vaultRegistry() {
        VaultRegistry opened = VaultRegistry.open(VaultSettings.of(config::get), config.dataDirectory());
        // Key operations timed per vault where the server keeps MicroProfile Metrics.
        return metrics.isResolvable() ? io.certvault.infrastructure.metrics.TimedVault.timed(opened, metrics.get())
                : opened;
    }

    void close(@Disposes VaultRegistry registry) {
        registry.close();
    }
}
