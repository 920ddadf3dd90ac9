//! The edge's request budgets (issue: performance), counted by the edge
//! itself (`x-holdfast-counts`, test stack only) and by the emulator:
//! precancel makes one Stripe request and one D1 round trip (two for an app
//! the isolate has not read yet), accepting an offer one Stripe write, and
//! every route and cron run stays inside the Workers Free plan's 50
//! subrequests and 50 D1 queries.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{agent, stack, stack_alone, Stack};

#[path = "../shared/first_load.rs"]
mod first_load;

/// D1 round trips and subrequests of one request.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    d1: u32,
    subrequests: u32,
}

fn counts_of(resp: &ureq::Response) -> Counts {
    let header = resp
        .header("x-holdfast-counts")
        .expect("the test stack sends x-holdfast-counts");
    let get = |name: &str| -> u32 {
        header
            .split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {header}"))
    };
    Counts {
        d1: get("d1"),
        subrequests: get("subrequests"),
    }
}

/// POSTs and returns the status, the JSON body and the counts. Waits first,
/// so background work of an earlier request is not counted with this one.
fn counted(url: &str, body: &Value) -> (u16, Value, Counts) {
    std::thread::sleep(Duration::from_millis(300));
    let resp = match agent()
        .post(url)
        .set("content-type", "application/json")
        .set("cf-connecting-ip", &crate::helpers::customer_address())
        .send_string(&body.to_string())
    {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    let (status, counts) = (resp.status(), counts_of(&resp));
    let body = resp.into_json().unwrap_or(Value::Null);
    (status, body, counts)
}

const FREE_PLAN: u32 = 50;

fn within_free_plan(what: &str, c: &Counts) {
    assert!(
        c.d1 <= FREE_PLAN && c.subrequests <= FREE_PLAN,
        "{what}: {c:?}"
    );
}

fn session(s: &Stack, app: &str, sub: &str) -> (String, Counts) {
    let (status, body, counts) = counted(&format!("{}/precancel", s.url), &s.signed(app, sub));
    assert_eq!(status, 200, "{body}");
    let token = body["url"]
        .as_str()
        .and_then(|u| u.rsplit('/').next())
        .expect("url")
        .to_owned();
    (token, counts)
}

#[test]
fn precancel_makes_one_stripe_call_and_one_d1_round_trip_once_its_app_is_known() {
    let s = stack_alone();
    let sub = s.subscription();
    let (_, counts) = session(&s, "t_signed", &sub.id);
    assert_eq!(counts.subrequests, 1, "{counts:?}");
    assert!(counts.d1 <= 2, "the app read, then the write: {counts:?}");
    assert_eq!(
        s.stripe_requests(&sub.id).len(),
        1,
        "the emulator saw one request"
    );
    let next = s.subscription();
    let (_, counts) = session(&s, "t_signed", &next.id);
    assert_eq!(
        counts,
        Counts {
            d1: 1,
            subrequests: 1
        },
        "the app is remembered; limits and session are one batch"
    );
}

#[test]
fn accepting_an_offer_makes_one_stripe_write_and_every_route_fits_the_free_plan() {
    let s = stack_alone();
    let sub = s.subscription();
    let (token, _) = session(&s, "t_offers", &sub.id);
    let api = |action: &str, body: Value| {
        counted(&format!("{}/api/sessions/{token}/{action}", s.url), &body)
    };
    let (status, _, c) = api("reason", json!({"reason_id": "too_expensive"}));
    assert_eq!(status, 200);
    within_free_plan("reason", &c);
    let (status, _, c) = api("offers/save25/show", json!({}));
    assert_eq!(status, 200);
    within_free_plan("show offer", &c);
    let (status, body, c) = api("offers/save25/accept", json!({}));
    assert_eq!(status, 200, "{body}");
    within_free_plan("accept", &c);
    assert_eq!(s.stripe_writes(&sub.id).len(), 1, "one Stripe write");

    let other = s.subscription();
    let (token, _) = session(&s, "t_now", &other.id);
    let (status, _, c) = counted(
        &format!("{}/api/sessions/{token}/cancel", s.url),
        &json!({}),
    );
    assert_eq!(status, 200);
    within_free_plan("cancel", &c);

    // A cron run, with whatever the other tests left due.
    let now = crate::helpers::now();
    let (status, _, c) = counted(&format!("{}/api/dev/cron?at={now}", s.url), &json!({}));
    assert_eq!(status, 200);
    within_free_plan("cron", &c);
}

/// Everything a first visit downloads, as the edge serves it: the HTML with
/// the session's view and first screen in it, and every file it loads.
#[test]
fn the_cancel_page_as_served_is_within_100_kb() {
    let s = stack();
    let sub = s.subscription();
    let token = s.session("t_offers", &sub.id);
    let resp = agent()
        .get(&format!("{}/cancel/{token}", s.url))
        .call()
        .expect("the cancel page");
    let csp = resp
        .header("content-security-policy")
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        resp.header("referrer-policy"),
        Some("no-referrer"),
        "the URL holds the token"
    );
    let html = resp.into_string().expect("html");
    assert!(
        html.contains(r#"<script type="application/json" id="hf-session">"#),
        "the view is in the page"
    );
    assert!(
        html.contains(">Before you go, Ada</h1>"),
        "the first screen is in the HTML: {html}"
    );

    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist");
    let files = first_load::assets_of(&html, &dist);
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "wasm")),
        "{files:?}"
    );
    let total: usize = first_load::gzip_len(html.as_bytes())
        + files
            .iter()
            .map(|f| first_load::gzip_len(&std::fs::read(f).expect("built file")))
            .sum::<usize>();
    println!("cancel page as served: {total} bytes gzip");
    assert!(total <= 100_000, "{total} bytes gzip");
}

