package io.certvault.domain;

import java.util.List;
import java.util.Optional;

public interface AgreementRepository {

    Optional<Agreement> find(String accountName, String name);

    /**
     * The account's agreements ordered by name, after {@code afterName} (null for the first page), only those
     * with the host or guest partner given (null for any).
     */
    Page<Agreement> list(String accountName, String hostPartner, String guestPartner, String afterName, int limit);

    /** The agreement whose host and guest have these identities, if there is one. */
    Optional<Agreement> findByIdentities(String accountName, BusinessIdentity host, BusinessIdentity guest);

    /** The name of the agreement that has this pair of identities, either way round, if one has. */
    Optional<String> havingIdentityPair(String accountName, String identityPair);

    /** The names of the agreements that name the certificate, in order. */
    List<String> usingCertificate(String accountName, String certificateName);

    /** The agreements in which the partner is host or guest, in order of name. */
    List<Agreement> withPartner(String accountName, String partnerName);

    /** Inserts or updates. */
    void save(Agreement agreement);

    /** False when there was none. */
    boolean delete(String accountName, String name);
}
