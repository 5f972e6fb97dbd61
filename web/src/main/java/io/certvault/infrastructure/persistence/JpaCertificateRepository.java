package io.certvault.infrastructure.persistence;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaCertificateRepository implements CertificateRepository {

    @Inject
    Database database;

    @Override
    public Optional<Certificate> find(String accountName, String name) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT c FROM Certificate c WHERE c.accountName = :account AND c.name = :name", Certificate.class)
                .setParameter("account", accountName).setParameter("name", name)
                .getResultStream().findFirst());
    }

    @Override
    public Page<Certificate> list(String accountName, String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT c FROM Certificate c WHERE c.accountName = :account AND c.name > :after ORDER BY c.name",
                Certificate.class)
                .setParameter("account", accountName)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1)
                .getResultList(), limit, Certificate::name));
    }

    @Override
    public void save(Certificate certificate) {
        database.saving(manager -> Database.store(manager, certificate),
                () -> new CertvaultException(ErrorCode.CERTIFICATE_EXISTS, "Another request created certificate '"
                        + certificate.name() + "' at the same time: read it and try again."),
                () -> new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "Integration account '"
                        + certificate.accountName() + "' was deleted meanwhile."));
    }

    @Override
    public boolean delete(String accountName, String name) {
        // Removed as an entity, so that its version is checked: a change made meanwhile is not deleted unseen.
        return database.transaction(manager -> find(accountName, name).map(certificate -> {
            manager.remove(manager.contains(certificate) ? certificate : manager.merge(certificate));
            manager.flush();
            return true;
        }).orElse(false));
    }

    @Override
    public long count(String accountName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT COUNT(c) FROM Certificate c WHERE c.accountName = :account", Long.class)
                .setParameter("account", accountName).getSingleResult());
    }

    @Override
    public List<Certificate> findByAccount(String accountName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT c FROM Certificate c WHERE c.accountName = :account ORDER BY c.name", Certificate.class)
                .setParameter("account", accountName).getResultList());
    }

    @Override
    public List<Certificate> findByKey(String vaultName, String keyName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT c FROM Certificate c WHERE c.keyVault = :vault AND c.keyName = :key ORDER BY c.accountName, c.name",
                Certificate.class)
                .setParameter("vault", vaultName).setParameter("key", keyName).getResultList());
    }
}
