//! Stripe's own example objects (MIT), as shipped in `shared/`, for tests.

use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/stripe/fixtures3.json"
    );
    let text = std::fs::read_to_string(path).expect("shared/stripe/fixtures3.json beside the repo");
    let all: Value = serde_json::from_str(&text).expect("fixtures are JSON");
    all["resources"][name].clone()
}
