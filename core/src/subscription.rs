//! What Holdfast reads from a Stripe subscription.
//!
//! Stripe moved the billing period onto `items.data[]` and prices replaced
//! plans; localstripe (and older API versions) still answer with `plan` and
//! the period on the subscription. Both shapes are read, newest first.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::template::Fields;

/// Stripe's subscription statuses; a value Stripe adds later reads as
/// `Unknown` instead of breaking precancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionState {
    Active,
    Trialing,
    PastDue,
    Unpaid,
    Canceled,
    Incomplete,
    IncompleteExpired,
    Paused,
    #[serde(other)]
    Unknown,
}

impl SubscriptionState {
    fn parse(s: &str) -> Self {
        serde_json::from_value(Value::String(s.to_owned())).unwrap_or(Self::Unknown)
    }

    /// Statuses "cancel all active subscriptions" includes.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::Trialing | Self::PastDue)
    }
}

/// The facts the edge acts on, plus every mappable field as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionFacts {
    pub id: String,
    pub status: SubscriptionState,
    pub customer_id: Option<String>,
    /// The first subscription item, which plan changes swap.
    pub item_id: Option<String>,
    pub current_period_end: Option<i64>,
    pub cancel_at_period_end: bool,
    /// Ids of the discounts on the subscription (kept when adding a coupon).
    pub discount_ids: Vec<String>,
    /// Whether any discount applies (also legacy ones without an id).
    pub has_discount: bool,
    /// `pause_collection` is set.
    pub paused: bool,
    /// The first item's price per period, in the currency's minor unit.
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// Monthly recurring revenue of every item, less active discounts.
    #[serde(default)]
    pub mrr: Option<crate::revenue::Mrr>,
    /// `subscription.*` fields named as in the seed's example payload.
    pub fields: Fields,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    #[error("the Stripe answer is not a subscription object")]
    NotASubscription,
}

impl SubscriptionFacts {
    /// Reads a subscription retrieved with
    /// `expand[]=customer&expand[]=items.data.price.product` (or the same
    /// object unexpanded: ids are read from either form).
    pub fn from_stripe(sub: &Value) -> Result<Self, FactsError> {
        let id = str_at(sub, &["id"]).ok_or(FactsError::NotASubscription)?;
        if str_at(sub, &["object"]).is_some_and(|o| o != "subscription") {
            return Err(FactsError::NotASubscription);
        }
        let item = sub.pointer("/items/data/0").unwrap_or(&Value::Null);
        let price = item.get("price").filter(|p| p.is_object());
        let plan = item
            .get("plan")
            .filter(|p| p.is_object())
            .or_else(|| sub.get("plan").filter(|p| p.is_object()));
        let customer = sub.get("customer").unwrap_or(&Value::Null);
        let product = price
            .and_then(|p| p.get("product"))
            .or_else(|| plan.and_then(|p| p.get("product")))
            .unwrap_or(&Value::Null);

        let mut f = Fields::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                f.insert(format!("subscription.{k}"), v);
            }
        };
        put("id", Some(id.clone()));
        put("status", str_at(sub, &["status"]));
        put("created", text_at(sub, &["created"]));
        put("start_date", text_at(sub, &["start_date"]));
        put("trial_start_date", text_at(sub, &["trial_start"]));
        put("trial_end_date", text_at(sub, &["trial_end"]));
        put(
            "currency",
            first_text(&[
                (sub, &["currency"]),
                (price.unwrap_or(&Value::Null), &["currency"]),
                (plan.unwrap_or(&Value::Null), &["currency"]),
            ]),
        );
        let period_start = first_text(&[
            (item, &["current_period_start"]),
            (sub, &["current_period_start"]),
        ]);
        let period_end = first_text(&[
            (item, &["current_period_end"]),
            (sub, &["current_period_end"]),
        ]);
        put("current_period_start", period_start);
        put("current_period_end", period_end.clone());
        put(
            "quantity",
            first_text(&[(item, &["quantity"]), (sub, &["quantity"])]),
        );

        put("customer.id", id_of(customer));
        put("customer.email", str_at(customer, &["email"]));
        put("customer.name", str_at(customer, &["name"]));
        put("customer.created", text_at(customer, &["created"]));

        let p = price.unwrap_or(&Value::Null);
        let l = plan.unwrap_or(&Value::Null);
        put("plan.id", first_text(&[(p, &["id"]), (l, &["id"])]));
        put(
            "plan.nickname",
            first_text(&[(p, &["nickname"]), (l, &["nickname"])]),
        );
        put(
            "plan.interval",
            first_text(&[(p, &["recurring", "interval"]), (l, &["interval"])]),
        );
        put(
            "plan.interval_count",
            first_text(&[
                (p, &["recurring", "interval_count"]),
                (l, &["interval_count"]),
            ]),
        );
        put(
            "plan.amount_decimal",
            first_text(&[
                (p, &["unit_amount_decimal"]),
                (p, &["unit_amount"]),
                (l, &["amount_decimal"]),
                (l, &["amount"]),
            ]),
        );
        put(
            "plan.billing_scheme",
            first_text(&[(p, &["billing_scheme"]), (l, &["billing_scheme"])]),
        );
        put("product.id", id_of(product));
        put("product.name", str_at(product, &["name"]));

        let discounts: Vec<&Value> = sub
            .get("discounts")
            .and_then(Value::as_array)
            .map(|d| d.iter().collect())
            .unwrap_or_default();
        let discount_ids: Vec<String> = discounts.iter().filter_map(|d| id_of(d)).collect();
        let legacy_discount = sub.get("discount").is_some_and(|d| d.is_object());
        let quantity = f
            .get("subscription.quantity")
            .and_then(|q| q.parse::<i64>().ok())
            .unwrap_or(1);
        let amount = f
            .get("subscription.plan.amount_decimal")
            .and_then(|a| a.parse::<f64>().ok())
            .map(|a| (a * quantity as f64).round() as i64);
        Ok(Self {
            has_discount: !discount_ids.is_empty() || legacy_discount,
            discount_ids,
            paused: sub.get("pause_collection").is_some_and(|p| p.is_object()),
            amount,
            currency: f.get("subscription.currency").cloned(),
            mrr: crate::revenue::mrr_of(sub),
            status: str_at(sub, &["status"])
                .map_or(SubscriptionState::Unknown, |s| SubscriptionState::parse(&s)),
            customer_id: id_of(customer),
            item_id: str_at(item, &["id"]),
            current_period_end: period_end.and_then(|s| s.parse().ok()),
            cancel_at_period_end: sub
                .get("cancel_at_period_end")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            fields: f,
            id,
        })
    }
}

/// An id from either an expanded object or a bare id string.
fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(_) => str_at(v, &["id"]),
        _ => None,
    }
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, key| cur.get(key))
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Strings, numbers and booleans as text; null, objects and arrays as absent.
fn text_at(v: &Value, path: &[&str]) -> Option<String> {
    match at(v, path)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn first_text(candidates: &[(&Value, &[&str])]) -> Option<String> {
    candidates.iter().find_map(|(v, p)| text_at(v, p))
}

#[cfg(test)]
mod tests;