/// The queue consumer's batch size, as wrangler.toml configures it.
fn consumer_batch_size() -> usize {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../wrangler.toml"))
        .expect("wrangler.toml");
    toml.split("[[queues.consumers]]")
        .nth(1)
        .and_then(|c| c.lines().find_map(|l| l.strip_prefix("max_batch_size = ")))
        .and_then(|n| n.trim().parse().ok())
        .expect("the work queue's max_batch_size")
}

#[test]
fn a_full_queue_batch_of_stripe_operations_fits_the_free_plan() {
    let s = stack_alone();
    let size = consumer_batch_size();
    // The heaviest job: a cancel kept after Stripe asked to wait, resumed
    // by the queue (the Stripe write, the session's change, its events).
    let subs: Vec<String> = (0..size).map(|_| s.subscription().id).collect();
    for sub in &subs {
        let token = s.session("t_signed", sub);
        s.fault(json!({"method": "POST", "path_contains": format!("/v1/subscriptions/{sub}"), "status": 429, "retry_after": 600}));
        let a = s.api(&token, "cancel", &json!({"reason_id": "too_expensive"}));
        assert_eq!(a.status, 202, "{}", a.body);
    }
    let quoted: Vec<String> = subs.iter().map(|id| format!("'{id}'")).collect();
    let sessions = s.sql(&format!(
        "SELECT id FROM sessions WHERE subscription_id IN ({})",
        quoted.join(", ")
    ));
    assert_eq!(sessions.len(), size);
    let at = crate::helpers::now() + 3600;
    let jobs: Vec<Value> = sessions
        .iter()
        .map(|r| json!({"kind": "operation", "session": r["id"], "at": at}))
        .collect();
    let runs = || -> Vec<Value> {
        let a = crate::helpers::get(&format!("{}/api/dev/counts", s.url));
        assert_eq!(a.status, 200, "{}", a.body);
        a.body.as_array().cloned().unwrap_or_default()
    };
    let before = runs().len();
    let sent = crate::helpers::post_raw(
        &format!("{}/api/dev/queue", s.url),
        &json!({ "jobs": jobs }).to_string(),
        &[],
    );
    assert_eq!(sent.status, 200, "{}", sent.body);
    // Waits on the emulator alone: a request to the edge while the batch
    // runs would share its counts, and the batch's would not be kept.
    let landed = || subs.iter().all(|sub| s.stripe_writes(sub).len() == 2);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !landed() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
    }
    assert!(landed(), "every operation was resumed");
    std::thread::sleep(Duration::from_secs(2));
    let after = runs();
    let full: Vec<&Value> = after
        .iter()
        .skip(before)
        .filter(|r| r["messages"] == size)
        .collect();
    assert_eq!(full.len(), 1, "one full batch, counted alone: {after:?}");
    let (d1, subrequests) = (full[0]["d1"].as_u64(), full[0]["subrequests"].as_u64());
    assert!(
        d1.is_some_and(|n| n <= u64::from(FREE_PLAN))
            && subrequests.is_some_and(|n| n > 0 && n <= u64::from(FREE_PLAN)),
        "a batch of {size}: {}",
        full[0]
    );
}
