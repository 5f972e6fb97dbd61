package io.certvault.ui;

import io.certvault.application.CertificateService;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertvaultException;
import io.certvault.infrastructure.CertvaultConfig;
import io.certvault.pki.CertificateDetails;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The certificates blade: sortable by name and expiry, a page at a time. */
@Named
@ViewScoped
public class CertificatesView implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int PAGE_SIZE = 50;

    @Inject
    CertificateService certificates;
    @Inject
    CertvaultConfig config;

    private String account;
    private List<Row> all = List.of();
    private String sort = "name";
    private boolean descending;
    private int page;

    /** One line of the table. */
    public record Row(String name, String type, String subject, String issuer, String thumbprint, Instant notAfter,
            String expires, boolean expired, boolean expiringSoon, String key) implements Serializable {
    }

    public String load() {
        try {
            List<Row> rows = new ArrayList<>();
            Instant now = Instant.now();
            Duration warning = config.expiryWarning();
            for (Certificate certificate : certificates.all(account)) {
                CertificateDetails details = certificate.details();
                rows.add(new Row(certificate.name(), certificate.isPrivate() ? "Private" : "Public", details.subject(),
                        details.issuer(), details.thumbprint(), details.notAfter(), Ui.TIME.format(details.notAfter()),
                        certificate.expired(now), certificate.expiresSoon(now, warning),
                        certificate.isPrivate() ? certificate.key().toString() : ""));
            }
            all = rows;
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return "accounts";
        }
    }

    /** Sorts by a column; choosing it again reverses the order. */
    public String sortBy(String column) {
        descending = column.equals(sort) && !descending;
        sort = column;
        page = 0;
        return null;
    }

    public String next() {
        page = Math.min(page + 1, getPages() - 1);
        return null;
    }

    public String previous() {
        page = Math.max(page - 1, 0);
        return null;
    }

    public List<Row> getRows() {
        Comparator<Row> order = sort.equals("expiry") ? Comparator.comparing(Row::notAfter).thenComparing(Row::name)
                : Comparator.comparing(Row::name);
        if (descending) {
            order = order.reversed();
        }
        return all.stream().sorted(order).skip((long) page * PAGE_SIZE).limit(PAGE_SIZE).toList();
    }

    public int getTotal() {
        return all.size();
    }

    public int getPages() {
        return Math.max(1, (all.size() + PAGE_SIZE - 1) / PAGE_SIZE);
    }

    public int getPage() {
        return page;
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }
}
