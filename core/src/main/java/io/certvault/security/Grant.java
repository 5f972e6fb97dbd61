package io.certvault.security;

/** A role at a scope, as a signed-in caller holds it. */
public record Grant(Role role, Scope scope) {
    public boolean allows(Permission permission, String accountName) {
        return role.allows(permission) && scope.covers(accountName);
    }
}
