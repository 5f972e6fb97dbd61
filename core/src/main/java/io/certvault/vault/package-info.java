/**
 * The vault SPI. A {@link io.certvault.vault.VaultProvider} per backend type is found with
 * {@link java.util.ServiceLoader}; the {@link io.certvault.vault.VaultRegistry} opens each configured
 * {@link io.certvault.vault.Vault} once. A vault signs digests and decrypts key-transport blobs on request;
 * it never hands out a private key.
 */
package io.certvault.vault;
