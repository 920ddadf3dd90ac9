-- The public "cancel contract here" page (issue 39). A declaration made
-- there is a session of its own: in the direct mode, with the receipt and
-- the confirmation e-mail written by the same batch as the session (the
-- outbox trigger of 0021 reads the receipt), and with no subscription until
-- someone on the merchant's side finds it in Stripe.

-- session: started by precancel; public: declared on the public page.
ALTER TABLE sessions ADD COLUMN channel TEXT NOT NULL DEFAULT 'session';
-- Public declarations only: the client's key (its address, IPv6 by /64)
-- and the typed address in lower case, for the page's limits; personal
-- data, cleared with the rest when the session's data is erased.
ALTER TABLE sessions ADD COLUMN client TEXT;
ALTER TABLE sessions ADD COLUMN contact TEXT;
-- Public declarations only: open | resolved | not_matched (the review list).
ALTER TABLE sessions ADD COLUMN review TEXT;

CREATE INDEX sessions_public_client ON sessions(channel, client, created_at);
CREATE INDEX sessions_public_contact ON sessions(channel, contact, created_at);
CREATE INDEX sessions_review ON sessions(app_id, review, created_at);
