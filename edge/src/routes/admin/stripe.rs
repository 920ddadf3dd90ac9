//! Connect Stripe: the key is sealed at rest and never sent back; the check
//! reads each resource the seed lists and says which permission is missing.

use holdfast_core::audit::AdminAction;
use secrecy::ExposeSecret;
use std::time::Duration;

use holdfast_core::api::stripe::{
    self as wire, ConnectStripeRequest, PermissionCheck, StripeConnection,
};
use holdfast_core::api::stripe::{Access, KeySource};
use holdfast_core::stripe::{Method, StripeRequest};
use serde_json::json;
use worker::{Request, Response};

use super::{body, Signed};
use crate::error::AppError;
use crate::http;
use crate::routes::Ctx;
use crate::store::Batched;
use crate::store::{admin::audit, connection};
use crate::stripe::{Client, Failure};

const DEADLINE: Duration = Duration::from_secs(8);

pub async fn get_connection(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    connection_view(&signed.db, &ctx).await
}

/// Where the Stripe key comes from, and which one (never the key).
async fn connection_view(db: &worker::D1Database, ctx: &Ctx) -> Result<Response, AppError> {
    let view = match connection::get(db).await? {
        Some(c) => StripeConnection {
            source: KeySource::Settings,
            last4: Some(c.last4),
            mode: Some(c.mode),
            connected_at: Some(c.connected_at),
        },
        None => {
            let config = ctx.data.clone();
            let key = config
                .stripe_key
                .as_ref()
                .map(|k| k.expose_secret().to_owned());
            StripeConnection {
                source: config.stripe_key_source,
                last4: key.as_deref().map(wire::last4),
                mode: key.as_deref().map(wire::key_mode),
                connected_at: None,
            }
        }
    };
    Ok(http::json(&view, 200))
}

pub async fn connect(mut req: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let form: ConnectStripeRequest = body(&mut req).await?;
    let key = form.key.trim().to_owned();
    wire::check_stripe_key(&key).map_err(|i| AppError::Invalid(vec![i]))?;
    let config = ctx.data.clone();
    if config.encryption_key.is_none() {
        return Err(AppError::Conflict(
            "Saving a key needs the HOLDFAST_ENCRYPTION_KEY secret (64 hex characters).".to_owned(),
        ));
    }
    let sealed = crate::secrets::seal(&config, crate::secrets::STRIPE_KEY, &key)?;
    let (last4, mode) = (wire::last4(&key), wire::key_mode(&key));
    db.batched(vec![
        connection::save(&db, &sealed, &last4, mode, &admin.email, now)?,
        audit(
            &db,
            &admin.email,
            AdminAction::StripeConnect,
            None,
            &json!({"last4": last4, "mode": mode}),
            now,
        )?,
    ])
    .await?;
    let view = StripeConnection {
        source: KeySource::Settings,
        last4: Some(last4),
        mode: Some(mode),
        connected_at: Some(now),
    };
    Ok(http::json(&view, 200))
}

pub async fn disconnect(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    db.batched(vec![
        connection::delete(&db)?,
        audit(
            &db,
            &admin.email,
            AdminAction::StripeDisconnect,
            None,
            &json!({}),
            now,
        )?,
    ])
    .await?;
    connection_view(&db, &ctx).await
}

/// The seed's permissions: read on Customers, Events, Products, Plans (and
/// Prices, today's plans), Coupons; write on Subscriptions. Write is probed
/// by updating a subscription that cannot exist: 404 means the key may
/// write, 403 that it may not, and nothing changes either way.
const CHECKS: [(&str, Access, Method, &str); 7] = [
    ("Customers", Access::Read, Method::Get, "/v1/customers"),
    ("Events", Access::Read, Method::Get, "/v1/events"),
    ("Products", Access::Read, Method::Get, "/v1/products"),
    ("Plans", Access::Read, Method::Get, "/v1/plans"),
    ("Prices", Access::Read, Method::Get, "/v1/prices"),
    (
        "Subscriptions",
        Access::Write,
        Method::Post,
        "/v1/subscriptions/sub_holdfast_permission_probe",
    ),
    ("Coupons", Access::Read, Method::Get, "/v1/coupons"),
];

pub async fn check(_: Request, ctx: Ctx, signed: Signed) -> Result<Response, AppError> {
    let Signed { db, admin, now } = signed;
    let config = ctx.data.clone().with_saved_key(&db).await?;
    let client = Client::new(&config);
    let mut results = Vec::with_capacity(CHECKS.len());
    for (resource, needs, method, path) in CHECKS {
        let call = StripeRequest::probe(method, path);
        let answer = client.send(&call, DEADLINE).await;
        let (ok, fix) = match &answer {
            Ok(_) => (true, None),
            Err(Failure::Status { status: 404, .. }) if method == Method::Post => (true, None),
            Err(Failure::Status { status: 403, .. }) => (
                false,
                Some(format!(
                    "In Stripe, edit the key: give it {} access to {resource}.",
                    if needs == Access::Write {
                        "Write"
                    } else {
                        "Read"
                    }
                )),
            ),
            Err(Failure::Status { status: 401, .. }) => (
                false,
                Some("Stripe refused the key itself: paste it again.".to_owned()),
            ),
            Err(Failure::NotConfigured) => (false, Some("No Stripe key is connected.".to_owned())),
            Err(f) => (false, Some(format!("Could not check: {f}"))),
        };
        results.push(PermissionCheck {
            resource: resource.into(),
            needs,
            ok,
            fix,
        });
    }
    let missing: Vec<&str> = results
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.resource.as_str())
        .collect();
    audit(
        &db,
        &admin.email,
        AdminAction::StripeCheck,
        None,
        &json!({"missing": missing}),
        now,
    )?
    .run()
    .await?;
    Ok(http::json(&results, 200))
}
