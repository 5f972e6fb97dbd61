package io.certvault.domain;

import java.time.Duration;
import java.time.Instant;

/** The Message-IDs an account's agreements have received, for telling duplicates (checkDuplicateMessage). */
public interface ReceivedMessageRepository {

    /**
     * Records a receipt of the message; false when the agreement received the same Message-ID within the
     * period before (a duplicate), also when a concurrent request records it first.
     */
    boolean firstReceipt(String accountName, String agreementName, String messageId, Instant now, Duration within);
}
