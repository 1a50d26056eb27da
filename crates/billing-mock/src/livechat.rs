//! The LiveChat Billing API: direct charges, recurrent charges, the ledger
//! and the balance, on the v1 paths of the seeds and the v2/v3 product paths
//! (`/v2/direct_charge/livechat/..`, `/v3/recurrent_charge/helpdesk/..`),
//! which map onto the same handlers.
//!
//! A simulated payment gateway moves charges on over time. It runs lazily:
//! [`advance`] replays everything due up to `now_ms` at the start of each
//! request, so no timer is needed and a reload sees the same history.
//!
//! - Direct: activation at `t`, `processed` at `t + step`, `success` or
//!   `failed` (the scenario at activation time) at `t + 2 step`; success
//!   writes a `collection` to the ledger.
//! - Recurrent: activation at `t`, `processed` at `t + step`, the subscription
//!   starts at `t + 2 step`: a trial first when `trial_days > 0`, then a
//!   settlement period of `months` calendar months, each collected (active),
//!   left unpaid (`past_due`) or failing for good (`frozen`).
//! - Money: a collection is the developer's share, `total x (100 -
//!   commission_percent) / 100` rounded down to whole cents (LiveChat keeps
//!   the fraction). Cancelling during a paid period refunds that share in
//!   proportion to the time left, `share x remaining_ms / period_ms`, also
//!   rounded down, so the refund never exceeds what was collected.
//!
//! Charges are visible to tokens of the client that created them
//! (`seller_client_id`); another client gets a 404, as for an unknown id.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use thiserror::Error;
use url::Url;

use super::bulk::{merged_page, BulkCharge, BulkDataSet, Merged};
use super::control::{GatewayOutcome, RecurrentOutcome};
use super::oauth::{authenticate, Grant};
use super::rng::MockRng;
use super::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::calendar;
use billing_core::domain::charge::{
    ChargeKind, DirectChargeStatus, LedgerEntryType, RecurrentChargeStatus,
};
use billing_core::domain::money::Cents;
use billing_core::domain::oauth::Scope;
use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};

/// Items per list page, as documented.
pub const PAGE_SIZE: usize = 20;
/// The app's own mock confirmation route.
pub const DEFAULT_CONFIRMATION_BASE: &str = "http://127.0.0.1:8080/mock/confirm";
pub const DEFAULT_COMMISSION_PERCENT: u32 = 20;
/// Highest accepted unit price ($1,000,000.00), far from any overflow.
pub const MAX_PRICE_CENTS: i64 = 100_000_000;
const MAX_NAME_LEN: usize = 255;
const MAX_URL_LEN: usize = 2048;
const MAX_MONTHS: i64 = 120;
const MAX_TRIAL_DAYS: i64 = 365;
/// Settlement periods replayed per request at most, so a clock pushed
/// centuries ahead cannot stall the page; the rest follow on later reads.
const MAX_PERIODS_PER_READ: u32 = 1_200;

/// The product a v2/v3 path names; v1 means LiveChat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    #[default]
    Livechat,
    Helpdesk,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectChargeRecord {
    pub id: String,
    #[serde(default)]
    pub product: Product,
    pub buyer_license_id: u64,
    pub buyer_entity_id: String,
    pub order_client_id: String,
    pub seller_client_id: String,
    pub name: String,
    pub price: i64,
    pub quantity: u32,
    /// As sent, with `id` and `type` set.
    pub return_url: String,
    pub confirmation_url: String,
    pub test: bool,
    pub per_account: bool,
    pub status: DirectChargeStatus,
    pub commission_percent: u32,
    pub created_ms: u64,
    pub updated_ms: u64,
    pub activated_ms: Option<u64>,
    /// Decided at activation, so a scenario change later does not rewrite
    /// a payment already under way.
    pub outcome: Option<GatewayOutcome>,
    /// Activate requests that reached this charge, refused ones (409)
    /// included: end-to-end tests read it from the saved state to prove a
    /// reload sent no second activation. Not part of the API's JSON.
    #[serde(default)]
    pub activation_requests: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurrentChargeRecord {
    pub id: String,
    #[serde(default)]
    pub product: Product,
    pub buyer_license_id: u64,
    pub buyer_entity_id: String,
    pub seller_client_id: String,
    pub order_client_id: String,
    pub order_license_id: String,
    pub order_entity_id: String,
    pub name: String,
    pub price: i64,
    /// Accounts in the organization with `per_account`, else 1.
    pub quantity: u32,
    pub trial_days: u32,
    pub months: u32,
    pub return_url: String,
    pub confirmation_url: String,
    pub test: bool,
    pub per_account: bool,
    pub status: RecurrentChargeStatus,
    pub commission_percent: u32,
    #[serde(default)]
    pub external_id: Option<String>,
    pub trial_ends_ms: Option<u64>,
    pub cancelled_ms: Option<u64>,
    pub current_charge_ms: Option<u64>,
    pub next_charge_ms: Option<u64>,
    pub created_ms: u64,
    pub updated_ms: u64,
    pub activated_ms: Option<u64>,
    pub outcome: Option<RecurrentOutcome>,
    /// The developer's share collected for the current period, if paid:
    /// the base of a cancellation refund.
    pub period_paid: Option<i64>,
    /// Activate requests that reached this subscription, refused ones (409)
    /// included. Not part of the API's JSON.
    #[serde(default)]
    pub activation_requests: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRecord {
    pub id: String,
    /// The developer (client) whose ledger it is.
    pub client_id: String,
    pub name: String,
    pub entry_type: LedgerEntryType,
    /// Positive; the type says whether it adds or deducts.
    pub value: i64,
    pub created_ms: u64,
    pub charge_id: String,
}

/// What the Billing API remembers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LiveChatState {
    /// `confirmation_url` is this with `?id=<id>&type=<kind>`.
    pub confirmation_base: String,
    pub commission_percent: u32,
    /// Oldest first.
    pub direct_charges: Vec<DirectChargeRecord>,
    pub recurrent_charges: Vec<RecurrentChargeRecord>,
    pub ledger: Vec<LedgerRecord>,
    /// A large generated data set listed with the stored charges and
    /// ledger lines (`/__mock/bulk`); absent in older saved states.
    pub bulk: Option<BulkDataSet>,
}

impl Default for LiveChatState {
    fn default() -> Self {
        Self {
            confirmation_base: DEFAULT_CONFIRMATION_BASE.to_owned(),
            commission_percent: DEFAULT_COMMISSION_PERCENT,
            direct_charges: Vec::new(),
            recurrent_charges: Vec::new(),
            ledger: Vec::new(),
            bulk: None,
        }
    }
}

// ---------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------

/// The developer's share of `total` after commission, rounded down.
fn developer_share(total: i64, commission_percent: u32) -> i64 {
    let keep = i128::from(100 - commission_percent.min(100));
    i64::try_from(i128::from(total) * keep / 100).unwrap_or(0)
}

/// `paid x remaining / period`, rounded down: the same function the page
/// uses for its estimate, so both always agree.
fn proportional_refund(paid: i64, remaining_ms: u64, period_ms: u64) -> i64 {
    billing_core::domain::checkout::proportional_refund(Cents::new(paid), remaining_ms, period_ms)
        .get()
}

// ---------------------------------------------------------------------------
// The simulated gateway
// ---------------------------------------------------------------------------

/// Applies every gateway step due by `now_ms`. Idempotent for the same `now_ms`.
pub fn advance(state: &mut MockState, now_ms: NowMs) {
    let step = state.scenario.gateway_step_ms;
    let MockState { rng, livechat, .. } = state;
    let LiveChatState {
        direct_charges,
        recurrent_charges,
        ledger,
        ..
    } = livechat;
    for charge in direct_charges.iter_mut() {
        advance_direct(charge, step, now_ms, rng, ledger);
    }
    for charge in recurrent_charges.iter_mut() {
        advance_recurrent(charge, step, now_ms, rng, ledger);
    }
}

/// A ledger line about to be written.
struct Entry<'a> {
    client_id: &'a str,
    name: &'a str,
    charge_id: &'a str,
    entry_type: LedgerEntryType,
    value: i64,
    at_ms: u64,
}

