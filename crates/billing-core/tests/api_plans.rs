//! Recurring billing plans: request builders (verbs and bodies as the seed
//! and the API facts give them), response parsing and client round trips.
//!
//! The seed documents the plan's fields in a table but prints no JSON
//! example, so the golden plan below is built from that table, field by
//! field.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use billing_core::api::plans::{parse_plan, parse_plans, PlanQuery, PlansApi, PlansClient};
use billing_core::api::{ApiError, HttpResponse, Method, RecordingTransport};
use billing_core::domain::money::Cents;
use billing_core::domain::plan::{
    AccountId, BillingCycle, NewPlan, Plan, PlanChanges, PlanCode, PlanId, PlanName, PlanRef,
};
use serde_json::{json, Value};
use url::Url;

/// Every field of the seed's `~load (response)` table.
const PLAN: &str = r#"{
  "billingCycleType": "M",
  "isActive": true,
  "taxAmount": 150,
  "createDate": "2019-04-09 16:02:38",
  "code": "GOLD-1",
  "accountId": 1001,
  "name": "Gold monthly",
  "amount": 2900,
  "id": 42
}"#;

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future never completed");
}

fn api() -> PlansApi {
    PlansApi::new(&Url::parse("https://gateway.example.com/api/v01").unwrap()).unwrap()
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse::new(200, body).with_header("Content-Type", "application/json")
}

fn with_field(text: &str, key: &str, value: Value) -> String {
    let mut object: Value = serde_json::from_str(text).unwrap();
    object[key] = value;
    object.to_string()
}

