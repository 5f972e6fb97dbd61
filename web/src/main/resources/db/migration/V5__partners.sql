-- Trading partners of an integration account and the business identities they are known by.
CREATE TABLE partner (
    id            VARCHAR(36)    NOT NULL PRIMARY KEY,
    account_name  VARCHAR(80)    NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    name          VARCHAR(80)    NOT NULL,
    partner_type  VARCHAR(16)    NOT NULL,
    metadata      VARCHAR(65536),
    created_time  TIMESTAMP      NOT NULL,
    changed_time  TIMESTAMP      NOT NULL,
    row_version   BIGINT         DEFAULT 1 NOT NULL,
    CONSTRAINT partner_account_name UNIQUE (account_name, name)
);

-- An identity names one partner of an account: the database holds that even for concurrent changes, and its
-- index finds the partner an identity names (AS2-From / AS2-To of a message).
CREATE TABLE partner_business_identity (
    partner_id      VARCHAR(36)   NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    list_position   INTEGER       NOT NULL,
    account_name    VARCHAR(80)   NOT NULL,
    qualifier       VARCHAR(128)  NOT NULL,
    identity_value  VARCHAR(128)  NOT NULL,
    PRIMARY KEY (partner_id, list_position),
    CONSTRAINT partner_business_identity_unique UNIQUE (account_name, qualifier, identity_value)
);
