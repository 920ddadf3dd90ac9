-- Apps, cancel sessions, their audit trail, and the Stripe writes they owe.

CREATE TABLE apps (
  id                 TEXT PRIMARY KEY,
  name               TEXT NOT NULL,
  -- HMAC key of auth_hash; needed in clear to verify signatures.
  signing_secret     TEXT NOT NULL,
  -- SHA-256 of the server-side secret key; the key itself is never stored.
  secret_key_digest  TEXT NOT NULL,
  require_signed     INTEGER NOT NULL DEFAULT 1,
  -- AppSettings as JSON; '{}' is the full default experience.
  settings           TEXT NOT NULL DEFAULT '{}',
  created_at         INTEGER NOT NULL
);

CREATE TABLE sessions (
  id                       TEXT PRIMARY KEY,
  -- SHA-256 of the URL token: a leaked row cannot be turned into a link.
  token_digest             TEXT NOT NULL UNIQUE,
  app_id                   TEXT NOT NULL REFERENCES apps(id),
  subscription_id          TEXT,
  customer_id              TEXT,
  -- found | missing | error: what precancel learnt from Stripe.
  stripe_lookup            TEXT NOT NULL,
  status                   TEXT NOT NULL DEFAULT 'open',
  reason_id                TEXT,
  comment                  TEXT,
  fields                   TEXT NOT NULL DEFAULT '{}',
  save_return_url          TEXT,
  cancel_confirmation_url  TEXT,
  cancel_effective_at      INTEGER,
  created_at               INTEGER NOT NULL,
  expires_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
);
CREATE INDEX sessions_app_created ON sessions(app_id, created_at);
CREATE INDEX sessions_subscription ON sessions(subscription_id);

CREATE TABLE session_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  TEXT NOT NULL REFERENCES sessions(id),
  kind        TEXT NOT NULL,
  detail      TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
);
CREATE INDEX session_events_session ON session_events(session_id, id);

-- The one Stripe action a session owes. UNIQUE(session_id) is the lock that
-- makes a double click or a retry apply it once.
CREATE TABLE operations (
  id               TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL UNIQUE REFERENCES sessions(id),
  kind             TEXT NOT NULL,
  params           TEXT NOT NULL,
  -- pending | done | failed
  status           TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  -- Whoever holds an unexpired lease is calling Stripe; nobody else may.
  lease_until      INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX operations_due ON operations(status, next_attempt_at);
