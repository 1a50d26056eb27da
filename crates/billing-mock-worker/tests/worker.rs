//! The browser demo's mock host, as its Service Worker drives it: JSON in,
//! JSON out, the state handed back and forth across worker restarts.

use billing_mock_worker::MockHost;
use serde_json::{json, Value};

const DEMO: &str = "http://127.0.0.1:8080";

fn send(host: &mut MockHost, method: &str, url: &str, body: Option<Value>) -> Value {
    let request = json!({
        "method": method,
        "url": url,
        "headers": [["Content-Type", "application/json"]],
        "body": body.map(|b| b.to_string()),
    });
    let answer = host.handle(&request.to_string(), 1_700_000_000_000);
    serde_json::from_str(&answer).expect("the host answers JSON")
}

fn body(answer: &Value) -> Value {
    serde_json::from_str(answer["body"].as_str().expect("a body")).expect("a JSON body")
}

#[test]
fn answers_a_request_with_status_headers_body_and_the_mock_marker() {
    let mut host = MockHost::start(None, DEMO);
    let answer = send(&mut host, "GET", &format!("{DEMO}/__mock/scenarios"), None);
    assert_eq!(answer["status"], 200);
    assert_eq!(answer["delay_ms"], 0);
    let headers = answer["headers"].as_array().expect("headers");
    assert!(
        headers.iter().any(|h| h[0] == "X-Mock-Backend"),
        "every answer says it is the mock's: {headers:?}"
    );
    assert_eq!(body(&answer)["current"], "happy_path");
}

#[test]
fn an_unreadable_request_gets_a_json_error_naming_the_problem() {
    let mut host = MockHost::start(None, DEMO);
    let answer: Value = serde_json::from_str(&host.handle("{\"method\": 3}", 0)).expect("JSON");
    assert_eq!(answer["status"], 400);
    assert!(body(&answer)["error_description"]
        .as_str()
        .is_some_and(|d| d.starts_with("unreadable request")));

    let teapot = send(&mut host, "BREW", &format!("{DEMO}/v1/ledger"), None);
    assert_eq!(teapot["status"], 400);
    assert!(body(&teapot)["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("BREW")));
}

#[test]
fn a_lost_answer_is_a_hang_the_worker_never_answers() {
    let mut host = MockHost::start(None, DEMO);
    let queued = send(
        &mut host,
        "POST",
        &format!("{DEMO}/__mock/faults/next"),
        Some(json!({ "preset": "hang" })),
    );
    assert_eq!(queued["status"], 200, "{queued}");
    let hung = send(
        &mut host,
        "GET",
        "https://billing.livechatinc.com/v1/ledger",
        None,
    );
    assert_eq!(hung, json!({ "hang": true }));
}

#[test]
fn the_state_survives_a_restart_of_the_worker() {
    let mut host = MockHost::start(None, DEMO);
    send(
        &mut host,
        "PUT",
        &format!("{DEMO}/__mock/scenario"),
        Some(json!({ "name": "card_declined" })),
    );
    let mut restarted = MockHost::start(Some(&host.state()), DEMO);
    assert_eq!(restarted.discarded, None);
    let answer = send(
        &mut restarted,
        "GET",
        &format!("{DEMO}/__mock/scenarios"),
        None,
    );
    assert_eq!(body(&answer)["current"], "card_declined");
}

#[test]
fn an_unreadable_saved_state_is_replaced_and_the_reason_kept() {
    let host = MockHost::start(Some("{\"version\": 1}"), DEMO);
    assert!(
        host.discarded
            .as_deref()
            .is_some_and(|why| why.contains("version")),
        "{:?}",
        host.discarded
    );
    let truncated = MockHost::start(Some("{\"version\": 2, \"sett"), DEMO);
    assert!(truncated.discarded.is_some());
}

/// The sign-in page's answer for `client_id` sending the browser to `redirect_uri`.
fn sign_in_status(host: &mut MockHost, client_id: &str, redirect_uri: &str) -> u64 {
    let url = url::Url::parse_with_params(
        &format!("{DEMO}/mock/authorize"),
        [
            ("response_type", "token"),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", "s"),
        ],
    )
    .expect("a URL");
    send(host, "GET", url.as_str(), None)["status"]
        .as_u64()
        .expect("a status")
}

#[test]
fn any_client_id_may_sign_in_back_to_the_demo_but_never_elsewhere() {
    let mut host = MockHost::start(None, DEMO);
    // The widget's configuration may name any client id: the one app on
    // the demo's origin is the widget.
    let callback = format!("{DEMO}/auth/callback");
    assert_eq!(sign_in_status(&mut host, "my-app-client", &callback), 200);
    assert_eq!(
        sign_in_status(&mut host, "my-app-client", "https://evil.example/steal"),
        400
    );
}

#[test]
fn a_state_put_from_elsewhere_keeps_the_pages_on_the_demo() {
    let mut native = billing_mock::MockBackend::with_settings(billing_mock::MockSettings {
        pages_origin: Some("http://127.0.0.1:8787".to_owned()),
        ..billing_mock::MockSettings::default()
    });
    native.reset(None);
    let mut host = MockHost::start(None, DEMO);
    let put = send(
        &mut host,
        "PUT",
        &format!("{DEMO}/__mock/state"),
        Some(serde_json::from_str(&native.to_json()).expect("JSON")),
    );
    assert_eq!(put["status"], 200, "{put}");
    let state: Value = serde_json::from_str(&host.state()).expect("JSON");
    assert_eq!(state["settings"]["pages_origin"], DEMO);
    assert_eq!(
        state["livechat"]["confirmation_base"],
        format!("{DEMO}/mock/confirm")
    );
}

#[test]
fn a_put_state_that_is_not_one_is_refused_and_changes_nothing() {
    let mut host = MockHost::start(None, DEMO);
    let before = host.state();
    for bad in [json!({ "version": 1 }), json!([1, 2]), json!("state")] {
        let answer = send(&mut host, "PUT", &format!("{DEMO}/__mock/state"), Some(bad));
        assert_eq!(answer["status"], 422, "{answer}");
    }
    let empty = send(&mut host, "PUT", &format!("{DEMO}/__mock/state"), None);
    assert_eq!(empty["status"], 422, "{empty}");
    assert_eq!(host.state(), before);
}
