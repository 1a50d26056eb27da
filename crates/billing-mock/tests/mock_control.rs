//! The mock's frame: control endpoints, scenarios, fault injection, the
//! clock offset, seeded randomness and state persistence.

use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::oauth::DEMO_CLIENT_ID;
use billing_mock::control::{CryptoOutcome, GatewayOutcome, ScheduledFault};
use billing_mock::{
    Fault, FaultPlan, MockBackend, MockReply, MockRng, MockSettings, MockStateError, Scenario,
};
use serde_json::{json, Value};

mod support;
use support::{body, request, NOW};

/// [`support::send`] at [`NOW`].
fn send(backend: &mut MockBackend, request: &HttpRequest) -> HttpResponse {
    support::send(backend, request, NOW)
}

#[test]
fn an_unknown_endpoint_is_a_404_with_an_oauth_style_body() {
    let mut backend = MockBackend::new(1);
    let response = send(&mut backend, &request(Method::Get, "/nowhere", None));
    assert_eq!(response.status, 404);
    assert_eq!(body(&response)["error"], "not_found");
    assert!(body(&response)["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("/nowhere")));
}

#[test]
fn a_named_scenario_changes_how_payments_end() {
    let mut backend = MockBackend::new(1);
    let response = send(
        &mut backend,
        &request(
            Method::Put,
            "/__mock/scenario",
            Some(json!({"name": "card_declined"})),
        ),
    );
    assert_eq!(response.status, 200);
    assert_eq!(backend.state.scenario.direct_charge, GatewayOutcome::Failed);
    assert_eq!(backend.state.scenario.name, "card_declined");
}

#[test]
fn an_unknown_scenario_name_lists_the_known_ones() {
    let mut backend = MockBackend::new(1);
    let response = send(
        &mut backend,
        &request(
            Method::Put,
            "/__mock/scenario",
            Some(json!({"name": "chaos"})),
        ),
    );
    assert_eq!(response.status, 422);
    let description = body(&response)["error_description"].to_string();
    assert!(
        description.contains("crypto_underpaid_late"),
        "{description}"
    );
    assert_eq!(backend.state.scenario, Scenario::default());
}

#[test]
fn a_partial_scenario_changes_only_what_it_names() {
    let mut backend = MockBackend::new(1);
    send(
        &mut backend,
        &request(
            Method::Put,
            "/__mock/scenario",
            Some(json!({"crypto": "overpaid", "gateway_step_ms": 10})),
        ),
    );
    assert_eq!(backend.state.scenario.crypto, CryptoOutcome::Overpaid);
    assert_eq!(backend.state.scenario.gateway_step_ms, 10);
    assert_eq!(
        backend.state.scenario.direct_charge,
        GatewayOutcome::Success
    );
}

#[test]
fn every_named_scenario_exists() {
    for name in Scenario::NAMES {
        assert_eq!(Scenario::named(name).map(|s| s.name), Some(name.to_owned()));
    }
    assert_eq!(Scenario::named("nope"), None);
}

#[test]
fn a_scheduled_fault_hits_the_matching_requests_then_is_used_up() {
    let mut backend = MockBackend::new(1);
    backend.state.faults = FaultPlan {
        latency_ms: 0,
        faults: vec![ScheduledFault {
            path_prefix: Some("/v1/direct_charge".into()),
            fault: Fault::Status { status: 503 },
            times: 2,
        }],
    };
    let other = send(&mut backend, &request(Method::Get, "/nowhere", None));
    assert_eq!(other.status, 404, "a path outside the prefix is not hit");
    for _ in 0..2 {
        let hit = send(
            &mut backend,
            &request(Method::Get, "/v1/direct_charge", None),
        );
        assert_eq!(hit.status, 503);
        assert_eq!(body(&hit)["error"], "server_error");
    }
    let after = send(
        &mut backend,
        &request(Method::Get, "/v1/direct_charge", None),
    );
    assert_ne!(after.status, 503, "the fault is used up");
    assert!(backend.state.faults.faults.is_empty());
}

#[test]
fn rate_limiting_sends_retry_after() {
    let mut backend = MockBackend::new(1);
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: None,
        fault: Fault::RateLimited {
            retry_after_secs: 7,
        },
        times: 1,
    });
    let response = send(&mut backend, &request(Method::Get, "/v1/ledger", None));
    assert_eq!(response.status, 429);
    assert_eq!(response.header("Retry-After"), Some("7"));
}

