package io.certvault.ui;

import io.certvault.application.CertificateService;
import io.certvault.application.IntegrationAccountService;
import io.certvault.application.Precondition;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.IntegrationAccount;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The list of integration accounts, with a filter, creation, and deletion after confirmation. */
@Named
@ViewScoped
public class AccountsView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    IntegrationAccountService accounts;
    @Inject
    CertificateService certificates;

    private String filter;
    private String newName;
    private String newLocation;
    private String pendingDelete;
    private long pendingCertificates;
    private transient List<AccountRow> rows;

    public record AccountRow(String name, String location, long certificates, Instant created) {
    }

    public List<AccountRow> getAccounts() {
        if (rows == null) {
            List<AccountRow> all = new ArrayList<>();
            String after = null;
            do {
                var page = accounts.list(after, "1000");
                for (IntegrationAccount account : page.items()) {
                    if (filter == null || filter.isBlank()
                            || account.name().toLowerCase(Locale.ROOT).contains(filter.trim().toLowerCase(Locale.ROOT))) {
                        all.add(new AccountRow(account.name(), account.location(),
                                certificates.count(account.name()), account.createdTime()));
                    }
                }
                after = page.continueAfter();
            } while (after != null);
            rows = all;
        }
        return rows;
    }

    public String create() {
        try {
            if (accounts.exists(newName)) {
                Ui.error("create:name", "An integration account named '" + newName + "' exists already.");
                return null;
            }
            // Create only: an account of this name made meanwhile is reported, not changed.
            accounts.put(newName, newLocation, null, null, Precondition.createOnly());
            Ui.info("Integration account '" + newName + "' created.");
            return Ui.redirect("account", "name", newName);
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "create:name", "PreconditionFailed", "create:name"));
            return null;
        }
    }

    public String askDelete(String name) {
        pendingDelete = name;
        pendingCertificates = certificates.count(name);
        return null;
    }

    public String delete() {
        accounts.delete(pendingDelete);
        Ui.info("Integration account '" + pendingDelete + "' and its " + pendingCertificates + " certificate(s) deleted.");
        pendingDelete = null;
        rows = null;
        return null;
    }

    public String cancelDelete() {
        pendingDelete = null;
        return null;
    }

    public String getFilter() {
        return filter;
    }

    public void setFilter(String filter) {
        this.filter = filter;
        rows = null;
    }

    public String getNewName() {
        return newName;
    }

    public void setNewName(String newName) {
        this.newName = newName == null ? null : newName.trim();
    }

    public String getNewLocation() {
        return newLocation;
    }

    public void setNewLocation(String newLocation) {
        this.newLocation = newLocation == null || newLocation.isBlank() ? null : newLocation.trim();
    }

    public String getPendingDelete() {
        return pendingDelete;
    }

    public long getPendingCertificates() {
        return pendingCertificates;
    }
}
