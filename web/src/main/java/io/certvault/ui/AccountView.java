package io.certvault.ui;

import io.certvault.application.CertificateService;
import io.certvault.application.IntegrationAccountService;
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

    private String name;
    private IntegrationAccount account;
    private int certificateCount;
    private int privateCount;

    public String load() {
        try {
            account = accounts.get(name);
            var all = certificates.all(name);
            certificateCount = all.size();
            privateCount = (int) all.stream().filter(Certificate::isPrivate).count();
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
}
