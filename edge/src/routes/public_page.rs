//! `/cancel-contract/{app}`: the app's public cancel page (§312k BGB), HTML
//! that works without script, at a stable URL the merchant links from every
//! page. A post stores the declaration with its confirmation e-mail and
//! sends the visitor to the printable receipt (303, so a reload repeats
//! nothing); a wrong field, or too many declarations, shows the form again.

use std::collections::HashMap;

use holdfast_core::declaration::{self, Declaration};
use holdfast_core::i18n::{Key, Text};
use holdfast_core::locale::Locale;
use holdfast_core::receipt::{Contract, Receipt};
use holdfast_core::signing::{csp_hash, digest_hex};
use holdfast_core::template::Fields;
use holdfast_core::validation::FieldIssue;
use worker::{Request, Response};

use super::cancel_form::see_other;
use super::{param, Ctx};
use crate::error::AppError;
use crate::http;
use crate::page::public::{self, Form};
use crate::store::apps::{self, App};
use crate::store::declarations::{self, NewDeclaration, Stored};

const MAX_BODY: usize = 16 * 1024;

pub async fn show(req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let app = open_app(&ctx).await?;
    let locale = locale_of(&req, &app);
    answer(&app, locale, &HashMap::new(), &[], None, 200)
}

pub async fn submit(mut req: Request, ctx: Ctx) -> Result<Response, AppError> {
    let now = crate::clock::now_secs();
    let app = open_app(&ctx).await?;
    let body = http::body(&mut req, MAX_BODY).await?;
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let locale = locale_of(&req, &app);
    let t = Text::of(locale);
    let products = &app.settings.public_page.products;
    let d = match declaration::parse(|k| form.get(k).map(String::as_str), products, now, &t) {
        Ok(d) => d,
        Err(issues) => return answer(&app, locale, &form, &issues, None, 400),
    };
    let config = &ctx.data;
    let db = config.db()?;
    let id = crate::random::id("ses")?;
    let origin = http::origin_of(&http::raw_url(&req)).unwrap_or_default();
    let sig = crate::receipt::sign(config, &app.id, &app.signing_secret, &id)?;
    let url = format!(
        "{}/receipt/{id}/{sig}",
        config.public_url.as_deref().unwrap_or(&origin)
    );
    let receipt = receipt_of(&d, &id, &app, locale, url, now);
    let stored = declarations::insert(
        &db,
        &NewDeclaration {
            id: &id,
            token_digest: &digest_hex(&format!("public:{}:{}", app.id, d.nonce)),
            app_id: &app.id,
            fields: &fields_of(&d),
            receipt: &receipt,
            locale,
            client: &http::client(&req),
            contact: &d.email,
            now,
        },
    )
    .await?;
    match stored {
        Stored::New => {
            // Stored first: matching can delay the receipt, never lose it.
            if let Err(e) = crate::review::auto_match(config, &db, &id, &d, now).await {
                worker::console_error!("declaration {id}: matching in Stripe failed: {e}");
            }
            see_other(&receipt.url)
        }
        Stored::Again(Some(url)) => see_other(&url),
        Stored::Again(None) => Err(AppError::NotFound(
            "This declaration's data was erased.".to_owned(),
        )),
        Stored::Limited(secs) => {
            let minutes = ((secs + 59) / 60).max(1).to_string();
            let message = t.fill(Key::TooManyDeclarations, &[("minutes", &minutes)]);
            let mut resp = answer(&app, locale, &form, &[], Some(&message), 429)?;
            resp.headers_mut().set("retry-after", &secs.to_string())?;
            Ok(resp)
        }
    }
}

/// The app, when its public page is on; otherwise 404, as for no app.
async fn open_app(ctx: &Ctx) -> Result<App, AppError> {
    let id = param(ctx, "app")?;
    let db = ctx.data.db()?;
    apps::get(&db, id)
        .await?
        .filter(|a| a.settings.public_page_on())
        .ok_or_else(|| AppError::NotFound("No such page.".to_owned()))
}

/// `?lang=`, then the browser's languages, then the app's default.
fn locale_of(req: &Request, app: &App) -> Locale {
    let url = http::raw_url(req);
    let asked = http::query_param(&url, "lang");
    let accept = req.headers().get("accept-language").ok().flatten();
    Locale::choose(
        asked.as_deref(),
        accept.as_deref(),
        app.settings.default_locale,
    )
}

/// What the receipt keeps: what was declared, never anything of Stripe's.
/// The typed address gets the fixed receipt text only (`copy_to`), and
/// only where the app sends e-mail.
fn receipt_of(
    d: &Declaration,
    id: &str,
    app: &App,
    locale: Locale,
    url: String,
    now: i64,
) -> Receipt {
    Receipt {
        reference: id.to_owned(),
        kind: d.kind,
        reason: d.reason.clone(),
        received_at: now,
        ends_at: None,
        requested_end: d.on,
        email: None,
        copy_to: app
            .settings
            .email_from
            .as_ref()
            .map(|_| d.email.to_string()),
        contract: Contract {
            product: d.product.as_ref().map(|p| p.name.clone()),
            customer: Some(d.name.clone()),
            email: Some(d.email.to_string()),
            number: d.number.clone(),
            ..Contract::default()
        },
        locale,
        time_zone: None,
        url,
    }
}

/// The declaration's fields, as a session keeps what it knows of the
/// customer (all typed by the visitor, so none is vouched for).
fn fields_of(d: &Declaration) -> Fields {
    let mut f = Fields::new();
    f.insert("full_name".to_owned(), d.name.clone());
    f.insert("email".to_owned(), d.email.to_string());
    if let Some(n) = &d.number {
        f.insert("contract_number".to_owned(), n.clone());
    }
    if let Some(p) = &d.product {
        f.insert("subscription.product.id".to_owned(), p.id.clone());
    }
    f
}

fn answer(
    app: &App,
    locale: Locale,
    values: &HashMap<String, String>,
    issues: &[FieldIssue],
    alert: Option<&str>,
    status: u16,
) -> Result<Response, AppError> {
    let nonce = crate::random::token()?;
    let brand = holdfast_core::settings::translation::pick(None, &app.settings.brand, locale);
    let html = public::page(&Form {
        brand: &holdfast_core::template::render(brand, &Fields::new()),
        locale,
        products: &app.settings.public_page.products,
        nonce: &nonce,
        values,
        issues,
        alert,
    });
    let csp = format!(
        "default-src 'none'; style-src {}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        csp_hash(public::CSS)
    );
    http::localized_page(html, status, locale.tag(), &csp)
}
