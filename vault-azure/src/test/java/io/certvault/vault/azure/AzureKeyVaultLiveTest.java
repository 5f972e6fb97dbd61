package io.certvault.vault.azure;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultContractTest;
import io.certvault.vault.VaultSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The vault contract against a real Azure Key Vault. Runs only when {@code AZURE_KEYVAULT_URL} is set;
 * signs in with {@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID} and {@code AZURE_CLIENT_SECRET} when they
 * are set, else with the default credential chain (Azure CLI login, managed identity, ...). Key names get a
 * suffix unique to the run, since deleted keys stay soft-deleted in the vault.
 */
@EnabledIfEnvironmentVariable(named = "AZURE_KEYVAULT_URL", matches = ".+")
class AzureKeyVaultLiveTest extends VaultContractTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected Vault openVault() {
        Map<String, String> config = new HashMap<>();
        config.put("url", System.getenv("AZURE_KEYVAULT_URL"));
        if (System.getenv("AZURE_CLIENT_SECRET") != null) {
            config.put("credential", "client-secret");
            config.put("tenant-id", System.getenv("AZURE_TENANT_ID"));
            config.put("client-id", System.getenv("AZURE_CLIENT_ID"));
            config.put("client-secret", System.getenv("AZURE_CLIENT_SECRET"));
        }
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new AzureKeyVaultProvider().open(new VaultContext("live", settings, settings, Path.of("target")));
    }


    @Override
    protected String name(String base) {
        return base + "-" + RUN;
    }
}
