package io.certvault.vault.hashicorp;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.testing.KeyLeaks;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContractTest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole vault contract in KV mode (keys as KV v2 secrets), with the real driver against the simulator. */
class HashiCorpKvVaultTest extends VaultContractTest {
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
        return simulator.resetAndOpen("kv", Map.of("mode", "kv"));
    }

    @Test
    void theKeyIsStoredAsAPemSecretUnderTheConfiguredPath() {
        var pair = TestCertificates.rsa(2048);
        vault.importKey("stored", pair);

        String secret = simulator.secretText("certvault/stored");
        assertThat(secret).contains("BEGIN PRIVATE KEY");
        assertThat(KeyLeaks.inText(secret, pair)).isTrue();
        assertThat(vault.state().up()).isTrue();
    }
}
