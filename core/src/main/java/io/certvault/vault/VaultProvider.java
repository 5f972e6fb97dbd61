package io.certvault.vault;

import java.util.List;

/**
 * A vault backend, registered in {@code META-INF/services/io.certvault.vault.VaultProvider}.
 * It describes its settings and opens vault instances; each instance owns its clients and files.
 */
public interface VaultProvider {

    /** The type id used in configuration: {@code certvault.vault.<name>.type=<type>}. */
    String type();

    /** The settings an instance of this backend reads from its own scope. */
    List<VaultSetting> settings();

    /**
     * Opens a vault instance. Fails with a {@link VaultException} of code
     * {@code VaultConfigurationInvalid} when its settings are missing or wrong.
     */
    Vault open(VaultContext context);
}