#[test]
fn a_hang_never_answers_so_the_client_times_out() {
    let mut backend = MockBackend::new(1);
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: None,
        fault: Fault::Hang,
        times: 1,
    });
    let reply = backend.handle(&request(Method::Get, "/v1/ledger", None), NOW);
    assert_eq!(reply, MockReply::Hang);
}

#[test]
fn malformed_and_html_bodies_can_be_injected() {
    let mut backend = MockBackend::new(1);
    backend.state.faults.faults = vec![
        ScheduledFault {
            path_prefix: None,
            fault: Fault::MalformedJson,
            times: 1,
        },
        ScheduledFault {
            path_prefix: None,
            fault: Fault::HtmlPage,
            times: 1,
        },
    ];
    let malformed = send(&mut backend, &request(Method::Get, "/v1/ledger", None));
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_str::<Value>(&malformed.body).is_err());
    let html = send(&mut backend, &request(Method::Get, "/v1/ledger", None));
    assert_eq!(html.status, 502);
    assert!(html.body.starts_with("<!DOCTYPE html>"));
}

#[test]
fn the_unknown_status_fault_rewrites_statuses_in_the_real_answer() {
    let response = HttpResponse::json(
        200,
        &json!({"result": [{"id": "a", "status": "success"}], "statusCode": 300}),
    );
    let scrambled = billing_mock::control::with_unknown_status(response);
    let value = body(&scrambled);
    assert_eq!(value["result"][0]["status"], "teleported");
    assert_eq!(value["statusCode"], 999);
    assert_eq!(value["result"][0]["id"], "a");
}

#[test]
fn faults_can_be_set_and_cleared_over_http() {
    let mut backend = MockBackend::new(1);
    let set = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/faults",
            Some(
                json!({"latency_ms": 250, "faults": [{"fault": {"kind": "status", "status": 502}}]}),
            ),
        ),
    );
    assert_eq!(set.status, 200);
    assert_eq!(backend.state.faults.latency_ms, 250);
    assert_eq!(
        backend.state.faults.faults[0].times, 1,
        "times defaults to one"
    );
    let cleared = send(
        &mut backend,
        &request(Method::Delete, "/__mock/faults", None),
    );
    assert_eq!(cleared.status, 200);
    assert_eq!(backend.state.faults, FaultPlan::default());
}

#[test]
fn latency_is_reported_with_the_answer() {
    let mut backend = MockBackend::new(1);
    backend.state.faults.latency_ms = 1200;
    match backend.handle(&request(Method::Get, "/nowhere", None), NOW) {
        MockReply::Respond { delay_ms, .. } => assert_eq!(delay_ms, 1200),
        MockReply::Hang => panic!("expected an answer"),
    }
}

#[test]
fn the_clock_can_be_moved_forward() {
    let mut backend = MockBackend::new(1);
    let response = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/advance",
            Some(json!({"ms": 900_000})),
        ),
    );
    assert_eq!(body(&response)["clock_offset_ms"], 900_000);
    let bad = send(
        &mut backend,
        &request(Method::Post, "/__mock/advance", Some(json!({"ms": -5}))),
    );
    assert_eq!(bad.status, 422);
}

