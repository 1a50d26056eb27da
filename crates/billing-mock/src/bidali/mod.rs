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

mod caller;
mod create;
mod list;
mod payer;
mod read;

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

// Linked from the docs below; the submodules import them from here.
use super::control::CryptoOutcome;
use billing_core::domain::crypto::CURRENCIES;

use super::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::crypto::StatusCode;
use billing_core::domain::money::ExactAmount;

use create::create_charge;
use list::list_charges;
use read::{get_charge, get_quote};

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
