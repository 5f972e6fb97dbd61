package io.certvault.ui;

import io.certvault.application.AuditService;
import io.certvault.audit.AuditQuery;
import io.certvault.audit.AuditRecord;
import io.certvault.domain.CertvaultException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The latest audit events of an account or of one certificate, for the account and certificate pages. */
@Named
@RequestScoped
public class AuditView {
    static final int SHOWN = 50;

    @Inject
    AuditService audit;

    private final Map<AuditQuery, List<AuditRecord>> found = new HashMap<>();

    public List<AuditRecord> forAccount(String account) {
        return find(new AuditQuery(null, null, account, null, null, null, null, null, null, null));
    }

    public List<AuditRecord> forCertificate(String account, String certificate) {
        return find(new AuditQuery(null, null, account, certificate, null, null, null, null, null, null));
    }

    /**
     * Once a request: the page's include reads its events parameter several times (rendered, value), and
     * each read would query the trail again.
     */
    private List<AuditRecord> find(AuditQuery query) {
        if (query.account() == null) {
            return List.of();
        }
        return found.computeIfAbsent(query, q -> {
            try {
                return audit.find(q, null, Integer.toString(SHOWN)).items();
            } catch (CertvaultException e) {
                return List.of();
            }
        });
    }
}
