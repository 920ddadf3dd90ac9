//! Retention offers on the cancel page: which may be shown, the offer screen
//! with its numbers, and accepting one (through `work::decide`, the path it
//! shares with cancels: applied in Stripe exactly once).

use std::time::Duration;

use holdfast_core::api::session::{OfferPreview, OutcomeResponse};
use holdfast_core::audit::EventKind;
use holdfast_core::billing::Billing;
use holdfast_core::experience::offer_view;
use holdfast_core::offer::{self, NotOffered, Offer, OfferPlan};
use holdfast_core::session::{Lookup, SessionStatus};
use holdfast_core::settings::ReasonGate;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use serde_json::{json, Value};
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::store::Batched;
use crate::store::{events, sessions, transitions, won};
use crate::stripe::{Client, Failure};
use crate::work::{self, Decided, Work};

const READ_DEADLINE: Duration = Duration::from_secs(4);

/// The guardrails on what precancel read. A session that did not read
/// Stripe (enrichment off) checks the cooldown only here; the fresh read at
/// accept time checks the rest.
fn guard(session: &sessions::Session, offer: &Offer, now: i64) -> Result<(), offer::Ineligible> {
    let cooldown = session.settings.offer_cooldown_days;
    if session.facts.is_none()
        && session.stripe_lookup == Lookup::Skipped
        && session.subscription_id.is_some()
    {
        return offer::check_history(session.last_offer_at, now, cooldown);
    }
    offer::check(
        offer,
        session.facts.as_ref(),
        session.last_offer_at,
        now,
        cooldown,
    )
}

/// Offers that pass the guardrails on what precancel read from Stripe. Once
/// the session's offer screens are used up, only the ones already shown
/// stay (a reload shows them again); the server enforces the limit in `show`.
pub fn eligible(session: &sessions::Session, now: i64) -> Vec<&Offer> {
    if !session.status.can_accept_offer() {
        return Vec::new();
    }
    let s = &session.settings;
    let exhausted = screens_left(session) == 0;
    s.offers
        .iter()
        .filter(|o| !exhausted || session.shown_offers.contains(&o.id))
        .filter(|o| {
            s.offer_for(session.assignment.as_ref(), ReasonGate::Any, &o.id)
                .is_ok()
        })
        .filter(|o| guard(session, o, now).is_ok())
        .collect()
}

pub fn screens_left(session: &sessions::Session) -> u32 {
    max_screens(session).saturating_sub(session.offers_shown)
}

/// Offer screens the session's mode allows: none in `direct` mode, where
/// nothing may come before the final button, one in `click_to_cancel`.
fn max_screens(session: &sessions::Session) -> u32 {
    session
        .mode
        .offer_screens(session.settings.max_offer_screens)
}

/// The offer, if this session could have been shown it for its reason: the
/// page's own rule (`AppSettings::offer_for`), applied before anything else.
fn find<'a>(session: &'a sessions::Session, offer_id: &str) -> Result<&'a Offer, AppError> {
    session
        .settings
        .offer_for(
            session.assignment.as_ref(),
            ReasonGate::Chosen(session.reason_id.as_deref()),
            offer_id,
        )
        .map_err(refused)
}

fn refused(why: NotOffered) -> AppError {
    match why {
        NotOffered::Unknown => AppError::NotFound(format!("No such offer on this page ({why}).")),
        why => AppError::OfferRefused(format!("This offer is not available: {why}.")),
    }
}

fn placement(offer: &Offer) -> Result<String, AppError> {
    transitions::placement(&offer.reasons)
}

fn unavailable(why: offer::Ineligible) -> AppError {
    AppError::Conflict(format!("This offer is not available: {why}."))
}

/// Shows the offer screen: counts it against the session's limit and says
/// what accepting means, in Stripe's numbers where Stripe has a preview.
pub async fn show(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer_id: &str,
    now: i64,
) -> Result<OfferPreview, AppError> {
    let offer = find(session, offer_id)?;
    if !session.status.can_accept_offer() {
        return Err(AppError::Conflict(
            "This page's decision is already made.".to_owned(),
        ));
    }
    guard(session, offer, now).map_err(unavailable)?;
    if session.shown_offers.contains(&offer.id) {
        // A reload: the same screen, nothing new written, Stripe asked once.
        if let Some(kept) = session.offer_previews.get(&offer.id) {
            if let Ok(p) = serde_json::from_value::<OfferPreview>(kept.clone()) {
                return Ok(p);
            }
        }
        return kept_preview(db, config, session, offer, now).await;
    }
    let results = db
        .batched(vec![
            transitions::show_offer(
                db,
                &session.id,
                offer_id,
                &placement(offer)?,
                max_screens(session),
                now,
            )?,
            events::insert_after_change(
                db,
                &session.id,
                EventKind::OfferShown,
                &json!({"offer_id": offer_id, "kind": offer.billing.kind()}),
                now,
            )?,
        ])
        .await?;
    if !results.first().is_some_and(won) {
        return Err(AppError::Conflict(
            "No more offers can be shown on this page.".to_owned(),
        ));
    }
    kept_preview(db, config, session, offer, now).await
}

