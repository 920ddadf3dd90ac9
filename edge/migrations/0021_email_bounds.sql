-- Confirmation e-mails are not a relay (issue 34). The full confirmation
-- goes to the address Stripe (or the merchant's server) vouches for; an
-- address the customer typed, taken only where the law asks for one
-- (direct mode), gets a second message with the fixed receipt text alone.
-- So a session may have two rows, one per `recipient`. Each row is judged
-- against the bounds when the cancel writes it, in the same statement:
-- at most 3 messages to one address in 24 hours, and the app's daily cap
-- (`email_daily_cap` in its settings). A message over a bound is kept as
-- `limited` with the bound that applied (the Operations page lists it);
-- the cancel itself, its receipt page and link are unaffected.

DROP TRIGGER email_outbox;

CREATE TABLE emails_v2 (
  id               TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL REFERENCES sessions(id),
  app_id           TEXT NOT NULL,
  -- account: the vouched-for address, the full confirmation;
  -- copy: the address the customer typed, the fixed receipt text only.
  recipient        TEXT NOT NULL DEFAULT 'account',
  -- The recipient, lower-cased, for the per-address bound (NULL once the
  -- customer's data is erased).
  address          TEXT,
  -- pending | sent | failed | limited
  status           TEXT NOT NULL DEFAULT 'pending',
  -- For `limited`: address | app.
  bound            TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  lease_until      INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  message_id       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  queued_at        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (session_id, recipient)
);

INSERT INTO emails_v2 (id, session_id, app_id, recipient, address, status, attempts, next_attempt_at,
                       lease_until, last_error, message_id, created_at, updated_at, queued_at)
SELECT e.id, e.session_id, e.app_id, 'account', lower(json_extract(s.receipt, '$.email')), e.status,
       e.attempts, e.next_attempt_at, e.lease_until, e.last_error, e.message_id, e.created_at,
       e.updated_at, e.queued_at
FROM emails e LEFT JOIN sessions s ON s.id = e.session_id;

DROP TABLE emails;
ALTER TABLE emails_v2 RENAME TO emails;
CREATE INDEX emails_due ON emails(status, next_attempt_at);
CREATE INDEX emails_address ON emails(address, created_at);
CREATE INDEX emails_app ON emails(app_id, created_at);

-- Each recipient a cancel's receipt names, with its app's daily cap.
CREATE VIEW email_recipients AS
SELECT s.id AS session_id, s.app_id, r.recipient,
       lower(json_extract(s.receipt, r.path)) AS address,
       COALESCE(json_extract(a.settings, '$.email_daily_cap'), 1000) AS cap
FROM sessions s
JOIN apps a ON a.id = s.app_id
JOIN (SELECT 'account' AS recipient, '$.email' AS path
      UNION ALL SELECT 'copy', '$.copy_to') r
WHERE json_extract(s.receipt, r.path) IS NOT NULL;

-- A message per recipient the receipt names, written with the cancel.
CREATE TRIGGER email_outbox AFTER INSERT ON session_events
WHEN NEW.kind IN ('cancel_requested', 'cancel_recorded')
BEGIN
  INSERT OR IGNORE INTO emails (id, session_id, app_id, recipient, address, next_attempt_at,
                                created_at, updated_at)
  SELECT 'em_' || lower(hex(randomblob(12))), v.session_id, v.app_id, v.recipient, v.address,
         NEW.created_at, NEW.created_at, NEW.created_at
  FROM email_recipients v WHERE v.session_id = NEW.session_id;
END;

-- Each message, once written, against the bounds: the messages of the
-- last 24 hours before it (its own batch's included, as rows are written
-- one by one) that were not held back themselves.
CREATE TRIGGER email_bounds AFTER INSERT ON emails
BEGIN
  UPDATE emails SET status = 'limited', bound = c.bound
  FROM (SELECT CASE
          WHEN (SELECT COUNT(*) FROM emails x WHERE x.address = NEW.address AND x.id <> NEW.id
                  AND x.status <> 'limited' AND x.created_at > NEW.created_at - 86400) >= 3 THEN 'address'
          WHEN (SELECT COUNT(*) FROM emails x WHERE x.app_id = NEW.app_id AND x.id <> NEW.id
                  AND x.status <> 'limited' AND x.created_at > NEW.created_at - 86400)
               >= (SELECT cap FROM email_recipients v WHERE v.session_id = NEW.session_id
                     AND v.recipient = NEW.recipient) THEN 'app'
        END AS bound) c
  WHERE emails.id = NEW.id AND c.bound IS NOT NULL;
END;
