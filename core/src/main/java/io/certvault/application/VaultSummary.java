package io.certvault.application;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultCapabilities;
import io.certvault.vault.VaultState;

/**
 * What callers may know of a vault: its name, type and state. The services hand out this, never the
 * {@link Vault} itself, so that no key can be used except through the audited message operations.
 */
public record VaultSummary(String name, String type, VaultState state, VaultCapabilities capabilities) {
    static VaultSummary of(Vault vault) {
        return new VaultSummary(vault.name(), vault.type(), vault.state(), vault.capabilities());
    }
}
