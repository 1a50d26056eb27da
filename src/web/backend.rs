//! Which server the widget talks to, and the one transport every page uses.
//!
//! Live mode sends requests over the network; mock mode hands them to the
//! demo's mock backend. Either way the pages send the same HTTP requests
//! (method, URL, headers, body) through [`AppTransport`] and cannot tell the
//! two apart; the mock's developer controls are HTTP requests too
//! (`/__mock/*`, see [`MockControl`]).

use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::dom;
#[cfg(feature = "mock")]
use super::mock_transport::MockTransport;
use super::transport::{sleep_ms, FetchTransport};
use crate::api::transport::{
    read_retry_delay, refuse_mock_backend, HttpRequest, HttpResponse, Method, Transport,
    TransportError,
};
use crate::api::wire::parse_json;
use crate::api::ApiError;
use crate::config::{AppConfig, ConfigError, Mode};

/// The seed of the demo's mock: ids and rates repeat from one demo to the next.
pub const DEMO_SEED: u64 = 1;

/// The mock's sign-in page, on this app's origin in mock mode.
pub const MOCK_SIGN_IN_PATH: &str = "/mock/authorize";

/// The real network or the demo's mock backend: the pages cannot tell them
/// apart.
#[derive(Debug, Clone, Copy)]
pub enum AppTransport {
    /// The network; `accept_mock` takes answers marked as a mock backend's
    /// (the configuration's `allow_mock_backend`), which live mode otherwise
    /// refuses.
    Network {
        transport: FetchTransport,
        accept_mock: bool,
    },
    #[cfg(feature = "mock")]
    Mock(MockTransport),
}

impl AppTransport {
    /// The transport for `config`'s mode.
    pub fn for_config(config: &AppConfig) -> Self {
        #[cfg(feature = "mock")]
        if config.mode == Mode::Mock {
            return Self::Mock(MockTransport::serving_pages_from(DEMO_SEED, &dom::origin()));
        }
        Self::Network {
            transport: FetchTransport::default(),
            accept_mock: config.allow_mock_backend,
        }
    }

    async fn send_once(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            Self::Network {
                transport,
                accept_mock: true,
            } => transport.send(request).await,
            // Live mode takes no mock backend's answers unless told to.
            Self::Network { transport, .. } => {
                transport.send(request).await.map(refuse_mock_backend)
            }
            #[cfg(feature = "mock")]
            Self::Mock(mock) => mock.send(request).await,
        }
    }
}

impl Transport for AppTransport {
    /// Reads that fail fast (a dropped connection, 502-504) are repeated
    /// twice, a moment apart, before anyone is bothered; writes never are.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut attempt = 0;
        loop {
            let outcome = self.send_once(request.clone()).await;
            // Math.random() is in [0, 1): a whole number below 1000.
            let jitter = (js_sys::Math::random() * 1000.0) as u32;
            match read_retry_delay(request.method, &outcome, attempt, jitter) {
                Some(wait_ms) => {
                    sleep_ms(u32::try_from(wait_ms).unwrap_or(u32::MAX)).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }
}

/// What must happen before the pages run: in mock mode, the scenario the
/// configuration or the address bar names is set on the mock, and a name
/// the mock does not know is reported as a configuration error (in the
/// mock's own words, which list the names it knows).
pub async fn prepare(config: &AppConfig) -> Result<(), ConfigError> {
    let Some(name) = config.mock_scenario.as_deref() else {
        return Ok(());
    };
    if config.mode != Mode::Mock {
        return Ok(());
    }
    let control = MockControl::new(AppTransport::for_config(config));
    control
        .set_scenario(name)
        .await
        .map_err(|error| ConfigError::UnknownScenario {
            given: name.to_owned(),
            reason: error.to_string(),
        })
}

/// The mock backend's control API (`/__mock/*`), as the developer panel
/// uses it: plain HTTP requests through the app's transport.
#[derive(Debug, Clone, Copy)]
pub struct MockControl<T> {
    transport: T,
}

/// The scenarios the mock knows, and the one in force.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Scenarios {
    pub current: String,
    pub names: Vec<String>,
}

/// A fault the mock can inject into the next request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FaultPreset {
    pub key: String,
    pub label: String,
}

/// The mock's faults: the added latency and the presets it offers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Faults {
    pub latency_ms: u64,
    pub presets: Vec<FaultPreset>,
}

/// An answer to `POST /__mock/advance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct ClockOffset {
    pub clock_offset_ms: u64,
}

/// An answer to `POST /__mock/sample_charges`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct SampleChargesAdded {
    pub added: u32,
}

/// An answer to `POST /__mock/bulk`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct BulkDataSet {
    pub count: u32,
}

impl<T: Transport> MockControl<T> {
    pub fn new(transport: T) -> Self {
        Self { transport }
    }

    /// The control API lives on this app's origin in mock mode (any host
    /// reaches it; the mock routes by path).
    fn request(method: Method, command: &str, body: Option<serde_json::Value>) -> HttpRequest {
        let url = Url::parse(&dom::origin())
            .and_then(|origin| origin.join(&format!("/__mock/{command}")))
            .unwrap_or_else(|_| {
                // The page's own origin always parses; a fixed loopback
                // address keeps this total.
                Url::parse("http://127.0.0.1/__mock/").expect("a literal URL")
            });
        let request = HttpRequest::new(method, url);
        match body {
            Some(body) => request.with_json_body(body.to_string()),
            None => request,
        }
    }

    async fn call<R: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        command: &str,
        body: Option<serde_json::Value>,
    ) -> Result<R, ApiError> {
        let response = self
            .transport
            .send(Self::request(method, command, body))
            .await
            .map_err(ApiError::from)?;
        parse_json(&response)
    }

    pub async fn scenarios(&self) -> Result<Scenarios, ApiError> {
        self.call(Method::Get, "scenarios", None).await
    }

    pub async fn set_scenario(&self, name: &str) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::Put, "scenario", Some(json!({ "name": name })))
            .await
            .map(drop)
    }

    pub async fn faults(&self) -> Result<Faults, ApiError> {
        self.call(Method::Get, "faults", None).await
    }

    pub async fn set_latency(&self, ms: u64) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::Patch, "faults", Some(json!({ "latency_ms": ms })))
            .await
            .map(drop)
    }

    /// Queues the preset `key` for the next API request.
    pub async fn fail_next_request(&self, key: &str) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::Post, "faults/next", Some(json!({ "preset": key })))
            .await
            .map(drop)
    }

    pub async fn reset(&self) -> Result<(), ApiError> {
        self.call::<serde_json::Value>(Method::Post, "reset", Some(json!({})))
            .await
            .map(drop)
    }

    /// Moves the mock's clock `ms` ahead; answers the total offset.
    pub async fn advance(&self, ms: u64) -> Result<ClockOffset, ApiError> {
        self.call(Method::Post, "advance", Some(json!({ "ms": ms })))
            .await
    }

    pub async fn add_sample_charges(
        &self,
        count: u32,
        client_id: &str,
    ) -> Result<SampleChargesAdded, ApiError> {
        let body = json!({ "count": count, "client_id": client_id });
        self.call(Method::Post, "sample_charges", Some(body)).await
    }

    pub async fn load_bulk_data(
        &self,
        count: u32,
        client_id: &str,
    ) -> Result<BulkDataSet, ApiError> {
        let body = json!({ "count": count, "client_id": client_id });
        self.call(Method::Post, "bulk", Some(body)).await
    }
}
