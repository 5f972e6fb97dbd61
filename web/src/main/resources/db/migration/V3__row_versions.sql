-- A version per row, raised by every change: ETags, If-Match, and no lost update between concurrent writers.
ALTER TABLE integration_account ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE certificate ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE certvault_user ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
ALTER TABLE role_assignment ADD COLUMN row_version BIGINT DEFAULT 1 NOT NULL;
