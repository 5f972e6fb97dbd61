package io.certvault.vault;

/**
 * One setting of a backend, as a backend describes it (for documentation, validation and a UI).
 *
 * @param name the key inside the vault's scope, e.g. {@code path} for {@code certvault.vault.<vault>.path}
 * @param secret true when the value must never be shown or logged
 */
public record VaultSetting(String name, String description, boolean required, boolean secret) {
}
