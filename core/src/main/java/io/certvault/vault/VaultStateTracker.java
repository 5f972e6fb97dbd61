package io.certvault.vault;

import io.certvault.domain.CertvaultException;
import java.time.Duration;
import java.time.Instant;

/**
 * The state of a remote vault as its operations and probes find it: up after any call that got an answer,
 * down (with why) after one that could not reach it or sign in. While down, asking for the state probes
 * again at most every 30 seconds.
 */
public final class VaultStateTracker {
    private static final Duration RECHECK_AFTER = Duration.ofSeconds(30);

    private final Runnable probe;
    private volatile VaultState state;

    /** @param probe a cheap call to the vault (list one page of keys); it throws when the vault is not usable */
    public VaultStateTracker(Runnable probe) {
        this.probe = probe;
    }

    /** Probes now: the vault is up when the probe returns, down with the probe's message when it throws. */
    public void probe() {
        try {
            probe.run();
            up();
        } catch (CertvaultException e) {
            down(e.getMessage());
        }
    }

    public VaultState current() {
        VaultState current = state;
        if (current == null || !current.up() && current.checked().plus(RECHECK_AFTER).isBefore(Instant.now())) {
            probe();
        }
        return state;
    }

    public void up() {
        VaultState current = state;
        if (current == null || !current.up()) {
            state = VaultState.up(Instant.now());
        }
    }

    public void down(String detail) {
        state = VaultState.down(detail, Instant.now());
    }
}
