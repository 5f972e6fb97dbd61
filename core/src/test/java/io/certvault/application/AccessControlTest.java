package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.audit.AuditEvent;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.IntegrationAccount;
import io.certvault.domain.KeyReference;
import io.certvault.pki.PrivateKeys;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemorySecurity;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.KeySpec;
import io.certvault.vault.VaultRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each role may do exactly its operations, at its scope, and refusals and key uses are on record. */
class AccessControlTest {
    private final InMemoryRepositories repositories = new InMemoryRepositories();
    private final InMemorySecurity security = new InMemorySecurity();
    private final TestCallers callers = new TestCallers();
    private final Guard guard = callers.guard();
    private final VaultRegistry vaults = InMemoryVault.registry();
    private final CertificateKeys certificateKeys = TestCallers.keys(vaults, guard);
    private final IntegrationAccountService accounts = new IntegrationAccountService(repositories, guard);
    private final CertificateService certificates = new CertificateService(repositories, repositories,
            repositories.agreements(), certificateKeys, guard);
    private final VaultKeyService keys = new VaultKeyService(vaults, repositories, certificateKeys, guard);
    private final AccessService access = new AccessService(security, security, security, guard);
    @TempDir
    Path spool;
    private MessageSecurityService messages;
    private String certificate;

    @BeforeEach
    void setUp() {
        messages = new MessageSecurityService(repositories, repositories, certificateKeys,
                new FixedMessageSettings(spool, 1024, false), guard);
        KeyPair pair = TestCertificates.rsa(2048);
        certificate = TestCertificates.base64(TestCertificates.selfSigned(pair, "contoso"));
        accounts.put("contoso", null, null, null);
        accounts.put("fabrikam", null, null, null);
        keys.importKey("default", "contoso-key", pair);
        certificates.put("contoso", "signing", certificate, new KeyReference("default", "contoso-key", null), null);
    }

