use super::*;
use crate::attribution::Verdict;
use crate::record::REPEAT_WINDOW_SECS;
use crate::session::SessionStatus;
use proptest::prelude::*;

const DAY: i64 = 86_400;

fn rec(id: &str, sub: Option<&str>, day: i64, status: SessionStatus) -> SessionRecord {
    SessionRecord {
        id: id.into(),
        created_at: day * DAY,
        subscription_id: sub.map(Into::into),
        customer_id: None,
        status,
        reason_id: None,
        shown_offer_id: None,
        offer_id: None,
        audience_id: None,
        experience_id: None,
        variant_id: None,
        attribution: None,
        attribution_reason: None,
        mrr: None,
        currency: None,
        offer_cost: None,
        country: None,
        mode: crate::jurisdiction::Mode::Standard,
        channel: crate::record::Channel::Session,
        review: None,
        resolved_at: None,
    }
}

use SessionStatus::*;

#[test]
fn a_repeat_within_sixty_days_counts_once_as_its_last_decision() {
    let rs = vec![
        rec("a", Some("sub_1"), 0, OfferAccepted),
        rec("b", Some("sub_1"), 20, Cancelled),
        rec("c", Some("sub_1"), 30, Open),
        // 60 days after the run began: a new run.
        rec("d", Some("sub_1"), 60, Deflected),
        rec("e", Some("sub_2"), 1, Open),
        rec("f", Some("sub_2"), 2, Open),
        rec("g", None, 3, Open),
        rec("h", None, 3, Open),
    ];
    let flags = counted(&rs);
    let kept: Vec<&str> = rs
        .iter()
        .zip(&flags)
        .filter(|(_, c)| **c)
        .map(|(r, _)| r.id.as_str())
        .collect();
    assert_eq!(kept, ["b", "d", "f", "g", "h"]);
}

#[test]
fn sessions_of_the_same_second_keep_their_order() {
    // Kept, then cancelled a moment later: the cancel is the decision.
    let rs = vec![
        rec("z_first", Some("sub_1"), 0, Deflected),
        rec("a_second", Some("sub_1"), 0, Cancelled),
    ];
    assert_eq!(counted(&rs), [false, true]);
}

#[test]
fn outcomes_follow_the_status_and_the_attribution() {
    let mut r = rec("a", None, 0, Deflected);
    assert_eq!(r.outcome(), Outcome::Deflect);
    r.attribution = Some(Verdict::NotSaved);
    assert_eq!(r.outcome(), Outcome::Lost);
    r.status = OfferPending;
    r.attribution = Some(Verdict::Confirmed);
    assert_eq!(r.outcome(), Outcome::Offer);
    r.status = CancelPending;
    assert_eq!(r.outcome(), Outcome::Cancel);
}

fn money(mut r: SessionRecord, mrr: i64, currency: &str, cost: Option<i64>) -> SessionRecord {
    r.mrr = Some(mrr);
    r.currency = Some(currency.into());
    r.offer_cost = cost;
    r
}

#[test]
fn revenue_is_kept_per_currency_and_net_of_offer_cost() {
    let rs = vec![
        money(
            rec("a", Some("s1"), 0, OfferAccepted),
            2000,
            "usd",
            Some(3000),
        ),
        money(rec("b", Some("s2"), 0, Deflected), 1000, "usd", None),
        money(rec("c", Some("s3"), 1, Cancelled), 500, "usd", None),
        money(rec("d", Some("s4"), 1, Cancelled), 900, "EUR", None),
        money(
            SessionRecord {
                attribution: Some(Verdict::Lost),
                ..rec("e", Some("s5"), 2, Deflected)
            },
            700,
            "eur",
            None,
        ),
    ];
    let p = Period {
        from: 0,
        to: 7 * DAY,
        bucket_secs: DAY,
    };
    let r = report(&rs, &AppSettings::default(), p);
    assert_eq!(
        (
            r.total.sessions,
            r.total.saves,
            r.total.cancels,
            r.total.lost
        ),
        (5, 2, 2, 1)
    );
    assert_eq!(r.total.save_rate(), Some(0.4));
    let usd = &r.total.money["usd"];
    assert_eq!(
        (usd.mrr_saved, usd.offer_cost, usd.mrr_lost),
        (3000, 3000, 500)
    );
    assert_eq!(
        usd.net_saved(),
        3000 * 12 - 3000,
        "a 50%-for-3-months save is not a full save"
    );
    let eur = &r.total.money["eur"];
    assert_eq!((eur.mrr_saved, eur.mrr_lost), (0, 1600));
    assert_eq!(r.series.len(), 8);
    assert_eq!(r.series[1].tally.cancels, 2);
}

