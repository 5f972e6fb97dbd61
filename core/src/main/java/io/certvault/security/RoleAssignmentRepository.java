package io.certvault.security;

import io.certvault.domain.Page;
import java.util.List;
import java.util.Optional;

public interface RoleAssignmentRepository {
    Optional<RoleAssignment> findAssignment(String name);

    List<RoleAssignment> findByPrincipal(String principalName);

    Page<RoleAssignment> listAssignments(String afterName, int limit);

    /**
     * How many assignments give this role at the global scope (the last admin must stay), holding them against
     * concurrent changes until the unit of work ends.
     */
    long countGlobal(Role role);

    void save(RoleAssignment assignment);

    boolean deleteAssignment(String name);
}
