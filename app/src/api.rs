//! Typed client of the session API; every call returns `Result<T, Error>`.

use gloo_net::http::{Request, Response};
use holdfast_core::api::{
    ApiError, CancelRequest, ChooseReasonRequest, OfferPreview, OutcomeResponse, SessionView,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The request never got an answer.
    Network,
    /// The edge answered with an error it explained.
    Api { status: u16, error: ApiError },
}

impl Error {
    /// What to tell the customer.
    pub fn message(&self) -> String {
        match self {
            Self::Network => {
                "We couldn't reach the server. Check your connection and try again.".to_owned()
            }
            Self::Api { error, .. } => error.error.message.clone(),
        }
    }
}

fn base(token: &str) -> String {
    format!("/api/sessions/{token}")
}

async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, Error> {
    let status = resp.status();
    if resp.ok() {
        resp.json::<T>().await.map_err(|_| Error::Network)
    } else {
        let error = resp.json::<ApiError>().await.unwrap_or_else(|_| {
            ApiError::new(
                "unknown",
                format!("The server answered {status}. Please try again."),
                None,
            )
        });
        Err(Error::Api { status, error })
    }
}

async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, Error> {
    let resp = Request::post(url)
        .json(body)
        .map_err(|_| Error::Network)?
        .send()
        .await
        .map_err(|_| Error::Network)?;
    read(resp).await
}

pub async fn session(token: String) -> Result<SessionView, Error> {
    let resp = Request::get(&base(&token))
        .send()
        .await
        .map_err(|_| Error::Network)?;
    read(resp).await
}

pub async fn choose_reason(
    token: String,
    req: ChooseReasonRequest,
) -> Result<serde_json::Value, Error> {
    post(&format!("{}/reason", base(&token)), &req).await
}

pub async fn cancel(token: String, req: CancelRequest) -> Result<OutcomeResponse, Error> {
    post(&format!("{}/cancel", base(&token)), &req).await
}

pub async fn deflect(token: String) -> Result<OutcomeResponse, Error> {
    post(&format!("{}/deflect", base(&token)), &serde_json::json!({})).await
}

pub async fn show_offer(token: String, offer_id: String) -> Result<OfferPreview, Error> {
    post(
        &format!("{}/offers/{offer_id}/show", base(&token)),
        &serde_json::json!({}),
    )
    .await
}

pub async fn accept_offer(token: String, offer_id: String) -> Result<OutcomeResponse, Error> {
    post(
        &format!("{}/offers/{offer_id}/accept", base(&token)),
        &serde_json::json!({}),
    )
    .await
}
