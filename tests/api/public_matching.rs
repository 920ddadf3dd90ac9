//! Public declarations matched in Stripe as they are made (issue 40): one
//! customer with the typed address and one live subscription is cancelled
//! at once, exactly once; anything else waits in the review list with the
//! reason why, and owners may send everything there.

use serde_json::{json, Value};

use crate::emails::wait_for_emails;
use crate::helpers::*;
use crate::public_page::{emailing_app, listed, post, FROM};

/// Posts a declaration (with `number`, if any) from a client of its own;
/// answers the declaration as the review list shows it.
fn declare(app: &TestApp, email: &str, number: Option<&str>) -> Value {
    let nonce = format!("match-{}-{}", now(), customer_address().replace('.', "-"));
    let mut form = vec![
        ("nonce", nonce.as_str()),
        ("name", "Grete Müller"),
        ("email", email),
        ("choice", "next"),
    ];
    form.extend(number.map(|n| ("number", n)));
    let p = post(&app.id, &customer_address(), &form);
    assert_eq!(p.status, 303, "{}", p.html);
    listed(app, email)
}

#[test]
fn one_live_subscription_for_the_address_is_cancelled_at_once_and_once() {
    let s = stack();
    let app = emailing_app("Matched at once");
    let email = format!("passt.{}@example.org", now());
    // Stripe holds the address in other letters than typed.
    let customer = s.customer_named(&email.to_uppercase(), "Grete Müller");
    let sub = s.subscription_for(&customer);
    let nonce = format!("matched-once-{}", now());
    let client = customer_address();
    let form = [
        ("nonce", nonce.as_str()),
        ("name", "Grete Müller"),
        ("email", email.as_str()),
        ("choice", "next"),
    ];
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let posts: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| post(&app.id, &client, &form).status))
            .collect();
        posts
            .into_iter()
            .map(|p| p.join().expect("a post"))
            .collect()
    });
    assert!(answers.iter().all(|a| *a == 303), "{answers:?}");
    assert_eq!(s.stripe_writes(&sub.id).len(), 1, "one Stripe write");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
    let d = listed(&app, &email);
    assert_eq!(
        (&d["review"], &d["subscription_id"], &d["waiting_because"]),
        (&json!("matched"), &json!(sub.id), &Value::Null)
    );
    // The receipt to the typed address, the outcome with the end date to
    // the address Stripe holds (the same mailbox here).
    let sent = wait_for_emails(&email, 2);
    let subjects: Vec<&str> = sent.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(sent.len(), 2, "{subjects:?}");
    let (_, outcome) = sent
        .iter()
        .find(|(s, _)| *s != "Bestätigung Ihrer Kündigung")
        .expect("the outcome message");
    let ends = outcome
        .lines()
        .find(|l| l.starts_with("Vertragsende:"))
        .unwrap_or_default();
    assert!(
        ends.chars().any(|c| c.is_ascii_digit()) && outcome.contains(&sub.id),
        "the end date and the contract: {outcome}"
    );
    // The export says how it came and how long it waited.
    let row = csv_row(&app, d["id"].as_str().expect("its id"));
    assert_eq!(
        (row["channel"].as_str(), row["review"].as_str()),
        ("public", "matched"),
        "{row:?}"
    );
    let waited: i64 = row["resolved_after_seconds"].parse().expect("seconds");
    assert!((0..60).contains(&waited), "{waited}");
}

