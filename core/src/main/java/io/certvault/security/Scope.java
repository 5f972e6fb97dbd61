package io.certvault.security;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ResourceName;

/**
 * Where a role assignment applies, written like an Azure RBAC scope: {@code /} for everything, or
 * {@code /integrationAccounts/{name}} for one account and its certificates and messages.
 */
public record Scope(String accountName) {
    public static final Scope GLOBAL = new Scope(null);
    private static final String ACCOUNT_PREFIX = "/integrationAccounts/";

    public static Scope account(String accountName) {
        return new Scope(ResourceName.require("integration account", accountName));
    }

    public static Scope parse(String scope) {
        // Always explicit: a missing or empty scope must not grant everything.
        if (scope == null || scope.isEmpty()) {
            throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                    "scope is required: / for everything, or /integrationAccounts/{name}.");
        }
        if (scope.equals("/")) {
            return GLOBAL;
        }
        if (scope.startsWith(ACCOUNT_PREFIX) && scope.indexOf('/', ACCOUNT_PREFIX.length()) < 0) {
            return account(scope.substring(ACCOUNT_PREFIX.length()));
        }
        throw new CertvaultException(ErrorCode.INVALID_REQUEST,
                "scope must be / or /integrationAccounts/{name}.");
    }

    public boolean global() {
        return accountName == null;
    }

    /** Whether an assignment at this scope reaches the account (null: something outside every account). */
    public boolean covers(String account) {
        return global() || accountName.equals(account);
    }

    @Override
    public String toString() {
        return global() ? "/" : ACCOUNT_PREFIX + accountName;
    }
}
