//! Admin passwords: PBKDF2-HMAC-SHA256 through the runtime's WebCrypto,
//! which runs natively (a Rust PBKDF2 in wasm would cost far more CPU time).
//! 100,000 iterations is the most workerd's WebCrypto accepts.

use holdfast_core::signing::constant_time_eq;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

const ITERATIONS: u32 = 100_000;
const SCHEME: &str = "pbkdf2-sha256";
/// What an unknown e-mail's password is checked against, at today's cost,
/// so the time taken does not tell which addresses are admins.
pub const DUMMY_HASH: &str = "pbkdf2-sha256$100000$00$00";

fn subtle() -> Result<web_sys::SubtleCrypto, AppError> {
    let crypto: web_sys::Crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| AppError::internal("crypto is not available"))?
        .dyn_into()
        .map_err(|_| AppError::internal("crypto is not a Crypto"))?;
    Ok(crypto.subtle())
}

async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, AppError> {
    let js = |e: JsValue| AppError::internal(format!("WebCrypto: {e:?}"));
    let subtle = subtle()?;
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let raw = js_sys::Uint8Array::from(password.as_bytes());
    let key: web_sys::CryptoKey = JsFuture::from(
        subtle
            .import_key_with_str("raw", &raw, "PBKDF2", false, &usages)
            .map_err(js)?,
    )
    .await
    .map_err(js)?
    .dyn_into()
    .map_err(js)?;
    let params = web_sys::Pbkdf2Params::new_with_str(
        "PBKDF2",
        "SHA-256",
        iterations,
        &js_sys::Uint8Array::from(salt),
    );
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(&params, &key, 256)
            .map_err(js)?,
    )
    .await
    .map_err(js)?;
    Ok(js_sys::Uint8Array::new(&bits).to_vec())
}

pub async fn hash(password: &str) -> Result<String, AppError> {
    let salt = crate::random::bytes(16)?;
    let derived = derive(password, &salt, ITERATIONS).await?;
    Ok(format!(
        "{SCHEME}${ITERATIONS}${}${}",
        hex::encode(&salt),
        hex::encode(&derived)
    ))
}

/// Whether a stored hash was made at less than today's cost (each hash
/// carries its iteration count): sign-in then hashes the password again.
pub fn needs_rehash(stored: &str) -> bool {
    let mut parts = stored.split('$');
    !(parts.next() == Some(SCHEME)
        && parts
            .next()
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= ITERATIONS))
}

/// Whether `password` matches a stored hash; a malformed hash never does.
pub async fn verify(password: &str, stored: &str) -> Result<bool, AppError> {
    let parts: Vec<&str> = stored.split('$').collect();
    let [SCHEME, iterations, salt, expected] = parts.as_slice() else {
        return Ok(false);
    };
    let (Ok(iterations), Some(salt), Some(expected)) = (
        iterations.parse::<u32>(),
        hex::decode(salt).ok(),
        hex::decode(expected).ok(),
    ) else {
        return Ok(false);
    };
    let derived = derive(password, &salt, iterations).await?;
    Ok(constant_time_eq(&derived, &expected))
}
