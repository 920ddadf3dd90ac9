//! Secrets at rest: AES-256-GCM with a key the Worker holds as a secret, so
//! a copy of the database alone reveals no Stripe key.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

const VERSION: &str = "v1";

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

    proptest! {
        #[test]
        fn anything_round_trips(text in ".{0,200}", nonce in any::<[u8; 12]>()) {
            let sealed = seal(&KEY, &nonce, &text).expect("seals");
            prop_assert_eq!(open(&KEY, &sealed).expect("opens"), text);
        }
    }
}
