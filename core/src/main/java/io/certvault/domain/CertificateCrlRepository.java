package io.certvault.domain;

import java.time.Instant;
import java.util.Optional;

/** CRLs uploaded for CA certificates of an account, kept apart from the certificates (they can be large). */
public interface CertificateCrlRepository {

    /** An uploaded CRL: its DER, its own dates, and when it was uploaded. */
    record StoredCrl(byte[] der, Instant thisUpdate, Instant nextUpdate, Instant uploadedTime) {
    }

    /** Replaces the CRL of the certificate with that stored id. */
    void save(String certificateId, StoredCrl crl);

    Optional<StoredCrl> find(String certificateId);

    boolean delete(String certificateId);
}
