package io.certvault.domain;

import java.util.List;
import java.util.Optional;

public interface CertificateRepository {

    Optional<Certificate> find(String accountName, String name);

    /** The account's certificates ordered by name, after {@code afterName} (null for the first page). */
    Page<Certificate> list(String accountName, String afterName, int limit);

    /** Inserts or updates. */
    void save(Certificate certificate);

    boolean delete(String accountName, String name);

    /** How many certificates the account has. */
    long count(String accountName);

    /** Every certificate of the account, ordered by name. */
    List<Certificate> findByAccount(String accountName);

    /** Certificates (of any account) whose key reference points at this vault key, any version. */
    List<Certificate> findByKey(String vaultName, String keyName);
}
