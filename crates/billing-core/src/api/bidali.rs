//! Bidali crypto charges: create a charge, read it back, fetch a quote (which
//! creates its payment address), and list charges.
//!
//! Creating and reading a charge or quote is authorised by the organization's
//! publishable key in `?organization=<pk>`, so the browser holds no secret;
//! listing needs a Bearer token. The `statusCode` number is the truth about a
//! charge; the `status` string next to it is kept as sent, never trusted.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::endpoint::{Client, Endpoint};
use super::error::{ApiError, Service};
use super::transport::{HttpRequest, HttpResponse, Method};
use super::wire::{
    check_base_url, decode_array, decode_json, endpoint, parse_json, serialize_keyed, success_body,
    to_json_body, ObjectReader, Timestamp,
};
use crate::domain::charge::validate_id;
use crate::domain::crypto::{BidaliChargeId, Protocol, Quote, QuoteId, StatusCode};
use crate::domain::crypto_checkout::PaymentProgress;
use crate::domain::money::{ExactAmount, DEFAULT_MAX_CENTS};
use crate::domain::oauth::AccessToken;

pub const DEFAULT_API_URL: &str = "https://api.bidali.com";
/// Longest description accepted before sending.
pub const MAX_DESCRIPTION_LEN: usize = 500;
const MAX_KEY_LEN: usize = 128;
const MAX_EMAIL_LEN: usize = 254;
/// Longest first or last name of a new customer.
pub const MAX_PERSON_NAME_LEN: usize = 100;

// ---------------------------------------------------------------------------
// Request bodies and filters
// ---------------------------------------------------------------------------

/// Who pays: an existing customer's id, or the details to create one (the
/// email identifies the customer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CustomerRef {
    Id(String),
    New(NewCustomer),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCustomer {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// `POST /charges`. The amount is always sent as a string, so no client on
/// the way reads it through a float.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBidaliCharge {
    /// Fiat amount, e.g. `50.00` or `50`.
    pub amount: ExactAmount,
    /// ISO 4217, e.g. `USD`.
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerRef>,
}

impl NewBidaliCharge {
    pub fn new(amount: ExactAmount, currency: impl Into<String>) -> Self {
        Self {
            amount,
            currency: currency.into(),
            description: None,
            metadata: None,
            customer: None,
        }
    }

    pub fn validate(&self) -> Result<(), ApiError> {
        if !self.amount.is_positive() {
            return Err(ApiError::validation("amount", "must be more than zero"));
        }
        match self.amount.to_cents() {
            Err(_) => {
                return Err(ApiError::validation(
                    "amount",
                    "must have at most two decimal places",
                ))
            }
            Ok(cents) if cents > DEFAULT_MAX_CENTS => {
                return Err(ApiError::validation(
                    "amount",
                    format!("must be at most {}", DEFAULT_MAX_CENTS.to_plain_string()),
                ))
            }
            Ok(_) => {}
        }
        let currency_ok =
            self.currency.len() == 3 && self.currency.bytes().all(|b| b.is_ascii_uppercase());
        if !currency_ok {
            return Err(ApiError::validation(
                "currency",
                "must be a three-letter code such as USD",
            ));
        }
        if let Some(description) = &self.description {
            if description.chars().count() > MAX_DESCRIPTION_LEN {
                return Err(ApiError::validation(
                    "description",
                    format!("must be at most {MAX_DESCRIPTION_LEN} characters"),
                ));
            }
        }
        match &self.customer {
            None => Ok(()),
            Some(CustomerRef::Id(id)) => {
                validate_id(id).map_err(|err| ApiError::validation("customer.id", err.to_string()))
            }
            Some(CustomerRef::New(customer)) => customer.validate(),
        }
    }
}

