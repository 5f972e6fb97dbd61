package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.audit.AuditEvent;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.messaging.SmimeDecoder;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.Vault;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A private certificate signs only with its own key, through key rotation, for every vault backend: a backend's
 * test extends this and opens a fresh vault. A new key version does not change what an older certificate signs
 * with; when no version matches any more the use fails with {@code CertificateKeyMismatch}, recorded as failed.
 */
public abstract class KeyRotationContractTest {
    protected static final String KEY = "contoso-signing";

    private final InMemoryRepositories repositories = new InMemoryRepositories();
    private final TestCallers callers = new TestCallers();
    private final Guard guard = callers.guard();
    @TempDir
    Path spool;
    protected Vault vault;
    private VaultRegistry vaults;
    private CertificateService certificates;
    private VaultKeyService keys;
    private MessageSecurityService messages;

    /** A new vault with no keys. */
    protected abstract Vault openVault() throws Exception;

    /** Requests the vault's server has answered so far, or -1 for a vault in this process. */
    protected long vaultRequests() {
        return -1;
    }

    /** Gives the key a new current version (a random key) in the vault itself, behind Certvault's back. */
    protected void rotateInTheVault(String keyName) {
        vault.createKey(keyName, KeySpec.RSA_2048);
    }

    /** Replaces the key in the vault itself, behind Certvault's back: none of its old versions is left. */
    protected void replaceInTheVault(String keyName) {
        vault.deleteKey(keyName);
        vault.createKey(keyName, KeySpec.RSA_2048);
    }

