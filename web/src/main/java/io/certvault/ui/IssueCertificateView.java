package io.certvault.ui;

import io.certvault.application.CertificateIssuance;
import io.certvault.application.CertificateService;
import io.certvault.application.Precondition;
import io.certvault.application.VaultKeyService;
import io.certvault.application.VaultSummary;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.KeyReference;
import io.certvault.pki.CertificateProfile;
import io.certvault.vault.KeySpec;
import io.certvault.vault.VaultKey;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The "Issue a certificate" form, reached from Add certificate: a vault key (or a new one), what the certificate
 * says, and the vault signs it. The same as {@code POST .../certificates/{name}/issue}.
 */
@Named
@ViewScoped
public class IssueCertificateView implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FIELDS = Map.of(
            "InvalidName", "issue:name",
            "PreconditionFailed", "issue:name",
            "CertificateRequestExists", "issue:name",
            "InvalidKeyReference", "issue:key",
            "KeyExists", "issue:newKeyName",
            "AlgorithmNotAllowed", "issue:algorithm");

    @Inject
    CertificateIssuance issuance;
    @Inject
    CertificateService certificates;
    @Inject
    VaultKeyService keys;

    private String account;
    private String name;
    private String vault;
    private String key;
    private String newKeyName;
    private String newKeyType = "RSA-2048";
    private String subject;
    private String dnsNames;
    private String emails;
    private String uris;
    private List<String> keyUsage = new ArrayList<>();
    private List<String> ekus = new ArrayList<>();
    private Integer validityInDays = CertificateProfile.DEFAULT_VALIDITY_DAYS;
    private String signatureAlgorithm = "SHA2256";

    public String load() {
        try {
            certificates.all(account);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
        if (vault == null) {
            vault = getVaults().isEmpty() ? null : getVaults().get(0);
        }
        return null;
    }

    public String issue() {
        return make(false);
    }

    /** The same choices, made into a certificate request (PKCS#10) for a CA instead of a self-signed certificate. */
    public String requestFromCa() {
        return make(true);
    }

    private String make(boolean forCa) {
        boolean newKey = key == null || key.isBlank();
        if (newKey && (newKeyName == null || newKeyName.isBlank())) {
            Ui.error("issue:newKeyName", "Name the new key, or choose a key of the vault.");
            return null;
        }
        try {
            String keyName = newKey ? newKeyName.trim() : key;
            KeySpec spec = newKey ? spec(newKeyType) : null;
            var asked = new CertificateIssuance.Request(new KeyReference(vault, keyName, null), spec, subject,
                    list(dnsNames), list(emails), list(uris), keyUsage, ekus, validityInDays, signatureAlgorithm, null);
            if (forCa) {
                issuance.request(account, name, () -> asked);
                Ui.info("Certificate request '" + name + "' made with key '" + keyName + "' of vault '" + vault
                        + "': give its CSR to your CA, then complete it with the CA's answer.");
                return Ui.redirect("certificate-requests", "account", account, "request", name);
            }
            // Create only: a certificate of this name added meanwhile is reported, not replaced.
            issuance.issue(account, name, () -> asked, Precondition.createOnly());
            Ui.info("Certificate '" + name + "' issued from key '" + keyName + "' of vault '" + vault + "'.");
            return Ui.redirect("certificates", "account", account);
        } catch (CertvaultException e) {
            String message = e.getMessage();
            String field = FIELDS.get(e.errorCode().code());
            if (field == null && message.startsWith("subject")) {
                field = message.startsWith("subjectAlternativeNames") ? "issue:dnsNames" : "issue:subject";
            } else if (field == null && message.startsWith("validityInDays")) {
                field = "issue:validity";
            }
            Ui.error(field, message);
            return null;
        }
    }

    private static KeySpec spec(String type) {
        String[] parts = type.split("-", 2);
        return parts[0].equals("RSA") ? KeySpec.of("RSA", Integer.valueOf(parts[1]), null)
                : KeySpec.of("EC", null, parts[1]);
    }

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of()
                : Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public List<String> getVaults() {
        return keys.vaults().stream().map(VaultSummary::name).toList();
    }

    /** The chosen vault's keys; refreshed (Ajax) when the vault changes. */
    public List<String> getKeys() {
        if (vault == null) {
            return List.of();
        }
        try {
            return keys.listKeys(vault, null, "1000").items().stream().map(VaultKey::name).toList();
        } catch (CertvaultException e) {
            Ui.error("issue:key", e.getMessage());
            return List.of();
        }
    }

    public List<String> getKeyUsages() {
        return List.copyOf(CertificateProfile.KEY_USAGES.keySet());
    }

    public List<String> getExtendedKeyUsages() {
        return CertificateProfile.EKUS.keySet().stream().sorted().toList();
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
        this.name = name == null ? null : name.trim();
    }

    public String getVault() {
        return vault;
    }

    public void setVault(String vault) {
        this.vault = vault;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getNewKeyName() {
        return newKeyName;
    }

    public void setNewKeyName(String newKeyName) {
        this.newKeyName = newKeyName;
    }

    public String getNewKeyType() {
        return newKeyType;
    }

    public void setNewKeyType(String newKeyType) {
        this.newKeyType = newKeyType;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = subject;
    }

    public String getDnsNames() {
        return dnsNames;
    }

    public void setDnsNames(String dnsNames) {
        this.dnsNames = dnsNames;
    }

    public String getEmails() {
        return emails;
    }

    public void setEmails(String emails) {
        this.emails = emails;
    }

    public String getUris() {
        return uris;
    }

    public void setUris(String uris) {
        this.uris = uris;
    }

    public List<String> getKeyUsage() {
        return keyUsage;
    }

    public void setKeyUsage(List<String> keyUsage) {
        this.keyUsage = keyUsage == null ? new ArrayList<>() : new ArrayList<>(keyUsage);
    }

    public List<String> getEkus() {
        return ekus;
    }

    public void setEkus(List<String> ekus) {
        this.ekus = ekus == null ? new ArrayList<>() : new ArrayList<>(ekus);
    }

    public Integer getValidityInDays() {
        return validityInDays;
    }

    public void setValidityInDays(Integer validityInDays) {
        this.validityInDays = validityInDays;
    }

    public String getSignatureAlgorithm() {
        return signatureAlgorithm;
    }

    public void setSignatureAlgorithm(String signatureAlgorithm) {
        this.signatureAlgorithm = signatureAlgorithm;
    }
}