impl NewCustomer {
    pub fn validate(&self) -> Result<(), ApiError> {
        let email = self.email.as_str();
        let email_ok = email.len() <= MAX_EMAIL_LEN
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty() && domain.contains('.') && !domain.contains('@')
            });
        if !email_ok {
            return Err(ApiError::validation(
                "customer.email",
                "must be an email address such as name@example.com",
            ));
        }
        for (field, value) in [
            ("customer.firstName", &self.first_name),
            ("customer.lastName", &self.last_name),
        ] {
            if let Some(value) = value {
                if value.chars().count() > MAX_PERSON_NAME_LEN
                    || value.chars().any(char::is_control)
                {
                    return Err(ApiError::validation(
                        field,
                        format!("must be at most {MAX_PERSON_NAME_LEN} plain characters"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Filters of `GET /charges`. Ranges use Bidali's `statusCode[$lt]` and
/// `statusCode[$gt]` (pending and processing: below 300).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChargeFilter {
    pub status_code: Option<StatusCode>,
    pub status_code_below: Option<StatusCode>,
    pub status_code_above: Option<StatusCode>,
    pub organization_id: Option<String>,
    pub amount: Option<ExactAmount>,
}

impl ChargeFilter {
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(code) = self.status_code {
            pairs.push(("statusCode", code.to_string()));
        }
        if let Some(code) = self.status_code_below {
            pairs.push(("statusCode[$lt]", code.to_string()));
        }
        if let Some(code) = self.status_code_above {
            pairs.push(("statusCode[$gt]", code.to_string()));
        }
        if let Some(organization) = &self.organization_id {
            pairs.push(("organizationId", organization.clone()));
        }
        if let Some(amount) = &self.amount {
            pairs.push(("amount", amount.to_string()));
        }
        pairs
    }
}

// ---------------------------------------------------------------------------
// Request builders
// ---------------------------------------------------------------------------

/// Where the Bidali API is and the organization's publishable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidaliApi {
    base: Url,
    publishable_key: String,
}

impl BidaliApi {
    /// The key is checked when a request needs it, so a configuration
    /// without one can still list charges with a token.
    pub fn new(base: &Url, publishable_key: impl Into<String>) -> Result<Self, ApiError> {
        Ok(Self {
            base: check_base_url("base_url", base)?,
            publishable_key: publishable_key.into(),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn organization(&self) -> Result<(&'static str, String), ApiError> {
        let key = self.publishable_key.trim();
        if key.is_empty() {
            return Err(ApiError::validation("publishable_key", "is not configured"));
        }
        let ok = key.len() <= MAX_KEY_LEN
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(ApiError::validation(
                "publishable_key",
                "may only contain letters, digits, '_' and '-'",
            ));
        }
        Ok(("organization", key.to_owned()))
    }

    fn request(&self, method: Method, path: &[&str], query: &[(&str, String)]) -> HttpRequest {
        HttpRequest::new(method, endpoint(&self.base, path, query))
            .with_header("Accept", "application/json")
    }

    /// `POST /charges?organization=<pk>`, after validation.
    pub fn create_charge(&self, charge: &NewBidaliCharge) -> Endpoint<BidaliCharge> {
        let request = self.organization().and_then(|organization| {
            charge.validate()?;
            let body = to_json_body("body", charge)?;
            Ok(self
                .request(Method::Post, &["charges"], &[organization])
                .with_json_body(body))
        });
        Endpoint::checked(Service::CryptoPayments, request, parse_charge)
    }

    /// `GET /charges/<id>?organization=<pk>`.
    pub fn get_charge(&self, id: &BidaliChargeId) -> Endpoint<BidaliCharge> {
        let request = self.organization().map(|organization| {
            self.request(Method::Get, &["charges", id.as_str()], &[organization])
        });
        Endpoint::checked(Service::CryptoPayments, request, parse_charge)
    }

    /// `GET /quotes/<id>?organization=<pk>`: creates the quote's address.
    pub fn get_quote(&self, id: &QuoteId) -> Endpoint<Quote> {
        let request = self.organization().map(|organization| {
            self.request(Method::Get, &["quotes", id.as_str()], &[organization])
        });
        Endpoint::checked(Service::CryptoPayments, request, parse_quote)
    }

    /// `GET /charges?<filters>` with a Bearer token.
    pub fn list_charges(&self, token: &AccessToken, filter: &ChargeFilter) -> Endpoint<ChargePage> {
        Endpoint::new(
            Service::CryptoPayments,
            self.request(Method::Get, &["charges"], &filter.query())
                .with_header("Authorization", token.authorization_header()),
            parse_charges,
        )
    }
}

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/// One step in a charge's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    pub id: String,
    pub time: Timestamp,
    /// `CHARGE_CREATED`, `ETHEREUM_TRANSACTION_CONFIRMED`, ... (open set).
    #[serde(rename = "type")]
    pub event_type: String,
    /// The status name after the event, as sent.
    pub status: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            rate: f.required("rate")?,
            amount: f.required("amount")?,
            index: f.optional("index")?,
            extra_id: f.optional("extraId")?,
            status: f.required("status")?,
            address: f.optional("address")?,
            currency: f.required("currency")?,
        })
    }
}

impl<'de> Deserialize<'de> for TimelineEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            time: f.required("time")?,
            event_type: f.required("type")?,
            status: f.required("status")?,
            extra: f.rest(),
        })
    }
}

