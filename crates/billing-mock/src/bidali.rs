//! The Bidali charges API: charges with quotes in every supported coin,
//! addresses made on `GET /quotes/:id`, and a simulated payer whose
//! transactions arrive, confirm, fall short, overshoot or come late as the
//! scenario's [`CryptoOutcome`] says.
//!
//! Routes:
//! - `POST /charges?organization=pk_...` (or a Bearer token): create
//! - `GET /charges/:id?organization=pk_...` (or a Bearer token): read
//! - `GET /quotes/:id`: read a quote, creating its address on first fetch
//! - `GET /charges` with a Bearer token: list, newest first, as
//!   `{total, limit, skip, data}` (Feathers paging, `$limit`/`$skip`)
//!
//! Nothing runs in the background: a charge catches up with its schedule
//! (payer steps and the 15-minute expiry, in time order) whenever it is read.
//!
//! Any non-empty Bearer token is accepted: Bidali's tokens are its own and
//! the mock issues none. A publishable key must look like `pk_...`; each key
//! is given its own organization id on first use, and a charge is only
//! visible through the key of the organization that created it.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::control::CryptoOutcome;
use super::{reply, MockRng, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::calendar;
use billing_core::domain::charge::validate_id;
use billing_core::domain::crypto::{StatusCode, CURRENCIES};
use billing_core::domain::money::{ExactAmount, UnitsError, DEFAULT_MAX_CENTS};
use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};

/// `expiresAt` is `createdAt` plus this.
pub const CHARGE_LIFETIME_MS: u64 = 15 * 60 * 1000;
/// Fiat currencies a charge can be priced in; others are refused (422).
pub const SUPPORTED_FIAT: [&str; 4] = ["USD", "CAD", "EUR", "GBP"];
pub const MAX_DESCRIPTION_LEN: usize = 500;
/// Charges per page of `GET /charges` when `$limit` is not sent.
pub const DEFAULT_PAGE_SIZE: usize = 20;
pub const MAX_PAGE_SIZE: usize = 100;
/// Organization of charges created with a Bearer token and no key.
pub const BEARER_ORGANIZATION_ID: &str = "NDVfeXKg2479hfrL";
/// Quote amounts keep at most this many decimals (fewer when the coin has
/// fewer), so every amount is a whole number of base units.
pub const QUOTE_DECIMALS_CAP: u32 = 8;
/// Rates are for display; they keep this many decimals.
pub const RATE_DECIMALS: u32 = 10;
/// Steps an underpaying buyer waits before sending the rest.
pub const UNDERPAID_WAIT_STEPS: u64 = 10;

/// Confirmations after which a transaction counts as settled.
pub fn required_confirmations(protocol: &str) -> u32 {
    match protocol {
        "bitcoin" | "bitcoincash" => 2,
        "litecoin" => 4,
        _ => 3,
    }
}

/// Demo price of one coin in a fiat currency, before the seeded wobble.
pub fn base_price(fiat: &str, protocol: &str) -> Option<Decimal> {
    let cents: i64 = match (fiat, protocol) {
        ("USD", "bitcoin") => 6_500_000,
        ("USD", "ethereum") => 320_000,
        ("USD", "litecoin") => 8_500,
        ("USD", "dai") => 100,
        ("USD", "bitcoincash") => 45_000,
        ("CAD", "bitcoin") => 8_900_000,
        ("CAD", "ethereum") => 438_000,
        ("CAD", "litecoin") => 11_600,
        ("CAD", "dai") => 137,
        ("CAD", "bitcoincash") => 61_600,
        ("EUR", "bitcoin") => 6_000_000,
        ("EUR", "ethereum") => 295_000,
        ("EUR", "litecoin") => 7_850,
        ("EUR", "dai") => 92,
        ("EUR", "bitcoincash") => 41_500,
        ("GBP", "bitcoin") => 5_150_000,
        ("GBP", "ethereum") => 253_000,
        ("GBP", "litecoin") => 6_740,
        ("GBP", "dai") => 79,
        ("GBP", "bitcoincash") => 35_600,
        _ => return None,
    };
    Some(Decimal::new(cents, 2))
}

/// Coins to send for `fiat` at `price` (fiat per coin): the exact quotient
/// rounded up to `decimals`, so the merchant is never short. `None` for a
/// zero price or an overflow.
pub fn quote_amount(fiat: ExactAmount, price: Decimal, decimals: u32) -> Option<ExactAmount> {
    let coins = fiat.as_decimal().checked_div(price)?;
    Some(ExactAmount::from_decimal(
        coins
            .round_dp_with_strategy(decimals, RoundingStrategy::AwayFromZero)
            .normalize(),
    ))
}

