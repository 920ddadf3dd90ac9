//! The public "cancel contract here" page (issue 39): no sign-in, German
//! for a German browser, one declaration and one e-mail however often the
//! form is posted, bounded per client and per address, every wrong field
//! named with nothing stored, and no page where the owner turned it off.

use serde_json::json;

use crate::helpers::*;
use crate::webhooks::{hooked_with, wait_for};

/// A client that shows redirects instead of following them.
fn no_redirects() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(std::time::Duration::from_secs(60))
        .build()
}

pub(crate) struct Page {
    pub(crate) status: u16,
    location: String,
    retry_after: String,
    pub(crate) html: String,
}

fn page_of(r: Result<ureq::Response, ureq::Error>) -> Page {
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("no answer: {e}"),
    };
    Page {
        status: r.status(),
        location: r.header("location").unwrap_or_default().to_owned(),
        retry_after: r.header("retry-after").unwrap_or_default().to_owned(),
        html: r.into_string().unwrap_or_default(),
    }
}

fn url(app: &str) -> String {
    format!("{}/cancel-contract/{app}", within_test().url)
}

fn open(app: &str, language: &str) -> Page {
    page_of(
        no_redirects()
            .get(&url(app))
            .set("accept-language", language)
            .call(),
    )
}

/// The one-time key the page put in its form.
fn nonce_of(html: &str) -> String {
    let at = html
        .find(r#"name="nonce" value=""#)
        .expect("the form's nonce")
        + 20;
    html[at..at + 64].to_owned()
}

/// Posts the form as a browser does, and again (as a visitor's reload
/// would) when `wrangler dev`'s local proxy answered in its place: its own
/// plain-text 503 under many posts at once on a small machine, which
/// Cloudflare's edge does not send. A repeated form is one declaration.
pub(crate) fn post(app: &str, client: &str, form: &[(&str, &str)]) -> Page {
    let send = || {
        page_of(
            no_redirects()
                .post(&url(app))
                .set("accept-language", "de-DE,de;q=0.9")
                .set("cf-connecting-ip", client)
                .send_form(form),
        )
    };
    for _ in 0..2 {
        let p = send();
        if p.status != 503 || p.html.contains("<html") {
            return p;
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    send()
}

pub(crate) fn declaration<'a>(nonce: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("nonce", nonce),
        ("name", "Grete Müller"),
        ("email", email),
        ("number", "K-1001"),
        ("choice", "next"),
    ]
}

pub(crate) const FROM: &str = "kuendigung@shop.example";

pub(crate) fn emailing_app(name: &str) -> TestApp {
    admin().app_with(name, &json!({"email_from": FROM}))
}

#[test]
fn twenty_posts_of_one_form_make_one_declaration_one_email_and_one_receipt() {
    let s = stack_alone();
    let app = emailing_app("Public page");
    let first = open(&app.id, "de-DE,de;q=0.9,en;q=0.5");
    assert_eq!(first.status, 200);
    for text in [
        "Verträge hier kündigen",
        "Jetzt kündigen",
        "Ihr Name",
        r#"lang="de""#,
    ] {
        assert!(first.html.contains(text), "{text}: {}", first.html);
    }
    let nonce = nonce_of(&first.html);
    let email = format!("grete.{}@example.org", now());
    let client = customer_address();
    let answers: Vec<Page> = std::thread::scope(|scope| {
        let posts: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| post(&app.id, &client, &declaration(&nonce, &email))))
            .collect();
        posts
            .into_iter()
            .map(|p| p.join().expect("a post"))
            .collect()
    });
    let receipt = &answers[0].location;
    assert!(receipt.contains("/receipt/ses_"), "{receipt}");
    for a in &answers {
        assert_eq!((a.status, &a.location), (303, receipt));
    }
    let rows = s.sql(&format!(
        "SELECT s.id, s.status, s.mode, s.review, (SELECT COUNT(*) FROM emails e WHERE e.session_id = s.id) AS emails, \
         (SELECT recipient FROM emails e WHERE e.session_id = s.id) AS recipient \
         FROM sessions s WHERE s.app_id = '{}' AND s.channel = 'public'",
        app.id
    ));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["emails"], 1, "{rows:?}");
    assert_eq!(
        rows[0]["recipient"], "copy",
        "the typed address gets the fixed text"
    );
    assert_eq!(rows[0]["mode"], "direct");
    assert_eq!(rows[0]["review"], "open");
    // The receipt: printable, at its signed link, in German.
    let shown = get_html(receipt);
    for text in ["Grete Müller", "K-1001", "zum nächstmöglichen Zeitpunkt"] {
        assert!(shown.contains(text), "{text}: {shown}");
    }
    let last = if receipt.ends_with('0') { "1" } else { "0" };
    let forged = format!("{}{last}", &receipt[..receipt.len() - 1]);
    assert_eq!(page_of(no_redirects().get(&forged).call()).status, 404);
}

