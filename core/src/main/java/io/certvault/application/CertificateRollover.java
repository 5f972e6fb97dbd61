package io.certvault.application;

import io.certvault.audit.AuditTarget;
import io.certvault.domain.AgreementRepository;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.KeyReference;
import io.certvault.domain.ResourceName;
import io.certvault.pki.CertificateParser;
import io.certvault.security.Caller;
import io.certvault.security.CallerScope;
import io.certvault.security.Permission;
import io.certvault.security.Role;
import io.certvault.vault.KeySpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.security.auth.x500.X500Principal;

/**
 * Rotation without downtime. A certificate that agreements name can have a successor, another certificate of the
 * account, with a switch-over time: before it messages are sent with the certificate, from then on with the
 * successor, and while both are valid messages signed with (or encrypted to) either are received. Agreements keep
 * naming the certificate they named; the rollover is on the certificate, so every agreement that uses it rotates
 * at once. Renewal of one of our own certificates is one action: a new key version (or a new key), a certificate
 * for it like the current one, and the switch-over scheduled; the old certificate stays until it expires.
 */
@ApplicationScoped
public class CertificateRollover {
    static final String ROLLOVER = "certificates/rollover";
    static final String RENEW = "certificates/renew";
    static final String SWITCH_OVER = "certificates/switchOver";
    private static final Logger LOG = Logger.getLogger(CertificateRollover.class.getName());
    /** Successors of successors are followed this far (a rotation scheduled before the last one took over). */
    static final int MAX_HOPS = 5;
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final String[] KEY_USAGE = {"digitalSignature", "nonRepudiation", "keyEncipherment",
        "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};

    private CertificateService certificates;
    private CertificateRepository repository;
    private CertificateIssuance issuance;
    private AgreementRepository agreements;
    private Guard guard;
    private Clock clock;

    protected CertificateRollover() {
        // for CDI proxies
    }

    @Inject
    public CertificateRollover(CertificateService certificates, CertificateRepository repository,
            CertificateIssuance issuance, AgreementRepository agreements, Guard guard) {
        this(certificates, repository, issuance, agreements, guard, Clock.systemUTC());
    }

    public CertificateRollover(CertificateService certificates, CertificateRepository repository,
            CertificateIssuance issuance, AgreementRepository agreements, Guard guard, Clock clock) {
        this.certificates = certificates;
        this.repository = repository;
        this.issuance = issuance;
        this.agreements = agreements;
        this.guard = guard;
        this.clock = clock;
    }

    /**
     * Schedules {@code successor} to take over from certificate {@code name} at {@code switchOverTime} (now when
     * null). Both must be certificates of the account, both public or both private, and the successor must not
     * lead back to the certificate.
     */
    public Certificate schedule(String accountName, String name, String successor, Instant switchOverTime) {
        return guard.change(ROLLOVER, Permission.WRITE, AuditTarget.certificate(accountName, name),
                () -> certificates.scheduleRollover(accountName, name, successor, switchOverTime));
    }

    /** Cancels a scheduled rollover (one that has taken over too: the certificate is used again). */
    public Certificate cancel(String accountName, String name) {
        return guard.change(ROLLOVER, Permission.WRITE, AuditTarget.certificate(accountName, name), () -> {
            Certificate certificate = certificates.get(accountName, name);
            certificate.cancelRollover(clock.instant());
            repository.save(certificate);
            return certificate;
        });
    }

    /**
     * What a renewal asks for: a new version of the same key (the default) or a new key ({@code newKeyName} with
     * {@code newKey}'s type), the successor's name (default {@code <name>-<yyyyMMdd>}), its validity (default as
     * long as the current one's), and the switch-over time (default in 7 days: time to send partners the new
     * certificate).
     */
    public record Renewal(String successorName, String newKeyName, KeySpec newKey, Integer validityInDays,
            Instant switchOverTime, boolean throughCa) {
    }

    /**
     * What a renewal made: the successor, issued and scheduled; or, through a CA, the pending request whose
     * completion schedules it.
     */
    public record Renewed(Certificate successor, io.certvault.domain.CertificateRequest request) {
    }

    /**
     * Renews one of our private certificates in one action: a new key (version) in its vault, a self-signed
     * certificate for it that says what the current one says (subject, alternative names, key usage, extended key
     * usage), and its switch-over scheduled. The current certificate stays until it expires. Through a CA, the
     * same makes a certificate request instead, and completing it schedules the switch-over.
     */
    public Renewed renew(String accountName, String name, Supplier<Renewal> asked) {
        Certificate current = certificates.get(accountName, name);
        if (!current.isPrivate()) {
            throw new CertvaultException(ErrorCode.CERTIFICATE_NOT_PRIVATE, "Certificate '" + name + "' is a public "
                    + "certificate: a partner renews theirs; upload the new one and schedule its rollover.");
        }
        Renewal renewal = asked.get();
        Instant now = clock.instant();
        String successor = renewal.successorName() == null || renewal.successorName().isBlank()
                ? name + "-" + SUFFIX.format(now) : renewal.successorName().trim();
        ResourceName.require("certificate", successor);
        X509Certificate x509 = CertificateParser.parse(current.der());
        KeyReference key = current.key();
        KeyReference newReference = new KeyReference(key.vaultName(), renewal.newKeyName() == null
                || renewal.newKeyName().isBlank() ? key.keyName() : renewal.newKeyName().trim(), null);
        KeySpec spec = renewal.newKey() != null ? renewal.newKey() : sameKind(current);
        int days = renewal.validityInDays() != null ? renewal.validityInDays()
                : (int) Math.max(1, Math.min(3650, Math.round(Duration.between(x509.getNotBefore().toInstant(),
                        x509.getNotAfter().toInstant()).toHours() / 24.0)));
        Instant switchOver = renewal.switchOverTime() != null ? renewal.switchOverTime()
                : now.plus(Duration.ofDays(7));
        Supplier<CertificateIssuance.Request> like = () -> new CertificateIssuance.Request(newReference, spec,
                x509.getSubjectX500Principal().getName(X500Principal.RFC2253), alternativeNames(x509, 2),
                alternativeNames(x509, 1), alternativeNames(x509, 6), keyUsage(x509), extendedKeyUsage(x509), days,
                null, current.metadataJson());
        if (renewal.throughCa()) {
            return new Renewed(null, issuance.request(accountName, successor, like,
                    new CertificateIssuance.Renewing(name, switchOver)));
        }
        Certificate issued = issuance.issue(accountName, successor, like, Precondition.createOnly()).value();
        guard.change(RENEW, Permission.WRITE, AuditTarget.certificate(accountName, name),
                () -> certificates.scheduleRollover(accountName, name, successor, switchOver));
        return new Renewed(issued, null);
    }

    /**
     * The certificate to send with in place of {@code name} now: its successor once that has taken over (and the
     * successor's, and so on), else itself.
     */
    public String effective(String accountName, String name) {
        return effective(repository, accountName, name, clock.instant());
    }

    static String effective(CertificateRepository repository, String accountName, String name, Instant now) {
        if (name == null) {
            return null;
        }
        return repository.find(accountName, name).map(c -> effective(repository, c, now).name()).orElse(name);
    }

    /** The certificate to send with in place of this one now, read from the one already loaded. */
    static Certificate effective(CertificateRepository repository, Certificate certificate, Instant now) {
        Certificate current = certificate;
        for (int hop = 0; hop < MAX_HOPS && current.switchedOver(now); hop++) {
            current = successor(repository, current);
        }
        return current;
    }

    /**
     * The certificates a message may be signed with in place of {@code named}: it, its successor (before and after
     * the switch-over), and the certificates it succeeded, so that either side of a rotation is accepted while it
     * is valid (validity is checked where the certificate is used).
     */
    static List<Certificate> accepted(CertificateRepository repository, Certificate named) {
        Map<String, Certificate> accepted = new LinkedHashMap<>();
        accepted.put(named.name(), named);
        Certificate step = named;
        for (int hop = 0; hop < MAX_HOPS && step.successorName() != null
                && !accepted.containsKey(step.successorName()); hop++) {
            Certificate next = repository.find(named.accountName(), step.successorName()).orElse(null);
            if (next == null) {
                break;
            }
            accepted.put(next.name(), next);
            step = next;
        }
        List<String> before = List.of(named.name());
        for (int hop = 0; hop < MAX_HOPS && !before.isEmpty(); hop++) {
            List<String> next = new ArrayList<>();
            for (String one : before) {
                for (Certificate predecessor : repository.findPredecessors(named.accountName(), one)) {
                    if (accepted.putIfAbsent(predecessor.name(), predecessor) == null) {
                        next.add(predecessor.name());
                    }
                }
            }
            before = next;
        }
        return List.copyOf(accepted.values());
    }

    /** The successor that took over; a deleted one is said as any missing certificate is. */
    private static Certificate successor(CertificateRepository repository, Certificate certificate) {
        return repository.find(certificate.accountName(), certificate.successorName()).orElseThrow(() ->
                new CertvaultException(ErrorCode.CERTIFICATE_NOT_FOUND, "Integration account '"
                        + certificate.accountName() + "' has no certificate '" + certificate.successorName() + "'."));
    }

    /**
     * Records each switch-over that has happened: on the audit trail as {@code certificates/switchOver} by the
     * system, and returned so that it is told (once: the certificate keeps when it was recorded).
     */
    public List<SwitchOver> recordSwitchOvers() {
        Instant now = clock.instant();
        List<SwitchOver> recorded = new ArrayList<>();
        Caller system = Caller.system("certificate-rollover", Role.CONTRIBUTOR);
        for (Certificate due : repository.findSwitchOversDue(now)) {
            try {
                SwitchOver done = CallerScope.runAs(system, () -> guard.change(SWITCH_OVER, Permission.WRITE,
                        AuditTarget.certificate(due.accountName(), due.name()), () -> {
                            Certificate certificate = repository.find(due.accountName(), due.name()).orElseThrow();
                            Certificate successor = repository.find(due.accountName(), certificate.successorName())
                                    .orElse(null);
                            certificate.switched(now);
                            repository.save(certificate);
                            return new SwitchOver(certificate.accountName(), certificate.name(), successor,
                                    agreements.usingCertificate(certificate.accountName(), certificate.name()));
                        }));
                recorded.add(done);
                LOG.info("Certificate " + due.accountName() + "/" + due.name() + " switched over to "
                        + due.successorName());
            } catch (RuntimeException e) {
                LOG.warning("The switch-over of " + due.accountName() + "/" + due.name() + " could not be recorded, "
                        + "to be tried again: " + e);
            }
        }
        return recorded;
    }

    /** A recorded switch-over: the certificate, the successor that took over (null if it was deleted since). */
    public record SwitchOver(String accountName, String predecessor, Certificate successor, List<String> agreements) {
    }

    private static KeySpec sameKind(Certificate certificate) {
        var details = certificate.details();
        return details.keyCurve() != null ? KeySpec.of("EC", null, details.keyCurve())
                : KeySpec.of("RSA", details.keySize(), null);
    }

    private static List<String> alternativeNames(X509Certificate certificate, int type) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream().filter(n -> ((Integer) n.get(0)) == type).map(n -> String.valueOf(n.get(1)))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static List<String> keyUsage(X509Certificate certificate) {
        boolean[] usage = certificate.getKeyUsage();
        if (usage == null) {
            return null; // the defaults
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < usage.length && i < KEY_USAGE.length; i++) {
            if (usage[i]) {
                names.add(KEY_USAGE[i]);
            }
        }
        return names;
    }

    private static List<String> extendedKeyUsage(X509Certificate certificate) {
        try {
            return certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return null;
        }
    }
}