/// Coins per one unit of fiat at `price`, to [`RATE_DECIMALS`], for
/// display only (amounts come from the price, not from this rounded rate).
pub fn quote_rate(price: Decimal) -> Option<ExactAmount> {
    let rate = Decimal::ONE.checked_div(price)?;
    Some(ExactAmount::from_decimal(
        rate.round_dp_with_strategy(RATE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
            .normalize(),
    ))
}

/// Everything the Bidali mock remembers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BidaliState {
    /// Oldest first.
    pub charges: Vec<StoredCharge>,
    /// Customers by id; a customer object with a known email reuses its id.
    pub customers: Vec<StoredCustomer>,
    /// Publishable key to organization id, made up on first use.
    pub organizations: BTreeMap<String, String>,
    /// The derivation index of the next address (`index` of a quote).
    pub next_address_index: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCustomer {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

impl StoredCustomer {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "email": self.email,
            "firstName": self.first_name,
            "lastName": self.last_name,
        })
    }
}

/// One charge and its simulated payer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCharge {
    pub id: String,
    /// Fiat amount, with the scale it was sent with.
    pub amount: ExactAmount,
    pub currency: String,
    pub description: Option<String>,
    pub metadata: Map<String, Value>,
    pub created_ms: u64,
    pub expires_ms: u64,
    pub status_code: StatusCode,
    pub organization: String,
    pub customer: Option<StoredCustomer>,
    pub timeline: Vec<StoredEvent>,
    /// In [`CURRENCIES`] order.
    pub quotes: Vec<StoredQuote>,
    /// Transactions seen, in arrival order.
    pub transactions: Vec<StoredTransaction>,
    /// Payer steps still to happen, earliest first.
    pub schedule: Vec<Step>,
    /// The protocol the payer pays in, once an address exists.
    pub paying: Option<String>,
    /// The expiry check has run.
    pub expiry_handled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub id: String,
    pub time_ms: u64,
    /// `CHARGE_CREATED`, `BITCOIN_TRANSACTION_CONFIRMED`, ...
    pub kind: String,
    /// The status name after the event.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredQuote {
    pub protocol: String,
    pub id: String,
    pub rate: ExactAmount,
    pub amount: ExactAmount,
    pub index: Option<u64>,
    pub address: Option<String>,
    pub ticker: String,
}

impl StoredQuote {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "rate": self.rate.to_string(),
            "amount": self.amount.to_string(),
            "index": self.index.map(|i| i.to_string()),
            "extraId": null,
            "status": "ACTIVE",
            "address": self.address,
            "currency": self.ticker,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTransaction {
    pub protocol: String,
    pub hash: String,
    pub amount: ExactAmount,
    pub confirmations: u32,
    pub seen_ms: u64,
}

/// Something the simulated payer or network does at `at_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub at_ms: u64,
    pub action: StepAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepAction {
    /// A transaction to the quote's address appears (0 confirmations).
    Transaction { hash: String, amount: ExactAmount },
    /// Every unsettled transaction gains one confirmation.
    Confirm,
    /// The charge fails.
    Fail,
    /// The charge moves to `status_code` even after it settled (review,
    /// refund, processor error), with a timeline event of type `event`.
    Resolve {
        status_code: StatusCode,
        event: String,
    },
}

pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    segments: &[&str],
    now_ms: NowMs,
) -> HttpResponse {
    let result = match (segments, request.method) {
        (["charges"], Method::Post) => create_charge(state, request, now_ms),
        (["charges"], Method::Get) => list_charges(state, request, now_ms),
        (["charges"], _) => Err(reply::not_allowed(request, "GET, POST")),
        (["charges", id], Method::Get) => get_charge(state, request, id, now_ms),
        (["charges", _], _) => Err(reply::not_allowed(request, "GET")),
        (["quotes", id], Method::Get) => get_quote(state, request, id, now_ms),
        (["quotes", _], _) => Err(reply::not_allowed(request, "GET")),
        _ => Err(reply::no_such_endpoint(request)),
    };
    result.unwrap_or_else(|response| response)
}

// ---------------------------------------------------------------------------
// Who is asking
// ---------------------------------------------------------------------------

enum Caller {
    /// A publishable key, resolved to its organization id.
    Organization(String),
    Bearer,
}

