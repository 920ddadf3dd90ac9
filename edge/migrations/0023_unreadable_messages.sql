-- Queue messages that do not parse as a job (issue 37): each is
-- acknowledged alone and kept here for the Operations page, so one bad
-- message no longer sends its whole batch back. Only the edge enqueues, so
-- rows come from a bug or a version change, never from a caller; the body
-- is cut to 2 KB and the cron drops rows after 30 days.
CREATE TABLE unreadable_messages (
  id     INTEGER PRIMARY KEY,
  queue  TEXT NOT NULL,
  body   TEXT NOT NULL,
  error  TEXT NOT NULL,
  at     INTEGER NOT NULL
);
CREATE INDEX unreadable_messages_at ON unreadable_messages(at);