fn push_ledger(ledger: &mut Vec<LedgerRecord>, rng: &mut MockRng, entry: Entry<'_>) {
    ledger.push(LedgerRecord {
        id: rng.uuid(),
        client_id: entry.client_id.to_owned(),
        name: entry.name.to_owned(),
        entry_type: entry.entry_type,
        value: entry.value,
        created_ms: entry.at_ms,
        charge_id: entry.charge_id.to_owned(),
    });
}

fn advance_direct(
    charge: &mut DirectChargeRecord,
    step: u64,
    now_ms: NowMs,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    let Some(activated) = charge.activated_ms else {
        return;
    };
    // Activation hands the charge to the gateway: it is `processed` at
    // once (the activate answer says so), and ends one step later.
    let processed_at = activated;
    let done_at = processed_at.saturating_add(step);
    if charge.status == DirectChargeStatus::Accepted && now_ms >= processed_at {
        charge.status = DirectChargeStatus::Processed;
        charge.updated_ms = processed_at;
    }
    if charge.status == DirectChargeStatus::Processed && now_ms >= done_at {
        charge.updated_ms = done_at;
        match charge.outcome.unwrap_or(GatewayOutcome::Success) {
            GatewayOutcome::Success => {
                charge.status = DirectChargeStatus::Success;
                let total = charge.price.saturating_mul(i64::from(charge.quantity));
                push_ledger(
                    ledger,
                    rng,
                    Entry {
                        client_id: &charge.seller_client_id,
                        name: &charge.name,
                        charge_id: &charge.id,
                        entry_type: LedgerEntryType::Collection,
                        value: developer_share(total, charge.commission_percent),
                        at_ms: done_at,
                    },
                );
            }
            GatewayOutcome::Failed => charge.status = DirectChargeStatus::Failed,
        }
    }
}

fn advance_recurrent(
    charge: &mut RecurrentChargeRecord,
    step: u64,
    now_ms: NowMs,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    let Some(activated) = charge.activated_ms else {
        return;
    };
    // As for direct charges: `processed` from activation on.
    let processed_at = activated;
    let started_at = processed_at.saturating_add(step);
    if charge.status == RecurrentChargeStatus::Accepted && now_ms >= processed_at {
        charge.status = RecurrentChargeStatus::Processed;
        charge.updated_ms = processed_at;
    }
    if charge.status == RecurrentChargeStatus::Processed && now_ms >= started_at {
        if charge.trial_days > 0 {
            let trial_end = started_at
                .saturating_add(u64::from(charge.trial_days).saturating_mul(calendar::DAY_MS));
            charge.status = RecurrentChargeStatus::Active;
            charge.updated_ms = started_at;
            charge.trial_ends_ms = Some(trial_end);
            charge.current_charge_ms = Some(started_at);
            charge.next_charge_ms = Some(trial_end);
            charge.period_paid = None;
        } else {
            start_period(charge, started_at, rng, ledger);
        }
    }
    let mut periods = 0;
    while matches!(
        charge.status,
        RecurrentChargeStatus::Active | RecurrentChargeStatus::PastDue
    ) && periods < MAX_PERIODS_PER_READ
    {
        let Some(next) = charge.next_charge_ms else {
            break;
        };
        if now_ms < next {
            break;
        }
        start_period(charge, next, rng, ledger);
        periods += 1;
    }
}

/// A settlement period begins at `at`: the gateway tries to collect.
fn start_period(
    charge: &mut RecurrentChargeRecord,
    at: u64,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    charge.updated_ms = at;
    charge.current_charge_ms = Some(at);
    let next = calendar::add_months(at, charge.months);
    // At the end of representable time there is no next period.
    charge.next_charge_ms = (next > at).then_some(next);
    charge.period_paid = None;
    match charge.outcome.unwrap_or(RecurrentOutcome::Active) {
        RecurrentOutcome::Active => {
            charge.status = RecurrentChargeStatus::Active;
            let total = charge.price.saturating_mul(i64::from(charge.quantity));
            let share = developer_share(total, charge.commission_percent);
            charge.period_paid = Some(share);
            push_ledger(
                ledger,
                rng,
                Entry {
                    client_id: &charge.seller_client_id,
                    name: &charge.name,
                    charge_id: &charge.id,
                    entry_type: LedgerEntryType::Collection,
                    value: share,
                    at_ms: at,
                },
            );
        }
        RecurrentOutcome::PastDue => charge.status = RecurrentChargeStatus::PastDue,
        RecurrentOutcome::Frozen => {
            charge.status = RecurrentChargeStatus::Frozen;
            charge.next_charge_ms = None;
        }
    }
}

// ---------------------------------------------------------------------------
// JSON shapes
// ---------------------------------------------------------------------------

fn date_or_null(ms: Option<u64>) -> Value {
    ms.map_or(Value::Null, |ms| {
        Value::String(calendar::rfc3339_seconds(ms))
    })
}

fn direct_json(c: &DirectChargeRecord) -> Value {
    json!({
        "id": c.id,
        "buyer_license_id": c.buyer_license_id,
        "buyer_entity_id": c.buyer_entity_id,
        "order_client_id": c.order_client_id,
        "seller_client_id": c.seller_client_id,
        "name": c.name,
        "price": c.price,
        "quantity": c.quantity,
        "return_url": c.return_url,
        "test": c.test,
        "per_account": c.per_account,
        "status": c.status.as_str(),
        "confirmation_url": c.confirmation_url,
        "commission_percent": c.commission_percent,
        "created_at": calendar::rfc3339_seconds(c.created_ms),
        "updated_at": calendar::rfc3339_seconds(c.updated_ms),
    })
}