/// The app's CSV export, the row of session `id`, by column name.
fn csv_row(app: &TestApp, id: &str) -> std::collections::HashMap<String, String> {
    let csv = agent()
        .get(&format!(
            "{}/api/admin/apps/{}/sessions.csv",
            within_test().url,
            app.id
        ))
        .set("cookie", &admin().cookie)
        .call()
        .expect("the export")
        .into_string()
        .expect("text");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let row = lines
        .find(|l| l.starts_with(id))
        .unwrap_or_else(|| panic!("{id} in {csv}"));
    header
        .iter()
        .zip(row.split(','))
        .map(|(h, v)| ((*h).to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn what_cannot_be_matched_waits_with_its_reason_and_nothing_is_written() {
    let s = stack();
    let app = emailing_app("Matched or not");
    let stamp = now();
    let unknown = format!("unbekannt.{stamp}@example.org");
    assert_eq!(
        declare(&app, &unknown, None)["waiting_because"],
        "no_customer"
    );

    let two = format!("zwei.{stamp}@example.org");
    let customer = s.customer_named(&two, "Grete Müller");
    let (a, b) = (s.subscription_for(&customer), s.subscription_for(&customer));
    let d = declare(&app, &two, None);
    assert_eq!(
        (&d["review"], &d["waiting_because"]),
        (&json!("open"), &json!("several_subscriptions"))
    );

    let numbered = format!("nummer.{stamp}@example.org");
    let customer = s.customer_named(&numbered, "Grete Müller");
    let c = s.subscription_for(&customer);
    let wrong = declare(&app, &numbered, Some("K-0000"));
    assert_eq!(wrong["waiting_because"], "number_mismatch");
    for sub in [&a.id, &b.id, &c.id] {
        assert!(s.stripe_writes(sub).is_empty(), "{sub}");
    }
    // The number that names the subscription picks it out of two.
    let right = declare(&app, &two, Some(&b.id));
    assert_eq!(
        (&right["review"], &right["subscription_id"]),
        (&json!("matched"), &json!(b.id))
    );
    assert!(s.stripe_writes(&a.id).is_empty());
    // The dashboard: four declared, one matched at once, three waiting.
    let d = admin().get(&format!("/api/admin/apps/{}/dashboard", app.id));
    let p = &d.body["public"];
    assert_eq!(
        [
            &p["declared"],
            &p["matched"],
            &p["open"],
            &p["reviewed"],
            &p["not_matched"]
        ],
        [&json!(4), &json!(1), &json!(3), &json!(0), &json!(0)],
        "{p}"
    );
    assert!(
        p["mean_seconds_to_resolve"]
            .as_i64()
            .is_some_and(|s| (0..60).contains(&s)),
        "{p}"
    );
    assert_eq!(d.body["open_requests"], 3);
}

#[test]
fn an_owner_may_send_every_declaration_to_the_review_list() {
    let s = stack();
    let settings = json!({"email_from": FROM, "public_page": {"always_review": true}});
    let app = admin().app_with("Always review", &settings);
    let email = format!("immer.{}@example.org", now());
    let customer = s.customer_named(&email, "Grete Müller");
    let sub = s.subscription_for(&customer);
    let d = declare(&app, &email, None);
    assert_eq!(
        (&d["review"], &d["waiting_because"]),
        (&json!("open"), &json!("always_review"))
    );
    assert!(s.stripe_writes(&sub.id).is_empty());
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], false);
}

#[test]
fn a_slow_stripe_leaves_the_declaration_for_review_instead_of_the_receipt_waiting() {
    // Alone: the emulator's fault is for whichever search comes first.
    let s = stack_alone();
    let app = emailing_app("Matched, Stripe slow");
    let email = format!("langsam.{}@example.org", now());
    let customer = s.customer_named(&email, "Grete Müller");
    let sub = s.subscription_for(&customer);
    // Slower than a visitor's receipt waits (3 s), faster than a reviewer
    // does (8 s): the declaration must wait for a person.
    s.fault(
        json!({"method": "GET", "path_contains": "/v1/customers/search",
        "delay_ms": 5000, "times": 1}),
    );
    let nonce = format!("slow-stripe-{}", now());
    let form = [
        ("nonce", nonce.as_str()),
        ("name", "Grete Müller"),
        ("email", email.as_str()),
        ("choice", "next"),
    ];
    let p = post(&app.id, &customer_address(), &form);
    assert_eq!(p.status, 303, "{}", p.html);
    let d = listed(&app, &email);
    assert_eq!(
        (&d["review"], &d["waiting_because"]),
        (&json!("open"), &json!("stripe_unavailable"))
    );
    assert!(s.stripe_writes(&sub.id).is_empty());
}
