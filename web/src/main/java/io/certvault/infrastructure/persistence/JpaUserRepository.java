package io.certvault.infrastructure.persistence;

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
    public long count() {
        return database.transaction(manager -> manager.createQuery("SELECT COUNT(u) FROM User u", Long.class)
                .getSingleResult());
    }

    @Override
    public void save(User user) {
        database.saving(user.name(), manager -> manager.merge(user));
    }

    @Override
    public boolean delete(String name) {
        return database.transaction(manager -> {
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
        return database.transaction(manager -> manager.createQuery(
                "SELECT COUNT(a) FROM RoleAssignment a WHERE a.roleName = :role AND a.scope = :scope", Long.class)
                .setParameter("role", role.roleName()).setParameter("scope", Scope.GLOBAL.toString())
                .getSingleResult());
    }

    @Override
    public void save(RoleAssignment assignment) {
        database.saving(assignment.name(), manager -> manager.persist(assignment));
    }

    @Override
    public boolean deleteAssignment(String name) {
        return database.transaction(manager -> manager.createQuery("DELETE FROM RoleAssignment a WHERE a.name = :name")
                .setParameter("name", name).executeUpdate() > 0);
    }
}
