package io.certvault.vault;

import io.certvault.testing.InMemoryVault;

/** Runs the contract against the test double that the service tests rely on. */
class InMemoryVaultTest extends VaultContractTest {

    @Override
    protected Vault openVault() {
        return new InMemoryVault("memory");
    }
}