/// The offer screen's numbers, computed once and kept with the session.
async fn kept_preview(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer: &Offer,
    now: i64,
) -> Result<OfferPreview, AppError> {
    let p = preview(config, session, offer, now).await;
    let json = serde_json::to_string(&p)?;
    transitions::keep_preview(db, &session.id, &offer.id, &json)?
        .run()
        .await?;
    Ok(p)
}

async fn preview(
    config: &Config,
    session: &sessions::Session,
    offer: &Offer,
    now: i64,
) -> OfferPreview {
    let facts = session.facts.as_ref();
    let mut p = OfferPreview {
        offer: offer_view(
            offer,
            &session.fields,
            session.settings.default_locale,
            None,
        ),
        current_amount: facts.and_then(|f| f.amount),
        new_amount: None,
        currency: facts.and_then(|f| f.currency.clone()),
        next_charge_at: facts.and_then(|f| f.current_period_end),
        resumes_at: None,
        facts: Vec::new(),
    };
    let Some(f) = facts else { return p };
    match &offer.billing {
        Billing::Pause { duration, interval } | Billing::Extension { duration, interval } => {
            p.resumes_at = offer::resumes_at(f, now, *duration, *interval);
            if matches!(offer.billing, Billing::Pause { .. }) {
                p.next_charge_at = p.resumes_at;
            }
        }
        billing => {
            let Some(call) =
                req::preview_offer(&f.id, f.item_id.as_deref(), &f.discount_ids, billing)
            else {
                return p;
            };
            if let Ok(reply) = Client::new(config).send(&call, READ_DEADLINE).await {
                let int = |k: &str| reply.body.get(k).and_then(Value::as_i64);
                p.new_amount = int("total").or(int("amount_due"));
                p.next_charge_at = int("next_payment_attempt")
                    .or(int("period_end"))
                    .or(p.next_charge_at);
                p.currency = reply
                    .body
                    .get("currency")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or(p.currency);
            }
        }
    }
    p
}

/// Accepts an offer: guardrails again on a fresh read, the acceptance
/// recorded before Stripe is called, the write applied once.
pub async fn accept(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer_id: &str,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let offer = find(session, offer_id)?;
    match session.status {
        SessionStatus::OfferAccepted if session.offer_id.as_deref() == Some(offer_id) => {
            return Ok(outcome(
                session.outcome_url.clone(),
                SessionStatus::OfferAccepted,
            ))
        }
        SessionStatus::OfferPending if session.offer_id.as_deref() == Some(offer_id) => {
            let landed = work::resume(db, config, &session.id, now).await?;
            return Ok(outcome(
                session.outcome_url.clone(),
                landed.map_or(SessionStatus::OfferPending, |l| l.status),
            ));
        }
        s if s.is_cancel() => {
            return Err(AppError::Conflict(
                "You've already cancelled on this page, so the offer can no longer be accepted."
                    .to_owned(),
            ))
        }
        s if !s.can_accept_offer() => {
            return Err(AppError::Conflict(
                "An offer was already accepted on this page.".to_owned(),
            ))
        }
        _ => {}
    }
    if !session.shown_offers.contains(&offer.id) {
        return Err(refused(NotOffered::NotShown));
    }
    let applies_in_stripe = offer.billing.writes_to_stripe()
        && session.settings.manage_offers
        && !session.stripe_lookup.is_missing();
    match (applies_in_stripe, session.subscription_id.as_deref()) {
        (true, Some(sub)) => accept_in_stripe(db, config, session, offer, sub, now).await,
        _ => record_only(db, config, session, offer, now).await,
    }
}

