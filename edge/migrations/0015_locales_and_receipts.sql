-- The customer's language and jurisdiction, and the confirmation they keep.

-- The locale the merchant asked for (a built-in tag), else NULL: the page
-- then follows the browser, then the app's default.
ALTER TABLE sessions ADD COLUMN locale TEXT;
-- Where the customer was at precancel (Cloudflare's request metadata, or
-- the merchant's `jurisdiction`), and the mode the app's rules chose.
ALTER TABLE sessions ADD COLUMN country TEXT;
ALTER TABLE sessions ADD COLUMN region TEXT;
ALTER TABLE sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'standard';
-- The customer's IANA time zone, for dates in the receipt and e-mail.
ALTER TABLE sessions ADD COLUMN time_zone TEXT;
-- What was received, fixed with the cancel (JSON: kind, reason, e-mail,
-- locale, received_at, the receipt link's digest and URL).
ALTER TABLE sessions ADD COLUMN receipt TEXT;
CREATE INDEX sessions_app_country ON sessions(app_id, country);

-- Confirmation e-mails: at most one per session, written by the same
-- transaction as the cancel's audit entry (like the webhook outbox), sent
-- and retried by the Worker.
CREATE TABLE emails (
  id               TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL UNIQUE REFERENCES sessions(id),
  app_id           TEXT NOT NULL,
  -- pending | sent | failed
  status           TEXT NOT NULL DEFAULT 'pending',
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  message_id       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX emails_due ON emails(status, next_attempt_at);

CREATE TRIGGER email_outbox AFTER INSERT ON session_events
WHEN NEW.kind IN ('cancel_requested', 'cancel_recorded')
BEGIN
  INSERT OR IGNORE INTO emails (id, session_id, app_id, next_attempt_at, created_at, updated_at)
  SELECT 'em_' || lower(hex(randomblob(12))), s.id, s.app_id, NEW.created_at, NEW.created_at, NEW.created_at
  FROM sessions s WHERE s.id = NEW.session_id AND json_extract(s.receipt, '$.email') IS NOT NULL;
END;
