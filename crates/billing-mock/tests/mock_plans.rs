//! The mocked recurring billing plans API (`/api/v01/plans`), driven through
//! `MockBackend::handle`: find with paging and filters, load by id and by
//! `*code`, create and modify with field-named validation errors.

use billing_core::api::plans::{parse_plan, parse_plans, PlanQuery, PlansApi};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::calendar::gateway_datetime as plan_date;
use billing_core::domain::money::Cents;
use billing_core::domain::plan::{
    AccountId, BillingCycle, NewPlan, PlanChanges, PlanCode, PlanId, PlanName, PlanRef,
};
use billing_mock::plans::PlansState;
use billing_mock::MockBackend;
use serde_json::{json, Value};
use url::Url;

mod support;
use support::{body, error_description};

/// 2024-02-29T23:59:59Z: a leap day, one second before midnight.
const NOW: u64 = 1_709_251_199_000;

fn request(method: Method, path_and_query: &str) -> HttpRequest {
    let url =
        Url::parse(&format!("https://gateway.example.com{path_and_query}")).expect("test url");
    HttpRequest::new(method, url)
}

/// [`support::send`] at this file's [`NOW`].
fn send(backend: &mut MockBackend, request: &HttpRequest) -> HttpResponse {
    support::send(backend, request, NOW)
}

fn find(backend: &mut MockBackend, query: &str) -> HttpResponse {
    send(
        backend,
        &request(Method::Get, &format!("/api/v01/plans{query}")),
    )
}

fn found_ids(response: &HttpResponse) -> Vec<i64> {
    assert_eq!(response.status, 200, "{}", response.body);
    body(response)["plans"]
        .as_array()
        .expect("plans")
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect()
}

fn put(backend: &mut MockBackend, plan: Value) -> HttpResponse {
    send(
        backend,
        &request(Method::Put, "/api/v01/plans").with_json_body(plan.to_string()),
    )
}

fn post(backend: &mut MockBackend, reference: &str, changes: Value) -> HttpResponse {
    send(
        backend,
        &request(Method::Post, &format!("/api/v01/plans/{reference}"))
            .with_json_body(changes.to_string()),
    )
}

fn load(backend: &mut MockBackend, reference: &str) -> HttpResponse {
    send(
        backend,
        &request(Method::Get, &format!("/api/v01/plans/{reference}")),
    )
}

fn valid_plan() -> Value {
    json!({
        "name": "Team monthly",
        "code": "team-monthly",
        "accountId": 1001,
        "amount": 4900,
        "taxAmount": 490,
        "billingCycleType": "M",
        "isActive": true
    })
}

// ---------------------------------------------------------------------------
// Seeded plans and find
// ---------------------------------------------------------------------------

#[test]
fn a_fresh_mock_has_demo_plans_for_account_1001_including_an_unknown_cycle() {
    let seeded = PlansState::seeded();
    assert!((3..=5).contains(&seeded.plans.len()));
    assert!(seeded.plans.iter().all(|p| p.account_id == AccountId(1001)));
    let cycles: Vec<&str> = seeded
        .plans
        .iter()
        .map(|p| p.billing_cycle_type.code())
        .collect();
    assert!(cycles.contains(&"M") && cycles.contains(&"A") && cycles.contains(&"X"));
    assert!(seeded.plans.iter().any(|p| !p.is_active));
    assert!(seeded.plans.iter().all(|p| p.create_date.is_some()));
    assert_eq!(seeded, PlansState::seeded(), "fixed, not time-dependent");
}

#[test]
fn find_answers_an_object_holding_the_plans_in_id_order() {
    let mut backend = MockBackend::new(1);
    let response = find(&mut backend, "");
    let listed = body(&response);
    assert_eq!(listed.as_object().map(|o| o.len()), Some(1));
    assert_eq!(found_ids(&response), [5001, 5002, 5003, 5004]);
    let first = &listed["plans"][0];
    assert_eq!(first["name"], "Starter monthly");
    assert_eq!(first["amount"], 2900);
    assert_eq!(first["billingCycleType"], "M");
    assert_eq!(first["createDate"], "2024-01-15 09:30:00");
    assert_eq!(listed["plans"][3]["billingCycleType"], "X");
}

