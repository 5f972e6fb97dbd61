package io.certvault.vault.hashicorp;

import io.certvault.vault.EncryptionAlgorithm;
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
 * The vault contract against a real HashiCorp Vault (or OpenBao) with the Transit engine mounted at
 * {@code transit}: runs only when {@code VAULT_ADDR} and {@code VAULT_TOKEN} are set, e.g. for
 * {@code vault server -dev} followed by {@code vault secrets enable transit}.
 */
@EnabledIfEnvironmentVariable(named = "VAULT_ADDR", matches = ".+")
@EnabledIfEnvironmentVariable(named = "VAULT_TOKEN", matches = ".+")
class HashiCorpVaultLiveTest extends VaultContractTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected Vault openVault() {
        Map<String, String> config = Map.of("address", System.getenv("VAULT_ADDR"), "token", System.getenv("VAULT_TOKEN"));
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new HashiCorpVaultProvider().open(new VaultContext("live", settings, settings, Path.of("target")));
    }



    @Override
    protected String name(String base) {
        return base + "-" + RUN;
    }
}