#[test]
fn reset_starts_afresh_with_the_given_seed() {
    let mut backend = MockBackend::new(1);
    backend.state.scenario = Scenario::named("crypto_failure").expect("preset");
    let response = send(
        &mut backend,
        &request(Method::Post, "/__mock/reset", Some(json!({"seed": 42}))),
    );
    assert_eq!(response.status, 200);
    assert_eq!(backend, MockBackend::new(42));
}

#[test]
fn a_reset_builds_the_state_as_start_up_did_keeping_the_settings() {
    let settings = MockSettings {
        seed: 3,
        pages_origin: Some("http://127.0.0.1:8080".to_owned()),
        developer_token: Some("dal:test-token".to_owned()),
        ..MockSettings::default()
    };
    let mut backend = MockBackend::with_settings(settings.clone());
    backend.state.scenario = Scenario::named("crypto_failure").expect("preset");
    backend.state.clock_offset_ms = 60_000;
    let response = send(&mut backend, &request(Method::Post, "/__mock/reset", None));
    assert_eq!(response.status, 200);
    assert_eq!(body(&response)["seed"], 3);
    assert_eq!(backend, MockBackend::with_settings(settings.clone()));
    assert_eq!(
        backend.state.livechat.confirmation_base,
        "http://127.0.0.1:8080/mock/confirm"
    );
    assert_eq!(
        backend.state.oauth.developer_token.as_deref(),
        Some("dal:test-token")
    );

    // A seed in the body replaces only the seed.
    send(
        &mut backend,
        &request(Method::Post, "/__mock/reset", Some(json!({"seed": 9}))),
    );
    assert_eq!(
        backend,
        MockBackend::with_settings(MockSettings {
            seed: 9,
            ..settings
        })
    );
}

#[test]
fn the_developer_panel_reads_and_steers_the_mock_over_http() {
    let mut backend = MockBackend::new(1);
    let scenarios = send(
        &mut backend,
        &request(Method::Get, "/__mock/scenarios", None),
    );
    assert_eq!(scenarios.status, 200);
    let scenarios = body(&scenarios);
    assert_eq!(scenarios["current"], "happy_path");
    let names: Vec<&str> = scenarios["names"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names, Scenario::NAMES);

    // Latency changes alone; queued faults stay.
    send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/faults/next",
            Some(json!({"preset": "status_503"})),
        ),
    );
    let patched = send(
        &mut backend,
        &request(
            Method::Patch,
            "/__mock/faults",
            Some(json!({"latency_ms": 400})),
        ),
    );
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(backend.state.faults.latency_ms, 400);
    assert_eq!(
        backend.state.faults.faults,
        [ScheduledFault {
            path_prefix: None,
            fault: Fault::Status { status: 503 },
            times: 1
        }]
    );
    let faults = body(&send(
        &mut backend,
        &request(Method::Get, "/__mock/faults", None),
    ));
    assert_eq!(faults["latency_ms"], 400);
    assert_eq!(faults["faults"][0]["fault"]["status"], 503);
    let presets: Vec<&str> = faults["presets"]
        .as_array()
        .expect("presets")
        .iter()
        .filter_map(|preset| preset["key"].as_str())
        .collect();
    assert!(
        presets.contains(&"rate_limited") && presets.contains(&"lost_response"),
        "{presets:?}"
    );
    assert!(faults["presets"][0]["label"]
        .as_str()
        .is_some_and(|l| !l.is_empty()));

    // The queued fault hits the next API request, once.
    let hit = send(
        &mut backend,
        &request(Method::Get, "/v1/direct_charge", None),
    );
    assert_eq!(hit.status, 503);

    // Refusals say what is accepted.
    let unknown = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/faults/next",
            Some(json!({"preset": "gremlins"})),
        ),
    );
    assert_eq!(unknown.status, 422);
    assert!(unknown.body.contains("rate_limited"), "{}", unknown.body);
    let too_slow = send(
        &mut backend,
        &request(
            Method::Patch,
            "/__mock/faults",
            Some(json!({"latency_ms": 60_001})),
        ),
    );
    assert_eq!(too_slow.status, 422, "{}", too_slow.body);
    assert_eq!(backend.state.faults.latency_ms, 400);
    let unknown_scenario = send(
        &mut backend,
        &request(
            Method::Put,
            "/__mock/scenario",
            Some(json!({"name": "chaos"})),
        ),
    );
    assert_eq!(unknown_scenario.status, 422);
    assert!(
        unknown_scenario.body.contains("card_declined"),
        "{}",
        unknown_scenario.body
    );
}

