package io.certvault.vault.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.ErrorCode;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.SignatureAlgorithm;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultContext;
import io.certvault.vault.VaultContractTest;
import io.certvault.vault.VaultException;
import io.certvault.vault.VaultRegistry;
import io.certvault.vault.VaultSettings;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The vault contract, and Azure's own behaviour, with the real Azure SDK against the Key Vault simulator. */
class AzureKeyVaultTest extends VaultContractTest {
    private static KeyVaultSimulator simulator;
    private final Map<String, String> config = new HashMap<>();

    @BeforeAll
    static void startSimulator() throws Exception {
        simulator = new KeyVaultSimulator(0, Path.of("target", "azure-simulator-ca.pem"));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    /** Settings for a vault pointing at the simulator, signing in with a client secret. */
    static Map<String, String> simulatorSettings(KeyVaultSimulator simulator, String prefix) {
        Map<String, String> settings = new HashMap<>();
        settings.put(prefix + "type", "azure");
        settings.put(prefix + "url", simulator.url());
        settings.put(prefix + "credential", "client-secret");
        settings.put(prefix + "tenant-id", KeyVaultSimulator.TENANT);
        settings.put(prefix + "client-id", KeyVaultSimulator.CLIENT_ID);
        settings.put(prefix + "client-secret", KeyVaultSimulator.CLIENT_SECRET);
        settings.put(prefix + "authority-host", simulator.url());
        settings.put(prefix + "ca-file", simulator.caFile().toAbsolutePath().toString());
        settings.put(prefix + "verify-challenge-resource", "false");
        settings.put(prefix + "timeout", "5");
        settings.put(prefix + "max-retries", "2");
        settings.put(prefix + "max-retry-delay", "2");
        return settings;
    }

    @Override
    protected Vault openVault() {
        simulator.reset();
        config.putAll(simulatorSettings(simulator, ""));
        return open();
    }


    private Vault open() {
        VaultSettings settings = VaultSettings.of(key -> Optional.ofNullable(config.get(key)));
        return new AzureKeyVaultProvider().open(new VaultContext("prod", settings, settings, Path.of("target")));
    }

    @Test
    void signsThroughKeyVaultAfterTheBearerChallenge() {
        vault.createKey("challenged", KeySpec.RSA_2048);

        assertThat(simulator.requests()).contains("POST /" + KeyVaultSimulator.TENANT + "/oauth2/v2.0/token")
                .anyMatch(r -> r.startsWith("POST /keys/challenged/create"));
        vault.sign("challenged", null, SignatureAlgorithm.RS256, new byte[32]);
        assertThat(simulator.requests()).anyMatch(r -> r.matches("POST /keys/challenged/[0-9a-f]{32}/sign"));
    }

    @Test
    void aMissingPermissionIsNamedWithTheIdentity() {
        vault.createKey("guarded", KeySpec.EC_P256);
        simulator.deny("sign");

        assertThatThrownBy(() -> vault.sign("guarded", null, SignatureAlgorithm.ES256, new byte[32]))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("refused 'sign' on key 'guarded'")
                .hasMessageContaining("keys 'sign' permission")
                .hasMessageContaining("Key Vault Crypto User")
                .hasMessageContaining(KeyVaultSimulator.CLIENT_ID)
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_ACCESS_DENIED));
        simulator.allowAll();
    }

    @Test
    void throttlingIsRetriedHonouringRetryAfter() {
        vault.createKey("busy", KeySpec.EC_P256);
        simulator.throttle(2, 1);
        Instant start = Instant.now();

        vault.sign("busy", null, SignatureAlgorithm.ES256, new byte[32]);

        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void lastingThrottlingBecomesUnavailableWithinTheRetryBudget() {
        vault.createKey("swamped", KeySpec.EC_P256);
        simulator.throttleAlways(true);
        int before = simulator.requests().size();
        try {
            assertThatThrownBy(() -> vault.getKey("swamped", null)).isInstanceOf(VaultException.class)
                    .hasMessageContaining("HTTP 429")
                    .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_UNAVAILABLE));
            assertThat(simulator.requests().size() - before).isEqualTo(3);
        } finally {
            simulator.throttleAlways(false);
        }
    }

    @Test
    void refusedCredentialsLeaveTheVaultDownWithoutFailingStartUp() {
        vault.close();
        config.put("client-secret", "wrong");

        Vault refused = open();

        assertThat(refused.state().up()).isFalse();
        assertThat(refused.state().detail()).contains("did not accept the client-secret credential");
        assertThatThrownBy(() -> refused.listKeys()).isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_ACCESS_DENIED));
    }

    @Test
    void anUnreachableVaultIsDownAndFailsFastAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        config.put("url", "https://127.0.0.1:" + closedPort);
        config.put("max-retries", "0");

        Vault unreachable = open();

        assertThat(unreachable.state().up()).isFalse();
        assertThatThrownBy(() -> unreachable.getKey("any", null)).isInstanceOf(VaultException.class)
                .hasMessageContaining("cannot be reached")
                .satisfies(e -> assertThat(((VaultException) e).errorCode()).isEqualTo(ErrorCode.VAULT_UNAVAILABLE));
    }

    @Test
    void keyNamesFollowKeyVaultsRule() {
        assertCode(() -> vault.createKey("under_score", KeySpec.EC_P256), ErrorCode.INVALID_NAME);
        assertCode(() -> vault.createKey("dot.ted", KeySpec.EC_P256), ErrorCode.INVALID_NAME);
    }

    @Test
    void importedEcKeysKeepTheirCurve() {
        var pair = TestCertificates.ec("secp384r1");
        var imported = vault.importKey("ec-imported", pair);
        assertThat(imported.size()).isEqualTo(384);
    }

    @Test
    void wrongSettingsFailWithTheirName() {
        config.remove("url");
        assertThatThrownBy(this::open).hasMessageContaining("certvault.vault.prod.url' is required");
        config.put("url", "http://vault.example");
        assertThatThrownBy(this::open).hasMessageContaining("https://");
        config.put("url", simulator.url());
        config.put("credential", "telepathy");
        assertThatThrownBy(this::open).hasMessageContaining("credential 'telepathy' is unknown");
        config.put("credential", "client-secret");
        config.remove("client-secret");
        assertThatThrownBy(this::open).hasMessageContaining("client-secret' is required");
        config.put("client-secret", KeyVaultSimulator.CLIENT_SECRET);
        config.put("timeout", "soon");
        assertThatThrownBy(this::open).hasMessageContaining("timeout must be a whole number");
    }

    @Test
    void isFoundByServiceLoader() {
        Map<String, String> settings = new HashMap<>(simulatorSettings(simulator, "certvault.vault.cloud."));
        settings.put("certvault.vaults", "cloud");
        try (VaultRegistry registry = VaultRegistry.open(VaultSettings.of(k -> Optional.ofNullable(settings.get(k))),
                Path.of("target"))) {
            assertThat(registry.vault("cloud").type()).isEqualTo("azure");
        }
    }
}
