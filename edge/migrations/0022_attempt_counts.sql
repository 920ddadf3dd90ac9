-- Sign-in throttling with bounded storage (issue 35). One row per key,
-- updated in place, replaces a row per failed attempt. Keys never hold
-- what a caller typed: an e-mail enters only as a keyed digest, clients as
-- their /64 (IPv6) or address (IPv4), accounts as their id. A refused
-- attempt writes nothing.
DROP TABLE login_failures;

CREATE TABLE attempt_counts (
  key    TEXT PRIMARY KEY,
  -- Attempts counted in the window that started at `since`.
  n      INTEGER NOT NULL,
  -- The window's start; reset to the attempt that reached the limit, so a
  -- lock lasts a whole window from then.
  since  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX attempt_counts_since ON attempt_counts(since);
