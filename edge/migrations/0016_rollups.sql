-- Reports without a cap: the dashboard reads these counts, kept by
-- triggers in the same statement as every session change, instead of
-- reading sessions. The counting rules are core::record's: sessions of one
-- subscription (per app) form runs that start with a session and take
-- every later one within 60 days of it; a run counts once, as its last
-- session with an outcome (else its last). The property test in
-- tests/rollups replays random histories through these triggers and
-- compares with core::report over the raw sessions.

-- The start of the session's run (NULL without a subscription), and
-- whether the session is the one its run counts as.
ALTER TABLE sessions ADD COLUMN run_start INTEGER;
ALTER TABLE sessions ADD COLUMN counted INTEGER NOT NULL DEFAULT 1;
CREATE INDEX sessions_run ON sessions(app_id, subscription_id, run_start);
-- Keyset paging of the session list (newest first, ties by id); it
-- serves every lookup the old (app_id, created_at) index did.
CREATE INDEX sessions_app_list ON sessions(app_id, created_at, id);
DROP INDEX sessions_app_created;
-- A customer's sessions: the list's search, erasure and export.
CREATE INDEX sessions_customer ON sessions(customer_id);

-- One row per app, UTC day and combination of what the dashboard breaks
-- down and filters by. `sessions` and the money are of counted sessions;
-- `repeats` of the others. Money is per currency and only of sessions with
-- both an MRR and a currency (`currency` is empty for the others).
CREATE TABLE rollups (
  app_id       TEXT NOT NULL,
  day          INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  offer        TEXT NOT NULL,
  audience     TEXT NOT NULL,
  variant      TEXT NOT NULL,
  country      TEXT NOT NULL,
  mode         TEXT NOT NULL,
  outcome      TEXT NOT NULL,
  attribution  TEXT NOT NULL,
  currency     TEXT NOT NULL,
  sessions     INTEGER NOT NULL DEFAULT 0,
  repeats      INTEGER NOT NULL DEFAULT 0,
  mrr_saved    INTEGER NOT NULL DEFAULT 0,
  offer_cost   INTEGER NOT NULL DEFAULT 0,
  mrr_lost     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency)
) WITHOUT ROWID;