fn recurrent_json(c: &RecurrentChargeRecord) -> Value {
    let mut value = json!({
        "id": c.id,
        "buyer_license_id": c.buyer_license_id,
        "buyer_entity_id": c.buyer_entity_id,
        "seller_client_id": c.seller_client_id,
        "order_client_id": c.order_client_id,
        "order_license_id": c.order_license_id,
        "order_entity_id": c.order_entity_id,
        "name": c.name,
        "price": c.price,
        "trial_days": c.trial_days,
        "months": c.months,
        "return_url": c.return_url,
        "test": c.test,
        "per_account": c.per_account,
        "status": c.status.as_str(),
        "confirmation_url": c.confirmation_url,
        "commission_percent": c.commission_percent,
        "trial_ends_at": date_or_null(c.trial_ends_ms),
        "cancelled_at": date_or_null(c.cancelled_ms),
        "current_charge_at": date_or_null(c.current_charge_ms),
        "next_charge_at": date_or_null(c.next_charge_ms),
        "updated_at": calendar::rfc3339_seconds(c.updated_ms),
        "created_at": calendar::rfc3339_seconds(c.created_ms),
    });
    if let (Some(external_id), Some(object)) = (&c.external_id, value.as_object_mut()) {
        object.insert("external_id".to_owned(), json!(external_id));
    }
    value
}

fn ledger_json(e: &LedgerRecord) -> Value {
    json!({
        "id": e.id,
        "name": e.name,
        "type": e.entry_type.as_str(),
        "value": e.value,
        "created_at": calendar::rfc3339_seconds(e.created_ms),
    })
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    Direct,
    Recurrent,
    Ledger,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecurrentAction {
    Accept,
    Decline,
    Activate,
    Cancel,
}

impl RecurrentAction {
    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "accept" => Some(Self::Accept),
            "decline" => Some(Self::Decline),
            "activate" => Some(Self::Activate),
            "cancel" => Some(Self::Cancel),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action<'a> {
    CreateDirect,
    ListDirect,
    GetDirect(&'a str),
    ActivateDirect(&'a str),
    CreateRecurrent,
    ListRecurrent,
    GetRecurrent(&'a str),
    Recurrent(&'a str, RecurrentAction),
    Ledger,
    Balance,
}

/// `(resource, product, rest)` of a v1, v2 or v3 path; `None` for anything
/// else (the ledger stays on v2, so there is no v3 ledger). The ledger is
/// one per developer, whatever the product in its path.
fn parse_route<'a>(segments: &'a [&'a str]) -> Option<(Resource, Product, &'a [&'a str])> {
    let (version, resource, rest) = match segments {
        [version, resource, rest @ ..] => (*version, *resource, rest),
        _ => return None,
    };
    let resource = match resource {
        "direct_charge" => Resource::Direct,
        "recurrent_charge" => Resource::Recurrent,
        "ledger" => Resource::Ledger,
        _ => return None,
    };
    match version {
        "v1" => Some((resource, Product::Livechat, rest)),
        "v2" | "v3" => {
            if version == "v3" && resource == Resource::Ledger {
                return None;
            }
            let (product, rest) = rest.split_first()?;
            let product = match *product {
                "livechat" => Product::Livechat,
                // The v3 client reads the HelpDesk ledger on v2.
                "helpdesk" if version == "v3" || resource == Resource::Ledger => Product::Helpdesk,
                _ => return None,
            };
            Some((resource, product, rest))
        }
        _ => None,
    }
}

/// The action, or the 404/405 to answer.
fn parse_action<'a>(
    resource: Resource,
    rest: &'a [&'a str],
    method: Method,
) -> Result<Action<'a>, HttpResponse> {
    let wrong_method = || {
        Err(reply::method_not_allowed(&format!(
            "{method} is not allowed here"
        )))
    };
    match (resource, rest) {
        (Resource::Direct, []) => match method {
            Method::Get => Ok(Action::ListDirect),
            Method::Post => Ok(Action::CreateDirect),
            _ => wrong_method(),
        },
        (Resource::Direct, [id]) => match method {
            Method::Get => Ok(Action::GetDirect(id)),
            _ => wrong_method(),
        },
        (Resource::Direct, [id, "activate"]) => match method {
            Method::Put => Ok(Action::ActivateDirect(id)),
            _ => wrong_method(),
        },
        (Resource::Recurrent, []) => match method {
            Method::Get => Ok(Action::ListRecurrent),
            Method::Post => Ok(Action::CreateRecurrent),
            _ => wrong_method(),
        },
        (Resource::Recurrent, [id]) => match method {
            Method::Get => Ok(Action::GetRecurrent(id)),
            _ => wrong_method(),
        },
        (Resource::Recurrent, [id, action]) => match RecurrentAction::parse(action) {
            Some(action) if method == Method::Put => Ok(Action::Recurrent(id, action)),
            Some(_) => wrong_method(),
            None => Err(not_found_route()),
        },
        (Resource::Ledger, []) => match method {
            Method::Get => Ok(Action::Ledger),
            _ => wrong_method(),
        },
        (Resource::Ledger, ["balance"]) => match method {
            Method::Get => Ok(Action::Balance),
            _ => wrong_method(),
        },
        _ => Err(not_found_route()),
    }
}

fn not_found_route() -> HttpResponse {
    reply::not_found("no such Billing API endpoint")
}

/// Routes every `/v1`, `/v2` and `/v3` Billing API request.
pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    segments: &[&str],
    now_ms: NowMs,
) -> HttpResponse {
    advance(state, now_ms);
    let Some((resource, product, rest)) = parse_route(segments) else {
        return reply::not_found(&format!(
            "no such endpoint: {} {}",
            request.method,
            request.url.path()
        ));
    };
    let action = match parse_action(resource, rest, request.method) {
        Ok(action) => action,
        Err(response) => return response,
    };
    let grant = match authenticate(state, request, now_ms) {
        Ok(grant) => grant,
        Err(response) => return response,
    };
    let needed = if resource == Resource::Ledger {
        Scope::LedgerRead
    } else {
        Scope::BillingManage
    };
    if let Err(response) = grant.require(&needed) {
        return response;
    }
    let ctx = Ctx {
        grant: &grant,
        product,
        request,
        now_ms,
    };
    let result = match action {
        Action::CreateDirect => create_direct(state, &ctx),
        Action::ListDirect => list_direct(state, &ctx),
        Action::GetDirect(id) => match find_direct(state, &ctx, id) {
            Ok(i) => Ok(reply::json(
                200,
                &direct_json(&state.livechat.direct_charges[i]),
            )),
            Err(missing) => bulk_direct(state, &ctx, id)
                .map(|record| reply::json(200, &direct_json(&record)))
                .ok_or(missing),
        },
        Action::ActivateDirect(id) => activate_direct(state, &ctx, id),
        Action::CreateRecurrent => create_recurrent(state, &ctx),
        Action::ListRecurrent => list_recurrent(state, &ctx),
        Action::GetRecurrent(id) => find_recurrent(state, &ctx, id)
            .map(|i| reply::json(200, &recurrent_json(&state.livechat.recurrent_charges[i]))),
        Action::Recurrent(id, action) => recurrent_action(state, &ctx, id, action),
        Action::Ledger => ledger_page(state, &ctx),
        Action::Balance => Ok(balance(state, &ctx)),
    };
    result.unwrap_or_else(|response| response)
}

struct Ctx<'a> {
    grant: &'a Grant,
    product: Product,
    request: &'a HttpRequest,
    now_ms: NowMs,
}

// ---------------------------------------------------------------------------
// Request fields
// ---------------------------------------------------------------------------

type Fields = Map<String, Value>;

fn body_object(request: &HttpRequest) -> Result<Fields, HttpResponse> {
    match reply::json_body(request.body.as_deref())? {
        Value::Object(map) => Ok(map),
        _ => Err(reply::bad_request("the body must be a JSON object")),
    }
}

fn present<'a>(fields: &'a Fields, field: &str) -> Option<&'a Value> {
    fields.get(field).filter(|v| !v.is_null())
}

