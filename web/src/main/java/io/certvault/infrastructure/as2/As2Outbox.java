package io.certvault.infrastructure.as2;

import io.certvault.application.As2TransportService;
import io.certvault.infrastructure.CertvaultConfig;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The outbox worker: every {@code certvault.as2.poll-seconds} (default 5), and at once when a message is queued,
 * it sends what is due. Servers sharing a database each run one; the rows they claim keep them apart. It runs on
 * the server's default managed scheduled executor (Jakarta Concurrency), so it is portable.
 */
@ApplicationScoped
public class As2Outbox {
    private static final Logger LOG = Logger.getLogger(As2Outbox.class.getName());
    static final String POLL_SECONDS = "certvault.as2.poll-seconds";

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService executor;
    @Inject
    As2TransportService transport;
    @Inject
    CertvaultConfig config;

    @Inject
    io.certvault.infrastructure.ServerInstance server;

    /** Who claims: this server. */
    private String owner;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> retention;

    public void start() {
        owner = server.id();
        long seconds = config.get(POLL_SECONDS).map(Long::parseLong).filter(s -> s > 0).orElse(5L);
        polling = executor.scheduleWithFixedDelay(this::drain, seconds, seconds, TimeUnit.SECONDS);
        // The retention job: hourly, from a minute after the start.
        retention = executor.scheduleWithFixedDelay(this::removeExpiredEvidence, 60, 3600, TimeUnit.SECONDS);
        LOG.info(() -> "AS2 outbox worker " + owner + " polls every " + seconds + " s");
    }

    /** A message was queued: send it now rather than at the next poll. */
    public void wake() {
        if (!stopped.get()) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            boolean worked = false;
            while (!stopped.get() && transport.sendDue(owner) > 0) {
                worked = true;
            }
            if (worked) {
                // What settled messages no longer need is detached as they settle; its parts go now.
                transport.purgeRemovedContent();
            }
        } catch (RuntimeException e) {
            // The next round tries again; a poll that throws would stop the schedule.
            LOG.log(Level.WARNING, "The AS2 outbox round failed; the next one retries", e);
        }
    }

    private void removeExpiredEvidence() {
        try {
            transport.removeExpiredEvidence();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The AS2 retention job failed; it runs again in an hour", e);
        }
    }

    @PreDestroy
    void stop() {
        stopped.set(true);
        if (polling != null) {
            polling.cancel(false);
        }
        if (retention != null) {
            retention.cancel(false);
        }
    }
}
