//! Unguessable identifiers from the runtime's CSPRNG.

use wasm_bindgen::JsCast;

use crate::error::AppError;

/// `n` random bytes as hex, from `crypto.getRandomValues`.
pub fn hex(n: usize) -> Result<String, AppError> {
    Ok(hex::encode(bytes(n)?))
}

/// `n` random bytes from `crypto.getRandomValues`.
pub fn bytes(n: usize) -> Result<Vec<u8>, AppError> {
    let crypto: web_sys::Crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| AppError::internal("crypto is not available"))?
        .dyn_into()
        .map_err(|_| AppError::internal("crypto is not a Crypto"))?;
    let mut buf = vec![0u8; n];
    crypto
        .get_random_values_with_u8_array(&mut buf)
        .map_err(|_| AppError::internal("crypto.getRandomValues failed"))?;
    Ok(buf)
}

/// A session token: 256 random bits. Only its digest is stored.
pub fn token() -> Result<String, AppError> {
    hex(32)
}

pub fn id(prefix: &str) -> Result<String, AppError> {
    Ok(format!("{prefix}_{}", hex(12)?))
}

/// A number in [0, 1) for backoff jitter; need not be unpredictable.
pub fn jitter() -> f64 {
    js_sys::Math::random()
}
