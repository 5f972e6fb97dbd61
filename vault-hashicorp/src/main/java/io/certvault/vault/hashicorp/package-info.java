/**
 * HashiCorp Vault backend. Not implemented yet: this jar registers no {@code VaultProvider},
 * so a vault configured with {@code type=hashicorp} fails start-up with "no provider for type 'hashicorp'".
 */
package io.certvault.vault.hashicorp;
