package io.certvault.ui;

import io.certvault.application.AgreementService;
import io.certvault.application.CertificateService;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.Page;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Expiring page: the certificates of every account the user may read that expire within the window chosen
 * (or have expired), soonest first, with the agreements that use each, so that renewals are planned before
 * anything stops.
 */
@Named
@ViewScoped
public class ExpiringView implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int LIMIT = 500;

    @Inject
    CertificateService certificates;
    @Inject
    AgreementService agreements;

    private int days = 30;
    private List<Row> rows = List.of();
    private boolean more;

    /** One certificate: where it is, when it ends, how many days are left (negative: expired) and who uses it. */
    public record Row(String account, String name, String subject, String expires, long daysLeft, boolean expired,
            String usedBy) implements Serializable {
    }

    public String load() {
        try {
            Instant now = Instant.now();
            List<Row> found = new ArrayList<>();
            String after = null;
            do {
                Page<Certificate> page = certificates.listReadable(now.plus(Duration.ofDays(days)), "notAfter", after,
                        "100");
                for (Certificate certificate : page.items()) {
                    List<String> users = agreements.usingCertificate(certificate.accountName(), certificate.name());
                    found.add(new Row(certificate.accountName(), certificate.name(), certificate.details().subject(),
                            Ui.TIME.format(certificate.notAfter()), Duration.between(now, certificate.notAfter()).toDays(),
                            certificate.expired(now), users.isEmpty() ? "none" : String.join(", ", users)));
                }
                after = page.continueAfter();
            } while (after != null && found.size() < LIMIT);
            more = after != null;
            rows = found;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            rows = List.of();
        }
        return null;
    }

    public int getDays() {
        return days;
    }

    public void setDays(int days) {
        this.days = Math.max(1, Math.min(days, 3650));
    }

    public List<Row> getRows() {
        return rows;
    }

    public boolean isMore() {
        return more;
    }
}