#[test]
fn the_same_seed_gives_the_same_ids() {
    let mut a = MockRng::new(9);
    let mut b = MockRng::new(9);
    assert_eq!(a.uuid(), b.uuid());
    assert_eq!(a.short_id(9), b.short_id(9));
    let uuid = MockRng::new(3).uuid();
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{uuid}");
    assert_eq!(&uuid[14..15], "4", "version 4: {uuid}");
}

#[test]
fn the_state_survives_a_json_round_trip_including_the_rng_position() {
    let mut backend = MockBackend::new(5);
    backend.state.rng.uuid();
    backend.state.scenario = Scenario::named("crypto_overpaid").expect("preset");
    let restored = MockBackend::from_json(&backend.to_json()).expect("readable");
    assert_eq!(restored, backend);
    let (mut left, mut right) = (backend.state.rng.clone(), restored.state.rng.clone());
    assert_eq!(
        left.uuid(),
        right.uuid(),
        "the generator continues where it was"
    );
}

#[test]
fn a_corrupt_or_outdated_saved_state_is_refused_not_misread() {
    assert!(matches!(
        MockBackend::from_json("{not json"),
        Err(MockStateError::Corrupt(_))
    ));
    let mut old: Value = serde_json::from_str(&MockBackend::new(1).to_json()).expect("json");
    old["version"] = json!(0);
    assert_eq!(
        MockBackend::from_json(&old.to_string()),
        Err(MockStateError::WrongVersion { found: 0 })
    );
    // Valid JSON of another shape is not a state of this version either.
    old["version"] = json!("1");
    for other in [old.to_string(), "null".to_owned(), "\"state\"".to_owned()] {
        assert_eq!(
            MockBackend::from_json(&other),
            Err(MockStateError::WrongVersion { found: 0 }),
            "{other}"
        );
    }
    assert!(matches!(
        MockBackend::from_json(r#"{"version": 1, "rng": "#),
        Err(MockStateError::Corrupt(_))
    ));
}

/// The developer token's create of a one-time "Export".
fn create_export_as_dev() -> HttpRequest {
    request(
        Method::Post,
        "/v1/direct_charge",
        Some(json!({"name": "Export", "price": 1900, "quantity": 1, "return_url": "https://app.example.com/r"})),
    )
    .with_header("Authorization", "Bearer dev")
}

/// The developer token's list of one-time charges.
fn list_as_dev() -> HttpRequest {
    request(Method::Get, "/v1/direct_charge", None).with_header("Authorization", "Bearer dev")
}

#[test]
fn a_lost_response_still_does_the_work_so_the_client_must_reconcile() {
    let mut backend = MockBackend::new(1);
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: Some("/v1/direct_charge".into()),
        fault: Fault::LostResponse,
        times: 1,
    });
    let create = create_export_as_dev();
    assert_eq!(backend.handle(&create, NOW), MockReply::Hang);
    let list = list_as_dev();
    let listed = send(&mut backend, &list);
    assert_eq!(
        body(&listed)["result"].as_array().map(Vec::len),
        Some(1),
        "the charge exists"
    );
}

#[test]
fn an_error_after_the_work_still_creates_the_charge() {
    let mut backend = MockBackend::new(1);
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: Some("/v1/direct_charge".into()),
        fault: Fault::ErrorAfterWork { status: 504 },
        times: 1,
    });
    let create = create_export_as_dev();
    assert_eq!(send(&mut backend, &create).status, 504);
    let list = list_as_dev();
    assert_eq!(
        body(&send(&mut backend, &list))["result"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the charge exists although the answer was an error"
    );
}

