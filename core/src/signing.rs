//! Request signatures (`auth_hash`), secret-key checks and token digests.
//!
//! Every signature names what it signs ([`Purpose`]): each purpose has its
//! own key, derived from the app's signing secret with the purpose's label,
//! so a signature made for one is refused for every other. The one
//! exception is Brightback's own scheme, which installs compute today: the
//! `auth_hash` of a subscription id is the hex HMAC-SHA256 keyed with the
//! signing secret itself. The labels carry a version, so a purpose can move
//! to a new one while what was signed under the old keeps verifying.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// What a signature vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A precancel's `auth_hash` over a subscription id (Brightback's).
    Subscription,
    /// A precancel's `auth_hash` over `account.internal_id`, for apps
    /// without a billing integration.
    Account,
    /// A receipt link's signature over the session id.
    Receipt,
    /// A pass-through URL's `hf_sig` over the URL before it.
    PassThrough,
}

impl Purpose {
    pub const ALL: [Self; 4] = [
        Self::Subscription,
        Self::Account,
        Self::Receipt,
        Self::PassThrough,
    ];

    /// The label its key is derived with; None: the secret itself. Each
    /// holds a space, so no Stripe id or other signed subject can equal
    /// one and so sign for a derived key.
    pub const fn label(self) -> Option<&'static str> {
        match self {
            Self::Subscription => None,
            Self::Account => Some("holdfast account id v1"),
            Self::Receipt => Some("holdfast receipt link v1"),
            Self::PassThrough => Some("holdfast pass-through url v1"),
        }
    }
}

/// The key a purpose signs with: HMAC-SHA256 of its label under the
/// signing secret, as lower-case hex, or the secret itself.
pub fn key_for(secret: &str, purpose: Purpose) -> String {
    match purpose.label() {
        Some(label) => auth_hash(secret, label),
        None => secret.to_owned(),
    }
}

/// The hex signature of `message` for `purpose`.
pub fn sign(secret: &str, purpose: Purpose, message: &str) -> String {
    auth_hash(&key_for(secret, purpose), message)
}

/// Whether `candidate_hex` is `message`'s signature for `purpose` (in
/// constant time); a signature for any other purpose is refused.
pub fn verify(secret: &str, purpose: Purpose, message: &str, candidate_hex: &str) -> bool {
    verify_auth_hash(&key_for(secret, purpose), message, candidate_hex)
}

/// The bare HMAC: hex HMAC-SHA256 of `subject` keyed with `secret`.
/// Signatures go through [`sign`]; this stays for keys that are not an
/// app's signing secret.
pub fn auth_hash(secret: &str, subject: &str) -> String {
    hex::encode(mac(secret, subject).finalize().into_bytes())
}

/// Checks a hex `auth_hash` in constant time. Upper- or lower-case hex is
/// accepted; anything that is not hex of the right length is refused.
pub fn verify_auth_hash(secret: &str, subject: &str, candidate_hex: &str) -> bool {
    let Ok(candidate) = hex::decode(candidate_hex.trim()) else {
        return false;
    };
    mac(secret, subject).verify_slice(&candidate).is_ok()
}

/// How long a signature that carries a timestamp stays good, either way
/// of the edge's clock, unless the app sets its own (`signature_policy`).
pub const MAX_SIGNATURE_AGE_SECS: i64 = 300;

/// What a signature signs. With a timestamp it is `"{timestamp}.{subject}"`,
/// as Stripe signs its webhooks, so a captured signature is good for
/// [`MAX_SIGNATURE_AGE_SECS`] only; without one, the subject alone
/// (Brightback's scheme).
pub fn signed_message(subject: &str, timestamp: Option<i64>) -> String {
    match timestamp {
        Some(t) => format!("{t}.{subject}"),
        None => subject.to_owned(),
    }
}

/// `timestamp` is at most `tolerance` seconds from `now`, either way.
/// Checked: a timestamp comes from a request, so any i64 may arrive.
pub fn is_within(timestamp: i64, now: i64, tolerance: i64) -> bool {
    now.checked_sub(timestamp)
        .and_then(i64::checked_abs)
        .is_some_and(|age| age <= tolerance)
}

fn mac(secret: &str, subject: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(subject.as_bytes());
    mac
}

/// Hex SHA-256, used to store session tokens and secret keys: a leaked
/// database row then grants nothing.
pub fn digest_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Compares a presented secret with a stored digest in constant time.
pub fn matches_digest(presented: &str, stored_digest_hex: &str) -> bool {
    let Ok(stored) = hex::decode(stored_digest_hex) else {
        return false;
    };
    let presented = Sha256::digest(presented.as_bytes());
    presented.as_slice().ct_eq(&stored).into()
}

