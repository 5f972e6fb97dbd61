package io.certvault.audit;

/**
 * The result of checking the whole chain: how many records were checked, the last record's hash (worth
 * keeping outside the database: a later verification must still reach it), and the first record that
 * does not match, if any.
 */
public record AuditVerification(boolean intact, long records, String lastHash, Long firstBrokenSequence,
        String problem) {
}
