//! The scale benchmark's small version: a year of 20,000 sessions of one
//! app (`t_scale`, written by tests/bench/fill.py through the triggers
//! before the edge started) reports from the rollups exactly what the
//! sessions table says, pages by keyset through every match once, and
//! exports every row. The query-plan test runs over the same database.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{admin, agent, stack};

fn fill() -> Value {
    let raw = std::env::var("HOLDFAST_SCALE").expect("scripts/test fills t_scale");
    serde_json::from_str(&raw).expect("fill.py's JSON")
}

#[test]
fn a_year_of_sessions_reports_from_rollups_what_the_sessions_say() {
    let s = stack();
    let f = fill();
    let (from, to) = (
        f["from"].as_i64().expect("from"),
        f["to"].as_i64().expect("to"),
    );
    let a = admin();
    let year = a.get(&format!(
        "/api/admin/apps/t_scale/dashboard?from={from}&to={to}"
    ));
    assert_eq!(year.status, 200, "{}", year.body);
    let total = &year.body["total"];
    assert_eq!(total["sessions"], f["sessions"], "{total}");
    assert_eq!(year.body["repeats"], f["repeats"]);
    assert_eq!(total["cancels"], f["cancels"]);
    assert_eq!(total["saves"], f["saves"]);
    // The series and every breakdown add up to the totals.
    let sum = |list: &Value| -> i64 {
        list.as_array()
            .expect("a list")
            .iter()
            .map(|g| g["tally"]["sessions"].as_i64().unwrap_or(0))
            .sum()
    };
    for part in [
        "series",
        "by_reason",
        "by_offer",
        "by_country",
        "by_mode",
        "by_variant",
    ] {
        assert_eq!(
            Some(sum(&year.body[part])),
            total["sessions"].as_i64(),
            "{part}"
        );
    }
    // A filter reads the full rollups: Germany's row of the breakdown.
    let de = year.body["by_country"]
        .as_array()
        .and_then(|l| l.iter().find(|g| g["key"] == "DE"))
        .expect("Germany")["tally"]
        .clone();
    let only_de = a.get(&format!(
        "/api/admin/apps/t_scale/dashboard?from={from}&to={to}&country=DE"
    ));
    assert_eq!(only_de.body["total"], de);

    // The list of German cancels, page by page, newest first, each once.
    let query = format!("from={from}&to={to}&country=DE&outcome=cancel&limit=200");
    let mut seen = BTreeSet::new();
    let (mut after, mut last, mut total_listed) = (String::new(), (i64::MAX, String::new()), None);
    for _ in 0..100 {
        let page = a.get(&format!(
            "/api/admin/apps/t_scale/sessions?{query}&after={after}"
        ));
        assert_eq!(page.status, 200, "{}", page.body);
        total_listed = page.body["total"].as_u64();
        for row in page.body["sessions"].as_array().expect("sessions") {
            let key = (
                row["created_at"].as_i64().expect("time"),
                row["id"].as_str().expect("id").to_owned(),
            );
            assert!(key < last, "newest first: {key:?} after {last:?}");
            assert!(seen.insert(key.1.clone()), "each once");
            last = key;
        }
        match page.body["next"].as_str() {
            Some(n) => after = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(Some(seen.len() as u64), total_listed);
    assert!(seen.len() > 200, "several pages: {}", seen.len());

    // The export streams every counted session of the year.
    let csv = agent()
        .get(&format!(
            "{}/api/admin/apps/t_scale/sessions.csv?from={from}&to={to}",
            s.url
        ))
        .set("cookie", &a.cookie)
        .call()
        .expect("the export")
        .into_string()
        .expect("CSV text");
    assert_eq!(Some(csv.lines().count() as i64 - 1), f["sessions"].as_i64());
}