/// Equality of two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A CSP source allowing exactly one inline element: `'sha256-<base64>'`
/// of its text.
pub fn csp_hash(text: &str) -> String {
    use base64::Engine;
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_is_signed_before_the_subject_and_goes_stale() {
        assert_eq!(
            signed_message("sub_1", Some(1700000000)),
            "1700000000.sub_1"
        );
        assert_eq!(signed_message("sub_1", None), "sub_1");
        assert!(is_within(
            1000,
            1000 + MAX_SIGNATURE_AGE_SECS,
            MAX_SIGNATURE_AGE_SECS
        ));
        assert!(!is_within(
            1000,
            1001 + MAX_SIGNATURE_AGE_SECS,
            MAX_SIGNATURE_AGE_SECS
        ));
        assert!(
            is_within(1000 + MAX_SIGNATURE_AGE_SECS, 1000, MAX_SIGNATURE_AGE_SECS),
            "a little clock skew is fine"
        );
        assert!(!is_within(
            1001 + MAX_SIGNATURE_AGE_SECS,
            1000,
            MAX_SIGNATURE_AGE_SECS
        ));
        assert!(
            !is_within(i64::MIN, i64::MAX, MAX_SIGNATURE_AGE_SECS),
            "no overflow"
        );
    }

    proptest! {
        #[test]
        fn a_signature_for_one_time_is_not_one_for_another(t in 0i64..4_000_000_000, d in 1i64..1000) {
            let h = auth_hash("secret", &signed_message("sub_1", Some(t)));
            prop_assert!(verify_auth_hash("secret", &signed_message("sub_1", Some(t)), &h));
            prop_assert!(!verify_auth_hash("secret", &signed_message("sub_1", Some(t + d)), &h));
            prop_assert!(!verify_auth_hash("secret", "sub_1", &h));
        }
    }

    #[test]
    fn brightbacks_subscription_signature_is_unchanged() {
        assert_eq!(
            sign(
                "Jefe",
                Purpose::Subscription,
                "what do ya want for nothing?"
            ),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_derived_keys_are_the_ones_links_already_sent_carry() {
        // Receipt links and pass-through URLs were made with these keys
        // before purposes had a name: they keep opening.
        let s = "hf_sign_test";
        assert_eq!(
            key_for(s, Purpose::Receipt),
            auth_hash(s, "holdfast receipt link v1")
        );
        assert_eq!(
            key_for(s, Purpose::PassThrough),
            auth_hash(s, "holdfast pass-through url v1")
        );
        let labels: Vec<_> = Purpose::ALL.iter().filter_map(|p| p.label()).collect();
        assert!(labels.iter().all(|l| l.contains(' ') && l.ends_with(" v1")));
    }

    proptest! {
        #[test]
        fn a_signature_for_one_purpose_is_refused_for_every_other(
            secret in "[a-z0-9_]{1,40}",
            message in "[ -~]{0,60}",
        ) {
            for made in Purpose::ALL {
                let sig = sign(&secret, made, &message);
                for used in Purpose::ALL {
                    prop_assert_eq!(verify(&secret, used, &message, &sig), made == used, "{:?} as {:?}", made, used);
                }
            }
        }
    }

    #[test]
    fn csp_hashes_are_base64_sha256() {
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
    use proptest::prelude::*;

    // RFC 4231 test case 2 pins the HMAC itself, independent of this code.
    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        assert_eq!(
            auth_hash("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_correct_hash_verifies_in_either_case() {
        let h = auth_hash("s3cret", "sub_K1Vhej7WAk7k7Z");
        assert!(verify_auth_hash("s3cret", "sub_K1Vhej7WAk7k7Z", &h));
        assert!(verify_auth_hash(
            "s3cret",
            "sub_K1Vhej7WAk7k7Z",
            &h.to_uppercase()
        ));
    }

    #[test]
    fn tampering_is_refused() {
        let h = auth_hash("s3cret", "sub_A");
        assert!(
            !verify_auth_hash("s3cret", "sub_B", &h),
            "other subscription"
        );
        assert!(!verify_auth_hash("other", "sub_A", &h), "other secret");
        assert!(!verify_auth_hash("s3cret", "sub_A", &h[..62]), "truncated");
        assert!(!verify_auth_hash("s3cret", "sub_A", "zz"), "not hex");
        assert!(!verify_auth_hash("s3cret", "sub_A", ""), "empty");
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn digests_match_only_their_secret() {
        let d = digest_hex("hf_sk_abc");
        assert!(matches_digest("hf_sk_abc", &d));
        assert!(!matches_digest("hf_sk_abd", &d));
        assert!(!matches_digest("hf_sk_abc", "not-hex"));
    }

    proptest! {
        #[test]
        fn any_hash_verifies_for_its_own_inputs(secret in ".{1,40}", subject in ".{0,60}") {
            let h = auth_hash(&secret, &subject);
            prop_assert!(verify_auth_hash(&secret, &subject, &h));
        }

        #[test]
        fn a_flipped_hex_digit_never_verifies(subject in "sub_[A-Za-z0-9]{4,20}", pos in 0usize..64) {
            let h = auth_hash("k", &subject);
            let mut bytes = h.into_bytes();
            bytes[pos] = if bytes[pos] == b'0' { b'1' } else { b'0' };
            let tampered = String::from_utf8(bytes).expect("ascii");
            prop_assert!(!verify_auth_hash("k", &subject, &tampered));
        }
    }
}
