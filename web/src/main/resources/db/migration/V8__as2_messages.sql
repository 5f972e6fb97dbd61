-- Every AS2 message Certvault received or sends, tracked until its MDN settles it. Outbound rows are the durable
-- outbox: a worker claims a due row (status Queued, or Sending whose lease ran out) and sends it. An asynchronous
-- MDN Certvault returns is an outbound row of kind Mdn, posted to its target_url (the Receipt-Delivery-Option).
CREATE TABLE as2_message (
    id                  VARCHAR(36)    NOT NULL PRIMARY KEY,
    account_name        VARCHAR(80)    NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    agreement_name      VARCHAR(80)    NOT NULL,
    direction           VARCHAR(8)     NOT NULL,
    kind                VARCHAR(8)     NOT NULL,
    target_url          VARCHAR(1000),
    message_id          VARCHAR(1000)  NOT NULL,
    as2_from            VARCHAR(128)   NOT NULL,
    as2_to              VARCHAR(128)   NOT NULL,
    host_partner        VARCHAR(80)    NOT NULL,
    guest_partner       VARCHAR(80)    NOT NULL,
    status              VARCHAR(16)    NOT NULL,
    duplicate           BOOLEAN        NOT NULL,
    attempts            INTEGER        NOT NULL,
    file_name           VARCHAR(255),
    content_type        VARCHAR(1000),
    content_size        BIGINT,
    headers             VARCHAR(16000),
    mic                 VARCHAR(200),
    mdn_disposition     VARCHAR(400),
    mdn_text            VARCHAR(4000),
    mdn_signed_by       VARCHAR(80),
    error_code          VARCHAR(64),
    error_message       VARCHAR(2000),
    created_time        TIMESTAMP      NOT NULL,
    changed_time        TIMESTAMP      NOT NULL,
    next_attempt_time   TIMESTAMP,
    lease_owner         VARCHAR(80),
    lease_until         TIMESTAMP,
    row_version         BIGINT         NOT NULL
);
CREATE INDEX as2_message_account ON as2_message (account_name, created_time);
CREATE INDEX as2_message_due ON as2_message (status, next_attempt_time);

-- What a message carried, encrypted at rest (AES-256-GCM): the received payload, the raw message as sent or
-- received, and the MDN. Removed with its message.
CREATE TABLE as2_message_content (
    message_row_id      VARCHAR(36)    NOT NULL REFERENCES as2_message (id) ON DELETE CASCADE,
    kind                VARCHAR(16)    NOT NULL,
    content             BYTEA          NOT NULL,
    PRIMARY KEY (message_row_id, kind)
);
