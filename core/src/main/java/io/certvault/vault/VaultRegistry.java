package io.certvault.vault;

import io.certvault.domain.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The configured vaults, each opened once. Reads {@code certvault.vaults} (a comma-separated list of
 * names, default {@code default}) and for each name {@code certvault.vault.<name>.type}; the vault named
 * {@code default} is a filesystem vault unless configured otherwise. Opening fails as a whole, naming
 * every problem, when a type has no provider or a vault's settings are wrong.
 */
public final class VaultRegistry implements AutoCloseable {
    public static final String VAULTS = "certvault.vaults";
    public static final String DEFAULT_VAULT = "default";
    public static final String DEFAULT_TYPE = "filesystem";
    private static final Logger LOG = Logger.getLogger(VaultRegistry.class.getName());

    private final Map<String, Vault> vaults;

    private VaultRegistry(Map<String, Vault> vaults) {
        this.vaults = Collections.unmodifiableMap(vaults);
    }

    /**
     * Opens the configured vaults with the providers found by {@link ServiceLoader}. A backend jar that
     * cannot load (a missing dependency, say) is logged and left out, so its type is then reported as
     * having no provider.
     */
    public static VaultRegistry open(VaultSettings settings, Path dataDirectory) {
        List<VaultProvider> found = new ArrayList<>();
        var providers = ServiceLoader.load(VaultProvider.class, VaultProvider.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                found.add(providers.next());
            } catch (java.util.ServiceConfigurationError | LinkageError e) {
                LOG.log(java.util.logging.Level.SEVERE, "A vault provider could not be loaded", e);
            }
        }
        return open(settings, dataDirectory, found);
    }

    public static VaultRegistry open(VaultSettings settings, Path dataDirectory, Collection<VaultProvider> providers) {
        Map<String, VaultProvider> byType = new TreeMap<>();
        providers.forEach(p -> byType.putIfAbsent(p.type(), p));

        List<String> names = Arrays.stream(settings.get(VAULTS).orElse(DEFAULT_VAULT).split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).distinct().toList();
        Map<String, Vault> opened = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            try {
                io.certvault.domain.ResourceName.require("vault", name);
                VaultSettings scoped = settings.scoped("certvault.vault." + name + ".");
                String type = scoped.get("type").orElse(DEFAULT_VAULT.equals(name) ? DEFAULT_TYPE : null);
                if (type == null) {
                    problems.add("vault '" + name + "': set certvault.vault." + name + ".type (available types: "
                            + String.join(", ", byType.keySet()) + ")");
                    continue;
                }
                VaultProvider provider = byType.get(type);
                if (provider == null) {
                    problems.add("vault '" + name + "': no provider for type '" + type + "' (available types: "
                            + String.join(", ", byType.keySet()) + ")");
                    continue;
                }
                opened.put(name, provider.open(new VaultContext(name, scoped, settings, dataDirectory)));
                Vault vault = opened.get(name);
                LOG.info(() -> "Opened vault '" + name + "' of type '" + type + "': " + vault.capabilities().summary());
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            } catch (LinkageError e) {
                // A backend jar without its own dependencies: say which class is missing.
                LOG.log(java.util.logging.Level.SEVERE, "Vault '" + name + "' could not be opened", e);
                problems.add("vault '" + name + "': its backend is incomplete (" + e + ")");
            }
        }
        if (!problems.isEmpty()) {
            opened.values().forEach(VaultRegistry::closeQuietly);
            throw new VaultException(ErrorCode.VAULT_CONFIGURATION_INVALID,
                    "Cannot open the configured vaults: " + String.join("; ", problems));
        }
        return new VaultRegistry(opened);
    }

    /** A registry of vaults opened elsewhere (embedding, tests); it closes them when closed. */
    public static VaultRegistry of(Vault... vaults) {
        Map<String, Vault> byName = new LinkedHashMap<>();
        for (Vault vault : vaults) {
            byName.put(vault.name(), vault);
        }
        return new VaultRegistry(byName);
    }

    /** The vault by name, or a {@code VaultNotFound} error. */
    public Vault vault(String name) {
        Vault vault = vaults.get(name);
        if (vault == null) {
            throw new VaultException(ErrorCode.VAULT_NOT_FOUND, "There is no vault '" + name
                    + "'; configured vaults: " + vaults.keySet().stream().collect(Collectors.joining(", ")));
        }
        return vault;
    }

    /** Every vault, in configuration order. */
    public Collection<Vault> vaults() {
        return vaults.values();
    }

    @Override
    public void close() {
        vaults.values().forEach(VaultRegistry::closeQuietly);
    }

    private static void closeQuietly(Vault vault) {
        try {
            vault.close();
        } catch (RuntimeException e) {
            LOG.warning(() -> "Closing vault '" + vault.name() + "' failed: " + e);
        }
    }
}
