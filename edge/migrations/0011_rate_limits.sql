-- Requests counted in one-minute windows, per client and per app, for the
-- precancel rate limits. Old windows are deleted by the cron.
CREATE TABLE rate_limits (
  key     TEXT NOT NULL,
  -- Unix minute: seconds / 60.
  minute  INTEGER NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (key, minute)
) WITHOUT ROWID;