#[test]
fn the_buyer_decision_can_be_scripted_and_is_checked() {
    let mut backend = MockBackend::new(1);
    let missing = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/confirm",
            Some(json!({"accept": true})),
        ),
    );
    assert_eq!(missing.status, 422);
    let unknown = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/confirm",
            Some(json!({"id": "nope", "accept": false})),
        ),
    );
    assert_eq!(unknown.status, 404);
    let bad_type = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/confirm",
            Some(json!({"id": "x", "type": "gift_card", "accept": true})),
        ),
    );
    assert_eq!(bad_type.status, 422);
}

#[test]
fn a_payout_writes_a_withdrawal_that_brings_the_balance_to_zero() {
    let mut backend = MockBackend::new(1);
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    let authorised = |method, path: &str, body| {
        request(method, path, body).with_header("Authorization", "Bearer dev")
    };
    let created = send(
        &mut backend,
        &authorised(
            Method::Post,
            "/v1/direct_charge",
            Some(
                json!({"name": "Export", "price": 1000, "quantity": 1, "return_url": "https://app.example.com/r"}),
            ),
        ),
    );
    let id = body(&created)["id"].as_str().expect("an id").to_owned();
    send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/confirm",
            Some(json!({"id": id, "accept": true})),
        ),
    );
    send(
        &mut backend,
        &authorised(
            Method::Put,
            &format!("/v1/direct_charge/{id}/activate"),
            None,
        ),
    );
    // Two gateway steps later the charge is collected: 1000 minus 20 % commission.
    let later = NOW + 10_000;
    let balance = |backend: &mut MockBackend| {
        let reply = backend.handle(&authorised(Method::Get, "/v1/ledger/balance", None), later);
        body(reply.response().expect("an answer"))["balance"].clone()
    };
    assert_eq!(balance(&mut backend), json!(800));

    let payout = backend.handle(&request(Method::Post, "/__mock/payout", None), later);
    let paid = body(payout.response().expect("an answer"));
    assert_eq!(paid["payouts"][0]["value"], 800);
    assert_eq!(balance(&mut backend), json!(0));
    let ledger = backend.handle(&authorised(Method::Get, "/v1/ledger", None), later);
    let types: Vec<String> = body(ledger.response().expect("an answer"))["result"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["type"].as_str().map(str::to_owned))
        .collect();
    assert!(types.contains(&"withdrawal".to_owned()), "{types:?}");
    assert!(types.contains(&"collection".to_owned()), "{types:?}");
}

#[test]
fn sample_charges_are_added_for_the_demo_client_or_the_one_named() {
    let mut backend = MockBackend::new(1);
    let response = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/sample_charges",
            Some(json!({"count": 45})),
        ),
    );
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(body(&response), json!({"added": 45}));
    let charges = &backend.state.livechat.direct_charges;
    assert_eq!(charges.len(), 45);
    assert!(charges.iter().all(
        |c| c.seller_client_id == DEMO_CLIENT_ID && c.seller_client_id == "billing-widget-demo"
    ));

    let named = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/sample_charges",
            Some(json!({"count": 3, "client_id": "mock-developer"})),
        ),
    );
    assert_eq!(body(&named), json!({"added": 3}));
    let capped = send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/sample_charges",
            Some(json!({"count": 1000, "client_id": null})),
        ),
    );
    assert_eq!(body(&capped), json!({"added": 200}));

    // The developer token's client sees its three, newest first.
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    let list = list_as_dev();
    let listed = body(&send(&mut backend, &list));
    let names: Vec<&str> = listed["result"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names[0].starts_with("Sample item 1: "), "{names:?}");
    assert!(names[2].starts_with("Sample item 3: "), "{names:?}");
}

