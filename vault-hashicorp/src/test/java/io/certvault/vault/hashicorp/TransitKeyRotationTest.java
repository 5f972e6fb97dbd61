package io.certvault.vault.hashicorp;

import io.certvault.application.KeyRotationContractTest;
import io.certvault.vault.Vault;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Certificates bound to their keys through rotation, with keys in HashiCorp Vault Transit (the real driver
 * against the simulator). Transit's own rotate makes the new version; a key deleted and made again there
 * starts its versions at 1 again, with another key behind version 1.
 */
class TransitKeyRotationTest extends KeyRotationContractTest {
    private static VaultSimulator simulator;

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = new VaultSimulator();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Override
    protected Vault openVault() {
        return simulator.resetAndOpen("onprem", Map.of());
    }

    @Override
    protected long vaultRequests() {
        return simulator.requests();
    }
}
