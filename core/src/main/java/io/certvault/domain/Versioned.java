package io.certvault.domain;

import java.time.Instant;

/**
 * A resource that carries a version, raised by every change: what conditional requests (ETag, If-Match)
 * compare, and what stops a write based on a stale read from overwriting a newer one.
 */
public interface Versioned {

    /** 0 before the resource was first stored, then 1, 2, ... */
    long version();

    /** When the resource was made: a name deleted and made again gets new entity tags. */
    Instant createdTime();
}
