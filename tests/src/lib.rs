//! Only the end-to-end tests in `tests/api/` live in this crate.