fn get_html(url: &str) -> String {
    let p = page_of(no_redirects().get(url).call());
    assert_eq!(p.status, 200, "{url}");
    p.html
}

#[test]
fn a_wrong_field_is_named_beside_itself_and_nothing_is_stored() {
    let s = stack_alone();
    let app = emailing_app("Public page, wrong fields");
    let nonce = nonce_of(&open(&app.id, "de").html);
    let long = "x".repeat(201);
    let email = format!("wrong.{}@example.org", now());
    for (field, value, says) in [
        ("name", long.as_str(), "Höchstens 200 Zeichen."),
        ("email", "nobody@", "gültige E-Mail-Adresse"),
        ("choice", "extraordinary", "Bitte geben Sie den Grund"),
    ] {
        let mut form = declaration(&nonce, &email);
        form.retain(|(k, _)| *k != field);
        form.push((field, value));
        let p = post(&app.id, &customer_address(), &form);
        assert_eq!(p.status, 400, "{field}");
        assert!(
            p.html.contains(&format!(
                r#"data-testid="error-{}""#,
                if field == "choice" { "reason" } else { field }
            )),
            "{field}: {}",
            p.html
        );
        assert!(p.html.contains(says), "{field}: {}", p.html);
    }
    let rows = s.sql(&format!(
        "SELECT COUNT(*) AS n FROM sessions WHERE app_id = '{}'",
        app.id
    ));
    assert_eq!(rows[0]["n"], 0, "nothing stored");
}

#[test]
fn too_many_declarations_from_one_client_or_to_one_address_answer_429() {
    let _s = stack();
    let app = emailing_app("Public page, limits");
    let tag = now();
    // One client: 10 an hour.
    let client = customer_address();
    for i in 0..10 {
        let nonce = format!("client-limit-{tag}-{i:02}");
        let email = format!("office{i}.{tag}@example.org");
        let p = post(&app.id, &client, &declaration(&nonce, &email));
        assert_eq!(p.status, 303, "declaration {i}: {}", p.html);
    }
    let over = post(
        &app.id,
        &client,
        &declaration(
            &format!("client-limit-{tag}-10"),
            &format!("office10.{tag}@example.org"),
        ),
    );
    assert_eq!(over.status, 429, "{}", over.html);
    let wait: i64 = over.retry_after.parse().expect("Retry-After in seconds");
    assert!((1..=3600).contains(&wait), "{wait}");
    assert!(over.html.contains("zu viele Kündigungen"), "{}", over.html);
    // One address: 3 a day, from any number of clients.
    let email = format!("target.{tag}@example.org");
    for i in 0..3 {
        let p = post(
            &app.id,
            &customer_address(),
            &declaration(&format!("address-limit-{tag}-{i}"), &email),
        );
        assert_eq!(p.status, 303, "declaration {i}");
    }
    let over = post(
        &app.id,
        &customer_address(),
        &declaration(&format!("address-limit-{tag}-3"), &email),
    );
    assert_eq!(over.status, 429);
    let wait: i64 = over.retry_after.parse().expect("Retry-After in seconds");
    assert!((3600..=86_400).contains(&wait), "{wait}");
}

