package io.certvault.ui;

import io.certvault.application.AuditService;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.domain.CertvaultException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;

/** The latest audit events of an account or of one certificate, for the account and certificate pages. */
@Named
@RequestScoped
public class AuditView {
    static final int SHOWN = 50;

    @Inject
    AuditService audit;

    public List<AuditRecord> forAccount(String account) {
        return find(new AuditQuery(null, null, account, null, null, null, null, null, null, null));
    }

    public List<AuditRecord> forCertificate(String account, String certificate) {
        return find(new AuditQuery(null, null, account, certificate, null, null, null, null, null, null));
    }

    private List<AuditRecord> find(AuditQuery query) {
        if (query.account() == null) {
            return List.of();
        }
        try {
            return audit.find(query, null, Integer.toString(SHOWN)).items();
        } catch (CertvaultException e) {
            return List.of();
        }
    }
}
