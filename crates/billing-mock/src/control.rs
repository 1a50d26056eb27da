//! Steering the mock on purpose: named scenarios decide how simulated
//! payments end, fault injection makes every failure screen reachable, and a
//! clock offset skips ahead (a quote expiring, a settlement period ending).
//!
//! Control endpoints live under `/__mock/` on any host:
//! - `GET /__mock/state`: the whole state as JSON
//! - `POST /__mock/reset` `{"seed": 7}`: a fresh backend built as at start-up
//!   (the [`super::MockSettings`] stay; the seed is theirs unless given)
//! - `PUT /__mock/scenario` `{"name": "card_declined"}` or a full [`Scenario`]
//! - `GET /__mock/scenarios`: `{"current": "happy_path", "names": [..]}`
//! - `POST /__mock/faults` a [`FaultPlan`]; `DELETE /__mock/faults` clears it;
//!   `GET /__mock/faults` shows it with the presets below;
//!   `PATCH /__mock/faults` `{"latency_ms": 800}` changes only the latency
//! - `POST /__mock/faults/next` `{"preset": "status_503"}`: one preset fault
//!   (see [`app::NEXT_REQUEST_FAULTS`]) for the next API request
//! - `POST /__mock/advance` `{"ms": 900000}`: move the mock's clock forward
//! - `POST /__mock/payout`: pay every developer's balance out (withdrawal)
//! - `GET /__mock/clients`; `POST /__mock/clients`
//!   `{"client_id": "..", "redirect_uris": [".."]}` registers an OAuth client
//!   (a start-up setting: a reset keeps it; see [`super::clients`])
//! - `POST /__mock/confirm` `{"id": "..", "type": "direct_charge", "accept": true}`:
//!   what the buyer does on the confirmation page, for scripts without a browser
//! - `POST /__mock/sample_charges` `{"count": 45, "client_id": ".."}`: finished
//!   test direct charges for pagination demos (`client_id` defaults to
//!   [`DEMO_CLIENT_ID`]); answers `{"added": n}`
//! - `POST /__mock/bulk` `{"count": 10000, "seed": 7, "client_id": ".."}`: a
//!   generated data set of `count` finished direct charges and `count` ledger
//!   lines, listed with the stored ones (see [`super::bulk`]; `seed` defaults
//!   to 1, `client_id` to [`DEMO_CLIENT_ID`]); answers the set.
//!   `DELETE /__mock/bulk` removes it

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::bulk::{BulkDataSet, MAX_BULK_ENTRIES};
use super::clients::{self, RegisteredClient};
use super::{
    app, livechat, reply, MockBackend, MockReply, MockState, MockStateError, NowMs, STATE_VERSION,
};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::charge::ChargeKind;
use billing_core::domain::oauth::DEMO_CLIENT_ID;

/// How simulated payments end. Every field has a default, so a partial
/// object sent to `/__mock/scenario` changes only what it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The preset this came from, for display.
    pub name: String,
    /// How an activated direct charge ends.
    pub direct_charge: GatewayOutcome,
    /// What an activated recurrent charge becomes.
    pub recurrent_charge: RecurrentOutcome,
    /// How a Bidali charge is paid.
    pub crypto: CryptoOutcome,
    /// Time from activation (whose answer already says `processed`) to the
    /// outcome: `success`/`failed`, or an active subscription.
    pub gateway_step_ms: u64,
    /// Accounts in the buyer's organization: the quantity of `per_account` items.
    pub accounts_in_organization: u32,
    /// Lifetime of issued access tokens, in seconds.
    pub token_lifetime_secs: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: "happy_path".to_owned(),
            direct_charge: GatewayOutcome::Success,
            recurrent_charge: RecurrentOutcome::Active,
            crypto: CryptoOutcome::Paid,
            gateway_step_ms: 3_000,
            accounts_in_organization: 3,
            token_lifetime_secs: 28_800,
        }
    }
}

impl Scenario {
    /// The presets, by name.
    pub const NAMES: [&'static str; 12] = [
        "happy_path",
        "card_declined",
        "subscription_frozen",
        "subscription_past_due",
        "crypto_underpaid",
        "crypto_underpaid_late",
        "crypto_overpaid",
        "crypto_expired",
        "crypto_failure",
        "crypto_review",
        "crypto_refunded",
        "crypto_error",
    ];

