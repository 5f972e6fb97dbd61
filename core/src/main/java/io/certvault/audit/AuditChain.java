package io.certvault.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain over the audit trail: each record's hash covers its sequence number, every field of its
 * event and the previous record's hash, so changing, removing or reordering a stored record breaks the
 * chain from there on.
 */
public final class AuditChain {
    /** The "previous hash" of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(String previousHash, long sequence, AuditEvent event) {
        AuditTarget target = event.target();
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        for (String field : new String[] {previousHash, Long.toString(sequence),
                Long.toString(event.time().toEpochMilli()), event.user(), event.operation(), target.account(),
                target.certificate(), target.vault(), target.key(), target.keyVersion(), target.resource(),
                event.outcome(), event.errorCode(), event.clientAddress()}) {
            // Length-prefixed, with null apart from empty, so that no two different events read the same.
            if (field == null) {
                canonical.writeBytes("-1:".getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                canonical.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                canonical.writeBytes(bytes);
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.toByteArray()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Whether the record's stored hash is what its content and the previous hash give. */
    public static boolean intact(AuditRecord record, String expectedPreviousHash) {
        return record.previousHash().equals(expectedPreviousHash)
                && record.hash().equals(hash(expectedPreviousHash, record.sequence(), record.event()));
    }
}
