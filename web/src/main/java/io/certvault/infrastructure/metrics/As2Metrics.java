package io.certvault.infrastructure.metrics;

import io.certvault.application.As2Activity;
import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The AS2 transport's metrics, in MicroProfile Metrics' application registry (Payara's {@code /metrics}):
 * {@code certvault_as2_messages_total} by account, direction and final status (received, delivered, failed),
 * {@code certvault_as2_mdn_latency_seconds} by account (from posting a message to checking its MDN), and
 * {@code certvault_as2_outbox_depth} (outbound messages waiting, from the database: the whole cluster's). On a
 * server without MicroProfile Metrics they are not kept, and nothing else changes.
 */
@ApplicationScoped
public class As2Metrics implements As2Activity {
    private static final long DEPTH_CACHE_NANOS = 5_000_000_000L;

    @Inject
    Instance<MetricRegistry> registries;
    @Inject
    As2MessageRepository messages;

    private MetricRegistry registry;
    private final AtomicLong depth = new AtomicLong();
    private volatile long depthRead;

    @PostConstruct
    void register() {
        if (!registries.isResolvable()) {
            return;
        }
        registry = registries.get();
        registry.gauge(Metadata.builder().withName("certvault.as2.outbox.depth")
                .withDescription("Outbound AS2 messages waiting to be sent or for their MDN (every server's)").build(),
                this, As2Metrics::outboxDepth);
    }

    /** Read from the database at most every 5 s, however often it is scraped. */
    private long outboxDepth() {
        long now = System.nanoTime();
        if (now - depthRead > DEPTH_CACHE_NANOS) {
            depth.set(messages.outboxDepth());
            depthRead = now;
        }
        return depth.get();
    }

    @Override
    public void settled(As2Message message) {
        if (registry != null) {
            registry.counter(Metadata.builder().withName("certvault.as2.messages")
                    .withDescription("AS2 messages received and sent, by how they ended").build(),
                    new Tag("account", message.accountName()), new Tag("direction", message.direction().name()),
                    new Tag("kind", message.kind().name()), new Tag("status", message.status().name())).inc();
        }
    }

    @Override
    public void mdnReceived(As2Message message, Duration latency) {
        if (registry != null) {
            registry.timer(Metadata.builder().withName("certvault.as2.mdn.latency")
                    .withDescription("From posting an AS2 message to checking its MDN").withUnit(MetricUnits.SECONDS)
                    .build(), new Tag("account", message.accountName())).update(latency);
        }
    }
}
