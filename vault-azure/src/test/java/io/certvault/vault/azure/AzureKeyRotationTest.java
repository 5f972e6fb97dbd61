package io.certvault.vault.azure;

import io.certvault.application.KeyRotationContractTest;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Certificates bound to their keys through rotation, with keys in Azure Key Vault (the real SDK against the
 * simulator), counting what each key use costs the vault.
 */
class AzureKeyRotationTest extends KeyRotationContractTest {
    private static KeyVaultSimulator simulator;

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = new KeyVaultSimulator(0, Path.of("target", "azure-rotation-simulator-ca.pem"));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Override
    protected Vault openVault() {
        simulator.reset();
        Map<String, String> config = AzureKeyVaultTest.simulatorSettings(simulator, "");
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new AzureKeyVaultProvider().open(new VaultContext("prod", settings, settings, Path.of("target")));
    }

    @Override
    protected long vaultRequests() {
        return simulator.keyRequests();
    }
}