fn query_value(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn is_publishable_key(key: &str) -> bool {
    key.len() > 3
        && key.len() <= 128
        && key.starts_with("pk_")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The caller, `None` when the request carries no credentials at all.
fn caller(state: &mut MockState, request: &HttpRequest) -> Result<Option<Caller>, HttpResponse> {
    if let Some(key) = query_value(request, "organization") {
        if !is_publishable_key(&key) {
            return Err(reply::unauthorized(
                "organization: not a publishable key (pk_...)",
            ));
        }
        let MockState { rng, bidali, .. } = state;
        let id = bidali
            .organizations
            .entry(key)
            .or_insert_with(|| rng.short_id(16))
            .clone();
        return Ok(Some(Caller::Organization(id)));
    }
    match request.header("Authorization") {
        None => Ok(None),
        Some(value) => {
            let token = value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim());
            match token {
                Some(token) if !token.is_empty() => Ok(Some(Caller::Bearer)),
                _ => Err(reply::unauthorized(
                    "the Authorization header is not a Bearer token",
                )),
            }
        }
    }
}

fn require_caller(state: &mut MockState, request: &HttpRequest) -> Result<Caller, HttpResponse> {
    caller(state, request)?.ok_or_else(|| {
        reply::unauthorized("send ?organization=<publishable key> or a Bearer token")
    })
}

// ---------------------------------------------------------------------------
// POST /charges
// ---------------------------------------------------------------------------

fn create_charge(
    state: &mut MockState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let organization = match require_caller(state, request)? {
        Caller::Organization(id) => id,
        Caller::Bearer => BEARER_ORGANIZATION_ID.to_owned(),
    };
    let body = reply::json_body(request.body.as_deref())?;
    let fields = body
        .as_object()
        .ok_or_else(|| reply::bad_request("the body must be a JSON object"))?;

    let amount = read_fiat_amount(fields.get("amount"))?;
    let currency = read_currency(fields.get("currency"))?;
    let description = match fields.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.chars().count() > MAX_DESCRIPTION_LEN => {
            return Err(reply::invalid_field(
                "description",
                &format!("must be at most {MAX_DESCRIPTION_LEN} characters"),
            ))
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err(reply::invalid_field("description", "must be a string")),
    };
    let metadata = match fields.get("metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => {
            return Err(reply::invalid_field(
                "metadata",
                "must be an object of key-value pairs",
            ))
        }
    };
    let customer = read_customer(state, fields.get("customer"))?;

    let MockState { rng, bidali, .. } = state;
    let quotes = CURRENCIES
        .iter()
        .filter_map(|info| {
            let price = wobble(rng, base_price(&currency, info.protocol)?);
            let decimals = info.decimals.min(QUOTE_DECIMALS_CAP);
            Some(StoredQuote {
                protocol: info.protocol.to_owned(),
                id: rng.uuid(),
                rate: quote_rate(price)?,
                amount: quote_amount(amount, price, decimals)?,
                index: None,
                address: None,
                ticker: info.ticker.to_owned(),
            })
        })
        .collect();
    let mut charge = StoredCharge {
        id: unique_charge_id(rng, bidali),
        amount,
        currency,
        description,
        metadata,
        created_ms: now_ms,
        expires_ms: now_ms.saturating_add(CHARGE_LIFETIME_MS),
        status_code: StatusCode::PENDING,
        organization,
        customer,
        timeline: Vec::new(),
        quotes,
        transactions: Vec::new(),
        schedule: Vec::new(),
        paying: None,
        expiry_handled: false,
    };
    charge.record(rng, now_ms, "CHARGE_CREATED");
    let response = reply::json(200, &charge.to_json());
    bidali.charges.push(charge);
    Ok(response)
}

fn unique_charge_id(rng: &mut MockRng, bidali: &BidaliState) -> String {
    loop {
        let id = rng.short_id(9);
        if !bidali.charges.iter().any(|c| c.id == id) {
            return id;
        }
    }
}

