package io.certvault.rest;

import io.certvault.vault.azure.KeyVaultSimulator;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the Azure Key Vault simulator on the port the build reserved, before Arquillian starts the server
 * whose 'azure' vault points at it (so register this extension before Arquillian's).
 */
public class KeyVaultSimulatorExtension implements BeforeAllCallback, AfterAllCallback {
    static KeyVaultSimulator simulator;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        simulator = new KeyVaultSimulator(Integer.parseInt(System.getProperty("azure.simulator.port")),
                Path.of(System.getProperty("azure.simulator.ca")));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        simulator.close();
    }
}
