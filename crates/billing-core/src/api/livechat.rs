//! The LiveChat Billing API: direct (one-time) and recurrent charges, the
//! ledger and the balance.
//!
//! Three layers, each usable alone: [`BillingApi`] builds requests (pure),
//! the `parse_*` functions read responses (pure), and [`BillingClient`]
//! sends one through a [`Transport`] and parses the other. The base URL and
//! the API version are configuration, so the same code talks to v1, v2, v3
//! and to the offline mock.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use url::Url;

use super::endpoint::{Client, Endpoint, Read};
use super::error::{ApiError, Service};
use super::transport::{HttpRequest, HttpResponse, Method};
use super::wire::{
    check_base_url, decode_array, decode_json, endpoint, is_absolute_http_url, parse_json,
    parse_optional_json, success_body, to_json_body, ObjectReader, Timestamp,
};
use crate::domain::charge::{
    DirectChargeId, DirectChargeStatus, LedgerEntryId, LedgerEntryType, RecurrentChargeId,
    RecurrentChargeStatus,
};
use crate::domain::money::{Cents, DEFAULT_MAX_CENTS};
use crate::domain::oauth::AccessToken;

/// Base URL of the v1 and v2 API.
pub const DEFAULT_BASE_URL: &str = "https://billing.livechatinc.com";
/// Base URL of the v3 API.
pub const V3_BASE_URL: &str = "https://billing.text.com";
/// Longest charge name accepted before sending.
pub const MAX_NAME_LEN: usize = 255;
/// Longest `return_url` accepted before sending.
pub const MAX_RETURN_URL_LEN: usize = 2048;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// Which version of the Billing API the paths follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    /// `/v1/direct_charge`, as in the seeds.
    #[default]
    V1,
    /// `/v2/direct_charge/<product>` (2023).
    V2,
    /// `/v3/direct_charge/<product>` (2025); the ledger stays on v2.
    V3,
}

impl ApiVersion {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "v1" => Some(Self::V1),
            "v2" => Some(Self::V2),
            "v3" => Some(Self::V3),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
            Self::V3 => "v3",
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The product a v2/v3 path names; v1 paths carry none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Product {
    #[default]
    LiveChat,
    HelpDesk,
}

impl Product {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::LiveChat => "livechat",
            Self::HelpDesk => "helpdesk",
        }
    }
}

/// A subscription state change (`PUT .../recurrent_charge/:id/<action>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecurrentAction {
    Accept,
    Decline,
    Activate,
    /// Ends the subscription; a proportional refund is created when it is
    /// cancelled during a settlement period.
    Cancel,
}

impl RecurrentAction {
    pub const ALL: [RecurrentAction; 4] =
        [Self::Accept, Self::Decline, Self::Activate, Self::Cancel];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Activate => "activate",
            Self::Cancel => "cancel",
        }
    }
}

// ---------------------------------------------------------------------------
// Request bodies and filters
// ---------------------------------------------------------------------------

/// `POST .../direct_charge`. Deserialize is for the mock backend, which
/// reads what the widget sends and validates it with the same rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDirectCharge {
    pub name: String,
    /// Price of one unit, in cents.
    pub price: Cents,
    /// With `per_account` LiveChat replaces it by the number of accounts.
    pub quantity: u32,
    /// Where the buyer lands after confirming (`?id=<charge id>` is added).
    pub return_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_account: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<bool>,
}

impl NewDirectCharge {
    pub fn new(
        name: impl Into<String>,
        price: Cents,
        quantity: u32,
        return_url: impl Into<String>,
    ) -> Self {
        Self {
            name: name.into(),
            price,
            quantity,
            return_url: return_url.into(),
            per_account: None,
            test: None,
        }
    }

    /// The rules the API documents, checked before anything is sent.
    pub fn validate(&self) -> Result<(), ApiError> {
        validate_name(&self.name)?;
        validate_price(self.price)?;
        if self.quantity == 0 {
            return Err(ApiError::validation("quantity", "must be at least 1"));
        }
        let total = self.price.checked_mul(u64::from(self.quantity));
        if total.is_none_or(|total| total > DEFAULT_MAX_CENTS) {
            return Err(ApiError::validation(
                "quantity",
                "makes the total (price x quantity) too large",
            ));
        }
        validate_return_url(&self.return_url)
    }
}

/// `POST .../recurrent_charge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecurrentCharge {
    pub name: String,
    /// Price per billing period, in cents.
    pub price: Cents,
    pub return_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    /// Billing period in months; the API's default is 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_account: Option<bool>,
}

