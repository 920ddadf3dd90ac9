-- Seconds a timestamped auth_hash stays good when the app requires
-- auth_timestamp; NULL: timestamps optional (apps made before this, and
-- apps whose admin turned the requirement off). New apps get 300.
ALTER TABLE apps ADD COLUMN signature_max_age INTEGER;
