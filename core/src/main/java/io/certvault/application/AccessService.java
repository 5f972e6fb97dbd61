package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import io.certvault.security.PasswordHasher;
import io.certvault.security.Permission;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.RoleAssignmentRepository;
import io.certvault.security.Scope;
import io.certvault.security.User;
import io.certvault.security.UserRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Arrays;

/** Built-in users and role assignments; only admins may see or change them. Every change is audited. */
@ApplicationScoped
public class AccessService {
    static final int MIN_PASSWORD_LENGTH = 12;
    static final int MAX_PASSWORD_LENGTH = 1024;

    private UserRepository users;
    private RoleAssignmentRepository assignments;
    private PasswordHasher hasher;
    private Guard guard;
    private Clock clock;

    protected AccessService() {
        // for CDI proxies
    }

    @Inject
    public AccessService(UserRepository users, RoleAssignmentRepository assignments, PasswordHasher hasher,
            Guard guard) {
        this(users, assignments, hasher, guard, Clock.systemUTC());
    }

    public AccessService(UserRepository users, RoleAssignmentRepository assignments, PasswordHasher hasher,
            Guard guard, Clock clock) {
        this.users = users;
        this.assignments = assignments;
        this.hasher = hasher;
        this.guard = guard;
        this.clock = clock;
    }

    public Page<User> listUsers(String afterName, String top) {
        int limit = Paging.top(top);
        guard.caller().require(Permission.MANAGE_ACCESS, null);
        return users.list(afterName, limit);
    }

    public User getUser(String name) {
        ResourceName.require("user", name);
        guard.caller().require(Permission.MANAGE_ACCESS, null);
        return users.find(name).orElseThrow(() -> userNotFound(name));
    }

    /** Creates the user, or sets a new password (which also lifts a lock). The password array is cleared. */
    public Saved<User> putUser(String name, char[] password) {
        return putUser(name, password, Precondition.NONE);
    }

    /** Creates the user or sets a new password if the precondition holds for the user as it is. */
    public Saved<User> putUser(String name, char[] password, Precondition precondition) {
        try {
            return guard.change("users/write", Permission.MANAGE_ACCESS, AuditTarget.resource("users/" + name), () -> {
                ResourceName.require("user", name);
                var existing = users.find(name);
                precondition.check("user '" + name + "'", existing.orElse(null));
                String hash = hasher.hash(checkPassword(password));
                User user = existing.orElseGet(() -> new User(name, hash, clock.instant()));
                if (existing.isPresent()) {
                    user.changePassword(hash, clock.instant());
                }
                users.save(user);
                return new Saved<>(user, existing.isEmpty());
            });
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    /** Deletes the user and their role assignments; the last global admin cannot go. */
    public boolean deleteUser(String name) {
        return deleteUser(name, Precondition.NONE);
    }

    public boolean deleteUser(String name, Precondition precondition) {
        return guard.change("users/delete", Permission.MANAGE_ACCESS, AuditTarget.resource("users/" + name), () -> {
            ResourceName.require("user", name);
            precondition.check("user '" + name + "'", users.find(name).orElse(null));
            boolean admin = assignments.findByPrincipal(name).stream()
                    .anyMatch(a -> a.role() == Role.ADMIN && a.scope().global());
            if (admin && assignments.countGlobal(Role.ADMIN) <= 1) {
                throw lastAdministrator();
            }
            return users.delete(name);
        });
    }

    public Page<RoleAssignment> listAssignments(String afterName, String top) {
        int limit = Paging.top(top);
        guard.caller().require(Permission.MANAGE_ACCESS, null);
        return assignments.listAssignments(afterName, limit);
    }

    public RoleAssignment getAssignment(String name) {
        ResourceName.require("role assignment", name);
        guard.caller().require(Permission.MANAGE_ACCESS, null);
        return assignments.findAssignment(name).orElseThrow(() -> assignmentNotFound(name));
    }

    /**
     * Gives a principal a role at a scope. The principal is a built-in user's name or a token's subject
     * (users of an identity provider are not known here beforehand), so it is not checked against the users.
     * Like Azure, an assignment cannot be changed, only deleted and made anew.
     */
    public Saved<RoleAssignment> putAssignment(String name, String principalName, String roleName, String scope) {
        return putAssignment(name, principalName, roleName, scope, Precondition.NONE);
    }

    public Saved<RoleAssignment> putAssignment(String name, String principalName, String roleName, String scope,
            Precondition precondition) {
        // Managing access is global: an admin of one account cannot hand out roles, even there.
        return guard.change("roleAssignments/write", Permission.MANAGE_ACCESS,
                AuditTarget.resource("roleAssignments/" + name), () -> {
                    ResourceName.require("role assignment", name);
                    if (principalName == null || !principalName.matches("[\\x21-\\x7E]{1,256}")) {
                        throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                                "principalName must be 1 to 256 printable characters without spaces.");
                    }
                    Role role = Role.parse(roleName);
                    Scope parsedScope = Scope.parse(scope);
                    var existing = assignments.findAssignment(name);
                    precondition.check("role assignment '" + name + "'", existing.orElse(null));
                    if (existing.isPresent()) {
                        RoleAssignment current = existing.get();
                        if (current.principalName().equals(principalName) && current.role() == role
                                && current.scope().equals(parsedScope)) {
                            return new Saved<>(current, false);
                        }
                        throw new CertvaultException(ErrorCode.ROLE_ASSIGNMENT_EXISTS, "Role assignment '" + name
                                + "' exists with other values: delete it first, or use another name.");
                    }
                    RoleAssignment assignment = new RoleAssignment(name, principalName, role, parsedScope,
                            clock.instant());
                    assignments.save(assignment);
                    return new Saved<>(assignment, true);
                });
    }

    public boolean deleteAssignment(String name) {
        return deleteAssignment(name, Precondition.NONE);
    }

    public boolean deleteAssignment(String name, Precondition precondition) {
        return guard.change("roleAssignments/delete", Permission.MANAGE_ACCESS,
                AuditTarget.resource("roleAssignments/" + name), () -> {
                    ResourceName.require("role assignment", name);
                    var existing = assignments.findAssignment(name);
                    precondition.check("role assignment '" + name + "'", existing.orElse(null));
                    if (existing.isEmpty()) {
                        return false;
                    }
                    RoleAssignment assignment = existing.get();
                    if (assignment.role() == Role.ADMIN && assignment.scope().global()
                            && assignments.countGlobal(Role.ADMIN) <= 1) {
                        throw lastAdministrator();
                    }
                    return assignments.deleteAssignment(name);
                });
    }

    static char[] checkPassword(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
            throw new CertvaultException(ErrorCode.PASSWORD_TOO_WEAK, "The password must have " + MIN_PASSWORD_LENGTH
                    + " to " + MAX_PASSWORD_LENGTH + " characters.");
        }
        return password;
    }

    private static CertvaultException lastAdministrator() {
        return new CertvaultException(ErrorCode.LAST_ADMINISTRATOR,
                "This is the last global admin: give another user the admin role at scope / first.");
    }

    private static CertvaultException userNotFound(String name) {
        return new CertvaultException(ErrorCode.USER_NOT_FOUND, "There is no user '" + name + "'.");
    }

    private static CertvaultException assignmentNotFound(String name) {
        return new CertvaultException(ErrorCode.ROLE_ASSIGNMENT_NOT_FOUND, "There is no role assignment '" + name
                + "'.");
    }
}
