/**
 * Azure Key Vault backend. Not implemented yet: this jar registers no {@code VaultProvider},
 * so a vault configured with {@code type=azure} fails start-up with "no provider for type 'azure'".
 */
package io.certvault.vault.azure;
