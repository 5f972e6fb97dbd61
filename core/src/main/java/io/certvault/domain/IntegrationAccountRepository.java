package io.certvault.domain;

import java.util.Optional;

public interface IntegrationAccountRepository {

    Optional<IntegrationAccount> find(String name);

    /** Accounts ordered by name, after {@code afterName} (null for the first page). */
    Page<IntegrationAccount> list(String afterName, int limit);

    /** Inserts or updates. */
    void save(IntegrationAccount account);

    /** Deletes the account and all its certificates in one transaction; false when there was none. */
    boolean delete(String name);
}
