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

    // A pseudo-scope: the registry is final and needs no client proxy.
    @Produces
    @Singleton
    VaultRegistry vaultRegistry() {
        return VaultRegistry.open(VaultSettings.of(config::get), config.dataDirectory());
    }

    void close(@Disposes VaultRegistry registry) {
        registry.close();
    }
}
