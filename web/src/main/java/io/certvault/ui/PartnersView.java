package io.certvault.ui;

import io.certvault.application.AgreementService;
import io.certvault.application.PartnerService;
import io.certvault.application.Precondition;
import io.certvault.domain.Agreement;
import io.certvault.domain.BusinessIdentity;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.Partner;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An account's partners: the list with the agreements each is in, a form to add or edit one with its business
 * identities (one {@code qualifier: value} per line), and deletion after a confirmation that names its agreements.
 */
@Named
@ViewScoped
public class PartnersView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    transient PartnerService partners;
    @Inject
    transient AgreementService agreements;

    private String account;
    private String edit;
    private String name;
    private String identities = BusinessIdentity.AS2_IDENTITY + ": ";
    private String confirming;
    private transient List<Row> rows;

    /** A partner as the list shows it. */
    public record Row(String name, String identities, String agreements) {
    }

    public String load() {
        try {
            if (edit != null && !edit.isEmpty()) {
                Partner partner = partners.get(account, edit);
                name = partner.name();
                identities = partner.businessIdentities().stream().map(i -> i.qualifier() + ": " + i.value())
                        .collect(Collectors.joining("\n"));
            }
            getRows();
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
    }

    public List<Row> getRows() {
        if (rows == null) {
            // The account's agreements once, not once per partner.
            List<Agreement> all = agreements.list(account, null, null, null, "1000").items();
            rows = partners.list(account, null, "1000").items().stream().map(p -> new Row(p.name(),
                    p.businessIdentities().stream().map(BusinessIdentity::toString)
                            .map(i -> i.replaceFirst(":", ": ")).collect(Collectors.joining(", ")),
                    all.stream().filter(a -> a.hostPartner().equals(p.name()) || a.guestPartner().equals(p.name()))
                            .map(Agreement::name).collect(Collectors.joining(", ")))).toList();
        }
        return rows;
    }

    private String agreementNames(String partner) {
        return agreements.withPartner(account, partner).stream().map(Agreement::name)
                .collect(Collectors.joining(", "));
    }

    public String save() {
        List<BusinessIdentity> parsed = new ArrayList<>();
        for (String line : identities == null ? new String[0] : identities.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                Ui.error("partner:identities", "Write each identity as qualifier: value, e.g. AS2Identity: Fabrikam.");
                return null;
            }
            parsed.add(new BusinessIdentity(line.substring(0, colon).strip(), line.substring(colon + 1).strip()));
        }
        try {
            boolean editing = edit != null && !edit.isEmpty();
            boolean created = partners.put(account, name, null, parsed, null,
                    editing ? Precondition.NONE : Precondition.createOnly()).created();
            Ui.info((created ? "Partner '" : "Saved partner '") + name + (created ? "' added." : "'."));
            return Ui.redirect("partners", "account", account);
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "partner:name", "PreconditionFailed", "partner:name",
                    "InvalidRequestContent", "partner:identities", "BusinessIdentityInUse", "partner:identities"));
            return null;
        }
    }

    public void askDelete(String partner) {
        confirming = partner;
    }

    public void cancelDelete() {
        confirming = null;
    }

    public String delete() {
        try {
            partners.delete(account, confirming, Precondition.NONE);
            Ui.info("Partner '" + confirming + "' deleted.");
            return Ui.redirect("partners", "account", account);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            confirming = null;
            return null;
        }
    }

    /** What refers to the partner about to be deleted, for the confirmation. */
    public String getConfirmingAgreements() {
        return confirming == null ? "" : agreementNames(confirming);
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getEdit() {
        return edit;
    }

    public void setEdit(String edit) {
        this.edit = edit;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getIdentities() {
        return identities;
    }

    public void setIdentities(String identities) {
        this.identities = identities;
    }

    public String getConfirming() {
        return confirming;
    }
}
