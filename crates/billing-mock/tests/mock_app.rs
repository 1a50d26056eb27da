//! Setting the mock up: where its pages send the browser, and the
//! developer panel's faults.

use billing_core::api::transport::{HttpRequest, Method};
use billing_core::domain::oauth::DEMO_CLIENT_ID;
use billing_mock::app::{
    add_sample_charges, add_sample_charges_for, fail_next_request, fault_by_key, reset,
    serve_pages_from, skip_ahead, stays_in_app, NEXT_REQUEST_FAULTS, SKIP_AHEAD_MS,
};
use billing_mock::{oauth, MockBackend, MockReply, Scenario, MAX_COUNTED_REQUESTS, OTHER_REQUESTS};
use serde_json::json;
use url::Url;

mod support;
use support::NOW;

#[test]
fn new_charges_are_confirmed_on_this_apps_own_page() {
    let mut backend = MockBackend::new(1);
    serve_pages_from(&mut backend, "http://127.0.0.1:9000/");
    oauth::set_developer_token(&mut backend.state, "dev");
    let create = HttpRequest::new(
        Method::Post,
        Url::parse("https://billing.livechatinc.com/v1/direct_charge").expect("url"),
    )
    .with_header("Authorization", "Bearer dev")
    .with_json_body(
        json!({"name": "Export", "price": 1900, "quantity": 1, "return_url": "http://127.0.0.1:9000/return"})
            .to_string(),
    );
    let reply = backend.handle(&create, NOW);
    let body: serde_json::Value =
        serde_json::from_str(&reply.response().expect("an answer").body).expect("JSON");
    let confirmation = body["confirmation_url"]
        .as_str()
        .expect("a confirmation_url");
    assert!(
        confirmation.starts_with("http://127.0.0.1:9000/mock/confirm?id="),
        "{confirmation}"
    );
}

#[test]
fn the_mock_pages_only_send_the_browser_back_into_this_app() {
    let app = "http://127.0.0.1:8080";
    let inside = Url::parse("http://127.0.0.1:8080/auth/callback?code=x").expect("url");
    assert!(stays_in_app(&inside, app));
    for outside in [
        "http://127.0.0.1:8081/auth/callback",
        "https://127.0.0.1:8080/",
        "http://localhost:8080/",
        "https://evil.example/",
    ] {
        let target = Url::parse(outside).expect("url");
        assert!(!stays_in_app(&target, app), "{outside} must be refused");
    }
    assert!(!stays_in_app(&inside, "not a url"));
}

#[test]
fn every_offered_fault_exists_and_hits_exactly_the_next_request() {
    for (key, _) in NEXT_REQUEST_FAULTS {
        assert!(fault_by_key(key).is_some(), "{key}");
    }
    assert_eq!(fault_by_key("meteor"), None);

    let mut backend = MockBackend::new(1);
    fail_next_request(&mut backend, fault_by_key("hang").expect("known"));
    let ledger = HttpRequest::new(
        Method::Get,
        Url::parse("https://billing.livechatinc.com/v1/ledger").expect("url"),
    );
    assert_eq!(backend.handle(&ledger, NOW), MockReply::Hang);
    assert_ne!(backend.handle(&ledger, NOW), MockReply::Hang, "only once");
}

#[test]
fn reset_forgets_everything_but_keeps_serving_this_apps_pages() {
    let mut backend = MockBackend::new(1);
    backend.state.scenario = Scenario::named("card_declined").expect("preset");
    reset(&mut backend, 1, "http://127.0.0.1:9000");
    assert_eq!(backend.state.scenario, Scenario::default());
    assert_eq!(
        backend.state.livechat.confirmation_base,
        "http://127.0.0.1:9000/mock/confirm"
    );
}

#[test]
fn the_panels_sample_charges_belong_to_the_demo_client_and_stay_in_the_app() {
    let mut backend = MockBackend::new(1);
    serve_pages_from(&mut backend, "http://127.0.0.1:9000");
    backend.state.clock_offset_ms = 5 * 3_600_000;
    assert_eq!(add_sample_charges(&mut backend, 45, NOW), 45);
    assert_eq!(add_sample_charges(&mut backend, 999, NOW), 200, "capped");
    let charges = &backend.state.livechat.direct_charges;
    assert_eq!(charges.len(), 245);
    for charge in charges {
        assert_eq!(charge.seller_client_id, DEMO_CLIENT_ID);
        assert!(charge.test);
        for url in [&charge.confirmation_url, &charge.return_url] {
            let url = Url::parse(url).expect("an absolute URL");
            assert!(stays_in_app(&url, "http://127.0.0.1:9000"), "{url}");
        }
    }
    let newest = charges.iter().map(|c| c.created_ms).max();
    assert_eq!(
        newest,
        Some(NOW + 4 * 3_600_000),
        "an hour before the mock's clock, which runs five hours ahead"
    );
    assert!(backend
        .state
        .livechat
        .ledger
        .iter()
        .all(|e| e.client_id == DEMO_CLIENT_ID));
}

