//! Secrets at rest: AES-256-GCM with a key the Worker holds as a secret, so
//! a copy of the database alone reveals no Stripe key, signing secret or
//! webhook secret.
//!
//! A sealed value is `v3:<key id>:<nonce hex>:<ciphertext hex>`, sealed
//! with its [`Place`] (table, secret, row id) as associated data: a value
//! copied into another row or column does not open there. The key id (the
//! first 8 hex characters of the key's SHA-256) says which key opens it, so
//! a previous key can stay readable while everything is re-sealed under the
//! new one. Older forms still open, unbound, until re-sealed:
//! `v2:<key id>:…` and `v1:<nonce>:<ciphertext>` (before key ids).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const VERSION_3: &str = "v3";

/// Where a sealed value belongs. `secret` names the secret, not the
/// column: a rotation moves a value from the current column to the
/// previous one of the same secret (`previous_signing_secret =
/// signing_secret`), and it must still open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    pub table: &'a str,
    pub secret: &'a str,
    pub row: &'a str,
}

impl Place<'_> {
    /// The associated data. Lengths first, so no two places share it.
    fn aad(&self) -> Vec<u8> {
        let parts = [self.table, self.secret, self.row];
        let mut out = b"holdfast sealed v3".to_vec();
        for p in parts {
            out.extend_from_slice(&(p.len() as u32).to_be_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("the encryption key must be 64 hex characters (32 bytes)")]
    BadKey,
    #[error("the sealed value is malformed")]
    Malformed,
    #[error("the sealed value does not open with this key (wrong key or tampered)")]
    Unopenable,
}

/// Parses the Worker secret: 32 bytes as hex.
pub fn key_from_hex(hex_key: &str) -> Result<[u8; 32], VaultError> {
    hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(VaultError::BadKey)
}

/// `<nonce hex>:<ciphertext hex>` of `plaintext` under `key` with `aad`
/// as associated data (empty for the unbound v1 form: AES-GCM with empty
/// associated data is AES-GCM without it).
fn encrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    plaintext: &str,
    aad: &[u8],
) -> Result<String, VaultError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad,
            },
        )
        .map_err(|_| VaultError::Malformed)?;
    Ok(format!("{}:{}", hex::encode(nonce), hex::encode(sealed)))
}

/// Opens what [`encrypt`] made, with the same associated data.
fn decrypt(key: &[u8; 32], body: &str, aad: &[u8]) -> Result<String, VaultError> {
    let (nonce, body) = body.split_once(':').ok_or(VaultError::Malformed)?;
    let nonce = hex::decode(nonce)
        .ok()
        .filter(|n| n.len() == 12)
        .ok_or(VaultError::Malformed)?;
    let body = hex::decode(body).map_err(|_| VaultError::Malformed)?;
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let plain = cipher
        .decrypt(Nonce::from_slice(&nonce), Payload { msg: &body, aad })
        .map_err(|_| VaultError::Unopenable)?;
    String::from_utf8(plain).map_err(|_| VaultError::Unopenable)
}

/// Encrypts `plaintext` unbound (v1); `nonce` must be fresh random bytes
/// for each call.
pub fn seal(key: &[u8; 32], nonce: &[u8; 12], plaintext: &str) -> Result<String, VaultError> {
    Ok(format!(
        "{VERSION}:{}",
        encrypt(key, nonce, plaintext, &[])?
    ))
}

/// Opens a v1 value.
pub fn open(key: &[u8; 32], sealed: &str) -> Result<String, VaultError> {
    let body = sealed
        .strip_prefix("v1:")
        .filter(|b| b.matches(':').count() == 1)
        .ok_or(VaultError::Malformed)?;
    decrypt(key, body, &[])
}

fn seal_bound(
    key: &[u8; 32],
    nonce: &[u8; 12],
    place: Place<'_>,
    plaintext: &str,
) -> Result<String, VaultError> {
    let body = encrypt(key, nonce, plaintext, &place.aad())?;
    Ok(format!("{VERSION_3}:{}:{body}", key_id(key)))
}