#[test]
fn breakdowns_use_the_admins_words_and_the_holdout_gets_a_lift() {
    let settings: AppSettings = serde_json::from_value(serde_json::json!({
        "experiences": [{"id": "exp", "name": "Spring test", "holdout_percent": 10,
            "variants": [{"id": "a", "weight": 1}]}]
    }))
    .expect("settings");
    let mut rs = Vec::new();
    for i in 0..40 {
        let status = if i % 4 == 0 { Cancelled } else { OfferAccepted };
        let mut r = rec(&format!("t{i}"), Some(&format!("s{i}")), 0, status);
        r.experience_id = Some("exp".into());
        r.variant_id = Some("a".into());
        r.reason_id = Some("too_expensive".into());
        rs.push(r);
    }
    for i in 0..20 {
        let status = if i % 4 == 0 { Deflected } else { Cancelled };
        let mut r = rec(&format!("h{i}"), Some(&format!("h{i}")), 0, status);
        r.experience_id = Some("exp".into());
        r.variant_id = Some(HOLDOUT.into());
        rs.push(r);
    }
    let r = report(
        &rs,
        &settings,
        Period {
            from: 0,
            to: DAY,
            bucket_secs: DAY,
        },
    );
    let lift = r.lift[0].lift.as_ref().expect("both groups");
    assert_eq!(
        (
            lift.treated_saves,
            lift.treated,
            lift.holdout_saves,
            lift.holdout
        ),
        (30, 40, 5, 20)
    );
    assert!((lift.difference - 0.5).abs() < 1e-9);
    assert!(lift.is_significant());
    assert_eq!(r.lift[0].label, "Spring test");
    let labels: Vec<&str> = r.by_variant.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["Spring test · a", "Spring test · Holdout"]);
    let reasons: Vec<&str> = r.by_reason.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(reasons, ["No reason given", "It's too expensive"]);
}

fn arb_record() -> impl Strategy<Value = SessionRecord> {
    (
        0usize..6,
        0i64..200,
        0usize..6,
        proptest::option::of(0usize..3),
        proptest::option::of(prop_oneof![
            Just("confirmed"),
            Just("lost"),
            Just("saved"),
            Just("not_saved")
        ]),
        proptest::option::of((
            0i64..100_000,
            prop_oneof![Just("usd"), Just("eur")],
            proptest::option::of(0i64..50_000),
        )),
    )
        .prop_map(|(sub, day, status, reason, attribution, money)| {
            let statuses = [
                Open,
                Deflected,
                CancelPending,
                Cancelled,
                OfferPending,
                OfferAccepted,
            ];
            let mut r = rec(
                "x",
                (sub > 0).then(|| format!("sub_{sub}")).as_deref(),
                day,
                statuses[status],
            );
            r.created_at += sub as i64 * 7;
            r.reason_id = reason.map(|i| format!("r{i}"));
            r.attribution = attribution.and_then(Verdict::from_name);
            if let Some((mrr, c, cost)) = money {
                r.mrr = Some(mrr);
                r.currency = Some(c.into());
                r.offer_cost = cost;
            }
            r
        })
}

