//! Two-factor sign-in with time-based one-time passwords (RFC 6238: SHA-1,
//! 6 digits, 30-second steps, as every authenticator app expects), using
//! `totp-lite` for the codes. The clock is an argument, so tests fix it.

use base32::Alphabet;
use totp_lite::{totp_custom, Sha1};

/// RFC 4648 base32 without padding, as `otpauth://` URIs carry secrets.
const RFC4648: Alphabet = Alphabet::Rfc4648 { padding: false };
const STEP: u64 = 30;
const DIGITS: u32 = 6;

/// The secret as authenticator apps take it.
pub fn encode(secret: &[u8]) -> String {
    base32::encode(RFC4648, secret)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    base32::decode(RFC4648, &text.trim().to_ascii_uppercase())
}

/// `otpauth://totp/Holdfast:{email}?secret=…&issuer=Holdfast`
pub fn uri(secret: &[u8], email: &str) -> String {
    let label: String =
        form_urlencoded::byte_serialize(format!("Holdfast:{email}").as_bytes()).collect();
    format!(
        "otpauth://totp/{label}?secret={}&issuer=Holdfast&algorithm=SHA1&digits={DIGITS}&period={STEP}",
        encode(secret)
    )
}

/// The code for `now`.
pub fn code(secret: &[u8], now: i64) -> String {
    totp_custom::<Sha1>(STEP, DIGITS, secret, u64::try_from(now).unwrap_or(0))
}

/// The time step `code` belongs to, if it is the code of this step or the
/// one before or after (clocks drift), and newer than `last_step` (a code
/// works once).
pub fn verify(secret: &[u8], code_text: &str, now: i64, last_step: Option<i64>) -> Option<i64> {
    let code_text = code_text.trim();
    if code_text.len() != DIGITS as usize || !code_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = now.div_euclid(STEP as i64);
    [step - 1, step, step + 1]
        .into_iter()
        .filter(|s| last_step.is_none_or(|last| *s > last))
        .find(|s| {
            let expected = code(secret, s * STEP as i64);
            crate::signing::constant_time_eq(expected.as_bytes(), code_text.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B (SHA-1, the 20-byte ASCII secret), last 6 digits.
    #[test]
    fn matches_the_rfcs_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, want) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code(secret, t), want, "t={t}");
        }
    }

    #[test]
    fn a_code_works_around_its_step_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_109;
        let c = code(secret, now);
        let step = verify(secret, &c, now, None).expect("accepted");
        assert_eq!(
            verify(secret, &c, now + 30, None),
            Some(step),
            "a step late"
        );
        assert_eq!(verify(secret, &c, now + 90, None), None, "too late");
        assert_eq!(verify(secret, &c, now, Some(step)), None, "used");
        assert_eq!(verify(secret, "12345", now, None), None);
        assert_eq!(verify(secret, "abcdef", now, None), None);
    }

    #[test]
    fn secrets_round_trip_through_base32_and_the_uri_names_the_admin() {
        let secret = [7u8; 20];
        assert_eq!(
            decode(&encode(&secret).to_lowercase()),
            Some(secret.to_vec())
        );
        let u = uri(&secret, "ada@example.com");
        assert!(
            u.starts_with("otpauth://totp/Holdfast%3Aada%40example.com?secret="),
            "{u}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_text_decodes_or_is_refused_without_a_panic(text in ".{0,64}") {
            if let Some(bytes) = decode(&text) {
                proptest::prop_assert_eq!(decode(&encode(&bytes)), Some(bytes));
            }
        }
    }
}
