//! The dashboard over a scripted set of sessions, and the watch list run
//! with a controllable clock (the cron's scheduled time).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::{admin, now, stack_alone, AdminClient, Stack, TestApp};

const DAY: i64 = 86_400;

fn dashboard_app(a: &AdminClient) -> TestApp {
    a.app_with(
        "Dashboard",
        &json!({
            "attribution_window_days": 30,
            "offers": [{"id": "save25", "title": "Stay for 25% less", "body": "b",
                "billing": {"type": "discount", "coupon": "SAVE25"}}],
        }),
    )
}

fn sessions(a: &AdminClient, app: &TestApp, query: &str) -> Vec<Value> {
    let list = a.get(&format!(
        "/api/admin/apps/{}/sessions?limit=200&{query}",
        app.id
    ));
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["sessions"].as_array().expect("sessions").clone()
}

fn by_subscription(rows: &[Value], sub: &str) -> Value {
    rows.iter()
        .find(|r| r["subscription_id"] == sub)
        .cloned()
        .unwrap_or_else(|| panic!("no session for {sub}"))
}

/// Books every due save, page by page: one cron run handles a batch.
fn book_all(s: &Stack, a: &AdminClient, app: &TestApp, at: i64) {
    for _ in 0..30 {
        s.run_cron_at(at);
        let rows = sessions(a, app, "repeats=true");
        if rows
            .iter()
            .all(|r| !matches!(r["attribution"].as_str(), Some("confirmed" | "unknown")))
        {
            return;
        }
    }
    panic!("the watch list did not drain in 30 cron runs");
}

