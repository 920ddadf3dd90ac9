-- Offers: what precancel learnt about the subscription (for guardrails),
-- which offer screens were shown, and which offer was accepted.
ALTER TABLE sessions ADD COLUMN facts TEXT;
ALTER TABLE sessions ADD COLUMN offers_shown INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN shown_offer_id TEXT;
ALTER TABLE sessions ADD COLUMN offer_id TEXT;
ALTER TABLE sessions ADD COLUMN offer_accepted_at INTEGER;
CREATE INDEX sessions_offer_accepted ON sessions(subscription_id, offer_accepted_at);
