package io.certvault.infrastructure.metrics;

import io.certvault.application.ExpiryWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Gauges of certificate expiry, from the expiry watch's last summary (each server keeps its own): days until the
 * nearest expiry among certificates agreements use, and how many of those have expired. Registered at start, so
 * they are there before anything else touches metrics.
 */
@ApplicationScoped
public class CertificateMetrics {

    @Inject
    Instance<MetricRegistry> registries;
    @Inject
    ExpiryWatch expiry;

    public void register() {
        if (!registries.isResolvable()) {
            return;
        }
        MetricRegistry registry = registries.get();
        registry.gauge(Metadata.builder().withName("certvault.certificates.nearest.expiry.days")
                .withDescription("Days until the nearest expiry among certificates agreements use (-1: none)").build(),
                expiry, watch -> {
                    Long days = watch.summary().daysToNearestExpiry(Instant.now());
                    return days == null ? -1L : days;
                });
        registry.gauge(Metadata.builder().withName("certvault.certificates.expired.in.use")
                .withDescription("Expired certificates that agreements use").build(), expiry,
                watch -> (long) watch.summary().expired());
    }
}