/// A blockchain transaction seen for a charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentTransaction {
    pub hash: String,
    pub amount: ExactAmount,
    pub confirmations: u32,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for PaymentTransaction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            hash: f.required("hash")?,
            amount: f.required("amount")?,
            confirmations: f.required("confirmations")?,
            extra: f.rest(),
        })
    }
}

/// What arrived in one currency: the transactions and what is still owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub transactions: Vec<PaymentTransaction>,
    pub required_confirmations: Option<u32>,
    /// Received so far.
    pub balance: ExactAmount,
    /// Seen but not confirmed yet.
    pub pending: ExactAmount,
    /// Still to send ("send X more").
    pub outstanding: ExactAmount,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Payment {
    /// Confirmations of the least confirmed transaction: the payment is as
    /// confirmed as its weakest part. `None` before any transaction.
    pub fn confirmations(&self) -> Option<u32> {
        self.transactions.iter().map(|t| t.confirmations).min()
    }

    /// What arrived so far, settled plus still confirming, exactly; the
    /// settled part alone if the sum is beyond what an amount holds.
    pub fn received(&self) -> ExactAmount {
        self.balance
            .checked_add(&self.pending)
            .unwrap_or(self.balance)
    }
}

impl<'de> Deserialize<'de> for Payment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            transactions: f.list_or_empty("transactions")?,
            required_confirmations: f.optional("requiredConfirmations")?,
            balance: f.required("balance")?,
            pending: f.required("pending")?,
            outstanding: f.required("outstanding")?,
            extra: f.rest(),
        })
    }
}

/// The customer a charge belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BidaliCustomer {
    pub id: String,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for BidaliCustomer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            email: f.optional("email")?,
            first_name: f.optional("firstName")?,
            last_name: f.optional("lastName")?,
            extra: f.rest(),
        })
    }
}

/// A charge as `POST /charges` and `GET /charges/<id>` return it. `quotes`
/// and `payments` are keyed by currency protocol (`bitcoin`); unknown fields
/// are kept in `extra` and written back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BidaliCharge {
    pub id: BidaliChargeId,
    /// Fiat amount; a string on the wire (a number is read too).
    pub amount: ExactAmount,
    pub metadata: Option<Map<String, Value>>,
    pub created_at: Timestamp,
    /// About 15 minutes after creation; quotes are void afterwards.
    pub expires_at: Timestamp,
    pub description: Option<String>,
    pub status_code: StatusCode,
    pub redirect_url: Option<String>,
    /// As sent; it can disagree with `status_code`, which wins.
    pub status: String,
    pub currency: String,
    pub organization: Option<String>,
    pub timeline: Vec<TimelineEvent>,
    #[serde(serialize_with = "serialize_keyed")]
    pub payments: BTreeMap<Protocol, Payment>,
    /// Undocumented; kept as sent.
    pub payout: Option<Value>,
    pub customer: Option<BidaliCustomer>,
    #[serde(serialize_with = "serialize_keyed")]
    pub quotes: BTreeMap<Protocol, Quote>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl BidaliCharge {
    /// Only a named success (300, 310, 320) is paid.
    pub fn is_paid(&self) -> bool {
        self.status_code.is_paid()
    }

    pub fn quote(&self, protocol: &str) -> Option<&Quote> {
        self.quotes
            .iter()
            .find(|(key, _)| key.as_str() == protocol)
            .map(|(_, quote)| quote)
    }

    pub fn payment(&self, protocol: &str) -> Option<&Payment> {
        self.payments
            .iter()
            .find(|(key, _)| key.as_str() == protocol)
            .map(|(_, payment)| payment)
    }

    /// What arrived in `protocol` against its quote; `None` until the
    /// charge has both.
    pub fn progress(&self, protocol: &Protocol) -> Option<PaymentProgress> {
        let quote = self.quote(protocol.as_str())?;
        let payment = self.payment(protocol.as_str())?;
        Some(PaymentProgress::new(
            &quote.amount,
            &payment.balance,
            &payment.pending,
            &payment.outstanding,
            payment.confirmations(),
            payment.required_confirmations,
        ))
    }

    /// The symbol amounts in `protocol` are written with: its quote's, else
    /// the currency's known ticker, else the protocol's own name.
    pub fn ticker(&self, protocol: &Protocol) -> String {
        self.quote(protocol.as_str())
            .map(|q| q.currency.clone())
            .or_else(|| protocol.info().map(|i| i.ticker.to_owned()))
            .unwrap_or_else(|| protocol.to_string())
    }

    /// The first currency coins arrived in, if any: the one being paid in
    /// when the page was not told which.
    pub fn first_paid_in(&self) -> Option<&Protocol> {
        self.payments.keys().next()
    }

    /// When the charge last changed, by its latest timeline event (a paid
    /// charge's completion), in milliseconds since the epoch.
    pub fn last_event_ms(&self) -> Option<i64> {
        self.timeline.iter().map(|e| e.time.unix_millis()).max()
    }
}

