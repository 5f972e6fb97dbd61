package io.certvault.application;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;

@ApplicationScoped
public class IntegrationAccountService {
    private IntegrationAccountRepository accounts;
    private Clock clock;

    protected IntegrationAccountService() {
        // for CDI proxies
    }

    @Inject
    public IntegrationAccountService(IntegrationAccountRepository accounts) {
        this(accounts, Clock.systemUTC());
    }

    public IntegrationAccountService(IntegrationAccountRepository accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Creates the account, or updates its location, SKU and tags. */
    public Saved<IntegrationAccount> put(String name, String location, String skuName, String tagsJson) {
        ResourceName.require("integration account", name);
        var existing = accounts.find(name);
        IntegrationAccount account = existing.orElseGet(() -> new IntegrationAccount(name, clock.instant()));
        account.update(location, skuName, tagsJson, clock.instant());
        accounts.save(account);
        return new Saved<>(account, existing.isEmpty());
    }

    public IntegrationAccount get(String name) {
        ResourceName.require("integration account", name);
        return accounts.find(name).orElseThrow(() -> notFound(name));
    }

    /** Whether the account exists (an invalid name is an error, not "no"). */
    public boolean exists(String name) {
        ResourceName.require("integration account", name);
        return accounts.find(name).isPresent();
    }

    public Page<IntegrationAccount> list(String afterName, String top) {
        return accounts.list(afterName, Paging.top(top));
    }

    /** Deletes the account with its certificates; false when there was no such account. */
    public boolean delete(String name) {
        ResourceName.require("integration account", name);
        return accounts.delete(name);
    }

    static CertvaultException notFound(String name) {
        return new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "There is no integration account '" + name + "'.");
    }
}
