package io.certvault.infrastructure.persistence;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.RoleAssignmentRepository;
import io.certvault.security.Scope;
import io.certvault.security.User;
import io.certvault.security.UserRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/** Built-in users and role assignments. */
@ApplicationScoped
public class JpaUserRepository implements UserRepository, RoleAssignmentRepository {

    @Inject
    Database database;

    @Override
    public Optional<User> find(String name) {
        return database.transaction(manager -> Optional.ofNullable(manager.find(User.class, name)));
    }

    @Override
    public Page<User> list(String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT u FROM User u WHERE u.name > :after ORDER BY u.name", User.class)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1).getResultList(), limit, User::name));
    }

    @Override
    public Optional<User> findForUpdate(String name) {
        return database.transaction(manager -> Optional.ofNullable(manager.find(User.class, name,
                jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)));
    }

    @Override
    public long count() {
        return database.transaction(manager -> manager.createQuery("SELECT COUNT(u) FROM User u", Long.class)
                .getSingleResult());
    }

    @Override
    public void save(User user) {
        database.saving(manager -> Database.store(manager, user),
                () -> new CertvaultException(ErrorCode.USER_EXISTS, "Another request created user '" + user.name()
                        + "' at the same time: read it and try again."),
                () -> new IllegalStateException("a user refers to no other row"));
    }

    @Override
    public boolean delete(String name) {
        return database.writing(manager -> {
            User user = manager.find(User.class, name);
            if (user == null) {
                return false;
            }
            manager.createQuery("DELETE FROM RoleAssignment a WHERE a.principalName = :name")
                    .setParameter("name", name).executeUpdate();
            manager.remove(user);
            return true;
        });
    }

    @Override
    public Optional<RoleAssignment> findAssignment(String name) {
        return database.transaction(manager -> Optional.ofNullable(manager.find(RoleAssignment.class, name)));
    }

    @Override
    public List<RoleAssignment> findByPrincipal(String principalName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a FROM RoleAssignment a WHERE a.principalName = :name ORDER BY a.name", RoleAssignment.class)
                .setParameter("name", principalName).getResultList());
    }

    @Override
    public Page<RoleAssignment> listAssignments(String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT a FROM RoleAssignment a WHERE a.name > :after ORDER BY a.name", RoleAssignment.class)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1).getResultList(), limit, RoleAssignment::name));
    }

    @Override
    public long countGlobal(Role role) {
        // Locks the rows it counts until the use case ends, so that two requests taking away the last two
        // admins at once run one after the other, and the second sees one left.
        return database.transaction(manager -> (long) manager.createQuery(
                "SELECT a FROM RoleAssignment a WHERE a.roleName = :role AND a.scope = :scope", RoleAssignment.class)
                .setParameter("role", role.roleName()).setParameter("scope", Scope.GLOBAL.toString())
                .setLockMode(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .getResultList().size());
    }

    @Override
    public void save(RoleAssignment assignment) {
        database.saving(manager -> manager.persist(assignment),
                () -> new CertvaultException(ErrorCode.ROLE_ASSIGNMENT_EXISTS, "Another request created role "
                        + "assignment '" + assignment.name() + "' at the same time: read it and try again."),
                () -> new IllegalStateException("a role assignment refers to no other row"));
    }

    @Override
    public boolean deleteAssignment(String name) {
        return database.writing(manager -> manager.createQuery("DELETE FROM RoleAssignment a WHERE a.name = :name")
                .setParameter("name", name).executeUpdate() > 0);
    }
}