-- The same counts, one dimension at a time (`dim` names it, `key` is its
-- value): what the dashboard reads when nothing is filtered, a few
-- hundred rows a day however many sessions there are. Each dimension's
-- rows add up to the same totals; `mode` is read for the series.
CREATE TABLE rollup_marginals (
  app_id      TEXT NOT NULL,
  day         INTEGER NOT NULL,
  dim         TEXT NOT NULL,
  key         TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  currency    TEXT NOT NULL,
  sessions    INTEGER NOT NULL DEFAULT 0,
  repeats     INTEGER NOT NULL DEFAULT 0,
  mrr_saved   INTEGER NOT NULL DEFAULT 0,
  offer_cost  INTEGER NOT NULL DEFAULT 0,
  mrr_lost    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, dim, day, key, outcome, currency)
) WITHOUT ROWID;
CREATE TABLE rollup_dims (dim TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO rollup_dims VALUES ('reason'), ('offer'), ('audience'), ('variant'), ('country'), ('mode');

-- Runs of the sessions already stored.
WITH RECURSIVE ordered AS (
  SELECT rowid AS r, app_id, subscription_id AS sub, created_at,
         ROW_NUMBER() OVER (PARTITION BY app_id, subscription_id ORDER BY created_at, rowid) AS n
  FROM sessions WHERE subscription_id IS NOT NULL
), runs(r, app_id, sub, n, start) AS (
  SELECT r, app_id, sub, n, created_at FROM ordered WHERE n = 1
  UNION ALL
  SELECT o.r, o.app_id, o.sub, o.n,
         CASE WHEN o.created_at - runs.start >= 5184000 THEN o.created_at ELSE runs.start END
  FROM runs JOIN ordered o ON o.app_id = runs.app_id AND o.sub = runs.sub AND o.n = runs.n + 1
)
UPDATE sessions SET run_start = (SELECT start FROM runs WHERE runs.r = sessions.rowid)
WHERE subscription_id IS NOT NULL;

UPDATE sessions SET counted = (rowid = (
  SELECT p.rowid FROM sessions p
  WHERE p.app_id = sessions.app_id AND p.subscription_id = sessions.subscription_id AND p.run_start = sessions.run_start
  ORDER BY p.status NOT IN ('open', 'unknown') DESC, p.created_at DESC, p.rowid DESC LIMIT 1))
WHERE subscription_id IS NOT NULL;

-- A session's share of its rows: added after every change to what the
-- rows are keyed by or count, taken away before it. Both read the row's own
-- values (OLD before, NEW after), so the order in which SQLite fires these
-- and the run triggers below never matters.
CREATE TRIGGER rollup_add AFTER UPDATE OF status, attribution, reason_id, offer_id, shown_offer_id, audience_id, experience_id, variant_id, country, mode, mrr, mrr_currency, offer_cost, counted ON sessions
BEGIN
  INSERT INTO rollups (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
                       sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
    1 * counted, 1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN 1 * mrr ELSE 0 END
  FROM (SELECT NEW.app_id AS app_id, NEW.created_at / 86400 AS day,
      COALESCE(NEW.reason_id, '') AS reason,
      COALESCE(NEW.offer_id, NEW.shown_offer_id, '') AS offer,
      COALESCE(NEW.audience_id, '') AS audience,
      CASE WHEN NEW.experience_id IS NOT NULL AND NEW.variant_id IS NOT NULL
           THEN NEW.experience_id || '/' || NEW.variant_id ELSE '' END AS variant,
      COALESCE(NEW.country, '') AS country,
      NEW.mode AS mode,
      CASE
        WHEN NEW.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND NEW.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN NEW.status = 'deflected' THEN 'deflect'
        WHEN NEW.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN NEW.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(NEW.attribution, '') AS attribution,
      CASE WHEN NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL
           THEN LOWER(NEW.mrr_currency) ELSE '' END AS currency,
      NEW.counted AS counted,
      NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL AS priced,
      NEW.mrr AS mrr, NEW.offer_cost AS cost)
  WHERE true
  ON CONFLICT (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
  INSERT INTO rollup_marginals (app_id, day, dim, key, outcome, currency,
                                sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, dims.dim,
    CASE dims.dim WHEN 'reason' THEN reason WHEN 'offer' THEN offer WHEN 'audience' THEN audience
      WHEN 'variant' THEN variant WHEN 'country' THEN country ELSE mode END,
    outcome, currency,
    1 * counted, 1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN 1 * mrr ELSE 0 END
  FROM (SELECT NEW.app_id AS app_id, NEW.created_at / 86400 AS day,
      COALESCE(NEW.reason_id, '') AS reason,
      COALESCE(NEW.offer_id, NEW.shown_offer_id, '') AS offer,
      COALESCE(NEW.audience_id, '') AS audience,
      CASE WHEN NEW.experience_id IS NOT NULL AND NEW.variant_id IS NOT NULL
           THEN NEW.experience_id || '/' || NEW.variant_id ELSE '' END AS variant,
      COALESCE(NEW.country, '') AS country,
      NEW.mode AS mode,
      CASE
        WHEN NEW.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND NEW.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN NEW.status = 'deflected' THEN 'deflect'
        WHEN NEW.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN NEW.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(NEW.attribution, '') AS attribution,
      CASE WHEN NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL
           THEN LOWER(NEW.mrr_currency) ELSE '' END AS currency,
      NEW.counted AS counted,
      NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL AS priced,
      NEW.mrr AS mrr, NEW.offer_cost AS cost) AS d, rollup_dims AS dims
  WHERE true
  ON CONFLICT (app_id, dim, day, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
END;

-- Fills the rollups from the sessions already stored (before the trigger
-- that takes away exists, this only adds).
UPDATE sessions SET counted = counted;

CREATE TRIGGER rollup_remove BEFORE UPDATE OF status, attribution, reason_id, offer_id, shown_offer_id, audience_id, experience_id, variant_id, country, mode, mrr, mrr_currency, offer_cost, counted ON sessions
BEGIN
  INSERT INTO rollups (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
                       sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
    -1 * counted, -1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN -1 * mrr ELSE 0 END
  FROM (SELECT OLD.app_id AS app_id, OLD.created_at / 86400 AS day,
      COALESCE(OLD.reason_id, '') AS reason,
      COALESCE(OLD.offer_id, OLD.shown_offer_id, '') AS offer,
      COALESCE(OLD.audience_id, '') AS audience,
      CASE WHEN OLD.experience_id IS NOT NULL AND OLD.variant_id IS NOT NULL
           THEN OLD.experience_id || '/' || OLD.variant_id ELSE '' END AS variant,
      COALESCE(OLD.country, '') AS country,
      OLD.mode AS mode,
      CASE
        WHEN OLD.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND OLD.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN OLD.status = 'deflected' THEN 'deflect'
        WHEN OLD.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN OLD.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(OLD.attribution, '') AS attribution,
      CASE WHEN OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL
           THEN LOWER(OLD.mrr_currency) ELSE '' END AS currency,
      OLD.counted AS counted,
      OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL AS priced,
      OLD.mrr AS mrr, OLD.offer_cost AS cost)
  WHERE true
  ON CONFLICT (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
  INSERT INTO rollup_marginals (app_id, day, dim, key, outcome, currency,
                                sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, dims.dim,
    CASE dims.dim WHEN 'reason' THEN reason WHEN 'offer' THEN offer WHEN 'audience' THEN audience
      WHEN 'variant' THEN variant WHEN 'country' THEN country ELSE mode END,
    outcome, currency,
    -1 * counted, -1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN -1 * mrr ELSE 0 END
  FROM (SELECT OLD.app_id AS app_id, OLD.created_at / 86400 AS day,
      COALESCE(OLD.reason_id, '') AS reason,
      COALESCE(OLD.offer_id, OLD.shown_offer_id, '') AS offer,
      COALESCE(OLD.audience_id, '') AS audience,
      CASE WHEN OLD.experience_id IS NOT NULL AND OLD.variant_id IS NOT NULL
           THEN OLD.experience_id || '/' || OLD.variant_id ELSE '' END AS variant,
      COALESCE(OLD.country, '') AS country,
      OLD.mode AS mode,
      CASE
        WHEN OLD.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND OLD.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN OLD.status = 'deflected' THEN 'deflect'
        WHEN OLD.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN OLD.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(OLD.attribution, '') AS attribution,
      CASE WHEN OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL
           THEN LOWER(OLD.mrr_currency) ELSE '' END AS currency,
      OLD.counted AS counted,
      OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL AS priced,
      OLD.mrr AS mrr, OLD.offer_cost AS cost) AS d, rollup_dims AS dims
  WHERE true
  ON CONFLICT (app_id, dim, day, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
END;

CREATE TRIGGER rollup_delete BEFORE DELETE ON sessions
BEGIN
  INSERT INTO rollups (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
                       sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
    -1 * counted, -1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN -1 * mrr ELSE 0 END
  FROM (SELECT OLD.app_id AS app_id, OLD.created_at / 86400 AS day,
      COALESCE(OLD.reason_id, '') AS reason,
      COALESCE(OLD.offer_id, OLD.shown_offer_id, '') AS offer,
      COALESCE(OLD.audience_id, '') AS audience,
      CASE WHEN OLD.experience_id IS NOT NULL AND OLD.variant_id IS NOT NULL
           THEN OLD.experience_id || '/' || OLD.variant_id ELSE '' END AS variant,
      COALESCE(OLD.country, '') AS country,
      OLD.mode AS mode,
      CASE
        WHEN OLD.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND OLD.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN OLD.status = 'deflected' THEN 'deflect'
        WHEN OLD.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN OLD.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(OLD.attribution, '') AS attribution,
      CASE WHEN OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL
           THEN LOWER(OLD.mrr_currency) ELSE '' END AS currency,
      OLD.counted AS counted,
      OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL AS priced,
      OLD.mrr AS mrr, OLD.offer_cost AS cost)
  WHERE true
  ON CONFLICT (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
  INSERT INTO rollup_marginals (app_id, day, dim, key, outcome, currency,
                                sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, dims.dim,
    CASE dims.dim WHEN 'reason' THEN reason WHEN 'offer' THEN offer WHEN 'audience' THEN audience
      WHEN 'variant' THEN variant WHEN 'country' THEN country ELSE mode END,
    outcome, currency,
    -1 * counted, -1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN -1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN -1 * mrr ELSE 0 END
  FROM (SELECT OLD.app_id AS app_id, OLD.created_at / 86400 AS day,
      COALESCE(OLD.reason_id, '') AS reason,
      COALESCE(OLD.offer_id, OLD.shown_offer_id, '') AS offer,
      COALESCE(OLD.audience_id, '') AS audience,
      CASE WHEN OLD.experience_id IS NOT NULL AND OLD.variant_id IS NOT NULL
           THEN OLD.experience_id || '/' || OLD.variant_id ELSE '' END AS variant,
      COALESCE(OLD.country, '') AS country,
      OLD.mode AS mode,
      CASE
        WHEN OLD.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND OLD.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN OLD.status = 'deflected' THEN 'deflect'
        WHEN OLD.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN OLD.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(OLD.attribution, '') AS attribution,
      CASE WHEN OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL
           THEN LOWER(OLD.mrr_currency) ELSE '' END AS currency,
      OLD.counted AS counted,
      OLD.mrr IS NOT NULL AND OLD.mrr_currency IS NOT NULL AS priced,
      OLD.mrr AS mrr, OLD.offer_cost AS cost) AS d, rollup_dims AS dims
  WHERE true
  ON CONFLICT (app_id, dim, day, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
END;

-- A new session: its share, then its run (the latest run of its
-- subscription when that started less than 60 days before, else its own),
-- then which session the run counts as.
CREATE TRIGGER rollup_insert AFTER INSERT ON sessions
BEGIN
  INSERT INTO rollups (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
                       sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency,
    1 * counted, 1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN 1 * mrr ELSE 0 END
  FROM (SELECT NEW.app_id AS app_id, NEW.created_at / 86400 AS day,
      COALESCE(NEW.reason_id, '') AS reason,
      COALESCE(NEW.offer_id, NEW.shown_offer_id, '') AS offer,
      COALESCE(NEW.audience_id, '') AS audience,
      CASE WHEN NEW.experience_id IS NOT NULL AND NEW.variant_id IS NOT NULL
           THEN NEW.experience_id || '/' || NEW.variant_id ELSE '' END AS variant,
      COALESCE(NEW.country, '') AS country,
      NEW.mode AS mode,
      CASE
        WHEN NEW.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND NEW.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN NEW.status = 'deflected' THEN 'deflect'
        WHEN NEW.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN NEW.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(NEW.attribution, '') AS attribution,
      CASE WHEN NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL
           THEN LOWER(NEW.mrr_currency) ELSE '' END AS currency,
      NEW.counted AS counted,
      NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL AS priced,
      NEW.mrr AS mrr, NEW.offer_cost AS cost)
  WHERE true
  ON CONFLICT (app_id, day, reason, offer, audience, variant, country, mode, outcome, attribution, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
  INSERT INTO rollup_marginals (app_id, day, dim, key, outcome, currency,
                                sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  SELECT app_id, day, dims.dim,
    CASE dims.dim WHEN 'reason' THEN reason WHEN 'offer' THEN offer WHEN 'audience' THEN audience
      WHEN 'variant' THEN variant WHEN 'country' THEN country ELSE mode END,
    outcome, currency,
    1 * counted, 1 * (1 - counted),
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * mrr ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('offer', 'deflect') THEN 1 * COALESCE(cost, 0) ELSE 0 END,
    CASE WHEN counted AND priced AND outcome IN ('cancel', 'lost') THEN 1 * mrr ELSE 0 END
  FROM (SELECT NEW.app_id AS app_id, NEW.created_at / 86400 AS day,
      COALESCE(NEW.reason_id, '') AS reason,
      COALESCE(NEW.offer_id, NEW.shown_offer_id, '') AS offer,
      COALESCE(NEW.audience_id, '') AS audience,
      CASE WHEN NEW.experience_id IS NOT NULL AND NEW.variant_id IS NOT NULL
           THEN NEW.experience_id || '/' || NEW.variant_id ELSE '' END AS variant,
      COALESCE(NEW.country, '') AS country,
      NEW.mode AS mode,
      CASE
        WHEN NEW.status IN ('deflected', 'offer_accepted', 'offer_pending')
             AND NEW.attribution IN ('lost', 'not_saved') THEN 'lost'
        WHEN NEW.status = 'deflected' THEN 'deflect'
        WHEN NEW.status IN ('offer_accepted', 'offer_pending') THEN 'offer'
        WHEN NEW.status IN ('cancelled', 'cancel_pending') THEN 'cancel'
        ELSE 'open' END AS outcome,
      COALESCE(NEW.attribution, '') AS attribution,
      CASE WHEN NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL
           THEN LOWER(NEW.mrr_currency) ELSE '' END AS currency,
      NEW.counted AS counted,
      NEW.mrr IS NOT NULL AND NEW.mrr_currency IS NOT NULL AS priced,
      NEW.mrr AS mrr, NEW.offer_cost AS cost) AS d, rollup_dims AS dims
  WHERE true
  ON CONFLICT (app_id, dim, day, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
  UPDATE sessions SET run_start = (
      SELECT CASE WHEN MAX(p.run_start) IS NOT NULL AND NEW.created_at - MAX(p.run_start) < 5184000
                  THEN MAX(p.run_start) ELSE NEW.created_at END
      FROM sessions p
      WHERE p.app_id = NEW.app_id AND p.subscription_id = NEW.subscription_id AND p.rowid <> NEW.rowid)
  WHERE rowid = NEW.rowid AND NEW.subscription_id IS NOT NULL;
  UPDATE sessions SET counted = (sessions.rowid = pick.r)
  FROM (SELECT p.rowid AS r FROM sessions p
        WHERE p.app_id = NEW.app_id AND p.subscription_id = NEW.subscription_id AND p.run_start = (SELECT run_start FROM sessions WHERE rowid = NEW.rowid)
        ORDER BY p.status NOT IN ('open', 'unknown') DESC, p.created_at DESC, p.rowid DESC LIMIT 1) AS pick
  WHERE sessions.app_id = NEW.app_id AND sessions.subscription_id = NEW.subscription_id
    AND sessions.run_start = (SELECT run_start FROM sessions WHERE rowid = NEW.rowid) AND sessions.counted IS NOT (sessions.rowid = pick.r);
END;

-- A decision (or its undoing) can change which session of the run counts.
CREATE TRIGGER rollup_recount AFTER UPDATE OF status ON sessions
WHEN NEW.subscription_id IS NOT NULL AND OLD.status IS NOT NEW.status
BEGIN
  UPDATE sessions SET counted = (sessions.rowid = pick.r)
  FROM (SELECT p.rowid AS r FROM sessions p
        WHERE p.app_id = NEW.app_id AND p.subscription_id = NEW.subscription_id AND p.run_start = NEW.run_start
        ORDER BY p.status NOT IN ('open', 'unknown') DESC, p.created_at DESC, p.rowid DESC LIMIT 1) AS pick
  WHERE sessions.app_id = NEW.app_id AND sessions.subscription_id = NEW.subscription_id
    AND sessions.run_start = NEW.run_start AND sessions.counted IS NOT (sessions.rowid = pick.r);
END;
