//! Carrying out public declarations (issues 39 and 40): a reviewer's picks,
//! or the one subscription Stripe holds for the typed address, cancelled
//! through the session's exactly-once path; what cannot be matched waits in
//! the review list with the reason why.

use std::time::Duration;

use holdfast_core::audit::EventKind;
use holdfast_core::cancel::{CancelPlan, CancelTiming};
use holdfast_core::declaration::matching::{self, Unmatched};
use holdfast_core::declaration::{Declaration, Review};
use holdfast_core::receipt::{Contract, Receipt};
use holdfast_core::record::Channel;
use holdfast_core::session::SessionStatus;
use holdfast_core::stripe as req;
use holdfast_core::subscription::SubscriptionFacts;
use holdfast_core::validation::check_email;
use serde_json::{json, Value};
use worker::D1Database;

use crate::config::Config;
use crate::error::AppError;
use crate::store::declarations;
use crate::store::sessions::{self, Session};
use crate::stripe;
use crate::work::{self, Decided, Decision, Work};

/// Who carries a declaration out: the matching as it is made, or a
/// reviewer from the list.
#[derive(Clone, Copy)]
pub enum Resolver<'a> {
    Matching,
    Admin(&'a str),
}

impl<'a> Resolver<'a> {
    /// As the session's trail names them.
    pub fn name(self) -> &'a str {
        match self {
            Self::Matching => "holdfast (matched in Stripe)",
            Self::Admin(email) => email,
        }
    }

    /// Where the declaration stands once they have carried it out.
    fn review(self) -> Review {
        match self {
            Self::Matching => Review::Matched,
            Self::Admin(_) => Review::Resolved,
        }
    }
}

/// How long a reviewer waits for one read from Stripe.
pub const REVIEW_DEADLINE: Duration = Duration::from_secs(8);
/// How long a visitor's receipt waits for one read while the declaration
/// is matched: past it, a person looks instead.
const MATCH_DEADLINE: Duration = Duration::from_secs(3);

/// One read from Stripe: its answer, or 503 naming why.
pub async fn read(
    client: &stripe::Client<'_>,
    call: &req::StripeRequest,
    deadline: Duration,
) -> Result<Value, AppError> {
    match client.send(call, deadline).await {
        Ok(reply) => Ok(reply.body),
        Err(f) => Err(AppError::Unavailable(format!("Stripe did not answer: {f}"))),
    }
}

/// A picked subscription as Stripe has it; 400 naming it unless it is live.
pub async fn look_up(config: &Config, sub: &str) -> Result<SubscriptionFacts, AppError> {
    let facts = match crate::routes::admin::subscription_facts(config, sub).await {
        Err(AppError::BadRequest(_)) => {
            return Err(AppError::bad(
                "subscription_id",
                format!("Stripe has no subscription {sub}."),
            ))
        }
        found => found?,
    };
    if !facts.status.is_live() {
        return Err(AppError::bad(
            "subscription_id",
            format!("Subscription {sub} is not active: there is nothing to cancel."),
        ));
    }
    Ok(facts)
}

/// Cancels the subscriptions found for the declaration `s`, the first named
/// on its receipt, once: the found subscription, one operation for all and
/// the event land in one batch guarded on the declaration being open, so
/// of two resolvers one writes to Stripe. None: another resolved it first.
pub async fn carry_out(
    db: &D1Database,
    config: &Config,
    s: &Session,
    found: Vec<SubscriptionFacts>,
    by: Resolver<'_>,
    now: i64,
) -> Result<Option<(Receipt, Vec<String>)>, AppError> {
    let mut found = found.into_iter();
    let facts = found
        .next()
        .ok_or_else(|| AppError::internal("a resolve without a subscription"))?;
    let also: Vec<String> = found.map(|f| f.id).collect();
    let receipt = found_receipt(s, &facts)?;
    let all: Vec<String> = std::iter::once(facts.id.clone())
        .chain(also.clone())
        .collect();
    let work = s.settings.manage_cancels.then(|| {
        Work::Cancel(CancelPlan {
            subscription_id: facts.id.clone(),
            customer_id: facts.customer_id.clone(),
            options: s.settings.cancel.clone(),
            feedback: None,
            comment: None,
            also,
        })
    });
    let (status, outcome) = match work {
        Some(_) => (SessionStatus::CancelPending, "cancelled"),
        None => (SessionStatus::Cancelled, "recorded"),
    };
    let ids: Vec<&str> = all.iter().map(String::as_str).collect();
    let review = by.review();
    // Announced as `cancel.resolved` (its `cancel.requested` went out when
    // it was declared); the event writes the outcome to Stripe's address.
    let decision = Decision {
        session_id: &s.id,
        transition: declarations::resolve(db, &s.id, &facts, &receipt, status, review, now)?,
        work: work.as_ref(),
        event: EventKind::RequestResolved,
        detail: resolved(outcome, &ids, by.name()),
    };
    Ok(match work::decide(db, config, decision, now).await? {
        Decided::Lost => None,
        _ => Some((receipt, all)),
    })
}