/// What a Bidali error says about the site's publishable key, which is
/// the seller's and not the buyer's sign-in: no new sign-in can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// The configuration has no usable key; why, in the check's words.
    NotSetUp(String),
    /// Bidali refused the key (401, 403).
    Refused,
}

/// The key problem `error` is, if it is one.
pub fn key_problem(error: &ApiError) -> Option<KeyProblem> {
    match error {
        ApiError::Validation { field, message } if field == "publishable_key" => {
            Some(KeyProblem::NotSetUp(message.clone()))
        }
        _ => match error.status() {
            Some(401 | 403) => Some(KeyProblem::Refused),
            _ => None,
        },
    }
}

impl<'de> Deserialize<'de> for BidaliCharge {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            amount: f.required("amount")?,
            metadata: f.optional("metadata")?,
            created_at: f.required("createdAt")?,
            expires_at: f.required("expiresAt")?,
            description: f.optional("description")?,
            status_code: f.required("statusCode")?,
            redirect_url: f.optional("redirectUrl")?,
            status: f.required("status")?,
            currency: f.required("currency")?,
            organization: f.optional("organization")?,
            timeline: f.list_or_empty("timeline")?,
            payments: f.keyed("payments", Protocol::parse)?,
            payout: f.optional("payout")?,
            customer: f.optional("customer")?,
            quotes: f.keyed("quotes", Protocol::parse)?,
            extra: f.rest(),
        })
    }
}

/// `GET /charges`: Bidali pages as `{total, limit, skip, data}`; a bare
/// array is read too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChargePage {
    #[serde(rename = "data")]
    pub charges: Vec<BidaliCharge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ChargePage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            charges: f.list("data")?,
            total: f.optional("total")?,
            limit: f.optional("limit")?,
            skip: f.optional("skip")?,
            extra: f.rest(),
        })
    }
}

// ---------------------------------------------------------------------------
// Response parsers
// ---------------------------------------------------------------------------

pub fn parse_charge(response: &HttpResponse) -> Result<BidaliCharge, ApiError> {
    parse_json(response)
}

pub fn parse_quote(response: &HttpResponse) -> Result<Quote, ApiError> {
    parse_json(response)
}

pub fn parse_charges(response: &HttpResponse) -> Result<ChargePage, ApiError> {
    let body = success_body(response)?;
    if body.starts_with('[') {
        Ok(ChargePage {
            charges: decode_array(body)?,
            total: None,
            limit: None,
            skip: None,
            extra: Map::new(),
        })
    } else {
        decode_json(body)
    }
}

// ---------------------------------------------------------------------------
// Client

/// The Bidali API over a transport.
pub type BidaliClient<T> = Client<BidaliApi, T>;