#[test]
fn sample_charges_use_the_mocks_clock() {
    let mut backend = MockBackend::new(1);
    backend.state.clock_offset_ms = 10 * 3_600_000;
    send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/sample_charges",
            Some(json!({"count": 1})),
        ),
    );
    assert_eq!(
        backend.state.livechat.direct_charges[0].created_ms,
        NOW + 9 * 3_600_000,
        "an hour before the mock's now"
    );
}

#[test]
fn a_bad_sample_charges_body_is_a_400_that_says_what_is_expected() {
    let mut backend = MockBackend::new(1);
    let cases: [(Option<&str>, &str); 10] = [
        (None, "JSON body is required"),
        (Some("{count: 4"), "not valid JSON"),
        (Some("[45]"), "count"),
        (Some("{}"), "missing field `count`"),
        (Some(r#"{"count": -1}"#), "count"),
        (Some(r#"{"count": 2.5}"#), "count"),
        (Some(r#"{"count": "45"}"#), "count"),
        (
            Some(r#"{"count": 4, "clients": "x"}"#),
            "unknown field `clients`",
        ),
        (Some(r#"{"count": 4, "client_id": 7}"#), "client_id"),
        (
            Some(r#"{"count": 4, "client_id": "  "}"#),
            "client_id: must not be empty",
        ),
    ];
    for (raw, says) in cases {
        let mut sent = request(Method::Post, "/__mock/sample_charges", None);
        sent.body = raw.map(str::to_owned);
        let response = send(&mut backend, &sent);
        assert_eq!(response.status, 400, "{raw:?}");
        assert_eq!(body(&response)["error"], "invalid_request", "{raw:?}");
        let description = body(&response)["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(description.contains(says), "{raw:?}: {description}");
    }
    assert!(backend.state.livechat.direct_charges.is_empty());
    let wrong_method = send(
        &mut backend,
        &request(Method::Get, "/__mock/sample_charges", None),
    );
    assert_eq!(wrong_method.status, 404);
}

#[test]
fn the_state_endpoint_shows_how_often_a_charge_was_activated() {
    let mut backend = MockBackend::new(1);
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    let authorised = |method, path: &str, body| {
        request(method, path, body).with_header("Authorization", "Bearer dev")
    };
    let created = send(
        &mut backend,
        &authorised(
            Method::Post,
            "/v1/direct_charge",
            Some(
                json!({"name": "Export", "price": 1000, "quantity": 1, "return_url": "https://app.example.com/r"}),
            ),
        ),
    );
    let id = body(&created)["id"].as_str().expect("an id").to_owned();
    assert!(!created.body.contains("activation_requests"));
    send(
        &mut backend,
        &request(
            Method::Post,
            "/__mock/confirm",
            Some(json!({"id": id, "accept": true})),
        ),
    );
    let activate = authorised(
        Method::Put,
        &format!("/v1/direct_charge/{id}/activate"),
        None,
    );
    assert_eq!(send(&mut backend, &activate).status, 200);
    assert_eq!(send(&mut backend, &activate).status, 409);
    let state = body(&send(
        &mut backend,
        &request(Method::Get, "/__mock/state", None),
    ));
    assert_eq!(
        state["livechat"]["direct_charges"][0]["activation_requests"],
        2
    );
}

#[test]
fn the_no_date_fault_answers_as_usual_without_the_date_header() {
    let mut backend = MockBackend::new(1);
    billing_mock::oauth::set_developer_token(&mut backend.state, "dev");
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: Some("/v1/direct_charge".into()),
        fault: Fault::NoDate,
        times: 1,
    });
    let bare = send(&mut backend, &list_as_dev());
    assert_eq!(bare.status, 200);
    assert!(body(&bare)["result"].is_array(), "the real answer");
    assert_eq!(bare.header("Date"), None);
    let stamped = send(&mut backend, &list_as_dev());
    assert!(stamped.header("Date").is_some_and(|d| d.ends_with(" GMT")));
}
