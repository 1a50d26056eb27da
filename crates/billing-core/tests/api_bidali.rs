//! Bidali charges: the seed examples as golden files, request builders,
//! response parsing and client round trips.

mod support;

use std::future::Future;
use std::task::{Context, Poll, Waker};

use billing_core::api::bidali::{
    key_problem, parse_charge, parse_charges, parse_quote, BidaliApi, BidaliCharge, BidaliClient,
    ChargeFilter, CustomerRef, KeyProblem, NewBidaliCharge, NewCustomer,
};
use billing_core::api::{
    ApiError, HttpRequest, HttpResponse, Method, NextStep, RecordingTransport, Service,
};
use billing_core::domain::crypto::{
    BidaliChargeId, Protocol, Quote, QuoteId, QuoteStatus, StatusCategory, StatusCode,
};
use billing_core::domain::money::ExactAmount;
use billing_core::domain::oauth::AccessToken;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

const CREATE_REQUEST: &str = include_str!("fixtures/bidali_create_charge_request.json");
const CREATED: &str = include_str!("fixtures/bidali_charge_created.json");
const FULL: &str = include_str!("fixtures/bidali_charge_full.json");
const QUOTE: &str = include_str!("fixtures/bidali_quote.json");

const PK: &str = "pk_orgpubkey";
const CHARGE_ID: &str = "sD-R4Fc6e";
const BTC_QUOTE_ID: &str = "8887af3e-7868-4703-b078-ed1289a3138e";

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

fn golden<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let before: Value = serde_json::from_str(text).unwrap();
    let typed: T = serde_json::from_str(text).unwrap();
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        before,
        "the round trip changed the JSON"
    );
    typed
}

fn api() -> BidaliApi {
    BidaliApi::new(&Url::parse("https://api.bidali.com").unwrap(), PK).unwrap()
}

fn amount(text: &str) -> ExactAmount {
    ExactAmount::parse(text).unwrap()
}

fn ok(body: &str) -> HttpResponse {
    HttpResponse::new(200, body).with_header("Content-Type", "application/json")
}