fn sum(tallies: impl Iterator<Item = Tally>) -> Tally {
    let mut t = Tally::default();
    for x in tallies {
        t.sessions += x.sessions;
        t.saves += x.saves;
        t.offers += x.offers;
        t.deflects += x.deflects;
        t.cancels += x.cancels;
        t.lost += x.lost;
        t.open += x.open;
        for (c, m) in x.money {
            let e = t.money.entry(c).or_default();
            e.mrr_saved += m.mrr_saved;
            e.offer_cost += m.offer_cost;
            e.mrr_lost += m.mrr_lost;
        }
    }
    t
}

proptest! {
    #[test]
    fn totals_equal_the_sum_over_the_counted_sessions(
        mut rs in proptest::collection::vec(arb_record(), 0..60),
        from_day in 0i64..100, days in 1i64..120, width in prop_oneof![Just(DAY), Just(7 * DAY)],
    ) {
        for (i, r) in rs.iter_mut().enumerate() {
            r.id = format!("ses_{i}");
        }
        let p = Period { from: from_day * DAY, to: (from_day + days) * DAY, bucket_secs: width };
        let r = report(&rs, &AppSettings::default(), p);
        let flags = counted(&rs);
        let mut direct = Tally::default();
        let mut repeats = 0;
        for (rec, c) in rs.iter().zip(&flags) {
            if rec.created_at >= p.from && rec.created_at < p.to {
                if *c { direct.add(rec) } else { repeats += 1 }
            }
        }
        prop_assert_eq!(&r.total, &direct);
        prop_assert_eq!(r.repeats, repeats);
        prop_assert_eq!(&sum(r.series.iter().map(|b| b.tally.clone())), &direct);
        for g in [&r.by_reason, &r.by_offer, &r.by_audience, &r.by_variant] {
            prop_assert_eq!(&sum(g.iter().map(|x| x.tally.clone())), &direct);
        }
        prop_assert_eq!(direct.saves + direct.cancels + direct.lost + direct.open, direct.sessions);
    }

    #[test]
    fn each_run_of_a_subscription_counts_exactly_once(
        days in proptest::collection::vec(0i64..400, 1..30),
    ) {
        let rs: Vec<SessionRecord> = days.iter().enumerate()
            .map(|(i, d)| rec(&format!("s{i}"), Some("sub_1"), *d, Open))
            .collect();
        let mut sorted = days.clone();
        sorted.sort_unstable();
        let mut runs = 0;
        let mut start = None;
        for d in sorted {
            if start.is_none_or(|s| d * DAY - s >= REPEAT_WINDOW_SECS) {
                runs += 1;
                start = Some(d * DAY);
            }
        }
        prop_assert_eq!(counted(&rs).iter().filter(|c| **c).count(), runs);
    }
}

#[test]
fn sessions_break_down_by_country_and_mode_and_direct_cancels_are_counted() {
    let mut de = rec("a", Some("sub_1"), 1, Cancelled);
    de.country = Some("DE".into());
    de.mode = crate::jurisdiction::Mode::Direct;
    let mut ca = rec("b", Some("sub_2"), 1, Deflected);
    ca.country = Some("US".into());
    ca.mode = crate::jurisdiction::Mode::ClickToCancel;
    let r = report(
        &[de, ca],
        &AppSettings::default(),
        Period {
            from: 0,
            to: 10 * DAY,
            bucket_secs: DAY,
        },
    );
    assert_eq!(r.direct_cancels, 1);
    let keys = |g: &[Group]| g.iter().map(|x| x.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&r.by_country), ["DE", "US"]);
    assert_eq!(keys(&r.by_mode), ["click_to_cancel", "direct"]);
    let sum: u64 = r.by_mode.iter().map(|g| g.tally.sessions).sum();
    assert_eq!(sum, r.total.sessions, "breakdowns add up to the total");
}
