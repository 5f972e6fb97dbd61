package io.certvault.vault.hashicorp;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultContractTest;
import io.certvault.vault.VaultSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The vault contract in KV mode against a real Vault whose KV v2 engine is mounted at {@code secret} (as a
 * dev server has it): runs only when {@code VAULT_ADDR} and {@code VAULT_TOKEN} are set.
 */
@EnabledIfEnvironmentVariable(named = "VAULT_ADDR", matches = ".+")
@EnabledIfEnvironmentVariable(named = "VAULT_TOKEN", matches = ".+")
class HashiCorpKvVaultLiveTest extends VaultContractTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected Vault openVault() {
        Map<String, String> config = Map.of("address", System.getenv("VAULT_ADDR"), "token", System.getenv("VAULT_TOKEN"),
                "mode", "kv", "kv-path", "certvault-live-" + RUN);
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new HashiCorpVaultProvider().open(new VaultContext("live-kv", settings, settings, Path.of("target")));
    }
}
