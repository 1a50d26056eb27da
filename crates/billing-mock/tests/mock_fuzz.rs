//! Malformed requests thrown at the whole mock: no input panics, none gets
//! a 5xx (no fault is injected here), and every refusal carries an
//! OAuth-style error body that names the problem.
#![cfg(not(target_arch = "wasm32"))]

use billing_core::api::transport::{HttpRequest, Method};
use billing_mock::{oauth, MockBackend, MockReply};
use proptest::prelude::*;
use serde_json::Value;
use url::Url;

mod support;
use support::NOW;

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Get),
        Just(Method::Post),
        Just(Method::Put),
        Just(Method::Patch),
        Just(Method::Delete),
    ]
}

/// Paths near the real ones: known prefixes, then odd segments.
fn path() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just("/v1/direct_charge"),
        Just("/v1/recurrent_charge"),
        Just("/v1/ledger"),
        Just("/v2/direct_charge/livechat"),
        Just("/v3/recurrent_charge/helpdesk"),
        Just("/v2/token"),
        Just("/v2/info"),
        Just("/charges"),
        Just("/quotes"),
        Just("/api/v01/plans"),
        Just("/__mock"),
        Just(""),
    ];
    let segment = prop_oneof![
        Just("..".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("activate".to_owned()),
        Just("cancel".to_owned()),
        Just("*".to_owned()),
        Just("*code".to_owned()),
        Just("<script>".to_owned()),
        "[a-zA-Z0-9_-]{0,40}",
        "\\PC{0,12}",
    ];
    (prefix, prop::collection::vec(segment, 0..4)).prop_map(|(prefix, segments)| {
        let mut path = prefix.to_owned();
        for segment in segments {
            path.push('/');
            path.push_str(&segment);
        }
        path
    })
}

fn body() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some("{".to_owned())),
        Just(Some("null".to_owned())),
        Just(Some("[]".to_owned())),
        Just(Some(
            r#"{"name": 5, "price": "x", "quantity": -1}"#.to_owned()
        )),
        Just(Some(r#"{"price": 1e400}"#.to_owned())),
        Just(Some(r#"{"amount": "NaN", "currency": "USD"}"#.to_owned())),
        Just(Some(format!(r#"{{"name": "{}"}}"#, "x".repeat(100_000)))),
        "\\PC{0,64}".prop_map(Some),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("?page=0".to_owned()),
        Just("?page=-1".to_owned()),
        Just("?page=99999999999999999999".to_owned()),
        Just("?status=teleported".to_owned()),
        Just("?statusCode[$lt]=abc".to_owned()),
        Just("?limit=-5&offset=x".to_owned()),
        Just("?organization=".to_owned()),
        "\\?[a-z=&%0-9]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn no_request_panics_or_fails_on_the_server_side(
        method in method(),
        path in path(),
        query in query(),
        body in body(),
        authorised in any::<bool>(),
    ) {
        let mut backend = MockBackend::new(3);
        oauth::set_developer_token(&mut backend.state, "dev");
        let Ok(url) = Url::parse("https://mock.invalid").and_then(|b| b.join(&format!("{path}{query}"))) else {
            return Ok(());
        };
        let mut request = HttpRequest::new(method, url);
        if authorised {
            request = request.with_header("Authorization", "Bearer dev");
        }
        request.body = body;
        let reply = backend.handle(&request, NOW);
        let MockReply::Respond { response, .. } = reply else {
            return Err(TestCaseError::fail("no fault was injected, yet the mock hung"));
        };
        prop_assert!(response.status < 500, "{} {} -> {}: {}", method, request.url, response.status, response.body);
        if response.status >= 400 {
            let parsed: Value = serde_json::from_str(&response.body)
                .map_err(|e| TestCaseError::fail(format!("error body is not JSON ({e}): {}", response.body)))?;
            let code = parsed.get("error").and_then(Value::as_str)
                .or_else(|| parsed.get("name").and_then(Value::as_str));
            prop_assert!(code.is_some_and(|c| !c.is_empty()), "no error code: {}", response.body);
        }
    }
}
