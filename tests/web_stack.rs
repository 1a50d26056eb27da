//! The wasm stack is 256 KiB (`.cargo/config.toml`), a quarter of the
//! default. The deepest recursion the widget does on outside data is
//! serde_json decoding nested JSON: API models keep unknown fields as
//! `serde_json::Value` (through `#[serde(flatten)]`, which buffers first),
//! and the mock reads its saved state through a `Value`. serde_json stops at
//! 128 levels, so these tests decode the deepest accepted document, and a
//! far deeper one, in the browser with that stack. They run unoptimised,
//! whose frames are larger than a release build's, so passing here leaves a
//! margin. Run with `cargo test --target wasm32-unknown-unknown --test web_stack`.
#![cfg(target_arch = "wasm32")]

use billing_mock::MockBackend;
use billing_widget::api::livechat::parse_direct_charges;
use billing_widget::api::transport::HttpResponse;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// `depth` nested arrays around a number.
fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

/// A list answer whose one charge carries an unknown field `depth` deep
/// (the answer, the list and the charge add three levels).
fn list_with_extra(depth: usize) -> HttpResponse {
    let body = format!(
        r#"{{"result": [{{"id": "5de1a2b3-0000-4000-8000-000000000001", "name": "x",
        "price": 100, "quantity": 1, "return_url": "https://a.example/r", "test": true,
        "status": "pending", "confirmation_url": "https://a.example/c",
        "created_at": "2023-11-14T22:13:20Z", "updated_at": "2023-11-14T22:13:20Z",
        "deep": {}}}]}}"#,
        nested(depth)
    );
    HttpResponse::new(200, body).with_header("Content-Type", "application/json")
}

#[wasm_bindgen_test]
fn the_deepest_json_serde_accepts_decodes_within_the_stack() {
    // 124 + 3 = 127 levels, the most serde_json accepts (125 is refused).
    let charges = parse_direct_charges(&list_with_extra(124)).expect("decoded");
    assert_eq!(charges.len(), 1);
    assert!(charges[0].extra.contains_key("deep"));
}

#[wasm_bindgen_test]
fn deeper_json_is_refused_as_a_decode_error_not_a_stack_overflow() {
    assert!(parse_direct_charges(&list_with_extra(5_000)).is_err());
}

#[wasm_bindgen_test]
fn a_saved_mock_state_nested_too_deep_is_refused() {
    let text = format!(r#"{{"version": 1, "deep": {}}}"#, nested(5_000));
    assert!(MockBackend::from_json(&text).is_err());
    let text = format!(r#"{{"version": 1, "deep": {}}}"#, nested(126));
    // Deep but within serde's limit: read, then refused for its shape.
    assert!(MockBackend::from_json(&text).is_err());
}
