package io.certvault.infrastructure.persistence;

import io.certvault.domain.CertificateCrlRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The {@code certificate_crl} table, by plain SQL: one row per CA certificate, replaced whole. */
@ApplicationScoped
public class JpaCertificateCrlRepository implements CertificateCrlRepository {

    @Inject
    Database database;

    @Override
    public void save(String certificateId, StoredCrl crl) {
        database.writing(manager -> {
            manager.createNativeQuery("DELETE FROM certificate_crl WHERE certificate_id = ?")
                    .setParameter(1, certificateId).executeUpdate();
            return manager.createNativeQuery("INSERT INTO certificate_crl (certificate_id, crl_der, this_update,"
                    + " next_update, uploaded_time) VALUES (?, ?, ?, ?, ?)").setParameter(1, certificateId)
                    .setParameter(2, Base64.getEncoder().encodeToString(crl.der()))
                    .setParameter(3, Timestamp.from(crl.thisUpdate()))
                    .setParameter(4, crl.nextUpdate() == null ? null : Timestamp.from(crl.nextUpdate()))
                    .setParameter(5, Timestamp.from(crl.uploadedTime())).executeUpdate();
        });
    }

    @Override
    public Optional<StoredCrl> find(String certificateId) {
        return database.transaction(manager -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = manager.createNativeQuery("SELECT crl_der, this_update, next_update, uploaded_time"
                    + " FROM certificate_crl WHERE certificate_id = ?").setParameter(1, certificateId).getResultList();
            return rows.stream().findFirst().map(row -> new StoredCrl(Base64.getDecoder().decode((String) row[0]),
                    InstantConverter.fromColumn(row[1]), InstantConverter.fromColumn(row[2]),
                    InstantConverter.fromColumn(row[3])));
        });
    }

    @Override
    public boolean delete(String certificateId) {
        return database.writing(manager -> manager.createNativeQuery(
                "DELETE FROM certificate_crl WHERE certificate_id = ?").setParameter(1, certificateId)
                .executeUpdate() > 0);
    }

}
