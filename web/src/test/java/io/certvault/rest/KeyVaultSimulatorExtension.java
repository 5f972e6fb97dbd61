package io.certvault.rest;

import io.certvault.vault.azure.KeyVaultSimulator;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the Azure Key Vault and HashiCorp Vault simulators on the ports the build reserved, before
 * Arquillian starts the server whose 'azure' and 'onprem' vaults point at them (so register this extension
 * before Arquillian's). With AppRole sign-in, the 'onprem' vault must be reachable when the server starts.
 */
public class KeyVaultSimulatorExtension implements BeforeAllCallback, AfterAllCallback {
    static KeyVaultSimulator simulator;
    static io.certvault.vault.hashicorp.VaultSimulator hashicorp;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        simulator = new KeyVaultSimulator(Integer.parseInt(System.getProperty("azure.simulator.port")),
                Path.of(System.getProperty("azure.simulator.ca")));
        hashicorp = new io.certvault.vault.hashicorp.VaultSimulator(
                Integer.parseInt(System.getProperty("hashicorp.simulator.port")));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        simulator.close();
        hashicorp.close();
    }
}
