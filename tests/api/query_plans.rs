//! Every query the edge makes is answered through an index: after the
//! flows of a cancel session, the dashboard, the session list, the export
//! and the cron, `EXPLAIN QUERY PLAN` runs on each SQL text the edge
//! prepared (`/api/dev/sql`, test stack only) against the local D1 file, and
//! a full scan of a table that grows with sessions fails the test.

use serde_json::{json, Value};

use crate::helpers::{admin, get, must_be_alone, python_with_input, stack_alone};

/// Tables that grow with traffic; small ones (apps, admins, rate-limit
/// counters pruned every minute) may be scanned.
const LARGE: [&str; 11] = [
    "sessions",
    "rollups",
    "rollup_marginals",
    "rollup_blocks",
    "session_events",
    "operations",
    "emails",
    "webhook_messages",
    "webhook_deliveries",
    "webhook_attempts",
    "stripe_events",
];

const PLANS: &str = r#"
import glob, json, os, re, sqlite3, sys
state, large = sys.argv[1], set(sys.argv[2].split(','))
queries = json.load(sys.stdin)
files = [f for f in glob.glob(os.path.join(state, '**', '*.sqlite'), recursive=True)]
con = None
for f in files:
    c = sqlite3.connect('file:' + f + '?mode=ro', uri=True)
    if c.execute("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").fetchone():
        con = c
        break
assert con, 'no D1 file with sessions under ' + state
out, plans = [], []
for q in queries:
    # The edge's own SQL, with its parameters unbound: plan it with NULLs.
    n = 0
    while True:
        try:
            rows = con.execute('EXPLAIN QUERY PLAN ' + q, [None] * n).fetchall()
            break
        except sqlite3.ProgrammingError as e:
            m = re.search(r'uses (\d+)', str(e))
            if not m or n:
                raise
            n = int(m.group(1))
    aliases = {}
    for t, a in re.findall(r'(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?', q, re.I):
        aliases[t] = t
        if a and a.upper() not in ('WHERE', 'SET', 'ON', 'JOIN', 'LEFT', 'ORDER', 'GROUP', 'LIMIT', 'SELECT', 'VALUES'):
            aliases[a] = t
    plans.append({'sql': q, 'plan': [r[-1] for r in rows]})
    for row in rows:
        detail = row[-1]
        m = re.match(r'SCAN (\w+)(.*)', detail)
        if m and 'USING' not in m.group(2) and aliases.get(m.group(1), m.group(1)) in large:
            out.append({'sql': q, 'plan': detail})
json.dump(plans, open(sys.argv[3], 'w'), indent=1)
print(json.dumps({'planned': len(plans), 'scans': out}))
"#;

#[test]
fn every_query_of_the_edge_uses_an_index_on_large_tables() {
    let s = stack_alone();
    // The flows whose queries must scale: precancel, the session API, a
    // cancel, the dashboard, the session list and detail, the export, cron.
    let app = admin().new_app("query plans");
    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({}));
    assert_eq!(s.view(&token).status, 200);
    let cancel = s.api(&token, "cancel", &json!({})).status;
    assert!(cancel == 200 || cancel == 202, "{cancel}");
    let session_id = s.sql(&format!(
        "SELECT id FROM sessions WHERE subscription_id = '{}'",
        sub.id
    ))[0]["id"]
        .as_str()
        .expect("the session")
        .to_owned();
    for path in [
        format!("/api/admin/apps/{}/dashboard", app.id),
        format!(
            "/api/admin/apps/{}/sessions?limit=10&outcome=cancel",
            app.id
        ),
        format!("/api/admin/apps/{}/revenue", app.id),
        format!("/api/admin/sessions/{session_id}"),
    ] {
        assert_eq!(admin().get(&path).status, 200, "{path}");
    }
    let csv = crate::helpers::agent()
        .get(&format!("{}/api/admin/apps/{}/sessions.csv", s.url, app.id))
        .set("cookie", &admin().cookie)
        .call()
        .expect("the export");
    assert!(csv.content_type().starts_with("text/csv"));
    s.run_cron();
    let seen = get(&format!("{}/api/dev/sql", s.url));
    assert_eq!(seen.status, 200);
    let queries = seen.body.as_array().cloned().unwrap_or_default();
    assert!(
        queries
            .iter()
            .any(|q| q.as_str().is_some_and(|q| q.contains("FROM sessions"))),
        "the edge's SQL was recorded: {queries:?}"
    );
    let report = concat!(env!("CARGO_MANIFEST_DIR"), "/artifacts/query-plans.json");
    must_be_alone("the query plans");
    let found: Value = serde_json::from_str(&python_with_input(
        PLANS,
        &[&s.state, &LARGE.join(","), report],
        &Value::Array(queries.clone()).to_string(),
    ))
    .expect("plans as JSON");
    assert_eq!(
        found["planned"],
        json!(queries.len()),
        "every query planned"
    );
    assert_eq!(
        found["scans"],
        json!([]),
        "full scans of large tables (all plans: {report})"
    );
}
