package io.certvault.ui;

import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import io.certvault.security.Permission;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * What the signed-in user may do, so pages show only the buttons that would work. The services check
 * again on every operation: hiding a button is a courtesy, not the guard.
 */
@Named("access")
@RequestScoped
public class AccessView {

    @Inject
    CallerContext callers;

    /** False only on an error page shown to a visitor who has not signed in. */
    public boolean isSignedIn() {
        return !Caller.ANONYMOUS.equals(caller());
    }

    public String getUser() {
        return callers.current().name();
    }

    /** May create, change and delete in the account (null: create new accounts). */
    public boolean canWrite(String account) {
        return caller().may(Permission.WRITE, account);
    }

    /** May use the account's keys: sign, and send AS2 messages. */
    public boolean canUseKeys(String account) {
        return caller().may(Permission.USE_KEYS, account);
    }

    public boolean isKeyAdmin() {
        return caller().may(Permission.MANAGE_KEYS, null);
    }

    public boolean isAdmin() {
        return caller().may(Permission.MANAGE_ACCESS, null);
    }

    private Caller caller() {
        return callers.current();
    }
}
