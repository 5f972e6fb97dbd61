package io.certvault.application;

import io.certvault.domain.AgreementRepository;
import io.certvault.domain.Certificate;
import io.certvault.domain.CertificateQuery;
import io.certvault.domain.CertificateRepository;
import io.certvault.domain.ExpiryNoticeRepository;
import io.certvault.domain.ExpiryNoticeRepository.Notice;
import io.certvault.domain.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Watches certificates for expiry. The check finds the certificates of every account that expire within the
 * largest threshold (or have expired) and records one notice per certificate, threshold and channel: the smallest
 * threshold it has crossed, so a certificate first seen five days before expiry is told once for 7 days, then
 * for 1 day, then expired. Notices are rows, delivered after the check and retried with growing waits until they
 * go through, so a notice survives a restart and goes once. With several servers on one database only the one
 * holding the job's lease runs the check; the notice rows' uniqueness is the last guard.
 */
@ApplicationScoped
public class ExpiryWatch {
    static final String JOB = "certificate-expiry";
    private static final Logger LOG = Logger.getLogger(ExpiryWatch.class.getName());
    private static final int PAGE = 200;

    private CertificateRepository certificates;
    private AgreementRepository agreements;
    private ExpiryNoticeRepository notices;
    private ExpirySettings settings;
    private Map<String, ExpiryNotifier> notifiers;
    /** Switch-overs are told with expiry; null where a test watches expiry alone. */
    private CertificateRollover rollover;
    private Clock clock;
    private volatile Summary summary = new Summary(0, 0, null, null);

    /**
     * What the last check found among certificates that agreements use: how many have expired, how many expire
     * within the largest threshold, and when the nearest expiry is (null when no agreement uses a certificate).
     */
    public record Summary(int expired, int expiringSoon, Instant nearestExpiry, Instant checkedTime) {
        public Long daysToNearestExpiry(Instant now) {
            return nearestExpiry == null ? null : Duration.between(now, nearestExpiry).toDays();
        }
    }

    protected ExpiryWatch() {
        // for CDI proxies
    }

    @Inject
    public ExpiryWatch(CertificateRepository certificates, AgreementRepository agreements,
            ExpiryNoticeRepository notices, ExpirySettings settings, Instance<ExpiryNotifier> notifiers,
            CertificateRollover rollover) {
        this(certificates, agreements, notices, settings, notifiers.stream().toList(), Clock.systemUTC());
        this.rollover = rollover;
    }

    public ExpiryWatch(CertificateRepository certificates, AgreementRepository agreements,
            ExpiryNoticeRepository notices, ExpirySettings settings, List<ExpiryNotifier> notifiers, Clock clock) {
        this.certificates = certificates;
        this.agreements = agreements;
        this.notices = notices;
        this.settings = settings;
        this.notifiers = notifiers.stream().collect(Collectors.toMap(ExpiryNotifier::channel, Function.identity()));
        this.clock = clock;
    }

    /**
     * One round: the check, when this server gets the job's lease (once per interval across servers), then the
     * delivery of notices that are due. Returns how many notices were recorded.
     */
    public int run(String owner) {
        Instant now = clock.instant();
        int recorded = 0;
        // The lease is a little shorter than the interval, so the next round (on any server) gets it.
        Duration lease = settings.checkInterval().minus(settings.checkInterval().dividedBy(10));
        if (notices.claimJob(JOB, owner, now, lease)) {
            recorded = check(now) + switchOvers(now);
        }
        summary = summarize(now);
        deliver(owner);
        return recorded;
    }

    /** Records the notices the certificates call for now. */
    int check(Instant now) {
        List<Integer> thresholds = settings.thresholdDays();
        int largest = thresholds.stream().mapToInt(Integer::intValue).max().orElse(0);
        List<String> channels = settings.channels();
        int recorded = 0;
        CertificateQuery.Position after = null;
        do {
            Page<Certificate> page = certificates.list(new CertificateQuery(null, now.plus(Duration.ofDays(largest)),
                    CertificateQuery.Order.NOT_AFTER, after, PAGE));
            for (Certificate certificate : page.items()) {
                List<String> users = agreements.usingCertificate(certificate.accountName(), certificate.name());
                int threshold = crossed(certificate, now, thresholds);
                for (String channel : channels) {
                    Notice notice = new Notice(UUID.randomUUID().toString(), channel, threshold == 0
                            ? ExpiryNoticeRepository.Event.EXPIRED : ExpiryNoticeRepository.Event.EXPIRING,
                            certificate.accountName(), certificate.name(), null, certificate.details().thumbprint(),
                            certificate.details().subject(), certificate.notAfter(), threshold, users, 0, now);
                    try {
                        if (notices.record(notice)) {
                            recorded++;
                        }
                    } catch (RuntimeException e) {
                        // Another server recorded it in the same instant: the unique row is the guard.
                        LOG.log(Level.FINE, "A notice was recorded meanwhile", e);
                    }
                }
            }
            after = page.hasMore() ? CertificateQuery.Order.NOT_AFTER.positionOf(page.items().get(
                    page.items().size() - 1)) : null;
        } while (after != null);
        if (recorded > 0) {
            LOG.info("Certificate expiry check: " + recorded + " notice(s) recorded");
        }
        return recorded;
    }

