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
-- Apps that existed before return origins keep working: each lists the
-- https origins its customers were already sent back to.
UPDATE apps SET settings = json_set(settings, '$.return_origins', (
  SELECT json_group_array(DISTINCT origin) FROM (
    SELECT lower(substr(url, 1, 7 + instr(substr(url, 9) || '/', '/'))) AS origin FROM (
      SELECT save_return_url AS url FROM sessions WHERE app_id = apps.id
      UNION SELECT cancel_confirmation_url FROM sessions WHERE app_id = apps.id
    ) WHERE url LIKE 'https://%'
  ) WHERE origin NOT GLOB '*[@?#\]*' AND length(origin) > 8
))
WHERE json_extract(settings, '$.return_origins') IS NULL;
