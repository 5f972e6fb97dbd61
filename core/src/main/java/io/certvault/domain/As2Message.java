package io.certvault.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * An AS2 message received from or sent to a partner, tracked until it is settled: received and picked up, or
 * sent and proved delivered by its MDN. An outbound message is also its own outbox entry: a worker claims it for
 * a lease, sends it, and records the attempt.
 */
@Entity
@Table(name = "as2_message")
public class As2Message implements Versioned {

    public enum Direction { Inbound, Outbound }

    /**
     * A message with a payload; an MDN sent on its own (asynchronously) for a message received; or a received
     * payload handed on to the account's own application (an HTTP delivery).
     */
    public enum Kind { Message, Mdn, Delivery }

    /**
     * Inbound: {@code Received} (kept for pick-up), {@code Processed} (picked up and acknowledged) or
     * {@code Failed} (refused; the MDN said why). Outbound: {@code Queued} (waiting for its next attempt),
     * {@code Sending} (claimed by a worker), {@code Sent} (accepted, its asynchronous MDN awaited),
     * {@code Delivered} (a good MDN came, or none was asked for) or {@code Failed}.
     */
    public enum Status { Received, Processed, Queued, Sending, Sent, Delivered, Failed }

    @Id
    @Column(name = "id", length = 36)
    private String id;

    @Column(name = "account_name", nullable = false, length = 80)
    private String accountName;

    @Column(name = "agreement_name", nullable = false, length = 80)
    private String agreementName;

    @Enumerated(EnumType.STRING)
    @Column(name = "direction", nullable = false, length = 8)
    private Direction direction;

    @Enumerated(EnumType.STRING)
    @Column(name = "kind", nullable = false, length = 8)
    private Kind kind;

    /** Where an outbound row goes when not to the agreement's partner endpoint: an asynchronous MDN's URL. */
    @Column(name = "target_url", length = 1000)
    private String targetUrl;

    @Column(name = "message_id", nullable = false, length = 1000)
    private String messageId;

    @Column(name = "as2_from", nullable = false, length = 128)
    private String as2From;

    @Column(name = "as2_to", nullable = false, length = 128)
    private String as2To;

    @Column(name = "host_partner", nullable = false, length = 80)
    private String hostPartner;

