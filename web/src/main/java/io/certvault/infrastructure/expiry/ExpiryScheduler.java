package io.certvault.infrastructure.expiry;

import io.certvault.application.ExpirySettings;
import io.certvault.application.ExpiryWatch;
import io.certvault.infrastructure.ServerInstance;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the expiry watch every {@code certvault.expiry.check-seconds} on the server's default managed scheduled
 * executor (Jakarta Concurrency, so portable): each server runs a round, and the job lease in the database lets
 * one of them check; every server delivers notices that are due and keeps its summary for health and metrics.
 */
@ApplicationScoped
public class ExpiryScheduler {
    private static final Logger LOG = Logger.getLogger(ExpiryScheduler.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService executor;
    @Inject
    ExpiryWatch watch;
    @Inject
    ExpirySettings settings;
    @Inject
    ServerInstance server;

    private ScheduledFuture<?> rounds;

    public void start() {
        long seconds = settings.checkInterval().toSeconds();
        // The first round soon after the start, so that health and metrics have a summary.
        rounds = executor.scheduleWithFixedDelay(this::round, Math.min(seconds, 10), seconds, TimeUnit.SECONDS);
        LOG.info(() -> "Certificate expiry watch every " + seconds + " s, thresholds " + settings.thresholdDays()
                + " days, notices by " + (settings.channels().isEmpty() ? "no channel (none configured)"
                        : String.join(" and ", settings.channels())));
    }

    private void round() {
        try {
            watch.run(server.id());
        } catch (RuntimeException e) {
            // A round that throws would end the schedule: the next one tries again.
            LOG.log(Level.WARNING, "The certificate expiry round failed; the next one retries", e);
        }
    }

    @PreDestroy
    void stop() {
        if (rounds != null) {
            rounds.cancel(false);
        }
    }
}
