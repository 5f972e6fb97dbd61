package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.audit.AuditEvent;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.security.Caller;
import io.certvault.security.CallerContext;
import io.certvault.security.CallerScope;
import io.certvault.security.Role;
import io.certvault.testing.FixedMessageSettings;
import io.certvault.testing.InMemoryAuditTrail;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCertificates;
import io.certvault.vault.VaultRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Use cases run without any request: on a plain thread, as a scheduled job or a partner names itself, checked
 * by the same guard and recorded under that identity; a key use whose record fails hands nothing out.
 */
class CallerScopeTest {
    private final InMemoryRepositories repositories = new InMemoryRepositories();
    private final InMemoryAuditTrail audit = new InMemoryAuditTrail();
    // No caller context at all: outside a scope nobody may do anything.
    private final Guard guard = new Guard(CallerContext.NONE, audit, UnitOfWork.NONE);
    private final VaultRegistry vaults = InMemoryVault.registry();
    private final CertificateKeys certificateKeys = io.certvault.testing.TestCallers.keys(vaults, guard);
    private final IntegrationAccountService accounts = new IntegrationAccountService(repositories, guard);
    private final CertificateService certificates = new CertificateService(repositories, repositories,
            repositories.agreements(), certificateKeys, guard);
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    @TempDir
    Path spool;
    private MessageSecurityService messages;

    @BeforeEach
    void setUp() {
        messages = new MessageSecurityService(repositories, repositories, certificateKeys,
                new FixedMessageSettings(spool, 1024, false), guard);
        KeyPair pair = TestCertificates.rsa(2048);
        CallerScope.runAs(Caller.system("setup", Role.ADMIN), () -> {
            accounts.put("contoso", null, null, null);
            accounts.put("fabrikam", null, null, null);
            new VaultKeyService(vaults, repositories, certificateKeys, guard).importKey("default", "contoso-key", pair);
            certificates.put("contoso", "signing", TestCertificates.base64(TestCertificates.selfSigned(pair, "contoso")),
                    new KeyReference("default", "contoso-key", null), null);
        });
    }

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    @Test
    void aJobRunsAUseCaseFromAPlainThreadUnderItsOwnName() throws Exception {
        long count = CompletableFuture.supplyAsync(() -> CallerScope.runAs(Caller.system("expiry-check", Role.READER),
                () -> certificates.count("contoso")), worker).get();
        assertThat(count).isEqualTo(1);

        CompletableFuture.runAsync(() -> CallerScope.runAs(Caller.system("retention", Role.CONTRIBUTOR),
                () -> certificates.delete("contoso", "signing")), worker).get();
        AuditEvent last = audit.events().get(audit.events().size() - 1);
        assertThat(last.user()).isEqualTo("system:retention");
        assertThat(last.operation()).isEqualTo("certificates/delete");
        assertThat(last.outcome()).isEqualTo(AuditEvent.SUCCEEDED);
    }

    @Test
    void outsideAScopeNobodyMayAnything() throws Exception {
        var refused = CompletableFuture.supplyAsync(() -> {
            try {
                certificates.delete("contoso", "signing");
                return null;
            } catch (CertvaultException e) {
                return e.errorCode();
            }
        }, worker).get();
        assertThat(refused).isEqualTo(ErrorCode.AUTHORIZATION_FAILED);
        assertThat(audit.events().get(audit.events().size() - 1).outcome()).isEqualTo(AuditEvent.DENIED);
    }

    @Test
    void aPartnerUsesTheKeysOfItsAccountOnly() throws Exception {
        Caller partner = Caller.partner("contoso", "fabrikam-partner", "198.51.100.7");
        CallerScope.runAs(partner, () -> {
            try (var encoded = encode("contoso")) {
                assertThat(encoded.mic()).isNotBlank();
            }
            assertThatThrownBy(() -> encode("fabrikam")).isInstanceOfSatisfying(CertvaultException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED));
            assertThatThrownBy(() -> certificates.delete("contoso", "signing"))
                    .isInstanceOfSatisfying(CertvaultException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUTHORIZATION_FAILED));
        });
        assertThat(audit.events()).filteredOn(e -> e.operation().equals("keys/sign"))
                .extracting(AuditEvent::user, AuditEvent::clientAddress)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("partner:contoso/fabrikam-partner", "198.51.100.7"));
    }

    @Test
    void aSignatureWhoseRecordFailsIsWithheld() {
        audit.failOn("keys/sign");
        CallerScope.runAs(Caller.system("sender", Role.SIGNER), () -> assertThatThrownBy(() -> encode("contoso"))
                .isInstanceOfSatisfying(CertvaultException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE)));
    }

    private MessageSecurityService.Encoded encode(String account) {
        try {
            return messages.encode(account, new ByteArrayInputStream("EDI".getBytes(StandardCharsets.US_ASCII)),
                    "application/edi-x12", new MessageSecurityService.EncodeOptions("signing", null, null, null, false));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
