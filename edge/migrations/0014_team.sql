-- Admins as a team (issue 13): roles, invitations, two-factor sign-in, and
-- sessions one can list. Admins made before this are owners.
ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'owner';
-- Base32 TOTP secret, sealed like other secrets; pending until confirmed
-- with a first code.
ALTER TABLE admins ADD COLUMN totp_secret TEXT;
ALTER TABLE admins ADD COLUMN totp_pending TEXT;
-- The last time step whose code signed in: a code works once.
ALTER TABLE admins ADD COLUMN totp_last_step INTEGER;

ALTER TABLE admin_sessions ADD COLUMN client TEXT;
ALTER TABLE admin_sessions ADD COLUMN user_agent TEXT;
CREATE INDEX admin_sessions_admin ON admin_sessions(admin_id);

CREATE TABLE admin_invites (
  -- SHA-256 of the link's token; the token itself is shown once.
  token_digest TEXT PRIMARY KEY,
  email        TEXT NOT NULL,
  role         TEXT NOT NULL,
  invited_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  used_at      INTEGER,
  -- The admin the invitation made: only that request's insert matches.
  used_by      TEXT
);
