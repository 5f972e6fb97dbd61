package io.certvault.domain;

import java.util.Optional;

public interface PartnerRepository {

    Optional<Partner> find(String accountName, String name);

    /** The account's partners ordered by name, after {@code afterName} (null for the first page). */
    Page<Partner> list(String accountName, String afterName, int limit);

    /** The name of the account's partner that has the identity, if one has. */
    Optional<String> ownerOf(String accountName, BusinessIdentity identity);

    /** Inserts or updates. */
    void save(Partner partner);

    /** False when there was none. */
    boolean delete(String accountName, String name);
}
