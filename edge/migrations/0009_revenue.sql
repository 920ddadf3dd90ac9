-- Revenue per session: `mrr` is read when the session starts (before any
-- offer); `mrr_kept` when a save is confirmed (after it), which the watch
-- compares against; `offer_cost` is what the accepted offer gives away in
-- its first year. `audience_id` is the audience the session fell in.
ALTER TABLE sessions ADD COLUMN mrr_kept INTEGER;
ALTER TABLE sessions ADD COLUMN offer_cost INTEGER;
ALTER TABLE sessions ADD COLUMN audience_id TEXT;
-- When the cron last finished a pass over Stripe, for the Revenue card.
CREATE TABLE sync_state (
  name  TEXT PRIMARY KEY,
  at    INTEGER NOT NULL
);
