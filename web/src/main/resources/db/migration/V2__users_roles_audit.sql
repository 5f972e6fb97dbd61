-- Built-in users, role assignments and the audit trail. Portable SQL: runs on H2 and PostgreSQL.
CREATE TABLE certvault_user (
    name             VARCHAR(80)   NOT NULL PRIMARY KEY,
    password_hash    VARCHAR(512)  NOT NULL,
    failed_sign_ins  INTEGER       NOT NULL,
    locked_until     TIMESTAMP,
    created_time     TIMESTAMP     NOT NULL,
    changed_time     TIMESTAMP     NOT NULL
);

CREATE TABLE role_assignment (
    name            VARCHAR(80)   NOT NULL PRIMARY KEY,
    principal_name  VARCHAR(256)  NOT NULL,
    role_name       VARCHAR(32)   NOT NULL,
    scope           VARCHAR(120)  NOT NULL,
    created_time    TIMESTAMP     NOT NULL
);
CREATE INDEX role_assignment_principal ON role_assignment (principal_name);

-- Append-only: Certvault only inserts here. Each row's hash covers its fields and the previous row's hash.
CREATE TABLE audit_event (
    sequence          BIGINT        NOT NULL PRIMARY KEY,
    event_time        TIMESTAMP     NOT NULL,
    user_name         VARCHAR(256),
    operation         VARCHAR(64)   NOT NULL,
    account_name      VARCHAR(80),
    certificate_name  VARCHAR(80),
    vault_name        VARCHAR(80),
    key_name          VARCHAR(80),
    key_version       VARCHAR(80),
    resource_name     VARCHAR(200),
    outcome           VARCHAR(16)   NOT NULL,
    error_code        VARCHAR(64),
    client_address    VARCHAR(64),
    previous_hash     VARCHAR(64)   NOT NULL,
    hash              VARCHAR(64)   NOT NULL
);
CREATE INDEX audit_event_account ON audit_event (account_name, certificate_name);

-- The end of the chain. Appending locks this row, so that servers sharing the database append in turn.
CREATE TABLE audit_chain_head (
    id             INTEGER      NOT NULL PRIMARY KEY,
    last_sequence  BIGINT       NOT NULL,
    last_hash      VARCHAR(64)  NOT NULL
);
INSERT INTO audit_chain_head (id, last_sequence, last_hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