#[test]
fn find_pages_with_offset_and_limit() {
    let mut backend = MockBackend::new(1);
    assert_eq!(found_ids(&find(&mut backend, "?limit=2")), [5001, 5002]);
    assert_eq!(found_ids(&find(&mut backend, "?offset=2&limit=1")), [5003]);
    assert_eq!(found_ids(&find(&mut backend, "?offset=3")), [5004]);
    assert!(found_ids(&find(&mut backend, "?offset=10")).is_empty());
    // Above the maximum is capped, not refused.
    assert_eq!(found_ids(&find(&mut backend, "?limit=5000")).len(), 4);
}

#[test]
fn find_limit_defaults_to_100() {
    let mut backend = MockBackend::new(1);
    for i in 0..120 {
        let mut plan = valid_plan();
        plan["code"] = json!(format!("bulk-{i}"));
        assert_eq!(put(&mut backend, plan).status, 200);
    }
    assert_eq!(found_ids(&find(&mut backend, "")).len(), 100);
    assert_eq!(found_ids(&find(&mut backend, "?offset=100")).len(), 24);
    assert_eq!(found_ids(&find(&mut backend, "?limit=1000")).len(), 124);
}

#[test]
fn find_filters_by_account_and_by_part_of_the_name_ignoring_case() {
    let mut backend = MockBackend::new(1);
    let mut other = valid_plan();
    other["accountId"] = json!(2002);
    other["name"] = json!("Agency MONTHLY");
    let other_id = body(&put(&mut backend, other))["id"].as_i64().expect("id");

    assert_eq!(
        found_ids(&find(&mut backend, "?accountId=1001")),
        [5001, 5002, 5003, 5004]
    );
    assert_eq!(
        found_ids(&find(&mut backend, "?accountId=2002")),
        [other_id]
    );
    assert_eq!(
        found_ids(&find(&mut backend, "?name=monthly")),
        [5001, other_id]
    );
    assert_eq!(
        found_ids(&find(&mut backend, "?name=Monthly&accountId=1001")),
        [5001]
    );
    assert!(found_ids(&find(&mut backend, "?name=nothing-like-it")).is_empty());
}

#[test]
fn find_also_filters_on_the_other_fields_the_seed_lists() {
    let mut backend = MockBackend::new(1);
    assert_eq!(found_ids(&find(&mut backend, "?isActive=false")), [5003]);
    assert_eq!(
        found_ids(&find(&mut backend, "?billingCycleType=X")),
        [5004]
    );
    assert_eq!(found_ids(&find(&mut backend, "?code=pro-yearly")), [5002]);
    assert_eq!(found_ids(&find(&mut backend, "?amount=700")), [5003]);
    assert_eq!(found_ids(&find(&mut backend, "?taxAmount=2990")), [5002]);
}

#[test]
fn bad_find_parameters_are_422_naming_the_parameter() {
    let mut backend = MockBackend::new(1);
    for (query, field) in [
        ("?offset=-1", "offset"),
        ("?offset=x", "offset"),
        ("?limit=0", "limit"),
        ("?limit=ten", "limit"),
        ("?accountId=abc", "accountId"),
        ("?isActive=yes", "isActive"),
    ] {
        let response = find(&mut backend, query);
        assert_eq!(response.status, 422, "{query}");
        assert!(
            error_description(&response).starts_with(&format!("{field}: ")),
            "{query}"
        );
    }
}

// ---------------------------------------------------------------------------
// load
// ---------------------------------------------------------------------------