async fn accept_in_stripe(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer: &Offer,
    sub: &str,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let fresh = match Client::new(config).send(&req::retrieve_subscription(sub), READ_DEADLINE).await {
        Ok(reply) => SubscriptionFacts::from_stripe(&reply.body)?,
        Err(Failure::Status { status: 404, .. }) => return Err(unavailable(offer::Ineligible::NoSubscription)),
        Err(_) => return Err(AppError::Unavailable("We couldn't reach the billing system to apply this offer. Please try again in a moment.".to_owned())),
    };
    let cooldown = session.settings.offer_cooldown_days;
    if let Err(why) = offer::check(offer, Some(&fresh), session.last_offer_at, now, cooldown) {
        // A concurrent click of the same offer may have applied it already:
        // that is this request's answer too, not a refusal.
        return current(db, session, offer)
            .await
            .map_err(|_| unavailable(why));
    }
    let resumes_at = match &offer.billing {
        Billing::Pause { duration, interval } | Billing::Extension { duration, interval } => {
            offer::resumes_at(&fresh, now, *duration, *interval)
        }
        _ => None,
    };
    let plan = OfferPlan {
        offer_id: offer.id.clone(),
        subscription_id: fresh.id.clone(),
        billing: offer.billing.clone(),
        item_id: fresh.item_id.clone(),
        existing_discounts: fresh.discount_ids.clone(),
        resumes_at,
    };
    let work = Work::Offer(plan);
    decide(db, config, session, offer, Some(&work), now).await
}

/// Offers Holdfast does not apply itself: redirects, or any offer when the
/// app does not let Holdfast manage offers. Recorded for the merchant.
async fn record_only(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer: &Offer,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    guard(session, offer, now).map_err(unavailable)?;
    decide(db, config, session, offer, None, now).await
}

/// The acceptance through `work::decide`: pending until Stripe has the
/// write, or accepted at once when it is recorded only.
async fn decide(
    db: &D1Database,
    config: &Config,
    session: &sessions::Session,
    offer: &Offer,
    work: Option<&Work>,
    now: i64,
) -> Result<OutcomeResponse, AppError> {
    let url = destination(session, config, offer);
    let to = match work {
        Some(_) => SessionStatus::OfferPending,
        None => SessionStatus::OfferAccepted,
    };
    let mut detail =
        json!({"offer_id": offer.id, "kind": offer.billing.kind(), "billing": offer.billing});
    if work.is_none() {
        detail["recorded_only"] = json!(true);
    }
    let decision = work::Decision {
        session_id: &session.id,
        transition: transitions::start_offer(
            db,
            &session.id,
            to,
            (&offer.id, &placement(offer)?),
            url.as_deref(),
            now,
        )?,
        work,
        event: EventKind::OfferAccepted,
        detail,
    };
    let status = match work::decide(db, config, decision, now).await? {
        Decided::Lost => return current(db, session, offer).await,
        Decided::Recorded => SessionStatus::OfferAccepted,
        Decided::Landed(l) => l.status,
    };
    if status == SessionStatus::OfferAccepted {
        crate::attribution::validate_save(db, config, session, Some(offer), now).await?;
    }
    Ok(outcome(url, status))
}

async fn current(
    db: &D1Database,
    session: &sessions::Session,
    offer: &Offer,
) -> Result<OutcomeResponse, AppError> {
    let fresh = sessions::reread(db, session).await?;
    if fresh.status.is_offer() && fresh.offer_id.as_deref() == Some(offer.id.as_str()) {
        return Ok(outcome(fresh.outcome_url.clone(), fresh.status));
    }
    if fresh.status.can_accept_offer() {
        // Still undecided: the statement's own guard refused, as the reason
        // changed under this request.
        return Err(refused(NotOffered::OtherReason));
    }
    Err(AppError::Conflict(
        "This page's decision was already made.".to_owned(),
    ))
}

/// Where accepting sends the customer, fixed at the decision: a redirect
/// offer's or pass-through URL (signed), else `save_return_url`.
fn destination(session: &sessions::Session, config: &Config, offer: &Offer) -> Option<String> {
    let pass_through = match &offer.billing {
        Billing::Redirect { url } => Some(url.as_str()),
        _ => offer.pass_through_url.as_deref(),
    };
    match pass_through {
        Some(template) => crate::cancel::pass_through(session, config, template),
        None => session.save_return_url.clone(),
    }
}

fn outcome(redirect_url: Option<String>, status: SessionStatus) -> OutcomeResponse {
    let message = if status == SessionStatus::OfferAccepted {
        "Done! Your offer is applied. Thank you for staying with us."
    } else {
        "Thank you! We're applying your offer now; it may take a few minutes to show on your account."
    };
    OutcomeResponse {
        status,
        message: message.to_owned(),
        redirect_url,
        cancel_effective_at: None,
        receipt: None,
    }
}
