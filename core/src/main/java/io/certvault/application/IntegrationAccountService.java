package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.IntegrationAccountRepository;
import io.certvault.domain.Page;
import io.certvault.domain.ResourceName;
import io.certvault.security.Caller;
import io.certvault.security.Permission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;

@ApplicationScoped
public class IntegrationAccountService {
    private IntegrationAccountRepository accounts;
    private Guard guard;
    private Clock clock;

    protected IntegrationAccountService() {
        // for CDI proxies
    }

    @Inject
    public IntegrationAccountService(IntegrationAccountRepository accounts, Guard guard) {
        this(accounts, guard, Clock.systemUTC());
    }

    public IntegrationAccountService(IntegrationAccountRepository accounts, Guard guard, Clock clock) {
        this.accounts = accounts;
        this.guard = guard;
        this.clock = clock;
    }

    /** Creates the account, or updates its location, SKU and tags. */
    public Saved<IntegrationAccount> put(String name, String location, String skuName, String tagsJson) {
        return put(name, location, skuName, tagsJson, Precondition.NONE);
    }

    /** Creates or updates the account if the precondition holds for it as it is. */
    public Saved<IntegrationAccount> put(String name, String location, String skuName, String tagsJson,
            Precondition precondition) {
        return guard.change("integrationAccounts/write", Permission.WRITE, AuditTarget.account(name), () -> {
            ResourceName.require("integration account", name);
            var existing = accounts.find(name);
            precondition.check("integration account '" + name + "'", existing.orElse(null));
            IntegrationAccount account = existing.orElseGet(() -> new IntegrationAccount(name, clock.instant()));
            account.update(location, skuName, tagsJson, clock.instant());
            accounts.save(account);
            return new Saved<>(account, existing.isEmpty());
        });
    }

    public IntegrationAccount get(String name) {
        ResourceName.require("integration account", name);
        guard.read(name);
        return accounts.find(name).orElseThrow(() -> notFound(name));
    }

    /** Whether the account exists (an invalid name is an error, not "no"). */
    public boolean exists(String name) {
        ResourceName.require("integration account", name);
        guard.read(name);
        return accounts.find(name).isPresent();
    }

    /** The accounts the caller may read, by name, a page at a time. */
    public Page<IntegrationAccount> list(String afterName, String top) {
        int limit = Paging.top(top);
        Caller caller = guard.caller();
        if (caller.may(Permission.READ, null)) {
            return accounts.list(afterName, limit);
        }
        // Only account-scoped roles: those few accounts, in name order.
        return Page.of(caller.scopedAccounts(Permission.READ).stream()
                .filter(name -> afterName == null || name.compareTo(afterName) > 0)
                .map(accounts::find).flatMap(Optional::stream).limit(limit + 1L).toList(), limit,
                IntegrationAccount::name);
    }

    /** Deletes the account with its certificates; false when there was no such account. */
    public boolean delete(String name) {
        return delete(name, Precondition.NONE);
    }

    public boolean delete(String name, Precondition precondition) {
        return guard.change("integrationAccounts/delete", Permission.WRITE, AuditTarget.account(name), () -> {
            ResourceName.require("integration account", name);
            precondition.check("integration account '" + name + "'", accounts.find(name).orElse(null));
            return accounts.delete(name);
        });
    }

    /** Fails with {@code IntegrationAccountNotFound} unless the account exists (for the services of its resources). */
    static void requireExisting(IntegrationAccountRepository accounts, String name) {
        if (accounts.find(name).isEmpty()) {
            throw notFound(name);
        }
    }

    static CertvaultException notFound(String name) {
        return new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "There is no integration account '" + name + "'.");
    }
}
