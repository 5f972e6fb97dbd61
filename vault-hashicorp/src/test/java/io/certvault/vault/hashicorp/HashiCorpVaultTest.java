package io.certvault.vault.hashicorp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.ErrorCode;
import io.certvault.vault.EncryptionAlgorithm;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultContractTest;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The vault contract in Transit mode, with the real vault-java-driver against the Vault simulator. */
class HashiCorpVaultTest extends VaultContractTest {
    private static VaultSimulator simulator;
    private final Map<String, String> config = new HashMap<>();

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = new VaultSimulator();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Override
    protected Vault openVault() {
        simulator.reset();
        config.put("address", simulator.address());
        config.put("token", VaultSimulator.ROOT_TOKEN);
        config.put("timeout", "5");
        return open();
    }

    private Vault open() {
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new HashiCorpVaultProvider().open(new VaultContext("onprem", settings, settings, Path.of("target")));
    }

    private void useAppRole() {
        config.remove("token");
        config.put("auth", "approle");
        config.put("role-id", VaultSimulator.ROLE_ID);
        config.put("secret-id", VaultSimulator.SECRET_ID);
    }

    @Test
    void sha1OaepIsRefusedNamingWhatWorks() {
        vault.createKey("oaep", KeySpec.RSA_2048);
        assertThatThrownBy(() -> vault.decrypt("oaep", null, EncryptionAlgorithm.RSA_OAEP, new byte[256]))
                .hasMessageContaining("RSA-OAEP-256").hasMessageContaining("mode=kv");
    }

    @Test
    void signsInWithAppRole() {
        vault.close();
        useAppRole();
        Vault approle = open();

        approle.createKey("by-approle", KeySpec.EC_P256);
        assertThat(approle.sign("by-approle", null, SignatureAlgorithm.ES256, new byte[32])).isNotEmpty();

        // Refused sign-in does not stop Certvault: the vault is Down, and says why on use.
        config.put("secret-id", "wrong");
        Vault refused = open();
        assertThat(refused.state().up()).isFalse();
        assertThatThrownBy(() -> refused.listKeys()).isInstanceOf(VaultException.class)
                .hasMessageContaining("did not let Certvault sign in")
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_ACCESS_DENIED));
    }

    @Test
    void aVaultThatIsSealedAtStartIsSignedInToOnceItIsBack() {
        vault.close();
        useAppRole();
        simulator.seal(true);
        Vault late;
        try {
            late = open();
            assertThat(late.state().up()).isFalse();
        } finally {
            simulator.seal(false);
        }
        assertThat(late.createKey("after-unseal", KeySpec.EC_P256).name()).isEqualTo("after-unseal");
    }

    @Test
    void signsInWithKubernetes(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        vault.close();
        Path jwt = java.nio.file.Files.writeString(directory.resolve("token"), VaultSimulator.KUBERNETES_JWT);
        config.remove("token");
        config.put("auth", "kubernetes");
        config.put("kubernetes-role", VaultSimulator.KUBERNETES_ROLE);
        config.put("kubernetes-token-file", jwt.toString());

        Vault kubernetes = open();

        assertThat(kubernetes.createKey("by-kubernetes", KeySpec.EC_P256).name()).isEqualTo("by-kubernetes");
    }

    @Test
    void renewsItsTokenBeforeTheLeaseRunsOut() throws Exception {
        vault.close();
        simulator.tokenTtl(3);
        try {
            useAppRole();
            Vault approle = open();
            approle.createKey("long-lived", KeySpec.EC_P256);
            int before = simulator.renewals;

            // Past two thirds of the lease the next call renews; past the original lease it still works.
            Thread.sleep(2200);
            approle.getKey("long-lived", null);
            Thread.sleep(1500);
            assertThat(approle.sign("long-lived", null, SignatureAlgorithm.ES256, new byte[32])).isNotEmpty();
            assertThat(simulator.renewals).isGreaterThan(before);
        } finally {
            simulator.tokenTtl(3600);
        }
    }

    @Test
    void aDeniedPathIsNamed() {
        vault.createKey("guarded", KeySpec.EC_P256);
        simulator.deny("transit/sign/guarded");

        assertThatThrownBy(() -> vault.sign("guarded", null, SignatureAlgorithm.ES256, new byte[32]))
                .isInstanceOf(VaultException.class).hasMessageContaining("path 'transit/sign/guarded/sha2-256'")
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_ACCESS_DENIED));
    }

    @Test
    void aSealedVaultIsUnavailableAndReportedDownWithoutFailingStartUp() {
        vault.createKey("sealed", KeySpec.EC_P256);
        simulator.seal(true);
        try {
            assertThatThrownBy(() -> vault.getKey("sealed", null)).isInstanceOf(VaultException.class)
                    .hasMessageContaining(simulator.address())
                    .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_UNAVAILABLE));
            Vault sealedAtStart = open();
            assertThat(sealedAtStart.state().up()).isFalse();
            assertThat(sealedAtStart.state().detail()).contains("sealed");
        } finally {
            simulator.seal(false);
        }
        assertThat(vault.state().up()).isTrue();
    }

    @Test
    void isFoundByServiceLoader() {
        Map<String, String> settings = Map.of("certvault.vaults", "onprem", "certvault.vault.onprem.type", "hashicorp",
                "certvault.vault.onprem.address", simulator.address(), "certvault.vault.onprem.token",
                VaultSimulator.ROOT_TOKEN);
        try (VaultRegistry registry = VaultRegistry.open(VaultSettings.of(k -> Optional.ofNullable(settings.get(k))),
                Path.of("target"))) {
            assertThat(registry.vault("onprem").type()).isEqualTo("hashicorp");
        }
    }
}