    @BeforeEach
    void open() throws Exception {
        vault = openVault();
        vaults = VaultRegistry.of(vault);
        CertificateKeys certificateKeys = TestCallers.keys(vaults, guard);
        IntegrationAccountService accounts = new IntegrationAccountService(repositories, guard);
        certificates = new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard);
        keys = new VaultKeyService(vaults, repositories, certificateKeys, guard);
        messages = new MessageSecurityService(repositories, repositories, certificateKeys,
                new FixedMessageSettings(spool, 64 * 1024, false), guard);
        accounts.put("contoso", null, null, null);
    }

    @AfterEach
    void close() {
        vaults.close();
    }

    @Test
    void aNewKeyVersionDoesNotChangeWhatACertificateSignsWith() throws Exception {
        KeyPair first = TestCertificates.rsa(2048);
        String v1 = keys.importKey(vault.name(), KEY, first).value().version();
        String firstCertificate = TestCertificates.base64(TestCertificates.selfSigned(first, "contoso"));
        certificates.put("contoso", "contoso-private", firstCertificate, reference(null), null);
        assertThat(signer(sign("contoso-private"))).isEqualTo("contoso-private");

        // The defect: a new version with another key became "current", and the certificate signed with it.
        KeyPair second = TestCertificates.rsa(2048);
        String v2 = keys.importKey(vault.name(), KEY, second).value().version();
        assertThat(v2).isNotEqualTo(v1);
        assertThat(signer(sign("contoso-private"))).isEqualTo("contoso-private");
        assertThat(lastKeyUse().target().keyVersion()).isEqualTo(v1);

        // Rotation: a certificate for the new version uses it; the old one keeps its version.
        certificates.put("contoso", "contoso-2027", TestCertificates.base64(TestCertificates.selfSigned(second,
                "contoso")), reference(null), null);
        assertThat(signer(sign("contoso-2027"))).isEqualTo("contoso-2027");
        assertThat(lastKeyUse().target().keyVersion()).isEqualTo(v2);
        assertThat(certificates.keyInUse(certificates.get("contoso", "contoso-private")).version()).isEqualTo(v1);
        assertThat(certificates.keyInUse(certificates.get("contoso", "contoso-2027")).version()).isEqualTo(v2);
        assertThat(keys.versionUses(vault.name(), KEY)).extracting(u -> u.version().version(),
                u -> u.certificates().stream().map(Certificate::name).toList())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, List.of("contoso-private")),
                        org.assertj.core.groups.Tuple.tuple(v2, List.of("contoso-2027")));

        // A named version must be the certificate's key, at upload and at use.
        certificates.put("contoso", "pinned", firstCertificate, reference(v1), null);
        assertThat(signer(sign("pinned"))).isIn("pinned", "contoso-private");
        assertThatThrownBy(() -> certificates.put("contoso", "wrong-pin", firstCertificate, reference(v2), null))
                .isInstanceOfSatisfying(CertvaultException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.CERTIFICATE_KEY_MISMATCH);
                    assertThat(e.getMessage()).contains("wrong-pin", KEY, v1, v2);
                });
    }

    @Test
    void aRotationInTheVaultItselfLeavesTheCertificateOnItsVersion() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        String v1 = keys.importKey(vault.name(), KEY, pair).value().version();
        certificates.put("contoso", "contoso-private", TestCertificates.base64(TestCertificates.selfSigned(pair,
                "contoso")), reference(null), null);
        sign("contoso-private");

        rotateInTheVault(KEY);
        assertThat(vault.getKey(KEY, null).version()).isNotEqualTo(v1);
        assertThat(signer(sign("contoso-private"))).isEqualTo("contoso-private");
        assertThat(lastKeyUse().target().keyVersion()).isEqualTo(v1);
    }

    @Test
    void whenNoVersionMatchesAnyMoreNothingIsSignedAndTheUseIsRecordedAsFailed() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        keys.importKey(vault.name(), KEY, pair);
        certificates.put("contoso", "contoso-private", TestCertificates.base64(TestCertificates.selfSigned(pair,
                "contoso")), reference(null), null);
        sign("contoso-private");

        replaceInTheVault(KEY);
        String now = vault.getKey(KEY, null).version();
        assertThatThrownBy(() -> sign("contoso-private")).isInstanceOfSatisfying(CertvaultException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.CERTIFICATE_KEY_MISMATCH);
            assertThat(e.getMessage()).contains("contoso-private", KEY, now);
        });
        AuditEvent use = lastKeyUse();
        assertThat(use.outcome()).isEqualTo(AuditEvent.FAILED);
        assertThat(use.errorCode()).isEqualTo("CertificateKeyMismatch");
        assertThatThrownBy(() -> certificates.keyInUse(certificates.get("contoso", "contoso-private")))
                .isInstanceOfSatisfying(CertvaultException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CERTIFICATE_KEY_MISMATCH));
    }

    @Test
    void aKeyUseCostsOneReadAndOneSignAtMost() throws Exception {
        KeyPair pair = TestCertificates.rsa(2048);
        keys.importKey(vault.name(), KEY, pair);
        certificates.put("contoso", "contoso-private", TestCertificates.base64(TestCertificates.selfSigned(pair,
                "contoso")), reference(null), null);
        long before = vaultRequests();
        sign("contoso-private");
        long afterFirst = vaultRequests();
        sign("contoso-private");
        long afterSecond = vaultRequests();
        if (before >= 0) {
            assertThat(afterFirst - before).as("first use: one read, one sign").isLessThanOrEqualTo(2);
            assertThat(afterSecond - afterFirst).as("later uses: the sign alone").isEqualTo(1);
        }
        // A version made through Certvault is seen at once (the remembered resolution is dropped).
        KeyPair next = TestCertificates.rsa(2048);
        String v2 = keys.importKey(vault.name(), KEY, next).value().version();
        certificates.put("contoso", "contoso-next", TestCertificates.base64(TestCertificates.selfSigned(next,
                "contoso")), reference(null), null);
        sign("contoso-next");
        assertThat(lastKeyUse().target().keyVersion()).isEqualTo(v2);
    }

    private KeyReference reference(String version) {
        return new KeyReference(vault.name(), KEY, version);
    }

    /** Signs a small payload with the certificate; the S/MIME body. */
    private byte[] sign(String certificateName) throws IOException {
        try (var encoded = messages.encode("contoso", new ByteArrayInputStream("UNB+UNOA:1".getBytes(
                StandardCharsets.US_ASCII)), "application/edifact",
                new MessageSecurityService.EncodeOptions(certificateName, null, null, null, false));
                InputStream body = encoded.body().input()) {
            lastContentType = encoded.contentType();
            return body.readAllBytes();
        }
    }

    private String lastContentType;

    /** Which certificate of the account the message's signature verifies with (the decoder checks it). */
    private String signer(byte[] message) throws IOException {
        try (SmimeDecoder.Result result = messages.decode("contoso", new ByteArrayInputStream(message),
                lastContentType, null, null)) {
            return result.signedBy();
        }
    }

    private AuditEvent lastKeyUse() {
        List<AuditEvent> uses = callers.audit().events().stream().filter(e -> e.operation().equals("keys/sign"))
                .toList();
        return uses.get(uses.size() - 1);
    }
}
