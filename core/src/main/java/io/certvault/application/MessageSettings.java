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

    /** How many times an AS2 message is sent (the first attempt and the retries) before it is Failed. */
    default int sendAttempts() {
        return 5;
    }

    /** The wait before the first retry of a send; each next one waits twice as long, at most an hour. */
    default java.time.Duration retryDelay() {
        return java.time.Duration.ofSeconds(60);
    }

    /** How long a server holds an outbound message it is sending before another may take it over. */
    default java.time.Duration leaseTime() {
        return java.time.Duration.ofMinutes(5);
    }

    /**
     * The largest AS2 payload (received) or message (to send) the transport keeps. It streams through, in chunks,
     * so this bounds the disk and database one message takes, not the memory.
     */
    default long maxStoredMessageBytes() {
        return 1024L * 1024 * 1024;
    }

    /**
     * The folder below which agreements may have received payloads written ({@code delivery.folder}); none: no
     * agreement may, so that what an agreement says cannot write anywhere on the server.
     */
    default java.util.Optional<Path> deliveryRoot() {
        return java.util.Optional.empty();
    }

    /**
     * The key that signs payloads delivered over HTTP (HMAC-SHA256 in {@code X-Certvault-Signature}), shared with
     * the application that receives them; none: no agreement may deliver over HTTP.
     */
    default java.util.Optional<byte[]> deliveryHmacKey() {
        return java.util.Optional.empty();
    }

    /** The password a partner endpoint's HTTP authentication names ({@code certvault.as2.partner-password.<name>}). */
    default java.util.Optional<String> partnerPassword(String name) {
        return java.util.Optional.empty();
    }

    /** How long raw messages and MDNs are kept (non-repudiation evidence) before the retention job removes them. */
    default java.time.Duration evidenceRetention() {
        return java.time.Duration.ofDays(365);
    }

    /** How long an asynchronous MDN is waited for before the message is resent (or Failed). */
    default java.time.Duration asyncMdnWait() {
        return java.time.Duration.ofMinutes(30);
    }
}
