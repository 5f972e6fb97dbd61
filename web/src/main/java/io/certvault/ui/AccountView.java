package io.certvault.ui;

import io.certvault.application.AgreementService;
import io.certvault.application.CertificateService;
import io.certvault.application.IntegrationAccountService;
import io.certvault.application.PartnerService;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.IntegrationAccount;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** An account's overview: tiles with counts. */
@Named
@RequestScoped
public class AccountView {

    @Inject
    IntegrationAccountService accounts;
    @Inject
    CertificateService certificates;
    @Inject
    PartnerService partners;
    @Inject
    AgreementService agreements;

    private String name;
    private IntegrationAccount account;
    private int certificateCount;
    private int privateCount;
    private int partnerCount;
    private int agreementCount;

    public String load() {
        try {
            account = accounts.get(name);
            var all = certificates.all(name);
            certificateCount = all.size();
            privateCount = (int) all.stream().filter(Certificate::isPrivate).count();
            partnerCount = partners.list(name, null, "1000").items().size();
            agreementCount = agreements.list(name, null, null, null, "1000").items().size();
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public IntegrationAccount getAccount() {
        return account;
    }

    public int getCertificateCount() {
        return certificateCount;
    }

    public int getPrivateCount() {
        return privateCount;
    }

    public int getPartnerCount() {
        return partnerCount;
    }

    public int getAgreementCount() {
        return agreementCount;
    }
}
