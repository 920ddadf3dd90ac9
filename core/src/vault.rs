//! Secrets at rest: AES-256-GCM with a key the Worker holds as a secret, so
//! a copy of the database alone reveals no Stripe key, signing secret or
//! webhook secret.
//!
//! A sealed value is `v2:<key id>:<nonce hex>:<ciphertext hex>`; the key id
//! (the first 8 hex characters of the key's SHA-256) says which key opens
//! it, so a previous key can stay readable while everything is re-sealed
//! under the new one. `v1:<nonce>:<ciphertext>` (before key ids) still
//! opens with either key.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const VERSION_2: &str = "v2";

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

/// Encrypts `plaintext`; `nonce` must be fresh random bytes for each call.
pub fn seal(key: &[u8; 32], nonce: &[u8; 12], plaintext: &str) -> Result<String, VaultError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let sealed = cipher
        .encrypt(Nonce::from_slice(nonce), plaintext.as_bytes())
        .map_err(|_| VaultError::Malformed)?;
    Ok(format!(
        "{VERSION}:{}:{}",
        hex::encode(nonce),
        hex::encode(sealed)
    ))
}

pub fn open(key: &[u8; 32], sealed: &str) -> Result<String, VaultError> {
    let mut parts = sealed.split(':');
    let (Some(VERSION), Some(nonce), Some(body), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VaultError::Malformed);
    };
    let nonce = hex::decode(nonce)
        .ok()
        .filter(|n| n.len() == 12)
        .ok_or(VaultError::Malformed)?;
    let body = hex::decode(body).map_err(|_| VaultError::Malformed)?;
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let plain = cipher
        .decrypt(Nonce::from_slice(&nonce), body.as_ref())
        .map_err(|_| VaultError::Unopenable)?;
    String::from_utf8(plain).map_err(|_| VaultError::Unopenable)
}

/// A key's id: the first 8 hex characters of its SHA-256.
pub fn key_id(key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(key)[..4])
}

/// Whether a stored value is sealed (rather than a legacy plain value).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with("v1:") || stored.starts_with("v2:")
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

    /// Seals under the current key; `nonce` must be fresh for each call.
    pub fn seal(&self, nonce: &[u8; 12], plaintext: &str) -> Result<String, VaultError> {
        let v1 = seal(&self.current, nonce, plaintext)?;
        let body = v1.strip_prefix("v1:").ok_or(VaultError::Malformed)?;
        Ok(format!("{VERSION_2}:{}:{body}", key_id(&self.current)))
    }

    /// Opens a value sealed under either key.
    pub fn open(&self, sealed: &str) -> Result<String, VaultError> {
        let keys = || std::iter::once(&self.current).chain(self.previous.as_ref());
        if let Some(rest) = sealed.strip_prefix("v2:") {
            let (kid, body) = rest.split_once(':').ok_or(VaultError::Malformed)?;
            let key = keys()
                .find(|k| key_id(k) == kid)
                .ok_or(VaultError::Unopenable)?;
            return open(key, &format!("{VERSION}:{body}"));
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

    /// Sealed under the current key already: nothing to re-seal.
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix("v2:")
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

    #[test]
    fn a_keyring_names_its_key_and_opens_the_previous_ones_values() {
        let old = Keyring::new(&"11".repeat(32), None).expect("key");
        let sealed_old = old.seal(&NONCE, "whsec_old").expect("seals");
        assert!(sealed_old.starts_with(&format!("v2:{}:", key_id(&[0x11; 32]))));
        assert!(old.is_current(&sealed_old));
        let legacy = seal(&[0x11; 32], &NONCE, "hf_sign_legacy").expect("seals");

        let rotated = Keyring::new(&"22".repeat(32), Some(&"11".repeat(32))).expect("keys");
        assert_eq!(rotated.open(&sealed_old).as_deref(), Ok("whsec_old"));
        assert_eq!(
            rotated.open(&legacy).as_deref(),
            Ok("hf_sign_legacy"),
            "v1 opens too"
        );
        assert!(!rotated.is_current(&sealed_old), "to be re-sealed");
        let resealed = rotated.seal(&[2; 12], "whsec_old").expect("seals");
        assert!(rotated.is_current(&resealed));

        let new_only = Keyring::new(&"22".repeat(32), None).expect("key");
        assert_eq!(new_only.open(&sealed_old), Err(VaultError::Unopenable));
        assert_eq!(new_only.open(&resealed).as_deref(), Ok("whsec_old"));
        assert!(is_sealed(&resealed) && is_sealed(&legacy) && !is_sealed("hf_sign_plain"));
        assert!(
            !format!("{rotated:?}").contains("2222"),
            "Debug shows the id only"
        );
    }

    proptest! {
        #[test]
        fn anything_round_trips(text in ".{0,200}", nonce in any::<[u8; 12]>()) {
            let sealed = seal(&KEY, &nonce, &text).expect("seals");
            prop_assert_eq!(open(&KEY, &sealed).expect("opens"), text);
        }
    }
}
