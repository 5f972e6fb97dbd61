package io.certvault.security;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is asking: the signed-in user's name, the roles they hold, and the client address the request came
 * from (for the audit trail); {@code about}, when set, the resource the work is for (an AS2 message, as
 * {@code as2/messages/<id>}), which the key uses it makes are recorded against.
 */
public record Caller(String name, List<Grant> grants, String address, String about) {
    /** Nobody signed in: may do nothing. */
    public static final Caller ANONYMOUS = new Caller(null, List.of(), null);

    public Caller {
        grants = List.copyOf(grants);
    }

    public Caller(String name, List<Grant> grants, String address) {
        this(name, grants, address, null);
    }

    /** The same caller, working for this resource: its key uses name it on the audit trail. */
    public Caller about(String resource) {
        return new Caller(name, grants, address, resource);
    }

    /**
     * A scheduled job of Certvault itself, e.g. {@code system:expiry-check}, holding the role it needs
     * everywhere. It signs in nowhere: only code in this process can make one.
     */
    public static Caller system(String job, Role role) {
        return new Caller("system:" + job, List.of(new Grant(role, Scope.GLOBAL)), null);
    }

    /**
     * A trading partner reaching an account's partner-facing endpoint (AS2), recognised by its agreement: it
     * may use the account's keys (verify, decrypt, sign receipts) and nothing else, in that account only.
     */
    public static Caller partner(String accountName, String partnerName, String address) {
        return new Caller("partner:" + accountName + "/" + partnerName,
                List.of(new Grant(Role.SIGNER, Scope.account(accountName))), address);
    }

    /** Whether the caller may do this in the account (null for things outside every account: vaults, users). */
    public boolean may(Permission permission, String accountName) {
        return grants.stream().anyMatch(g -> g.allows(permission, accountName));
    }

    /** Whether the caller holds the permission anywhere (vault keys are shared by all accounts). */
    public boolean mayAnywhere(Permission permission) {
        return grants.stream().anyMatch(g -> g.role().allows(permission));
    }

    /** The accounts the caller holds this permission in through account-scoped assignments. */
    public Set<String> scopedAccounts(Permission permission) {
        Set<String> accounts = new TreeSet<>();
        grants.stream().filter(g -> g.role().allows(permission) && !g.scope().global())
                .forEach(g -> accounts.add(g.scope().accountName()));
        return accounts;
    }

    public void require(Permission permission, String accountName) {
        if (!may(permission, accountName)) {
            throw denied(permission, accountName);
        }
    }

    public CertvaultException denied(Permission permission, String accountName) {
        // The message names the permission and scope, never whether the target exists.
        return new CertvaultException(ErrorCode.AUTHORIZATION_FAILED, "'" + name + "' does not have "
                + permission.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " permission at scope "
                + (accountName == null ? "/" : "/integrationAccounts/" + accountName) + ".");
    }
}
