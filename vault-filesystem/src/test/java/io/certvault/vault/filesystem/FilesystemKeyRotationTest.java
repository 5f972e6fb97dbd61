package io.certvault.vault.filesystem;

import io.certvault.application.KeyRotationContractTest;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultSettings;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** Certificates bound to their keys through rotation, with keys in the filesystem vault. */
class FilesystemKeyRotationTest extends KeyRotationContractTest {
    @TempDir
    Path dataDirectory;

    @Override
    protected Vault openVault() {
        VaultSettings root = VaultSettings.of(key -> Optional.empty());
        return new FilesystemVaultProvider().open(new VaultContext("default", root.scoped("certvault.vault.default."),
                root, dataDirectory));
    }
}
