//! LiveChat Billing API: the seed examples as golden files, request builders
//! for every endpoint and version, response parsing and client round trips.

use billing_core::api::Service;
use std::future::Future;
use std::task::{Context, Poll, Waker};

use billing_core::api::livechat::{
    parse_activated_direct_charge, parse_balance, parse_direct_charge, parse_direct_charges,
    parse_ledger, parse_recurrent_charge, parse_recurrent_charges, ApiVersion, Balance, BillingApi,
    BillingClient, DirectCharge, DirectChargeQuery, LedgerEntry, NewDirectCharge,
    NewRecurrentCharge, Product, RecurrentAction, RecurrentCharge, RecurrentChargeQuery,
    ResultList,
};
use billing_core::api::{
    ApiError, HttpResponse, Method, NextStep, RecordingTransport, Timestamp, TransportError,
};
use billing_core::domain::charge::{
    DirectChargeId, DirectChargeStatus, LedgerEntryType, RecurrentChargeId, RecurrentChargeStatus,
};
use billing_core::domain::money::Cents;
use billing_core::domain::oauth::AccessToken;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

const DIRECT: &str = include_str!("fixtures/livechat_direct_charge.json");
const DIRECT_MD: &str = include_str!("fixtures/livechat_direct_charge_md.json");
const LEDGER_ENTRY: &str = include_str!("fixtures/livechat_ledger_entry.json");
/// The seed prints the recurrent charge without its outer braces.
const RECURRENT_FIELDS: &str = include_str!("fixtures/livechat_recurrent_charge_fields.json");
/// Verbatim from the seed's ledger section.
const BALANCE: &str = r#"{"balance": 10}"#;

const DIRECT_ID: &str = "5deab95d-c0c9-4397-9593-436f533e83e5";
const RECURRENT_ID: &str = "1c286f7a-aab8-4384-8e09-dc6749c550cd";

fn recurrent_seed() -> String {
    format!("{{{RECURRENT_FIELDS}}}")
}

/// Polls a future that the synchronous fake makes ready at once.
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

fn token() -> AccessToken {
    AccessToken::new("dal:test-token".to_owned(), 28_800, 0, Vec::new())
}

fn api(version: ApiVersion) -> BillingApi {
    BillingApi::new(
        &Url::parse("https://billing.livechatinc.com").unwrap(),
        version,
    )
    .unwrap()
}

fn direct_id() -> DirectChargeId {
    DirectChargeId::parse(DIRECT_ID).unwrap()
}

fn recurrent_id() -> RecurrentChargeId {
    RecurrentChargeId::parse(RECURRENT_ID).unwrap()
}

/// Deserialises, serialises back and compares the JSON values.
fn golden<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let before: Value = serde_json::from_str(text).unwrap();
    let typed: T = serde_json::from_str(text).unwrap();
    let after = serde_json::to_value(&typed).unwrap();
    assert_eq!(after, before, "the round trip changed the JSON");
    typed
}

fn ok(status: u16, body: &str) -> HttpResponse {
    HttpResponse::new(status, body).with_header("Content-Type", "application/json")
}

