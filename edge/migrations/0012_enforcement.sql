-- The edge enforces what the cancel page shows (issue 13).
-- Every offer shown on the session, as ",id1,id2," (ids have no commas), so
-- accept can require that the offer was shown, in its own UPDATE.
ALTER TABLE sessions ADD COLUMN shown_offer_ids TEXT NOT NULL DEFAULT '';
UPDATE sessions SET shown_offer_ids = ',' || shown_offer_id || ',' WHERE shown_offer_id IS NOT NULL;
-- Each offer's preview as first computed: one Stripe preview per offer per
-- session. A JSON object keyed by offer id.
ALTER TABLE sessions ADD COLUMN offer_previews TEXT;
-- Reason changes so far, bounded per session.
ALTER TABLE sessions ADD COLUMN reason_changes INTEGER NOT NULL DEFAULT 0;
-- Where the decision sends the customer, signed once when it was made.
ALTER TABLE sessions ADD COLUMN outcome_url TEXT;
-- JSON array of the field names the customer's browser supplied.
ALTER TABLE sessions ADD COLUMN unverified_fields TEXT NOT NULL DEFAULT '[]';
