-- The marginals again, 16 days a row (`block` = day / 16): a year's
-- unfiltered report sums ~23 blocks and at most 30 edge days instead of
-- 365 days, ~7 times fewer rows to group (the 12-month dashboard's budget).
-- Kept from the marginals' own changes, so the session triggers stay as
-- they are and the two levels cannot drift: every insert, update or delete
-- of a marginal row adds its difference to its block. The block size is
-- `BLOCK_DAYS` in edge/src/store/report_sql.rs.
CREATE TABLE rollup_blocks (
  app_id      TEXT NOT NULL,
  dim         TEXT NOT NULL,
  block       INTEGER NOT NULL,
  key         TEXT NOT NULL,
  outcome     TEXT NOT NULL,
  currency    TEXT NOT NULL,
  sessions    INTEGER NOT NULL DEFAULT 0,
  repeats     INTEGER NOT NULL DEFAULT 0,
  mrr_saved   INTEGER NOT NULL DEFAULT 0,
  offer_cost  INTEGER NOT NULL DEFAULT 0,
  mrr_lost    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, dim, block, key, outcome, currency)
) WITHOUT ROWID;

INSERT INTO rollup_blocks (app_id, dim, block, key, outcome, currency,
                           sessions, repeats, mrr_saved, offer_cost, mrr_lost)
SELECT app_id, dim, day / 16, key, outcome, currency,
       SUM(sessions), SUM(repeats), SUM(mrr_saved), SUM(offer_cost), SUM(mrr_lost)
FROM rollup_marginals GROUP BY app_id, dim, day / 16, key, outcome, currency;

-- An upsert of a marginal fires the insert trigger when the row is new and
-- the update trigger when it was there: each adds only what changed.
CREATE TRIGGER rollup_blocks_insert AFTER INSERT ON rollup_marginals
BEGIN
  INSERT INTO rollup_blocks (app_id, dim, block, key, outcome, currency,
                             sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  VALUES (NEW.app_id, NEW.dim, NEW.day / 16, NEW.key, NEW.outcome, NEW.currency,
          NEW.sessions, NEW.repeats, NEW.mrr_saved, NEW.offer_cost, NEW.mrr_lost)
  ON CONFLICT (app_id, dim, block, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
END;

CREATE TRIGGER rollup_blocks_update AFTER UPDATE ON rollup_marginals
BEGIN
  INSERT INTO rollup_blocks (app_id, dim, block, key, outcome, currency,
                             sessions, repeats, mrr_saved, offer_cost, mrr_lost)
  VALUES (NEW.app_id, NEW.dim, NEW.day / 16, NEW.key, NEW.outcome, NEW.currency,
          NEW.sessions - OLD.sessions, NEW.repeats - OLD.repeats, NEW.mrr_saved - OLD.mrr_saved,
          NEW.offer_cost - OLD.offer_cost, NEW.mrr_lost - OLD.mrr_lost)
  ON CONFLICT (app_id, dim, block, key, outcome, currency)
  DO UPDATE SET sessions = sessions + excluded.sessions, repeats = repeats + excluded.repeats,
    mrr_saved = mrr_saved + excluded.mrr_saved, offer_cost = offer_cost + excluded.offer_cost,
    mrr_lost = mrr_lost + excluded.mrr_lost;
END;

CREATE TRIGGER rollup_blocks_delete AFTER DELETE ON rollup_marginals
BEGIN
  UPDATE rollup_blocks SET sessions = sessions - OLD.sessions, repeats = repeats - OLD.repeats,
    mrr_saved = mrr_saved - OLD.mrr_saved, offer_cost = offer_cost - OLD.offer_cost,
    mrr_lost = mrr_lost - OLD.mrr_lost
  WHERE app_id = OLD.app_id AND dim = OLD.dim AND block = OLD.day / 16 AND key = OLD.key
    AND outcome = OLD.outcome AND currency = OLD.currency;
END;