fn decode_path(error: ApiError) -> (String, String) {
    match error {
        ApiError::Decode {
            service: _,
            path,
            message,
        } => (path, message),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn with_field(text: &str, key: &str, value: Value) -> String {
    let mut object: Value = serde_json::from_str(text).unwrap();
    object[key] = value;
    object.to_string()
}

fn without_field(text: &str, key: &str) -> String {
    let mut object: Value = serde_json::from_str(text).unwrap();
    object.as_object_mut().unwrap().remove(key);
    object.to_string()
}

// ---- Golden files ---------------------------------------------------------

#[test]
fn seed_direct_charge_round_trips_and_reads_every_field() {
    let charge: DirectCharge = golden(DIRECT);
    assert_eq!(charge.id, direct_id());
    assert_eq!(charge.buyer_license_id, Some(100_008_664));
    assert_eq!(charge.buyer_entity_id.as_deref(), Some("name@email.com"));
    assert_eq!(
        charge.order_client_id.as_deref(),
        Some("1e2cb91de0b15e99a7f4502b900e907e")
    );
    assert_eq!(charge.seller_client_id, charge.order_client_id);
    assert_eq!(charge.name, "Extension");
    assert_eq!(charge.price, Cents::new(100));
    assert_eq!(charge.quantity, 2);
    assert_eq!(charge.total(), Some(Cents::new(200)));
    assert!(charge.return_url.ends_with("&type=direct_charge"));
    assert!(!charge.test);
    assert_eq!(charge.per_account, Some(true));
    assert_eq!(charge.status, DirectChargeStatus::Pending);
    assert_eq!(
        charge.confirmation_url,
        "https://billing.livechatinc.com/?id=5deab95d-c0c9-4397-9593-436f533e83e5"
    );
    assert_eq!(charge.commission_percent, Some(20));
    assert_eq!(charge.created_at.as_str(), "2017-10-20T13:31:27Z");
    assert_eq!(charge.updated_at.as_str(), "2017-10-23T13:27:45Z");
    assert!(charge.extra.is_empty());
}

#[test]
fn seed_markdown_direct_charge_without_per_account_round_trips() {
    let charge: DirectCharge = golden(DIRECT_MD);
    assert_eq!(charge.per_account, None);
    assert_eq!(charge.status, DirectChargeStatus::Pending);
    let out = serde_json::to_value(&charge).unwrap();
    assert!(
        out.get("per_account").is_none(),
        "an absent field stays absent"
    );
}

#[test]
fn seed_recurrent_charge_round_trips_with_its_nulls() {
    let charge: RecurrentCharge = golden(&recurrent_seed());
    assert_eq!(charge.id, recurrent_id());
    assert_eq!(charge.buyer_license_id, Some(100_006_625));
    assert_eq!(charge.order_license_id.as_deref(), Some("12345"));
    assert_eq!(charge.order_entity_id.as_deref(), Some("name@example.com"));
    assert_eq!(charge.price, Cents::new(1900));
    assert_eq!(charge.trial_days, 0);
    assert_eq!(charge.months, 1);
    assert_eq!(charge.per_account, Some(true));
    assert_eq!(charge.status, RecurrentChargeStatus::Pending);
    assert_eq!(charge.commission_percent, Some(20));
    assert_eq!(charge.trial_ends_at, None);
    assert_eq!(charge.cancelled_at, None);
    assert_eq!(charge.current_charge_at, None);
    assert_eq!(charge.next_charge_at, None);
    assert_eq!(charge.external_id, None);
    let out = serde_json::to_value(&charge).unwrap();
    assert_eq!(
        out["trial_ends_at"],
        Value::Null,
        "documented nulls are written"
    );
}

#[test]
fn seed_ledger_entry_and_balance_round_trip() {
    let entry: LedgerEntry = golden(LEDGER_ENTRY);
    assert_eq!(entry.id.as_str(), "50af517e-c5aa-4af3-93c2-e60d612c43eb");
    assert_eq!(entry.name, "app1");
    assert_eq!(entry.entry_type, LedgerEntryType::Collection);
    assert_eq!(entry.value, Cents::new(160));
    assert_eq!(entry.created_at.as_str(), "2017-11-20T15:48:13Z");

    let balance: Balance = golden(BALANCE);
    assert_eq!(balance.balance, Cents::new(10));
}

#[test]
fn list_envelopes_of_seed_objects_round_trip() {
    let direct = format!(r#"{{"result": [{DIRECT}, {DIRECT_MD}]}}"#);
    let list: ResultList<DirectCharge> = golden(&direct);
    assert_eq!(list.result.len(), 2);

    let recurrent = format!(r#"{{"result": [{}]}}"#, recurrent_seed());
    let list: ResultList<RecurrentCharge> = golden(&recurrent);
    assert_eq!(list.result[0].id, recurrent_id());

    let ledger = format!(r#"{{"result": [{LEDGER_ENTRY}, {LEDGER_ENTRY}]}}"#);
    let list: ResultList<LedgerEntry> = golden(&ledger);
    assert_eq!(list.result.len(), 2);
}

#[test]
fn unknown_fields_are_kept_and_written_back() {
    let text = with_field(
        DIRECT,
        "invoice",
        json!({"number": "INV-7", "lines": [1, 2]}),
    );
    let text = with_field(&text, "recurrent_charge_id", json!(RECURRENT_ID));
    let charge: DirectCharge = golden(&text);
    assert_eq!(charge.extra["invoice"]["number"], "INV-7");
    assert_eq!(charge.extra["recurrent_charge_id"], RECURRENT_ID);

    let text = with_field(&recurrent_seed(), "external_id", json!("order-42"));
    let text = with_field(&text, "invoices_due", json!(2));
    let charge: RecurrentCharge = golden(&text);
    assert_eq!(charge.external_id.as_deref(), Some("order-42"));
    assert_eq!(charge.extra["invoices_due"], 2);

    let list: ResultList<LedgerEntry> = golden(r#"{"result": [], "page": 3, "pages": 9}"#);
    assert_eq!(list.extra["pages"], 9);
}

#[test]
fn unknown_statuses_are_kept_and_never_success() {
    for raw in ["refunded", "Success", "SUCCESS", "", "success "] {
        let charge: DirectCharge = golden(&with_field(DIRECT, "status", json!(raw)));
        assert_eq!(charge.status, DirectChargeStatus::Unknown(raw.to_owned()));
        assert!(!charge.status.is_success());
        assert!(!charge.status.is_terminal());
    }
    let charge: RecurrentCharge = golden(&with_field(&recurrent_seed(), "status", json!("paused")));
    assert_eq!(
        charge.status,
        RecurrentChargeStatus::Unknown("paused".to_owned())
    );
    assert!(!charge.status.is_success());
    assert!(!charge.status.grants_access());

    let charge: RecurrentCharge =
        golden(&with_field(&recurrent_seed(), "status", json!("past_due")));
    assert_eq!(charge.status, RecurrentChargeStatus::PastDue);

    let entry: LedgerEntry = golden(&with_field(LEDGER_ENTRY, "type", json!("chargeback")));
    assert_eq!(
        entry.entry_type,
        LedgerEntryType::Unknown("chargeback".to_owned())
    );
    assert_eq!(entry.entry_type.balance_sign(), None);
}

#[test]
fn settlement_dates_are_read_when_present() {
    let text = with_field(
        &recurrent_seed(),
        "current_charge_at",
        json!("2017-12-01T00:00:00Z"),
    );
    let text = with_field(&text, "next_charge_at", json!("2018-01-01T00:00:00+01:00"));
    let charge: RecurrentCharge = golden(&text);
    let current = charge.current_charge_at.unwrap();
    let next = charge.next_charge_at.unwrap();
    assert_eq!(current.date(), "2017-12-01");
    assert!(next.unix_millis() > current.unix_millis());
}

// ---- Decoding errors ------------------------------------------------------

#[test]
fn a_wrong_type_names_its_field() {
    let error =
        parse_direct_charge(&ok(200, &with_field(DIRECT, "price", json!("100")))).unwrap_err();
    let (path, message) = decode_path(error);
    assert_eq!(path, "price");
    assert!(message.contains("invalid type"), "{message}");

    let error =
        parse_direct_charge(&ok(200, &with_field(DIRECT, "quantity", json!(-2)))).unwrap_err();
    assert_eq!(decode_path(error).0, "quantity");

    let error =
        parse_direct_charge(&ok(200, &with_field(DIRECT, "test", json!("no")))).unwrap_err();
    assert_eq!(decode_path(error).0, "test");
}

#[test]
fn a_missing_field_is_named() {
    for field in ["id", "status", "price", "created_at"] {
        let error = parse_direct_charge(&ok(200, &without_field(DIRECT, field))).unwrap_err();
        assert_eq!(
            decode_path(error),
            (field.to_owned(), "missing field".to_owned())
        );
    }
    let error = parse_balance(&ok(200, "{}")).unwrap_err();
    assert_eq!(decode_path(error).0, "balance");
}

#[test]
fn an_error_inside_a_list_names_the_element() {
    let bad = with_field(DIRECT, "status", json!(3));
    let body = format!(r#"{{"result": [{DIRECT}, {bad}]}}"#);
    let error = parse_direct_charges(&ok(200, &body)).unwrap_err();
    let (path, message) = decode_path(error);
    assert_eq!(path, "result[1].status");
    assert!(message.contains("invalid type"), "{message}");

    let bad_date = with_field(LEDGER_ENTRY, "created_at", json!("20 Nov 2017"));
    let body = format!(r#"{{"result": [{bad_date}]}}"#);
    let (path, message) = decode_path(parse_ledger(&ok(200, &body)).unwrap_err());
    assert_eq!(path, "result[0].created_at");
    assert!(message.contains("RFC 3339"), "{message}");
}

#[test]
fn hostile_ids_and_dates_are_refused() {
    let error =
        parse_direct_charge(&ok(200, &with_field(DIRECT, "id", json!("../../admin")))).unwrap_err();
    assert_eq!(decode_path(error).0, "id");
    let error = parse_recurrent_charge(&ok(
        200,
        &with_field(&recurrent_seed(), "trial_ends_at", json!("tomorrow")),
    ))
    .unwrap_err();
    assert_eq!(decode_path(error).0, "trial_ends_at");
}

#[test]
fn malformed_truncated_and_empty_bodies_are_decode_errors() {
    let (_, message) = decode_path(parse_direct_charge(&ok(200, r#"{"id": }"#)).unwrap_err());
    assert!(message.starts_with("not valid JSON"), "{message}");

    let half = &DIRECT[..DIRECT.len() / 2];
    let (_, message) = decode_path(parse_direct_charge(&ok(200, half)).unwrap_err());
    assert!(message.contains("truncated"), "{message}");

    let (path, message) = decode_path(parse_direct_charge(&ok(200, "")).unwrap_err());
    assert_eq!(path, "");
    assert!(message.contains("empty"));

    let (_, message) = decode_path(parse_direct_charge(&ok(200, "[1, 2]")).unwrap_err());
    assert!(message.contains("invalid type"), "{message}");

    let error = parse_direct_charges(&ok(200, r#"{"results": []}"#)).unwrap_err();
    assert_eq!(decode_path(error).0, "result");
}

#[test]
fn every_truncation_of_a_seed_is_an_error_never_a_panic() {
    for cut in 0..DIRECT.trim_end().len() {
        let response = ok(200, &DIRECT[..cut]);
        assert!(
            parse_direct_charge(&response).is_err(),
            "a body cut at {cut} was accepted"
        );
    }
}

#[test]
fn a_bare_array_is_read_as_a_list_too() {
    let body = format!("[{DIRECT}]");
    let charges = parse_direct_charges(&ok(200, &body)).unwrap();
    assert_eq!(charges.len(), 1);
    let body = format!("[{}]", recurrent_seed());
    assert_eq!(parse_recurrent_charges(&ok(200, &body)).unwrap().len(), 1);
}

#[test]
fn any_2xx_is_success_and_other_statuses_are_errors() {
    for status in [200, 201, 202] {
        assert!(parse_direct_charge(&ok(status, DIRECT)).is_ok());
    }
    for status in [301, 400, 404, 500] {
        let error = parse_direct_charge(&ok(status, DIRECT)).unwrap_err();
        assert_eq!(error.status(), Some(status));
    }
}

#[test]
fn activation_answers_with_the_charge_or_nothing() {
    assert_eq!(parse_activated_direct_charge(&ok(200, "")).unwrap(), None);
    assert_eq!(
        parse_activated_direct_charge(&HttpResponse::new(204, "")).unwrap(),
        None
    );
    let accepted = with_field(DIRECT, "status", json!("accepted"));
    let charge = parse_activated_direct_charge(&ok(200, &accepted))
        .unwrap()
        .unwrap();
    assert_eq!(charge.status, DirectChargeStatus::Accepted);
    assert!(parse_activated_direct_charge(&HttpResponse::new(409, "")).is_err());
}

// ---- Timestamps -----------------------------------------------------------

#[test]
fn timestamps_accept_rfc3339_and_keep_the_text() {
    for text in [
        "2017-10-20T13:31:27Z",
        "2019-04-09T16:02:38.835Z",
        "2019-04-09t16:02:38.835123z",
        "2016-12-31T23:59:60Z",
        "2024-02-29T00:00:00+05:30",
        "2024-02-29 00:00:00-08:00",
    ] {
        let stamp = Timestamp::parse(text).unwrap();
        assert_eq!(stamp.as_str(), text);
        assert_eq!(serde_json::to_value(&stamp).unwrap(), json!(text));
    }
    assert_eq!(
        Timestamp::parse("1970-01-01T00:00:01.5Z")
            .unwrap()
            .unix_millis(),
        1_500
    );
    assert_eq!(
        Timestamp::parse("2017-10-20T13:31:27Z")
            .unwrap()
            .unix_millis(),
        1_508_506_287_000
    );
    let utc = Timestamp::parse("2018-01-01T00:00:00Z").unwrap();
    let plus_one = Timestamp::parse("2018-01-01T01:00:00+01:00").unwrap();
    assert_eq!(utc.unix_millis(), plus_one.unix_millis());
}

#[test]
fn timestamps_refuse_other_shapes() {
    for text in [
        "",
        "2017-10-20",
        "2017-10-20T13:31:27",
        "2017-10-20T13:31Z",
        "2017-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "2017-10-20T24:00:00Z",
        "2017-10-20T13:31:27.Z",
        "2017-10-20T13:31:27+0100",
        "2017-10-20T13:31:27Z ",
        "1508506287",
        "2017-10-20T13:31:27+24:00",
        "２017-10-20T13:31:27Z",
    ] {
        assert!(Timestamp::parse(text).is_err(), "{text:?} was accepted");
    }
}

// ---- Request builders -----------------------------------------------------

fn assert_authorized_json(request: &billing_core::api::HttpRequest) {
    assert_eq!(
        request.header("authorization"),
        Some("Bearer dal:test-token")
    );
    assert_eq!(request.header("accept"), Some("application/json"));
}

#[test]
fn direct_charge_paths_for_every_version() {
    let id = direct_id();
    let cases = [
        (ApiVersion::V1, Product::LiveChat, "/v1/direct_charge"),
        (
            ApiVersion::V2,
            Product::LiveChat,
            "/v2/direct_charge/livechat",
        ),
        (
            ApiVersion::V3,
            Product::LiveChat,
            "/v3/direct_charge/livechat",
        ),
        (
            ApiVersion::V3,
            Product::HelpDesk,
            "/v3/direct_charge/helpdesk",
        ),
    ];
    for (version, product, collection) in cases {
        let api = api(version).with_product(product);
        let charge =
            NewDirectCharge::new("Extension", Cents::new(100), 2, "https://app.example/ret");

        let create = api
            .create_direct_charge(&token(), &charge)
            .into_request()
            .unwrap();
        assert_eq!(create.method, Method::Post);
        assert_eq!(create.url.path(), collection);
        assert_eq!(create.url.query(), None);
        assert_eq!(create.header("content-type"), Some("application/json"));
        assert_authorized_json(&create);

        let get = api.get_direct_charge(&token(), &id).into_request().unwrap();
        assert_eq!(get.method, Method::Get);
        assert_eq!(get.url.path(), format!("{collection}/{DIRECT_ID}"));
        assert_eq!(get.body, None);
        assert_authorized_json(&get);

        let activate = api
            .activate_direct_charge(&token(), &id)
            .into_request()
            .unwrap();
        assert_eq!(activate.method, Method::Put);
        assert_eq!(
            activate.url.path(),
            format!("{collection}/{DIRECT_ID}/activate")
        );
        assert_eq!(activate.body, None);
        assert_authorized_json(&activate);

        let list = api
            .list_direct_charges(
                &token(),
                &DirectChargeQuery {
                    page: Some(2),
                    status: Some(DirectChargeStatus::Success),
                    recurrent_charge_id: None,
                },
            )
            .into_request()
            .unwrap();
        assert_eq!(list.method, Method::Get);
        assert_eq!(list.url.path(), collection);
        assert_eq!(
            list.query_pairs(),
            vec![
                ("page".to_owned(), "2".to_owned()),
                ("status".to_owned(), "success".to_owned())
            ]
        );
        assert_authorized_json(&list);
    }
}

#[test]
fn recurrent_charge_paths_for_every_version() {
    let id = recurrent_id();
    let cases = [
        (ApiVersion::V1, "/v1/recurrent_charge"),
        (ApiVersion::V2, "/v2/recurrent_charge/livechat"),
        (ApiVersion::V3, "/v3/recurrent_charge/livechat"),
    ];
    for (version, collection) in cases {
        let api = api(version);
        let charge = NewRecurrentCharge::new("sub1", Cents::new(1900), "http://localhost");
        let create = api
            .create_recurrent_charge(&token(), &charge)
            .into_request()
            .unwrap();
        assert_eq!(create.method, Method::Post);
        assert_eq!(create.url.path(), collection);
        assert_authorized_json(&create);

        let get = api
            .get_recurrent_charge(&token(), &id)
            .into_request()
            .unwrap();
        assert_eq!(get.method, Method::Get);
        assert_eq!(get.url.path(), format!("{collection}/{RECURRENT_ID}"));

        for action in RecurrentAction::ALL {
            let request = api
                .recurrent_charge_action(&token(), &id, action)
                .into_request()
                .unwrap();
            assert_eq!(request.method, Method::Put);
            assert_eq!(
                request.url.path(),
                format!("{collection}/{RECURRENT_ID}/{}", action.as_str())
            );
            assert_eq!(request.body, None);
            assert_authorized_json(&request);
        }

        let list = api
            .list_recurrent_charges(
                &token(),
                &RecurrentChargeQuery {
                    page: Some(1),
                    status: Some(RecurrentChargeStatus::Active),
                    order_client_id: Some("e569d92213f62ec04cee2ee0f3b4f070".to_owned()),
                },
            )
            .into_request()
            .unwrap();
        assert_eq!(list.method, Method::Get);
        assert_eq!(list.url.path(), collection);
        assert_eq!(
            list.query_pairs(),
            vec![
                ("page".to_owned(), "1".to_owned()),
                ("status".to_owned(), "active".to_owned()),
                (
                    "order_client_id".to_owned(),
                    "e569d92213f62ec04cee2ee0f3b4f070".to_owned()
                ),
            ]
        );
    }
}

#[test]
fn ledger_paths_for_every_version() {
    let cases = [
        (ApiVersion::V1, "/v1/ledger"),
        (ApiVersion::V2, "/v2/ledger/livechat"),
        // The ledger stayed on v2 when charges moved to v3.
        (ApiVersion::V3, "/v2/ledger/livechat"),
    ];
    for (version, ledger) in cases {
        let api = api(version);
        let first = api.get_ledger(&token(), None).into_request().unwrap();
        assert_eq!(first.method, Method::Get);
        assert_eq!(first.url.path(), ledger);
        assert_eq!(first.url.query(), None);
        assert_authorized_json(&first);

        let page = api.get_ledger(&token(), Some(3)).into_request().unwrap();
        assert_eq!(
            page.query_pairs(),
            vec![("page".to_owned(), "3".to_owned())]
        );

        let balance = api.get_balance(&token()).into_request().unwrap();
        assert_eq!(balance.method, Method::Get);
        assert_eq!(balance.url.path(), format!("{ledger}/balance"));
        assert_authorized_json(&balance);
    }
}

#[test]
fn create_bodies_hold_exactly_the_documented_fields() {
    let api = api(ApiVersion::V1);
    let minimal = NewDirectCharge::new("Extension", Cents::new(100), 2, "https://app.example/r");
    let request = api
        .create_direct_charge(&token(), &minimal)
        .into_request()
        .unwrap();
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "Extension", "price": 100, "quantity": 2, "return_url": "https://app.example/r"})
    );

    let full = NewDirectCharge {
        per_account: Some(true),
        test: Some(true),
        ..minimal
    };
    let request = api
        .create_direct_charge(&token(), &full)
        .into_request()
        .unwrap();
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "Extension", "price": 100, "quantity": 2,
               "return_url": "https://app.example/r", "per_account": true, "test": true})
    );

    let minimal = NewRecurrentCharge::new("sub1", Cents::new(1900), "http://localhost");
    let request = api
        .create_recurrent_charge(&token(), &minimal)
        .into_request()
        .unwrap();
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "sub1", "price": 1900, "return_url": "http://localhost"})
    );
    let full = NewRecurrentCharge {
        test: Some(false),
        trial_days: Some(14),
        months: Some(12),
        per_account: Some(true),
        ..minimal
    };
    let request = api
        .create_recurrent_charge(&token(), &full)
        .into_request()
        .unwrap();
    assert_eq!(
        request.json_body().unwrap(),
        json!({"name": "sub1", "price": 1900, "return_url": "http://localhost",
               "test": false, "trial_days": 14, "months": 12, "per_account": true})
    );
}

#[test]
fn a_base_url_with_a_path_prefix_keeps_it() {
    for base in [
        "http://127.0.0.1:8080/mock/billing",
        "http://127.0.0.1:8080/mock/billing/",
    ] {
        let api = BillingApi::new(&Url::parse(base).unwrap(), ApiVersion::V1).unwrap();
        let request = api
            .get_direct_charge(&token(), &direct_id())
            .into_request()
            .unwrap();
        assert_eq!(
            request.url.as_str(),
            format!("http://127.0.0.1:8080/mock/billing/v1/direct_charge/{DIRECT_ID}")
        );
    }
    let api = BillingApi::new(
        &Url::parse("https://billing.text.com/?debug=1#x").unwrap(),
        ApiVersion::V3,
    )
    .unwrap();
    assert_eq!(
        api.get_balance(&token())
            .into_request()
            .unwrap()
            .url
            .as_str(),
        "https://billing.text.com/v2/ledger/livechat/balance"
    );
}

#[test]
fn bad_base_urls_and_versions_are_refused() {
    for base in [
        "ftp://billing.example.com",
        "mailto:billing@example.com",
        "https://user:pw@billing.example.com",
    ] {
        let error = BillingApi::new(&Url::parse(base).unwrap(), ApiVersion::V1).unwrap_err();
        assert!(matches!(error, ApiError::Validation { ref field, .. } if field == "base_url"));
    }
    assert_eq!(ApiVersion::parse("v3"), Some(ApiVersion::V3));
    assert_eq!(ApiVersion::parse("v9"), None);
    assert_eq!(ApiVersion::parse("V1"), None);
}

#[test]
fn filtering_by_subscription_needs_v3() {
    let query = DirectChargeQuery {
        recurrent_charge_id: Some(recurrent_id()),
        ..Default::default()
    };
    for version in [ApiVersion::V1, ApiVersion::V2] {
        let error = api(version)
            .list_direct_charges(&token(), &query)
            .into_request()
            .unwrap_err();
        assert!(
            matches!(error, ApiError::Validation { ref field, .. } if field == "recurrent_charge_id")
        );
    }
    let request = api(ApiVersion::V3)
        .list_direct_charges(&token(), &query)
        .into_request()
        .unwrap();
    assert_eq!(
        request.query_pairs(),
        vec![("recurrent_charge_id".to_owned(), RECURRENT_ID.to_owned())]
    );
}

fn validation_field(result: Result<billing_core::api::HttpRequest, ApiError>) -> String {
    match result {
        Err(ApiError::Validation { field, .. }) => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn create_input_is_validated_before_sending() {
    let api = api(ApiVersion::V1);
    let good = NewDirectCharge::new("Extension", Cents::new(100), 1, "https://app.example/r");
    let cases: Vec<(NewDirectCharge, &str)> = vec![
        (
            NewDirectCharge {
                name: "  ".into(),
                ..good.clone()
            },
            "name",
        ),
        (
            NewDirectCharge {
                name: "a\u{7}b".into(),
                ..good.clone()
            },
            "name",
        ),
        (
            NewDirectCharge {
                name: "x".repeat(256),
                ..good.clone()
            },
            "name",
        ),
        (
            NewDirectCharge {
                price: Cents::new(0),
                ..good.clone()
            },
            "price",
        ),
        (
            NewDirectCharge {
                price: Cents::new(-100),
                ..good.clone()
            },
            "price",
        ),
        (
            NewDirectCharge {
                price: Cents::new(100_000_001),
                ..good.clone()
            },
            "price",
        ),
        (
            NewDirectCharge {
                quantity: 0,
                ..good.clone()
            },
            "quantity",
        ),
        (
            NewDirectCharge {
                quantity: u32::MAX,
                ..good.clone()
            },
            "quantity",
        ),
        (
            NewDirectCharge {
                return_url: "/return".into(),
                ..good.clone()
            },
            "return_url",
        ),
        (
            NewDirectCharge {
                return_url: "javascript:alert(1)".into(),
                ..good.clone()
            },
            "return_url",
        ),
        (
            NewDirectCharge {
                return_url: "ftp://app.example/r".into(),
                ..good.clone()
            },
            "return_url",
        ),
        (
            NewDirectCharge {
                return_url: "https://u:p@app.example/".into(),
                ..good.clone()
            },
            "return_url",
        ),
        (
            NewDirectCharge {
                return_url: format!("https://a.example/{}", "x".repeat(3000)),
                ..good.clone()
            },
            "return_url",
        ),
    ];
    for (charge, field) in cases {
        assert_eq!(
            validation_field(api.create_direct_charge(&token(), &charge).into_request()),
            field,
            "{charge:?}"
        );
    }
    assert!(api
        .create_direct_charge(&token(), &good)
        .into_request()
        .is_ok());

    let good = NewRecurrentCharge::new("sub1", Cents::new(1900), "http://localhost");
    let cases: Vec<(NewRecurrentCharge, &str)> = vec![
        (
            NewRecurrentCharge {
                name: String::new(),
                ..good.clone()
            },
            "name",
        ),
        (
            NewRecurrentCharge {
                price: Cents::ZERO,
                ..good.clone()
            },
            "price",
        ),
        (
            NewRecurrentCharge {
                months: Some(0),
                ..good.clone()
            },
            "months",
        ),
        (
            NewRecurrentCharge {
                return_url: "localhost".into(),
                ..good.clone()
            },
            "return_url",
        ),
    ];
    for (charge, field) in cases {
        assert_eq!(
            validation_field(
                api.create_recurrent_charge(&token(), &charge)
                    .into_request()
            ),
            field
        );
    }
    let field = validation_field(api.get_ledger(&token(), Some(0)).into_request());
    assert_eq!(field, "page");
}

#[test]
fn validation_errors_speak_to_the_buyer() {
    let error = NewDirectCharge::new("Extension", Cents::ZERO, 1, "https://app.example/r")
        .validate()
        .unwrap_err();
    assert_eq!(error.user_message(), "The price must be more than zero.");
    assert_eq!(
        error.next_step(),
        NextStep::FixField {
            field: Some("price".to_owned())
        }
    );
    assert!(!error.is_retryable());
}

#[test]
fn request_bodies_read_back_for_the_mock() {
    let seed_like = json!({"name": "Extension", "price": 100, "quantity": 2,
                           "return_url": "https://application.com/path", "per_account": true});
    let charge: NewDirectCharge = serde_json::from_value(seed_like.clone()).unwrap();
    assert_eq!(serde_json::to_value(&charge).unwrap(), seed_like);
    assert!(charge.validate().is_ok());
}

// ---- Client round trips ---------------------------------------------------

fn client(transport: &RecordingTransport) -> BillingClient<&RecordingTransport> {
    BillingClient::new(api(ApiVersion::V1), transport)
}

#[test]
fn client_creates_a_direct_charge() {
    let transport = RecordingTransport::new().with_response(ok(201, DIRECT));
    let charge = NewDirectCharge::new(
        "Extension",
        Cents::new(100),
        2,
        "https://application.com/path",
    );
    let client = client(&transport);
    let created =
        block_on(client.send(client.api().create_direct_charge(&token(), &charge))).unwrap();
    assert_eq!(created.id, direct_id());
    assert_eq!(created.status, DirectChargeStatus::Pending);

    let requests = transport.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, Method::Post);
    assert_eq!(
        requests[0].url.as_str(),
        "https://billing.livechatinc.com/v1/direct_charge"
    );
    assert_eq!(
        requests[0].json_body().unwrap(),
        json!({"name": "Extension", "price": 100, "quantity": 2,
               "return_url": "https://application.com/path"})
    );
}

#[test]
fn client_reads_lists_and_activates() {
    let transport = RecordingTransport::new();
    transport.push_response(ok(200, &format!(r#"{{"result": [{DIRECT}]}}"#)));
    transport.push_response(ok(200, &with_field(DIRECT, "status", json!("processed"))));
    transport.push_response(ok(200, ""));
    let client = client(&transport);

    let list = block_on(
        client.send(
            client
                .api()
                .list_direct_charges(&token(), &DirectChargeQuery::default()),
        ),
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    let activated =
        block_on(client.send(client.api().activate_direct_charge(&token(), &direct_id()))).unwrap();
    assert_eq!(activated.unwrap().status, DirectChargeStatus::Processed);
    let empty =
        block_on(client.send(client.api().activate_direct_charge(&token(), &direct_id()))).unwrap();
    assert_eq!(empty, None);

    let paths: Vec<(Method, String)> = transport
        .requests()
        .iter()
        .map(|r| (r.method, r.url.path().to_owned()))
        .collect();
    assert_eq!(
        paths,
        vec![
            (Method::Get, "/v1/direct_charge".to_owned()),
            (
                Method::Put,
                format!("/v1/direct_charge/{DIRECT_ID}/activate")
            ),
            (
                Method::Put,
                format!("/v1/direct_charge/{DIRECT_ID}/activate")
            ),
        ]
    );
}

#[test]
fn client_runs_the_subscription_lifecycle() {
    let transport = RecordingTransport::new();
    let client = BillingClient::new(api(ApiVersion::V2), &transport);
    let seed = recurrent_seed();
    transport.push_response(ok(201, &seed));
    let created = block_on(client.send(client.api().create_recurrent_charge(
        &token(),
        &NewRecurrentCharge::new("sub1", Cents::new(1900), "http://localhost"),
    )))
    .unwrap();
    assert_eq!(created.status, RecurrentChargeStatus::Pending);

    for (action, status) in [
        (RecurrentAction::Accept, "accepted"),
        (RecurrentAction::Activate, "active"),
        (RecurrentAction::Cancel, "cancelled"),
    ] {
        transport.push_response(ok(200, &with_field(&seed, "status", json!(status))));
        let charge = block_on(client.send(client.api().recurrent_charge_action(
            &token(),
            &recurrent_id(),
            action,
        )))
        .unwrap();
        assert_eq!(charge.status.as_str(), status);
    }
    transport.push_response(ok(200, &format!("{{\"result\": [{seed}]}}")));
    let list = block_on(
        client.send(
            client
                .api()
                .list_recurrent_charges(&token(), &RecurrentChargeQuery::default()),
        ),
    )
    .unwrap();
    assert_eq!(list.len(), 1);
    transport.push_response(ok(200, &seed));
    block_on(client.send(client.api().get_recurrent_charge(&token(), &recurrent_id()))).unwrap();

    let paths: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/v2/recurrent_charge/livechat".to_owned(),
            format!("/v2/recurrent_charge/livechat/{RECURRENT_ID}/accept"),
            format!("/v2/recurrent_charge/livechat/{RECURRENT_ID}/activate"),
            format!("/v2/recurrent_charge/livechat/{RECURRENT_ID}/cancel"),
            "/v2/recurrent_charge/livechat".to_owned(),
            format!("/v2/recurrent_charge/livechat/{RECURRENT_ID}"),
        ]
    );
}

#[test]
fn client_reads_the_ledger_and_balance() {
    let transport = RecordingTransport::new();
    transport.push_response(ok(200, &format!(r#"{{"result": [{LEDGER_ENTRY}]}}"#)));
    transport.push_response(ok(200, BALANCE));
    let client = client(&transport);
    let ledger = block_on(client.send(client.api().get_ledger(&token(), Some(2)))).unwrap();
    assert_eq!(ledger[0].value, Cents::new(160));
    let balance = block_on(client.send(client.api().get_balance(&token()))).unwrap();
    assert_eq!(balance.balance, Cents::new(10));
    let urls: Vec<String> = transport
        .requests()
        .iter()
        .map(|r| r.url.to_string())
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://billing.livechatinc.com/v1/ledger?page=2",
            "https://billing.livechatinc.com/v1/ledger/balance"
        ]
    );
}

#[test]
fn client_reports_errors_without_sending_bad_input() {
    let transport = RecordingTransport::new();
    let client = client(&transport);
    let bad = NewDirectCharge::new("", Cents::new(100), 1, "https://app.example/r");
    let error =
        block_on(client.send(client.api().create_direct_charge(&token(), &bad))).unwrap_err();
    assert!(matches!(error, ApiError::Validation { .. }));
    assert!(transport.requests().is_empty(), "nothing was sent");

    transport.push_response(ok(
        401,
        r#"{"error":"invalid_token","error_description":"Token expired"}"#,
    ));
    let error =
        block_on(client.send(client.api().get_direct_charge(&token(), &direct_id()))).unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.next_step(), NextStep::SignInAgain);

    transport.push_error(TransportError::Timeout);
    let error =
        block_on(client.send(client.api().get_direct_charge(&token(), &direct_id()))).unwrap_err();
    assert_eq!(
        error,
        ApiError::Timeout {
            service: Service::Billing
        }
    );
    assert!(error.is_retryable());

    // Nothing queued: a network error, not a panic.
    let error = block_on(client.send(client.api().get_balance(&token()))).unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }));
    assert_eq!(transport.requests().len(), 3);
}

#[test]
fn recorded_requests_hide_the_token_in_debug_output() {
    let request = api(ApiVersion::V1).get_balance(&token());
    let debug = format!("{request:?}");
    assert!(!debug.contains("test-token"), "{debug}");
    assert!(debug.contains("<redacted>"));
}
