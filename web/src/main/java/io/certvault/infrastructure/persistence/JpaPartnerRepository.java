package io.certvault.infrastructure.persistence;

import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.Page;
import io.certvault.domain.Partner;
import io.certvault.domain.PartnerRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

@ApplicationScoped
public class JpaPartnerRepository implements PartnerRepository {

    @Inject
    Database database;

    @Override
    public Optional<Partner> find(String accountName, String name) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT p FROM Partner p WHERE p.accountName = :account AND p.name = :name", Partner.class)
                .setParameter("account", accountName).setParameter("name", name)
                .getResultStream().findFirst());
    }

    @Override
    public Page<Partner> list(String accountName, String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT p FROM Partner p WHERE p.accountName = :account AND p.name > :after ORDER BY p.name",
                Partner.class)
                .setParameter("account", accountName)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1)
                .getResultList(), limit, Partner::name));
    }

    @Override
    public Optional<String> ownerOf(String accountName, BusinessIdentity identity) {
        return database.transaction(manager -> manager.createQuery(
                "SELECT p.name FROM Partner p JOIN p.businessIdentities i WHERE p.accountName = :account"
                        + " AND i.qualifier = :qualifier AND i.value = :value", String.class)
                .setParameter("account", accountName)
                .setParameter("qualifier", identity.qualifier())
                .setParameter("value", identity.value())
                .getResultStream().findFirst());
    }

    @Override
    public void save(Partner partner) {
        database.saving(manager -> {
                    if (manager.contains(partner)) {
                        // An update: the old identity rows go first (see Partner.replaceIdentities).
                        var identities = partner.businessIdentities();
                        partner.replaceIdentities(java.util.List.of());
                        manager.flush();
                        partner.replaceIdentities(identities);
                    }
                    Database.store(manager, partner);
                },
                constraint -> constraint.contains("partner_business_identity_unique")
                        ? new CertvaultException(ErrorCode.BUSINESS_IDENTITY_IN_USE, "Another request gave one of "
                                + "the business identities of partner '" + partner.name() + "' to another partner "
                                + "at the same time: an identity names one partner; read the partners and try again.")
                        : new CertvaultException(ErrorCode.PARTNER_EXISTS, "Another request created partner '"
                                + partner.name() + "' at the same time: read it and try again."),
                () -> new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "Integration account '"
                        + partner.accountName() + "' was deleted at the same time."));
    }

    @Override
    public boolean delete(String accountName, String name) {
        return database.removing(manager -> {
            // find joins this transaction, so what it returns is managed here.
            Optional<Partner> partner = find(accountName, name);
            partner.ifPresent(manager::remove);
            return partner.isPresent();
        }, () -> new CertvaultException(ErrorCode.PARTNER_IN_USE, "An agreement with partner '" + name
                + "' was written at the same time: read the agreements and try again."));
    }
}
