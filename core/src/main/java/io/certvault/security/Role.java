package io.certvault.security;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The built-in roles. Every role can read; the others add one duty each, so that changing certificates,
 * signing with keys and managing keys can be given to different people.
 */
public enum Role {
    READER("reader", EnumSet.of(Permission.READ)),
    CONTRIBUTOR("contributor", EnumSet.of(Permission.READ, Permission.WRITE)),
    SIGNER("signer", EnumSet.of(Permission.READ, Permission.USE_KEYS)),
    KEY_ADMIN("key-admin", EnumSet.of(Permission.READ, Permission.MANAGE_KEYS)),
    ADMIN("admin", EnumSet.allOf(Permission.class));

    private final String roleName;
    private final Set<Permission> permissions;

    Role(String roleName, Set<Permission> permissions) {
        this.roleName = roleName;
        this.permissions = permissions;
    }

    /** The name used in the API, the UI and JWT groups ({@code key-admin}). */
    public String roleName() {
        return roleName;
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    /** The role with this name, or null when none has it. */
    public static Role find(String name) {
        return Arrays.stream(values()).filter(r -> r.roleName.equals(name)).findFirst().orElse(null);
    }

    public static Role parse(String name) {
        Role role = find(name);
        if (role == null) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST, "roleName must be one of "
                    + Arrays.stream(values()).map(Role::roleName).collect(Collectors.joining(", ")) + ".");
        }
        return role;
    }
}
