package io.certvault.vault.hashicorp;

import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultProvider;
import io.certvault.vault.VaultSetting;
import java.util.List;
import java.util.Locale;

/**
 * HashiCorp Vault (or OpenBao). Mode {@code transit} (the default): keys live in the Transit secrets engine
 * and are not exportable; Vault signs and decrypts. Mode {@code kv}: keys are KV v2 secrets, read for each
 * operation.
 */
public class HashiCorpVaultProvider implements VaultProvider {
    public static final String TYPE = "hashicorp";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<VaultSetting> settings() {
        return List.of(
                new VaultSetting("address", "Vault's address, e.g. https://vault.example:8200", true, false),
                new VaultSetting("mode", "transit (keys stay in Vault; the default) or kv (keys as KV v2 secrets)", false,
                        false),
                new VaultSetting("kv-mount", "Mount path of the KV v2 engine (default secret)", false, false),
                new VaultSetting("kv-path", "Path under the KV mount for the keys (default certvault)", false, false),
                new VaultSetting("transit-mount", "Mount path of the Transit engine (default transit)", false, false),
                new VaultSetting("namespace", "Vault Enterprise namespace", false, false),
                new VaultSetting("auth", "token (default), approle or kubernetes", false, false),
                new VaultSetting("token", "Vault token (auth=token)", false, true),
                new VaultSetting("role-id", "AppRole role id (auth=approle)", false, false),
                new VaultSetting("secret-id", "AppRole secret id (auth=approle)", false, true),
                new VaultSetting("approle-mount", "Mount path of the AppRole auth method (default approle)", false, false),
                new VaultSetting("kubernetes-role", "Vault role for the Kubernetes login (auth=kubernetes)", false, false),
                new VaultSetting("kubernetes-mount", "Mount path of the Kubernetes auth method (default kubernetes)", false,
                        false),
                new VaultSetting("kubernetes-token-file", "Service account token file (default the pod's own)", false,
                        false),
                new VaultSetting("ca-file", "PEM file of the CA that signed Vault's TLS certificate", false, false),
                new VaultSetting("timeout", "Seconds to connect and to read an answer (default 10)", false, false));
    }

    @Override
    public Vault open(VaultContext context) {
        String mode = context.settings().get("mode").orElse("transit").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "transit" -> new TransitVault(context.name(), HashiCorpClient.open(context),
                    context.settings().get("transit-mount").orElse("transit"));
            case "kv" -> new KvVault(context.name(), HashiCorpClient.open(context), HashiCorpClient.open(context, 2),
                    context.settings().get("kv-mount").orElse("secret"),
                    context.settings().get("kv-path").orElse("certvault"));
            default -> throw VaultException.configuration(context.name(), "mode '" + mode + "' is unknown; use transit "
                    + "or kv");
        };
    }
}
