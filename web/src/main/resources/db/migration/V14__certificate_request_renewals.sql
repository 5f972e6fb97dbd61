-- A certificate request made to renew a certificate: completing it schedules the new certificate to take over from
-- that one at the switch-over time.
ALTER TABLE certificate_request ADD COLUMN renews VARCHAR(80);
ALTER TABLE certificate_request ADD COLUMN switch_over_time TIMESTAMP;