#[test]
fn a_page_turned_off_is_not_found() {
    let _s = stack();
    let a = admin();
    let off = a.app_with(
        "Public page off",
        &json!({"public_page": {"enabled": false}}),
    );
    assert_eq!(open(&off.id, "de").status, 404);
    let nonce = "turned-off-0123456789";
    let p = post(
        &off.id,
        &customer_address(),
        &declaration(nonce, "x@example.org"),
    );
    assert_eq!(p.status, 404);
    // Off by default where no rule asks for the direct mode; on where one does.
    let no_direct = a.app_with(
        "No direct rule",
        &json!({"jurisdiction_rules": [{"region": "US-CA", "mode": "click_to_cancel"}]}),
    );
    assert_eq!(open(&no_direct.id, "de").status, 404);
    assert_eq!(open(&a.new_app("Default rules").id, "en").status, 200);
    assert_eq!(open("app_nope", "de").status, 404);
}

#[test]
fn the_review_list_shows_each_declaration_to_viewers_newest_first() {
    let _s = stack();
    let app = emailing_app("Public page, review list");
    let tag = now();
    let first = format!("review-list-{tag}-1");
    let email = format!("liste.{tag}@example.org");
    let mut form = declaration(&first, &email);
    form.retain(|(k, _)| *k != "choice");
    form.extend([("choice", "date"), ("date", "2099-01-31")]);
    // 2099 is past the page's three years: refused; a near date is taken.
    assert_eq!(post(&app.id, &customer_address(), &form).status, 400);
    let near = "2027-12-31";
    form.retain(|(k, _)| *k != "date");
    form.push(("date", near));
    assert_eq!(post(&app.id, &customer_address(), &form).status, 303);
    let second = format!("review-list-{tag}-2");
    let mut extra = declaration(&second, &email);
    extra.retain(|(k, _)| *k != "choice");
    extra.extend([("choice", "extraordinary"), ("reason", "Umzug")]);
    assert_eq!(post(&app.id, &customer_address(), &extra).status, 303);

    let (viewer, _) = invited("viewer");
    let listed = viewer.get(&format!("/api/admin/apps/{}/requests", app.id));
    assert_eq!(listed.status, 200, "{}", listed.body);
    let list = listed.body.as_array().expect("a list");
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0]["kind"], "extraordinary");
    assert_eq!(list[0]["reason"], "Umzug");
    assert_eq!(list[1]["kind"], "ordinary");
    assert_eq!(list[1]["requested_end"], 1_830_211_200, "2027-12-31");
    for d in list {
        assert_eq!(d["review"], "open");
        assert_eq!(d["name"], "Grete Müller");
        assert_eq!(d["email"], email.as_str());
        assert_eq!(d["number"], "K-1001");
        assert_eq!(d["locale"], "de");
        assert!(d["subscription_id"].is_null());
    }
    assert_eq!(viewer.get("/api/admin/apps/app_nope/requests").status, 404);
}

/// Declares on the page and finds the declaration's id in the review list.
pub(crate) fn declared(app: &TestApp, email: &str) -> String {
    let nonce = format!("resolve-{}-{}", now(), customer_address().replace('.', "-"));
    let p = post(&app.id, &customer_address(), &declaration(&nonce, email));
    assert_eq!(p.status, 303, "{}", p.html);
    let d = listed(app, email);
    d["id"].as_str().expect("its id").to_owned()
}

/// The declaration made with `email`, as the review list shows it.
pub(crate) fn listed(app: &TestApp, email: &str) -> serde_json::Value {
    let list = admin().get(&format!("/api/admin/apps/{}/requests", app.id));
    let all = list.body.as_array().cloned().unwrap_or_default();
    let found = all.into_iter().find(|d| {
        d["email"]
            .as_str()
            .is_some_and(|e| e.eq_ignore_ascii_case(email))
    });
    found.expect("the declaration in the review list")
}

pub(crate) fn resolve(who: &AdminClient, id: &str, body: &serde_json::Value) -> Answer {
    who.send("POST", &format!("/api/admin/requests/{id}/resolve"), body)
}

