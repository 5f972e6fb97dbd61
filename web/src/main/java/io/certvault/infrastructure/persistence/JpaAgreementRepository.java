package io.certvault.infrastructure.persistence;

import io.certvault.domain.Agreement;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class JpaAgreementRepository implements AgreementRepository {

    @Inject
    Database database;

    @Override
    public Optional<Agreement> find(String accountName, String name) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a FROM Agreement a WHERE a.accountName = :account AND a.name = :name", Agreement.class)
                .setParameter("account", accountName).setParameter("name", name)
                .getResultStream().findFirst());
    }

    @Override
    public Page<Agreement> list(String accountName, String hostPartner, String guestPartner, String afterName,
            int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT a FROM Agreement a WHERE a.accountName = :account AND a.name > :after"
                        + " AND (:host = '' OR a.hostPartner = :host) AND (:guest = '' OR a.guestPartner = :guest)"
                        + " ORDER BY a.name", Agreement.class)
                .setParameter("account", accountName)
                .setParameter("host", hostPartner == null ? "" : hostPartner)
                .setParameter("guest", guestPartner == null ? "" : guestPartner)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1)
                .getResultList(), limit, Agreement::name));
    }

    @Override
    public Optional<Agreement> findByIdentities(String accountName, BusinessIdentity host, BusinessIdentity guest) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a FROM Agreement a WHERE a.accountName = :account AND a.hostQualifier = :hq"
                        + " AND a.hostValue = :hv AND a.guestQualifier = :gq AND a.guestValue = :gv", Agreement.class)
                .setParameter("account", accountName)
                .setParameter("hq", host.qualifier()).setParameter("hv", host.value())
                .setParameter("gq", guest.qualifier()).setParameter("gv", guest.value())
                .getResultStream().findFirst());
    }

    @Override
    public Optional<String> havingIdentityPair(String accountName, String identityPair) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a.name FROM Agreement a WHERE a.accountName = :account AND a.identityPair = :pair",
                String.class)
                .setParameter("account", accountName).setParameter("pair", identityPair)
                .getResultStream().findFirst());
    }

    @Override
    public List<String> usingCertificate(String accountName, String certificateName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a.name FROM Agreement a WHERE a.accountName = :account AND (a.sendSigningCertificate = :c"
                        + " OR a.sendEncryptionCertificate = :c OR a.receiveSigningCertificate = :c"
                        + " OR a.receiveEncryptionCertificate = :c) ORDER BY a.name", String.class)
                .setParameter("account", accountName).setParameter("c", certificateName)
                .getResultList());
    }

    @Override
    public List<Agreement> withPartner(String accountName, String partnerName) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT a FROM Agreement a WHERE a.accountName = :account AND (a.hostPartner = :p"
                        + " OR a.guestPartner = :p) ORDER BY a.name", Agreement.class)
                .setParameter("account", accountName).setParameter("p", partnerName)
                .getResultList());
    }

    @Override
    public void save(Agreement agreement) {
        database.saving(manager -> Database.store(manager, agreement),
                constraint -> constraint.contains("agreement_identity_pair")
                        ? new CertvaultException(ErrorCode.AGREEMENT_IDENTITIES_IN_USE, "Another request made an "
                                + "agreement between " + agreement.hostIdentity() + " and "
                                + agreement.guestIdentity() + " at the same time: read the agreements and try again.")
                        : new CertvaultException(ErrorCode.AGREEMENT_EXISTS, "Another request created agreement '"
                                + agreement.name() + "' at the same time: read it and try again."),
                () -> new CertvaultException(ErrorCode.CONCURRENT_CHANGE, "A partner or certificate that agreement '"
                        + agreement.name() + "' names was deleted at the same time: read them and try again."));
    }

    @Override
    public boolean delete(String accountName, String name) {
        return database.writing(manager -> {
            // find joins this transaction, so what it returns is managed here.
            Optional<Agreement> agreement = find(accountName, name);
            agreement.ifPresent(manager::remove);
            return agreement.isPresent();
        });
    }
}
