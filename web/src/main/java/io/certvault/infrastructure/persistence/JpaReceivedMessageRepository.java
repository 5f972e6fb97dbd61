package io.certvault.infrastructure.persistence;

import io.certvault.domain.CertvaultException;
import io.certvault.domain.ErrorCode;
import io.certvault.domain.ReceivedMessageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

@ApplicationScoped
public class JpaReceivedMessageRepository implements ReceivedMessageRepository {

    @Inject
    Database database;

    /** Thrown inside the save when the row is there already; never leaves this class. */
    private static final class Duplicate extends RuntimeException {
        Duplicate() {
            super(null, null, false, false);
        }
    }

    @Override
    public boolean firstReceipt(String accountName, String agreementName, String messageId, Instant now,
            Duration within) {
        String id = id(accountName, agreementName, messageId);
        try {
            database.saving(manager -> {
                ReceivedMessageRow row = manager.find(ReceivedMessageRow.class, id);
                if (row == null) {
                    manager.persist(new ReceivedMessageRow(id, accountName, agreementName, now));
                } else if (row.receivedTime().isAfter(now.minus(within))) {
                    throw new Duplicate();
                } else {
                    row.receivedAgain(now);
                }
            }, Duplicate::new, () -> new CertvaultException(ErrorCode.ACCOUNT_NOT_FOUND, "Integration account '"
                    + accountName + "' was deleted meanwhile."));
            return true;
        } catch (Duplicate e) {
            return false;
        }
    }

    private static String id(String accountName, String agreementName, String messageId) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest((accountName + '\u0000' + agreementName + '\u0000'
                    + messageId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
