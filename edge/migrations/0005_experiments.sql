-- The experience and variant (or holdout) a session was assigned.
ALTER TABLE sessions ADD COLUMN experience_id TEXT;
ALTER TABLE sessions ADD COLUMN variant_id TEXT;