    pub fn named(name: &str) -> Option<Self> {
        let base = Self::default();
        let scenario = match name {
            "happy_path" => base,
            "card_declined" => Self {
                direct_charge: GatewayOutcome::Failed,
                ..base
            },
            "subscription_frozen" => Self {
                recurrent_charge: RecurrentOutcome::Frozen,
                ..base
            },
            "subscription_past_due" => Self {
                recurrent_charge: RecurrentOutcome::PastDue,
                ..base
            },
            "crypto_underpaid" => Self {
                crypto: CryptoOutcome::Underpaid,
                ..base
            },
            "crypto_underpaid_late" => Self {
                crypto: CryptoOutcome::UnderpaidThenLate,
                ..base
            },
            "crypto_overpaid" => Self {
                crypto: CryptoOutcome::Overpaid,
                ..base
            },
            "crypto_expired" => Self {
                crypto: CryptoOutcome::NeverPaid,
                ..base
            },
            "crypto_failure" => Self {
                crypto: CryptoOutcome::Failure,
                ..base
            },
            "crypto_review" => Self {
                crypto: CryptoOutcome::Review,
                ..base
            },
            "crypto_refunded" => Self {
                crypto: CryptoOutcome::Refunded,
                ..base
            },
            "crypto_error" => Self {
                crypto: CryptoOutcome::Error,
                ..base
            },
            _ => return None,
        };
        Some(Self {
            name: name.to_owned(),
            ..scenario
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayOutcome {
    Success,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecurrentOutcome {
    Active,
    Frozen,
    PastDue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CryptoOutcome {
    /// The exact amount arrives and confirms (300).
    Paid,
    /// Part of the amount arrives (105) and the rest follows in time (300).
    Underpaid,
    /// Part arrives (105), the rest only after expiry (420 late).
    UnderpaidThenLate,
    /// More than asked arrives (310).
    Overpaid,
    /// Nothing arrives before expiry (410 timeout).
    NeverPaid,
    /// The charge fails (400).
    Failure,
    /// More than asked arrives and the charge goes to manual review (417).
    Review,
    /// Paid (300), then refunded (450).
    Refunded,
    /// The processor errs (500).
    Error,
}

/// One kind of misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this HTTP status and an OAuth-style error body.
    Status { status: u16 },
    /// A refusal of the request's content: this status with an
    /// `invalid_request` body saying `description` (which may name a field).
    Refused { status: u16, description: String },
    /// 429 with a `Retry-After` header.
    RateLimited { retry_after_secs: u64 },
    /// Never answer (the client's timeout fires).
    Hang,
    /// A 200 whose body is cut-off JSON.
    MalformedJson,
    /// A 502 whose body is an HTML error page, as a proxy sends.
    HtmlPage,
    /// Answer normally, but with a status value nobody knows.
    UnknownStatus,
    /// Do the work (a charge is created) but lose the answer, as when the
    /// network drops after the server acted.
    LostResponse,
    /// Do the work, then answer with this status: a server that failed
    /// after acting, or a gateway that gave up waiting for it.
    ErrorAfterWork { status: u16 },
    /// Answer normally but without a `Date` header, as some proxies send:
    /// pages must find the server's time another way.
    NoDate,
}

impl Fault {
    /// The reply that replaces the real one, or `None` when the real one is
    /// computed and then altered ([`Fault::UnknownStatus`]).
    pub fn short_circuit(&self) -> Option<MockReply> {
        let response = match self {
            Self::Status { status } => reply::error(*status, "server_error", "injected fault"),
            Self::Refused {
                status,
                description,
            } => reply::error(*status, "invalid_request", description),
            Self::RateLimited { retry_after_secs } => {
                reply::error(429, "too_many_requests", "slow down")
                    .with_header("Retry-After", retry_after_secs.to_string())
            }
            Self::Hang => return Some(MockReply::Hang),
            Self::MalformedJson => HttpResponse::new(200, "{\"result\": [{\"id\": \"5de")
                .with_header("Content-Type", "application/json"),
            Self::HtmlPage => HttpResponse::new(
                502,
                "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                 <body><h1>502 Bad Gateway</h1></body></html>",
            )
            .with_header("Content-Type", "text/html"),
            Self::UnknownStatus
            | Self::LostResponse
            | Self::ErrorAfterWork { .. }
            | Self::NoDate => return None,
        };
        Some(MockReply::now(response))
    }
}

/// A fault waiting for requests whose path starts with `path_prefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledFault {
    #[serde(default)]
    pub path_prefix: Option<String>,
    pub fault: Fault,
    /// How many matching requests it hits before it is used up.
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Added to every answer.
    pub latency_ms: u64,
    pub faults: Vec<ScheduledFault>,
}

impl FaultPlan {
    /// The first scheduled fault for `path`, used up by one.
    pub fn take_for(&mut self, path: &str) -> Option<Fault> {
        let index = self.faults.iter().position(|scheduled| {
            scheduled.times > 0
                && scheduled
                    .path_prefix
                    .as_deref()
                    .is_none_or(|prefix| path.starts_with(prefix))
        })?;
        let scheduled = &mut self.faults[index];
        scheduled.times -= 1;
        let fault = scheduled.fault.clone();
        if scheduled.times == 0 {
            self.faults.remove(index);
        }
        Some(fault)
    }
}

/// Replaces every `status` string and `statusCode` number in a JSON body
/// with values nobody knows, for the unknown-status fault.
pub fn with_unknown_status(response: HttpResponse) -> HttpResponse {
    fn scramble(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, field) in map.iter_mut() {
                    match (key.as_str(), &*field) {
                        ("status", Value::String(_)) => *field = json!("teleported"),
                        ("statusCode", Value::Number(_)) => *field = json!(999),
                        _ => scramble(field),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(scramble),
            _ => {}
        }
    }
    let Ok(mut body) = serde_json::from_str::<Value>(&response.body) else {
        return response;
    };
    scramble(&mut body);
    HttpResponse {
        body: body.to_string(),
        ..response
    }
}

/// Answers `/__mock/...` requests; `None` for every other path.
pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    path: &str,
    now_ms: NowMs,
) -> Option<HttpResponse> {
    let command = path.strip_prefix("/__mock/")?;
    let body = request.body.as_deref();
    Some(match (request.method, command) {
        (Method::Get, "state") => reply::json(200, state),
        // A whole state, as `GET` gave it (tests set up a case in one step).
        (Method::Put, "state") => match body.map(MockBackend::from_json) {
            Some(Ok(backend)) => {
                *state = backend.state;
                reply::json(200, &json!({ "replaced": true }))
            }
            Some(Err(MockStateError::Corrupt(why))) => {
                reply::invalid_field("state", &format!("not a mock state ({why})"))
            }
            Some(Err(MockStateError::WrongVersion { found })) => reply::invalid_field(
                "state",
                &format!("a state of version {found}; this mock reads version {STATE_VERSION}"),
            ),
            None => {
                reply::invalid_field("state", "the body must be a state from GET /__mock/state")
            }
        },
        (Method::Post, "reset") => {
            let seed = body
                .and_then(|b| serde_json::from_str::<Value>(b).ok())
                .and_then(|v| v.get("seed").and_then(Value::as_u64));
            state.reset(seed);
            reply::json(200, &json!({ "reset": true, "seed": state.settings.seed }))
        }
        (Method::Get, "scenarios") => reply::json(
            200,
            &json!({ "current": state.scenario.name, "names": Scenario::NAMES }),
        ),
        (Method::Put, "scenario") => match set_scenario(body) {
            Ok(scenario) => {
                state.scenario = scenario;
                reply::json(200, &state.scenario)
            }
            Err(response) => response,
        },
        (Method::Post, "faults") => match reply::json_body(body).and_then(|v| {
            serde_json::from_value::<FaultPlan>(v).map_err(|e| reply::bad_request(&e.to_string()))
        }) {
            Ok(plan) => {
                state.faults = plan;
                reply::json(200, &state.faults)
            }
            Err(response) => response,
        },
        (Method::Get, "faults") => reply::json(200, &faults_view(&state.faults)),
        (Method::Patch, "faults") => match reply::json_body(body).and_then(|v| {
            serde_json::from_value::<LatencyChange>(v)
                .map_err(|e| reply::bad_request(&e.to_string()))
        }) {
            Ok(change) if change.latency_ms <= MAX_LATENCY_MS => {
                state.faults.latency_ms = change.latency_ms;
                reply::json(200, &faults_view(&state.faults))
            }
            Ok(_) => reply::invalid_field("latency_ms", &format!("at most {MAX_LATENCY_MS} ms")),
            Err(response) => response,
        },
        (Method::Post, "faults/next") => {
            let preset = reply::json_body(body)
                .ok()
                .and_then(|v| v.get("preset").and_then(Value::as_str).map(str::to_owned));
            match preset.as_deref().and_then(app::fault_by_key) {
                Some(fault) => {
                    state.faults.faults.push(ScheduledFault {
                        path_prefix: None,
                        fault,
                        times: 1,
                    });
                    reply::json(200, &faults_view(&state.faults))
                }
                None => reply::invalid_field(
                    "preset",
                    &format!(
                        "unknown fault preset; known: {}",
                        app::NEXT_REQUEST_FAULTS.map(|(key, _)| key).join(", ")
                    ),
                ),
            }
        }
        (Method::Delete, "faults") => {
            state.faults = FaultPlan::default();
            reply::json(200, &state.faults)
        }
        (Method::Post, "advance") => {
            let ms = reply::json_body(body)
                .ok()
                .and_then(|v| v.get("ms").and_then(Value::as_u64));
            match ms {
                Some(ms) => {
                    state.clock_offset_ms = state.clock_offset_ms.saturating_add(ms);
                    reply::json(200, &json!({ "clock_offset_ms": state.clock_offset_ms }))
                }
                None => reply::invalid_field("ms", "a whole number of milliseconds is required"),
            }
        }
        (Method::Get, "clients") => reply::json(
            200,
            &json!({
                "clients": state.settings.clients,
                "loopback_for_unregistered": state.settings.loopback_for_unregistered,
            }),
        ),
        (Method::Post, "clients") => match reply::json_body(body).and_then(|v| {
            serde_json::from_value::<RegisteredClient>(v)
                .map_err(|e| reply::bad_request(&e.to_string()))
        }) {
            Ok(client) => match client.check() {
                Ok(()) => {
                    let replaced = clients::register(&mut state.settings, client);
                    reply::json(
                        if replaced { 200 } else { 201 },
                        &json!({ "replaced": replaced }),
                    )
                }
                Err(problem) => reply::invalid_field("redirect_uris", &problem),
            },
            Err(response) => response,
        },
        (Method::Post, "confirm") => confirm(state, body, now_ms),
        (Method::Post, "sample_charges") => sample_charges(state, body, now_ms),
        (Method::Post, "bulk") => bulk_data(state, body, now_ms),
        (Method::Delete, "bulk") => {
            state.livechat.bulk = None;
            reply::json(200, &json!({ "bulk": null }))
        }
        (Method::Post, "payout") => {
            let payouts: Vec<Value> = livechat::pay_out_balances(state, now_ms)
                .into_iter()
                .map(|(client_id, value)| json!({ "client_id": client_id, "value": value }))
                .collect();
            reply::json(200, &json!({ "payouts": payouts }))
        }
        _ => reply::not_found(&format!(
            "no mock control {} /__mock/{command}",
            request.method
        )),
    })
}

/// The most latency `PATCH /__mock/faults` adds to every answer.
pub const MAX_LATENCY_MS: u64 = 60_000;

/// The body of `PATCH /__mock/faults`: only the latency changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyChange {
    latency_ms: u64,
}

/// `GET /__mock/faults`: the plan, and the presets `POST /__mock/faults/next`
/// takes.
fn faults_view(plan: &FaultPlan) -> Value {
    let presets: Vec<Value> = app::NEXT_REQUEST_FAULTS
        .iter()
        .map(|(key, label)| json!({ "key": key, "label": label }))
        .collect();
    json!({ "latency_ms": plan.latency_ms, "faults": plan.faults, "presets": presets })
}

/// The buyer's decision on the confirmation page, without the page.
fn confirm(state: &mut MockState, body: Option<&str>, now_ms: NowMs) -> HttpResponse {
    let value = match reply::json_body(body) {
        Ok(value) => value,
        Err(response) => return response,
    };
    let Some(id) = value.get("id").and_then(Value::as_str) else {
        return reply::invalid_field("id", "the charge id is required");
    };
    let Some(accept) = value.get("accept").and_then(Value::as_bool) else {
        return reply::invalid_field("accept", "true (accept) or false (decline) is required");
    };
    let kind = match value.get("type").and_then(Value::as_str) {
        None => None,
        Some(raw) => match ChargeKind::from_param(raw) {
            Some(kind) => Some(kind),
            None => return reply::invalid_field("type", "direct_charge or recurrent_charge"),
        },
    };
    match livechat::confirm_charge(state, id, kind, accept, now_ms) {
        Ok(return_url) => reply::json(200, &json!({ "return_url": return_url.as_str() })),
        Err(livechat::ConfirmError::NotFound) => reply::not_found("no charge with that id"),
        Err(err) => reply::conflict(&err.to_string()),
    }
}

/// The body of `POST /__mock/sample_charges`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleCharges {
    count: u32,
    #[serde(default)]
    client_id: Option<String>,
}

/// Adds sample direct charges (at most [`livechat::MAX_SAMPLE_CHARGES`]).
fn sample_charges(state: &mut MockState, body: Option<&str>, now_ms: NowMs) -> HttpResponse {
    let usage = "the body must be {\"count\": <whole number>, \"client_id\": <optional string>}";
    let request = match reply::json_body(body).and_then(|value| {
        if !value.is_object() {
            return Err(reply::bad_request(usage));
        }
        serde_json::from_value::<SampleCharges>(value)
            .map_err(|e| reply::bad_request(&format!("{usage}: {e}")))
    }) {
        Ok(request) => request,
        Err(response) => return response,
    };
    let client_id = match request.client_id.as_deref().map(str::trim) {
        None => DEMO_CLIENT_ID,
        Some("") => return reply::bad_request("client_id: must not be empty"),
        Some(client_id) => client_id,
    };
    let added = livechat::add_sample_direct_charges(state, client_id, request.count, now_ms);
    reply::json(200, &json!({ "added": added }))
}

/// The body of `POST /__mock/bulk`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BulkRequest {
    count: u32,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    client_id: Option<String>,
}

