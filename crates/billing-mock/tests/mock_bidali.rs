//! The mocked Bidali charges API, driven through `MockBackend::handle` as
//! the widget drives it: charges, quotes and their addresses, every crypto
//! outcome over time, listing with filters, and errors.

use billing_core::api::bidali::{parse_charge, parse_charges, parse_quote};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::crypto::{payment_uri, StatusCode};
use billing_core::domain::money::ExactAmount;
use billing_mock::bidali::{quote_amount, quote_rate, required_confirmations, CHARGE_LIFETIME_MS};
use billing_mock::control::CryptoOutcome;
use billing_mock::MockBackend;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use url::Url;

mod support;
use support::{body, error_description, send, STEP};

/// The seed's `createdAt`: 2019-04-09T16:02:38.835Z.
const T0: u64 = 1_554_825_758_835;
const KEY: &str = "pk_demo123";

fn request(method: Method, path_and_query: &str) -> HttpRequest {
    let url = Url::parse(&format!("https://api.bidali.com{path_and_query}")).expect("test url");
    HttpRequest::new(method, url)
}

fn create_with(backend: &mut MockBackend, body_json: Value, now_ms: u64) -> HttpResponse {
    let req = request(Method::Post, &format!("/charges?organization={KEY}"))
        .with_json_body(body_json.to_string());
    send(backend, &req, now_ms)
}

