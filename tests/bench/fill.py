"""Fills a local D1 database with a year of one app's cancel sessions, in SQL.

    fill.py STATE APP_ID SESSIONS [--days 365] [--end UNIX]

Writes straight into the D1 file under STATE (wrangler dev must not be
running on it), through the same triggers as the edge's writes, so the
rollups and each session's run are kept exactly as live traffic keeps
them. The mix is a consumer subscription business's: six reasons and none,
offers placed by reason, repeats of a subscription (within 60 days and not),
outcomes, verdicts on saves, an A/B experience with a holdout, ten
countries with their currencies and compliance modes, and the personal
data a real session holds (fields, Stripe facts, a receipt, three audit
entries). Prints what it wrote as JSON, with the counts the dashboard must
show for the whole period (read from the sessions, not the rollups).
"""
import argparse
import glob
import json
import os
import sqlite3
import time

DAY = 86400


def database(state):
    for f in glob.glob(os.path.join(state, "**", "*.sqlite"), recursive=True):
        con = sqlite3.connect(f)
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone():
            return f, con
    raise SystemExit("no D1 file with sessions under " + state)


# A weighted pick of abs(random()) % 100 over (weight, SQL value) pairs.
def pick(r, options):
    out, acc = "CASE", 0
    for weight, value in options:
        acc += weight
        out += f" WHEN {r} < {acc} THEN {value}"
    return out + " END"


