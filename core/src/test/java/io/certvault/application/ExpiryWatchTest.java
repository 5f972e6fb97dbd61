package io.certvault.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.certvault.domain.Certificate;
import io.certvault.domain.ExpiryNoticeRepository;
import io.certvault.testing.InMemoryRepositories;
import io.certvault.testing.TestCertificates;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expiry watch's rules, over in-memory rows and a clock the test moves. */
class ExpiryWatchTest {
    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
    private final InMemoryRepositories repositories = new InMemoryRepositories();
    private final Notices notices = new Notices();
    private final List<String> delivered = new ArrayList<>();
    private final KeyPair key = TestCertificates.rsa(2048);
    private Instant now = START;
    private int failuresLeft;

    private final ExpirySettings settings = new ExpirySettings() {
        public List<Integer> thresholdDays() {
            return List.of(30, 14, 7, 1);
        }

        public Duration checkInterval() {
            return Duration.ofHours(1);
        }

        public List<String> channels() {
            return List.of("webhook");
        }

        public int deliveryAttempts() {
            return 3;
        }

        public Duration retryDelay() {
            return Duration.ofMinutes(1);
        }
    };

    private final ExpiryNotifier notifier = new ExpiryNotifier() {
        public String channel() {
            return "webhook";
        }

        public void deliver(ExpiryNoticeRepository.Notice notice) throws IOException {
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new IOException("HTTP 503");
            }
            delivered.add(notice.certificateName() + ":" + notice.thresholdDays());
        }
    };

    private ExpiryWatch watch() {
        Clock clock = new Clock() {
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now;
            }
        };
        return new ExpiryWatch(repositories, repositories.agreements(), notices, settings, List.of(notifier), clock);
    }

    private void certificate(String name, Instant notAfter) {
        Certificate certificate = new Certificate("contoso", name, START);
        try {
            certificate.update(TestCertificates.selfSigned(key, name, START.minus(Duration.ofDays(400)), notAfter)
                    .getEncoded(), null, null, START);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        repositories.save(certificate);
    }

    @Test
    void eachThresholdIsToldOnceAsItIsCrossedAndExpiryLast() {
        repositories.save(new io.certvault.domain.IntegrationAccount("contoso", START));
        certificate("partner", START.plus(Duration.ofDays(20)));
        certificate("far", START.plus(Duration.ofDays(90)));
        ExpiryWatch watch = watch();
        watch.run("one");
        assertThat(delivered).containsExactly("partner:30");

        // Hourly rounds for 21 days: each threshold once, in order, then expired; nothing for "far".
        for (int hour = 1; hour <= 21 * 24; hour++) {
            now = START.plus(Duration.ofHours(hour));
            watch.run("one");
        }
        assertThat(delivered).containsExactly("partner:30", "partner:14", "partner:7", "partner:1", "partner:0");
    }

    @Test
    void aCertificateFirstSeenLateIsToldOnlyItsSmallestThreshold() {
        certificate("late", START.plus(Duration.ofDays(5)));
        watch().run("one");
        assertThat(delivered).containsExactly("late:7");
    }

    @Test
    void aFailedDeliveryIsRetriedAfterItsWaitAndGivenUpAfterTheAttempts() {
        certificate("partner", START.plus(Duration.ofDays(3)));
        failuresLeft = 1;
        ExpiryWatch watch = watch();
        watch.run("one");
        assertThat(delivered).isEmpty();
        now = START.plusSeconds(30);
        watch.run("one");
        assertThat(delivered).as("not before the retry delay").isEmpty();
        now = START.plusSeconds(61);
        watch.run("one");
        assertThat(delivered).containsExactly("partner:7");

        certificate("other", START.plus(Duration.ofDays(10)));
        failuresLeft = 100;
        for (int minute = 2; minute < 60; minute++) {
            now = START.plus(Duration.ofMinutes(minute)).plus(Duration.ofHours(2));
            watch.run("one");
        }
        assertThat(notices.states.values()).containsExactlyInAnyOrder("Delivered", "Failed");
        assertThat(notices.attempts.get(notices.idOf("other"))).isEqualTo(3);
    }

    @Test
    void whileAnotherServerHoldsTheLeaseThisOneDoesNotCheck() {
        certificate("partner", START.plus(Duration.ofDays(3)));
        notices.claimJob(ExpiryWatch.JOB, "other-server", START, Duration.ofMinutes(54));
        assertThat(watch().run("this-server")).isZero();
        now = START.plus(Duration.ofMinutes(55));
        assertThat(watch().run("this-server")).isEqualTo(1);
    }

    /** Notice rows as the database keeps them: unique per certificate, threshold and channel. */
    private static final class Notices implements ExpiryNoticeRepository {
        final Map<String, Notice> rows = new LinkedHashMap<>();
        final Map<String, String> states = new LinkedHashMap<>();
        final Map<String, Integer> attempts = new LinkedHashMap<>();
        final Map<String, Instant> nextAttempt = new LinkedHashMap<>();
        String jobOwner;
        Instant jobLease = Instant.MIN;

        public boolean claimJob(String job, String owner, Instant at, Duration lease) {
            if (jobLease.isAfter(at)) {
                return false;
            }
            jobOwner = owner;
            jobLease = at.plus(lease);
            return true;
        }

        public boolean record(Notice notice) {
            boolean exists = rows.values().stream().anyMatch(n -> n.certificateName().equals(notice.certificateName())
                    && n.thumbprint().equals(notice.thumbprint()) && n.thresholdDays() == notice.thresholdDays()
                    && n.channel().equals(notice.channel()));
            if (exists) {
                return false;
            }
            rows.put(notice.id(), notice);
            states.put(notice.id(), "Pending");
            attempts.put(notice.id(), 0);
            nextAttempt.put(notice.id(), notice.createdTime());
            return true;
        }

        public List<Notice> claimDue(String owner, Instant at, Instant leaseUntil, int limit) {
            List<Notice> due = new ArrayList<>();
            for (Notice notice : rows.values()) {
                if (states.get(notice.id()).equals("Pending") && !nextAttempt.get(notice.id()).isAfter(at)) {
                    nextAttempt.put(notice.id(), leaseUntil); // leased
                    due.add(new Notice(notice.id(), notice.channel(), notice.event(), notice.accountName(),
                            notice.certificateName(), notice.predecessor(), notice.thumbprint(), notice.subject(),
                            notice.notAfter(), notice.thresholdDays(), notice.agreements(), attempts.get(notice.id()),
                            notice.createdTime()));
                }
            }
            return due;
        }

        public void delivered(String id, Instant at) {
            states.put(id, "Delivered");
            attempts.merge(id, 1, Integer::sum);
        }

        public void failed(String id, String error, Instant next) {
            attempts.merge(id, 1, Integer::sum);
            if (next == null) {
                states.put(id, "Failed");
            } else {
                nextAttempt.put(id, next);
            }
        }

        public List<Notice> recent(int limit) {
            return List.copyOf(rows.values());
        }

        String idOf(String certificate) {
            return rows.values().stream().filter(n -> n.certificateName().equals(certificate)).findFirst()
                    .orElseThrow().id();
        }
    }
}
