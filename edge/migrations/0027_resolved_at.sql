-- When a public declaration was resolved (issue 40's reports: the time
-- from receipt to cancel, per declaration, in the CSV).
ALTER TABLE sessions ADD COLUMN resolved_at INTEGER;
