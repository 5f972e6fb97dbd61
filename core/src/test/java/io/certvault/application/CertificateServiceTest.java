package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.VaultKey;
import io.certvault.vault.VaultRegistry;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
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
        certificates = new CertificateService(repositories, repositories,
                repositories.agreements(), certificateKeys, guard);
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
        var first = certificates.list("contoso", null, null, null, "2");
        assertThat(first.items()).extracting(Certificate::name).containsExactly("a", "b");
        var second = certificates.list("contoso", null, null, first.continueAfter(), "2");
        assertThat(second.items()).extracting(Certificate::name).containsExactly("c");
        assertThat(second.hasMore()).isFalse();
        assertCode(() -> certificates.list("contoso", null, null, null, "0"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> certificates.list("contoso", null, null, null, "abc"), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void listsByExpiryAPageAtATimeAndOnlyWhatExpiresBefore() {
        Instant now = Instant.parse("2027-01-01T00:00:00Z");
        KeyPair pair = TestCertificates.ec("secp256r1");
        // Two expire at the same second, so the name orders them and a page may end between them.
        putExpiring("contoso", "late", pair, now.plus(Duration.ofDays(90)));
        putExpiring("contoso", "b-soon", pair, now.plus(Duration.ofDays(10)));
        putExpiring("contoso", "a-soon", pair, now.plus(Duration.ofDays(10)));
        putExpiring("contoso", "gone", pair, now.minus(Duration.ofDays(1)));

        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        do {
            var page = certificates.list("contoso", now.plus(Duration.ofDays(30)), "notAfter", after, "1");
            page.items().forEach(c -> seen.add(c.name()));
            after = page.continueAfter();
        } while (after != null);
        assertThat(seen).containsExactly("gone", "a-soon", "b-soon");
        assertThat(certificates.list("contoso", null, "name", null, null).items()).extracting(Certificate::name)
                .containsExactly("a-soon", "b-soon", "gone", "late");

        assertCode(() -> certificates.list("contoso", null, "thumbprint", null, null), ErrorCode.INVALID_REQUEST);
        // A position from one order does not continue another.
        String byName = certificates.list("contoso", null, "name", null, "1").continueAfter();
        assertCode(() -> certificates.list("contoso", null, "notAfter", byName, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> certificates.list("contoso", null, "notAfter", "x/contoso/a", null), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void listsAcrossTheAccountsTheCallerMayRead() {
        accounts.put("fabrikam", null, null, null);
        accounts.put("northwind", null, null, null);
        KeyPair pair = TestCertificates.ec("secp256r1");
        Instant soon = Instant.now().plus(Duration.ofDays(5));
        for (String account : List.of("contoso", "fabrikam", "northwind")) {
            putExpiring(account, "partner", pair, soon);
            putExpiring(account, "later", pair, soon.plus(Duration.ofDays(400)));
        }
        Instant horizon = Instant.now().plus(Duration.ofDays(30));

        assertThat(certificates.listReadable(horizon, "notAfter", null, null).items())
                .extracting(Certificate::accountName).containsExactly("contoso", "fabrikam", "northwind");

        callers.set(TestCallers.as("partner-desk", new Grant(Role.READER, Scope.account("fabrikam")),
                new Grant(Role.READER, Scope.account("northwind"))));
        var first = certificates.listReadable(horizon, "notAfter", null, "1");
        assertThat(first.items()).extracting(Certificate::accountName).containsExactly("fabrikam");
        assertThat(certificates.listReadable(horizon, "notAfter", first.continueAfter(), "1").items())
                .extracting(Certificate::accountName).containsExactly("northwind");
        assertThat(certificates.listReadable(null, null, null, null).items())
                .extracting(c -> c.accountName() + "/" + c.name())
                .containsExactly("fabrikam/later", "fabrikam/partner", "northwind/later", "northwind/partner");

        callers.set(TestCallers.as("nobody"));
        assertCode(() -> certificates.listReadable(horizon, null, null, null), ErrorCode.AUTHORIZATION_FAILED);
    }

    private void putExpiring(String account, String name, KeyPair pair, Instant notAfter) {
        certificates.put(account, name, TestCertificates.base64(TestCertificates.selfSigned(pair, name,
                notAfter.minus(Duration.ofDays(800)), notAfter)), null, null);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(CertvaultException.class)
                .satisfies(e -> assertThat(((CertvaultException) e).errorCode()).isEqualTo(code));
    }
}
