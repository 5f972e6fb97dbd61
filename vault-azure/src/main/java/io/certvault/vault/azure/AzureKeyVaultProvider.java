package io.certvault.vault.azure;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultProvider;
import io.certvault.vault.VaultSetting;
import java.util.List;

/**
 * Azure Key Vault: keys live in Key Vault and every private-key operation (sign, decrypt) runs there.
 * Configured per vault as {@code certvault.vault.<name>.type=azure} with the settings below.
 */
public class AzureKeyVaultProvider implements VaultProvider {
    public static final String TYPE = "azure";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<VaultSetting> settings() {
        return AzureSettings.DESCRIPTIONS;
    }

    @Override
    public Vault open(VaultContext context) {
        return new AzureKeyVault(context.name(), AzureSettings.read(context));
    }
}
