package io.certvault.ui;

import io.certvault.application.VaultKeyService;
import io.certvault.application.VaultSummary;
import io.certvault.domain.CertvaultException;
import io.certvault.pki.PrivateKeys;
import io.certvault.vault.KeySpec;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultState;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Keys per vault: list, import a key file (PEM or PKCS#12), create a key. Never shows private key material. */
@Named
@ViewScoped
public class VaultsView implements Serializable {
    private static final long serialVersionUID = 1L;

    @Inject
    VaultKeyService keys;

    private String vault;
    private String key;
    private transient List<VaultKey> listed;
    private transient List<VaultKeyService.VersionUse> versions;
    private transient VaultSummary summary;
    private String keysMessage = "No keys in this vault yet.";
    private String importName;
    private transient Part keyFile;
    private String password;
    private String createName;
    private String spec = KeySpec.RSA_2048.name();

    public String load() {
        if (vault == null) {
            vault = getVaults().isEmpty() ? null : getVaults().get(0);
        }
        return null;
    }

    public String show() {
        listed = null;
        summary = null;
        return null;
    }

    public String importKey() {
        byte[] content = Ui.upload(keyFile, "import:keyFile");
        if (content == null) {
            return null;
        }
        char[] secret = password == null ? null : password.toCharArray();
        try {
            String fileName = keyFile.getSubmittedFileName() == null ? "" : keyFile.getSubmittedFileName().toLowerCase();
            var saved = keys.importKey(vault, importName, () -> fileName.endsWith(".pfx") || fileName.endsWith(".p12")
                    ? PrivateKeys.fromPkcs12(content, secret)
                    : PrivateKeys.fromPem(new String(content, StandardCharsets.US_ASCII), secret));
            Ui.info("Key '" + importName + "' " + (saved.created() ? "imported" : "imported as a new version") + ".");
            importName = null;
            listed = null;
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "import:importName", "InvalidKey", "import:keyFile",
                    "UnsupportedKeyType", "import:keyFile"));
        } finally {
            Arrays.fill(content, (byte) 0);
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
            password = null;
        }
        return null;
    }

    public String createKey() {
        try {
            keys.createKey(vault, createName, () -> KeySpec.valueOf(spec));
            Ui.info("Key '" + createName + "' created.");
            createName = null;
            listed = null;
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("InvalidName", "create:createName"));
        }
        return null;
    }

    public List<String> getVaults() {
        return keys.vaults().stream().map(VaultSummary::name).toList();
    }

    public List<VaultKey> getKeys() {
        if (listed == null && vault != null) {
            try {
                listed = keys.listKeys(vault, null, "1000").items();
            } catch (CertvaultException e) {
                keysMessage = e.getMessage();
                listed = List.of();
            }
        }
        return listed == null ? List.of() : listed;
    }

    /** What the chosen vault can do: the page offers nothing else. */
    public io.certvault.vault.VaultCapabilities getCapabilities() {
        return vault == null ? new io.certvault.vault.VaultCapabilities(java.util.Set.of(), java.util.Set.of(), false,
                false, false, java.util.Set.of()) : summary().capabilities();
    }

    /** The chosen vault, read once a view: the page asks for its state and capabilities several times. */
    private VaultSummary summary() {
        if (summary == null || !summary.name().equals(vault)) {
            summary = keys.vault(vault);
        }
        return summary;
    }

    /** The key types and sizes the chosen vault creates, in their natural order. */
    public List<KeySpec> getSpecs() {
        return getCapabilities().keySpecs().stream().sorted().toList();
    }

    public String getState() {
        if (vault == null) {
            return "no vault";
        }
        VaultState state = summary().state();
        return state.up() ? "up" : "down: " + state.detail();
    }

    public String getKeysMessage() {
        return keysMessage;
    }

    /** The versions of the key chosen with {@code ?key=}, each with the certificates that use it now. */
    public List<VaultKeyService.VersionUse> getVersions() {
        if (versions == null && vault != null && key != null) {
            try {
                versions = keys.versionUses(vault, key);
            } catch (CertvaultException e) {
                Ui.error(null, e.getMessage());
                versions = List.of();
            }
        }
        return versions == null ? List.of() : versions;
    }

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getVault() {
        return vault;
    }

    public void setVault(String vault) {
        this.vault = vault;
    }

    public String getImportName() {
        return importName;
    }

    public void setImportName(String importName) {
        this.importName = importName == null ? null : importName.trim();
    }

    public Part getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(Part keyFile) {
        this.keyFile = keyFile;
    }

    public String getPassword() {
        return null;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getCreateName() {
        return createName;
    }

    public void setCreateName(String createName) {
        this.createName = createName == null ? null : createName.trim();
    }

    public String getSpec() {
        return spec;
    }

    public void setSpec(String spec) {
        this.spec = spec;
    }
}
