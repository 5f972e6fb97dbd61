package io.certvault.domain;

import java.util.Optional;

/** The certificate signing requests of the accounts. */
public interface CertificateRequestRepository {

    Optional<CertificateRequest> find(String accountName, String name);

    /** The account's requests ordered by name, after {@code afterName} (null for the first page). */
    Page<CertificateRequest> list(String accountName, String afterName, int limit);

    /** Inserts or updates. */
    void save(CertificateRequest request);

    /** False when there was none. */
    boolean delete(String accountName, String name);
}
