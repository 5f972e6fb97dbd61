package io.certvault.ui;

import io.certvault.application.AccessService;
import io.certvault.application.Precondition;
import io.certvault.domain.CertvaultException;
import io.certvault.security.Role;
import io.certvault.security.RoleAssignment;
import io.certvault.security.User;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Users and role assignments (admins only; the service refuses everyone else). */
@Named
@ViewScoped
public class UsersView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    transient AccessService access;

    private String newUser;
    private String newPassword;
    private String principal;
    private String role = "reader";
    private String scope = "/";

    // Read once for the view (the tables read their values several times while rendering); every change
    // redirects to a new view, which reads them afresh.
    private transient List<User> users;
    private transient List<RoleAssignment> assignments;

    public List<User> getUsers() {
        if (users == null) {
            users = access.listUsers(null, "1000").items();
        }
        return users;
    }

    public List<RoleAssignment> getAssignments() {
        if (assignments == null) {
            assignments = access.listAssignments(null, "1000").items();
        }
        return assignments;
    }

    public List<String> getRoles() {
        return Arrays.stream(Role.values()).map(Role::roleName).toList();
    }

    /**
     * The user as this page showed it: a change made meanwhile (a new password, or a user of that name made)
     * is reported instead of overwritten. {@code otherwise} for a name the page did not show.
     */
    private Precondition asShown(String name, Precondition otherwise) {
        if (users == null) {
            return Precondition.NONE;
        }
        return users.stream().filter(u -> u.name().equals(name)).findFirst()
                .map(u -> Precondition.ifMatch(Precondition.etag(u))).orElse(otherwise);
    }

    public String saveUser() {
        try {
            boolean created = access.putUser(newUser, newPassword == null ? null : newPassword.toCharArray(),
                    asShown(newUser, Precondition.createOnly())).created();
            Ui.info((created ? "Created user " : "Set a new password for ") + newUser + ".");
            return "users?faces-redirect=true";
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "user:name", "PasswordTooWeak", "user:password",
                    "PreconditionFailed", "user:name"));
            return null;
        } finally {
            newPassword = null;
        }
    }

    public String deleteUser(String name) {
        try {
            access.deleteUser(name, asShown(name, Precondition.NONE));
            Ui.info("Deleted user " + name + ".");
            return "users?faces-redirect=true";
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
    }

    public String assign() {
        try {
            access.putAssignment(UUID.randomUUID().toString(), principal, role, scope);
            Ui.info("Gave " + principal + " the " + role + " role at " + scope + ".");
            return "users?faces-redirect=true";
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
    }

    public String unassign(String name) {
        try {
            access.deleteAssignment(name);
            Ui.info("Removed the role assignment.");
            return "users?faces-redirect=true";
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
    }

    public String getNewUser() {
        return newUser;
    }

    public void setNewUser(String newUser) {
        this.newUser = newUser;
    }

    public String getNewPassword() {
        return null;
    }

    public void setNewPassword(String newPassword) {
        this.newPassword = newPassword;
    }

    public String getPrincipal() {
        return principal;
    }

    public void setPrincipal(String principal) {
        this.principal = principal;
    }

    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }
}
