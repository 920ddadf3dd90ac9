//! Pass-through URLs (seed: "Pass Thru URLs"): after an offer or a cancel,
//! the customer is sent to a merchant URL filled from the session, which
//! carries a signature so the merchant's server can trust it:
//!
//! `<url>&hf_session=<id>&hf_ts=<unix>&hf_sig=<hex HMAC-SHA256>` where the
//! HMAC covers everything before `&hf_sig=`, keyed with a key derived from
//! the app's signing secret for this one purpose (`url_key`), so an `hf_sig`
//! can never serve as a precancel's `auth_hash` or the other way round. A
//! merchant refuses a URL whose `hf_ts` is older than a few minutes.

use crate::signing::{self, Purpose};
use crate::template::{render_url, Fields};

/// The key `hf_sig` is made with, derived from the app's signing secret
/// with `Purpose::PassThrough`'s label.
pub fn url_key(signing_secret: &str) -> String {
    signing::key_for(signing_secret, Purpose::PassThrough)
}

/// The signed URL the customer is sent to, made once when the decision is
/// taken (the session keeps it, so a repeated call returns the same URL).
pub fn signed(template: &str, fields: &Fields, secret: &str, session_id: &str, now: i64) -> String {
    let url = render_url(template, fields);
    let sep = if url.contains('?') { '&' } else { '?' };
    let session: String = form_urlencoded::byte_serialize(session_id.as_bytes()).collect();
    let unsigned = format!("{url}{sep}hf_session={session}&hf_ts={now}");
    let sig = signing::sign(secret, Purpose::PassThrough, &unsigned);
    format!("{unsigned}&hf_sig={sig}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the URL carries no hf_sig")]
    Unsigned,
    #[error("the signature does not match")]
    BadSignature,
    #[error("the URL is too old")]
    Stale,
}

/// What a merchant does with the URL it receives: the signature covers
/// everything before `&hf_sig=`, and `hf_ts` is recent.
pub fn verify(url: &str, secret: &str, now: i64, tolerance_secs: i64) -> Result<(), Refused> {
    let (unsigned, sig) = url.rsplit_once("&hf_sig=").ok_or(Refused::Unsigned)?;
    if !signing::verify(secret, Purpose::PassThrough, unsigned, sig) {
        return Err(Refused::BadSignature);
    }
    let ts = unsigned
        .rsplit_once("hf_ts=")
        .and_then(|(_, t)| t.split('&').next())
        .and_then(|t| t.parse::<i64>().ok())
        .ok_or(Refused::Unsigned)?;
    if (now - ts).abs() > tolerance_secs {
        return Err(Refused::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields() -> Fields {
        let mut f = Fields::new();
        f.insert("account.internal_id".into(), "12 345&x=1".into());
        f
    }

    #[test]
    fn fills_the_template_and_signs_what_it_sends() {
        let url = signed(
            "https://netflix.example/free-month?customer_id={{account.internal_id}}&interval=1",
            &fields(),
            "hf_sign_secret",
            "ses_1",
            1_000,
        );
        assert!(url.starts_with("https://netflix.example/free-month?customer_id=12+345%26x%3D1&interval=1&hf_session=ses_1&hf_ts=1000&hf_sig="));
        assert_eq!(verify(&url, "hf_sign_secret", 1_060, 300), Ok(()));
        assert_eq!(
            verify(&url, "another", 1_060, 300),
            Err(Refused::BadSignature)
        );
        assert_eq!(
            verify(&url, "hf_sign_secret", 2_000, 300),
            Err(Refused::Stale)
        );
        let tampered = url.replace("interval=1", "interval=12");
        assert_eq!(
            verify(&tampered, "hf_sign_secret", 1_060, 300),
            Err(Refused::BadSignature)
        );
        assert_eq!(
            verify("https://x.example/", "s", 0, 1),
            Err(Refused::Unsigned)
        );
        let bare = signed("https://x.example/done", &Fields::new(), "s", "ses_2", 5);
        let (head, sig) = bare.rsplit_once("&hf_sig=").expect("signed");
        assert_ne!(
            sig,
            signing::sign("s", Purpose::Subscription, head),
            "not the auth_hash scheme's key"
        );
        // A subscription's auth_hash over the same text is no hf_sig.
        let forged = format!(
            "{head}&hf_sig={}",
            signing::sign("s", Purpose::Subscription, head)
        );
        assert_eq!(verify(&forged, "s", 5, 1), Err(Refused::BadSignature));
        assert!(bare.starts_with("https://x.example/done?hf_session=ses_2&hf_ts=5&hf_sig="));
    }

    proptest! {
        #[test]
        fn any_field_value_keeps_the_signature_valid(v in "\\PC{0,40}", now in 0i64..2_000_000_000) {
            let mut f = Fields::new();
            f.insert("a".into(), v);
            let url = signed("https://m.example/p?a={{a}}", &f, "k", "ses_x", now);
            prop_assert_eq!(verify(&url, "k", now, 1), Ok(()));
        }
    }
}
