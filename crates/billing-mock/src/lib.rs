//! The offline backend: LiveChat accounts and Billing API, Bidali charges and
//! the billing plans API as one pure state machine. Requests in, responses
//! out, with the clock and the randomness injected, so the same core runs in
//! the browser (mock mode), behind the native `mock-server` binary, and in
//! host tests, and behaves the same in all three.
//!
//! Time moves only through the `now_ms` each request carries: the simulated
//! payment gateway advances a charge's status lazily, when it is next read.
//! The whole state serialises to JSON, so the browser keeps it in
//! localStorage and a reload or a second tab sees the same charges.

pub mod app;
pub mod bidali;
pub mod bulk;
pub mod clients;
pub mod control;
pub mod livechat;
pub mod oauth;
pub mod pages;
pub mod plans;
pub mod reply;
pub mod rng;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use billing_core::api::transport::{HttpRequest, HttpResponse, MOCK_BACKEND_HEADER};
use billing_core::domain::crypto_checkout::http_date;

pub use control::{Fault, FaultPlan, Scenario};
pub use rng::MockRng;

/// Milliseconds since the Unix epoch, as the caller's clock gives them.
pub type NowMs = u64;

/// What the backend does with one request. A `Hang` never answers: the
/// transport turns it into a timeout, as a real hung server would cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockReply {
    Respond {
        response: HttpResponse,
        /// Simulated latency before the response arrives.
        delay_ms: u64,
    },
    Hang,
}

impl MockReply {
    pub fn now(response: HttpResponse) -> Self {
        Self::Respond {
            response,
            delay_ms: 0,
        }
    }

    /// The response, when there is one (tests mostly want this).
    pub fn response(&self) -> Option<&HttpResponse> {
        match self {
            Self::Respond { response, .. } => Some(response),
            Self::Hang => None,
        }
    }
}

/// Bumped whenever the persisted shape changes; an older saved state is
/// discarded rather than misread.
pub const STATE_VERSION: u32 = 2;

/// How the mock was started, kept across `POST /__mock/reset` so that a
/// reset builds the state exactly as start-up did: the seed (when a reset
/// names none), where the mock's own pages are served, and the native
/// server's developer token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MockSettings {
    pub seed: u64,
    /// The origin serving the sign-in and confirmation pages
    /// (`http://127.0.0.1:8080`); `None` keeps LiveChat's own address.
    pub pages_origin: Option<String>,
    /// A token with every scope that never expires (see
    /// [`oauth::OAuthState::developer_token`]).
    pub developer_token: Option<String>,
    /// OAuth clients and their exact redirect URIs (see [`clients`]).
    pub clients: Vec<clients::RegisteredClient>,
    /// Whether an unregistered client may sign in with a loopback redirect
    /// URI, as local OAuth test servers allow (`mock-server` does by default).
    pub loopback_for_unregistered: bool,
    /// Whether any client may be sent back to a page on `pages_origin`: the
    /// browser demo's setting, where the one app on that origin is the
    /// widget, whatever client id its configuration names.
    pub any_client_on_pages_origin: bool,
}

impl Default for MockSettings {
    fn default() -> Self {
        Self {
            seed: 1,
            pages_origin: None,
            developer_token: None,
            clients: Vec::new(),
            loopback_for_unregistered: false,
            any_client_on_pages_origin: false,
        }
    }
}

/// Everything the mock remembers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MockState {
    pub version: u32,
    pub settings: MockSettings,
    pub rng: MockRng,
    pub scenario: Scenario,
    pub faults: FaultPlan,
    /// Added to the caller's clock (`/__mock/advance`).
    pub clock_offset_ms: u64,
    pub oauth: oauth::OAuthState,
    pub livechat: livechat::LiveChatState,
    pub bidali: bidali::BidaliState,
    pub plans: plans::PlansState,
    /// Requests answered, by `"METHOD /path"` (control requests excluded),
    /// so tests can count what a page asks for, e.g. while it polls.
    #[serde(default)]
    pub request_counts: BTreeMap<String, u64>,
}

impl MockState {
    /// Starts afresh with the same settings; `seed` replaces the seed.
    pub fn reset(&mut self, seed: Option<u64>) {
        let mut settings = self.settings.clone();
        if let Some(seed) = seed {
            settings.seed = seed;
        }
        *self = MockBackend::with_settings(settings).state;
    }
}

/// Distinct request keys kept in [`MockState::request_counts`]; any more are
/// counted together under [`OTHER_REQUESTS`], so the state stays small.
pub const MAX_COUNTED_REQUESTS: usize = 500;
pub const OTHER_REQUESTS: &str = "(other)";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MockStateError {
    #[error("the saved mock state is not readable ({0}); starting afresh")]
    Corrupt(String),
    #[error("the saved mock state is from another version ({found}); starting afresh")]
    WrongVersion { found: u32 },
}

/// The mock backend.
#[derive(Debug, Clone, PartialEq)]
pub struct MockBackend {
    pub state: MockState,
}

impl MockBackend {
    /// A fresh backend whose ids and rates follow from `seed`.
    pub fn new(seed: u64) -> Self {
        Self::with_settings(MockSettings {
            seed,
            ..MockSettings::default()
        })
    }

