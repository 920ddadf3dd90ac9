-- Stripe webhook events already handled, so a redelivery changes nothing.
CREATE TABLE stripe_events (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL,
  received_at  INTEGER NOT NULL,
  -- Random per delivery: only the first delivery's changes may apply.
  nonce        TEXT NOT NULL
);
