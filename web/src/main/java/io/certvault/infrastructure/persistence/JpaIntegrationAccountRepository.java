package io.certvault.infrastructure.persistence;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

@ApplicationScoped
public class JpaIntegrationAccountRepository implements IntegrationAccountRepository {

    @Inject
    Database database;

    @Override
    public Optional<IntegrationAccount> find(String name) {
        return database.transaction(manager -> Optional.ofNullable(manager.find(IntegrationAccount.class, name)));
    }

    @Override
    public Page<IntegrationAccount> list(String afterName, int limit) {
        return database.transaction(manager -> Page.of(manager.createQuery(
                "SELECT a FROM IntegrationAccount a WHERE a.name > :after ORDER BY a.name", IntegrationAccount.class)
                .setParameter("after", afterName == null ? "" : afterName)
                .setMaxResults(limit + 1)
                .getResultList(), limit, IntegrationAccount::name));
    }

    @Override
    public void save(IntegrationAccount account) {
        database.saving(manager -> Database.store(manager, account),
                () -> new CertvaultException(ErrorCode.ACCOUNT_EXISTS, "Another request created integration account '"
                        + account.name() + "' at the same time: read it and try again."),
                () -> new IllegalStateException("an account refers to no other row"));
    }

    @Override
    public boolean delete(String name) {
        return database.writing(manager -> {
            IntegrationAccount account = manager.find(IntegrationAccount.class, name);
            if (account == null) {
                return false;
            }
            // Agreements first: they refer to the certificates and partners that go with the account.
            manager.createQuery("DELETE FROM Agreement a WHERE a.accountName = :account")
                    .setParameter("account", name).executeUpdate();
            manager.createQuery("DELETE FROM Certificate c WHERE c.accountName = :account")
                    .setParameter("account", name).executeUpdate();
            manager.remove(account);
            return true;
        });
    }
}
