-- The data lifecycle: a session's personal data (Stripe ids, e-mail,
-- names, custom fields, comments, Stripe's answers, URLs, where the
-- customer was) is removed once the app's retention has passed, or when
-- the merchant erases the customer; its counts, money and audit trail
-- (kinds and times) stay. `personal` is 1 until then.
ALTER TABLE sessions ADD COLUMN personal INTEGER NOT NULL DEFAULT 1;
-- The retention sweep's walk: an app's sessions still holding personal
-- data, by when they last changed.
CREATE INDEX sessions_personal ON sessions(app_id, updated_at) WHERE personal = 1;
-- Messages by session, for the same removal.
CREATE INDEX webhook_messages_session ON webhook_messages(session_id);
