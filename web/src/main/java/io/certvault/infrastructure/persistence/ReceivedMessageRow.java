package io.certvault.infrastructure.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A Message-ID an agreement received and when, keyed by a digest (Message-IDs may be up to 998 characters). */
@Entity
@Table(name = "received_message")
public class ReceivedMessageRow {
    @Id
    @Column(name = "id", length = 64)
    private String id;
    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;
    @Column(name = "agreement_name", nullable = false, length = 80)
    private String agreementName;
    @Column(name = "received_time", nullable = false)
    private Instant receivedTime;

    protected ReceivedMessageRow() {
    }

    ReceivedMessageRow(String id, String accountName, String agreementName, Instant receivedTime) {
        this.id = id;
        this.accountName = accountName;
        this.agreementName = agreementName;
        this.receivedTime = receivedTime;
    }

    Instant receivedTime() {
        return receivedTime;
    }

    void receivedAgain(Instant time) {
        this.receivedTime = time;
    }
}