fn required_text(fields: &Fields, field: &str, max_len: usize) -> Result<String, HttpResponse> {
    let value = present(fields, field).ok_or_else(|| reply::invalid_field(field, "is required"))?;
    let text = value
        .as_str()
        .ok_or_else(|| reply::invalid_field(field, "must be a string"))?
        .trim();
    if text.is_empty() {
        return Err(reply::invalid_field(field, "must not be empty"));
    }
    if text.chars().count() > max_len {
        return Err(reply::invalid_field(
            field,
            &format!("must be at most {max_len} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(reply::invalid_field(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_owned())
}

fn whole_number(
    fields: &Fields,
    field: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, HttpResponse> {
    let Some(value) = present(fields, field) else {
        return Ok(None);
    };
    let number = value.as_i64().ok_or_else(|| {
        reply::invalid_field(field, "must be a whole number (prices are in cents)")
    })?;
    if number < min || number > max {
        return Err(reply::invalid_field(
            field,
            &format!("must be between {min} and {max}"),
        ));
    }
    Ok(Some(number))
}

fn required_number(fields: &Fields, field: &str, min: i64, max: i64) -> Result<i64, HttpResponse> {
    whole_number(fields, field, min, max)?.ok_or_else(|| reply::invalid_field(field, "is required"))
}

fn flag(fields: &Fields, field: &str) -> Result<bool, HttpResponse> {
    match present(fields, field) {
        None => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(_) => Err(reply::invalid_field(field, "must be true or false")),
    }
}

fn return_url(fields: &Fields) -> Result<Url, HttpResponse> {
    let raw = required_text(fields, "return_url", MAX_URL_LEN)?;
    Url::parse(&raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| reply::invalid_field("return_url", "must be an absolute http(s) URL"))
}

/// `commission_percent` may be set only with `billing_admin`.
fn commission(state: &MockState, fields: &Fields, grant: &Grant) -> Result<u32, HttpResponse> {
    match whole_number(fields, "commission_percent", 0, 100)? {
        None => Ok(state.livechat.commission_percent.min(100)),
        Some(percent) => {
            grant.require(&Scope::BillingAdmin)?;
            Ok(u32::try_from(percent).unwrap_or(0))
        }
    }
}

/// `url` with `id` and `type` set (replacing any there), other parameters kept.
fn with_charge_params(url: &Url, id: &str, kind: ChargeKind) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "id" && k != "type")
        .collect();
    let mut out = url.clone();
    out.set_query(None);
    {
        let mut query = out.query_pairs_mut();
        for (key, value) in &kept {
            query.append_pair(key, value);
        }
        query
            .append_pair("id", id)
            .append_pair("type", kind.param());
    }
    out
}

fn confirmation_url(state: &MockState, id: &str, kind: ChargeKind) -> String {
    let base = &state.livechat.confirmation_base;
    match Url::parse(base) {
        Ok(url) => with_charge_params(&url, id, kind).to_string(),
        Err(_) => format!("{base}?id={id}&type={}", kind.param()),
    }
}

fn page_param(request: &HttpRequest) -> Result<usize, HttpResponse> {
    match query_value(request, "page") {
        None => Ok(1),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|page| *page >= 1 && *page <= 1_000_000)
            .ok_or_else(|| reply::invalid_field("page", "must be a whole number from 1")),
    }
}

/// A query parameter; empty means absent.
fn query_value(request: &HttpRequest, key: &str) -> Option<String> {
    request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

fn paginate<T, U>(items: Vec<T>, page: usize, to_json: impl Fn(T) -> U) -> Vec<U> {
    items
        .into_iter()
        .skip((page - 1).saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(to_json)
        .collect()
}

// ---------------------------------------------------------------------------
// Direct charges
// ---------------------------------------------------------------------------

fn create_direct(state: &mut MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let fields = body_object(ctx.request)?;
    let name = required_text(&fields, "name", MAX_NAME_LEN)?;
    let price = required_number(&fields, "price", 1, MAX_PRICE_CENTS)?;
    let quantity = required_number(&fields, "quantity", 1, i64::from(u32::MAX))?;
    let return_to = return_url(&fields)?;
    let per_account = flag(&fields, "per_account")?;
    let test = flag(&fields, "test")?;
    let commission_percent = commission(state, &fields, ctx.grant)?;
    // The seller states the quantity, also per account (the seed's example
    // answers `"quantity": 2, "per_account": true`): it is kept as sent.
    let quantity = u32::try_from(quantity).unwrap_or(u32::MAX);
    let id = state.rng.uuid();
    let grant = ctx.grant;
    let record = DirectChargeRecord {
        return_url: with_charge_params(&return_to, &id, ChargeKind::Direct).to_string(),
        confirmation_url: confirmation_url(state, &id, ChargeKind::Direct),
        id,
        product: ctx.product,
        buyer_license_id: grant.license_id,
        buyer_entity_id: grant.email.clone(),
        order_client_id: grant.client_id.clone(),
        seller_client_id: grant.client_id.clone(),
        name,
        price,
        quantity,
        test,
        per_account,
        status: DirectChargeStatus::Pending,
        commission_percent,
        created_ms: ctx.now_ms,
        updated_ms: ctx.now_ms,
        activated_ms: None,
        outcome: None,
        activation_requests: 0,
    };
    let body = direct_json(&record);
    state.livechat.direct_charges.push(record);
    Ok(reply::json(201, &body))
}

/// A charge is seen only by the app that sold it, on the license that
/// bought it: another customer's charge id is "not found", as on the real
/// service, so nobody can read or activate someone else's purchase.
fn visible_direct(c: &DirectChargeRecord, ctx: &Ctx<'_>) -> bool {
    c.product == ctx.product
        && c.seller_client_id == ctx.grant.client_id
        && c.buyer_license_id == ctx.grant.license_id
}

fn find_direct(state: &MockState, ctx: &Ctx<'_>, id: &str) -> Result<usize, HttpResponse> {
    state
        .livechat
        .direct_charges
        .iter()
        .position(|c| c.id == id && visible_direct(c, ctx))
        .ok_or_else(|| reply::not_found("no direct charge with this id"))
}

fn list_direct(state: &MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let status = match query_value(ctx.request, "status") {
        None => None,
        Some(raw) => match DirectChargeStatus::from_wire(&raw) {
            DirectChargeStatus::Unknown(_) => {
                return Err(reply::invalid_field(
                    "status",
                    "must be one of pending, accepted, declined, processed, failed, success",
                ))
            }
            known => Some(known),
        },
    };
    // The mock's subscriptions never spawn direct charges, so this v3 filter
    // matches nothing.
    let by_subscription = query_value(ctx.request, "recurrent_charge_id").is_some();
    let stored = state
        .livechat
        .direct_charges
        .iter()
        .rev()
        .filter(|c| visible_direct(c, ctx))
        .filter(|c| status.as_ref().is_none_or(|s| &c.status == s))
        .filter(|_| !by_subscription)
        .map(|c| (c.created_ms, c));
    // The bulk set's charges are merged in by index: only the page's own
    // rows are built, whatever page is asked for.
    let bulk =
        visible_bulk(state, ctx).filter(|_| ctx.product == Product::Livechat && !by_subscription);
    let indexes = bulk.into_iter().flat_map(|set| {
        set.charge_indexes(status.as_ref())
            .map(|k| (set.charge_created_ms(k), k))
    });
    let result: Vec<Value> = merged_page(stored, indexes, page, PAGE_SIZE)
        .into_iter()
        .filter_map(|entry| match entry {
            Merged::Stored(c) => Some(direct_json(c)),
            Merged::Bulk(k) => bulk.and_then(|set| {
                set.charge(k)
                    .map(|charge| direct_json(&bulk_record(state, set, charge)))
            }),
        })
        .collect();
    Ok(reply::json(200, &json!({ "result": result })))
}

fn activate_direct(
    state: &mut MockState,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let index = match find_direct(state, ctx, id) {
        Ok(index) => index,
        Err(missing) => {
            // Bulk charges are all finished: refused as a stored one would be.
            let record = bulk_direct(state, ctx, id).ok_or(missing)?;
            return Err(reply::conflict(&format!(
                "the charge is {}; only an accepted charge can be activated",
                record.status
            )));
        }
    };
    let outcome = state.scenario.direct_charge;
    let charge = &mut state.livechat.direct_charges[index];
    charge.activation_requests = charge.activation_requests.saturating_add(1);
    if charge.activated_ms.is_some() {
        return Err(reply::conflict(&format!(
            "the charge was already activated (status {}); it is not charged twice",
            charge.status
        )));
    }
    if charge.status != DirectChargeStatus::Accepted {
        return Err(reply::conflict(&format!(
            "the charge is {}; only an accepted charge can be activated",
            charge.status
        )));
    }
    charge.activated_ms = Some(ctx.now_ms);
    charge.outcome = Some(outcome);
    charge.updated_ms = ctx.now_ms;
    advance(state, ctx.now_ms);
    Ok(reply::json(
        200,
        &direct_json(&state.livechat.direct_charges[index]),
    ))
}

// ---------------------------------------------------------------------------
// Recurrent charges
// ---------------------------------------------------------------------------

fn create_recurrent(state: &mut MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let fields = body_object(ctx.request)?;
    let name = required_text(&fields, "name", MAX_NAME_LEN)?;
    let price = required_number(&fields, "price", 1, MAX_PRICE_CENTS)?;
    let return_to = return_url(&fields)?;
    let test = flag(&fields, "test")?;
    let per_account = flag(&fields, "per_account")?;
    let months = whole_number(&fields, "months", 1, MAX_MONTHS)?.unwrap_or(1);
    let trial_days = whole_number(&fields, "trial_days", 0, MAX_TRIAL_DAYS)?.unwrap_or(0);
    let external_id = match present(&fields, "external_id") {
        None => None,
        Some(_) => Some(required_text(&fields, "external_id", MAX_NAME_LEN)?),
    };
    let commission_percent = commission(state, &fields, ctx.grant)?;
    let quantity = if per_account {
        state.scenario.accounts_in_organization.max(1)
    } else {
        1
    };
    let id = state.rng.uuid();
    let grant = ctx.grant;
    let record = RecurrentChargeRecord {
        return_url: with_charge_params(&return_to, &id, ChargeKind::Recurrent).to_string(),
        confirmation_url: confirmation_url(state, &id, ChargeKind::Recurrent),
        id,
        product: ctx.product,
        buyer_license_id: grant.license_id,
        buyer_entity_id: grant.email.clone(),
        seller_client_id: grant.client_id.clone(),
        order_client_id: grant.client_id.clone(),
        order_license_id: grant.license_id.to_string(),
        order_entity_id: grant.email.clone(),
        name,
        price,
        quantity,
        trial_days: u32::try_from(trial_days).unwrap_or(0),
        months: u32::try_from(months).unwrap_or(1),
        test,
        per_account,
        status: RecurrentChargeStatus::Pending,
        commission_percent,
        external_id,
        trial_ends_ms: None,
        cancelled_ms: None,
        current_charge_ms: None,
        next_charge_ms: None,
        created_ms: ctx.now_ms,
        updated_ms: ctx.now_ms,
        activated_ms: None,
        outcome: None,
        period_paid: None,
        activation_requests: 0,
    };
    let body = recurrent_json(&record);
    state.livechat.recurrent_charges.push(record);
    Ok(reply::json(201, &body))
}

/// As [`visible_direct`].
fn visible_recurrent(c: &RecurrentChargeRecord, ctx: &Ctx<'_>) -> bool {
    c.product == ctx.product
        && c.seller_client_id == ctx.grant.client_id
        && c.buyer_license_id == ctx.grant.license_id
}

fn find_recurrent(state: &MockState, ctx: &Ctx<'_>, id: &str) -> Result<usize, HttpResponse> {
    state
        .livechat
        .recurrent_charges
        .iter()
        .position(|c| c.id == id && visible_recurrent(c, ctx))
        .ok_or_else(|| reply::not_found("no recurrent charge with this id"))
}

fn list_recurrent(state: &MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let status = match query_value(ctx.request, "status") {
        None => None,
        Some(raw) => match RecurrentChargeStatus::from_wire(&raw) {
            RecurrentChargeStatus::Unknown(_) => {
                return Err(reply::invalid_field(
                    "status",
                    "must be one of pending, accepted, declined, processed, active, frozen, cancelled, past_due",
                ))
            }
            known => Some(known),
        },
    };
    let order_client = query_value(ctx.request, "order_client_id");
    let matching: Vec<&RecurrentChargeRecord> = state
        .livechat
        .recurrent_charges
        .iter()
        .rev()
        .filter(|c| visible_recurrent(c, ctx))
        .filter(|c| status.as_ref().is_none_or(|s| &c.status == s))
        .filter(|c| {
            order_client
                .as_deref()
                .is_none_or(|client| c.order_client_id == client)
        })
        .collect();
    let result = paginate(matching, page, recurrent_json);
    Ok(reply::json(200, &json!({ "result": result })))
}

fn recurrent_action(
    state: &mut MockState,
    ctx: &Ctx<'_>,
    id: &str,
    action: RecurrentAction,
) -> Result<HttpResponse, HttpResponse> {
    let index = find_recurrent(state, ctx, id)?;
    let outcome = state.scenario.recurrent_charge;
    let now = ctx.now_ms;
    let MockState { rng, livechat, .. } = state;
    let Some(charge) = livechat.recurrent_charges.get_mut(index) else {
        return Err(reply::not_found("no recurrent charge with this id"));
    };
    let refused = |what: &str, allowed: &str| {
        reply::conflict(&format!(
            "the subscription is {}; only {allowed} can be {what}",
            charge.status
        ))
    };
    match action {
        RecurrentAction::Accept | RecurrentAction::Decline => {
            if charge.status != RecurrentChargeStatus::Pending {
                let what = if action == RecurrentAction::Accept {
                    "accepted"
                } else {
                    "declined"
                };
                return Err(refused(what, "a pending one"));
            }
            charge.status = if action == RecurrentAction::Accept {
                RecurrentChargeStatus::Accepted
            } else {
                RecurrentChargeStatus::Declined
            };
            charge.updated_ms = now;
        }
        RecurrentAction::Activate => {
            charge.activation_requests = charge.activation_requests.saturating_add(1);
            if charge.activated_ms.is_some() {
                return Err(reply::conflict(&format!(
                    "the subscription was already activated (status {})",
                    charge.status
                )));
            }
            if charge.status != RecurrentChargeStatus::Accepted {
                return Err(refused("activated", "an accepted one"));
            }
            charge.activated_ms = Some(now);
            charge.outcome = Some(outcome);
            charge.updated_ms = now;
        }
        RecurrentAction::Cancel => {
            if !charge.status.can_cancel() {
                return Err(refused("cancelled", "an active, past due or frozen one"));
            }
            let refund = match (
                charge.period_paid,
                charge.current_charge_ms,
                charge.next_charge_ms,
            ) {
                (Some(paid), Some(start), Some(end)) if end > start => {
                    proportional_refund(paid, end.saturating_sub(now.max(start)), end - start)
                }
                _ => 0,
            };
            if refund > 0 {
                push_ledger(
                    &mut livechat.ledger,
                    rng,
                    Entry {
                        client_id: &charge.seller_client_id,
                        name: &charge.name,
                        charge_id: &charge.id,
                        entry_type: LedgerEntryType::Refund,
                        value: refund,
                        at_ms: now,
                    },
                );
            }
            charge.status = RecurrentChargeStatus::Cancelled;
            charge.cancelled_ms = Some(now);
            charge.next_charge_ms = None;
            charge.period_paid = None;
            charge.updated_ms = now;
        }
    }
    advance(state, now);
    Ok(reply::json(
        200,
        &recurrent_json(&state.livechat.recurrent_charges[index]),
    ))
}

// ---------------------------------------------------------------------------
// Ledger
// ---------------------------------------------------------------------------

/// The caller's entries, newest first.
fn own_entries<'a>(state: &'a MockState, ctx: &Ctx<'_>) -> Vec<&'a LedgerRecord> {
    // Newest first; of entries made in the same millisecond, the one
    // written last first (the list is reversed before a stable sort).
    let mut entries: Vec<&LedgerRecord> = state
        .livechat
        .ledger
        .iter()
        .filter(|e| e.client_id == ctx.grant.client_id)
        .rev()
        .collect();
    sort_by_key(&mut entries, Direction::Descending, |e| {
        millis_key(e.created_ms)
    });
    entries
}

fn ledger_page(state: &MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let stored = own_entries(state, ctx)
        .into_iter()
        .map(|e| (e.created_ms, e));
    let bulk = visible_bulk(state, ctx);
    let lines = bulk
        .into_iter()
        .flat_map(|set| (1..=set.count).map(|k| (set.ledger_created_ms(k), k)));
    let result: Vec<Value> = merged_page(stored, lines, page, PAGE_SIZE)
        .into_iter()
        .filter_map(|entry| match entry {
            Merged::Stored(e) => Some(ledger_json(e)),
            Merged::Bulk(k) => bulk.and_then(|set| set.ledger_line(k)).map(|line| {
                json!({
                    "id": line.id,
                    "name": line.name,
                    "type": line.entry_type.as_str(),
                    "value": line.value,
                    "created_at": calendar::rfc3339_seconds(line.created_ms),
                })
            }),
        })
        .collect();
    Ok(reply::json(200, &json!({ "result": result })))
}

fn balance(state: &MockState, ctx: &Ctx<'_>) -> HttpResponse {
    let stored = own_entries(state, ctx).into_iter().fold(0i64, |sum, e| {
        match e.entry_type.balance_sign() {
            Some(1) => sum.saturating_add(e.value),
            Some(_) => sum.saturating_sub(e.value),
            None => sum,
        }
    });
    let bulk = visible_bulk(state, ctx).map_or(0, BulkDataSet::ledger_balance);
    reply::json(200, &json!({ "balance": stored.saturating_add(bulk) }))
}

/// The bulk data set, when the caller is the developer it belongs to.
fn visible_bulk<'a>(state: &'a MockState, ctx: &Ctx<'_>) -> Option<&'a BulkDataSet> {
    state
        .livechat
        .bulk
        .as_ref()
        .filter(|set| set.client_id == ctx.grant.client_id)
}

/// The bulk charge with this id, as the API shows a charge, if visible.
fn bulk_direct(state: &MockState, ctx: &Ctx<'_>, id: &str) -> Option<DirectChargeRecord> {
    let set = visible_bulk(state, ctx).filter(|_| ctx.product == Product::Livechat)?;
    let charge = set.charge_by_id(id)?;
    Some(bulk_record(state, set, charge))
}

/// A generated charge in the stored shape: a test sale to the first demo
/// account, as the sample charges are.
fn bulk_record(state: &MockState, set: &BulkDataSet, charge: BulkCharge) -> DirectChargeRecord {
    let buyer = &super::oauth::DEMO_ACCOUNTS[0];
    let activated = charge.status != DirectChargeStatus::Declined;
    DirectChargeRecord {
        return_url: sample_return_url(state, &charge.id),
        confirmation_url: confirmation_url(state, &charge.id, ChargeKind::Direct),
        id: charge.id,
        product: Product::Livechat,
        buyer_license_id: buyer.license_id,
        buyer_entity_id: buyer.email.to_owned(),
        order_client_id: set.client_id.clone(),
        seller_client_id: set.client_id.clone(),
        name: charge.name,
        price: charge.price,
        quantity: charge.quantity,
        test: true,
        per_account: false,
        outcome: match charge.status {
            DirectChargeStatus::Success => Some(GatewayOutcome::Success),
            DirectChargeStatus::Failed => Some(GatewayOutcome::Failed),
            _ => None,
        },
        status: charge.status,
        commission_percent: set.commission_percent,
        created_ms: charge.created_ms,
        updated_ms: charge.updated_ms,
        activated_ms: activated.then_some(charge.created_ms.saturating_add(90_000)),
        activation_requests: u32::from(activated),
    }
}

/// A payout: every developer's positive balance is paid off as a
/// `withdrawal` ledger entry (LiveChat does this on its own schedule; the
/// mock does it when asked). Returns `(client_id, value)` per payout.
pub fn pay_out_balances(state: &mut MockState, now_ms: NowMs) -> Vec<(String, i64)> {
    advance(state, now_ms);
    let mut balances: Vec<(String, i64)> = Vec::new();
    for entry in &state.livechat.ledger {
        let signed = match entry.entry_type.balance_sign() {
            Some(1) => entry.value,
            Some(_) => entry.value.saturating_neg(),
            None => 0,
        };
        match balances
            .iter_mut()
            .find(|(client, _)| *client == entry.client_id)
        {
            Some((_, sum)) => *sum = sum.saturating_add(signed),
            None => balances.push((entry.client_id.clone(), signed)),
        }
    }
    if let Some(set) = &state.livechat.bulk {
        let bulk = set.ledger_balance();
        match balances
            .iter_mut()
            .find(|(client, _)| *client == set.client_id)
        {
            Some((_, sum)) => *sum = sum.saturating_add(bulk),
            None => balances.push((set.client_id.clone(), bulk)),
        }
    }
    balances.retain(|(_, sum)| *sum > 0);
    for (client_id, value) in &balances {
        push_ledger(
            &mut state.livechat.ledger,
            &mut state.rng,
            Entry {
                client_id,
                name: "payout",
                charge_id: "",
                entry_type: LedgerEntryType::Withdrawal,
                value: *value,
                at_ms: now_ms,
            },
        );
    }
    balances
}

// ---------------------------------------------------------------------------
// Sample data
// ---------------------------------------------------------------------------

/// At most this many sample charges are added at once.
pub const MAX_SAMPLE_CHARGES: u32 = 200;

/// What the sample charges sell: `(name, price in cents)`.
pub(crate) const SAMPLE_PRODUCTS: [(&str, i64); 11] = [
    ("Chat transcripts export", 1_900),
    ("Extra agent seat", 2_900),
    ("Canned responses pack", 900),
    ("Priority support", 4_900),
    ("Analytics add-on", 1_500),
    ("Custom branding", 2_500),
    ("Widget themes", 1_200),
    ("Visitor tracking", 3_900),
    ("Translation credits", 700),
    ("Onboarding session", 9_900),
    ("Ticket archive", 1_400),
];

/// The final status of sample item `k` (1-based): every 5th `failed`,
/// else every 7th `declined`, else every 9th `pending`, else `success`.
fn sample_status(k: u32) -> DirectChargeStatus {
    if k.is_multiple_of(5) {
        DirectChargeStatus::Failed
    } else if k.is_multiple_of(7) {
        DirectChargeStatus::Declined
    } else if k.is_multiple_of(9) {
        DirectChargeStatus::Pending
    } else {
        DirectChargeStatus::Success
    }
}

/// Where the buyer of a sample charge returned to: the app's `/return`
/// route on the origin of the confirmation page, with `id` and `type`.
fn sample_return_url(state: &MockState, id: &str) -> String {
    match Url::parse(&state.livechat.confirmation_base).and_then(|base| base.join("/return")) {
        Ok(url) => with_charge_params(&url, id, ChargeKind::Direct).to_string(),
        Err(_) => format!("http://127.0.0.1:8080/return?id={id}&type=direct_charge"),
    }
}

/// Adds `count` (at most [`MAX_SAMPLE_CHARGES`]) finished test direct
/// charges sold by `client_id` and bought by the first demo account, for
/// pagination and filter demos; returns how many were added.
///
/// Sample item `k` was created `k` hours before `now_ms` and is named
/// `Sample item k: <product>`, quantity 1, `test: true`; its status follows
/// a fixed pattern by `k` (every 5th `failed`, else every 7th `declined`,
/// else every 9th `pending`, else `success`: 27, 9, 5 and 4 of 45). They are
/// stored by creation time among the charges already there, so the list
/// (newest first) shows item 1, 2, 3... Charges in `success` have their
/// `collection` in the ledger; activated ones count one activate request.
pub fn add_sample_direct_charges(
    state: &mut MockState,
    client_id: &str,
    count: u32,
    now_ms: NowMs,
) -> u32 {
    const HOUR_MS: u64 = 3_600_000;
    /// The buyer answers a minute after the charge is created, the app
    /// activates half a minute later, and the gateway takes two steps.
    const ANSWERED_AFTER_MS: u64 = 60_000;
    const ACTIVATED_AFTER_MS: u64 = 90_000;
    const GATEWAY_MS: u64 = 6_000;

    let count = count.min(MAX_SAMPLE_CHARGES);
    // Sold to whoever signs in with the seller's client: the demo's first
    // account for the widget, the developer token's account for scripts.
    let buyer = if client_id == super::oauth::DEVELOPER_CLIENT_ID {
        super::oauth::developer_account()
    } else {
        &super::oauth::DEMO_ACCOUNTS[0]
    };
    let commission_percent = state.livechat.commission_percent.min(100);
    // Oldest (item `count`) first, so each insertion lands after the last.
    for k in (1..=count).rev() {
        let (product, price) = SAMPLE_PRODUCTS[(k as usize - 1) % SAMPLE_PRODUCTS.len()];
        let created = now_ms.saturating_sub(u64::from(k).saturating_mul(HOUR_MS));
        let activated = created.saturating_add(ACTIVATED_AFTER_MS);
        let done = activated.saturating_add(GATEWAY_MS);
        let status = sample_status(k);
        let (updated, activated_ms, outcome) = match status {
            DirectChargeStatus::Success => (done, Some(activated), Some(GatewayOutcome::Success)),
            DirectChargeStatus::Failed => (done, Some(activated), Some(GatewayOutcome::Failed)),
            DirectChargeStatus::Declined => (created.saturating_add(ANSWERED_AFTER_MS), None, None),
            _ => (created, None, None),
        };
        let id = state.rng.uuid();
        let record = DirectChargeRecord {
            return_url: sample_return_url(state, &id),
            confirmation_url: confirmation_url(state, &id, ChargeKind::Direct),
            id,
            product: Product::Livechat,
            buyer_license_id: buyer.license_id,
            buyer_entity_id: buyer.email.to_owned(),
            order_client_id: client_id.to_owned(),
            seller_client_id: client_id.to_owned(),
            name: format!("Sample item {k}: {product}"),
            price,
            quantity: 1,
            test: true,
            per_account: false,
            status: status.clone(),
            commission_percent,
            created_ms: created,
            updated_ms: updated,
            activated_ms,
            outcome,
            activation_requests: u32::from(activated_ms.is_some()),
        };
        if status == DirectChargeStatus::Success {
            push_ledger(
                &mut state.livechat.ledger,
                &mut state.rng,
                Entry {
                    client_id,
                    name: &record.name,
                    charge_id: &record.id,
                    entry_type: LedgerEntryType::Collection,
                    value: developer_share(price, commission_percent),
                    at_ms: done,
                },
            );
        }
        let charges = &mut state.livechat.direct_charges;
        let at = charges.partition_point(|c| c.created_ms <= created);
        charges.insert(at, record);
    }
    count
}

// ---------------------------------------------------------------------------
// The mock confirmation page
// ---------------------------------------------------------------------------

/// Why the buyer's answer on the mock confirmation page was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfirmError {
    #[error("there is no charge with this id")]
    NotFound,
    #[error("the charge is {status}; only a pending charge can be confirmed")]
    NotPending { status: String },
    #[error("the charge's return address is not a valid URL")]
    InvalidReturnUrl,
}

/// What the confirmation page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeSummary {
    pub id: String,
    pub kind: ChargeKind,
    pub name: String,
    /// Of one unit (direct) or one period (recurrent).
    pub price: Cents,
    /// Accounts with `per_account`; always 1 for a plain subscription.
    pub quantity: u32,
    /// `price x quantity`, `None` on overflow.
    pub total: Option<Cents>,
    pub months: Option<u32>,
    pub trial_days: Option<u32>,
    pub per_account: bool,
    pub test: bool,
    /// The wire status (`pending`, ...).
    pub status: String,
}

/// A direct charge first, then a recurrent one, when the kind is not given
/// (the return URL may lack `type`).
fn locate(state: &MockState, id: &str, kind: Option<ChargeKind>) -> Option<(ChargeKind, usize)> {
    let direct = || {
        state
            .livechat
            .direct_charges
            .iter()
            .position(|c| c.id == id)
            .map(|i| (ChargeKind::Direct, i))
    };
    let recurrent = || {
        state
            .livechat
            .recurrent_charges
            .iter()
            .position(|c| c.id == id)
            .map(|i| (ChargeKind::Recurrent, i))
    };
    match kind {
        Some(ChargeKind::Direct) => direct(),
        Some(ChargeKind::Recurrent) => recurrent(),
        None => direct().or_else(recurrent),
    }
}

pub fn charge_summary(
    state: &MockState,
    id: &str,
    kind: Option<ChargeKind>,
) -> Option<ChargeSummary> {
    let (kind, index) = locate(state, id, kind)?;
    Some(match kind {
        ChargeKind::Direct => {
            let c = state.livechat.direct_charges.get(index)?;
            ChargeSummary {
                id: c.id.clone(),
                kind,
                name: c.name.clone(),
                price: Cents::new(c.price),
                quantity: c.quantity,
                total: Cents::new(c.price).checked_mul(u64::from(c.quantity)),
                months: None,
                trial_days: None,
                per_account: c.per_account,
                test: c.test,
                status: c.status.as_str().to_owned(),
            }
        }
        ChargeKind::Recurrent => {
            let c = state.livechat.recurrent_charges.get(index)?;
            ChargeSummary {
                id: c.id.clone(),
                kind,
                name: c.name.clone(),
                price: Cents::new(c.price),
                quantity: c.quantity,
                total: Cents::new(c.price).checked_mul(u64::from(c.quantity)),
                months: Some(c.months),
                trial_days: Some(c.trial_days),
                per_account: c.per_account,
                test: c.test,
                status: c.status.as_str().to_owned(),
            }
        }
    })
}

/// The buyer accepts or declines a pending charge; the answer is the
/// charge's return URL (`?id=..&type=..` set) to send the browser to.
pub fn confirm_charge(
    state: &mut MockState,
    id: &str,
    kind: Option<ChargeKind>,
    accept: bool,
    now_ms: NowMs,
) -> Result<Url, ConfirmError> {
    advance(state, now_ms);
    let (kind, index) = locate(state, id, kind).ok_or(ConfirmError::NotFound)?;
    let return_url = match kind {
        ChargeKind::Direct => {
            let c = state
                .livechat
                .direct_charges
                .get_mut(index)
                .ok_or(ConfirmError::NotFound)?;
            if c.status != DirectChargeStatus::Pending {
                return Err(ConfirmError::NotPending {
                    status: c.status.as_str().to_owned(),
                });
            }
            c.status = if accept {
                DirectChargeStatus::Accepted
            } else {
                DirectChargeStatus::Declined
            };
            c.updated_ms = now_ms;
            c.return_url.clone()
        }
        ChargeKind::Recurrent => {
            let c = state
                .livechat
                .recurrent_charges
                .get_mut(index)
                .ok_or(ConfirmError::NotFound)?;
            if c.status != RecurrentChargeStatus::Pending {
                return Err(ConfirmError::NotPending {
                    status: c.status.as_str().to_owned(),
                });
            }
            c.status = if accept {
                RecurrentChargeStatus::Accepted
            } else {
                RecurrentChargeStatus::Declined
            };
            c.updated_ms = now_ms;
            c.return_url.clone()
        }
    };
    Url::parse(&return_url).map_err(|_| ConfirmError::InvalidReturnUrl)
}
