package io.certvault.ui;

import io.certvault.application.CertificateService;
import io.certvault.application.Precondition;
import io.certvault.application.VaultKeyService;
import io.certvault.application.VaultSummary;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.KeyReference;
import io.certvault.domain.ResourceName;
import io.certvault.pki.CertificateParser;
import io.certvault.vault.VaultKey;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.Serializable;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The "Add certificate" form: name, type, file; for a private certificate, vault, key and version. */
@Named
@ViewScoped
public class AddCertificateView implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, String> FIELDS = Map.of(
            "InvalidName", "add:name",
            "InvalidCertificate", "add:file",
            "CertificateKeyMismatch", "add:key",
            "InvalidKeyReference", "add:key",
            "PreconditionFailed", "add:name");

    @Inject
    CertificateService certificates;
    @Inject
    VaultKeyService keys;

    private String account;
    private String name;
    private String type = "public";
    private transient Part file;
    private String vault;
    private String key;
    private String version;

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

    /** Checks every field, so that each error shows at once next to its field; stores only when all are right. */
    public String save() {
        boolean valid = true;
        try {
            ResourceName.require("certificate", name);
            if (certificates.all(account).stream().anyMatch(c -> c.name().equals(name))) {
                Ui.error("add:name", "A certificate named '" + name + "' exists already in this account: choose "
                        + "another name.");
                valid = false;
            }
        } catch (CertvaultException e) {
            Ui.error("add:name", e.getMessage());
            valid = false;
        }
        boolean isPrivate = "private".equals(type);
        if (isPrivate && (key == null || key.isBlank())) {
            Ui.error("add:key", "Choose the key of this private certificate.");
            valid = false;
        }
        byte[] content = Ui.upload(file, "add:file");
        String base64 = null;
        if (content != null) {
            try {
                base64 = Base64.getEncoder().encodeToString(CertificateParser.parse(content).getEncoded());
            } catch (CertvaultException e) {
                Ui.error("add:file", e.getMessage());
            } catch (CertificateEncodingException e) {
                Ui.error("add:file", "The certificate could not be encoded.");
            }
        }
        if (!valid || base64 == null) {
            return null;
        }
        try {
            KeyReference reference = isPrivate ? new KeyReference(vault, key, version) : null;
            // Create only: a certificate of this name added meanwhile is reported, not replaced.
            certificates.put(account, name, base64, reference, null, Precondition.createOnly());
            Ui.info("Certificate '" + name + "' added.");
            return Ui.redirect("certificates", "account", account);
        } catch (CertvaultException e) {
            Ui.error(e, FIELDS);
            return null;
        }
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
            Ui.error("add:key", e.getMessage());
            return List.of();
        }
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

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public Part getFile() {
        return file;
    }

    public void setFile(Part file) {
        this.file = file;
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

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version == null || version.isBlank() ? null : version.trim();
    }
}