impl NewRecurrentCharge {
    pub fn new(name: impl Into<String>, price: Cents, return_url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            price,
            return_url: return_url.into(),
            test: None,
            trial_days: None,
            months: None,
            per_account: None,
        }
    }

    pub fn validate(&self) -> Result<(), ApiError> {
        validate_name(&self.name)?;
        validate_price(self.price)?;
        if self.months == Some(0) {
            return Err(ApiError::validation("months", "must be at least 1"));
        }
        validate_return_url(&self.return_url)
    }
}

fn validate_name(name: &str) -> Result<(), ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::validation("name", "must not be empty"));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(ApiError::validation(
            "name",
            format!("must be at most {MAX_NAME_LEN} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::validation(
            "name",
            "must not contain control characters",
        ));
    }
    Ok(())
}

fn validate_price(price: Cents) -> Result<(), ApiError> {
    if price <= Cents::ZERO {
        return Err(ApiError::validation("price", "must be more than zero"));
    }
    if price > DEFAULT_MAX_CENTS {
        return Err(ApiError::validation(
            "price",
            format!("must be at most {DEFAULT_MAX_CENTS} (prices are in cents)"),
        ));
    }
    Ok(())
}

fn validate_return_url(raw: &str) -> Result<(), ApiError> {
    if raw.len() > MAX_RETURN_URL_LEN {
        return Err(ApiError::validation("return_url", "is too long"));
    }
    if !is_absolute_http_url(raw) {
        return Err(ApiError::validation(
            "return_url",
            "must be a full http(s) address such as https://example.com/return",
        ));
    }
    Ok(())
}

fn validate_page(page: Option<u32>) -> Result<(), ApiError> {
    if page == Some(0) {
        return Err(ApiError::validation("page", "must be 1 or more"));
    }
    Ok(())
}

/// Filters of `GET .../direct_charge` (20 charges a page, newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectChargeQuery {
    /// From 1.
    pub page: Option<u32>,
    pub status: Option<DirectChargeStatus>,
    /// v3 only: the charges of one subscription.
    pub recurrent_charge_id: Option<RecurrentChargeId>,
}

/// Filters of `GET .../recurrent_charge`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecurrentChargeQuery {
    pub page: Option<u32>,
    pub status: Option<RecurrentChargeStatus>,
    pub order_client_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Request builders
// ---------------------------------------------------------------------------

/// Where and how to reach the Billing API. Builds requests; sends nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingApi {
    base: Url,
    version: ApiVersion,
    product: Product,
}

impl BillingApi {
    /// `base` is the API root, e.g. `https://billing.livechatinc.com` (a
    /// path prefix, as the mock uses, is kept).
    pub fn new(base: &Url, version: ApiVersion) -> Result<Self, ApiError> {
        Ok(Self {
            base: check_base_url("base_url", base)?,
            version,
            product: Product::default(),
        })
    }

    /// The product named in v2/v3 paths (default LiveChat).
    pub fn with_product(mut self, product: Product) -> Self {
        self.product = product;
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn version(&self) -> ApiVersion {
        self.version
    }

    pub fn product(&self) -> Product {
        self.product
    }

    /// `[v1, direct_charge]` or `[v2|v3, direct_charge, <product>]`, then
    /// `rest`.
    fn charge_path<'a>(&'a self, resource: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec![self.version.as_str(), resource];
        if self.version != ApiVersion::V1 {
            path.push(self.product.as_str());
        }
        path.extend_from_slice(rest);
        path
    }

