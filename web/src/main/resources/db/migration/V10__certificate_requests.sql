-- Certificate signing requests (PKCS#10) made from vault keys, waiting for a CA's answer. The request is signed by
-- the key version named; completing it stores the CA's certificate as a private certificate of the account.
CREATE TABLE certificate_request (
    id                  VARCHAR(36)    NOT NULL PRIMARY KEY,
    account_name        VARCHAR(80)    NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    name                VARCHAR(80)    NOT NULL,
    vault_name          VARCHAR(80)    NOT NULL,
    key_name            VARCHAR(80)    NOT NULL,
    key_version         VARCHAR(80)    NOT NULL,
    subject             VARCHAR(1024)  NOT NULL,
    csr                 VARCHAR(200000) NOT NULL,
    state               VARCHAR(16)    NOT NULL,
    certificate_name    VARCHAR(80),
    created_time        TIMESTAMP      NOT NULL,
    changed_time        TIMESTAMP      NOT NULL,
    row_version         BIGINT         NOT NULL,
    CONSTRAINT certificate_request_name UNIQUE (account_name, name)
);