/// The price moved a little: within half a percent either way, in cents.
fn wobble(rng: &mut MockRng, price: Decimal) -> Decimal {
    let basis_points = Decimal::from(rng.u64(9_950..10_051));
    price
        .checked_mul(basis_points)
        .and_then(|p| p.checked_div(Decimal::from(10_000)))
        .map_or(price, |p| {
            p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
}

fn read_fiat_amount(value: Option<&Value>) -> Result<ExactAmount, HttpResponse> {
    let invalid = |problem: &str| reply::invalid_field("amount", problem);
    let amount = match value {
        None | Some(Value::Null) => return Err(invalid("is required")),
        Some(Value::String(text)) => ExactAmount::parse(text.trim())
            .map_err(|_| invalid("must be a decimal number such as 50.00 or 50"))?,
        Some(number @ Value::Number(_)) => serde_json::from_value::<ExactAmount>(number.clone())
            .map_err(|_| invalid("must be a decimal number such as 50.00 or 50"))?,
        Some(_) => return Err(invalid("must be a string or a number")),
    };
    if !amount.is_positive() {
        return Err(invalid("must be more than zero"));
    }
    match amount.to_cents() {
        Err(UnitsError::TooPrecise { .. }) => Err(invalid("must have at most 2 decimal places")),
        Err(_) => Err(invalid("is too large")),
        Ok(cents) if cents > DEFAULT_MAX_CENTS => Err(invalid(&format!(
            "must be at most {}",
            DEFAULT_MAX_CENTS.to_plain_string()
        ))),
        Ok(_) => Ok(amount),
    }
}

fn read_currency(value: Option<&Value>) -> Result<String, HttpResponse> {
    let code = match value {
        None | Some(Value::Null) => return Err(reply::invalid_field("currency", "is required")),
        Some(Value::String(code)) => code.trim().to_ascii_uppercase(),
        Some(_) => {
            return Err(reply::invalid_field(
                "currency",
                "must be a string such as USD",
            ))
        }
    };
    if SUPPORTED_FIAT.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err(reply::invalid_field(
            "currency",
            &format!("is not supported; use one of {}", SUPPORTED_FIAT.join(", ")),
        ))
    }
}

fn read_customer(
    state: &mut MockState,
    value: Option<&Value>,
) -> Result<Option<StoredCustomer>, HttpResponse> {
    let fields = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(id)) => {
            if validate_id(id).is_err() {
                return Err(reply::invalid_field("customer", "is not a customer id"));
            }
            return state
                .bidali
                .customers
                .iter()
                .find(|c| c.id == *id)
                .cloned()
                .map(Some)
                .ok_or_else(|| reply::invalid_field("customer", "no customer has this id"));
        }
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(reply::invalid_field(
                "customer",
                "must be a customer id or an object with an email",
            ))
        }
    };
    let text = |name: &str, field: &str| -> Result<Option<String>, HttpResponse> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s))
                if s.chars().count() <= 254 && !s.chars().any(char::is_control) =>
            {
                Ok(Some(s.trim().to_owned()))
            }
            Some(Value::String(_)) => {
                Err(reply::invalid_field(field, "is too long or not plain text"))
            }
            Some(_) => Err(reply::invalid_field(field, "must be a string")),
        }
    };
    let email = text("email", "customer.email")?
        .ok_or_else(|| reply::invalid_field("customer.email", "is required"))?;
    let email_ok = !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if !email_ok {
        return Err(reply::invalid_field(
            "customer.email",
            "must be an email address such as name@example.com",
        ));
    }
    let first_name = text("firstName", "customer.firstName")?;
    let last_name = text("lastName", "customer.lastName")?;
    let MockState { rng, bidali, .. } = state;
    let known = bidali.customers.iter_mut().find(|c| {
        c.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&email))
    });
    let customer = match known {
        Some(existing) => {
            if first_name.is_some() {
                existing.first_name = first_name;
            }
            if last_name.is_some() {
                existing.last_name = last_name;
            }
            existing.clone()
        }
        None => {
            let customer = StoredCustomer {
                id: rng.uuid(),
                email: Some(email),
                first_name,
                last_name,
            };
            bidali.customers.push(customer.clone());
            customer
        }
    };
    Ok(Some(customer))
}

// ---------------------------------------------------------------------------
// GET /charges/:id and GET /quotes/:id
// ---------------------------------------------------------------------------

fn get_charge(
    state: &mut MockState,
    request: &HttpRequest,
    id: &str,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let caller = require_caller(state, request)?;
    let MockState { rng, bidali, .. } = state;
    let charge = bidali
        .charges
        .iter_mut()
        .find(|c| c.id == id)
        .filter(|c| match &caller {
            Caller::Organization(org) => c.organization == *org,
            Caller::Bearer => true,
        })
        .ok_or_else(|| reply::not_found(&format!("no charge with id {id}")))?;
    charge.advance(rng, now_ms);
    Ok(reply::json(200, &charge.to_json()))
}

