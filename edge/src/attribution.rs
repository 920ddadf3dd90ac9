//! Attribution at the moment of a save (seed: "Validate Saves and
//! Attribute Revenue"): the subscription must still be live with no cancel
//! scheduled, and the save is booked with its monthly recurring revenue.

use std::time::Duration;

use holdfast_core::attribution::{final_verdict, Verdict};
use holdfast_core::audit::EventKind;
use holdfast_core::billing::Billing;
use holdfast_core::offer::Offer;
use holdfast_core::revenue::{coupons_of, offer_cost, Mrr};
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use serde_json::json;
use worker::{console_error, D1Database};

use crate::config::Config;
use crate::error::AppError;
use crate::store::Batched;
use crate::store::{events, saves, sessions};
use crate::stripe::Client;

const DEADLINE: Duration = Duration::from_secs(4);

/// Checks a save in Stripe and records the verdict, the MRR it keeps and
/// what its offer (if any) costs. A Stripe failure leaves the save
/// `unknown` (to be checked again later), never unbooked silently.
pub async fn validate_save(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer: Option<&Offer>,
    now: i64,
) -> Result<(), AppError> {
    let s = &session.settings;
    let Some(subscription_id) = session
        .subscription_id
        .as_deref()
        .filter(|_| s.attribution && !session.stripe_lookup.is_missing())
    else {
        return Ok(());
    };
    let before = session.facts.as_ref().and_then(|f| f.mrr.clone());
    let Judged {
        verdict,
        kept,
        cost,
        detail,
    } = judge(config, subscription_id, offer, before.as_ref()).await;
    // A deflect gives nothing away.
    let cost = if offer.is_none() { Some(0) } else { cost };
    let value = saves::SaveValue {
        verdict,
        kept: kept.as_ref(),
        offer_cost: cost,
        watch_until: now + i64::from(s.attribution_window_days) * 86_400,
    };
    db.batched(vec![
        saves::set_attribution(db, &session.id, &value, now)?,
        events::insert(
            db,
            &session.id,
            EventKind::SaveValidated,
            &json!({"verdict": verdict, "detail": detail}),
            now,
        )?,
    ])
    .await?;
    Ok(())
}

/// What Stripe says of a save right after it.
struct Judged {
    verdict: Verdict,
    /// The MRR the subscription keeps.
    kept: Option<Mrr>,
    /// What the offer costs a month, in minor units.
    cost: Option<i64>,
    detail: serde_json::Value,
}

/// Reads the subscription once and judges the save: kept or not, the MRR
/// it keeps, and what its offer costs against the MRR `before` it.
async fn judge(
    config: &Config,
    subscription_id: &str,
    offer: Option<&Offer>,
    before: Option<&Mrr>,
) -> Judged {
    let unknown = |error: String| Judged {
        verdict: Verdict::Unknown,
        kept: None,
        cost: None,
        detail: json!({ "error": error }),
    };
    let reply = match Client::new(config)
        .send(&req::retrieve_subscription(subscription_id), DEADLINE)
        .await
    {
        Ok(reply) => reply,
        Err(f) => {
            console_error!("attribution: Stripe read failed: {f}");
            return unknown(f.to_string());
        }
    };
    let f = match SubscriptionFacts::from_stripe(&reply.body) {
        Ok(f) => f,
        Err(e) => return unknown(e.to_string()),
    };
    let verdict = if f.is_saved() {
        Verdict::Confirmed
    } else {
        Verdict::NotSaved
    };
    let cost = offer.zip(before).and_then(|(o, b)| {
        let coupon = match &o.billing {
            Billing::Discount { coupon } => coupons_of(&reply.body)
                .into_iter()
                .find(|c| &c.id == coupon),
            _ => None,
        };
        offer_cost(
            &o.billing,
            b,
            f.mrr.as_ref(),
            coupon.as_ref(),
            f.period_months(),
        )
    });
    let detail = json!({"status": f.status, "cancel_at_period_end": f.cancel_at_period_end,
        "mrr_before": before, "mrr_kept": f.mrr, "offer_cost": cost});
    Judged {
        verdict,
        kept: f.mrr,
        cost,
        detail,
    }
}

/// Saves reviewed per cron run, so one run stays inside the Workers limits.
const REVIEW_BATCH: u32 = 10;

/// The cron's pass over the watch list: each save whose window has ended is
/// booked `saved`, or `lost` with the reason. A Stripe failure leaves it due
/// for the next run.
pub async fn review_due(db: &D1Database, config: &Config, now: i64) -> Result<usize, AppError> {
    let due = saves::due_saves(db, now, REVIEW_BATCH).await?;
    let client = Client::new(config);
    let mut reviewed = 0;
    for save in &due {
        let Ok(reply) = client
            .send(
                &req::retrieve_for_attribution(&save.subscription_id),
                DEADLINE,
            )
            .await
        else {
            continue;
        };
        let Ok(f) = SubscriptionFacts::from_stripe(&reply.body) else {
            continue;
        };
        let invoice = reply
            .body
            .pointer("/latest_invoice/status")
            .and_then(serde_json::Value::as_str);
        let (verdict, reason) = final_verdict(&f, invoice, save.mrr);
        let kind = if verdict == Verdict::Saved {
            EventKind::SaveKept
        } else {
            EventKind::SaveLost
        };
        db.batched(vec![
            saves::close_watch(db, &save.id, verdict, reason, now)?,
            events::insert_after_change(
                db,
                &save.id,
                kind,
                &json!({"reason": reason, "status": f.status, "latest_invoice": invoice}),
                now,
            )?,
        ])
        .await?;
        reviewed += 1;
    }
    if reviewed > 0 {
        crate::store::reports::touch_sync(db, "watch", crate::clock::now_secs())?
            .run()
            .await?;
    }
    Ok(reviewed)
}
