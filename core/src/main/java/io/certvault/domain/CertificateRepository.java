package io.certvault.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface CertificateRepository {

    Optional<Certificate> find(String accountName, String name);

    /** A page of the certificates the query selects, in its order, after its position. */
    Page<Certificate> list(CertificateQuery query);

    /** Inserts or updates. */
    void save(Certificate certificate);

    boolean delete(String accountName, String name);

    /** How many certificates the account has. */
    long count(String accountName);

    /** Every certificate of the account, ordered by name. */
    List<Certificate> findByAccount(String accountName);

    /** The account's certificates with this issuer and serial number (as {@code CertificateDetails} writes them). */
    List<Certificate> findByIssuerAndSerialNumber(String accountName, String issuer, String serialNumber);

    /** The account's certificates with this subject key identifier (uppercase hex). */
    List<Certificate> findBySubjectKeyIdentifier(String accountName, String subjectKeyIdentifier);

    /** The account's certificates whose successor is this one. */
    List<Certificate> findPredecessors(String accountName, String name);

    /** Certificates (of any account) whose successor took over by then but whose switch-over is not recorded yet. */
    List<Certificate> findSwitchOversDue(Instant now);

    /** Certificates (of any account) whose key reference points at this vault key, any version. */
    List<Certificate> findByKey(String vaultName, String keyName);
}
