package io.certvault.application;

import java.nio.file.Path;

/** How messages are handled: where spools go, how much stays in memory, and the certificate validity policy. */
public interface MessageSettings {

    /** Directory for spool files (encrypted, deleted after each message). */
    Path spoolDirectory();

    /** Bytes a message may hold in memory before it spools to disk. */
    int memoryThreshold();

    /** Whether certificates outside their validity period may still sign, encrypt, verify and decrypt. */
    boolean allowExpiredCertificates();

    /** How long before its expiry a certificate "expires soon": agreements that use it are warned. */
    default java.time.Duration expiryWarning() {
        return java.time.Duration.ofDays(30);
    }

    /**
     * How long the key version a certificate resolved to is remembered, so that a key use costs one request to
     * a remote vault; changes made through Certvault are seen at once, changes behind its back after this.
     */
    default java.time.Duration keyCacheTime() {
        return java.time.Duration.ofSeconds(60);
    }
}
