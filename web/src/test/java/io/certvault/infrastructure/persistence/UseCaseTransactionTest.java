package io.certvault.infrastructure.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certvault.application.CertificateService;
import io.certvault.application.Guard;
import io.certvault.application.IntegrationAccountService;
import io.certvault.audit.AuditEvent;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.audit.AuditTrail;
import io.certvault.audit.AuditVerification;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.security.Caller;
import io.certvault.security.Grant;
import io.certvault.security.Role;
import io.certvault.security.Scope;
import io.certvault.testing.InMemoryVault;
import io.certvault.testing.TestCallers;
import io.certvault.testing.TestCertificates;
import jakarta.persistence.PersistenceException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A use case and its audit record commit together on a real database (embedded H2 with the migrations): when
 * the record cannot be written, the change is not there either, and the caller is told so with a 503.
 */
class UseCaseTransactionTest {
    private Database database;
    private JpaCertificateRepository certificates;
    private final FailingAudit audit = new FailingAudit();
    private CertificateService certificateService;

    @BeforeEach
    void open() {
        database = TestDatabases.open(Map.of(CertvaultConfig.DB_URL,
                "jdbc:h2:mem:uow-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1"));
        JpaIntegrationAccountRepository accounts = new JpaIntegrationAccountRepository();
        accounts.database = database;
        certificates = new JpaCertificateRepository();
        certificates.database = database;
        JpaAgreementRepository agreements = new JpaAgreementRepository();
        agreements.database = database;
        audit.trail = new JpaAuditTrail();
        audit.trail.database = database;
        JpaUnitOfWork unitOfWork = new JpaUnitOfWork();
        unitOfWork.database = database;
        Caller admin = new Caller("tester", List.of(new Grant(Role.ADMIN, Scope.GLOBAL)), "192.0.2.1");
        Guard guard = new Guard(() -> admin, audit, unitOfWork);
        new IntegrationAccountService(accounts, guard).put("contoso", null, null, null);
        certificateService = new CertificateService(accounts, certificates, agreements,
                TestCallers.keys(InMemoryVault.registry(), guard), guard);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aChangeWhoseRecordFailsLeavesNothing() {
        String certificate = TestCertificates.base64(TestCertificates.selfSigned(TestCertificates.rsa(2048), "partner"));
        audit.failOn = "certificates/write";

        assertThatThrownBy(() -> certificateService.put("contoso", "partner", certificate, null, null))
                .isInstanceOfSatisfying(CertvaultException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE));

        assertThat(certificates.find("contoso", "partner")).isEmpty();
        assertThat(audit.trail.find(AuditQuery.all(), null, 100)).extracting(r -> r.event().operation())
                .containsExactly("integrationAccounts/write");
        assertThat(audit.trail.verify().intact()).isTrue();

        audit.failOn = null;
        certificateService.put("contoso", "partner", certificate, null, null);
        assertThat(certificates.find("contoso", "partner")).isPresent();
        assertThat(audit.trail.find(AuditQuery.all(), null, 100)).extracting(r -> r.event().operation())
                .containsExactly("certificates/write", "integrationAccounts/write");
    }

    @Test
    void aFailedChangeIsRecordedAfterItsRollback() {
        assertThatThrownBy(() -> certificateService.put("contoso", "broken", "not a certificate", null, null))
                .isInstanceOfSatisfying(CertvaultException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CERTIFICATE));

        AuditRecord last = audit.trail.find(AuditQuery.all(), null, 1).get(0);
        assertThat(last.event().operation()).isEqualTo("certificates/write");
        assertThat(last.event().outcome()).isEqualTo(AuditEvent.FAILED);
        assertThat(last.event().errorCode()).isEqualTo("InvalidCertificate");
        assertThat(certificates.find("contoso", "broken")).isEmpty();
    }

    /** The real trail, made to fail after it has written the record of one operation (as a full disk would). */
    static final class FailingAudit implements AuditTrail {
        JpaAuditTrail trail;
        volatile String failOn;

        @Override
        public AuditRecord append(AuditEvent event) {
            AuditRecord record = trail.append(event);
            if (event.operation().equals(failOn)) {
                throw new PersistenceException("simulated: the database refused the audit record");
            }
            return record;
        }

        @Override
        public List<AuditRecord> find(AuditQuery query, Long beforeSequence, int limit) {
            return trail.find(query, beforeSequence, limit);
        }

        @Override
        public AuditVerification verify() {
            return trail.verify();
        }
    }
}
