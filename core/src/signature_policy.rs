//! How an app's precancels must prove themselves: signed (on by default),
//! and with a timestamp that goes stale (on by default for new apps), so a
//! signature copied from a page is soon worth nothing. Turning signing off
//! (the seed's minimal install) is the admin's choice, made knowingly.

use crate::signing;

/// What the admin types to allow unsigned precancels.
pub const UNSIGNED_CONFIRMATION: &str = "anyone can cancel";
/// The risk, in the words every warning uses.
pub const UNSIGNED_RISK: &str =
    "Unsigned requests are allowed: anyone who knows a subscription id can cancel it.";
/// A new app's timestamp policy: `auth_timestamp` required, 300 s either way.
pub const DEFAULT_MAX_AGE_SECS: u32 = 300;
pub const MIN_MAX_AGE_SECS: u32 = 30;
pub const MAX_MAX_AGE_SECS: u32 = 3600;

/// Why a browser's signature is refused under the app's timestamp policy
/// (`max_age`: None when timestamps are optional), if it is.
pub fn timestamp_refusal(max_age: Option<u32>, timestamp: Option<i64>, now: i64) -> Option<String> {
    let age = max_age.map_or(signing::MAX_SIGNATURE_AGE_SECS, i64::from);
    match (timestamp, max_age) {
        (Some(t), _) if !signing::is_within(t, now, age) => Some(format!(
            "auth_timestamp is stale: a timestamped auth_hash is good for {age} seconds; sign again."
        )),
        (None, Some(_)) => Some(
            "auth_timestamp is required by this app: send the unix time as auth_timestamp and sign \"{auth_timestamp}.{subscription_id}\"."
                .to_owned(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timestamp_policy_is_applied() {
        assert_eq!(timestamp_refusal(None, None, 1_000), None, "optional");
        assert!(timestamp_refusal(Some(300), None, 1_000).is_some_and(|m| m.contains("required")));
        assert_eq!(timestamp_refusal(Some(300), Some(800), 1_000), None);
        assert!(
            timestamp_refusal(Some(60), Some(800), 1_000).is_some_and(|m| m.contains("60 seconds"))
        );
        assert!(
            timestamp_refusal(None, Some(600), 1_000).is_some(),
            "300 s when optional"
        );
        assert!(timestamp_refusal(Some(300), Some(i64::MIN), 1_000).is_some());
    }
}
