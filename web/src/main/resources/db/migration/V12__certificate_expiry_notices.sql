-- Jobs that one server of several runs at a time: the server whose lease is current runs it.
CREATE TABLE scheduled_job (
    name                VARCHAR(80)    NOT NULL PRIMARY KEY,
    lease_owner         VARCHAR(120),
    lease_until         TIMESTAMP
);
INSERT INTO scheduled_job (name) VALUES ('certificate-expiry');

-- Notices about certificates, kept until delivered: that one expires within a threshold (days; 0: it has expired),
-- or that its successor took over (threshold -1, the successor's thumbprint); one per certificate (by thumbprint, so
-- a renewed certificate is told again), threshold and channel. Not tied to the certificate row: the history stays
-- when the certificate goes.
CREATE TABLE certificate_notice (
    id                  VARCHAR(36)    NOT NULL PRIMARY KEY,
    channel             VARCHAR(16)    NOT NULL,
    event               VARCHAR(32)    NOT NULL,
    account_name        VARCHAR(80)    NOT NULL,
    certificate_name    VARCHAR(80)    NOT NULL,
    predecessor_name    VARCHAR(80),
    thumbprint          VARCHAR(40)    NOT NULL,
    subject             VARCHAR(4096)  NOT NULL,
    not_after           TIMESTAMP      NOT NULL,
    threshold_days      INTEGER        NOT NULL,
    agreements          VARCHAR(8192)  NOT NULL,
    state               VARCHAR(16)    NOT NULL,
    attempts            INTEGER        NOT NULL,
    next_attempt        TIMESTAMP      NOT NULL,
    lease_owner         VARCHAR(120),
    lease_until         TIMESTAMP,
    last_error          VARCHAR(1024),
    created_time        TIMESTAMP      NOT NULL,
    delivered_time      TIMESTAMP,
    CONSTRAINT certificate_notice_once UNIQUE (account_name, certificate_name, thumbprint, threshold_days, channel)
);
CREATE INDEX certificate_notice_due ON certificate_notice (state, next_attempt);
