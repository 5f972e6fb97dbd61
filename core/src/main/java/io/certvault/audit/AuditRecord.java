package io.certvault.audit;

/** An event as stored: its place in the trail and the hash that chains it to the one before. */
public record AuditRecord(long sequence, AuditEvent event, String previousHash, String hash) {
}