/// A key's id: the first 8 hex characters of its SHA-256.
pub fn key_id(key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(key)[..4])
}

/// Whether a stored value is sealed (rather than a legacy plain value).
pub fn is_sealed(stored: &str) -> bool {
    ["v1:", "v2:", "v3:"].iter().any(|v| stored.starts_with(v))
}

/// The current key, which seals, and the previous one, which only opens.
#[derive(Clone)]
pub struct Keyring {
    current: [u8; 32],
    previous: Option<[u8; 32]>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Keyring({})", key_id(&self.current))
    }
}

impl Keyring {
    pub fn new(current_hex: &str, previous_hex: Option<&str>) -> Result<Self, VaultError> {
        Ok(Self {
            current: key_from_hex(current_hex)?,
            previous: previous_hex.map(key_from_hex).transpose()?,
        })
    }

    /// Seals under the current key, bound to `place`; `nonce` must be
    /// fresh for each call.
    pub fn seal(
        &self,
        nonce: &[u8; 12],
        place: Place<'_>,
        plaintext: &str,
    ) -> Result<String, VaultError> {
        seal_bound(&self.current, nonce, place, plaintext)
    }

    /// Opens a value sealed under either key; a bound one only at its own
    /// place.
    pub fn open(&self, place: Place<'_>, sealed: &str) -> Result<String, VaultError> {
        let keys = || std::iter::once(&self.current).chain(self.previous.as_ref());
        let by_id = |kid: &str| {
            keys()
                .find(|k| key_id(k) == kid)
                .ok_or(VaultError::Unopenable)
        };
        if let Some(rest) = sealed.strip_prefix("v3:") {
            let (kid, body) = rest.split_once(':').ok_or(VaultError::Malformed)?;
            return decrypt(by_id(kid)?, body, &place.aad());
        }
        if let Some(rest) = sealed.strip_prefix("v2:") {
            let (kid, body) = rest.split_once(':').ok_or(VaultError::Malformed)?;
            return decrypt(by_id(kid)?, body, &[]);
        }
        let mut last = VaultError::Malformed;
        for key in keys() {
            match open(key, sealed) {
                Ok(plain) => return Ok(plain),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Sealed under the current key and bound already: nothing to re-seal.
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix("v3:")
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(kid, _)| kid == key_id(&self.current))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: [u8; 32] = [7; 32];
    const NONCE: [u8; 12] = [1; 12];

    #[test]
    fn a_sealed_secret_opens_and_hides_its_text() {
        let sealed = seal(&KEY, &NONCE, "rk_test_abc123").expect("seals");
        assert!(!sealed.contains("rk_test"), "{sealed}");
        assert_eq!(open(&KEY, &sealed).expect("opens"), "rk_test_abc123");
    }

    #[test]
    fn a_wrong_key_or_a_changed_byte_does_not_open() {
        let sealed = seal(&KEY, &NONCE, "sk_test_x").expect("seals");
        assert_eq!(open(&[8; 32], &sealed), Err(VaultError::Unopenable));
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            open(&KEY, &String::from_utf8(tampered).expect("ascii")),
            Err(VaultError::Unopenable)
        );
        assert_eq!(open(&KEY, "v2:00:00"), Err(VaultError::Malformed));
    }

    #[test]
    fn keys_are_32_bytes_of_hex() {
        assert!(key_from_hex(&"ab".repeat(32)).is_ok());
        assert_eq!(key_from_hex("abcd"), Err(VaultError::BadKey));
        assert_eq!(key_from_hex(&"zz".repeat(32)), Err(VaultError::BadKey));
    }

    const AT: Place<'static> = Place {
        table: "webhook_endpoints",
        secret: "secret",
        row: "we_1",
    };

