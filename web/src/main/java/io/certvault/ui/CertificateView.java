package io.certvault.ui;

import io.certvault.application.AgreementService;
import io.certvault.application.CertificateService;
import io.certvault.application.CertificateValidationService;
import io.certvault.pki.CertificateValidation;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.pki.CertificateDetails;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.Base64;

/** One certificate: every detail, its PEM, download as .cer, and deletion after confirmation. */
@Named
@ViewScoped
public class CertificateView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    CertificateService certificates;
    @Inject
    CertvaultConfig config;
    @Inject
    AgreementService agreements;
    @Inject
    CertificateValidationService validation;
    @Inject
    io.certvault.application.CertificateRollover rollovers;

    private String account;
    private String name;
    private transient Certificate certificate;
    private CertificateDetails details;
    private byte[] der;
    private boolean confirming;
    private java.util.List<String> usedBy = java.util.List.of();
    private java.util.List<String> chainSubjects = java.util.List.of();
    private boolean trustAnchor;
    private String use = "any";
    private Boolean valid;
    private java.util.List<CertificateValidation.Check> checks = java.util.List.of();
    private java.util.List<String> path = java.util.List.of();

    public String load() {
        try {
            certificate = certificates.get(account, name);
            der = certificate.der();
            details = certificate.details();
            usedBy = agreements.usingCertificate(account, name);
            trustAnchor = certificate.trustAnchor();
            chainSubjects = certificate.chain().stream().map(d -> CertificateDetails.of(
                    io.certvault.pki.CertificateParser.parse(d)).subject()).toList();
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
    }

    public String getPem() {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    /** Sends the DER as a .cer file. */
    public void download() throws IOException {
        Ui.sendFile(der, "application/pkix-cert", name + ".cer");
    }

    public String askDelete() {
        confirming = true;
        return null;
    }

    public String cancelDelete() {
        confirming = false;
        return null;
    }

    public String delete() {
        try {
            certificates.delete(account, name);
        } catch (CertvaultException e) {
            // CertificateInUse names the agreements; the page stays.
            Ui.error(null, e.getMessage());
            confirming = false;
            return null;
        }
        Ui.info("Certificate '" + name + "' deleted.");
        return Ui.redirect("certificates", "account", account);
    }

    /** Runs PKIX validation now (path, validity, key usage for the use chosen, revocation) and shows each check. */
    public String validate() {
        try {
            var result = validation.validate(account, name, use, null);
            valid = result.valid();
            checks = result.checks();
            path = result.path().stream().map(c -> c.getSubjectX500Principal().getName()).toList();
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return null;
    }

    /** The rollover as words: who takes over when, and whether it has. */
    public String getRollover() {
        if (certificate == null || certificate.successorName() == null) {
            return "none scheduled";
        }
        return "'" + certificate.successorName() + "' " + (certificate.switchedOver(Instant.now())
                ? "took over on " : "takes over on ") + certificate.switchOverTime();
    }

    public boolean isRollingOver() {
        return certificate != null && certificate.successorName() != null;
    }

    /**
     * Renews it in one step: a new version of its key, a certificate for it like this one, taking over in 7 days
     * (time to send partners the new certificate); this one stays until it expires.
     */
    public String renew() {
        try {
            rollovers.renew(account, name, () -> new io.certvault.application.CertificateRollover.Renewal(null, null,
                    null, null, null, false));
            load();
            Ui.info("Certificate '" + certificate.successorName() + "' issued from a new version of the key; it takes "
                    + "over from '" + name + "' on " + certificate.switchOverTime() + ". Send it to your partners "
                    + "before then.");
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return null;
    }

    /** The same renewal as a certificate request for a CA; completing it schedules the switch-over. */
    public String renewThroughCa() {
        try {
            var renewed = rollovers.renew(account, name, () -> new io.certvault.application.CertificateRollover
                    .Renewal(null, null, null, null, null, true));
            String request = renewed.request().name();
            Ui.info("Certificate request '" + request + "' made from a new version of the key: give its CSR to your "
                    + "CA; completing it makes the new certificate take over from '" + name + "' in 7 days.");
            return Ui.redirect("certificate-requests", "account", account, "request", request);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
    }

    public String cancelRollover() {
        try {
            rollovers.cancel(account, name);
            Ui.info("The rollover of '" + name + "' is cancelled: it is used again.");
            load();
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return null;
    }

    /** Marks it as a trust anchor of the account (a root or intermediate that paths may end at), or unmarks it. */
    public String toggleTrustAnchor() {
        try {
            certificates.markTrustAnchor(account, name, !trustAnchor);
            Ui.info(trustAnchor ? "Certificate '" + name + "' is no longer a trust anchor."
                    : "Certificate '" + name + "' is now a trust anchor of the account.");
            load();
            valid = null;
            checks = java.util.List.of();
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return null;
    }

    public boolean isTrustAnchor() {
        return trustAnchor;
    }

    public java.util.List<String> getChainSubjects() {
        return chainSubjects;
    }

    public String getUse() {
        return use;
    }

    public void setUse(String use) {
        this.use = use;
    }

    public Boolean getValid() {
        return valid;
    }

    public java.util.List<CertificateValidation.Check> getChecks() {
        return checks;
    }

    public java.util.List<String> getPath() {
        return path;
    }

    public boolean isPrivateCertificate() {
        return certificate != null && certificate.isPrivate();
    }

    /** The key version the certificate signs and decrypts with now, or why there is none. */
    public String getKeyInUse() {
        if (!isPrivateCertificate()) {
            return null;
        }
        try {
            return "version " + certificates.keyInUse(certificate).version();
        } catch (CertvaultException e) {
            return "none: " + e.getMessage();
        }
    }

    public String getKeyReference() {
        return isPrivateCertificate() ? certificate.key().toString() : "none (public certificate)";
    }

    public Certificate getCertificate() {
        return certificate;
    }

    public CertificateDetails getDetails() {
        return details;
    }

    public boolean isExpired() {
        return certificate != null && certificate.expired(Instant.now());
    }

    public boolean isExpiringSoon() {
        return certificate != null && certificate.expiresSoon(Instant.now(), config.expiryWarning());
    }

    /** The agreements that use the certificate. */
    public java.util.List<String> getUsedBy() {
        return usedBy;
    }

    public String getUsedByText() {
        return String.join(", ", usedBy);
    }

    public boolean isConfirming() {
        return confirming;
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