    /// A fresh backend started with `settings`: start-up and
    /// `POST /__mock/reset` both build the state here.
    pub fn with_settings(settings: MockSettings) -> Self {
        let mut backend = Self {
            state: MockState {
                version: STATE_VERSION,
                rng: MockRng::new(settings.seed),
                scenario: Scenario::default(),
                faults: FaultPlan::default(),
                clock_offset_ms: 0,
                oauth: oauth::OAuthState::default(),
                livechat: livechat::LiveChatState::default(),
                bidali: bidali::BidaliState::default(),
                plans: plans::PlansState::seeded(),
                request_counts: BTreeMap::new(),
                settings: MockSettings::default(),
            },
        };
        if let Some(origin) = &settings.pages_origin {
            backend.state.livechat.confirmation_base = app::confirmation_base(origin);
        }
        backend.state.oauth.developer_token = settings.developer_token.clone();
        backend.state.settings = settings;
        backend
    }

    /// Starts afresh with the same settings; `seed` replaces the seed.
    pub fn reset(&mut self, seed: Option<u64>) {
        self.state.reset(seed);
    }

    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(&self.state).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Result<Self, MockStateError> {
        /// The version alone, read first so that an older shape is named
        /// as such rather than reported as unreadable.
        #[derive(Deserialize)]
        struct Saved {
            version: Option<u64>,
        }
        let corrupt = |e: serde_json::Error| MockStateError::Corrupt(e.to_string());
        // The state is read straight from the text (no `Value` tree in
        // between): it is read before every request the mock answers.
        let found = match serde_json::from_str::<Saved>(text) {
            Ok(saved) => saved.version.unwrap_or(0),
            Err(e) if e.is_syntax() || e.is_eof() => return Err(corrupt(e)),
            // Valid JSON of another shape (not an object, or a version
            // that is not a whole number): not a state of this version.
            Err(_) => 0,
        };
        if found != u64::from(STATE_VERSION) {
            return Err(MockStateError::WrongVersion {
                found: u32::try_from(found).unwrap_or(u32::MAX),
            });
        }
        let state = serde_json::from_str(text).map_err(corrupt)?;
        Ok(Self { state })
    }

    /// Answers one request at time `now_ms`. Every answer, faults
    /// included, says it comes from the mock ([`MOCK_BACKEND_HEADER`]).
    pub fn handle(&mut self, request: &HttpRequest, now_ms: NowMs) -> MockReply {
        match self.answer(request, now_ms) {
            MockReply::Respond { response, delay_ms } => MockReply::Respond {
                response: response.with_header(MOCK_BACKEND_HEADER, "billing-widget"),
                delay_ms,
            },
            MockReply::Hang => MockReply::Hang,
        }
    }

    fn answer(&mut self, request: &HttpRequest, now_ms: NowMs) -> MockReply {
        let path = request.url.path().to_owned();
        let now_ms = now_ms.saturating_add(self.state.clock_offset_ms);
        if let Some(reply) = control::handle(&mut self.state, request, &path, now_ms) {
            return MockReply::now(reply);
        }
        // The pages are the accounts service's and the checkout's, not the
        // APIs': faults and request counts are about API calls.
        if let Some(reply) = pages::handle(&mut self.state, request, &path, now_ms) {
            return MockReply::now(reply.with_header("Date", http_date(now_ms)));
        }
        self.count_request(&format!("{} {path}", request.method));
        let fault = self.state.faults.take_for(&path);
        if let Some(reply) = fault.as_ref().and_then(Fault::short_circuit) {
            return reply;
        }
        let latency = self.state.faults.latency_ms;
        let mut response = self.route(request, &path, now_ms);
        match fault {
            Some(Fault::UnknownStatus) => response = control::with_unknown_status(response),
            Some(Fault::LostResponse) => return MockReply::Hang,
            Some(Fault::ErrorAfterWork { status }) => {
                response = reply::error(status, "server_error", "failed after the work was done");
            }
            _ => {}
        }
        // The mock's own time, clock offset included, as a real server
        // stamps its answers: pages learn the server's clock from it.
        if response.header("Date").is_none() && fault != Some(Fault::NoDate) {
            response = response.with_header("Date", http_date(now_ms));
        }
        MockReply::Respond {
            response,
            delay_ms: latency,
        }
    }

    fn count_request(&mut self, key: &str) {
        let counts = &mut self.state.request_counts;
        let key = if counts.contains_key(key) || counts.len() < MAX_COUNTED_REQUESTS {
            key
        } else {
            OTHER_REQUESTS
        };
        *counts.entry(key.to_owned()).or_insert(0) += 1;
    }

    fn route(&mut self, request: &HttpRequest, path: &str, now_ms: NowMs) -> HttpResponse {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let state = &mut self.state;
        match segments.as_slice() {
            ["v2", "token"] | ["v2", "info"] => oauth::handle(state, request, &segments, now_ms),
            ["v1" | "v2" | "v3", ..] => livechat::handle(state, request, &segments, now_ms),
            ["charges", ..] | ["quotes", ..] => bidali::handle(state, request, &segments, now_ms),
            ["api", "v01", "plans", ..] => plans::handle(state, request, &segments, now_ms),
            _ => reply::no_such_endpoint(request),
        }
    }
}
