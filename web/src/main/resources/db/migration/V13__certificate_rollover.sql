-- A certificate may have a successor (another certificate of the account) that takes over at a switch-over time:
-- messages are sent with the successor from then on, and received with either while both are valid. The time the
-- switch-over was recorded (audited and notified) is kept, so that it is told once.
ALTER TABLE certificate ADD COLUMN successor_name VARCHAR(80);
ALTER TABLE certificate ADD COLUMN switch_over_time TIMESTAMP;
ALTER TABLE certificate ADD COLUMN switched_time TIMESTAMP;
