-- AS2 agreements between two partners of an account. The partners and certificates an agreement names are
-- columns with foreign keys, so that neither can be deleted under it even by a concurrent request; the rest of
-- its settings are one JSON document, read and written whole.
CREATE TABLE agreement (
    id                              VARCHAR(36)    NOT NULL PRIMARY KEY,
    account_name                    VARCHAR(80)    NOT NULL REFERENCES integration_account (name) ON DELETE CASCADE,
    name                            VARCHAR(80)    NOT NULL,
    agreement_type                  VARCHAR(16)    NOT NULL,
    host_partner                    VARCHAR(80)    NOT NULL,
    guest_partner                   VARCHAR(80)    NOT NULL,
    host_qualifier                  VARCHAR(128)   NOT NULL,
    host_value                      VARCHAR(128)   NOT NULL,
    guest_qualifier                 VARCHAR(128)   NOT NULL,
    guest_value                     VARCHAR(128)   NOT NULL,
    identity_pair                   VARCHAR(600)   NOT NULL,
    send_signing_certificate        VARCHAR(80),
    send_encryption_certificate     VARCHAR(80),
    receive_signing_certificate     VARCHAR(80),
    receive_encryption_certificate  VARCHAR(80),
    content                         VARCHAR(65536) NOT NULL,
    metadata                        VARCHAR(65536),
    created_time                    TIMESTAMP      NOT NULL,
    changed_time                    TIMESTAMP      NOT NULL,
    row_version                     BIGINT         DEFAULT 1 NOT NULL,
    CONSTRAINT agreement_account_name UNIQUE (account_name, name),
    -- A message's AS2-From and AS2-To find one agreement, whichever way it goes.
    CONSTRAINT agreement_identity_pair UNIQUE (account_name, identity_pair),
    CONSTRAINT agreement_host_partner FOREIGN KEY (account_name, host_partner) REFERENCES partner (account_name, name),
    CONSTRAINT agreement_guest_partner FOREIGN KEY (account_name, guest_partner) REFERENCES partner (account_name, name),
    CONSTRAINT agreement_send_signing FOREIGN KEY (account_name, send_signing_certificate)
        REFERENCES certificate (account_name, name),
    CONSTRAINT agreement_send_encryption FOREIGN KEY (account_name, send_encryption_certificate)
        REFERENCES certificate (account_name, name),
    CONSTRAINT agreement_receive_signing FOREIGN KEY (account_name, receive_signing_certificate)
        REFERENCES certificate (account_name, name),
    CONSTRAINT agreement_receive_encryption FOREIGN KEY (account_name, receive_encryption_certificate)
        REFERENCES certificate (account_name, name)
);

CREATE INDEX agreement_host ON agreement (account_name, host_partner);
CREATE INDEX agreement_guest ON agreement (account_name, guest_partner);