#[test]
fn an_editor_resolves_a_declaration_with_one_stripe_write_and_viewers_cannot() {
    let s = stack();
    let hook = format!("resolved{}", now());
    let types = ["cancel.requested", "cancel.resolved", "cancel.completed"];
    let (app, _) = hooked_with(admin(), &hook, &types, json!({"email_from": FROM}));
    let email = format!("kunde.{}@example.org", now());
    let customer = s.customer_named(&email, "Grete Müller");
    let sub = s.subscription_for(&customer);
    let id = declared(&app, &email);

    let (viewer, _) = invited("viewer");
    let body = json!({"subscription_id": sub.id});
    assert_eq!(resolve(&viewer, &id, &body).status, 403);
    let (editor, _) = invited("editor");
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let both: Vec<_> = [&editor, admin()]
            .into_iter()
            .map(|who| scope.spawn(|| resolve(who, &id, &body).status))
            .collect();
        both.into_iter()
            .map(|h| h.join().expect("a resolve"))
            .collect()
    });
    let mut sorted = answers.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [200, 409], "{answers:?}");
    assert_eq!(resolve(&editor, &id, &body).status, 409, "resolving again");
    assert_eq!(s.stripe_writes(&sub.id).len(), 1, "one Stripe write");
    assert_eq!(s.read_subscription(&sub.id)["cancel_at_period_end"], true);
    let list = admin().get(&format!("/api/admin/apps/{}/requests", app.id));
    let d = &list.body[0];
    assert_eq!(
        (&d["review"], &d["subscription_id"]),
        (&json!("resolved"), &json!(sub.id))
    );
    // Announced: declared, resolved (cancelled by Holdfast), completed.
    let got = announced(&hook, 3);
    let types: Vec<&str> = got.iter().filter_map(|b| b["type"].as_str()).collect();
    for kind in ["cancel.requested", "cancel.resolved", "cancel.completed"] {
        assert_eq!(types.iter().filter(|t| **t == kind).count(), 1, "{got:?}");
    }
    let resolved = got.iter().find(|b| b["type"] == "cancel.resolved");
    let data = &resolved.expect("cancel.resolved")["data"];
    assert_eq!(
        (&data["channel"], &data["outcome"], &data["subscription_id"]),
        (&json!("public"), &json!("cancelled"), &json!(sub.id))
    );
    // The receipt to the typed address, then the outcome to Stripe's.
    assert_eq!(crate::emails::wait_for_emails(&email, 2).len(), 2);
}

/// The webhook bodies the receiver `name` got, once it has `n`.
fn announced(name: &str, n: usize) -> Vec<serde_json::Value> {
    wait_for(name, n)
        .iter()
        .filter_map(|r| r["body"].as_str())
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect()
}

#[test]
fn an_editor_finds_every_subscription_stripe_holds_for_the_typed_address() {
    let s = stack();
    let app = emailing_app("Public page, candidates");
    let stamp = now();
    // Two customers with one address, in other letter cases than typed.
    let first = s.customer_named(&format!("gesucht.{stamp}@example.org"), "Grete Müller");
    let second = s.customer_named(&format!("Gesucht.{stamp}@Example.org"), "Grete M.");
    let a = s.subscription_for(&first);
    let b = s.subscription_for(&first);
    let c = s.subscription_for(&second);
    s.stripe("DELETE", &format!("/v1/subscriptions/{}", b.id), &[]);
    let typed = format!("GESUCHT.{stamp}@example.ORG");
    let id = declared(&app, &typed);

    let path = format!("/api/admin/requests/{id}/candidates");
    let (viewer, _) = invited("viewer");
    assert_eq!(viewer.get(&path).status, 403);
    let (editor, _) = invited("editor");
    let found = editor.get(&path);
    assert_eq!(found.status, 200, "{}", found.body);
    let searched = found.body["email"].as_str().map(str::to_lowercase);
    assert_eq!(searched, Some(typed.to_lowercase()));
    assert_eq!(found.body["more"], false);
    let list = found.body["candidates"].as_array().expect("candidates");
    let of = |sub: &str| {
        list.iter()
            .find(|x| x["subscription_id"] == sub)
            .unwrap_or_else(|| panic!("{sub} in {list:?}"))
    };
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(
        (&of(&a.id)["cancellable"], &of(&a.id)["customer_id"]),
        (&json!(true), &json!(first))
    );
    assert_eq!(of(&c.id)["customer_name"], "Grete M.");
    assert_eq!(of(&b.id)["cancellable"], false, "ended already");
    assert!(of(&a.id)["amount"].is_i64(), "{}", of(&a.id));
    // Reading changes nothing, in Stripe or in the review list.
    assert!(s.stripe_writes(&a.id).is_empty());
    // Picking an ended one among them changes nothing either.
    let with_ended = json!({"subscription_ids": [a.id, b.id]});
    let refused = resolve(&editor, &id, &with_ended);
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&b.id)),
        "{}",
        refused.body
    );
    assert!(s.stripe_writes(&a.id).is_empty());
    // Both live ones, of two customers: one operation, one write each.
    let picked = resolve(&editor, &id, &json!({"subscription_ids": [a.id, c.id]}));
    assert_eq!(picked.status, 200, "{}", picked.body);
    assert_eq!(picked.body["subscription_id"], a.id.as_str());
    for sub in [&a.id, &c.id] {
        assert_eq!(s.stripe_writes(sub).len(), 1, "{sub}");
        assert_eq!(s.read_subscription(sub)["cancel_at_period_end"], true);
    }
    let nobody = declared(&app, &format!("keiner.{stamp}@example.org"));
    let none = editor.get(&format!("/api/admin/requests/{nobody}/candidates"));
    assert_eq!(none.body["candidates"], json!([]), "{}", none.body);
    assert_eq!(
        editor.get("/api/admin/requests/ses_nope/candidates").status,
        404
    );
}