#[test]
fn watched_saves_end_as_stripe_says_and_the_totals_equal_the_sum_over_sessions() {
    let s = stack_alone();
    let a = admin();
    let app = dashboard_app(a);
    let deflect = |sub: &str| {
        let token = s.session_with(&app, sub, json!({}));
        assert_eq!(s.api(&token, "deflect", &json!({})).status, 200);
    };
    let (kept, elsewhere, unpaid, discounted, cancelled, repeat) = (
        s.subscription(),
        s.subscription(),
        s.subscription(),
        s.subscription(),
        s.subscription(),
        s.subscription(),
    );
    deflect(&kept.id);
    deflect(&elsewhere.id);
    deflect(&unpaid.id);
    let token = s.session_with(&app, &discounted.id, json!({}));
    let accepted = s.accept_save25(&token);
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let token = s.session_with(&app, &cancelled.id, json!({}));
    assert_eq!(
        s.api(&token, "cancel", &json!({"reason_id": "unused"}))
            .status,
        200
    );
    // Kept once, then cancelled a moment later: one customer, counted once.
    deflect(&repeat.id);
    let token = s.session_with(&app, &repeat.id, json!({}));
    assert_eq!(s.api(&token, "cancel", &json!({})).status, 200);

    // What happens in Stripe during the window.
    s.stripe(
        "DELETE",
        &format!("/v1/subscriptions/{}", elsewhere.id),
        &[],
    );
    s.fail_renewal(&unpaid.id);

    // Nothing is booked before the window ends.
    s.run_cron_at(now() + 29 * DAY);
    let rows = sessions(a, &app, "");
    assert_eq!(by_subscription(&rows, &kept.id)["attribution"], "confirmed");

    book_all(&s, a, &app, now() + 31 * DAY);
    let rows = sessions(a, &app, "");
    let verdict = |sub: &str| {
        let r = by_subscription(&rows, sub);
        (
            r["attribution"].as_str().map(str::to_owned),
            r["attribution_reason"].as_str().map(str::to_owned),
        )
    };
    assert_eq!(verdict(&kept.id), (Some("saved".into()), None));
    assert_eq!(
        verdict(&elsewhere.id),
        (Some("lost".into()), Some("cancelled elsewhere".into()))
    );
    assert_eq!(
        verdict(&unpaid.id),
        (Some("lost".into()), Some("unpaid".into()))
    );
    assert_eq!(verdict(&discounted.id), (Some("saved".into()), None));
    let offer = by_subscription(&rows, &discounted.id);
    assert_eq!(offer["mrr"], 2400, "the MRR before the offer");
    assert_eq!(
        offer["offer_cost"], 1800,
        "25% of 24.00 for 3 months is 18.00, not a full save"
    );

    let report = a.get(&format!("/api/admin/apps/{}/dashboard", app.id));
    assert_eq!(report.status, 200, "{}", report.body);
    let total = &report.body["total"];
    let counts = |t: &Value| {
        [
            "sessions", "saves", "offers", "deflects", "cancels", "lost", "open",
        ]
        .map(|k| t[k].as_i64().unwrap_or(-1))
    };
    assert_eq!(counts(total), [6, 2, 1, 1, 2, 2, 0]);
    assert_eq!(report.body["repeats"], 1);

    // The totals are the sum over the listed sessions that count.
    let mut sum = [0i64; 7];
    let mut money: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for r in &rows {
        assert_eq!(r["counted"], true, "the list leaves repeats out by default");
        sum[0] += 1;
        let outcome = r["outcome"].as_str().expect("outcome");
        let slot = match outcome {
            "offer" => 2,
            "deflect" => 3,
            "cancel" => 4,
            "lost" => 5,
            _ => 6,
        };
        sum[slot] += 1;
        if matches!(outcome, "offer" | "deflect") {
            sum[1] += 1;
        }
        let m = money
            .entry(r["currency"].as_str().expect("currency").to_owned())
            .or_default();
        let mrr = r["mrr"].as_i64().expect("mrr");
        match outcome {
            "offer" | "deflect" => {
                m[0] += mrr;
                m[1] += r["offer_cost"].as_i64().unwrap_or(0);
            }
            _ => m[2] += mrr,
        }
    }
    assert_eq!(counts(total), sum);
    for (currency, [saved, cost, lost]) in &money {
        let m = &total["money"][currency];
        assert_eq!(
            (
                m["mrr_saved"].as_i64(),
                m["offer_cost"].as_i64(),
                m["mrr_lost"].as_i64()
            ),
            (Some(*saved), Some(*cost), Some(*lost)),
            "{currency}"
        );
    }
    assert_eq!(total["money"]["usd"]["mrr_saved"], 4800);
    assert_eq!(total["money"]["usd"]["mrr_lost"], 4 * 2400);
    let series: i64 = report.body["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|b| b["tally"]["sessions"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(series, 6, "the chart holds every counted session");
    let reasons: i64 = report.body["by_reason"]
        .as_array()
        .expect("by reason")
        .iter()
        .map(|g| g["tally"]["sessions"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(reasons, 6);

    // The Revenue card: every session matched a Stripe customer.
    let card = a.get(&format!("/api/admin/apps/{}/revenue", app.id));
    assert_eq!(card.status, 200, "{}", card.body);
    assert_eq!(card.body["sessions"], 7);
    assert_eq!(card.body["matched"], 7);
    assert_eq!(card.body["watching"], 0);
    assert!(card.body["last_sync"]
        .as_i64()
        .is_some_and(|t| t >= now() - 600));
}

#[test]
fn the_session_list_filters_exports_csv_and_shows_each_sessions_audit_trail() {
    let s = crate::helpers::stack();
    let a = admin();
    let app = dashboard_app(a);
    let sub = s.subscription();
    let token = s.session_with(&app, &sub.id, json!({}));
    assert_eq!(s.accept_save25(&token).status, 200);
    let other = s.subscription();
    let token = s.session_with(&app, &other.id, json!({}));
    assert_eq!(s.api(&token, "cancel", &json!({})).status, 200);

    let offers = sessions(a, &app, "outcome=offer");
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0]["subscription_id"], sub.id.as_str());
    assert_eq!(sessions(a, &app, &format!("q={}", other.id)).len(), 1);
    assert_eq!(sessions(a, &app, "reason=too_expensive").len(), 1);

    let detail = a.get(&format!(
        "/api/admin/sessions/{}",
        offers[0]["id"].as_str().expect("id")
    ));
    assert_eq!(detail.status, 200, "{}", detail.body);
    let kinds: Vec<&str> = crate::helpers::strings(&detail.body["events"], "kind");
    for step in [
        "session_started",
        "reason_chosen",
        "offer_accepted",
        "stripe_request",
        "offer_applied",
        "save_validated",
    ] {
        assert!(kinds.contains(&step), "{step} missing from {kinds:?}");
    }
    let write = detail.body["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "stripe_request")
        .expect("a Stripe request");
    assert_eq!(write["detail"]["method"], "POST");
    assert!(
        write["detail"]["params"]
            .as_array()
            .expect("params")
            .contains(&json!(["discounts[0][coupon]", "SAVE25"])),
        "{write}"
    );
    assert_eq!(write["detail"]["ok"], true, "with Stripe's answer");

    // CSV: a header and one row per session, behind the admin's cookie.
    let url = format!("{}/api/admin/apps/{}/sessions.csv", s.url, app.id);
    let resp = crate::helpers::agent()
        .get(&url)
        .set("cookie", &a.cookie)
        .call()
        .expect("csv");
    assert!(resp.content_type().starts_with("text/csv"));
    let body = resp.into_string().expect("text");
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("session_id,created_at,subscription_id"));
    assert_eq!(lines.len(), 3, "{body}");
    assert!(body.contains(&sub.id) && body.contains(&other.id));

    // Bad input names its field; no cookie, no data.
    let bad = a.get(&format!(
        "/api/admin/apps/{}/dashboard?bucket=hour&from=x",
        app.id
    ));
    assert_eq!(bad.status, 400);
    let fields: Vec<&str> = crate::helpers::strings(&bad.body["error"]["fields"], "field");
    assert_eq!(fields, ["bucket", "from"]);
    assert_eq!(a.get("/api/admin/apps/app_nope/dashboard").status, 404);
    assert_eq!(a.get("/api/admin/sessions/ses_nope").status, 404);
    let anonymous = crate::helpers::get(&format!("{}/api/admin/apps/{}/dashboard", s.url, app.id));
    assert_eq!(anonymous.status, 401);
}
