//! `Stripe-Signature` on incoming webhooks: `t=TIMESTAMP,v1=HEX[,v1=HEX…]`,
//! HEX being HMAC-SHA256 of `"{t}.{body}"` keyed with the endpoint secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Stripe's own libraries accept five minutes of clock difference.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the Stripe-Signature header has no v1 signature")]
    NoSignature,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

/// `v1` signatures checked at most: Stripe sends one (two while a secret is
/// rolled); a header with thousands would cost an HMAC each.
pub const MAX_SIGNATURES: usize = 4;

/// Verifies `header` for `body`. Any of `secrets` may have signed it (two
/// during a rotation), and any of the header's `v1` signatures may match.
/// Returns the signed timestamp.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[&str],
    now: i64,
    tolerance: i64,
) -> Result<i64, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match k {
            "t" => timestamp = Some(v.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" if signatures.len() < MAX_SIGNATURES => signatures.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let t = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    if !crate::signing::is_within(t, now, tolerance) {
        return Err(SignatureError::Stale);
    }
    let signed = |secret: &str, sig: &[u8]| {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(sig).is_ok()
    };
    if secrets
        .iter()
        .any(|s| signatures.iter().any(|sig| signed(s, sig)))
    {
        Ok(t)
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sign(secret: &str, t: i64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
        mac.update(format!("{t}.{body}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn a_good_signature_verifies() {
        let h = format!("t={NOW},v1={}", sign("whsec_a", NOW, "{}"));
        assert_eq!(
            verify(&h, b"{}", &["whsec_a"], NOW + 10, TOLERANCE_SECS),
            Ok(NOW)
        );
    }

    #[test]
    fn wrong_secret_changed_body_and_stale_time_are_refused() {
        let h = format!("t={NOW},v1={}", sign("whsec_a", NOW, "{}"));
        assert_eq!(
            verify(&h, b"{}", &["whsec_b"], NOW, TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&h, b"{ }", &["whsec_a"], NOW, TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&h, b"{}", &["whsec_a"], NOW + 301, TOLERANCE_SECS),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("t=1", b"{}", &["whsec_a"], NOW, TOLERANCE_SECS),
            Err(SignatureError::NoSignature)
        );
        assert_eq!(
            verify("garbage", b"{}", &["whsec_a"], NOW, TOLERANCE_SECS),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn rotation_allows_several_signatures_and_secrets() {
        let h = format!(
            "t={NOW},v1={},v1={},v0=ignored",
            sign("whsec_old", NOW, "x"),
            sign("whsec_new", NOW, "x")
        );
        assert!(verify(&h, b"x", &["whsec_new"], NOW, TOLERANCE_SECS).is_ok());
        assert!(verify(&h, b"x", &["whsec_other", "whsec_old"], NOW, TOLERANCE_SECS).is_ok());
    }

    #[test]
    fn only_the_first_few_signatures_are_checked() {
        let good = sign("whsec_a", NOW, "{}");
        let junk = ["v1=00"; MAX_SIGNATURES].join(",");
        let late = format!("t={NOW},{junk},v1={good}");
        assert_eq!(
            verify(&late, b"{}", &["whsec_a"], NOW, 300),
            Err(SignatureError::Mismatch)
        );
        let early = format!("t={NOW},v1={good},{junk}");
        assert_eq!(verify(&early, b"{}", &["whsec_a"], NOW, 300), Ok(NOW));
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic(h in ".{0,200}") {
            let _ = verify(&h, b"{}", &["whsec_a"], NOW, TOLERANCE_SECS);
        }

        #[test]
        fn any_timestamp_is_judged_without_overflow(t in any::<i64>(), now in any::<i64>()) {
            let h = format!("t={t},v1={}", sign("whsec_a", t, "{}"));
            let r = verify(&h, b"{}", &["whsec_a"], now, TOLERANCE_SECS);
            let fresh = i128::from(now) - i128::from(t);
            prop_assert_eq!(r.is_ok(), fresh.abs() <= i128::from(TOLERANCE_SECS));
        }

        #[test]
        fn a_signed_body_verifies_and_any_change_to_it_does_not(
            body in proptest::collection::vec(any::<u8>(), 1..256),
            at in any::<proptest::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let text = String::from_utf8_lossy(&body).into_owned();
            let h = format!("t={NOW},v1={}", sign("whsec_a", NOW, &text));
            prop_assert_eq!(verify(&h, text.as_bytes(), &["whsec_a"], NOW, TOLERANCE_SECS), Ok(NOW));
            let mut changed = text.into_bytes();
            let i = at.index(changed.len());
            changed[i] ^= flip;
            prop_assert_eq!(verify(&h, &changed, &["whsec_a"], NOW, TOLERANCE_SECS), Err(SignatureError::Mismatch));
        }
    }
}
