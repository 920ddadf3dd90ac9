-- The Stripe key saved in the settings UI, sealed with AES-256-GCM under
-- the HOLDFAST_ENCRYPTION_KEY Worker secret. One row at most.
CREATE TABLE stripe_connection (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  sealed_key    TEXT NOT NULL,
  last4         TEXT NOT NULL,
  mode          TEXT NOT NULL,
  connected_at  INTEGER NOT NULL,
  connected_by  TEXT NOT NULL
);
