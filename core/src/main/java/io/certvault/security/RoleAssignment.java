package io.certvault.security;

import io.certvault.domain.ResourceName;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A role given to a user (a built-in user or a token's subject) at a scope. */
@Entity
@Table(name = "role_assignment")
public class RoleAssignment implements io.certvault.domain.Versioned {
    @Id
    @Column(name = "name", length = 80)
    private String name;

    @Column(name = "principal_name", length = 256, nullable = false)
    private String principalName;

    @Column(name = "role_name", length = 32, nullable = false)
    private String roleName;

    @Column(name = "scope", length = 120, nullable = false)
    private String scope;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    /** Raised by every change; a write based on an older version fails instead of overwriting. */
    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    protected RoleAssignment() {
    }

    public RoleAssignment(String name, String principalName, Role role, Scope scope, Instant now) {
        this.name = ResourceName.require("role assignment", name);
        this.principalName = principalName;
        this.roleName = role.roleName();
        this.scope = scope.toString();
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    public String name() {
        return name;
    }

    public String principalName() {
        return principalName;
    }

    public Role role() {
        return Role.find(roleName);
    }

    public Scope scope() {
        return Scope.parse(scope);
    }

    public Instant createdTime() {
        return createdTime;
    }

    public Grant grant() {
        return new Grant(role(), scope());
    }

    @Override
    public long version() {
        return version;
    }
}