    /// `/v1/ledger`, else `/v2/ledger/<product>` (v3 kept the v2 ledger).
    fn ledger_path<'a>(&'a self, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = match self.version {
            ApiVersion::V1 => vec!["v1", "ledger"],
            ApiVersion::V2 | ApiVersion::V3 => vec!["v2", "ledger", self.product.as_str()],
        };
        path.extend_from_slice(rest);
        path
    }

    fn request(
        &self,
        method: Method,
        path: &[&str],
        query: &[(&str, String)],
        token: &AccessToken,
    ) -> HttpRequest {
        HttpRequest::new(method, endpoint(&self.base, path, query))
            .with_header("Authorization", token.authorization_header())
            .with_header("Accept", "application/json")
    }

    /// `POST` of a new charge of `resource`, once `valid` says it may go.
    fn create<C: Serialize, A>(
        &self,
        resource: &str,
        token: &AccessToken,
        charge: &C,
        valid: Result<(), ApiError>,
        read: Read<A>,
    ) -> Endpoint<A> {
        let request = valid
            .and_then(|()| to_json_body("body", charge))
            .map(|body| {
                self.request(Method::Post, &self.charge_path(resource, &[]), &[], token)
                    .with_json_body(body)
            });
        Endpoint::checked(Service::Billing, request, read)
    }

    /// A request on one charge of `resource`: `/<resource>/<rest...>`.
    fn on_charge<A>(
        &self,
        method: Method,
        resource: &str,
        rest: &[&str],
        token: &AccessToken,
        read: Read<A>,
    ) -> Endpoint<A> {
        Endpoint::new(
            Service::Billing,
            self.request(method, &self.charge_path(resource, rest), &[], token),
            read,
        )
    }

    /// `GET /<resource>?page=&status=` and the `extra` filters.
    fn list_request(
        &self,
        resource: &str,
        token: &AccessToken,
        page: Option<u32>,
        status: Option<&str>,
        extra: Option<(&'static str, String)>,
    ) -> Result<HttpRequest, ApiError> {
        validate_page(page)?;
        let mut pairs = Vec::new();
        if let Some(page) = page {
            pairs.push(("page", page.to_string()));
        }
        if let Some(status) = status {
            pairs.push(("status", status.to_owned()));
        }
        pairs.extend(extra);
        Ok(self.request(Method::Get, &self.charge_path(resource, &[]), &pairs, token))
    }

    /// `POST /v1/direct_charge`, after validation.
    pub fn create_direct_charge(
        &self,
        token: &AccessToken,
        charge: &NewDirectCharge,
    ) -> Endpoint<DirectCharge> {
        let valid = charge.validate();
        self.create("direct_charge", token, charge, valid, parse_direct_charge)
    }

    /// `GET /v1/direct_charge/:id`.
    pub fn get_direct_charge(
        &self,
        token: &AccessToken,
        id: &DirectChargeId,
    ) -> Endpoint<DirectCharge> {
        let rest = [id.as_str()];
        self.on_charge(
            Method::Get,
            "direct_charge",
            &rest,
            token,
            parse_direct_charge,
        )
    }

    /// `GET /v1/direct_charge?page=&status=` (v3 adds `recurrent_charge_id`).
    pub fn list_direct_charges(
        &self,
        token: &AccessToken,
        query: &DirectChargeQuery,
    ) -> Endpoint<Vec<DirectCharge>> {
        Endpoint::checked(
            Service::Billing,
            self.direct_charges_request(token, query),
            parse_direct_charges,
        )
    }

    fn direct_charges_request(
        &self,
        token: &AccessToken,
        query: &DirectChargeQuery,
    ) -> Result<HttpRequest, ApiError> {
        let subscription = match &query.recurrent_charge_id {
            Some(_) if self.version != ApiVersion::V3 => {
                return Err(ApiError::validation(
                    "recurrent_charge_id",
                    "can only filter direct charges with Billing API v3",
                ));
            }
            Some(id) => Some(("recurrent_charge_id", id.as_str().to_owned())),
            None => None,
        };
        let status = query.status.as_ref().map(|s| s.as_str());
        self.list_request("direct_charge", token, query.page, status, subscription)
    }

    /// `PUT /v1/direct_charge/:id/activate`: after the buyer accepted, the
    /// gateway starts collecting.
    /// Answers with the charge, or `None` when the body is empty.
    pub fn activate_direct_charge(
        &self,
        token: &AccessToken,
        id: &DirectChargeId,
    ) -> Endpoint<Option<DirectCharge>> {
        let rest = [id.as_str(), "activate"];
        self.on_charge(
            Method::Put,
            "direct_charge",
            &rest,
            token,
            parse_activated_direct_charge,
        )
    }

    /// `POST /v1/recurrent_charge`, after validation.
    pub fn create_recurrent_charge(
        &self,
        token: &AccessToken,
        charge: &NewRecurrentCharge,
    ) -> Endpoint<RecurrentCharge> {
        let valid = charge.validate();
        self.create(
            "recurrent_charge",
            token,
            charge,
            valid,
            parse_recurrent_charge,
        )
    }

    /// `GET /v1/recurrent_charge/:id`.
    pub fn get_recurrent_charge(
        &self,
        token: &AccessToken,
        id: &RecurrentChargeId,
    ) -> Endpoint<RecurrentCharge> {
        let rest = [id.as_str()];
        self.on_charge(
            Method::Get,
            "recurrent_charge",
            &rest,
            token,
            parse_recurrent_charge,
        )
    }

    /// `GET /v1/recurrent_charge?page=&status=&order_client_id=`.
    pub fn list_recurrent_charges(
        &self,
        token: &AccessToken,
        query: &RecurrentChargeQuery,
    ) -> Endpoint<Vec<RecurrentCharge>> {
        Endpoint::checked(
            Service::Billing,
            self.recurrent_charges_request(token, query),
            parse_recurrent_charges,
        )
    }

    fn recurrent_charges_request(
        &self,
        token: &AccessToken,
        query: &RecurrentChargeQuery,
    ) -> Result<HttpRequest, ApiError> {
        let client = match &query.order_client_id {
            Some(client) if client.trim().is_empty() => {
                return Err(ApiError::validation("order_client_id", "must not be empty"));
            }
            Some(client) => Some(("order_client_id", client.clone())),
            None => None,
        };
        let status = query.status.as_ref().map(|s| s.as_str());
        self.list_request("recurrent_charge", token, query.page, status, client)
    }

    /// `PUT /v1/recurrent_charge/:id/{accept,decline,activate,cancel}`.
    pub fn recurrent_charge_action(
        &self,
        token: &AccessToken,
        id: &RecurrentChargeId,
        action: RecurrentAction,
    ) -> Endpoint<RecurrentCharge> {
        let rest = [id.as_str(), action.as_str()];
        self.on_charge(
            Method::Put,
            "recurrent_charge",
            &rest,
            token,
            parse_recurrent_charge,
        )
    }

    /// `GET /v1/ledger?page=` (20 entries a page).
    pub fn get_ledger(&self, token: &AccessToken, page: Option<u32>) -> Endpoint<Vec<LedgerEntry>> {
        let request = validate_page(page).map(|()| {
            let pairs: Vec<(&str, String)> =
                page.map(|p| ("page", p.to_string())).into_iter().collect();
            self.request(Method::Get, &self.ledger_path(&[]), &pairs, token)
        });
        Endpoint::checked(Service::Billing, request, parse_ledger)
    }

    /// `GET /v1/ledger/balance`.
    pub fn get_balance(&self, token: &AccessToken) -> Endpoint<Balance> {
        Endpoint::new(
            Service::Billing,
            self.request(Method::Get, &self.ledger_path(&["balance"]), &[], token),
            parse_balance,
        )
    }
}