/// Replaces the bulk data set (at most [`MAX_BULK_ENTRIES`] entries).
fn bulk_data(state: &mut MockState, body: Option<&str>, now_ms: NowMs) -> HttpResponse {
    let usage = "the body must be {\"count\": <whole number>, \"seed\": <optional whole \
                 number>, \"client_id\": <optional string>}";
    let request = match reply::json_body(body).and_then(|value| {
        if !value.is_object() {
            return Err(reply::bad_request(usage));
        }
        serde_json::from_value::<BulkRequest>(value)
            .map_err(|e| reply::bad_request(&format!("{usage}: {e}")))
    }) {
        Ok(request) => request,
        Err(response) => return response,
    };
    if request.count > MAX_BULK_ENTRIES {
        return reply::invalid_field("count", &format!("at most {MAX_BULK_ENTRIES} entries"));
    }
    let client_id = match request.client_id.as_deref().map(str::trim) {
        None => DEMO_CLIENT_ID,
        Some("") => return reply::bad_request("client_id: must not be empty"),
        Some(client_id) => client_id,
    };
    let set = BulkDataSet::new(
        request.seed.unwrap_or(1),
        request.count,
        client_id,
        now_ms,
        state.livechat.commission_percent,
    );
    let body = reply::json(200, &set);
    state.livechat.bulk = Some(set);
    body
}

fn set_scenario(body: Option<&str>) -> Result<Scenario, HttpResponse> {
    let value = reply::json_body(body)?;
    if let Some(name) = value.get("name").and_then(Value::as_str) {
        if value.as_object().is_some_and(|o| o.len() == 1) {
            return Scenario::named(name).ok_or_else(|| {
                reply::invalid_field(
                    "name",
                    &format!("unknown scenario; known: {}", Scenario::NAMES.join(", ")),
                )
            });
        }
    }
    serde_json::from_value(value).map_err(|e| reply::bad_request(&e.to_string()))
}