fn get_quote(
    state: &mut MockState,
    request: &HttpRequest,
    id: &str,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    // Quote ids are unguessable and the seed's flow sends no credentials;
    // credentials that are sent must still be valid and match.
    let caller = caller(state, request)?;
    let scenario = state.scenario.clone();
    let MockState { rng, bidali, .. } = state;
    let not_found = || reply::not_found(&format!("no quote with id {id}"));
    let charge = bidali
        .charges
        .iter_mut()
        .find(|c| c.quotes.iter().any(|q| q.id == id))
        .filter(|c| match &caller {
            Some(Caller::Organization(org)) => c.organization == *org,
            _ => true,
        })
        .ok_or_else(not_found)?;
    charge.advance(rng, now_ms);
    let position = charge
        .quotes
        .iter()
        .position(|q| q.id == id)
        .ok_or_else(not_found)?;
    if charge.quotes[position].address.is_none() {
        let index = bidali.next_address_index;
        bidali.next_address_index = index.saturating_add(1);
        let quote = &mut charge.quotes[position];
        quote.address = Some(make_address(rng, &quote.protocol));
        quote.index = Some(index);
        let protocol = quote.protocol.clone();
        let amount = quote.amount;
        // The buyer chose this coin: the payer pays in it, unless money
        // already moved in another.
        if charge.status_code == StatusCode::PENDING
            && charge.transactions.is_empty()
            && !charge.expiry_handled
        {
            charge.schedule = plan_payment(
                rng,
                &protocol,
                amount,
                scenario.crypto,
                scenario.gateway_step_ms,
                now_ms,
                charge.expires_ms,
            );
            charge.paying = Some(protocol);
        }
    }
    Ok(reply::json(200, &charge.quotes[position].to_json()))
}

// ---------------------------------------------------------------------------
// GET /charges
// ---------------------------------------------------------------------------