#[test]
fn skipping_ahead_expires_a_crypto_quote_without_waiting() {
    let mut backend = MockBackend::new(1);
    backend.state.scenario = Scenario::named("crypto_expired").expect("a preset");
    let create = HttpRequest::new(
        Method::Post,
        Url::parse("https://api.bidali.com/charges?organization=pk_demo").expect("url"),
    )
    .with_json_body(json!({"amount": "5", "currency": "USD"}).to_string());
    let created = backend.handle(&create, NOW);
    let body: serde_json::Value =
        serde_json::from_str(&created.response().expect("an answer").body).expect("json");
    let read = HttpRequest::new(
        Method::Get,
        Url::parse(&format!(
            "https://api.bidali.com/charges/{}?organization=pk_demo",
            body["id"].as_str().expect("an id")
        ))
        .expect("url"),
    );
    let code = |backend: &mut MockBackend| {
        let reply = backend.handle(&read, NOW);
        let body: serde_json::Value =
            serde_json::from_str(&reply.response().expect("an answer").body).expect("json");
        body["statusCode"].as_u64()
    };
    assert_eq!(code(&mut backend), Some(100));
    assert_eq!(skip_ahead(&mut backend, SKIP_AHEAD_MS), SKIP_AHEAD_MS);
    assert_eq!(
        code(&mut backend),
        Some(100),
        "5 minutes into a 15-minute quote"
    );
    skip_ahead(&mut backend, SKIP_AHEAD_MS);
    assert_eq!(skip_ahead(&mut backend, SKIP_AHEAD_MS), 3 * SKIP_AHEAD_MS);
    assert_eq!(
        code(&mut backend),
        Some(410),
        "expired after a quarter of an hour"
    );
}

#[test]
fn sample_charges_can_belong_to_the_configured_client() {
    let mut backend = MockBackend::new(1);
    assert_eq!(
        add_sample_charges_for(&mut backend, "my-own-app", 3, NOW),
        3
    );
    let sellers: Vec<&str> = backend
        .state
        .livechat
        .direct_charges
        .iter()
        .map(|c| c.seller_client_id.as_str())
        .collect();
    assert_eq!(sellers, ["my-own-app"; 3]);
}

#[test]
fn the_mock_counts_the_requests_it_answers_but_not_its_controls() {
    let mut backend = MockBackend::new(1);
    oauth::set_developer_token(&mut backend.state, "dev");
    let get = |path: &str| {
        HttpRequest::new(
            Method::Get,
            Url::parse(&format!("https://billing.livechatinc.com{path}")).expect("url"),
        )
        .with_header("Authorization", "Bearer dev")
    };
    for _ in 0..3 {
        backend.handle(&get("/v1/direct_charge/abc"), NOW);
    }
    backend.handle(&get("/v1/ledger"), NOW);
    backend.handle(&get("/__mock/state"), NOW);
    let counts = &backend.state.request_counts;
    assert_eq!(counts.get("GET /v1/direct_charge/abc"), Some(&3));
    assert_eq!(counts.get("GET /v1/ledger"), Some(&1));
    assert_eq!(
        counts.len(),
        2,
        "control requests are not counted: {counts:?}"
    );
}

#[test]
fn request_counts_stay_small_however_many_paths_are_asked_for() {
    let mut backend = MockBackend::new(1);
    for n in 0..(MAX_COUNTED_REQUESTS + 50) {
        let url = Url::parse(&format!(
            "https://billing.livechatinc.com/v1/direct_charge/c{n}"
        ))
        .expect("url");
        backend.handle(&HttpRequest::new(Method::Get, url), NOW);
    }
    let counts = &backend.state.request_counts;
    assert_eq!(counts.len(), MAX_COUNTED_REQUESTS + 1);
    assert_eq!(counts.get(OTHER_REQUESTS), Some(&50));
    // A saved state from before the counter existed still loads.
    let mut saved: serde_json::Value = serde_json::from_str(&backend.to_json()).expect("json");
    saved
        .as_object_mut()
        .expect("object")
        .remove("request_counts");
    let loaded = MockBackend::from_json(&saved.to_string()).expect("loads");
    assert!(loaded.state.request_counts.is_empty());
}
