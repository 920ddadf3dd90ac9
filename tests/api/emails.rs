//! Cancel confirmation e-mails: one per cancel whatever the concurrency,
//! retried through the queue, and, when they fail for good, listed on the
//! Operations page with one more attempt an admin can make.

use serde_json::json;

use crate::email_bounds::{session_at, subscription_of};
use crate::helpers::*;

/// The e-mails `wrangler dev` says the Worker sent to `to`: subject and
/// text, as its simulated `send_email` binding wrote them.
pub(crate) fn sent_emails(to: &str) -> Vec<(String, String)> {
    let state = std::env::var("HOLDFAST_STATE").expect("HOLDFAST_STATE");
    let mut out = Vec::new();
    for log in ["wrangler.log", "wrangler-restarted.log"] {
        let Ok(text) = std::fs::read_to_string(format!("{state}/{log}")) else {
            continue;
        };
        for block in text
            .split("send_email binding called with MessageBuilder:")
            .skip(1)
        {
            let line = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default()
            };
            // Sent as the receipt spells it (Stripe keeps the case it
            // was given); a mailbox is the same in any case.
            if line("To:").eq_ignore_ascii_case(to) {
                let body = std::fs::read_to_string(line("Text:")).unwrap_or_default();
                out.push((line("Subject:"), body));
            }
        }
    }
    out
}

/// Waits for the e-mails to `to` (they go out after the answer, through
/// the work queue, which `wrangler dev` consumes one batch at a time: a
/// batch held up by another test's slow call delays the rest, hence a
/// minute).
pub(crate) fn wait_for_emails(to: &str, at_least: usize) -> Vec<(String, String)> {
    for _ in 0..240 {
        let sent = sent_emails(to);
        if sent.len() >= at_least {
            return sent;
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    sent_emails(to)
}

#[test]
fn one_email_per_cancel_under_twenty_concurrent_cancels() {
    let _s = stack();
    let to = format!("kunde-{}@example.de", now_nanos());
    let sub = subscription_of(within_test(), &to);
    let token = session_at(within_test(), "DE", &sub.id, json!({"locale": "de"}));
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let token = token.clone();
            std::thread::spawn(move || within_test().api(&token, "cancel", &json!({})).status)
        })
        .collect();
    for t in threads {
        let status = t.join().expect("a thread");
        assert!(status == 200 || status == 202, "{status}");
    }
    let sent = wait_for_emails(&to, 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(sent_emails(&to).len(), 1, "exactly one e-mail: {sent:?}");
    let (subject, text) = &sent[0];
    assert!(
        subject.starts_with("Bestätigung Ihrer Kündigung"),
        "{subject}"
    );
    for expected in [
        "Eingegangen am",
        "Vertragsende",
        "Referenz: ses_",
        "/receipt/",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

#[test]
fn an_email_that_fails_is_sent_again() {
    let s = stack_alone();
    let to = format!("fail-first-{}@example.test", now_nanos());
    cancelled_in_france(&s, &to);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(sent_emails(&to).is_empty(), "the first attempt failed");
    let row = email_row(&s, &to);
    assert_eq!(row["status"], "pending", "{row:?}");
    assert_eq!(row["attempts"], 1);
    s.run_cron_at(now() + 120);
    let sent = wait_for_emails(&to, 1);
    assert_eq!(sent.len(), 1, "sent on the retry");
    assert!(
        sent[0].0.starts_with("Confirmation de votre résiliation"),
        "{:?}",
        sent[0]
    );
}

pub(crate) fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A session started in France and cancelled with a receipt sent to `to`
/// (the customer's address in Stripe).
fn cancelled_in_france(s: &Stack, to: &str) {
    let sub = subscription_of(s, to);
    let token = session_at(s, "FR", &sub.id, json!({"locale": "fr"}));
    let a = s.api(&token, "cancel", &json!({}));
    assert!(a.status == 200 || a.status == 202, "{}", a.body);
}

/// The e-mail row of the session cancelled with receipt address `to`.
fn email_row(s: &Stack, to: &str) -> serde_json::Value {
    s.sql(&format!(
        "SELECT id, status, attempts, last_error FROM emails WHERE session_id = \
         (SELECT id FROM sessions WHERE json_extract(receipt, '$.email') = '{to}')"
    ))
    .into_iter()
    .next()
    .unwrap_or_default()
}

#[test]
fn an_email_that_fails_for_good_is_listed_and_sent_again_by_an_admin() {
    let s = stack_alone();
    let to = format!("fail-ten-{}@example.test", now_nanos());
    cancelled_in_france(&s, &to);
    // Ten automatic attempts: the relay's, then one per sweep, each run
    // later than the longest backoff (four hours).
    let attempts = |n: i64| {
        for _ in 0..80 {
            if email_row(&s, &to)["attempts"].as_i64() >= Some(n) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        panic!("attempt {n} never came: {:?}", email_row(&s, &to));
    };
    attempts(1);
    for n in 2..=10 {
        s.run_cron_at(now() + (n - 1) * 5 * 3600);
        attempts(n);
    }
    let row = email_row(&s, &to);
    assert_eq!(row["status"], "failed", "{row:?}");
    assert!(sent_emails(&to).is_empty());
    let id = row["id"].as_str().expect("an e-mail id").to_owned();

    let a = admin();
    let listed = a.get("/api/admin/emails/failed");
    assert_eq!(listed.status, 200, "{}", listed.body);
    let entry = listed
        .body
        .as_array()
        .and_then(|l| l.iter().find(|e| e["id"] == id.as_str()).cloned())
        .unwrap_or_else(|| panic!("the Operations page lists it: {}", listed.body));
    assert_eq!(entry["attempts"], 10);
    assert!(entry["last_error"].as_str().is_some_and(|e| !e.is_empty()));
    assert!(
        !listed.body.to_string().contains(&to),
        "the list holds no address"
    );

    let unknown = a.send("POST", "/api/admin/emails/em_nope/resend", &json!({}));
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let resent = a.send(
        "POST",
        &format!("/api/admin/emails/{id}/resend"),
        &json!({}),
    );
    assert_eq!(resent.status, 200, "{}", resent.body);
    assert_eq!(resent.body["status"], "sent", "{}", resent.body);
    assert_eq!(wait_for_emails(&to, 1).len(), 1, "sent once");
    let again = a.send(
        "POST",
        &format!("/api/admin/emails/{id}/resend"),
        &json!({}),
    );
    assert_eq!(again.status, 404, "a sent e-mail is not sent again");
    let listed = a.get("/api/admin/emails/failed");
    assert!(!listed.body.to_string().contains(&id), "{}", listed.body);
    let audit = a.get("/api/admin/audit");
    assert!(
        audit.body.to_string().contains("email.resend"),
        "the resend is in the audit log"
    );
}