#[test]
fn load_finds_a_plan_by_id_or_by_star_code() {
    let mut backend = MockBackend::new(1);
    let by_id = load(&mut backend, "5002");
    assert_eq!(by_id.status, 200);
    let by_code = load(&mut backend, "*pro-yearly");
    assert_eq!(by_code, by_id);
    let plan = body(&by_id);
    assert_eq!(plan["id"], 5002);
    assert_eq!(plan["code"], "pro-yearly");
    assert_eq!(plan["billingCycleType"], "A");
    assert_eq!(plan["taxAmount"], 2990);
    assert_eq!(plan["accountId"], 1001);
    assert_eq!(plan["isActive"], true);
}

#[test]
fn load_of_an_unknown_plan_is_404() {
    let mut backend = MockBackend::new(1);
    for reference in ["9999", "*nope", "abc", "-1", "*"] {
        assert_eq!(load(&mut backend, reference).status, 404, "{reference}");
    }
    assert_eq!(
        send(
            &mut backend,
            &request(Method::Get, "/api/v01/plans/5001/extra")
        )
        .status,
        404
    );
}

#[test]
fn wrong_methods_are_405_with_the_allowed_ones() {
    let mut backend = MockBackend::new(1);
    let collection = send(&mut backend, &request(Method::Post, "/api/v01/plans"));
    assert_eq!(collection.status, 405);
    assert_eq!(collection.header("Allow"), Some("GET, PUT"));
    let item = send(
        &mut backend,
        &request(Method::Delete, "/api/v01/plans/5001"),
    );
    assert_eq!(item.status, 405);
    assert_eq!(item.header("Allow"), Some("GET, POST"));
    assert_eq!(
        send(&mut backend, &request(Method::Put, "/api/v01/plans/5001")).status,
        405
    );
}

// ---------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------

#[test]
fn create_answers_the_new_plan_with_an_id_and_a_create_date_from_the_clock() {
    let mut backend = MockBackend::new(1);
    let response = put(&mut backend, valid_plan());
    assert_eq!(response.status, 200, "{}", response.body);
    let plan = body(&response);
    assert_eq!(plan["id"], 5005);
    assert_eq!(plan["name"], "Team monthly");
    assert_eq!(plan["code"], "team-monthly");
    assert_eq!(plan["accountId"], 1001);
    assert_eq!(plan["amount"], 4900);
    assert_eq!(plan["taxAmount"], 490);
    assert_eq!(plan["billingCycleType"], "M");
    assert_eq!(plan["isActive"], true);
    assert_eq!(plan["createDate"], "2024-02-29 23:59:59");
    assert_eq!(body(&load(&mut backend, "5005")), plan);
    assert_eq!(
        body(&put(
            &mut backend,
            json!({"name": "B", "accountId": 1, "amount": 0, "isActive": false})
        ))["id"],
        5006
    );
}

#[test]
fn create_dates_follow_the_calendar() {
    assert_eq!(plan_date(0), "1970-01-01 00:00:00");
    assert_eq!(plan_date(NOW), "2024-02-29 23:59:59");
    assert_eq!(plan_date(NOW + 1_000), "2024-03-01 00:00:00");
    assert_eq!(plan_date(951_782_400_000), "2000-02-29 00:00:00");
    assert_eq!(plan_date(4_107_542_399_999), "2100-02-28 23:59:59");
    assert_eq!(plan_date(4_107_542_400_000), "2100-03-01 00:00:00");
}

#[test]
fn a_plan_created_without_code_uses_its_id_as_code() {
    let mut backend = MockBackend::new(1);
    let mut plan = valid_plan();
    plan.as_object_mut().map(|o| o.remove("code"));
    let created = body(&put(&mut backend, plan));
    assert_eq!(created["code"], "5005");
    assert_eq!(body(&load(&mut backend, "*5005"))["id"], 5005);
}

#[test]
fn create_defaults_the_cycle_to_monthly_and_keeps_an_unknown_cycle_code_as_sent() {
    let mut backend = MockBackend::new(1);
    let mut plan = valid_plan();
    plan.as_object_mut().map(|o| o.remove("billingCycleType"));
    assert_eq!(body(&put(&mut backend, plan))["billingCycleType"], "M");

    let mut odd = valid_plan();
    odd["code"] = json!("odd-cycle");
    odd["billingCycleType"] = json!("Z");
    let created = body(&put(&mut backend, odd));
    assert_eq!(created["billingCycleType"], "Z");
    assert_eq!(
        body(&load(&mut backend, "*odd-cycle"))["billingCycleType"],
        "Z"
    );
}