fn list_charges(
    state: &mut MockState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    if !matches!(caller(state, request)?, Some(Caller::Bearer)) {
        return Err(reply::unauthorized(
            "listing charges needs an Authorization: Bearer token",
        ));
    }
    let code = |name: &str| -> Result<Option<u16>, HttpResponse> {
        query_value(request, name)
            .map(|raw| {
                raw.trim()
                    .parse::<u16>()
                    .map_err(|_| reply::invalid_field(name, "must be a status code number"))
            })
            .transpose()
    };
    let exact = code("statusCode")?;
    let below = code("statusCode[$lt]")?;
    let above = code("statusCode[$gt]")?;
    let organization = query_value(request, "organizationId");
    let amount = query_value(request, "amount")
        .map(|raw| {
            ExactAmount::parse(raw.trim())
                .map_err(|_| reply::invalid_field("amount", "must be a decimal number"))
        })
        .transpose()?;
    let count = |name: &str, default: usize, max: usize| -> Result<usize, HttpResponse> {
        match query_value(request, name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<usize>()
                .map(|n| n.min(max))
                .map_err(|_| reply::invalid_field(name, "must be a whole number")),
        }
    };
    let limit = count("$limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let skip = count("$skip", 0, usize::MAX)?;

    let MockState { rng, bidali, .. } = state;
    for charge in &mut bidali.charges {
        charge.advance(rng, now_ms);
    }
    let matching: Vec<&StoredCharge> = bidali
        .charges
        .iter()
        .rev()
        .filter(|c| {
            let code = c.status_code.get();
            exact.is_none_or(|n| code == n)
                && below.is_none_or(|n| code < n)
                && above.is_none_or(|n| code > n)
                && organization.as_deref().is_none_or(|o| c.organization == o)
                && amount.is_none_or(|a| c.amount == a)
        })
        .collect();
    let mut newest_first = matching;
    // Stable: equal creation times keep the newest-created first.
    sort_by_key(&mut newest_first, Direction::Descending, |c| {
        millis_key(c.created_ms)
    });
    let data: Vec<Value> = newest_first
        .iter()
        .skip(skip)
        .take(limit)
        .map(|c| c.to_json())
        .collect();
    Ok(reply::json(
        200,
        &json!({
            "total": newest_first.len(),
            "limit": limit,
            "skip": skip,
            "data": data,
        }),
    ))
}

// ---------------------------------------------------------------------------
// The simulated payer
// ---------------------------------------------------------------------------

/// What the payer will do, from the moment an address exists. `step_ms`
/// apart: the transaction one step after the address, then one
/// confirmation per step.
fn plan_payment(
    rng: &mut MockRng,
    protocol: &str,
    amount: ExactAmount,
    outcome: CryptoOutcome,
    step_ms: u64,
    now_ms: NowMs,
    expires_ms: u64,
) -> Vec<Step> {
    let decimals = CURRENCIES
        .iter()
        .find(|c| c.protocol == protocol)
        .map_or(QUOTE_DECIMALS_CAP, |c| c.decimals.min(QUOTE_DECIMALS_CAP));
    let at = |steps: u64| now_ms.saturating_add(step_ms.saturating_mul(steps));
    let mut transaction = |at_ms: u64, amount: ExactAmount| Step {
        at_ms,
        action: StepAction::Transaction {
            hash: transaction_hash(rng, protocol),
            amount,
        },
    };
    let confirmations = |from_steps: u64| -> Vec<Step> {
        (1..=u64::from(required_confirmations(protocol)))
            .map(|k| Step {
                at_ms: at(from_steps.saturating_add(k)),
                action: StepAction::Confirm,
            })
            .collect()
    };
    let (part, rest) = split(amount, decimals);
    let mut steps = match outcome {
        CryptoOutcome::Paid => {
            let mut steps = vec![transaction(at(1), amount)];
            steps.extend(confirmations(1));
            steps
        }
        CryptoOutcome::Underpaid => {
            let wait = 1 + UNDERPAID_WAIT_STEPS;
            let mut steps = vec![transaction(at(1), part), transaction(at(wait), rest)];
            steps.extend(confirmations(wait));
            steps
        }
        CryptoOutcome::UnderpaidThenLate => {
            let late = expires_ms.saturating_add(step_ms.max(1)).max(at(2));
            vec![transaction(at(1), part), transaction(late, rest)]
        }
        CryptoOutcome::Overpaid | CryptoOutcome::Review => {
            let unit = Decimal::new(1, decimals);
            let extra = amount
                .as_decimal()
                .checked_div(Decimal::TEN)
                .map_or(unit, |d| {
                    d.round_dp_with_strategy(decimals, RoundingStrategy::ToZero)
                        .max(unit)
                });
            let total = amount
                .as_decimal()
                .checked_add(extra)
                .map_or(amount, |d| ExactAmount::from_decimal(d.normalize()));
            let mut steps = vec![transaction(at(1), total)];
            steps.extend(confirmations(1));
            if outcome == CryptoOutcome::Review {
                steps.push(resolve(
                    at(u64::from(required_confirmations(protocol)) + 2),
                    StatusCode::REVIEW,
                    "CHARGE_REVIEW",
                ));
            }
            steps
        }
        CryptoOutcome::Refunded => {
            let mut steps = vec![transaction(at(1), amount)];
            steps.extend(confirmations(1));
            steps.push(resolve(
                at(u64::from(required_confirmations(protocol)) + 2),
                StatusCode::REFUNDED,
                "CHARGE_REFUNDED",
            ));
            steps
        }
        CryptoOutcome::Error => vec![
            transaction(at(1), amount),
            resolve(at(2), StatusCode::ERROR, "CHARGE_ERROR"),
        ],
        CryptoOutcome::NeverPaid => Vec::new(),
        CryptoOutcome::Failure => vec![
            transaction(at(1), amount),
            Step {
                at_ms: at(2),
                action: StepAction::Fail,
            },
        ],
    };
    // An amount too small to split is paid in one go.
    steps.retain(
        |s| !matches!(&s.action, StepAction::Transaction { amount, .. } if amount.is_zero()),
    );
    sort_by_key(&mut steps, Direction::Ascending, |s| millis_key(s.at_ms));
    steps
}

fn resolve(at_ms: u64, status_code: StatusCode, event: &str) -> Step {
    Step {
        at_ms,
        action: StepAction::Resolve {
            status_code,
            event: event.to_owned(),
        },
    }
}

/// About half of `amount` (rounded down to `decimals`) and the rest.
fn split(amount: ExactAmount, decimals: u32) -> (ExactAmount, ExactAmount) {
    let total = amount.as_decimal();
    let part = total.checked_div(Decimal::TWO).map_or(Decimal::ZERO, |d| {
        d.round_dp_with_strategy(decimals, RoundingStrategy::ToZero)
    });
    let rest = total.checked_sub(part).unwrap_or(total);
    (
        ExactAmount::from_decimal(part.normalize()),
        ExactAmount::from_decimal(rest.normalize()),
    )
}

fn transaction_hash(rng: &mut MockRng, protocol: &str) -> String {
    match protocol {
        "ethereum" | "dai" => format!("0x{}", rng.hex(64)),
        _ => rng.hex(64),
    }
}

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn pick(rng: &mut MockRng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| {
            let i = usize::try_from(rng.u64(0..alphabet.len() as u64)).unwrap_or(0);
            char::from(alphabet.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// A receiving address of the right shape for the coin (no valid checksum:
/// the mock's payer is the only one who pays to it).
fn make_address(rng: &mut MockRng, protocol: &str) -> String {
    match protocol {
        "bitcoin" => {
            if rng.chance(50) {
                format!("3{}", pick(rng, BASE58, 33))
            } else {
                format!("bc1q{}", pick(rng, BECH32, 38))
            }
        }
        "litecoin" => {
            let lead = if rng.chance(50) { 'L' } else { 'M' };
            format!("{lead}{}", pick(rng, BASE58, 33))
        }
        "bitcoincash" => format!("q{}", pick(rng, BECH32, 41)),
        _ => format!("0x{}", rng.hex(40)),
    }
}

fn status_name(code: StatusCode) -> &'static str {
    code.name().unwrap_or("unknown")
}

impl StoredCharge {
    fn record(&mut self, rng: &mut MockRng, time_ms: u64, kind: &str) {
        self.timeline.push(StoredEvent {
            id: rng.uuid(),
            time_ms,
            kind: kind.to_owned(),
            status: status_name(self.status_code).to_owned(),
        });
    }

    fn quote_amount(&self, protocol: &str) -> ExactAmount {
        self.quotes
            .iter()
            .find(|q| q.protocol == protocol)
            .map_or(ExactAmount::ZERO, |q| q.amount)
    }

    fn received(&self, protocol: &str) -> ExactAmount {
        sum(self
            .transactions
            .iter()
            .filter(|t| t.protocol == protocol)
            .map(|t| t.amount))
    }

    /// Catches up with everything due by `now_ms`, in time order. A step
    /// at the very moment of expiry is in time.
    pub fn advance(&mut self, rng: &mut MockRng, now_ms: NowMs) {
        loop {
            let step_due = self.schedule.first().is_some_and(|s| s.at_ms <= now_ms);
            let expiry_due = !self.expiry_handled && self.expires_ms <= now_ms;
            let step_first = match (step_due, expiry_due) {
                (false, false) => return,
                (true, false) => true,
                (false, true) => false,
                (true, true) => self
                    .schedule
                    .first()
                    .is_some_and(|s| s.at_ms <= self.expires_ms),
            };
            if step_first {
                let step = self.schedule.remove(0);
                self.apply(rng, step);
            } else {
                self.expire(rng);
            }
        }
    }

    fn expire(&mut self, rng: &mut MockRng) {
        self.expiry_handled = true;
        let expires_ms = self.expires_ms;
        if self.status_code == StatusCode::PENDING {
            self.status_code = StatusCode::TIMEOUT;
            self.record(rng, expires_ms, "CHARGE_EXPIRED");
        } else if self.status_code == StatusCode::UNDERPAID {
            // Still underpaid: the rest may yet arrive, late.
            self.record(rng, expires_ms, "CHARGE_EXPIRED");
        }
    }

    fn apply(&mut self, rng: &mut MockRng, step: Step) {
        let Some(protocol) = self.paying.clone() else {
            return;
        };
        let prefix = protocol.to_ascii_uppercase();
        if let StepAction::Resolve { status_code, event } = &step.action {
            // Reviews and refunds happen to charges that already settled.
            self.status_code = *status_code;
            self.record(rng, step.at_ms, event);
            self.schedule.retain(|s| s.at_ms > step.at_ms);
            return;
        }
        let open = matches!(
            self.status_code,
            StatusCode::PENDING
                | StatusCode::UNDERPAID
                | StatusCode::PROCESSING
                | StatusCode::TIMEOUT
        );
        if !open {
            self.schedule.clear();
            return;
        }
        match step.action {
            StepAction::Transaction { hash, amount } => {
                self.transactions.push(StoredTransaction {
                    protocol: protocol.clone(),
                    hash,
                    amount,
                    confirmations: 0,
                    seen_ms: step.at_ms,
                });
                self.status_code = if self.expiry_handled {
                    StatusCode::LATE
                } else if self.received(&protocol) >= self.quote_amount(&protocol) {
                    StatusCode::PROCESSING
                } else {
                    StatusCode::UNDERPAID
                };
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_CREATED"));
                if self.status_code == StatusCode::LATE {
                    self.schedule.clear();
                }
            }
            StepAction::Confirm => {
                if self.status_code != StatusCode::PROCESSING {
                    return;
                }
                let required = required_confirmations(&protocol);
                for tx in self
                    .transactions
                    .iter_mut()
                    .filter(|t| t.protocol == protocol)
                {
                    tx.confirmations = tx.confirmations.saturating_add(1).min(required);
                }
                let settled = self
                    .transactions
                    .iter()
                    .filter(|t| t.protocol == protocol)
                    .all(|t| t.confirmations >= required);
                if settled {
                    self.status_code = if self.received(&protocol) > self.quote_amount(&protocol) {
                        StatusCode::OVERPAID
                    } else {
                        StatusCode::SUCCESS
                    };
                    // Only a later review or refund can still happen.
                    self.schedule
                        .retain(|s| matches!(s.action, StepAction::Resolve { .. }));
                }
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_CONFIRMED"));
            }
            StepAction::Fail => {
                self.status_code = StatusCode::FAILURE;
                self.schedule.clear();
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_FAILED"));
            }
            StepAction::Resolve { .. } => {}
        }
    }

    /// Per coin paid in: `{transactions: [{hash, amount, confirmations}],
    /// requiredConfirmations, balance, pending, outstanding}`, as in the
    /// seed. `balance` is what has settled (all confirmations), `pending`
    /// what is seen but still confirming, `outstanding` what is still to
    /// send; all three are coin amounts as strings.
    fn payments_json(&self) -> Value {
        let mut payments = Map::new();
        for protocol in self.transactions.iter().map(|t| t.protocol.as_str()) {
            if payments.contains_key(protocol) {
                continue;
            }
            let required = required_confirmations(protocol);
            let transactions: Vec<&StoredTransaction> = self
                .transactions
                .iter()
                .filter(|t| t.protocol == protocol)
                .collect();
            let balance = sum(transactions
                .iter()
                .filter(|t| t.confirmations >= required)
                .map(|t| t.amount));
            let pending = sum(transactions
                .iter()
                .filter(|t| t.confirmations < required)
                .map(|t| t.amount));
            let seen = balance.checked_add(&pending).unwrap_or(balance);
            let outstanding = self
                .quote_amount(protocol)
                .checked_sub(&seen)
                .filter(|d| d.is_positive())
                .unwrap_or(ExactAmount::ZERO);
            let list: Vec<Value> = transactions
                .iter()
                .map(|t| {
                    json!({
                        "hash": t.hash,
                        "amount": t.amount.to_string(),
                        "confirmations": t.confirmations,
                    })
                })
                .collect();
            payments.insert(
                protocol.to_owned(),
                json!({
                    "transactions": list,
                    "requiredConfirmations": required,
                    "balance": balance.normalized().to_string(),
                    "pending": pending.normalized().to_string(),
                    "outstanding": outstanding.normalized().to_string(),
                }),
            );
        }
        Value::Object(payments)
    }

    /// The charge as the API shows it (the seed's example object).
    pub fn to_json(&self) -> Value {
        let timeline: Vec<Value> = self
            .timeline
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "time": calendar::rfc3339_millis(e.time_ms),
                    "type": e.kind,
                    "status": e.status,
                })
            })
            .collect();
        let quotes: Map<String, Value> = self
            .quotes
            .iter()
            .map(|q| (q.protocol.clone(), q.to_json()))
            .collect();
        json!({
            "id": self.id,
            "amount": self.amount.to_string(),
            "metadata": self.metadata,
            "createdAt": calendar::rfc3339_millis(self.created_ms),
            "expiresAt": calendar::rfc3339_millis(self.expires_ms),
            "description": self.description,
            "statusCode": self.status_code.get(),
            "redirectUrl": null,
            "status": status_name(self.status_code),
            "currency": self.currency,
            "organization": self.organization,
            "timeline": timeline,
            "payments": self.payments_json(),
            "payout": null,
            "customer": self.customer.as_ref().map(StoredCustomer::to_json),
            "quotes": quotes,
        })
    }
}

fn sum(amounts: impl Iterator<Item = ExactAmount>) -> ExactAmount {
    amounts.fold(ExactAmount::ZERO, |total, amount| {
        total.checked_add(&amount).unwrap_or(total)
    })
}

// ---------------------------------------------------------------------------
// Time as text (no date library: a few lines of civil-from-days)
// ---------------------------------------------------------------------------
