package io.certvault.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Notices that a certificate expires (or has expired), one per certificate (by thumbprint), threshold and channel,
 * kept until they are delivered; and the lease that lets one server of several run the expiry check.
 */
public interface ExpiryNoticeRepository {

    /** What a notice tells. */
    enum Event {
        EXPIRING("certificate.expiring"), EXPIRED("certificate.expired"), SWITCHED("certificate.switched");

        private final String name;

        Event(String name) {
            this.name = name;
        }

        /** As webhooks receive it. */
        public String text() {
            return name;
        }
    }

    /**
     * A notice to deliver: what it says, and where it stands. For {@link Event#SWITCHED} the certificate is the
     * successor that took over (its thumbprint, subject and expiry), {@code predecessor} the one it replaced.
     */
    record Notice(String id, String channel, Event event, String accountName, String certificateName,
            String predecessor, String thumbprint, String subject, Instant notAfter, int thresholdDays,
            List<String> agreements, int attempts, Instant createdTime) {
    }

    /**
     * Takes the job's lease when it is free or its holder's lease ran out: true for the one server that gets it.
     */
    boolean claimJob(String job, String owner, Instant now, Duration lease);

    /** Records a notice; false (and nothing recorded) when this certificate, threshold and channel had one. */
    boolean record(Notice notice);

    /** Claims up to {@code limit} pending notices that are due, for {@code owner}, until {@code leaseUntil}. */
    List<Notice> claimDue(String owner, Instant now, Instant leaseUntil, int limit);

    void delivered(String id, Instant now);

    /** A failed attempt: tried again at {@code nextAttempt}, or given up when that is null. */
    void failed(String id, String error, Instant nextAttempt);

    /** The newest notices (what was told, for tests and troubleshooting). */
    List<Notice> recent(int limit);
}
