-- The watch list: a save is checked again when its window ends.
ALTER TABLE sessions ADD COLUMN watch_until INTEGER;
ALTER TABLE sessions ADD COLUMN attribution_reason TEXT;
CREATE INDEX sessions_watch ON sessions(attribution, watch_until);
