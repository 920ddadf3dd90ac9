pub mod cancel;
pub mod not_found;