fn with_field(text: &str, pointer: &str, value: Value) -> String {
    let mut object: Value = serde_json::from_str(text).unwrap();
    *object.pointer_mut(pointer).unwrap() = value;
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

fn pairs(request: &HttpRequest) -> Vec<(String, String)> {
    request.query_pairs()
}

fn pair(key: &str, value: &str) -> (String, String) {
    (key.to_owned(), value.to_owned())
}

// ---- Golden files ---------------------------------------------------------

#[test]
fn seed_created_charge_round_trips() {
    let charge: BidaliCharge = golden(CREATED);
    assert_eq!(charge.id.as_str(), CHARGE_ID);
    assert_eq!(charge.amount, amount("150"));
    assert_eq!(charge.currency, "USD");
    assert_eq!(
        charge.description.as_deref(),
        Some("Purchase of 150 credits")
    );
    assert_eq!(charge.created_at.as_str(), "2019-04-09T16:02:38.835Z");
    assert_eq!(charge.expires_at.as_str(), "2019-04-09T16:32:38.830Z");
    // The number is the truth: code 100 is pending although `status` says success.
    assert_eq!(charge.status_code, StatusCode::PENDING);
    assert_eq!(charge.status, "success");
    assert!(!charge.is_paid());
    assert_eq!(charge.redirect_url, None);
    assert_eq!(charge.organization.as_deref(), Some("NDVfeXKg2479hfrL"));
    assert_eq!(charge.timeline.len(), 1);
    assert_eq!(charge.timeline[0].event_type, "CHARGE_CREATED");
    assert!(charge.payments.is_empty());
    assert_eq!(charge.payout, None);
    let customer = charge.customer.as_ref().unwrap();
    assert_eq!(customer.email.as_deref(), Some("david@company.com"));
    assert_eq!(customer.first_name.as_deref(), Some("Test"));
    assert_eq!(customer.last_name.as_deref(), Some("User"));
    assert_eq!(
        charge.metadata.as_ref().unwrap()["orderId"],
        "50724ab0-5bc7-45f3-b55e-2d9c977fcbeb"
    );
    assert!(charge.extra.is_empty());

    let protocols: Vec<&str> = charge.quotes.keys().map(|p| p.as_str()).collect();
    assert_eq!(protocols, vec!["bitcoin", "dai", "ethereum", "litecoin"]);
    let bitcoin = charge.quote("bitcoin").unwrap();
    assert_eq!(bitcoin.id.as_str(), BTC_QUOTE_ID);
    assert_eq!(bitcoin.rate.to_string(), "0.00019577");
    assert_eq!(bitcoin.amount.to_string(), "0.029366");
    assert_eq!(bitcoin.address, None);
    assert_eq!(bitcoin.status, QuoteStatus::Active);
    let ethereum = charge.quote("ethereum").unwrap();
    assert_eq!(ethereum.index.as_deref(), Some("205"));
    assert!(ethereum.payment_uri("ethereum").is_ok());
}

#[test]
fn seed_full_charge_round_trips_with_payments() {
    let charge: BidaliCharge = golden(FULL);
    assert_eq!(charge.status_code, StatusCode::SUCCESS);
    assert!(charge.is_paid());
    assert_eq!(charge.timeline.len(), 5);
    assert_eq!(charge.timeline[4].status, "success");
    assert_eq!(charge.timeline[1].time.as_str(), "2019-04-09T16:02:57.058Z");
    let payment = charge.payment("ethereum").unwrap();
    assert_eq!(payment.required_confirmations, Some(3));
    assert_eq!(payment.confirmations(), Some(3));
    assert_eq!(payment.balance, amount("0.86392"));
    assert!(payment.outstanding.is_zero());
    assert!(payment.pending.is_zero());
    let transaction = &payment.transactions[0];
    assert!(transaction.hash.starts_with("0x1df7eb"));
    assert_eq!(transaction.amount, amount("0.86392"));
}

#[test]
fn seed_quote_round_trips() {
    let quote: Quote = golden(QUOTE);
    assert_eq!(quote.id.as_str(), BTC_QUOTE_ID);
    assert_eq!(
        quote.address.as_deref(),
        Some("3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va")
    );
    assert_eq!(quote.index.as_deref(), Some("907"));
    assert_eq!(quote.currency, "BTC");
    assert_eq!(
        quote.payment_uri("bitcoin").unwrap().uri,
        "bitcoin:3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va?amount=0.029366"
    );
}

#[test]
fn seed_create_request_reads_and_is_sent_with_a_string_amount() {
    let before: Value = serde_json::from_str(CREATE_REQUEST).unwrap();
    let request: NewBidaliCharge = serde_json::from_str(CREATE_REQUEST).unwrap();
    assert_eq!(request.amount, amount("150"));
    assert_eq!(request.currency, "USD");
    assert_eq!(
        request.customer,
        Some(CustomerRef::New(NewCustomer {
            email: "someone@example.com".to_owned(),
            first_name: Some("optional first name".to_owned()),
            last_name: Some("optional last name".to_owned()),
        }))
    );
    assert!(request.validate().is_ok());
    // Every field survives; the amount is deliberately written as a string.
    let mut expected = before;
    expected["amount"] = json!("150");
    assert_eq!(serde_json::to_value(&request).unwrap(), expected);
}

#[test]
fn seed_status_names_map_to_their_codes() {
    let seed = [
        ("pending", 100),
        ("underpaid", 105),
        ("processing", 200),
        ("success", 300),
        ("overpaid", 310),
        ("resolved", 320),
        ("failure", 400),
        ("timeout", 410),
        ("unsettled", 415),
        ("late", 420),
    ];
    for (name, code) in seed {
        assert_eq!(
            StatusCode::from_name(name),
            Some(StatusCode::new(code)),
            "{name}"
        );
        let charge: BidaliCharge = golden(&with_field(FULL, "/statusCode", json!(code)));
        assert_eq!(charge.is_paid(), [300, 310, 320].contains(&code), "{name}");
    }
}

#[test]
fn unknown_status_codes_fall_into_their_range_and_unknown_fields_are_kept() {
    let charge: BidaliCharge = golden(&with_field(CREATED, "/statusCode", json!(375)));
    assert_eq!(charge.status_code.category(), StatusCategory::Unknown);
    for code in [99, 250, 375, 399, 417, 450, 999] {
        let charge: BidaliCharge = golden(&with_field(CREATED, "/statusCode", json!(code)));
        assert!(!charge.is_paid(), "{code}");
    }
    let charge: BidaliCharge = golden(&with_field(CREATED, "/status", json!("brand-new")));
    assert_eq!(charge.status, "brand-new");

    let mut value: Value = serde_json::from_str(FULL).unwrap();
    value["refunds"] = json!([{"id": "r1"}]);
    value["timeline"][0]["actor"] = json!("system");
    value["payments"]["ethereum"]["network"] = json!("mainnet");
    value["payments"]["ethereum"]["transactions"][0]["blockHeight"] = json!(7_500_000);
    value["customer"]["phone"] = json!("+1 555");
    let charge: BidaliCharge = golden(&value.to_string());
    assert_eq!(charge.extra["refunds"][0]["id"], "r1");
    assert_eq!(charge.timeline[0].extra["actor"], "system");
    assert_eq!(
        charge.payment("ethereum").unwrap().extra["network"],
        "mainnet"
    );
    assert_eq!(charge.customer.unwrap().extra["phone"], "+1 555");
}

#[test]
fn amounts_may_arrive_as_numbers() {
    let charge: BidaliCharge =
        serde_json::from_str(&with_field(CREATED, "/amount", json!(49.99))).unwrap();
    assert_eq!(charge.amount, amount("49.99"));
    assert_eq!(
        serde_json::to_value(&charge).unwrap()["amount"],
        json!("49.99")
    );
}

#[test]
fn a_charge_without_quotes_payments_or_timeline_still_reads() {
    let mut value: Value = serde_json::from_str(CREATED).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("quotes");
    object.remove("payments");
    object.remove("timeline");
    let charge: BidaliCharge = serde_json::from_value(value).unwrap();
    assert!(charge.quotes.is_empty() && charge.payments.is_empty() && charge.timeline.is_empty());
}

// ---- Decoding errors ------------------------------------------------------

#[test]
fn errors_deep_inside_a_charge_name_their_path() {
    let cases = [
        ("/quotes/bitcoin/rate", json!("1e-4"), "quotes.bitcoin.rate"),
        ("/quotes/dai/status", json!(1), "quotes.dai.status"),
        ("/timeline/0/time", json!("yesterday"), "timeline[0].time"),
        (
            "/payments/ethereum/transactions/0/confirmations",
            json!("3"),
            "payments.ethereum.transactions[0].confirmations",
        ),
        ("/statusCode", json!("300"), "statusCode"),
        ("/statusCode", json!(70_000), "statusCode"),
        ("/amount", json!("12,50"), "amount"),
        ("/customer/email", json!(false), "customer.email"),
        ("/id", json!("sD R4Fc6e"), "id"),
    ];
    for (pointer, value, expected) in cases {
        let text = with_field(FULL, pointer, value);
        let (path, message) = decode_error(parse_charge(&ok(&text)).unwrap_err());
        assert_eq!(path, expected, "{message}");
    }
}

#[test]
fn a_missing_quote_field_and_a_bad_protocol_are_named() {
    let mut value: Value = serde_json::from_str(CREATED).unwrap();
    value["quotes"]["bitcoin"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    let (path, message) = decode_error(parse_charge(&ok(&value.to_string())).unwrap_err());
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("quotes.bitcoin.id", "missing field")
    );

    let mut value: Value = serde_json::from_str(CREATED).unwrap();
    let quote = value["quotes"]["bitcoin"].clone();
    value["quotes"]["Bit Coin"] = quote;
    let (path, _) = decode_error(parse_charge(&ok(&value.to_string())).unwrap_err());
    assert_eq!(path, r#"quotes["Bit Coin"]"#);
}

#[test]
fn quote_errors_name_their_field() {
    let (path, _) =
        decode_error(parse_quote(&ok(&with_field(QUOTE, "/amount", json!([])))).unwrap_err());
    assert_eq!(path, "amount");
    let (path, message) = decode_error(parse_quote(&ok(r#"{"id": "q1"}"#)).unwrap_err());
    assert_eq!(path, "rate");
    assert_eq!(message, "missing field");
}

#[test]
fn lists_read_as_pages_or_bare_arrays() {
    let page = format!(r#"{{"total": 2, "limit": 10, "skip": 0, "data": [{CREATED}, {FULL}]}}"#);
    let parsed = parse_charges(&ok(&page)).unwrap();
    assert_eq!(parsed.charges.len(), 2);
    assert_eq!(parsed.total, Some(2));
    let round: Value = serde_json::to_value(&parsed).unwrap();
    assert_eq!(round, serde_json::from_str::<Value>(&page).unwrap());

    let bare = format!("[{FULL}]");
    let parsed = parse_charges(&ok(&bare)).unwrap();
    assert_eq!(parsed.charges.len(), 1);
    assert_eq!(parsed.total, None);

    let bad = format!("[{CREATED}, {}]", with_field(FULL, "/currency", json!(5)));
    let (path, _) = decode_error(parse_charges(&ok(&bad)).unwrap_err());
    assert_eq!(path, "[1].currency");
    let bad = format!(
        r#"{{"data": [{}]}}"#,
        with_field(FULL, "/timeline/2/type", json!(null))
    );
    let (path, _) = decode_error(parse_charges(&ok(&bad)).unwrap_err());
    assert_eq!(path, "data[0].timeline[2].type");
}

#[test]
fn feathers_error_bodies_are_read() {
    let response = HttpResponse::new(
        404,
        r#"{"name":"NotFound","message":"No record found for id 'sD-R4Fc6e'","code":404,"className":"not-found","errors":{}}"#,
    );
    let error = parse_charge(&response).unwrap_err();
    let ApiError::Http {
        status,
        body: Some(body),
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*status, 404);
    assert_eq!(body.error, "not-found");
    assert_eq!(
        body.error_description.as_deref(),
        Some("No record found for id 'sD-R4Fc6e'")
    );
    assert!(!error.is_retryable());
    assert_eq!(error.next_step(), NextStep::ContactAppOwner);
}

// ---- Request builders -----------------------------------------------------

#[test]
fn create_charge_request() {
    let mut charge = NewBidaliCharge::new(amount("150"), "USD");
    charge.description = Some("Purchase of 150 credits".to_owned());
    charge.metadata = Some(
        json!({"anykey": "metadata for charge"})
            .as_object()
            .unwrap()
            .clone(),
    );
    charge.customer = Some(CustomerRef::New(NewCustomer {
        email: "someone@example.com".to_owned(),
        first_name: None,
        last_name: Some("Bacon".to_owned()),
    }));
    let request = api().create_charge(&charge).into_request().unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url.path(), "/charges");
    assert_eq!(pairs(&request), vec![pair("organization", PK)]);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("authorization"),
        None,
        "the publishable key is enough"
    );
    assert_eq!(
        request.json_body().unwrap(),
        json!({
            "amount": "150",
            "currency": "USD",
            "description": "Purchase of 150 credits",
            "metadata": {"anykey": "metadata for charge"},
            "customer": {"email": "someone@example.com", "lastName": "Bacon"}
        })
    );

    let by_id = NewBidaliCharge {
        customer: Some(CustomerRef::Id(
            "19c03eae-08bc-4587-af31-46ef1f1d4053".to_owned(),
        )),
        ..NewBidaliCharge::new(amount("50.00"), "CAD")
    };
    let request = api().create_charge(&by_id).into_request().unwrap();
    assert_eq!(
        request.json_body().unwrap(),
        json!({"amount": "50.00", "currency": "CAD", "customer": "19c03eae-08bc-4587-af31-46ef1f1d4053"})
    );
}

#[test]
fn get_charge_and_quote_requests_use_the_publishable_key() {
    let request = api()
        .get_charge(&BidaliChargeId::parse(CHARGE_ID).unwrap())
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.url.path(), "/charges/sD-R4Fc6e");
    assert_eq!(pairs(&request), vec![pair("organization", PK)]);
    assert_eq!(request.body, None);

    let request = api()
        .get_quote(&QuoteId::parse(BTC_QUOTE_ID).unwrap())
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.url.path(), format!("/quotes/{BTC_QUOTE_ID}"));
    assert_eq!(pairs(&request), vec![pair("organization", PK)]);
}

#[test]
fn list_request_uses_a_bearer_token_and_filters() {
    let token = AccessToken::new("bidali-secret".to_owned(), 3_600, 0, Vec::new());
    let request = api()
        .list_charges(&token, &ChargeFilter::default())
        .into_request()
        .unwrap();
    assert_eq!(request.method, Method::Get);
    assert_eq!(request.url.as_str(), "https://api.bidali.com/charges");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer bidali-secret")
    );

    let filter = ChargeFilter {
        status_code: Some(StatusCode::SUCCESS),
        status_code_below: Some(StatusCode::new(300)),
        status_code_above: Some(StatusCode::new(99)),
        organization_id: Some("NDVfeXKg2479hfrL".to_owned()),
        amount: Some(amount("150")),
    };
    let request = api().list_charges(&token, &filter).into_request().unwrap();
    assert_eq!(
        pairs(&request),
        vec![
            pair("statusCode", "300"),
            pair("statusCode[$lt]", "300"),
            pair("statusCode[$gt]", "99"),
            pair("organizationId", "NDVfeXKg2479hfrL"),
            pair("amount", "150"),
        ]
    );
    assert!(request.url.as_str().contains("statusCode%5B%24lt%5D=300"));
}

#[test]
fn input_is_validated_before_sending() {
    let good = NewBidaliCharge::new(amount("49.99"), "USD");
    let cases: Vec<(NewBidaliCharge, &str)> = vec![
        (NewBidaliCharge::new(amount("0"), "USD"), "amount"),
        (NewBidaliCharge::new(amount("-5"), "USD"), "amount"),
        (NewBidaliCharge::new(amount("1.005"), "USD"), "amount"),
        (NewBidaliCharge::new(amount("1000000.01"), "USD"), "amount"),
        (NewBidaliCharge::new(amount("5"), "usd"), "currency"),
        (NewBidaliCharge::new(amount("5"), "US"), "currency"),
        (
            NewBidaliCharge {
                description: Some("x".repeat(501)),
                ..good.clone()
            },
            "description",
        ),
        (
            NewBidaliCharge {
                customer: Some(CustomerRef::Id(String::new())),
                ..good.clone()
            },
            "customer.id",
        ),
        (
            NewBidaliCharge {
                customer: Some(CustomerRef::Id("a/b".into())),
                ..good.clone()
            },
            "customer.id",
        ),
        (
            NewBidaliCharge {
                customer: Some(CustomerRef::New(NewCustomer {
                    email: "not-an-email".into(),
                    first_name: None,
                    last_name: None,
                })),
                ..good.clone()
            },
            "customer.email",
        ),
        (
            NewBidaliCharge {
                customer: Some(CustomerRef::New(NewCustomer {
                    email: "a@example.com".into(),
                    first_name: Some("a\nb".into()),
                    last_name: None,
                })),
                ..good.clone()
            },
            "customer.firstName",
        ),
    ];
    for (charge, field) in cases {
        match api().create_charge(&charge).into_request() {
            Err(ApiError::Validation { field: got, .. }) => assert_eq!(got, field, "{charge:?}"),
            other => panic!("{charge:?} gave {other:?}"),
        }
    }
    assert!(api().create_charge(&good).into_request().is_ok());
}

#[test]
fn a_missing_or_odd_publishable_key_is_refused() {
    let base = Url::parse("https://api.bidali.com").unwrap();
    for key in ["", "  ", "pk_a&organization=other"] {
        let api = BidaliApi::new(&base, key).unwrap();
        let error = api
            .get_charge(&BidaliChargeId::parse(CHARGE_ID).unwrap())
            .into_request()
            .unwrap_err();
        assert!(
            matches!(error, ApiError::Validation { ref field, .. } if field == "publishable_key")
        );
        assert!(
            error.user_message().contains("publishable key"),
            "{}",
            error.user_message()
        );
    }
    let api = BidaliApi::new(
        &Url::parse("http://127.0.0.1:8080/mock/bidali/").unwrap(),
        "pk_mock",
    )
    .unwrap();
    let request = api
        .get_charge(&BidaliChargeId::parse(CHARGE_ID).unwrap())
        .into_request()
        .unwrap();
    assert_eq!(
        request.url.as_str(),
        "http://127.0.0.1:8080/mock/bidali/charges/sD-R4Fc6e?organization=pk_mock"
    );
}

// ---- Client round trips ---------------------------------------------------

#[test]
fn client_creates_a_charge_then_fetches_a_quote_and_polls() {
    let transport = RecordingTransport::new();
    transport.push_response(HttpResponse::new(201, CREATED));
    transport.push_response(ok(QUOTE));
    transport.push_response(ok(FULL));
    let client = BidaliClient::new(api(), &transport);

    let created = block_on(
        client.send(
            client
                .api()
                .create_charge(&NewBidaliCharge::new(amount("150"), "USD")),
        ),
    )
    .unwrap();
    let quote_id = created.quote("bitcoin").unwrap().id.clone();
    let quote = block_on(client.send(client.api().get_quote(&quote_id))).unwrap();
    assert!(quote.address.is_some());
    let polled = block_on(client.send(client.api().get_charge(&created.id))).unwrap();
    assert!(polled.is_paid());

    let sent: Vec<(Method, String)> = transport
        .requests()
        .iter()
        .map(|r| (r.method, r.url.to_string()))
        .collect();
    assert_eq!(
        sent,
        vec![
            (
                Method::Post,
                format!("https://api.bidali.com/charges?organization={PK}")
            ),
            (
                Method::Get,
                format!("https://api.bidali.com/quotes/{BTC_QUOTE_ID}?organization={PK}")
            ),
            (
                Method::Get,
                format!("https://api.bidali.com/charges/{CHARGE_ID}?organization={PK}")
            ),
        ]
    );
    assert_eq!(
        transport.requests()[0].json_body().unwrap(),
        json!({"amount": "150", "currency": "USD"})
    );
}

#[test]
fn client_lists_charges_and_surfaces_rate_limits() {
    let transport = RecordingTransport::new();
    transport.push_response(ok(&format!(r#"{{"total": 1, "data": [{FULL}]}}"#)));
    transport.push_response(
        HttpResponse::new(429, "Too Many Requests").with_header("Retry-After", "12"),
    );
    let client = BidaliClient::new(api(), &transport);
    let token = AccessToken::new("t".to_owned(), 60, 0, Vec::new());
    let filter = ChargeFilter {
        status_code_below: Some(StatusCode::SUCCESS),
        ..Default::default()
    };
    let page = block_on(client.send(client.api().list_charges(&token, &filter))).unwrap();
    assert_eq!(page.charges.len(), 1);
    let error = block_on(client.send(client.api().list_charges(&token, &filter))).unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.retry_after_secs(), Some(12));
    assert_eq!(
        error.next_step(),
        NextStep::WaitAndRetry {
            after_secs: Some(12)
        }
    );
}

// ---- Reading a charge for its page ----------------------------------------

fn full_with(changes: &[(&str, Value)]) -> BidaliCharge {
    let text = changes
        .iter()
        .fold(FULL.to_owned(), |text, (pointer, value)| {
            with_field(&text, pointer, value.clone())
        });
    parse_charge(&ok(&text)).unwrap()
}

fn protocol(name: &str) -> Protocol {
    Protocol::parse(name).unwrap()
}

#[test]
fn what_arrived_is_settled_plus_confirming_to_the_last_digit() {
    let paid = full_with(&[
        ("/payments/ethereum/balance", json!("0.1")),
        ("/payments/ethereum/pending", json!("0.2")),
    ]);
    // 0.1 + 0.2 is 0.3 here, not 0.30000000000000004.
    assert_eq!(
        paid.payment("ethereum").unwrap().received().to_string(),
        "0.3"
    );
    let fine = full_with(&[("/payments/ethereum/pending", json!("0.000000000000000001"))]);
    assert_eq!(
        fine.payment("ethereum").unwrap().received(),
        amount("0.863920000000000001")
    );
    // A sum beyond what an amount holds is not made up: the settled part.
    let huge = full_with(&[
        (
            "/payments/ethereum/balance",
            json!("79228162514264337593543950335"),
        ),
        ("/payments/ethereum/pending", json!("1")),
    ]);
    assert_eq!(
        huge.payment("ethereum").unwrap().received(),
        amount("79228162514264337593543950335")
    );
}

#[test]
fn a_charges_progress_ticker_and_last_change_are_read_per_currency() {
    let charge = golden::<BidaliCharge>(FULL);
    let ethereum = protocol("ethereum");
    let progress = charge.progress(&ethereum).expect("a quote and a payment");
    assert_eq!(progress.due, amount("0.86392"));
    assert_eq!(progress.received, amount("0.86392"));
    assert!(progress.confirmations.is_some());
    // A quote without a payment has no progress yet.
    assert_eq!(charge.progress(&protocol("bitcoin")), None);

    assert_eq!(charge.ticker(&ethereum), "ETH");
    // No quote: the currency's known ticker, else the protocol itself.
    let bare = full_with(&[("/quotes", json!({}))]);
    assert_eq!(bare.ticker(&protocol("litecoin")), "LTC");
    assert_eq!(bare.ticker(&protocol("newcoin")), "newcoin");

    assert_eq!(charge.first_paid_in(), Some(&ethereum));
    assert_eq!(bare.first_paid_in(), Some(&ethereum));
    let unpaid = full_with(&[("/payments", json!({}))]);
    assert_eq!(unpaid.first_paid_in(), None);

    // The latest event, whatever the order sent: 2019-04-09T16:04:00.531Z.
    let shuffled = full_with(&[("/timeline/0/time", json!("2019-04-09T16:04:00.530Z"))]);
    assert_eq!(charge.last_event_ms(), Some(1_554_825_840_531));
    assert_eq!(shuffled.last_event_ms(), Some(1_554_825_840_531));
    let quiet = full_with(&[("/timeline", json!([]))]);
    assert_eq!(quiet.last_event_ms(), None);
}

#[test]
fn a_missing_or_refused_publishable_key_is_told_apart_from_other_errors() {
    let base = Url::parse("https://api.bidali.com").unwrap();
    let unset = BidaliApi::new(&base, "")
        .unwrap()
        .get_charge(&BidaliChargeId::parse(CHARGE_ID).unwrap())
        .into_request()
        .unwrap_err();
    assert_eq!(
        key_problem(&unset),
        Some(KeyProblem::NotSetUp("is not configured".into()))
    );
    assert_eq!(key_problem(&support::http(401)), Some(KeyProblem::Refused));
    assert_eq!(key_problem(&support::http(403)), Some(KeyProblem::Refused));
    for other in [
        support::http(404),
        support::http(500),
        ApiError::Timeout {
            service: Service::Billing,
        },
        ApiError::validation("amount", "must be more than zero"),
    ] {
        assert_eq!(key_problem(&other), None, "{other:?}");
    }
}

#[test]
fn every_error_of_a_bidali_call_names_the_crypto_payment_service() {
    let transport = RecordingTransport::new();
    transport.push_response(HttpResponse::new(503, ""));
    transport.push_response(ok("{\"cut off"));
    // The third call finds no answer queued: the network failed.
    let client = BidaliClient::new(api(), &transport);
    let id = BidaliChargeId::parse(CHARGE_ID).expect("an id");
    for _ in 0..3 {
        let error =
            block_on(client.send(client.api().get_charge(&id))).expect_err("every call fails");
        assert_eq!(error.service(), Some(Service::CryptoPayments), "{error:?}");
        let message = error.user_message();
        assert!(message.contains("crypto payment service"), "{message}");
    }
}