#[test]
fn invalid_plans_are_refused_with_422_naming_the_field() {
    let mut backend = MockBackend::new(1);
    let with = |field: &str, value: Value| {
        let mut plan = valid_plan();
        plan[field] = value;
        plan
    };
    let without = |field: &str| {
        let mut plan = valid_plan();
        plan.as_object_mut().map(|o| o.remove(field));
        plan
    };
    let cases = [
        (without("name"), "name"),
        (with("name", json!("   ")), "name"),
        (with("name", json!("x".repeat(256))), "name"),
        (with("name", json!("bad\u{7}name")), "name"),
        (with("name", json!(12)), "name"),
        (with("code", json!("c".repeat(61))), "code"),
        (with("code", json!("has space")), "code"),
        (with("code", json!("pro-yearly")), "code"),
        (with("code", json!(7)), "code"),
        (without("accountId"), "accountId"),
        (with("accountId", json!(0)), "accountId"),
        (with("accountId", json!("abc")), "accountId"),
        (with("accountId", json!(1.5)), "accountId"),
        (without("amount"), "amount"),
        (with("amount", json!(-1)), "amount"),
        (with("amount", json!(12.5)), "amount"),
        (with("amount", json!("12.50")), "amount"),
        (with("amount", json!(100_000_001)), "amount"),
        (with("taxAmount", json!(-5)), "taxAmount"),
        (with("taxAmount", json!("x")), "taxAmount"),
        (with("billingCycleType", json!("")), "billingCycleType"),
        (with("billingCycleType", json!("M!")), "billingCycleType"),
        (with("billingCycleType", json!(3)), "billingCycleType"),
        (without("isActive"), "isActive"),
        (with("isActive", json!("yes")), "isActive"),
    ];
    for (plan, field) in cases {
        let response = put(&mut backend, plan.clone());
        assert_eq!(response.status, 422, "{plan} -> {}", response.body);
        let description = error_description(&response);
        assert!(
            description.starts_with(&format!("{field}: ")),
            "{plan} -> {description}"
        );
    }
    assert_eq!(
        found_ids(&find(&mut backend, "")).len(),
        4,
        "nothing was created"
    );
}

#[test]
fn a_body_that_is_not_a_json_object_is_a_400() {
    let mut backend = MockBackend::new(1);
    for raw in ["", "nope", "[]", "{\"name\":"] {
        let req = request(Method::Put, "/api/v01/plans").with_json_body(raw.to_owned());
        assert_eq!(send(&mut backend, &req).status, 400, "{raw:?}");
        let req = request(Method::Post, "/api/v01/plans/5001").with_json_body(raw.to_owned());
        assert_eq!(send(&mut backend, &req).status, 400, "{raw:?}");
    }
    assert_eq!(
        send(&mut backend, &request(Method::Put, "/api/v01/plans")).status,
        400
    );
}

// ---------------------------------------------------------------------------
// modify
// ---------------------------------------------------------------------------

fn changes() -> Value {
    json!({"name": "Starter monthly (2025)", "amount": 3100, "taxAmount": 310, "billingCycleType": "M", "isActive": true})
}

#[test]
fn modify_by_id_or_code_replaces_the_mutable_fields() {
    let mut backend = MockBackend::new(1);
    let response = post(&mut backend, "5001", changes());
    assert_eq!(response.status, 200, "{}", response.body);
    let plan = body(&response);
    assert_eq!(plan["name"], "Starter monthly (2025)");
    assert_eq!(plan["amount"], 3100);
    assert_eq!(plan["taxAmount"], 310);
    assert_eq!(plan["code"], "starter-monthly");
    assert_eq!(plan["accountId"], 1001);
    assert_eq!(plan["createDate"], "2024-01-15 09:30:00");
    assert_eq!(body(&load(&mut backend, "5001")), plan);

    // No taxAmount means no tax, as the client's `PlanChanges` omits it.
    let untaxed =
        json!({"name": "Starter", "amount": 2900, "billingCycleType": "M", "isActive": false});
    let plan = body(&post(&mut backend, "*starter-monthly", untaxed));
    assert_eq!(plan.get("taxAmount"), None);
    assert_eq!(plan["isActive"], false);
}

