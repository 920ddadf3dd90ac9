//! The edge serves the OpenAPI document it is checked against.

use serde_json::Value;

use crate::helpers::{get, stack};

#[test]
fn the_edge_serves_the_openapi_document() {
    let s = stack();
    let served = get(&format!("{}/api/openapi.json", s.url));
    assert_eq!(served.status, 200);
    let file: Value = serde_json::from_str(include_str!("../../edge/openapi.json")).expect("JSON");
    assert_eq!(served.body, file);
}