    /// A value as a keyring sealed it before places were bound (v2).
    fn unbound(key: &[u8; 32], plain: &str) -> String {
        let v1 = seal(key, &NONCE, plain).expect("seals");
        format!("v2:{}:{}", key_id(key), &v1["v1:".len()..])
    }

    #[test]
    fn a_keyring_names_its_key_and_opens_the_previous_ones_values() {
        let old = Keyring::new(&"11".repeat(32), None).expect("key");
        let sealed_old = old.seal(&NONCE, AT, "whsec_old").expect("seals");
        assert!(sealed_old.starts_with(&format!("v3:{}:", key_id(&[0x11; 32]))));
        assert!(old.is_current(&sealed_old));
        let legacy = seal(&[0x11; 32], &NONCE, "hf_sign_legacy").expect("seals");
        let v2 = unbound(&[0x11; 32], "whsec_v2");

        let rotated = Keyring::new(&"22".repeat(32), Some(&"11".repeat(32))).expect("keys");
        assert_eq!(rotated.open(AT, &sealed_old).as_deref(), Ok("whsec_old"));
        assert_eq!(
            rotated.open(AT, &legacy).as_deref(),
            Ok("hf_sign_legacy"),
            "v1 opens too"
        );
        assert_eq!(rotated.open(AT, &v2).as_deref(), Ok("whsec_v2"), "and v2");
        assert!(!rotated.is_current(&sealed_old), "to be re-sealed");
        assert!(!old.is_current(&v2), "an unbound value is re-sealed bound");
        let resealed = rotated.seal(&[2; 12], AT, "whsec_old").expect("seals");
        assert!(rotated.is_current(&resealed));

        let new_only = Keyring::new(&"22".repeat(32), None).expect("key");
        assert_eq!(new_only.open(AT, &sealed_old), Err(VaultError::Unopenable));
        assert_eq!(new_only.open(AT, &resealed).as_deref(), Ok("whsec_old"));
        assert!(is_sealed(&resealed) && is_sealed(&legacy) && !is_sealed("hf_sign_plain"));
        assert!(
            !format!("{rotated:?}").contains("2222"),
            "Debug shows the id only"
        );
    }

    #[test]
    fn a_bound_value_opens_only_at_its_place() {
        let ring = Keyring::new(&"33".repeat(32), None).expect("key");
        let sealed = ring.seal(&NONCE, AT, "whsec_mine").expect("seals");
        assert_eq!(ring.open(AT, &sealed).as_deref(), Ok("whsec_mine"));
        for elsewhere in [
            Place { row: "we_2", ..AT },
            Place {
                secret: "previous_secret",
                ..AT
            },
            Place {
                table: "apps",
                ..AT
            },
            // Lengths are bound too: no shifting of characters between parts.
            Place {
                table: "webhook_endpointss",
                secret: "ecret",
                ..AT
            },
        ] {
            assert_eq!(
                ring.open(elsewhere, &sealed),
                Err(VaultError::Unopenable),
                "{elsewhere:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn anything_round_trips(text in ".{0,200}", nonce in any::<[u8; 12]>()) {
            let sealed = seal(&KEY, &nonce, &text).expect("seals");
            prop_assert_eq!(open(&KEY, &sealed).expect("opens"), text.clone());
            let ring = Keyring::new(&hex::encode(KEY), None).expect("key");
            let bound = ring.seal(&nonce, AT, &text).expect("seals");
            prop_assert_eq!(ring.open(AT, &bound).expect("opens"), text);
        }

        #[test]
        fn no_other_row_opens_it(row in "[a-z0-9_]{0,20}") {
            let ring = Keyring::new(&hex::encode(KEY), None).expect("key");
            let sealed = ring.seal(&NONCE, AT, "s").expect("seals");
            let there = Place { row: &row, ..AT };
            prop_assert_eq!(ring.open(there, &sealed).is_ok(), row == AT.row);
        }
    }
}