#[test]
fn code_and_account_can_be_sent_unchanged_but_not_changed() {
    let mut backend = MockBackend::new(1);
    let mut same = changes();
    same["code"] = json!("starter-monthly");
    same["accountId"] = json!(1001);
    assert_eq!(post(&mut backend, "5001", same).status, 200);

    for (field, value) in [
        ("code", json!("new-code")),
        ("accountId", json!(2002)),
        ("accountId", json!("x")),
    ] {
        let mut changed = changes();
        changed[field] = value;
        let response = post(&mut backend, "5001", changed);
        assert_eq!(response.status, 422, "{field}");
        assert_eq!(
            error_description(&response),
            format!("{field}: cannot be changed after the plan is created")
        );
    }
    let plan = body(&load(&mut backend, "5001"));
    assert_eq!(plan["code"], "starter-monthly");
    assert_eq!(plan["accountId"], 1001);
}

#[test]
fn invalid_changes_are_422_naming_the_field_and_change_nothing() {
    let mut backend = MockBackend::new(1);
    let before = body(&load(&mut backend, "5002"));
    for (field, value) in [
        ("name", json!("")),
        ("amount", json!(-1)),
        ("amount", Value::Null),
        ("taxAmount", json!(-1)),
        ("billingCycleType", json!("??")),
        ("isActive", Value::Null),
    ] {
        let mut bad = changes();
        bad[field] = value;
        let response = post(&mut backend, "5002", bad);
        assert_eq!(response.status, 422, "{field}");
        assert!(error_description(&response).starts_with(&format!("{field}: ")));
    }
    assert_eq!(body(&load(&mut backend, "5002")), before);
    assert_eq!(post(&mut backend, "9999", changes()).status, 404);
}

#[test]
fn an_unknown_cycle_code_survives_create_load_and_modify() {
    let mut backend = MockBackend::new(1);
    // The seeded X plan: a modify that does not mention the cycle keeps it.
    let untouched = json!({"name": "Custom cycle", "amount": 5900, "isActive": true});
    assert_eq!(
        body(&post(&mut backend, "*custom-x", untouched))["billingCycleType"],
        "X"
    );
    // One that sends it back keeps it too.
    let echoed =
        json!({"name": "Custom cycle", "amount": 5900, "billingCycleType": "X", "isActive": true});
    assert_eq!(
        body(&post(&mut backend, "5004", echoed))["billingCycleType"],
        "X"
    );
    assert_eq!(body(&load(&mut backend, "5004"))["billingCycleType"], "X");
}

// ---------------------------------------------------------------------------
// State and the client
// ---------------------------------------------------------------------------

#[test]
fn the_plans_survive_a_state_json_round_trip() {
    let mut backend = MockBackend::new(1);
    put(&mut backend, valid_plan());
    post(
        &mut backend,
        "5004",
        json!({"name": "Renamed", "amount": 1, "isActive": false}),
    );
    let mut restored = MockBackend::from_json(&backend.to_json()).expect("restores");
    assert_eq!(restored, backend);
    assert_eq!(
        restored.state.plans.plans[3].billing_cycle_type,
        BillingCycle::Other("X".into())
    );
    assert_eq!(
        body(&put(
            &mut restored,
            json!({"name": "Next", "accountId": 1001, "amount": 5, "isActive": true})
        ))["id"],
        5006
    );
}

