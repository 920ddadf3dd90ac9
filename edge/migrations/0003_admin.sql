-- Admins, their sessions, login throttling, the audit log, and rotated
-- app secrets that stay valid for a grace period.
CREATE TABLE admins (
  id             TEXT PRIMARY KEY,
  email          TEXT NOT NULL UNIQUE,
  -- pbkdf2-sha256$ITERATIONS$SALT_HEX$HASH_HEX
  password_hash  TEXT NOT NULL,
  created_at     INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
  -- SHA-256 of the cookie's token.
  token_digest  TEXT PRIMARY KEY,
  admin_id      TEXT NOT NULL REFERENCES admins(id),
  csrf_token    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL
);

CREATE TABLE login_failures (
  key  TEXT NOT NULL,
  at   INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  admin   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  detail  TEXT NOT NULL DEFAULT '{}',
  at      INTEGER NOT NULL
);

ALTER TABLE apps ADD COLUMN previous_signing_secret TEXT;
ALTER TABLE apps ADD COLUMN previous_secret_key_digest TEXT;
ALTER TABLE apps ADD COLUMN previous_valid_until INTEGER;
