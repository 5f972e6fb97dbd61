package io.certvault.vault.filesystem;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultProvider;
import io.certvault.vault.VaultSetting;
import java.nio.file.Path;
import java.util.List;

/**
 * The default vault: keys in files under the data directory, each version encrypted with AES-256-GCM
 * under a master key.
 */
public class FilesystemVaultProvider implements VaultProvider {
    public static final String TYPE = "filesystem";
    /** The vault's directory; default {@code <data dir>/vaults/<vault name>}. */
    public static final String PATH = "path";
    /** Base64 of 32 bytes; default the shared {@link #ROOT_MASTER_KEY}. */
    public static final String MASTER_KEY = "master-key";
    /** The master key of every filesystem vault without its own (env {@code CERTVAULT_MASTER_KEY}). */
    public static final String ROOT_MASTER_KEY = "certvault.master-key";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<VaultSetting> settings() {
        return List.of(
                new VaultSetting(PATH, "Directory of the key files; default <data dir>/vaults/<vault name>", false, false),
                new VaultSetting(MASTER_KEY, "Base64 of the 32-byte AES key that encrypts the key files; default "
                        + ROOT_MASTER_KEY + " (CERTVAULT_MASTER_KEY), else one generated in the data directory",
                        false, true));
    }

    @Override
    public Vault open(VaultContext context) {
        Path directory = context.settings().get(PATH).map(Path::of)
                .orElse(context.dataDirectory().resolve("vaults").resolve(context.name()));
        MasterKey masterKey = context.settings().get(MASTER_KEY)
                .or(() -> context.rootSettings().get(ROOT_MASTER_KEY))
                .map(value -> MasterKey.fromBase64(context.name(), value))
                .orElseGet(() -> MasterKey.generatedIn(context.name(), context.dataDirectory()));
        return new FilesystemVault(context.name(), directory.toAbsolutePath().normalize(), masterKey);
    }
}