    @Column(name = "guest_partner", nullable = false, length = 80)
    private String guestPartner;

    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false, length = 16)
    private Status status;

    @Column(name = "duplicate", nullable = false)
    private boolean duplicate;

    @Column(name = "attempts", nullable = false)
    private int attempts;

    @Column(name = "file_name", length = 255)
    private String fileName;

    @Column(name = "content_type", length = 1000)
    private String contentType;

    @Column(name = "content_size")
    private Long contentSize;

    /** The AS2 headers an outbound message is sent with, one per line ({@code Name: value}). */
    @Column(name = "headers", length = 16000)
    private String headers;

    /** {@code <base64>, <micalg>}: the MIC this side computed (inbound: returned; outbound: expected back). */
    @Column(name = "mic", length = 200)
    private String mic;

    @Column(name = "mdn_disposition", length = 400)
    private String mdnDisposition;

    @Column(name = "mdn_text", length = 4000)
    private String mdnText;

    /** The certificate that verified the MDN's signature (outbound), null for an unsigned MDN. */
    @Column(name = "mdn_signed_by", length = 80)
    private String mdnSignedBy;

    @Column(name = "error_code", length = 64)
    private String errorCode;

    @Column(name = "error_message", length = 2000)
    private String errorMessage;

    @Column(name = "created_time", nullable = false)
    private Instant createdTime;

    @Column(name = "changed_time", nullable = false)
    private Instant changedTime;

    @Column(name = "next_attempt_time")
    private Instant nextAttemptTime;

    @Column(name = "lease_owner", length = 80)
    private String leaseOwner;

    @Column(name = "lease_until")
    private Instant leaseUntil;

    @jakarta.persistence.Version
    @Column(name = "row_version", nullable = false)
    private long version;

    /** Set by {@link #claim}: the message was Sent and its asynchronous MDN did not come in time. */
    @jakarta.persistence.Transient
    private boolean mdnOverdue;

    protected As2Message() {
    }

    public As2Message(String accountName, Agreement agreement, Direction direction, String messageId, String as2From,
            String as2To, Instant now) {
        this(newId(), accountName, agreement, direction, messageId, as2From, as2To, now);
    }

    /** With the id made beforehand ({@link #newId()}), so that the work that made the message can name it. */
    public As2Message(String id, String accountName, Agreement agreement, Direction direction, String messageId,
            String as2From, String as2To, Instant now) {
        this.id = id;
        this.accountName = accountName;
        this.agreementName = agreement.name();
        this.hostPartner = agreement.hostPartner();
        this.guestPartner = agreement.guestPartner();
        this.direction = direction;
        this.kind = Kind.Message;
        this.messageId = messageId;
        this.as2From = as2From;
        this.as2To = as2To;
        this.createdTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.changedTime = createdTime;
        this.status = direction == Direction.Inbound ? Status.Received : Status.Queued;
        this.nextAttemptTime = direction == Direction.Outbound ? createdTime : null;
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** How the audit trail names a message's record: {@code as2/messages/<id>}. */
    public static String resource(String id) {
        return "as2/messages/" + id;
    }

    /**
     * An asynchronous MDN to send: an outbound row posted to the URL the received message named, retried as
     * messages are, and settled by the partner's 2xx (an MDN is not answered with an MDN).
     */
    public static As2Message asyncMdn(String accountName, Agreement agreement, String mdnMessageId, String as2From,
            String as2To, String url, Instant now) {
        As2Message mdn = new As2Message(accountName, agreement, Direction.Outbound, mdnMessageId, as2From, as2To, now);
        mdn.kind = Kind.Mdn;
        mdn.targetUrl = url;
        return mdn;
    }

    /**
     * A received payload to POST to the agreement's delivery URL, retried as messages are; its Message-ID is the
     * received message's, whose record becomes Processed when the delivery is accepted.
     */
    public static As2Message delivery(As2Message received, Agreement agreement, String url, Instant now) {
        As2Message delivery = new As2Message(received.accountName, agreement, Direction.Outbound, received.messageId,
                received.as2To, received.as2From, now);
        delivery.kind = Kind.Delivery;
        delivery.targetUrl = url;
        return delivery;
    }

    /** What the message carried: its payload's (inbound) or the message's (outbound) type, size and file name. */
    public void carried(String contentType, Long size, String fileName) {
        this.contentType = contentType;
        this.contentSize = size;
        this.fileName = fileName;
    }

    public void sendWith(String headers, String mic) {
        this.headers = headers;
        this.mic = mic;
    }

    /** Inbound: what this side answered. */
    public void received(String mic, String disposition, String mdnText, boolean duplicate, CertvaultException refusal,
            Instant now) {
        this.mic = mic;
        this.mdnDisposition = disposition;
        this.mdnText = clip(mdnText, 4000);
        this.duplicate = duplicate;
        if (refusal != null) {
            fail(refusal.errorCode().code(), refusal.getMessage(), now);
        } else {
            this.status = duplicate ? Status.Processed : Status.Received;
            touch(now);
        }
    }

    /** Inbound: the payload could not be delivered where the agreement says; it stays Received, for pick-up. */
    public void deliveryFailed(String code, String message, Instant now) {
        this.errorCode = code;
        this.errorMessage = clip(message, 2000);
        touch(now);
    }

    /** Inbound: the payload was picked up. */
    public void acknowledge(Instant now) {
        this.status = Status.Processed;
        touch(now);
    }

    /** Outbound: a worker takes the message for a while; another may take it over when the lease runs out. */
    public void claim(String owner, Instant now, Instant until) {
        this.mdnOverdue = status == Status.Sent;
        this.status = Status.Sending;
        this.leaseOwner = owner;
        this.leaseUntil = until;
        this.attempts++;
        touch(now);
    }

    /** Outbound: this attempt did not get through; the next one is due then (null: no more attempts). */
    public void attemptFailed(String code, String message, Instant nextAttempt, Instant now) {
        this.errorCode = code;
        this.errorMessage = clip(message, 2000);
        this.leaseOwner = null;
        this.leaseUntil = null;
        if (nextAttempt == null) {
            this.status = Status.Failed;
            this.nextAttemptTime = null;
        } else {
            this.status = Status.Queued;
            this.nextAttemptTime = nextAttempt;
        }
        touch(now);
    }

    /** Outbound: the partner took it and its MDN will come later, by then (else it is resent). */
    public void sent(Instant mdnDue, Instant now) {
        this.status = Status.Sent;
        this.leaseOwner = null;
        this.leaseUntil = null;
        this.errorCode = null;
        this.errorMessage = null;
        this.nextAttemptTime = mdnDue;
        touch(now);
    }

    /** Outbound: the MDN says the partner processed it (or none was asked for). */
    public void delivered(String disposition, String text, String signedBy, Instant now) {
        this.status = Status.Delivered;
        this.mdnDisposition = disposition;
        this.mdnText = clip(text, 4000);
        this.mdnSignedBy = signedBy;
        this.leaseOwner = null;
        this.leaseUntil = null;
        this.nextAttemptTime = null;
        this.errorCode = null;
        this.errorMessage = null;
        touch(now);
    }

    /** The MDN or the check of it says the message failed, for good. */
    public void mdnFailed(String disposition, String text, String signedBy, String code, String message, Instant now) {
        this.mdnDisposition = disposition;
        this.mdnText = clip(text, 4000);
        this.mdnSignedBy = signedBy;
        fail(code, message, now);
    }

    public void fail(String code, String message, Instant now) {
        this.status = Status.Failed;
        this.errorCode = code;
        this.errorMessage = clip(message, 2000);
        this.leaseOwner = null;
        this.leaseUntil = null;
        this.nextAttemptTime = null;
        touch(now);
    }

    /**
     * Outbound: sent again as it is (same Message-ID, so the partner tells it for a duplicate), from now, with its
     * attempts counted afresh.
     */
    public void resend(Instant now) {
        this.status = Status.Queued;
        this.attempts = 0;
        this.nextAttemptTime = now.truncatedTo(ChronoUnit.MILLIS);
        this.leaseOwner = null;
        this.leaseUntil = null;
        this.errorCode = null;
        this.errorMessage = null;
        touch(now);
    }

    private void touch(Instant now) {
        this.changedTime = now.truncatedTo(ChronoUnit.MILLIS);
    }

    private static String clip(String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    public String id() {
        return id;
    }

    public String accountName() {
        return accountName;
    }

    public String agreementName() {
        return agreementName;
    }

    public Direction direction() {
        return direction;
    }

    public Kind kind() {
        return kind;
    }

    public String targetUrl() {
        return targetUrl;
    }

    public String messageId() {
        return messageId;
    }

    public String as2From() {
        return as2From;
    }

    public String as2To() {
        return as2To;
    }

    public String hostPartner() {
        return hostPartner;
    }

    public String guestPartner() {
        return guestPartner;
    }

    public Status status() {
        return status;
    }

    public boolean duplicate() {
        return duplicate;
    }

    public int attempts() {
        return attempts;
    }

    public String fileName() {
        return fileName;
    }

    public String contentType() {
        return contentType;
    }

    public Long contentSize() {
        return contentSize;
    }

    public String headers() {
        return headers;
    }

    public String mic() {
        return mic;
    }

    public String mdnDisposition() {
        return mdnDisposition;
    }

    public String mdnText() {
        return mdnText;
    }

    public String mdnSignedBy() {
        return mdnSignedBy;
    }

    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public Instant createdTime() {
        return createdTime;
    }

    public Instant changedTime() {
        return changedTime;
    }

    public Instant nextAttemptTime() {
        return nextAttemptTime;
    }

    public String leaseOwner() {
        return leaseOwner;
    }

    public Instant leaseUntil() {
        return leaseUntil;
    }

    /** Whether this claim is for an MDN that did not come (see {@link #claim}). */
    public boolean mdnOverdue() {
        return mdnOverdue;
    }

    @Override
    public long version() {
        return version;
    }
}
