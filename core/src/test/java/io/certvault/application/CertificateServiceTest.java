package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import java.security.KeyPair;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CertificateServiceTest {
    private final InMemoryRepositories repositories = new InMemoryRepositories();
    private final TestCallers callers = new TestCallers();
    private final Guard guard = callers.guard();
    private VaultRegistry vaults;
    private IntegrationAccountService accounts;
    private CertificateService certificates;
    private VaultKeyService keys;

    @BeforeEach
    void setUp() {
        vaults = InMemoryVault.registry();
        CertificateKeys certificateKeys = TestCallers.keys(vaults, guard);
        accounts = new IntegrationAccountService(repositories, guard);
        certificates = new CertificateService(repositories, repositories, certificateKeys, guard);
        keys = new VaultKeyService(vaults, repositories, certificateKeys, guard);
        accounts.put("contoso", null, null, null);
    }

    @Test
    void putCreatesThenUpdates() {
        KeyPair pair = TestCertificates.rsa(2048);
        String cert = TestCertificates.base64(TestCertificates.selfSigned(pair, "partner"));

        Saved<Certificate> first = certificates.put("contoso", "partner", cert, null, null);
        Saved<Certificate> second = certificates.put("contoso", "partner", cert, null, "{\"a\":1}");

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.value().metadataJson()).isEqualTo("{\"a\":1}");
        assertThat(second.value().createdTime()).isEqualTo(first.value().createdTime());
        assertThat(certificates.get("contoso", "partner").isPrivate()).isFalse();
    }

    @Test
    void privateCertificateNeedsTheMatchingVaultKey() {
        KeyPair pair = TestCertificates.rsa(2048);
        VaultKey key = keys.importKey("default", "signing", pair).value();
        String cert = TestCertificates.base64(TestCertificates.selfSigned(pair, "us"));

        Certificate saved = certificates.put("contoso", "ours", cert, new KeyReference("default", "signing", null), null)
                .value();
        assertThat(saved.key()).isEqualTo(new KeyReference("default", "signing", null));

        certificates.put("contoso", "pinned", cert, new KeyReference("default", "signing", key.version()), null);
        assertThat(certificates.get("contoso", "pinned").key().keyVersion()).isEqualTo(key.version());
    }

    @Test
    void mismatchedKeyStoresNothing() {
        keys.createKey("default", "other", KeySpec.RSA_2048);
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "us"));

        assertCode(() -> certificates.put("contoso", "ours", cert, new KeyReference("default", "other", null), null),
                ErrorCode.CERTIFICATE_KEY_MISMATCH);
        assertThat(repositories.certificateCount()).isZero();
    }

    @Test
    void referencesToMissingVaultsOrKeysAreTheClientsMistake() {
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "us"));

        assertCode(() -> certificates.put("contoso", "c", cert, new KeyReference("nope", "k", null), null),
                ErrorCode.INVALID_KEY_REFERENCE);
        assertCode(() -> certificates.put("contoso", "c", cert, new KeyReference("default", "missing", null), null),
                ErrorCode.INVALID_KEY_REFERENCE);
        keys.createKey("default", "present", KeySpec.EC_P256);
        assertCode(() -> certificates.put("contoso", "c", cert, new KeyReference("default", "present", "0badc0de"), null),
                ErrorCode.INVALID_KEY_REFERENCE);
    }

    @Test
    void unknownAccountsAndCertificatesAreNotFound() {
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "us"));
        assertCode(() -> certificates.put("nobody", "c", cert, null, null), ErrorCode.ACCOUNT_NOT_FOUND);
        assertCode(() -> certificates.get("contoso", "missing"), ErrorCode.CERTIFICATE_NOT_FOUND);
        assertCode(() -> certificates.put("contoso", "bad/name", cert, null, null), ErrorCode.INVALID_NAME);
    }

    @Test
    void keysInUseCannotBeDeleted() {
        KeyPair pair = TestCertificates.ec("secp256r1");
        assertThat(keys.importKey("default", "used", pair).created()).isTrue();
        assertThat(keys.importKey("default", "used", pair).created()).isFalse();
        certificates.put("contoso", "ours", TestCertificates.base64(TestCertificates.selfSigned(pair, "us")),
                new KeyReference("default", "used", null), null);

        assertThatThrownBy(() -> keys.deleteKey("default", "used")).isInstanceOf(CertvaultException.class)
                .hasMessageContaining("certificate 'ours' of integration account 'contoso'");

        certificates.delete("contoso", "ours");
        keys.deleteKey("default", "used");
        assertCode(() -> keys.versions("default", "used"), ErrorCode.KEY_NOT_FOUND);
    }

    @Test
    void deletingAnAccountDeletesItsCertificates() {
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "p"));
        certificates.put("contoso", "a", cert, null, null);
        certificates.put("contoso", "b", cert, null, null);

        assertThat(certificates.count("contoso")).isEqualTo(2);
        assertThat(accounts.delete("contoso")).isTrue();
        assertThat(repositories.certificateCount()).isZero();
        assertThat(accounts.delete("contoso")).isFalse();
    }

    @Test
    void listsInPages() {
        String cert = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "p"));
        for (String name : List.of("c", "a", "b")) {
            certificates.put("contoso", name, cert, null, null);
        }
        var first = certificates.list("contoso", null, "2");
        assertThat(first.items()).extracting(Certificate::name).containsExactly("a", "b");
        var second = certificates.list("contoso", first.continueAfter(), "2");
        assertThat(second.items()).extracting(Certificate::name).containsExactly("c");
        assertThat(second.hasMore()).isFalse();
        assertCode(() -> certificates.list("contoso", null, "0"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> certificates.list("contoso", null, "abc"), ErrorCode.INVALID_REQUEST);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(code));
    }
}