/// The receipt, now naming the contract as Stripe has it; the outcome goes
/// to the address Stripe holds (where the app sends e-mail).
fn found_receipt(s: &Session, facts: &SubscriptionFacts) -> Result<Receipt, AppError> {
    let mut r = s
        .receipt
        .clone()
        .ok_or_else(|| AppError::internal("a declaration without its receipt"))?;
    let stripe = Contract::from_fields(&facts.fields, facts.current_period_end);
    r.contract.product = stripe.product.or(r.contract.product);
    r.contract.plan = stripe.plan;
    r.contract.subscription_id = Some(facts.id.clone());
    r.contract.period_end = facts.current_period_end;
    r.email = facts
        .fields
        .get("subscription.customer.email")
        .filter(|e| check_email("email", e).is_ok())
        .filter(|_| s.settings.email_from.is_some())
        .cloned();
    Ok(r)
}

/// The `request_resolved` event's detail: what became of the declaration
/// (who resolved it is for the session's trail, not the webhook).
pub fn resolved(outcome: &str, subscriptions: &[&str], by: &str) -> Value {
    json!({"channel": Channel::Public.as_str(), "outcome": outcome, "subscription_ids": subscriptions,
           "resolved_by": by})
}

/// Matches a new declaration in Stripe and carries it out when exactly one
/// live subscription is found; otherwise notes why it waits for a person.
/// The declaration is stored before: nothing here can lose it.
pub async fn auto_match(
    config: &Config,
    db: &D1Database,
    id: &str,
    d: &Declaration,
    now: i64,
) -> Result<(), AppError> {
    let Some(s) = sessions::by_id(db, id).await? else {
        return Ok(());
    };
    let config = config
        .clone()
        .with_stored_key(s.stripe_key_sealed.as_deref());
    let why = match find(&config, &s, d).await {
        Ok(facts) => {
            carry_out(db, &config, &s, vec![facts], Resolver::Matching, now).await?;
            return Ok(());
        }
        Err(why) => why,
    };
    declarations::waits(db, id, why, now)?.run().await?;
    Ok(())
}

/// The one live subscription of the one customer with the typed address,
/// read again in full (product, customer's address) for the receipt.
async fn find(
    config: &Config,
    s: &Session,
    d: &Declaration,
) -> Result<SubscriptionFacts, Unmatched> {
    let page = &s.settings.public_page;
    if page.always_review {
        return Err(Unmatched::AlwaysReview);
    }
    if s.settings.cancel.timing != CancelTiming::AtPeriodEnd {
        return Err(Unmatched::CancelsImmediately);
    }
    let unavailable = |_| Unmatched::StripeUnavailable;
    let client = stripe::Client::new(config);
    let email = d.email.to_string();
    let search = req::search_customers_by_email(&email, 2);
    let found = read(&client, &search, MATCH_DEADLINE)
        .await
        .map_err(unavailable)?;
    let customers = found
        .get("data")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let customer = matching::one_customer(&email, &customers)?;
    // Without an id (never from Stripe) the list would be everyone's.
    let cus = customer
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or(Unmatched::NoCustomer)?;
    let list = req::list_customer_subscriptions(cus);
    let list = read(&client, &list, MATCH_DEADLINE)
        .await
        .map_err(unavailable)?;
    // The visitor's product, else any the page lists (none listed: any).
    let products: Vec<&str> = match &d.product {
        Some(p) => vec![p.id.as_str()],
        None => page.products.iter().map(|p| p.id.as_str()).collect(),
    };
    let one = matching::one_subscription(customer, &list, &products, d.number.as_deref())?;
    look_up(config, &one.id)
        .await
        .map_err(|_| Unmatched::StripeUnavailable)
}
