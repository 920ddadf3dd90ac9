//! Typed client of the session API; every call returns `Result<T, Error>`.

use holdfast_core::api::session::{CancelRequest, ChooseReasonRequest, OfferPreview};
use holdfast_core::api::{ApiError, ErrorCode};
use holdfast_core::i18n::{Key, Text};
use holdfast_core::session::SessionStatus;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The request never got an answer.
    Network,
    /// The edge answered with an error it explained.
    Api { status: u16, error: ApiError },
}

impl Error {
    /// What to tell the admin.
    pub fn message(&self) -> String {
        match self {
            Self::Network => {
                "We couldn't reach the server. Check your connection and try again.".to_owned()
            }
            Self::Api { error, .. } => error.error.message.clone(),
        }
    }

    /// What to tell the customer, in the page's language.
    pub fn message_in(&self, text: &Text) -> String {
        match self {
            Self::Network => text.get(Key::NetworkError).to_owned(),
            Self::Api { error, .. } => error.error.message.clone(),
        }
    }
}

/// What the page reads of a decision (`OutcomeResponse`): a cancel's
/// confirmation is then shown by the edge's own page, so the receipt's
/// types stay out of the customer's download.
#[derive(Clone, Deserialize)]
pub struct Outcome {
    pub status: SessionStatus,
    #[serde(default)]
    pub redirect_url: Option<String>,
}

/// The `{}` body of the actions that take none.
#[derive(Serialize)]
struct Empty {}

fn base(token: &str) -> String {
    format!("/api/sessions/{token}")
}

/// One call to the session API with the browser's own `fetch`: gloo-net
/// would pull streams and HTTP tables into the customer's download, which
/// has a 100 KB budget.
async fn call<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<JsValue>,
) -> Result<T, Error> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(b) = &body {
        let headers = Headers::new().map_err(|_| Error::Network)?;
        headers
            .set("content-type", "application/json")
            .map_err(|_| Error::Network)?;
        init.set_headers(&headers);
        let text = js_sys::JSON::stringify(b).map_err(|_| Error::Network)?;
        init.set_body(&text);
    }
    let promise = web_sys::window()
        .ok_or(Error::Network)?
        .fetch_with_str_and_init(url, &init);
    let resp: Response = JsFuture::from(promise)
        .await
        .and_then(|r| r.dyn_into())
        .map_err(|_| Error::Network)?;
    let status = resp.status();
    // The browser parses the JSON; serde reads the parsed value (no JSON
    // parser in the bundle).
    let value = match resp.json() {
        Ok(p) => JsFuture::from(p).await.unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    };
    if resp.ok() {
        serde_wasm_bindgen::from_value(value).map_err(|_| Error::Network)
    } else {
        // The page shows the message only; reading just that keeps the
        // bundle small.
        let message = js_sys::Reflect::get(&value, &"error".into())
            .and_then(|e| js_sys::Reflect::get(&e, &"message".into()))
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("The server answered {status}. Please try again."));
        Err(Error::Api {
            status,
            error: ApiError::new(ErrorCode::Unknown, message, None),
        })
    }
}

async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, Error> {
    let body = body
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| Error::Network)?;
    call("POST", url, Some(body)).await
}

pub async fn choose_reason(
    token: String,
    req: ChooseReasonRequest,
) -> Result<serde::de::IgnoredAny, Error> {
    post(&format!("{}/reason", base(&token)), &req).await
}

pub async fn cancel(token: String, req: CancelRequest) -> Result<Outcome, Error> {
    post(&format!("{}/cancel", base(&token)), &req).await
}

pub async fn deflect(token: String) -> Result<Outcome, Error> {
    post(&format!("{}/deflect", base(&token)), &Empty {}).await
}

pub async fn show_offer(token: String, offer_id: String) -> Result<OfferPreview, Error> {
    post(
        &format!("{}/offers/{offer_id}/show", base(&token)),
        &Empty {},
    )
    .await
}

pub async fn accept_offer(token: String, offer_id: String) -> Result<Outcome, Error> {
    post(
        &format!("{}/offers/{offer_id}/accept", base(&token)),
        &Empty {},
    )
    .await
}