    /**
     * The certificates agreements use, by expiry: how many have expired, how many expire within the largest
     * threshold, and the nearest expiry still to come. Every server works this out for its own health and metrics;
     * it reads certificates in expiry order and stops at the first one in use beyond the thresholds.
     */
    Summary summarize(Instant now) {
        int largest = settings.thresholdDays().stream().mapToInt(Integer::intValue).max().orElse(0);
        Instant horizon = now.plus(Duration.ofDays(largest));
        int expired = 0;
        int soon = 0;
        Instant nearest = null;
        CertificateQuery.Position after = null;
        do {
            Page<Certificate> page = certificates.list(new CertificateQuery(null, null, CertificateQuery.Order.NOT_AFTER,
                    after, PAGE));
            for (Certificate certificate : page.items()) {
                if (agreements.usingCertificate(certificate.accountName(), certificate.name()).isEmpty()) {
                    continue;
                }
                if (certificate.expired(now)) {
                    expired++;
                    continue;
                }
                if (nearest == null) {
                    nearest = certificate.notAfter();
                }
                if (!certificate.expiresBefore(horizon)) {
                    return new Summary(expired, soon, nearest, now);
                }
                soon++;
            }
            after = page.hasMore() ? CertificateQuery.Order.NOT_AFTER.positionOf(page.items().get(
                    page.items().size() - 1)) : null;
        } while (after != null);
        return new Summary(expired, soon, nearest, now);
    }

    /** Tells each switch-over that has happened (a successor took over), once. */
    private int switchOvers(Instant now) {
        if (rollover == null) {
            return 0;
        }
        int recorded = 0;
        for (CertificateRollover.SwitchOver done : rollover.recordSwitchOvers()) {
            Certificate successor = done.successor();
            for (String channel : settings.channels()) {
                Notice notice = new Notice(UUID.randomUUID().toString(), channel,
                        ExpiryNoticeRepository.Event.SWITCHED, done.accountName(),
                        successor == null ? done.predecessor() : successor.name(), done.predecessor(),
                        successor == null ? "" : successor.details().thumbprint(),
                        successor == null ? "" : successor.details().subject(),
                        successor == null ? now : successor.notAfter(), -1, done.agreements(), 0, now);
                try {
                    if (notices.record(notice)) {
                        recorded++;
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "A switch-over notice was recorded meanwhile", e);
                }
            }
        }
        return recorded;
    }

    /** The smallest threshold (in days) the certificate has crossed; 0 once it has expired. */
    static int crossed(Certificate certificate, Instant now, List<Integer> thresholds) {
        if (certificate.expired(now)) {
            return 0;
        }
        return thresholds.stream().filter(days -> certificate.expiresBefore(now.plus(Duration.ofDays(days))))
                .mapToInt(Integer::intValue).min().orElse(0);
    }

    /** Delivers the notices that are due, each once; a failure waits the retry delay, doubled each time (a day at most). */
    void deliver(String owner) {
        while (true) {
            Instant now = clock.instant();
            List<Notice> due = notices.claimDue(owner, now, now.plus(Duration.ofMinutes(5)), 20);
            if (due.isEmpty()) {
                return;
            }
            for (Notice notice : due) {
                ExpiryNotifier notifier = notifiers.get(notice.channel());
                try {
                    if (notifier == null) {
                        throw new java.io.IOException("the " + notice.channel() + " channel is not configured");
                    }
                    notifier.deliver(notice);
                    notices.delivered(notice.id(), clock.instant());
                } catch (java.io.IOException | RuntimeException e) {
                    int attempts = notice.attempts() + 1;
                    Duration wait = settings.retryDelay().multipliedBy(1L << Math.min(attempts - 1, 20));
                    Instant next = attempts >= settings.deliveryAttempts() ? null : clock.instant().plus(
                            wait.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : wait);
                    String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    notices.failed(notice.id(), error.length() > 1000 ? error.substring(0, 1000) : error, next);
                    LOG.warning("Certificate expiry notice " + notice.id() + " (" + notice.channel() + ", "
                            + notice.accountName() + "/" + notice.certificateName() + ") failed: " + error
                            + (next == null ? "; given up" : "; tried again at " + next));
                }
            }
        }
    }

    public Summary summary() {
        return summary;
    }
}