#[test]
fn the_api_client_builds_requests_the_mock_understands_and_parses_its_answers() {
    let mut backend = MockBackend::new(1);
    let api = PlansApi::new(&Url::parse("https://gateway.example.com/api/v01").expect("url"))
        .expect("api");

    let query = PlanQuery {
        offset: Some(1),
        limit: Some(2),
        account_id: Some(AccountId(1001)),
        name: None,
    };
    let found = parse_plans(&send(
        &mut backend,
        &api.find_plans(&query).into_request().expect("find"),
    ))
    .expect("find parses");
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        [PlanId(5002), PlanId(5003)]
    );

    let new = NewPlan {
        name: PlanName::parse("Client plan").expect("name"),
        code: Some(PlanCode::parse("client-plan").expect("code")),
        account_id: AccountId(1001),
        amount: Cents::new(1234),
        tax_amount: None,
        billing_cycle_type: BillingCycle::Other("Y".into()),
        is_active: true,
    };
    let created = parse_plan(&send(
        &mut backend,
        &api.create_plan(&new).into_request().expect("create"),
    ))
    .expect("create parses");
    assert_eq!(created.billing_cycle_type, BillingCycle::Other("Y".into()));
    assert_eq!(created.code.as_deref(), Some("client-plan"));
    assert!(created.create_date.is_some());

    let by_code = PlanRef::Code(PlanCode::parse("client-plan").expect("code"));
    let loaded = parse_plan(&send(
        &mut backend,
        &api.load_plan(&by_code).into_request().unwrap(),
    ))
    .expect("load parses");
    assert_eq!(loaded, created);

    let changes = PlanChanges {
        name: PlanName::parse("Client plan v2").expect("name"),
        amount: Cents::new(2000),
        tax_amount: Some(Cents::new(200)),
        billing_cycle_type: loaded.billing_cycle_type.clone(),
        is_active: false,
    };
    let modified = parse_plan(&send(
        &mut backend,
        &api.modify_plan(&PlanRef::Id(created.id), &changes)
            .into_request()
            .expect("modify"),
    ))
    .expect("modify parses");
    assert_eq!(modified, created.with_changes(&changes));
}

// ---------------------------------------------------------------------------
// No input makes the mock panic
// ---------------------------------------------------------------------------

const ODD_VALUES: [&str; 12] = [
    "null",
    "true",
    "0",
    "-9223372036854775808",
    "9223372036854775808",
    "1e308",
    "\"\"",
    "\"-\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "\"X\"",
];

proptest::proptest! {
    #[test]
    fn odd_plan_fields_get_an_answer_never_a_panic(
        fields in proptest::collection::vec(0..ODD_VALUES.len(), 7),
        modify in proptest::bool::ANY,
    ) {
        let mut backend = MockBackend::new(1);
        let names = ["name", "code", "accountId", "amount", "taxAmount", "billingCycleType", "isActive"];
        let raw = format!(
            "{{{}}}",
            names
                .iter()
                .zip(&fields)
                .map(|(name, value)| format!("\"{name}\": {}", ODD_VALUES[*value]))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let req = if modify {
            request(Method::Post, "/api/v01/plans/5004")
        } else {
            request(Method::Put, "/api/v01/plans")
        };
        let response = send(&mut backend, &req.with_json_body(raw));
        proptest::prop_assert!(matches!(response.status, 200 | 400 | 422), "{}", response.body);
    }

    #[test]
    fn any_plan_path_and_query_get_an_answer_never_a_panic(
        reference in "[*]?[A-Za-z0-9_%.-]{0,20}",
        query in "[a-zA-Z=&%0-9-]{0,40}",
        now in 0u64..u64::MAX,
    ) {
        let mut backend = MockBackend::new(1);
        let Ok(url) = Url::parse(&format!("https://gateway.example.com/api/v01/plans/{reference}?{query}")) else {
            return Ok(());
        };
        let get = backend.handle(&HttpRequest::new(Method::Get, url.clone()), now);
        proptest::prop_assert!(get.response().is_some_and(|r| r.status < 500));
        let put = backend.handle(
            &HttpRequest::new(Method::Put, url).with_json_body(valid_plan().to_string()),
            now,
        );
        proptest::prop_assert!(put.response().is_some_and(|r| r.status < 500));
    }
}