fn create(backend: &mut MockBackend, now_ms: u64) -> Value {
    let response = create_with(
        backend,
        json!({"amount": 150, "currency": "USD", "description": "Purchase of 150 credits"}),
        now_ms,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    body(&response)
}

fn get_charge(backend: &mut MockBackend, id: &str, now_ms: u64) -> Value {
    let response = send(
        backend,
        &request(Method::Get, &format!("/charges/{id}?organization={KEY}")),
        now_ms,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    body(&response)
}

fn get_quote(backend: &mut MockBackend, id: &str, now_ms: u64) -> Value {
    let response = send(
        backend,
        &request(Method::Get, &format!("/quotes/{id}?organization={KEY}")),
        now_ms,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    body(&response)
}

fn quote_id(charge: &Value, protocol: &str) -> String {
    charge["quotes"][protocol]["id"]
        .as_str()
        .expect("quote id")
        .to_owned()
}

fn id_of(charge: &Value) -> String {
    charge["id"].as_str().expect("charge id").to_owned()
}

fn code(charge: &Value) -> u64 {
    charge["statusCode"].as_u64().expect("statusCode")
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str_exact(value.as_str().expect("decimal string")).expect("decimal")
}

fn timeline_types(charge: &Value) -> Vec<String> {
    charge["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| {
            format!(
                "{}/{}",
                e["type"].as_str().unwrap_or(""),
                e["status"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn backend_with(outcome: CryptoOutcome) -> MockBackend {
    let mut backend = MockBackend::new(7);
    backend.state.scenario.crypto = outcome;
    backend
}

/// Creates a charge at T0 and picks `protocol` at T0 + 1 s.
fn start_paying(backend: &mut MockBackend, protocol: &str) -> (String, Value) {
    let charge = create(backend, T0);
    let quote = get_quote(backend, &quote_id(&charge, protocol), T0 + 1_000);
    (id_of(&charge), quote)
}

// ---------------------------------------------------------------------------
// Creating a charge
// ---------------------------------------------------------------------------

#[test]
fn a_new_charge_has_the_seed_shape_pending_status_and_a_quote_per_coin() {
    let mut backend = MockBackend::new(1);
    let charge = create(&mut backend, T0);

    assert_eq!(charge["amount"], "150");
    assert_eq!(charge["currency"], "USD");
    assert_eq!(charge["description"], "Purchase of 150 credits");
    assert_eq!(charge["statusCode"], 100);
    assert_eq!(charge["status"], "pending");
    assert_eq!(charge["payments"], json!({}));
    assert_eq!(charge["payout"], Value::Null);
    assert_eq!(charge["redirectUrl"], Value::Null);
    assert_eq!(charge["metadata"], json!({}));
    assert!(charge["organization"]
        .as_str()
        .is_some_and(|o| !o.is_empty()));
    let id = id_of(&charge);
    assert_eq!(id.len(), 9, "short ids like sD-R4Fc6e");
    assert_eq!(timeline_types(&charge), ["CHARGE_CREATED/pending"]);

    for (protocol, ticker) in [
        ("bitcoin", "BTC"),
        ("ethereum", "ETH"),
        ("litecoin", "LTC"),
        ("dai", "DAI"),
        ("bitcoincash", "BCH"),
    ] {
        let quote = &charge["quotes"][protocol];
        assert_eq!(quote["currency"], ticker, "{protocol}");
        assert_eq!(quote["status"], "ACTIVE");
        assert_eq!(quote["address"], Value::Null);
        assert_eq!(quote["index"], Value::Null);
        assert_eq!(quote["extraId"], Value::Null);
        assert!(quote["rate"].is_string() && quote["amount"].is_string());
        let amount = decimal(&quote["amount"]);
        assert!(amount > Decimal::ZERO);
        assert!(
            amount.scale() <= 8,
            "{protocol} amount {amount} fits base units"
        );
    }
}

#[test]
fn created_at_and_expires_at_are_iso_with_milliseconds_fifteen_minutes_apart() {
    let mut backend = MockBackend::new(1);
    let charge = create(&mut backend, T0);
    assert_eq!(charge["createdAt"], "2019-04-09T16:02:38.835Z");
    assert_eq!(charge["expiresAt"], "2019-04-09T16:17:38.835Z");
    assert_eq!(charge["timeline"][0]["time"], "2019-04-09T16:02:38.835Z");
    assert_eq!(CHARGE_LIFETIME_MS, 15 * 60 * 1000);
}

#[test]
fn the_fiat_amount_comes_back_as_a_string_with_the_digits_sent() {
    let mut backend = MockBackend::new(1);
    for (sent, expected) in [
        (json!(150), "150"),
        (json!("49.90"), "49.90"),
        (json!(49.99), "49.99"),
        (json!("0.01"), "0.01"),
    ] {
        let response = create_with(&mut backend, json!({"amount": sent, "currency": "EUR"}), T0);
        assert_eq!(response.status, 200, "{}", response.body);
        assert_eq!(body(&response)["amount"], expected);
    }
}

#[test]
fn quote_amounts_are_the_exact_quotient_rounded_up_so_the_merchant_is_never_short() {
    let price = |text: &str| Decimal::from_str_exact(text).expect("price");
    let fiat = |text: &str| ExactAmount::parse(text).expect("fiat");
    // Terminating quotients are exact.
    let eth = quote_amount(fiat("150"), price("3200.00"), 8).expect("amount");
    assert_eq!(eth.to_string(), "0.046875");
    // 100 / 3 = 33.333... rounds up at the eighth decimal.
    let up = quote_amount(fiat("100"), price("3"), 8).expect("amount");
    assert_eq!(up.to_string(), "33.33333334");
    // 150 / 65000 = 0.0023076923...: up, never down.
    let btc = quote_amount(fiat("150"), price("65000.00"), 8).expect("amount");
    assert_eq!(
        btc.to_string(),
        "0.0023077",
        "0.00230769.. up, written without trailing zeros"
    );
    assert_eq!(quote_amount(fiat("1"), Decimal::ZERO, 8), None);
    assert_eq!(
        quote_rate(price("65000.00")).expect("rate").to_string(),
        "0.0000153846"
    );
    assert_eq!(quote_rate(price("1.00")).expect("rate").to_string(), "1");
}

#[test]
fn quote_amounts_match_the_fiat_total_at_the_quoted_rate_within_rounding() {
    let mut backend = MockBackend::new(3);
    let charge = create(&mut backend, T0);
    for protocol in ["bitcoin", "ethereum", "litecoin", "dai", "bitcoincash"] {
        let quote = &charge["quotes"][protocol];
        let at_rate = Decimal::from(150) * decimal(&quote["rate"]);
        let amount = decimal(&quote["amount"]);
        let gap = (amount - at_rate).abs();
        // The rate has 10 decimals, so 150 x rate is off by < 1e-7 at most.
        assert!(
            gap <= Decimal::new(1, 6),
            "{protocol}: {amount} vs {at_rate}"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_ids_rates_and_amounts() {
    let mut first = MockBackend::new(42);
    let mut second = MockBackend::new(42);
    assert_eq!(create(&mut first, T0), create(&mut second, T0));
    let mut other = MockBackend::new(43);
    assert_ne!(create(&mut first, T0)["id"], create(&mut other, T0)["id"]);
}

#[test]
fn metadata_and_a_customer_object_are_kept_and_the_customer_gets_an_id() {
    let mut backend = MockBackend::new(1);
    let response = create_with(
        &mut backend,
        json!({
            "amount": "150", "currency": "USD",
            "metadata": {"orderId": "A-1", "nested": {"n": 1}},
            "customer": {"email": "david@company.com", "firstName": "Test", "lastName": "User"}
        }),
        T0,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    let charge = body(&response);
    assert_eq!(
        charge["metadata"],
        json!({"orderId": "A-1", "nested": {"n": 1}})
    );
    let customer = &charge["customer"];
    assert_eq!(customer["email"], "david@company.com");
    assert_eq!(customer["firstName"], "Test");
    assert_eq!(customer["lastName"], "User");
    let customer_id = customer["id"].as_str().expect("customer id").to_owned();
    assert_eq!(customer_id.len(), 36);

    // The email identifies the customer; the id can be sent instead.
    let again = create_with(
        &mut backend,
        json!({"amount": 5, "currency": "USD", "customer": {"email": "DAVID@company.com"}}),
        T0,
    );
    assert_eq!(body(&again)["customer"]["id"], customer_id.as_str());
    let by_id = create_with(
        &mut backend,
        json!({"amount": 5, "currency": "USD", "customer": customer_id}),
        T0,
    );
    assert_eq!(by_id.status, 200, "{}", by_id.body);
    assert_eq!(body(&by_id)["customer"]["email"], "david@company.com");
}

#[test]
fn invalid_charge_fields_are_refused_with_422_naming_the_field() {
    let mut backend = MockBackend::new(1);
    let cases = [
        (json!({"currency": "USD"}), "amount"),
        (json!({"amount": 0, "currency": "USD"}), "amount"),
        (json!({"amount": -5, "currency": "USD"}), "amount"),
        (json!({"amount": "10.001", "currency": "USD"}), "amount"),
        (json!({"amount": "1e3", "currency": "USD"}), "amount"),
        (json!({"amount": "ten", "currency": "USD"}), "amount"),
        (json!({"amount": true, "currency": "USD"}), "amount"),
        (json!({"amount": "99999999", "currency": "USD"}), "amount"),
        (json!({"amount": 10}), "currency"),
        (json!({"amount": 10, "currency": "JPY"}), "currency"),
        (json!({"amount": 10, "currency": 840}), "currency"),
        (
            json!({"amount": 10, "currency": "USD", "description": 5}),
            "description",
        ),
        (
            json!({"amount": 10, "currency": "USD", "description": "x".repeat(501)}),
            "description",
        ),
        (
            json!({"amount": 10, "currency": "USD", "metadata": [1, 2]}),
            "metadata",
        ),
        (
            json!({"amount": 10, "currency": "USD", "customer": {"firstName": "A"}}),
            "customer.email",
        ),
        (
            json!({"amount": 10, "currency": "USD", "customer": {"email": "nope"}}),
            "customer.email",
        ),
        (
            json!({"amount": 10, "currency": "USD", "customer": {"email": "a@b.co", "lastName": 3}}),
            "customer.lastName",
        ),
        (
            json!({"amount": 10, "currency": "USD", "customer": "no-such-customer"}),
            "customer",
        ),
        (
            json!({"amount": 10, "currency": "USD", "customer": 12}),
            "customer",
        ),
    ];
    for (sent, field) in cases {
        let response = create_with(&mut backend, sent.clone(), T0);
        assert_eq!(response.status, 422, "{sent} -> {}", response.body);
        let description = error_description(&response);
        assert!(
            description.starts_with(&format!("{field}: ")),
            "{sent} -> {description}"
        );
    }
    assert!(backend.state.bidali.charges.is_empty());
}

#[test]
fn a_lowercase_currency_is_read_as_its_code() {
    let mut backend = MockBackend::new(1);
    let response = create_with(&mut backend, json!({"amount": 10, "currency": "cad"}), T0);
    assert_eq!(body(&response)["currency"], "CAD");
}

#[test]
fn a_body_that_is_not_a_json_object_is_a_400() {
    let mut backend = MockBackend::new(1);
    for raw in ["", "not json", "[1,2]", "\"text\"", "{\"amount\": 1"] {
        let req = request(Method::Post, &format!("/charges?organization={KEY}"))
            .with_json_body(raw.to_owned());
        assert_eq!(send(&mut backend, &req, T0).status, 400, "{raw:?}");
    }
    let no_body = request(Method::Post, &format!("/charges?organization={KEY}"));
    assert_eq!(send(&mut backend, &no_body, T0).status, 400);
}

#[test]
fn creating_needs_a_publishable_key_or_a_bearer_token() {
    let mut backend = MockBackend::new(1);
    let payload = json!({"amount": 10, "currency": "USD"}).to_string();
    let anonymous = request(Method::Post, "/charges").with_json_body(payload.clone());
    assert_eq!(send(&mut backend, &anonymous, T0).status, 401);
    let secret_key =
        request(Method::Post, "/charges?organization=sk_live_x").with_json_body(payload.clone());
    assert_eq!(send(&mut backend, &secret_key, T0).status, 401);
    let basic = request(Method::Post, "/charges")
        .with_header("Authorization", "Basic abc")
        .with_json_body(payload.clone());
    assert_eq!(send(&mut backend, &basic, T0).status, 401);
    let bearer = request(Method::Post, "/charges")
        .with_header("Authorization", "Bearer token-1")
        .with_json_body(payload);
    assert_eq!(send(&mut backend, &bearer, T0).status, 200);
}

// ---------------------------------------------------------------------------
// Quotes and addresses
// ---------------------------------------------------------------------------

#[test]
fn fetching_a_quote_creates_its_address_once_and_it_stays_the_same() {
    let mut backend = MockBackend::new(5);
    let charge = create(&mut backend, T0);
    let id = quote_id(&charge, "bitcoin");
    let first = get_quote(&mut backend, &id, T0 + 1_000);
    let address = first["address"].as_str().expect("address").to_owned();
    assert!(first["index"].is_string(), "index is set: {first}");
    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["amount"], charge["quotes"]["bitcoin"]["amount"]);
    assert_eq!(first["rate"], charge["quotes"]["bitcoin"]["rate"]);

    let second = get_quote(&mut backend, &id, T0 + 2_000);
    assert_eq!(second, first);
    let seen = get_charge(&mut backend, &id_of(&charge), T0 + 2_000);
    assert_eq!(seen["quotes"]["bitcoin"]["address"], address.as_str());
    assert_eq!(seen["quotes"]["bitcoin"]["index"], first["index"]);
    assert_eq!(seen["quotes"]["ethereum"]["address"], Value::Null);
}

#[test]
fn addresses_look_like_each_coins_addresses_and_make_payment_links() {
    let mut backend = MockBackend::new(11);
    let mut indexes = Vec::new();
    for _ in 0..6 {
        let charge = create(&mut backend, T0);
        for protocol in ["bitcoin", "ethereum", "litecoin", "dai", "bitcoincash"] {
            let quote = get_quote(&mut backend, &quote_id(&charge, protocol), T0);
            let address = quote["address"].as_str().expect("address");
            let ok = match protocol {
                "bitcoin" => {
                    (address.starts_with('3') && address.len() == 34)
                        || (address.starts_with("bc1q") && address.len() == 42)
                }
                "litecoin" => {
                    (address.starts_with('L') || address.starts_with('M')) && address.len() == 34
                }
                "bitcoincash" => address.starts_with('q') && address.len() == 42,
                _ => {
                    address.len() == 42
                        && address.starts_with("0x")
                        && address[2..].bytes().all(|b| b.is_ascii_hexdigit())
                }
            };
            assert!(ok, "{protocol}: {address}");
            let amount =
                ExactAmount::parse(quote["amount"].as_str().expect("amount")).expect("amount");
            assert!(
                payment_uri(protocol, address, &amount).is_ok(),
                "{protocol}"
            );
            indexes.push(quote["index"].as_str().expect("index").to_owned());
        }
    }
    let mut unique = indexes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        indexes.len(),
        "every address has its own index"
    );
}

#[test]
fn an_unknown_quote_is_a_404_and_another_organizations_key_cannot_see_it() {
    let mut backend = MockBackend::new(1);
    let charge = create(&mut backend, T0);
    let missing = send(&mut backend, &request(Method::Get, "/quotes/nope"), T0);
    assert_eq!(missing.status, 404);
    let other = request(
        Method::Get,
        &format!(
            "/quotes/{}?organization=pk_other",
            quote_id(&charge, "bitcoin")
        ),
    );
    assert_eq!(send(&mut backend, &other, T0).status, 404);
    let anonymous = request(
        Method::Get,
        &format!("/quotes/{}", quote_id(&charge, "bitcoin")),
    );
    assert_eq!(send(&mut backend, &anonymous, T0).status, 200);
}

// ---------------------------------------------------------------------------
// Payments over time, per scenario
// ---------------------------------------------------------------------------

#[test]
fn nothing_moves_until_a_quote_has_an_address() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let charge = create(&mut backend, T0);
    let later = get_charge(&mut backend, &id_of(&charge), T0 + 60_000);
    assert_eq!(code(&later), 100);
    assert_eq!(later["payments"], json!({}));
}

#[test]
fn paid_goes_through_processing_with_confirmations_to_success() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let (id, quote) = start_paying(&mut backend, "ethereum");
    let amount = quote["amount"].clone();
    let t1 = T0 + 1_000;

    assert_eq!(code(&get_charge(&mut backend, &id, t1 + STEP - 1)), 100);

    let seen = get_charge(&mut backend, &id, t1 + STEP);
    assert_eq!(code(&seen), 200);
    assert_eq!(seen["status"], "processing");
    let payment = &seen["payments"]["ethereum"];
    assert_eq!(payment["transactions"][0]["amount"], amount);
    assert_eq!(payment["transactions"][0]["confirmations"], 0);
    assert!(payment["transactions"][0]["hash"]
        .as_str()
        .is_some_and(|h| h.starts_with("0x") && h.len() == 66));
    assert_eq!(payment["requiredConfirmations"], 3);
    assert_eq!(payment["pending"], amount);
    assert_eq!(payment["balance"], "0");
    assert_eq!(payment["outstanding"], "0");

    let one = get_charge(&mut backend, &id, t1 + 2 * STEP);
    assert_eq!(code(&one), 200);
    assert_eq!(
        one["payments"]["ethereum"]["transactions"][0]["confirmations"],
        1
    );

    let done = get_charge(&mut backend, &id, t1 + 4 * STEP);
    assert_eq!(code(&done), 300);
    assert_eq!(done["status"], "success");
    let payment = &done["payments"]["ethereum"];
    assert_eq!(payment["transactions"][0]["confirmations"], 3);
    assert_eq!(payment["balance"], amount);
    assert_eq!(payment["pending"], "0");
    assert_eq!(payment["outstanding"], "0");
    assert_eq!(
        timeline_types(&done),
        [
            "CHARGE_CREATED/pending",
            "ETHEREUM_TRANSACTION_CREATED/processing",
            "ETHEREUM_TRANSACTION_CONFIRMED/processing",
            "ETHEREUM_TRANSACTION_CONFIRMED/processing",
            "ETHEREUM_TRANSACTION_CONFIRMED/success",
        ]
    );
    // Events carry the time they happened, not the time of the read.
    assert_eq!(done["timeline"][1]["time"], "2019-04-09T16:02:42.835Z");

    // Paid is final: expiry changes nothing.
    let much_later = get_charge(&mut backend, &id, T0 + CHARGE_LIFETIME_MS * 2);
    assert_eq!(code(&much_later), 300);
    assert_eq!(much_later["timeline"], done["timeline"]);
}

#[test]
fn a_single_late_read_catches_up_with_every_step_at_once() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let (id, _) = start_paying(&mut backend, "bitcoin");
    let done = get_charge(&mut backend, &id, T0 + 10 * 60_000);
    assert_eq!(code(&done), 300);
    let confirmations = required_confirmations("bitcoin") as usize;
    assert_eq!(timeline_types(&done).len(), 2 + confirmations);
}

#[test]
fn underpaid_shows_what_is_outstanding_then_succeeds_when_the_rest_arrives() {
    let mut backend = backend_with(CryptoOutcome::Underpaid);
    let (id, quote) = start_paying(&mut backend, "bitcoin");
    let owed = decimal(&quote["amount"]);
    let t1 = T0 + 1_000;

    let partial = get_charge(&mut backend, &id, t1 + STEP);
    assert_eq!(code(&partial), 105);
    assert_eq!(partial["status"], "underpaid");
    let payment = &partial["payments"]["bitcoin"];
    let received = decimal(&payment["transactions"][0]["amount"]);
    let outstanding = decimal(&payment["outstanding"]);
    assert!(received > Decimal::ZERO && received < owed);
    assert_eq!(received + outstanding, owed, "exact, to the last satoshi");
    assert_eq!(decimal(&payment["pending"]), received);

    // Still underpaid while the buyer sends the rest.
    assert_eq!(code(&get_charge(&mut backend, &id, t1 + 10 * STEP)), 105);

    let rest = get_charge(&mut backend, &id, t1 + 11 * STEP);
    assert_eq!(code(&rest), 200);
    assert_eq!(rest["payments"]["bitcoin"]["outstanding"], "0");

    let done = get_charge(&mut backend, &id, t1 + 13 * STEP);
    assert_eq!(code(&done), 300);
    let payment = &done["payments"]["bitcoin"];
    assert_eq!(decimal(&payment["balance"]), owed);
    assert_eq!(payment["transactions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        timeline_types(&done),
        [
            "CHARGE_CREATED/pending",
            "BITCOIN_TRANSACTION_CREATED/underpaid",
            "BITCOIN_TRANSACTION_CREATED/processing",
            "BITCOIN_TRANSACTION_CONFIRMED/processing",
            "BITCOIN_TRANSACTION_CONFIRMED/success",
        ]
    );
}

#[test]
fn underpaid_then_late_stays_underpaid_past_expiry_and_ends_late() {
    let mut backend = backend_with(CryptoOutcome::UnderpaidThenLate);
    let (id, _) = start_paying(&mut backend, "litecoin");
    let expires = T0 + CHARGE_LIFETIME_MS;

    assert_eq!(code(&get_charge(&mut backend, &id, T0 + 1_000 + STEP)), 105);
    assert_eq!(code(&get_charge(&mut backend, &id, expires - 1)), 105);
    let expired = get_charge(&mut backend, &id, expires);
    assert_eq!(code(&expired), 105);
    assert_eq!(
        timeline_types(&expired).last().map(String::as_str),
        Some("CHARGE_EXPIRED/underpaid")
    );

    let late = get_charge(&mut backend, &id, expires + STEP);
    assert_eq!(code(&late), 420);
    assert_eq!(late["status"], "late");
    assert_eq!(
        late["payments"]["litecoin"]["transactions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        timeline_types(&late).last().map(String::as_str),
        Some("LITECOIN_TRANSACTION_CREATED/late")
    );
    assert_eq!(
        code(&get_charge(&mut backend, &id, expires + 100 * STEP)),
        420
    );
}

#[test]
fn overpaid_confirms_to_310_with_more_than_the_quote_received() {
    let mut backend = backend_with(CryptoOutcome::Overpaid);
    let (id, quote) = start_paying(&mut backend, "dai");
    let owed = decimal(&quote["amount"]);

    let seen = get_charge(&mut backend, &id, T0 + 1_000 + STEP);
    assert_eq!(code(&seen), 200);
    let done = get_charge(&mut backend, &id, T0 + 1_000 + 4 * STEP);
    assert_eq!(code(&done), 310);
    assert_eq!(done["status"], "overpaid");
    let payment = &done["payments"]["dai"];
    let balance = decimal(&payment["balance"]);
    assert!(balance > owed);
    assert_eq!(
        balance - owed,
        (owed / Decimal::TEN).round_dp_with_strategy(8, rust_decimal::RoundingStrategy::ToZero)
    );
    assert_eq!(payment["outstanding"], "0");
    assert_eq!(
        timeline_types(&done).last().map(String::as_str),
        Some("DAI_TRANSACTION_CONFIRMED/overpaid")
    );
}

#[test]
fn never_paid_times_out_exactly_fifteen_minutes_after_creation() {
    let mut backend = backend_with(CryptoOutcome::NeverPaid);
    let (id, _) = start_paying(&mut backend, "bitcoin");
    let expires = T0 + CHARGE_LIFETIME_MS;

    let before = get_charge(&mut backend, &id, expires - 1);
    assert_eq!(code(&before), 100);
    assert_eq!(before["payments"], json!({}));
    let after = get_charge(&mut backend, &id, expires);
    assert_eq!(code(&after), 410);
    assert_eq!(after["status"], "timeout");
    let last = after["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["type"], "CHARGE_EXPIRED");
    assert_eq!(last["time"], after["expiresAt"]);
}

#[test]
fn any_charge_without_payment_times_out_even_in_the_happy_scenario() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let charge = create(&mut backend, T0);
    let expired = get_charge(&mut backend, &id_of(&charge), T0 + CHARGE_LIFETIME_MS);
    assert_eq!(code(&expired), 410);
}

#[test]
fn a_payment_that_lands_after_expiry_is_late() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let charge = create(&mut backend, T0);
    let expires = T0 + CHARGE_LIFETIME_MS;
    // The buyer picks a coin one second before the end.
    get_quote(&mut backend, &quote_id(&charge, "bitcoin"), expires - 1_000);
    assert_eq!(
        code(&get_charge(&mut backend, &id_of(&charge), expires)),
        410
    );
    assert_eq!(
        code(&get_charge(&mut backend, &id_of(&charge), expires + STEP)),
        420
    );
}

#[test]
fn failure_ends_in_400_after_the_transaction_is_seen() {
    let mut backend = backend_with(CryptoOutcome::Failure);
    let (id, _) = start_paying(&mut backend, "bitcoincash");
    assert_eq!(code(&get_charge(&mut backend, &id, T0 + 1_000 + STEP)), 200);
    let failed = get_charge(&mut backend, &id, T0 + 1_000 + 2 * STEP);
    assert_eq!(code(&failed), 400);
    assert_eq!(failed["status"], "failure");
    assert_eq!(
        code(&get_charge(&mut backend, &id, T0 + CHARGE_LIFETIME_MS * 3)),
        400
    );
}

#[test]
fn every_status_string_is_the_name_of_its_code() {
    for outcome in [
        CryptoOutcome::Paid,
        CryptoOutcome::Underpaid,
        CryptoOutcome::UnderpaidThenLate,
        CryptoOutcome::Overpaid,
        CryptoOutcome::NeverPaid,
        CryptoOutcome::Failure,
    ] {
        let mut backend = backend_with(outcome);
        let (id, _) = start_paying(&mut backend, "bitcoin");
        for minute in 0..20 {
            let charge = get_charge(&mut backend, &id, T0 + minute * 60_000 + 500);
            let status = StatusCode::new(u16::try_from(code(&charge)).expect("code"));
            assert_eq!(charge["status"].as_str(), status.name(), "{outcome:?}");
        }
    }
}

#[test]
fn the_scenario_control_endpoint_and_the_clock_offset_drive_the_outcome() {
    let mut backend = MockBackend::new(9);
    let scenario = request(Method::Put, "/__mock/scenario")
        .with_json_body(json!({"name": "crypto_expired"}).to_string());
    assert_eq!(send(&mut backend, &scenario, T0).status, 200);
    let (id, _) = start_paying(&mut backend, "ethereum");
    assert_eq!(code(&get_charge(&mut backend, &id, T0 + 60_000)), 100);

    let advance = request(Method::Post, "/__mock/advance")
        .with_json_body(json!({"ms": CHARGE_LIFETIME_MS}).to_string());
    assert_eq!(send(&mut backend, &advance, T0).status, 200);
    assert_eq!(code(&get_charge(&mut backend, &id, T0 + 60_000)), 410);
}

#[test]
fn the_scenario_in_force_when_the_address_is_made_decides_the_payment() {
    let mut backend = backend_with(CryptoOutcome::Overpaid);
    let charge = create(&mut backend, T0);
    backend.state.scenario.crypto = CryptoOutcome::Failure;
    get_quote(&mut backend, &quote_id(&charge, "bitcoin"), T0);
    backend.state.scenario.crypto = CryptoOutcome::Paid;
    assert_eq!(
        code(&get_charge(&mut backend, &id_of(&charge), T0 + 60_000)),
        400
    );
}

#[test]
fn switching_coin_before_any_money_moved_pays_in_the_new_coin() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let charge = create(&mut backend, T0);
    get_quote(&mut backend, &quote_id(&charge, "bitcoin"), T0);
    get_quote(&mut backend, &quote_id(&charge, "litecoin"), T0 + 1_000);
    let done = get_charge(&mut backend, &id_of(&charge), T0 + 60_000);
    assert_eq!(code(&done), 300);
    let payments = done["payments"].as_object().expect("payments");
    assert_eq!(payments.keys().collect::<Vec<_>>(), ["litecoin"]);
}

#[test]
fn the_state_survives_a_json_round_trip_in_the_middle_of_a_payment() {
    let mut backend = backend_with(CryptoOutcome::Underpaid);
    let (id, _) = start_paying(&mut backend, "bitcoin");
    get_charge(&mut backend, &id, T0 + 1_000 + STEP);

    let mut restored = MockBackend::from_json(&backend.to_json()).expect("restores");
    assert_eq!(restored, backend);
    let later = T0 + 1_000 + 20 * STEP;
    assert_eq!(
        get_charge(&mut restored, &id, later),
        get_charge(&mut backend, &id, later)
    );
}

// ---------------------------------------------------------------------------
// Reading and listing charges
// ---------------------------------------------------------------------------

#[test]
fn reading_a_charge_needs_the_creating_organizations_key_or_a_token() {
    let mut backend = MockBackend::new(1);
    let id = id_of(&create(&mut backend, T0));
    let anonymous = send(
        &mut backend,
        &request(Method::Get, &format!("/charges/{id}")),
        T0,
    );
    assert_eq!(anonymous.status, 401);
    let other = send(
        &mut backend,
        &request(
            Method::Get,
            &format!("/charges/{id}?organization=pk_someone_else"),
        ),
        T0,
    );
    assert_eq!(other.status, 404);
    let bearer =
        request(Method::Get, &format!("/charges/{id}")).with_header("Authorization", "Bearer t");
    assert_eq!(send(&mut backend, &bearer, T0).status, 200);
}

#[test]
fn unknown_ids_and_routes_are_404_and_wrong_methods_405() {
    let mut backend = MockBackend::new(1);
    let id = id_of(&create(&mut backend, T0));
    let missing = send(
        &mut backend,
        &request(Method::Get, &format!("/charges/nope?organization={KEY}")),
        T0,
    );
    assert_eq!(missing.status, 404);
    assert_eq!(body(&missing)["error"], "not_found");
    for path in ["/charges/a/b", "/quotes", "/quotes/a/b"] {
        assert_eq!(
            send(&mut backend, &request(Method::Get, path), T0).status,
            404,
            "{path}"
        );
    }
    let delete = send(
        &mut backend,
        &request(Method::Delete, &format!("/charges/{id}?organization={KEY}")),
        T0,
    );
    assert_eq!(delete.status, 405);
    assert_eq!(delete.header("Allow"), Some("GET"));
    let patch = send(&mut backend, &request(Method::Patch, "/charges"), T0);
    assert_eq!(patch.status, 405);
    assert_eq!(patch.header("Allow"), Some("GET, POST"));
    assert_eq!(
        send(&mut backend, &request(Method::Post, "/quotes/x"), T0).status,
        405
    );
}

fn list(backend: &mut MockBackend, query: &str, now_ms: u64) -> HttpResponse {
    let req =
        request(Method::Get, &format!("/charges{query}")).with_header("Authorization", "Bearer t");
    send(backend, &req, now_ms)
}

fn listed_ids(response: &HttpResponse) -> Vec<String> {
    body(response)["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(id_of)
        .collect()
}

#[test]
fn listing_needs_a_bearer_token_even_with_a_publishable_key() {
    let mut backend = MockBackend::new(1);
    create(&mut backend, T0);
    let with_key = send(
        &mut backend,
        &request(Method::Get, &format!("/charges?organization={KEY}")),
        T0,
    );
    assert_eq!(with_key.status, 401);
    assert_eq!(with_key.header("WWW-Authenticate"), Some("Bearer"));
    assert_eq!(
        send(&mut backend, &request(Method::Get, "/charges"), T0).status,
        401
    );
    assert_eq!(list(&mut backend, "", T0).status, 200);
}

#[test]
fn listing_is_newest_first_and_filters_by_status_organization_and_amount() {
    let mut backend = backend_with(CryptoOutcome::Paid);
    let old = id_of(&create(&mut backend, T0));
    let paid = {
        let charge = create(&mut backend, T0 + 1_000);
        get_quote(&mut backend, &quote_id(&charge, "bitcoin"), T0 + 1_000);
        id_of(&charge)
    };
    let small = create_with(
        &mut backend,
        json!({"amount": "20.50", "currency": "USD"}),
        T0 + 2_000,
    );
    let small = id_of(&body(&small));
    let elsewhere = request(Method::Post, "/charges?organization=pk_other")
        .with_json_body(json!({"amount": 150, "currency": "USD"}).to_string());
    let elsewhere = body(&send(&mut backend, &elsewhere, T0 + 3_000));
    let elsewhere_org = elsewhere["organization"].as_str().expect("org").to_owned();
    let elsewhere = id_of(&elsewhere);

    let now = T0 + 60_000;
    let all = list(&mut backend, "", now);
    assert_eq!(
        listed_ids(&all),
        [
            elsewhere.as_str(),
            small.as_str(),
            paid.as_str(),
            old.as_str()
        ]
    );
    assert_eq!(body(&all)["total"], 4);
    assert_eq!(
        listed_ids(&list(&mut backend, "?statusCode=300", now)),
        [paid.as_str()]
    );
    assert_eq!(
        listed_ids(&list(&mut backend, "?statusCode%5B%24lt%5D=300", now)),
        [elsewhere.as_str(), small.as_str(), old.as_str()]
    );
    assert_eq!(
        listed_ids(&list(&mut backend, "?statusCode[$gt]=100", now)),
        [paid.as_str()]
    );
    assert_eq!(
        listed_ids(&list(
            &mut backend,
            &format!("?organizationId={elsewhere_org}"),
            now
        )),
        [elsewhere.as_str()]
    );
    assert_eq!(
        listed_ids(&list(&mut backend, "?amount=20.5", now)),
        [small.as_str()]
    );
    assert_eq!(
        listed_ids(&list(&mut backend, "?amount=150.00&statusCode=100", now)),
        [elsewhere.as_str(), old.as_str()]
    );
    assert_eq!(
        listed_ids(&list(&mut backend, "?$limit=2&$skip=1", now)),
        [small.as_str(), paid.as_str()]
    );

    // Reading the list advances time too: everything unpaid has expired.
    let later = T0 + CHARGE_LIFETIME_MS * 2;
    assert_eq!(
        listed_ids(&list(&mut backend, "?statusCode=410", later)),
        [elsewhere.as_str(), small.as_str(), old.as_str()]
    );

    for bad in [
        "?statusCode=abc",
        "?statusCode[$lt]=-1",
        "?amount=1e3",
        "?$limit=x",
    ] {
        assert_eq!(list(&mut backend, bad, now).status, 422, "{bad}");
    }
}

// ---------------------------------------------------------------------------
// The client reads what the mock writes
// ---------------------------------------------------------------------------

#[test]
fn the_api_client_parses_every_mock_answer() {
    let mut backend = backend_with(CryptoOutcome::Underpaid);
    let created = create_with(
        &mut backend,
        json!({"amount": "150", "currency": "USD", "customer": {"email": "a@b.co"}, "metadata": {"k": "v"}}),
        T0,
    );
    let charge = parse_charge(&created).expect("created charge parses");
    assert_eq!(charge.status_code, StatusCode::PENDING);
    assert_eq!(charge.quotes.len(), 5);
    assert_eq!(
        charge.expires_at.unix_millis() - charge.created_at.unix_millis(),
        900_000
    );

    let bitcoin = charge.quote("bitcoin").expect("bitcoin quote").id.clone();
    let fetched = send(
        &mut backend,
        &request(
            Method::Get,
            &format!("/quotes/{bitcoin}?organization={KEY}"),
        ),
        T0,
    );
    let quote = parse_quote(&fetched).expect("quote parses");
    assert!(quote.payment_uri("bitcoin").is_ok());

    let read = send(
        &mut backend,
        &request(
            Method::Get,
            &format!("/charges/{}?organization={KEY}", charge.id),
        ),
        T0 + STEP,
    );
    let underpaid = parse_charge(&read).expect("underpaid charge parses");
    assert_eq!(underpaid.status_code, StatusCode::UNDERPAID);
    let payment = underpaid.payment("bitcoin").expect("payment");
    assert_eq!(
        payment.outstanding.checked_add(&payment.pending),
        Some(quote.amount)
    );
    assert_eq!(payment.required_confirmations, Some(2));

    let page = parse_charges(&list(&mut backend, "", T0 + 60 * STEP)).expect("list parses");
    assert_eq!(page.charges.len(), 1);
    assert_eq!(page.total, Some(1));
    assert!(page.charges[0].is_paid());
}

// ---------------------------------------------------------------------------
// No input makes the mock panic
// ---------------------------------------------------------------------------

const ODD_VALUES: [&str; 14] = [
    "null",
    "true",
    "0",
    "-1",
    "1e308",
    "-0.0",
    "18446744073709551616",
    "\"\"",
    "\"9999999999999999999999999999999\"",
    "\"0.000000001\"",
    "\"\\u0000\"",
    "[]",
    "{}",
    "{\"email\": []}",
];

proptest::proptest! {
    #[test]
    fn odd_charge_fields_get_an_answer_never_a_panic(
        amount in 0..ODD_VALUES.len(),
        currency in 0..ODD_VALUES.len(),
        customer in 0..ODD_VALUES.len(),
        metadata in 0..ODD_VALUES.len(),
    ) {
        let mut backend = MockBackend::new(1);
        let raw = format!(
            "{{\"amount\": {}, \"currency\": {}, \"customer\": {}, \"metadata\": {}}}",
            ODD_VALUES[amount], ODD_VALUES[currency], ODD_VALUES[customer], ODD_VALUES[metadata]
        );
        let req = request(Method::Post, &format!("/charges?organization={KEY}")).with_json_body(raw);
        let response = send(&mut backend, &req, T0);
        proptest::prop_assert!(matches!(response.status, 200 | 400 | 422), "{}", response.body);
    }

    #[test]
    fn any_path_query_and_body_get_an_answer_never_a_panic(
        path in "/(charges|quotes)(/[A-Za-z0-9_%*$.-]{0,12}){0,2}",
        query in "[a-zA-Z$\\[\\]=&%0-9]{0,30}",
        raw in ".{0,40}",
        now in 0u64..u64::MAX,
    ) {
        let mut backend = MockBackend::new(2);
        create(&mut backend, T0);
        let Ok(url) = Url::parse(&format!("https://api.bidali.com{path}?{query}")) else {
            return Ok(());
        };
        for method in [Method::Get, Method::Post, Method::Put] {
            let req = HttpRequest::new(method, url.clone())
                .with_header("Authorization", "Bearer t")
                .with_json_body(raw.clone());
            let response = send(&mut backend, &req, now);
            proptest::prop_assert!(response.status >= 200 && response.status < 500);
        }
    }
}

#[test]
fn review_refund_and_processor_error_reach_their_newer_codes() {
    // ethereum needs 3 confirmations: settled at step 4, resolved at step 5.
    let settle = |backend: &mut MockBackend, id: &str| {
        get_charge(backend, id, T0 + 1_000 + 4 * STEP);
        get_charge(backend, id, T0 + 1_000 + 5 * STEP)
    };

    let mut backend = backend_with(CryptoOutcome::Review);
    let (id, _) = start_paying(&mut backend, "ethereum");
    assert_eq!(
        code(&get_charge(&mut backend, &id, T0 + 1_000 + 4 * STEP)),
        310
    );
    let reviewed = settle(&mut backend, &id);
    assert_eq!(code(&reviewed), 417);
    assert_eq!(
        timeline_types(&reviewed).last().map(String::as_str),
        Some("CHARGE_REVIEW/review")
    );

    let mut backend = backend_with(CryptoOutcome::Refunded);
    let (id, _) = start_paying(&mut backend, "ethereum");
    assert_eq!(
        code(&get_charge(&mut backend, &id, T0 + 1_000 + 4 * STEP)),
        300
    );
    let refunded = settle(&mut backend, &id);
    assert_eq!(code(&refunded), 450);
    assert_eq!(refunded["status"], "refunded");

    let mut backend = backend_with(CryptoOutcome::Error);
    let (id, _) = start_paying(&mut backend, "ethereum");
    let errored = get_charge(&mut backend, &id, T0 + 1_000 + 2 * STEP);
    assert_eq!(code(&errored), 500);
    // Nothing more happens to it, even at expiry.
    let later = get_charge(&mut backend, &id, T0 + 20 * 60 * 1_000);
    assert_eq!(code(&later), 500);
}

#[test]
fn every_answer_carries_the_mock_clock_in_a_date_header() {
    let mut backend = MockBackend::new(7);
    let now_ms = 1_700_000_000_000;
    let missing = request(Method::Get, &format!("/charges/nope?organization={KEY}"));
    let response = send(&mut backend, &missing, now_ms);
    assert_eq!(response.status, 404);
    assert_eq!(
        response.header("Date"),
        Some("Tue, 14 Nov 2023 22:13:20 GMT")
    );
    // Moving the mock's clock moves its Date: a device clock that is off
    // shows up as a gap between the two.
    let advance =
        request(Method::Post, "/__mock/advance").with_json_body(json!({"ms": 600_000}).to_string());
    assert_eq!(send(&mut backend, &advance, now_ms).status, 200);
    let response = send(&mut backend, &missing, now_ms);
    assert_eq!(
        response.header("Date"),
        Some("Tue, 14 Nov 2023 22:23:20 GMT")
    );
}
