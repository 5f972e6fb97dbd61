package io.certvault.application;

import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditTarget;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;
import io.certvault.security.Caller;
import io.certvault.security.CallerScope;
import io.certvault.security.Permission;
import io.certvault.security.Grant;
import io.certvault.security.PasswordHasher;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.RoleAssignmentRepository;
import io.certvault.security.Scope;
import io.certvault.security.User;
import io.certvault.security.UserRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs in built-in users by password. After {@code maxFailures} failures in a row a name is locked for
 * {@code lockFor}, and every answer is the same for a wrong password and an unknown name (which is
 * counted and locked alike, and costs the same hashing time), so names cannot be probed.
 */
@ApplicationScoped
public class SignInService {
    /** How many failures lock a name, and for how long. */
    public record Policy(int maxFailures, Duration lockFor) {
    }

    public enum Outcome { SIGNED_IN, REJECTED, LOCKED }

    /** The outcome; for a signed-in user also the roles its role assignments give (read with the user). */
    public record Result(Outcome outcome, Instant lockedUntil, List<Grant> grants) {
        static final Result REJECTED = new Result(Outcome.REJECTED, null, List.of());

        static Result locked(Instant until) {
            return new Result(Outcome.LOCKED, until, List.of());
        }
    }

    /** A user as stored (null: no such user) and the roles given to its name, read in one transaction. */
    private record Principal(User user, List<Grant> grants) {
    }

    private static final Duration VERIFIED_FOR = Duration.ofMinutes(5);
    private static final int MAX_TRACKED_UNKNOWN = 10_000;

    private UserRepository users;
    private RoleAssignmentRepository assignments;
    private PasswordHasher hasher;
    private Guard guard;
    private Policy policy;
    private Clock clock;
    /** Failures of names that are no user, kept like a user's so that the answers do not differ. */
    private final Map<String, User> unknownNames = new ConcurrentHashMap<>();
    /**
     * Passwords verified lately, as an HMAC under a key that exists only in this process: an API client
     * sending Basic credentials on every request then costs one PBKDF2 per {@link #VERIFIED_FOR}.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    private final SecretKeySpec cacheKey;
    private volatile String decoyHash;

    private record Verified(byte[] mac, Instant changedTime, Instant until) {
    }

    protected SignInService() {
        this.cacheKey = null;
    }

    @Inject
    public SignInService(UserRepository users, RoleAssignmentRepository assignments, PasswordHasher hasher,
            Guard guard, Policy policy) {
        this(users, assignments, hasher, guard, policy, Clock.systemUTC());
    }

    public SignInService(UserRepository users, RoleAssignmentRepository assignments, PasswordHasher hasher,
            Guard guard, Policy policy, Clock clock) {
        this.users = users;
        this.assignments = assignments;
        this.hasher = hasher;
        this.guard = guard;
        this.policy = policy;
        this.clock = clock;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    }

    public Result signIn(String name, char[] password, String clientAddress) {
        Instant now = clock.instant();
        boolean validName = name != null && ResourceName.valid(name);
        Principal principal = validName ? principal(name) : null;
        User user = principal == null ? null : principal.user();
        if (user == null) {
            if (!validName) {
                hasher.verify(password, decoyHash());
                return Result.REJECTED;
            }
            // The same steps as for a user: locked answers at once, else a hash check and a failure count.
            if (unknownNames.size() > MAX_TRACKED_UNKNOWN) {
                unknownNames.clear();
            }
            User unknown = unknownNames.computeIfAbsent(name, n -> new User(n, "", now));
            synchronized (unknown) {
                if (unknown.lockedAt(now)) {
                    return Result.locked(unknown.lockedUntil());
                }
                hasher.verify(password, decoyHash());
                unknown.failedSignIn(policy.maxFailures(), now, policy.lockFor());
                return Result.REJECTED;
            }
        }
        if (user.lockedAt(now)) {
            return Result.locked(user.lockedUntil());
        }
        if (recentlyVerified(user, password, now) || hasher.verify(password, user.passwordHash())) {
            remember(user, password, now);
            if (user.failedSignIns() > 0 || user.lockedUntil() != null) {
                counting(name, User::signedIn);
            }
            return new Result(Outcome.SIGNED_IN, null, principal.grants());
        }
        verified.remove(user.name());
        counting(name, counted -> {
            if (counted.failedSignIn(policy.maxFailures(), now, policy.lockFor())) {
                guard.record(new Caller(name, List.of(), clientAddress), "users/lock",
                        AuditTarget.resource("users/" + name), AuditEvent.SUCCEEDED, null);
            }
        });
        return Result.REJECTED;
    }

    /**
     * Changes the user's sign-in counters on the row as it is now, locked until the change commits: failed
     * sign-ins arriving at once are each counted, and the lock comes after exactly the configured number.
     */
    private void counting(String name, java.util.function.Consumer<User> change) {
        guard.atomically(() -> {
            users.findForUpdate(name).ifPresent(current -> {
                change.accept(current);
                users.save(current);
            });
            return null;
        });
    }

