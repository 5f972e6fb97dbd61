package io.certvault.application;

import io.certvault.testing.InMemoryVault;
import io.certvault.vault.Vault;

/** The rotation contract with the in-memory test vault (the other backends run it in their modules). */
class InMemoryKeyRotationTest extends KeyRotationContractTest {
    @Override
    protected Vault openVault() {
        return new InMemoryVault("default");
    }
}
