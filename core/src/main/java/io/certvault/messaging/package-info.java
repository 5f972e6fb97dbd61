/**
 * Message security as AS2 uses it: S/MIME (RFC 8551) over CMS (RFC 5652), with compression (RFC 3274).
 * Everything streams: payloads pass through in fixed-size buffers, and what must be held until a signature
 * is checked is spooled ({@link io.certvault.messaging.Spool}). Private-key operations go through the vault
 * SPI: {@link io.certvault.messaging.VaultContentSigner} and {@link io.certvault.messaging.VaultRecipients}.
 */
package io.certvault.messaging;