    /**
     * Whether a session signed in at {@code since} still stands: the user exists and has not had a new
     * password since (a password change or a deletion ends every session of the user).
     */
    public boolean sessionValid(String name, Instant since) {
        return session(name, since).isPresent();
    }

    /**
     * The roles of a session's user signed in at {@code since}, read with the user in one transaction; empty
     * when the session no longer stands ({@link #sessionValid}).
     */
    public java.util.Optional<List<Grant>> session(String name, Instant since) {
        if (since == null || name == null) {
            return java.util.Optional.empty();
        }
        Principal principal = principal(name);
        return principal.user() != null && !principal.user().changedTime().isAfter(since)
                ? java.util.Optional.of(principal.grants()) : java.util.Optional.empty();
    }

    /**
     * The user and the roles given to its name: one read transaction, not one each (every API request with
     * HTTP Basic and every page of a session reads both); the password check comes after, outside it.
     */
    private Principal principal(String name) {
        return guard.atomically(() -> new Principal(users.find(name).orElse(null), grants(name)));
    }

    /**
     * The signed-in user sets a new password, proving the current one; a wrong one counts towards the
     * lock like a failed sign-in. Every session of the user ends (they sign in again with the new one).
     */
    public void changeOwnPassword(char[] current, char[] next) {
        Caller caller = guard.caller();
        String name = caller.name();
        try {
            guard.recorded(caller, "users/password", () -> AuditTarget.resource("users/" + name), () -> {
                Result proof = signIn(name, current, caller.address());
                if (proof.outcome() == Outcome.LOCKED) {
                    throw new CertvaultException(ErrorCode.SIGN_IN_LOCKED,
                            "Too many failed sign-ins: try again later.");
                }
                User user = proof.outcome() == Outcome.SIGNED_IN ? users.find(name).orElse(null) : null;
                if (user == null) {
                    // Also a token's user, who has no password here.
                    throw new CertvaultException(ErrorCode.CURRENT_PASSWORD_INCORRECT,
                            "The current password is not correct.");
                }
                user.changePassword(hasher.hash(AccessService.checkPassword(next)), clock.instant());
                users.save(user);
                verified.remove(name);
                return null;
            });
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(next, '\0');
        }
    }

    /** The signed-in caller's name, or null. */
    public String callerName() {
        return guard.caller().name();
    }

    /** The roles given to this principal by role assignments. */
    public List<Grant> grants(String principalName) {
        return assignments.findByPrincipal(principalName).stream().filter(a -> a.role() != null)
                .map(RoleAssignment::grant).toList();
    }

    /**
     * On a first start (no users at all) creates {@code admin} with a global admin role assignment and
     * the given password. False when there are users already.
     */
    public boolean createFirstAdmin(char[] password) {
        if (users.count() > 0) {
            return false;
        }
        Instant now = clock.instant();
        String hash = hasher.hash(password);
        // The user, its role and the record of both commit together, made by Certvault itself.
        CallerScope.runAs(Caller.system("first-start", Role.ADMIN), () -> guard.change("users/write",
                Permission.MANAGE_ACCESS, AuditTarget.resource("users/admin"), () -> {
                    users.save(new User("admin", hash, now));
                    if (assignments.findByPrincipal("admin").stream().noneMatch(a -> a.role() == Role.ADMIN)) {
                        assignments.save(new RoleAssignment("admin-global", "admin", Role.ADMIN, Scope.GLOBAL, now));
                    }
                    return null;
                }));
        return true;
    }

    private boolean recentlyVerified(User user, char[] password, Instant now) {
        Verified known = verified.get(user.name());
        return known != null && now.isBefore(known.until()) && known.changedTime().equals(user.changedTime())
                && MessageDigest.isEqual(known.mac(), mac(password));
    }

    private void remember(User user, char[] password, Instant now) {
        verified.put(user.name(), new Verified(mac(password), user.changedTime(), now.plus(VERIFIED_FOR)));
    }

    private byte[] mac(char[] password) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            mac.update(bytes);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        } finally {
            Arrays.fill(bytes.array(), (byte) 0);
        }
    }

    private String decoyHash() {
        if (decoyHash == null) {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            decoyHash = hasher.hash(java.util.HexFormat.of().formatHex(random).toCharArray());
        }
        return decoyHash;
    }
}
