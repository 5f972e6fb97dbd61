-- The Message-IDs each agreement received and when, so that a message sent again is told apart (AS2 duplicates).
CREATE TABLE received_message (
    id              VARCHAR(64)   NOT NULL PRIMARY KEY,
    account_name    VARCHAR(80)   NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    agreement_name  VARCHAR(80)   NOT NULL,
    received_time   TIMESTAMP     NOT NULL
);
