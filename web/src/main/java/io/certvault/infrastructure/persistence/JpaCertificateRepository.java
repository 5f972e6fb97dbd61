package io.certvault.infrastructure.persistence;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateQuery;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.TypedQuery;
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

    /** Keyset paging: the rows after the position in the order, as {@link CertificateQuery.Position} compares them. */
    @Override
    public Page<Certificate> list(CertificateQuery query) {
        boolean byExpiry = query.order() == CertificateQuery.Order.NOT_AFTER;
        CertificateQuery.Position after = query.after();
        StringBuilder jpql = new StringBuilder("SELECT c FROM Certificate c WHERE 1 = 1");
        if (query.accounts() != null) {
            jpql.append(" AND c.accountName IN :accounts");
        }
        if (query.expiresBefore() != null) {
            jpql.append(" AND c.notAfter < :expiresBefore");
        }
        if (after != null) {
            String byName = "c.accountName > :afterAccount OR (c.accountName = :afterAccount AND c.name > :afterName)";
            jpql.append(byExpiry ? " AND (c.notAfter > :afterNotAfter OR (c.notAfter = :afterNotAfter AND (" + byName
                    + ")))" : " AND (" + byName + ")");
        }
        jpql.append(byExpiry ? " ORDER BY c.notAfter, c.accountName, c.name" : " ORDER BY c.accountName, c.name");
        return database.transaction(manager -> {
            TypedQuery<Certificate> select = manager.createQuery(jpql.toString(), Certificate.class);
            if (query.accounts() != null) {
                select.setParameter("accounts", query.accounts());
            }
            if (query.expiresBefore() != null) {
                select.setParameter("expiresBefore", query.expiresBefore());
            }
            if (after != null) {
                select.setParameter("afterAccount", after.accountName()).setParameter("afterName", after.name());
                if (byExpiry) {
                    select.setParameter("afterNotAfter", after.notAfter());
                }
            }
            return Page.of(select.setMaxResults(query.limit() + 1).getResultList(), query.limit(),
                    c -> query.order().positionOf(c).text());
        });
    }

    @Override
    public List<Certificate> findByIssuerAndSerialNumber(String accountName, String issuer, String serialNumber) {
        return database.transaction(manager -> manager.createQuery("SELECT c FROM Certificate c WHERE c.accountName "
                + "= :account AND c.serialNumber = :serial AND c.issuer = :issuer ORDER BY c.name", Certificate.class)
                .setParameter("account", accountName).setParameter("serial", serialNumber)
                .setParameter("issuer", issuer).getResultList());
    }

    @Override
    public List<Certificate> findBySubjectKeyIdentifier(String accountName, String subjectKeyIdentifier) {
        return database.transaction(manager -> manager.createQuery("SELECT c FROM Certificate c WHERE c.accountName "
                + "= :account AND c.subjectKeyIdentifier = :identifier ORDER BY c.name", Certificate.class)
                .setParameter("account", accountName).setParameter("identifier", subjectKeyIdentifier)
                .getResultList());
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
        return database.removing(manager -> find(accountName, name).map(certificate -> {
            manager.remove(manager.contains(certificate) ? certificate : manager.merge(certificate));
            return true;
        }).orElse(false), () -> new CertvaultException(ErrorCode.CERTIFICATE_IN_USE, "An agreement that uses "
                + "certificate '" + name + "' was written at the same time: read the agreements and try again."));
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
    public List<Certificate> findPredecessors(String accountName, String name) {
        return database.transaction(manager -> manager.createQuery("SELECT c FROM Certificate c WHERE c.accountName "
                + "= :account AND c.successorName = :name ORDER BY c.name", Certificate.class)
                .setParameter("account", accountName).setParameter("name", name).getResultList());
    }

    @Override
    public List<Certificate> findSwitchOversDue(java.time.Instant now) {
        return database.transaction(manager -> manager.createQuery("SELECT c FROM Certificate c WHERE c.successorName"
                + " IS NOT NULL AND c.switchOverTime <= :now AND c.switchedTime IS NULL ORDER BY c.switchOverTime",
                Certificate.class).setParameter("now", now).setMaxResults(500).getResultList());
    }

    @Override
    public List<Certificate> findByKey(String vaultName, String keyName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT c FROM Certificate c WHERE c.keyVault = :vault AND c.keyName = :key ORDER BY c.accountName, c.name",
                Certificate.class)
                .setParameter("vault", vaultName).setParameter("key", keyName).getResultList());
    }
}
