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

mod confirm;
mod direct;
mod fields;
mod gateway;
mod json;
mod ledger;
mod money;
mod recurrent;
mod sample;

use serde::{Deserialize, Serialize};

use super::bulk::BulkDataSet;
use super::control::{GatewayOutcome, RecurrentOutcome};
use super::oauth::{authenticate, Grant};
use super::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::charge::{DirectChargeStatus, LedgerEntryType, RecurrentChargeStatus};
use billing_core::domain::oauth::Scope;

pub use confirm::{charge_summary, confirm_charge, ChargeSummary, ConfirmError};
pub use gateway::advance;
pub use ledger::pay_out_balances;
pub(crate) use sample::SAMPLE_PRODUCTS;
pub use sample::{add_sample_direct_charges, MAX_SAMPLE_CHARGES};

use direct::{activate_direct, create_direct, find_direct, list_direct};
use json::{direct_json, recurrent_json};
use ledger::{balance, bulk_direct, ledger_page};
use recurrent::{create_recurrent, find_recurrent, list_recurrent, recurrent_action};

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