// ---------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------

/// A one-time charge. Fields the widget acts on are required; the
/// who-sold-to-whom fields are optional, so a server that leaves one out
/// still works. Unknown fields are kept in `extra` and written back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectCharge {
    pub id: DirectChargeId,
    pub buyer_license_id: Option<u64>,
    pub buyer_entity_id: Option<String>,
    pub order_client_id: Option<String>,
    pub seller_client_id: Option<String>,
    pub name: String,
    /// Price of one unit in cents; the buyer pays `price x quantity`.
    pub price: Cents,
    pub quantity: u32,
    pub return_url: String,
    pub test: bool,
    /// Absent in older answers; not written back when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_account: Option<bool>,
    pub status: DirectChargeStatus,
    /// Follow only after the return-URL allow-list check.
    pub confirmation_url: String,
    pub commission_percent: Option<u32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DirectCharge {
    /// `price x quantity`, `None` on overflow.
    pub fn total(&self) -> Option<Cents> {
        self.price.checked_mul(u64::from(self.quantity))
    }
}

impl<'de> Deserialize<'de> for DirectCharge {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            buyer_license_id: f.optional("buyer_license_id")?,
            buyer_entity_id: f.optional("buyer_entity_id")?,
            order_client_id: f.optional("order_client_id")?,
            seller_client_id: f.optional("seller_client_id")?,
            name: f.required("name")?,
            price: f.required("price")?,
            quantity: f.required("quantity")?,
            return_url: f.required("return_url")?,
            test: f.required("test")?,
            per_account: f.optional("per_account")?,
            status: f.required("status")?,
            confirmation_url: f.required("confirmation_url")?,
            commission_percent: f.optional("commission_percent")?,
            created_at: f.required("created_at")?,
            updated_at: f.required("updated_at")?,
            extra: f.rest(),
        })
    }
}

