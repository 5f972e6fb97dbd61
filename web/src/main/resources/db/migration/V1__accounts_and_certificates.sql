-- Integration accounts and their certificates. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE integration_account (
    name          VARCHAR(80)    NOT NULL PRIMARY KEY,
    location      VARCHAR(80),
    sku_name      VARCHAR(40),
    tags          VARCHAR(65536),
    created_time  TIMESTAMP      NOT NULL,
    changed_time  TIMESTAMP      NOT NULL
);

CREATE TABLE certificate (
    id               VARCHAR(36)      NOT NULL PRIMARY KEY,
    account_name     VARCHAR(80)      NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    name             VARCHAR(80)      NOT NULL,
    certificate_der  VARCHAR(1400000) NOT NULL,
    key_vault        VARCHAR(80),
    key_name         VARCHAR(80),
    key_version      VARCHAR(80),
    metadata         VARCHAR(65536),
    created_time     TIMESTAMP        NOT NULL,
    changed_time     TIMESTAMP        NOT NULL,
    CONSTRAINT certificate_account_name UNIQUE (account_name, name)
);

-- Finding the certificates that use a vault key (a key in use cannot be deleted).
CREATE INDEX certificate_key ON certificate (key_vault, key_name);
