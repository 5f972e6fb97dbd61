package io.certvault.application;

import java.time.Duration;
import java.util.List;

/** How certificate expiry is watched and told. */
public interface ExpirySettings {
    /** Days before expiry at which a notice goes, largest first (default 30, 14, 7, 1); expiry itself always. */
    List<Integer> thresholdDays();

    /** How often the check runs (default an hour). */
    Duration checkInterval();

    /** The channels notices go to ({@code webhook}, {@code email}); none when neither is configured. */
    List<String> channels();

    /** How many times a notice is tried before it is given up (default 10). */
    int deliveryAttempts();

    /** The wait after a notice's first failed attempt, doubled after each one up to a day (default a minute). */
    Duration retryDelay();
}
