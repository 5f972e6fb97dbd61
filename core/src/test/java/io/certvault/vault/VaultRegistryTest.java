package io.certvault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.testing.InMemoryVault;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VaultRegistryTest {
    private final List<String> opened = new ArrayList<>();
    private final List<String> closed = new ArrayList<>();

    /** A provider of the given type whose vaults need a 'url' setting. */
    private VaultProvider provider(String type) {
        return new VaultProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public List<VaultSetting> settings() {
                return List.of(new VaultSetting("url", "where", true, false));
            }

            @Override
            public Vault open(VaultContext context) {
                context.require("url");
                opened.add(context.name());
                return new InMemoryVault(context.name()) {
                    @Override
                    public void close() {
                        closed.add(context.name());
                    }
                };
            }
        };
    }

    private static VaultSettings settings(Map<String, String> values) {
        return VaultSettings.of(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void opensEachConfiguredVaultOnce() {
        VaultRegistry registry = VaultRegistry.open(settings(Map.of(
                "certvault.vaults", "default, prod",
                "certvault.vault.default.url", "a",
                "certvault.vault.prod.type", "memory",
                "certvault.vault.prod.url", "b")), Path.of("."), List.of(provider("filesystem"), provider("memory")));

        assertThat(registry.vaults()).extracting(Vault::name).containsExactly("default", "prod");
        assertThat(opened).containsExactly("default", "prod");
        assertThat(registry.vault("prod").name()).isEqualTo("prod");
        assertThatThrownBy(() -> registry.vault("nope")).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("configured vaults: default, prod")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_NOT_FOUND));
        registry.close();
        assertThat(closed).containsExactly("default", "prod");
    }

    @Test
    void defaultsToOneFilesystemVaultNamedDefault() {
        VaultRegistry registry = VaultRegistry.open(settings(Map.of("certvault.vault.default.url", "a")), Path.of("."),
                List.of(provider("filesystem")));
        assertThat(registry.vaults()).extracting(Vault::name).containsExactly("default");
    }

    @Test
    void failsAsAWholeNamingEveryProblem() {
        assertThatThrownBy(() -> VaultRegistry.open(settings(Map.of(
                "certvault.vaults", "default,prod,cloud,other",
                "certvault.vault.default.url", "a",
                "certvault.vault.prod.type", "azure",
                "certvault.vault.cloud.type", "memory")), Path.of("."), List.of(provider("filesystem"), provider("memory"))))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("vault 'prod': no provider for type 'azure' (available types: filesystem, memory)")
                .hasMessageContaining("vault 'cloud': setting 'certvault.vault.cloud.url' is required")
                .hasMessageContaining("vault 'other': set certvault.vault.other.type")
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode())
                        .isEqualTo(ErrorCode.VAULT_CONFIGURATION_INVALID));
        assertThat(closed).containsExactly("default");
    }

    @Test
    void findsProvidersWithServiceLoader() {
        // core itself registers none; the filesystem module's own test checks that it is found.
        assertThatThrownBy(() -> VaultRegistry.open(settings(Map.of()), Path.of(".")))
                .hasMessageContaining("no provider for type 'filesystem'");
    }
}
