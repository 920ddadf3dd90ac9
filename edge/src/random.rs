//! Unguessable identifiers from the runtime's CSPRNG.

use crate::error::AppError;

/// `n` random bytes as hex, from `crypto.getRandomValues`.
pub fn hex(n: usize) -> Result<String, AppError> {
    Ok(hex::encode(bytes(n)?))
}

/// `n` random bytes from the runtime's CSPRNG (`crypto.getRandomValues`
/// in the Worker, the OS natively).
pub fn bytes(n: usize) -> Result<Vec<u8>, AppError> {
    let mut buf = vec![0u8; n];
    getrandom::getrandom(&mut buf)
        .map_err(|e| AppError::internal(format!("no random bytes: {e}")))?;
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
