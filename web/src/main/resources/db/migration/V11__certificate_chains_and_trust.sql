-- A certificate may carry the certificates that issued it (base64 DER, one per line, from its issuer up) and may be a
-- trust anchor of its account: a root or intermediate that validation paths end at.
ALTER TABLE certificate ADD COLUMN chain_der VARCHAR(1400000);
ALTER TABLE certificate ADD COLUMN trust_anchor BOOLEAN DEFAULT FALSE NOT NULL;

-- A CRL uploaded for a CA certificate of the account (base64 DER, signed by that certificate's key), for CAs whose
-- CRL this server cannot fetch; kept apart so that loading a certificate does not load its CRL.
CREATE TABLE certificate_crl (
    certificate_id      VARCHAR(36)    NOT NULL PRIMARY KEY REFERENCES certificate (id) ON DELETE CASCADE,
    crl_der             VARCHAR(10000000) NOT NULL,
    this_update         TIMESTAMP      NOT NULL,
    next_update         TIMESTAMP,
    uploaded_time       TIMESTAMP      NOT NULL
);
