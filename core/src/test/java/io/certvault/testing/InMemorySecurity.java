package io.certvault.testing;

import io.certvault.domain.Page;
import io.certvault.security.PasswordHasher;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.RoleAssignmentRepository;
import io.certvault.security.User;
import io.certvault.security.UserRepository;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Users and role assignments in maps, and a (quick) PBKDF2 hasher, for service tests. */
public final class InMemorySecurity implements UserRepository, RoleAssignmentRepository, PasswordHasher {
    private final Map<String, User> users = new TreeMap<>();
    private final Map<String, RoleAssignment> assignments = new TreeMap<>();
    /** How many passwords were checked: a cache of verified passwords shows here. */
    public int verifications;

    @Override
    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    @Override
    public Optional<User> findForUpdate(String name) {
        return find(name);
    }

    @Override
    public Page<User> list(String afterName, int limit) {
        return Page.of(users.values().stream().filter(u -> afterName == null || u.name().compareTo(afterName) > 0)
                .limit(limit + 1L).toList(), limit, User::name);
    }

    @Override
    public long count() {
        return users.size();
    }

    @Override
    public void save(User user) {
        users.put(user.name(), user);
    }

    @Override
    public boolean delete(String name) {
        assignments.values().removeIf(a -> a.principalName().equals(name));
        return users.remove(name) != null;
    }

    @Override
    public Optional<RoleAssignment> findAssignment(String name) {
        return Optional.ofNullable(assignments.get(name));
    }

    @Override
    public List<RoleAssignment> findByPrincipal(String principalName) {
        return assignments.values().stream().filter(a -> a.principalName().equals(principalName)).toList();
    }

    @Override
    public Page<RoleAssignment> listAssignments(String afterName, int limit) {
        return Page.of(assignments.values().stream()
                .filter(a -> afterName == null || a.name().compareTo(afterName) > 0).limit(limit + 1L).toList(),
                limit, RoleAssignment::name);
    }

    @Override
    public long countGlobal(Role role) {
        return assignments.values().stream().filter(a -> a.role() == role && a.scope().global()).count();
    }

    @Override
    public void save(RoleAssignment assignment) {
        assignments.put(assignment.name(), assignment);
    }

    @Override
    public boolean deleteAssignment(String name) {
        return assignments.remove(name) != null;
    }

    @Override
    public String hash(char[] password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return Base64.getEncoder().encodeToString(salt) + ":"
                + Base64.getEncoder().encodeToString(pbkdf2(password, salt));
    }

    @Override
    public boolean verify(char[] password, String hash) {
        verifications++;
        String[] parts = hash.split(":");
        return parts.length == 2 && MessageDigest.isEqual(Base64.getDecoder().decode(parts[1]),
                pbkdf2(password, Base64.getDecoder().decode(parts[0])));
    }

    private static byte[] pbkdf2(char[] password, byte[] salt) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, 1000, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
