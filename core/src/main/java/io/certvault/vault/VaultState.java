package io.certvault.vault;

import java.time.Instant;

/**
 * Whether a vault answered when last asked, and why not. A remote vault that is down does not stop
 * Certvault: its state shows in {@code /health/ready} and {@code GET /api/vaults}, and its operations fail
 * with {@code VaultUnavailable} until it answers again.
 */
public record VaultState(boolean up, String detail, Instant checked) {

    public static VaultState up(Instant checked) {
        return new VaultState(true, null, checked);
    }

    public static VaultState down(String detail, Instant checked) {
        return new VaultState(false, detail, checked);
    }
}
