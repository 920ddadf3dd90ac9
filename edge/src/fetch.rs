//! Leaf: one subrequest with a deadline. Stripe's calls and webhook
//! deliveries both go out here, so each is counted against the Worker's
//! subrequest limit and aborted (not just abandoned) when its time is up.

use std::time::Duration;

use futures_util::future::{select, Either};
use worker::{AbortController, Delay, Fetch, Request, Response};

/// Why a subrequest got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unanswered {
    /// Refused, reset, DNS...: the platform's words.
    Network(String),
    /// No answer within the deadline; the request was aborted.
    Timeout,
}

pub async fn send(request: Request, deadline: Duration) -> Result<Response, Unanswered> {
    let controller = AbortController::default();
    let signal = controller.signal();
    crate::counts::subrequest();
    let fetch = Fetch::Request(request);
    let call = fetch.send_with_signal(&signal);
    let timer = Delay::from(deadline);
    futures_util::pin_mut!(call, timer);
    match select(call, timer).await {
        Either::Left((Ok(resp), _)) => Ok(resp),
        Either::Left((Err(e), _)) => Err(Unanswered::Network(e.to_string())),
        Either::Right(_) => {
            controller.abort();
            Err(Unanswered::Timeout)
        }
    }
}
