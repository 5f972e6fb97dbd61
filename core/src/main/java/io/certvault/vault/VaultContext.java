package io.certvault.vault;

import java.nio.file.Path;

/**
 * What a provider gets to open one vault instance.
 *
 * @param name the vault's configured name
 * @param settings the vault's own settings (keys without the {@code certvault.vault.<name>.} prefix)
 * @param rootSettings every setting, for values shared by all vaults such as {@code certvault.master-key}
 * @param dataDirectory Certvault's data directory
 */
public record VaultContext(String name, VaultSettings settings, VaultSettings rootSettings, Path dataDirectory) {

    public String require(String key) {
        return settings.get(key).orElseThrow(() -> VaultException.configuration(name,
                "setting 'certvault.vault." + name + "." + key + "' is required"));
    }
}