fn decode_error(error: ApiError) -> (String, String) {
    match error {
        ApiError::Decode {
            service: _,
            path,
            message,
        } => (path, message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn new_plan() -> NewPlan {
    NewPlan {
        name: PlanName::parse("Gold monthly").unwrap(),
        code: Some(PlanCode::parse("GOLD-1").unwrap()),
        account_id: AccountId(1001),
        amount: Cents::new(2900),
        tax_amount: Some(Cents::new(150)),
        billing_cycle_type: BillingCycle::Monthly,
        is_active: true,
    }
}

fn changes() -> PlanChanges {
    PlanChanges {
        name: PlanName::parse("Gold monthly (2025)").unwrap(),
        amount: Cents::new(3100),
        tax_amount: None,
        billing_cycle_type: BillingCycle::Quarterly,
        is_active: false,
    }
}

fn by_code() -> PlanRef {
    PlanRef::Code(PlanCode::parse("GOLD-1").unwrap())
}

// ---- Models ---------------------------------------------------------------

#[test]
fn a_plan_with_every_documented_field_round_trips() {
    let plan = parse_plan(&ok(PLAN)).unwrap();
    assert_eq!(plan.id, PlanId(42));
    assert_eq!(plan.name, "Gold monthly");
    assert_eq!(plan.code.as_deref(), Some("GOLD-1"));
    assert_eq!(plan.account_id, AccountId(1001));
    assert_eq!(plan.amount, Cents::new(2900));
    assert_eq!(plan.tax_amount, Some(Cents::new(150)));
    assert_eq!(plan.billing_cycle_type, BillingCycle::Monthly);
    assert!(plan.is_active);
    assert_eq!(plan.create_date.unwrap().to_string(), "2019-04-09 16:02:38");
    let before: Value = serde_json::from_str(PLAN).unwrap();
    assert_eq!(serde_json::to_value(&plan).unwrap(), before);
}

#[test]
fn unknown_cycle_codes_are_kept() {
    let plan = parse_plan(&ok(&with_field(PLAN, "billingCycleType", json!("X")))).unwrap();
    assert_eq!(plan.billing_cycle_type, BillingCycle::Other("X".to_owned()));
    assert_eq!(
        serde_json::to_value(&plan).unwrap()["billingCycleType"],
        "X"
    );
}

#[test]
fn decode_errors_name_the_plan_field() {
    let cases = [
        ("createDate", json!("2019-04-09T16:02:38Z")),
        ("amount", json!("29.00")),
        ("isActive", json!("yes")),
        ("id", json!(null)),
    ];
    for (field, value) in cases {
        let (path, message) =
            decode_error(parse_plan(&ok(&with_field(PLAN, field, value))).unwrap_err());
        assert_eq!(path, field, "{message}");
    }
    let mut missing: Value = serde_json::from_str(PLAN).unwrap();
    missing.as_object_mut().unwrap().remove("accountId");
    let (path, message) = decode_error(parse_plan(&ok(&missing.to_string())).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("accountId", "missing field")
    );
}

#[test]
fn find_reads_a_bare_array_or_one_wrapped_array() {
    let bare = format!("[{PLAN}, {PLAN}]");
    assert_eq!(parse_plans(&ok(&bare)).unwrap().len(), 2);
    for key in ["plans", "list", "result"] {
        let wrapped = format!(r#"{{"{key}": [{PLAN}], "total": 1, "offset": 0}}"#);
        let plans = parse_plans(&ok(&wrapped)).unwrap();
        assert_eq!(plans.len(), 1, "{key}");
        assert_eq!(plans[0].id, PlanId(42));
    }
    assert!(parse_plans(&ok("[]")).unwrap().is_empty());
}

#[test]
fn find_errors_name_the_element_and_field() {
    let bad = with_field(PLAN, "amount", json!(-1.5));
    let (path, _) = decode_error(parse_plans(&ok(&format!("[{PLAN}, {bad}]"))).unwrap_err());
    assert_eq!(path, "[1].amount");
    let (path, _) =
        decode_error(parse_plans(&ok(&format!(r#"{{"plans": [{PLAN}, {bad}]}}"#))).unwrap_err());
    assert_eq!(path, "plans[1].amount");

    let mut missing: Value = serde_json::from_str(PLAN).unwrap();
    missing.as_object_mut().unwrap().remove("isActive");
    let body = format!(r#"{{"plans": [{missing}]}}"#);
    let (path, message) = decode_error(parse_plans(&ok(&body)).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("plans[0].isActive", "missing field")
    );
}

#[test]
fn find_refuses_unclear_shapes() {
    for body in [
        r#"{"plans": [], "archived": []}"#,
        r#"{"total": 0}"#,
        "42",
        r#""plans""#,
    ] {
        assert!(
            matches!(parse_plans(&ok(body)), Err(ApiError::Decode { .. })),
            "{body}"
        );
    }
}

#[test]
fn an_xml_answer_is_a_clear_decode_error() {
    let xml = r#"<?xml version="1.0"?><plan><id>42</id></plan>"#;
    let (_, message) = decode_error(parse_plan(&HttpResponse::new(200, xml)).unwrap_err());
    assert!(message.contains("XML"), "{message}");
}

// ---- Request builders -----------------------------------------------------

#[test]
fn find_request() {
    let request = api()
        .find_plans(&PlanQuery::default())
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(
        request.url.as_str(),
        "https://gateway.example.com/api/v01/plans"
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body, None);

    let query = PlanQuery {
        offset: Some(100),
        limit: Some(PlanQuery::DEFAULT_LIMIT),
        account_id: Some(AccountId(1001)),
        name: Some(" Gold & Silver ".to_owned()),
    };
    let request = api().find_plans(&query).into_request().unwrap();
    assert_eq!(request.url.path(), "/api/v01/plans");
    assert_eq!(
        request.query_pairs(),
        vec![
            ("offset".to_owned(), "100".to_owned()),
            ("limit".to_owned(), "100".to_owned()),
            ("accountId".to_owned(), "1001".to_owned()),
            ("name".to_owned(), "Gold & Silver".to_owned()),
        ]
    );

    for (query, field) in [
        (
            PlanQuery {
                limit: Some(0),
                ..Default::default()
            },
            "limit",
        ),
        (
            PlanQuery {
                account_id: Some(AccountId(0)),
                ..Default::default()
            },
            "accountId",
        ),
    ] {
        match api().find_plans(&query).into_request() {
            Err(ApiError::Validation { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn load_request_by_id_or_code() {
    let request = api()
        .load_plan(&PlanRef::Id(PlanId(42)))
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.url.path(), "/api/v01/plans/42");
    assert_eq!(request.body, None);
    let request = api().load_plan(&by_code()).into_request().unwrap();
    assert_eq!(request.url.path(), "/api/v01/plans/*GOLD-1");
}

#[test]
fn create_is_a_put_with_the_new_plan() {
    let request = api().create_plan(&new_plan()).into_request().unwrap();
    assert_eq!(request.method, Method::Put);
    assert_eq!(request.url.path(), "/api/v01/plans");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "Gold monthly", "code": "GOLD-1", "accountId": 1001, "amount": 2900,
               "taxAmount": 150, "billingCycleType": "M", "isActive": true})
    );
}

#[test]
fn modify_is_a_post_without_the_creation_only_fields() {
    let request = api()
        .modify_plan(&by_code(), &changes())
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url.path(), "/api/v01/plans/*GOLD-1");
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "Gold monthly (2025)", "amount": 3100, "billingCycleType": "Q", "isActive": false})
    );
}

#[test]
fn plan_input_is_validated_before_sending() {
    let negative = NewPlan {
        amount: Cents::new(-1),
        ..new_plan()
    };
    match api().create_plan(&negative).into_request() {
        Err(ApiError::Validation { field, message }) => {
            assert_eq!(field, "amount");
            assert_eq!(message, "cannot be negative");
        }
        other => panic!("{other:?}"),
    }
    let bad_cycle = PlanChanges {
        billing_cycle_type: BillingCycle::Other("M/2".to_owned()),
        ..changes()
    };
    match api().modify_plan(&by_code(), &bad_cycle).into_request() {
        Err(ApiError::Validation { field, .. }) => assert_eq!(field, "billingCycleType"),
        other => panic!("{other:?}"),
    }
    let no_account = NewPlan {
        account_id: AccountId(0),
        ..new_plan()
    };
    assert!(matches!(
        api().create_plan(&no_account).into_request(),
        Err(ApiError::Validation { .. })
    ));
}

#[test]
fn authorization_is_sent_when_configured_and_never_printed() {
    let api = PlansApi::new(&Url::parse("http://127.0.0.1:8080/mock/plans/api/v01/").unwrap())
        .unwrap()
        .with_authorization("Bearer plans-secret");
    let request = api
        .load_plan(&PlanRef::Id(PlanId(7)))
        .into_request()
        .unwrap();
    assert_eq!(
        request.url.as_str(),
        "http://127.0.0.1:8080/mock/plans/api/v01/plans/7"
    );
    assert_eq!(request.header("authorization"), Some("Bearer plans-secret"));
    assert!(!format!("{api:?}").contains("plans-secret"));
    assert!(!format!("{request:?}").contains("plans-secret"));
}

// ---- Client round trips ---------------------------------------------------

#[test]
fn client_finds_loads_creates_and_modifies() {
    let transport = RecordingTransport::new();
    transport.push_response(ok(&format!("[{PLAN}]")));
    transport.push_response(ok(PLAN));
    transport.push_response(HttpResponse::new(201, PLAN));
    let modified = with_field(
        &with_field(PLAN, "amount", json!(3100)),
        "billingCycleType",
        json!("Q"),
    );
    transport.push_response(ok(&modified));
    let client = PlansClient::new(api(), &transport);

    let found = block_on(client.send(client.api().find_plans(&PlanQuery {
        name: Some("Gold".into()),
        ..Default::default()
    })))
    .unwrap();
    assert_eq!(found.len(), 1);
    let loaded: Plan =
        block_on(client.send(client.api().load_plan(&PlanRef::Id(PlanId(42))))).unwrap();
    assert_eq!(loaded.code.as_deref(), Some("GOLD-1"));
    let created = block_on(client.send(client.api().create_plan(&new_plan()))).unwrap();
    assert_eq!(created.id, PlanId(42));
    let after = block_on(client.send(client.api().modify_plan(&by_code(), &changes()))).unwrap();
    assert_eq!(after.amount, Cents::new(3100));
    assert_eq!(after.billing_cycle_type, BillingCycle::Quarterly);

    let sent: Vec<(Method, String)> = transport
        .requests()
        .iter()
        .map(|r| (r.method, r.url.to_string()))
        .collect();
    assert_eq!(
        sent,
        vec![
            (
                Method::Get,
                "https://gateway.example.com/api/v01/plans?name=Gold".to_owned()
            ),
            (
                Method::Get,
                "https://gateway.example.com/api/v01/plans/42".to_owned()
            ),
            (
                Method::Put,
                "https://gateway.example.com/api/v01/plans".to_owned()
            ),
            (
                Method::Post,
                "https://gateway.example.com/api/v01/plans/*GOLD-1".to_owned()
            ),
        ]
    );
}

#[test]
fn client_surfaces_server_errors() {
    let transport = RecordingTransport::new();
    transport.push_response(HttpResponse::new(
        422,
        r#"{"error":"invalid_request","error_description":"taxAmount must not exceed amount"}"#,
    ));
    let client = PlansClient::new(api(), &transport);
    let error = block_on(client.send(client.api().create_plan(&new_plan()))).unwrap_err();
    assert_eq!(error.status(), Some(422));
    assert_eq!(
        error.next_step(),
        billing_core::api::NextStep::FixField {
            field: Some("taxAmount".to_owned())
        }
    );
    assert!(error
        .user_message()
        .contains("taxAmount must not exceed amount"));
    assert!(error.user_message().contains("the tax"));
}
