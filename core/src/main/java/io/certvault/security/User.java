package io.certvault.security;

import io.certvault.domain.ResourceName;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A built-in user: a name and a password hash (PBKDF2, made by {@link PasswordHasher}), and the count
 * of failed sign-ins that locks it for a while.
 */
@Entity
@Table(name = "certvault_user")
public class User implements io.certvault.domain.Versioned {
    @Id
    @Column(name = "name", length = 80)
    private String name;

    @Column(name = "password_hash", length = 512, nullable = false)
    private String passwordHash;

    @Column(name = "failed_sign_ins", nullable = false)
    private int failedSignIns;

    @Column(name = "locked_until")
    private Instant lockedUntil;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    /** Raised by every change; a write based on an older version fails instead of overwriting. */
    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected User() {
    }

    public User(String name, String passwordHash, Instant now) {
        this.name = ResourceName.require("user", name);
        this.passwordHash = passwordHash;
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
    }

    public String name() {
        return name;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public int failedSignIns() {
        return failedSignIns;
    }

    public Instant lockedUntil() {
        return lockedUntil;
    }

    public Instant createdTime() {
        return createdTime;
    }

    public Instant changedTime() {
        return changedTime;
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /** A new password also lifts a lock. */
    public void changePassword(String passwordHash, Instant now) {
        this.passwordHash = passwordHash;
        this.failedSignIns = 0;
        this.lockedUntil = null;
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public void signedIn() {
        failedSignIns = 0;
        lockedUntil = null;
    }

    /** Counts a failure; at the limit the user is locked until {@code now + lockFor}. True when it locked now. */
    public boolean failedSignIn(int limit, Instant now, java.time.Duration lockFor) {
        failedSignIns++;
        if (failedSignIns >= limit) {
            failedSignIns = 0;
            lockedUntil = now.plus(lockFor).truncatedTo(ChronoUnit.MILLIS);
            return true;
        }
        return false;
    }

    @Override
    public long version() {
        return version;
    }
}