    /** Every guarded operation, by the name the matrix below uses; each runs against account contoso. */
    private Map<String, Runnable> operations() {
        Map<String, Runnable> all = new LinkedHashMap<>();
        all.put("read", () -> {
            accounts.get("contoso");
            certificates.list("contoso", null, null, null, null);
            keys.listKeys("default", null, null);
        });
        all.put("write", () -> {
            accounts.put("contoso", "here", null, null);
            certificates.put("contoso", "partner", certificate, null, null);
            certificates.delete("contoso", "partner");
        });
        all.put("use keys", () -> {
            try (var encoded = messages.encode("contoso", new ByteArrayInputStream("EDI".getBytes(
                    StandardCharsets.US_ASCII)), "application/edi-x12",
                    new MessageSecurityService.EncodeOptions("signing", null, null, null, false))) {
                assertThat(encoded.mic()).isNotBlank();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        all.put("manage keys", () -> {
            keys.createKey("default", "spare", KeySpec.of("EC", null, "P-256"));
            keys.deleteKey("default", "spare");
        });
        all.put("manage access", () -> {
            access.putUser("alice", "correct horse battery".toCharArray());
            access.putAssignment("alice-reader", "alice", "reader", "/");
            access.deleteAssignment("alice-reader");
            access.deleteUser("alice");
        });
        return all;
    }

    private Set<String> allowedFor(Grant grant) {
        callers.set(TestCallers.as("someone", grant));
        Set<String> allowed = new TreeSet<>();
        operations().forEach((name, operation) -> {
            try {
                operation.run();
                allowed.add(name);
            } catch (CertvaultException e) {
                assertThat(e.errorCode()).as(name).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
            }
        });
        return allowed;
    }

    @Test
    void eachGlobalRoleMayDoExactlyItsOperations() {
        assertThat(allowedFor(new Grant(Role.READER, Scope.GLOBAL))).containsExactly("read");
        assertThat(allowedFor(new Grant(Role.CONTRIBUTOR, Scope.GLOBAL))).containsExactly("read", "write");
        assertThat(allowedFor(new Grant(Role.SIGNER, Scope.GLOBAL))).containsExactly("read", "use keys");
        assertThat(allowedFor(new Grant(Role.KEY_ADMIN, Scope.GLOBAL))).containsExactly("manage keys", "read");
        assertThat(allowedFor(new Grant(Role.ADMIN, Scope.GLOBAL)))
                .containsExactly("manage access", "manage keys", "read", "use keys", "write");
    }

    @Test
    void accountScopedRolesReachOnlyThatAccount() {
        assertThat(allowedFor(new Grant(Role.CONTRIBUTOR, Scope.account("contoso")))).containsExactly("read", "write");
        assertThat(allowedFor(new Grant(Role.SIGNER, Scope.account("contoso")))).containsExactly("read", "use keys");
        // Vault keys belong to no account: managing them needs a global assignment.
        assertThat(allowedFor(new Grant(Role.KEY_ADMIN, Scope.account("contoso")))).containsExactly("read");
        assertThat(allowedFor(new Grant(Role.ADMIN, Scope.account("fabrikam")))).isEmpty();

        callers.set(TestCallers.as("carol", new Grant(Role.CONTRIBUTOR, Scope.account("fabrikam"))));
        assertThat(accounts.list(null, null).items()).extracting(IntegrationAccount::name).containsExactly("fabrikam");
        assertThatThrownBy(() -> certificates.get("contoso", "signing"))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.AUTHORIZATION_FAILED);
        // The answer is the same whether or not the account exists: no probing of names.
        assertThatThrownBy(() -> accounts.get("no-such-account"))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.AUTHORIZATION_FAILED);
    }

    @Test
    void changesKeyUsesAndRefusalsAreRecorded() {
        callers.set(TestCallers.as("dave", new Grant(Role.READER, Scope.GLOBAL)));
        assertThatThrownBy(() -> accounts.delete("contoso")).isInstanceOf(CertvaultException.class);
        callers.set(TestCallers.as("erin", new Grant(Role.SIGNER, Scope.account("contoso"))));
        operations().get("use keys").run();

        var events = callers.audit().events();
        assertThat(events).extracting(AuditEvent::operation).containsSubsequence("integrationAccounts/write",
                "keys/import", "certificates/write", "integrationAccounts/delete", "keys/sign");
        AuditEvent denied = events.stream().filter(e -> e.operation().equals("integrationAccounts/delete"))
                .findFirst().orElseThrow();
        assertThat(denied.user()).isEqualTo("dave");
        assertThat(denied.outcome()).isEqualTo(AuditEvent.DENIED);
        assertThat(denied.clientAddress()).isEqualTo("192.0.2.1");
        AuditEvent sign = events.get(events.size() - 1);
        assertThat(sign.user()).isEqualTo("erin");
        assertThat(sign.target().certificate()).isEqualTo("signing");
        assertThat(sign.target().key()).isEqualTo("contoso-key");
        // Signing with "the current version" is recorded with the version that signed.
        assertThat(sign.target().keyVersion()).isEqualTo(vaults.vault("default").getKey("contoso-key", null).version());
        assertThat(callers.audit().verify().intact()).isTrue();
    }

    @Test
    void theLastGlobalAdminStays() {
        access.putUser("root", "correct horse battery".toCharArray());
        access.putAssignment("root-admin", "root", "admin", "/");
        access.putAssignment("ops-admin", "ops", "admin", "/integrationAccounts/contoso");
        access.deleteAssignment("ops-admin");
        assertThatThrownBy(() -> access.deleteAssignment("root-admin"))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.LAST_ADMINISTRATOR);
        assertThatThrownBy(() -> access.deleteUser("root"))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.LAST_ADMINISTRATOR);
        assertThatThrownBy(() -> access.putUser("short", "too-short".toCharArray()))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.PASSWORD_TOO_WEAK);
    }

    @Test
    void aRoleAssignmentNamesItsScope() {
        for (String scope : new String[] {null, "", "//", "/integrationAccounts/a/b"}) {
            assertThatThrownBy(() -> access.putAssignment("alice-reader", "alice", "reader", scope))
                    .hasFieldOrPropertyWithValue("errorCode", ErrorCode.INVALID_REQUEST);
        }
        assertThatThrownBy(() -> access.getAssignment("alice-reader"))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.ROLE_ASSIGNMENT_NOT_FOUND);
    }

    @Test
    void refusedKeysAndKeyReferencesAreOnRecordAndImportsNameTheirVersion() {
        var imported = keys.importKey("default", "second-key", () -> TestCertificates.rsa(2048));
        assertThatThrownBy(() -> keys.importKey("default", "bad-key", () -> PrivateKeys.fromPem("no pem", null)))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.INVALID_KEY);
        assertThatThrownBy(() -> keys.createKey("default", "odd-key", () -> KeySpec.of("RSA", 1000, null)))
                .isInstanceOf(CertvaultException.class);
        assertThatThrownBy(() -> certificates.put("contoso", "signing", certificate,
                () -> new KeyReference("default", "", null), false, null, Precondition.NONE))
                .hasFieldOrPropertyWithValue("errorCode", ErrorCode.INVALID_KEY_REFERENCE);

        var events = callers.audit().events();
        AuditEvent success = events.stream().filter(e -> e.operation().equals("keys/import")
                && "second-key".equals(e.target().key())).findFirst().orElseThrow();
        assertThat(success.target().keyVersion()).isEqualTo(imported.value().version());
        assertThat(events).filteredOn(e -> AuditEvent.FAILED.equals(e.outcome()))
                .extracting(AuditEvent::operation, AuditEvent::errorCode).contains(
                        org.assertj.core.groups.Tuple.tuple("keys/import", "InvalidKey"),
                        org.assertj.core.groups.Tuple.tuple("certificates/write", "InvalidKeyReference"));
        assertThat(events).filteredOn(e -> e.operation().equals("keys/create") && "odd-key".equals(e.target().key()))
                .extracting(AuditEvent::outcome).containsExactly(AuditEvent.FAILED);
    }
}