def fill(con, app, n, days, end):
    start = end - days * DAY
    subs = max(1, n * 2 // 3)
    country = pick("g.c", [(50, "'US'"), (10, "'GB'"), (10, "'DE'"), (6, "'FR'"), (6, "'CA'"),
                           (5, "'AU'"), (4, "'NL'"), (3, "'ES'"), (3, "'BR'"), (3, "'JP'")])
    reason = pick("g.r", [(30, "'too_expensive'"), (20, "'not_using'"), (15, "'missing_feature'"),
                          (12, "'switching'"), (8, "'temporary'"), (5, "'other'"), (10, "NULL")])
    status = pick("g.o", [(42, "'cancelled'"), (3, "'cancel_pending'"), (14, "'offer_accepted'"),
                          (1, "'offer_pending'"), (10, "'deflected'"), (30, "'open'")])
    # Random draws first (a CTE of numbers), then the row built from them.
    con.execute("DROP TABLE IF EXISTS temp.draws")
    con.execute(f"""
        CREATE TEMP TABLE draws AS
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {n})
        SELECT i,
          {start} + (i * {days * DAY} / {n}) AS at,
          abs(random()) % {subs} AS s, abs(random()) % 100 AS c, abs(random()) % 100 AS r,
          abs(random()) % 100 AS o, abs(random()) % 100 AS a, abs(random()) % 100 AS v,
          abs(random()) % 100 AS x, 500 + abs(random()) % 4500 AS mrr
        FROM n""")
    con.execute("DROP TABLE IF EXISTS temp.picks")
    con.execute(f"""
        CREATE TEMP TABLE picks AS
        SELECT g.*, {country} AS country, {reason} AS reason, {status} AS status FROM draws g""")
    con.execute(f"""
        INSERT INTO sessions (id, token_digest, app_id, subscription_id, customer_id, stripe_lookup, status,
          reason_id, comment, fields, facts, shown_offer_id, offer_id, experience_id, variant_id, audience_id,
          attribution, mrr, mrr_currency, offer_cost, country, mode, locale, time_zone, receipt,
          created_at, expires_at, updated_at)
        SELECT 'ses_fill' || g.i, lower(hex(randomblob(32))), '{app}', 'sub_fill' || g.s, 'cus_fill' || g.s,
          'found', g.status, g.reason,
          CASE WHEN g.x < 15 THEN 'It costs more than it is worth to me right now' END,
          json_object('email', 'customer' || g.s || '@example.com', 'name', 'Customer ' || g.s,
                      'account', json_object('plan', 'Pro', 'internal_id', 'acct_' || g.s)),
          json_object('id', 'sub_fill' || g.s, 'status', 'active', 'customer_id', 'cus_fill' || g.s,
                      'amount', g.mrr, 'currency', g.cur, 'fields', json_object('email', 'customer' || g.s || '@example.com',
                      'first_name', 'Customer', 'subscription.product.name', 'Snack Box')),
          CASE g.reason WHEN 'too_expensive' THEN 'save25' WHEN 'not_using' THEN 'pause2' WHEN 'temporary' THEN 'pause2' END,
          CASE WHEN g.status IN ('offer_accepted', 'offer_pending')
               THEN CASE g.reason WHEN 'too_expensive' THEN 'save25' WHEN 'not_using' THEN 'pause2' WHEN 'temporary' THEN 'pause2' ELSE 'save25' END END,
          CASE WHEN g.v < 50 THEN 'spring' END,
          CASE WHEN g.v < 20 THEN 'a' WHEN g.v < 40 THEN 'b' WHEN g.v < 50 THEN 'holdout' END,
          CASE WHEN g.a < 30 THEN 'yearly' WHEN g.a < 45 THEN 'loyal' END,
          CASE WHEN g.status IN ('offer_accepted', 'offer_pending', 'deflected')
               THEN CASE WHEN g.a % 10 < 6 THEN 'saved' WHEN g.a % 10 < 8 THEN 'confirmed' WHEN g.a % 10 < 9 THEN 'lost' ELSE 'unknown' END END,
          g.mrr, g.cur,
          CASE WHEN g.status IN ('offer_accepted', 'offer_pending') THEN g.mrr * 3 / 4 END,
          g.country,
          CASE WHEN g.country IN ('DE', 'FR', 'NL', 'ES') THEN 'direct' WHEN g.country = 'US' AND g.x < 30 THEN 'click_to_cancel' ELSE 'standard' END,
          'en', 'Europe/Berlin',
          CASE WHEN g.status IN ('cancelled', 'cancel_pending') THEN json_object(
            'reference', 'ses_fill' || g.i, 'kind', 'ordinary', 'received_at', g.at, 'ends_at', g.at + 20 * {DAY},
            'email', 'customer' || g.s || '@example.com', 'locale', 'en', 'time_zone', 'Europe/Berlin',
            'url', 'https://billing.example.com/receipt/ses_fill' || g.i || '/' || lower(hex(randomblob(16))),
            'contract', json_object('product', 'Snack Box', 'plan', 'Monthly', 'subscription_id', 'sub_fill' || g.s,
              'customer', 'Customer ' || g.s, 'email', 'customer' || g.s || '@example.com', 'period_end', g.at + 20 * {DAY})) END,
          g.at, g.at + 86400, g.at + 60
        FROM (SELECT p.*, CASE p.country WHEN 'US' THEN 'usd' WHEN 'CA' THEN 'cad' WHEN 'GB' THEN 'gbp'
                WHEN 'AU' THEN 'aud' WHEN 'BR' THEN 'brl' WHEN 'JP' THEN 'jpy' ELSE 'eur' END AS cur FROM picks p) AS g
        ORDER BY g.i""")
    # Three audit entries a session: started, reason, the Stripe read.
    con.execute(f"""
        INSERT INTO session_events (session_id, kind, detail, created_at)
        SELECT s.id, k.kind, CASE k.kind
            WHEN 'session_started' THEN json_object('lookup', 'found', 'mode', s.mode, 'country', s.country)
            WHEN 'reason_chosen' THEN json_object('reason_id', s.reason_id, 'comment', s.comment IS NOT NULL)
            ELSE json_object('method', 'GET', 'path', '/v1/subscriptions/' || s.subscription_id, 'status', 200,
              'ms', 180, 'request_id', 'req_' || lower(hex(randomblob(8)))) END,
          s.created_at + k.o
        FROM sessions s, (SELECT 'session_started' AS kind, 0 AS o UNION ALL SELECT 'stripe_request', 0
                          UNION ALL SELECT 'reason_chosen', 20) AS k
        WHERE s.app_id = '{app}' AND s.id LIKE 'ses_fill%' AND (k.kind <> 'reason_chosen' OR s.reason_id IS NOT NULL)""")
    con.commit()


def expected(con, app, start, end):
    row = con.execute(f"""
        SELECT COUNT(*), SUM(counted), SUM(1 - counted),
          SUM(counted AND status IN ('cancelled', 'cancel_pending')),
          SUM(counted AND status IN ('offer_accepted', 'offer_pending', 'deflected') AND COALESCE(attribution, '') NOT IN ('lost', 'not_saved'))
        FROM sessions WHERE app_id = ? AND created_at >= ? AND created_at < ?""", (app, start, end)).fetchone()
    return dict(zip(["sessions_stored", "sessions", "repeats", "cancels", "saves"], row))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("state")
    p.add_argument("app")
    p.add_argument("sessions", type=int)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--end", type=int, default=int(time.time()) // DAY * DAY)
    a = p.parse_args()
    path, con = database(a.state)
    # One transaction of ~2 GB: with SQLite's default 2 MB cache it spills
    # pages to the WAL over and over (most of the fill's time went to
    # writes). Up to 3 GB of cache keeps it in memory until the commit; a
    # benchmark's database needs no fsync.
    con.execute("PRAGMA cache_size = -3000000")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA temp_store = MEMORY")
    t = time.time()
    fill(con, a.app, a.sessions, a.days, a.end)
    took = time.time() - t
    # Everything in the database file itself, so its size is the data's.
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    start = a.end - a.days * DAY
    out = {"seconds": round(took, 1), "bytes": os.path.getsize(path), "from": start, "to": a.end}
    out.update(expected(con, a.app, start, a.end))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
