package io.certvault.security;

import io.certvault.domain.Page;
import java.util.Optional;

public interface UserRepository {
    Optional<User> find(String name);

    /** The user as stored now, held against other writers until the unit of work ends. */
    Optional<User> findForUpdate(String name);

    Page<User> list(String afterName, int limit);

    long count();

    void save(User user);

    /** Deletes the user and their role assignments; false when there was none. */
    boolean delete(String name);
}