#[test]
fn a_declaration_matching_nothing_is_marked_so_and_a_wrong_subscription_changes_nothing() {
    let s = stack();
    let hook = format!("unmatched{}", now());
    let (app, _) = hooked_with(
        admin(),
        &hook,
        &["cancel.resolved"],
        json!({"email_from": FROM}),
    );
    let typed = format!("niemand.{}@example.org", now());
    let id = declared(&app, &typed);
    let open = || {
        let d = admin().get(&format!("/api/admin/apps/{}/dashboard", app.id));
        assert_eq!(d.status, 200, "{}", d.body);
        d.body["open_requests"].clone()
    };
    assert_eq!(open(), 1, "the dashboard counts it");
    let (editor, _) = invited("editor");
    let unknown = resolve(&editor, &id, &json!({"subscription_id": "sub_nope"}));
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(unknown.body["error"]["field"], "subscription_id");
    let neither = resolve(&editor, &id, &json!({}));
    assert_eq!(neither.status, 400, "{}", neither.body);
    let ended = s.subscription();
    s.stripe("DELETE", &format!("/v1/subscriptions/{}", ended.id), &[]);
    let gone = resolve(&editor, &id, &json!({"subscription_id": ended.id}));
    assert_eq!(gone.status, 400, "{}", gone.body);

    let marked = resolve(
        &editor,
        &id,
        &json!({"not_matched": "No customer with this address."}),
    );
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert_eq!(marked.body["review"], "not_matched");
    assert_eq!(open(), 0, "closed: no longer counted");
    assert_eq!(
        resolve(&editor, &id, &json!({"not_matched": "again"})).status,
        409
    );
    // The typed address: the receipt and "no contract found", in the
    // visitor's language and fixed words (never the reviewer's note). The
    // queue sends them in either order.
    let sent = crate::emails::wait_for_emails(&typed, 2);
    let mut subjects: Vec<&str> = sent.iter().map(|(s, _)| s.as_str()).collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        [
            "Bestätigung Ihrer Kündigung",
            "Ihre Kündigung: kein Vertrag gefunden"
        ]
    );
    let unmatched = sent.iter().find(|(s, _)| s.contains("kein Vertrag"));
    let (_, text) = unmatched.expect("the unmatched message");
    assert!(text.contains(&id) && text.contains("/receipt/"), "{text}");
    assert!(!text.contains("No customer with this address"), "{text}");
    let got = announced(&hook, 1);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["data"]["outcome"], "not_matched");
    assert!(
        !got[0].to_string().contains("No customer with this address"),
        "the note stays in the audit trail"
    );
    let audit = admin().get("/api/admin/audit");
    assert!(
        audit.body.to_string().contains("request.not_matched"),
        "{}",
        audit.body
    );
    assert_eq!(
        resolve(&editor, "ses_nope", &json!({"not_matched": "x"})).status,
        404
    );
}