/// A subscription. The four settlement dates are `null` until they apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecurrentCharge {
    pub id: RecurrentChargeId,
    pub buyer_license_id: Option<u64>,
    pub buyer_entity_id: Option<String>,
    pub seller_client_id: Option<String>,
    pub order_client_id: Option<String>,
    pub order_license_id: Option<String>,
    pub order_entity_id: Option<String>,
    pub name: String,
    /// Price per billing period in cents.
    pub price: Cents,
    pub trial_days: u32,
    /// Billing period in months.
    pub months: u32,
    pub return_url: String,
    pub test: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_account: Option<bool>,
    pub status: RecurrentChargeStatus,
    pub confirmation_url: String,
    pub commission_percent: Option<u32>,
    pub trial_ends_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    /// Start of the current settlement period.
    pub current_charge_at: Option<Timestamp>,
    /// End of the current settlement period.
    pub next_charge_at: Option<Timestamp>,
    /// v3: the seller's own reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub updated_at: Timestamp,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for RecurrentCharge {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            buyer_license_id: f.optional("buyer_license_id")?,
            buyer_entity_id: f.optional("buyer_entity_id")?,
            seller_client_id: f.optional("seller_client_id")?,
            order_client_id: f.optional("order_client_id")?,
            order_license_id: f.optional("order_license_id")?,
            order_entity_id: f.optional("order_entity_id")?,
            name: f.required("name")?,
            price: f.required("price")?,
            trial_days: f.required("trial_days")?,
            months: f.required("months")?,
            return_url: f.required("return_url")?,
            test: f.required("test")?,
            per_account: f.optional("per_account")?,
            status: f.required("status")?,
            confirmation_url: f.required("confirmation_url")?,
            commission_percent: f.optional("commission_percent")?,
            trial_ends_at: f.optional("trial_ends_at")?,
            cancelled_at: f.optional("cancelled_at")?,
            current_charge_at: f.optional("current_charge_at")?,
            next_charge_at: f.optional("next_charge_at")?,
            external_id: f.optional("external_id")?,
            updated_at: f.required("updated_at")?,
            created_at: f.required("created_at")?,
            extra: f.rest(),
        })
    }
}

/// One line of the developer's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub id: LedgerEntryId,
    pub name: String,
    #[serde(rename = "type")]
    pub entry_type: LedgerEntryType,
    /// In cents; the type says whether it adds or deducts.
    pub value: Cents,
    pub created_at: Timestamp,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for LedgerEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            id: f.required("id")?,
            name: f.required("name")?,
            entry_type: f.required("type")?,
            value: f.required("value")?,
            created_at: f.required("created_at")?,
            extra: f.rest(),
        })
    }
}

/// `GET /v1/ledger/balance`: `{"balance": 10}` in cents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub balance: Cents,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for Balance {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            balance: f.required("balance")?,
            extra: f.rest(),
        })
    }
}

/// A list answer: `{"result": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultList<T> {
    pub result: Vec<T>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<T> ResultList<T> {
    pub fn new(result: Vec<T>) -> Self {
        Self {
            result,
            extra: Map::new(),
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for ResultList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut f = ObjectReader::read(deserializer)?;
        Ok(Self {
            result: f.list("result")?,
            extra: f.rest(),
        })
    }
}

// ---------------------------------------------------------------------------
// Response parsers
// ---------------------------------------------------------------------------

/// A list body: `{"result": [...]}` as documented; a bare array is read too.
fn parse_list<T: serde::de::DeserializeOwned>(response: &HttpResponse) -> Result<Vec<T>, ApiError> {
    let body = success_body(response)?;
    if body.starts_with('[') {
        decode_array(body)
    } else {
        decode_json::<ResultList<T>>(body).map(|list| list.result)
    }
}

pub fn parse_direct_charge(response: &HttpResponse) -> Result<DirectCharge, ApiError> {
    parse_json(response)
}

pub fn parse_direct_charges(response: &HttpResponse) -> Result<Vec<DirectCharge>, ApiError> {
    parse_list(response)
}

/// The activate answer: the charge, or `None` when the body is empty (the
/// seed does not say what it returns; read the charge again then).
pub fn parse_activated_direct_charge(
    response: &HttpResponse,
) -> Result<Option<DirectCharge>, ApiError> {
    parse_optional_json(response)
}

pub fn parse_recurrent_charge(response: &HttpResponse) -> Result<RecurrentCharge, ApiError> {
    parse_json(response)
}

pub fn parse_recurrent_charges(response: &HttpResponse) -> Result<Vec<RecurrentCharge>, ApiError> {
    parse_list(response)
}

pub fn parse_ledger(response: &HttpResponse) -> Result<Vec<LedgerEntry>, ApiError> {
    parse_list(response)
}

pub fn parse_balance(response: &HttpResponse) -> Result<Balance, ApiError> {
    parse_json(response)
}

/// The Billing API over a transport.
pub type BillingClient<T> = Client<BillingApi, T>;
