//! Which server the widget talks to, and the one transport every page uses.
//!
//! Live mode sends requests to the configured services; mock mode sends the
//! very same requests, to the same URLs, and the demo's mock backend (a
//! Service Worker, see [`super::mock_worker`]) answers them in the browser.
//! Either way the pages send HTTP requests (method, URL, headers, body)
//! through [`AppTransport`] and cannot tell the two apart; the mock's
//! developer controls are HTTP requests too (`/__mock/*`, see
//! [`MockControl`]).

use std::future::Future;
use std::pin::Pin;

use serde::Deserialize;
use serde_json::json;
use url::Url;

use super::dom;
use super::mock_worker;
use super::transport::{sleep_ms, FetchTransport};
use crate::api::transport::{
    read_retry_delay, refuse_mock_backend, HttpRequest, HttpResponse, Method, Transport,
    TransportError,
};
use crate::api::wire::parse_json;
use crate::api::ApiError;
use crate::config::{AppConfig, ConfigError, Mode};

/// The mock's sign-in page, on this app's origin in mock mode.
pub const MOCK_SIGN_IN_PATH: &str = "/mock/authorize";

type Exchange = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>>>>;

/// The network, or a transport the embedding code supplies (the browser
/// tests' in-process mock): the pages cannot tell them apart.
#[derive(Clone, Copy)]
pub enum AppTransport {
    /// `fetch`. `accept_mock` takes answers marked as a mock backend's
    /// (mock mode, or the configuration's `allow_mock_backend`), which live
    /// mode otherwise refuses; `via_mock_worker` waits for the demo's mock
    /// backend to take over this page first.
    Network {
        transport: FetchTransport,
        accept_mock: bool,
        via_mock_worker: bool,
    },
    Custom(&'static (dyn Fn(HttpRequest) -> Exchange + Send + Sync)),
}

impl std::fmt::Debug for AppTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network {
                accept_mock,
                via_mock_worker,
                ..
            } => f
                .debug_struct("Network")
                .field("accept_mock", accept_mock)
                .field("via_mock_worker", via_mock_worker)
                .finish(),
            Self::Custom(_) => f.write_str("Custom"),
        }
    }
}

impl AppTransport {
    /// The transport for `config`'s mode. In mock mode this starts the
    /// demo's mock backend, in the background: the first request waits
    /// for it, the first paint does not.
    pub fn for_config(config: &AppConfig) -> Self {
        let mock_mode = config.mode == Mode::Mock;
        if mock_mode {
            mock_worker::start(&api_origins(config));
        }
        Self::Network {
            transport: FetchTransport::default(),
            accept_mock: mock_mode || config.allow_mock_backend,
            via_mock_worker: mock_mode,
        }
    }

    /// Any other transport (the browser tests' in-process mock). It lives
    /// as long as the page, as the app's transport does.
    pub fn custom<T: Transport + Clone + Send + Sync + 'static>(transport: T) -> Self {
        Self::Custom(Box::leak(Box::new(move |request| {
            let transport = transport.clone();
            Box::pin(async move { transport.send(request).await }) as Exchange
        })))
    }

    async fn send_once(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            Self::Network {
                transport,
                accept_mock,
                via_mock_worker,
            } => {
                if *via_mock_worker {
                    mock_worker::ready().await?;
                }
                let response = transport.send(request).await;
                // Live mode takes no mock backend's answers unless told to.
                if *accept_mock {
                    response
                } else {
                    response.map(refuse_mock_backend)
                }
            }
            Self::Custom(send) => send(request).await,
        }
    }
}

/// The origins of the services `config` names: the ones the demo's mock
/// backend answers for.
pub fn api_origins(config: &AppConfig) -> Vec<String> {
    let mut origins: Vec<String> = [
        &config.livechat.accounts_url,
        &config.livechat.billing_api_url,
        &config.bidali.api_url,
        &config.plans.api_url,
    ]
    .iter()
    .map(|url| url.origin().ascii_serialization())
    .collect();
    origins.sort();
    origins.dedup();
    origins
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

/// The widget itself was served at one of the mock's own addresses
/// (`/mock/...`): the page was loaded before the demo's mock backend took
/// this origin over (a first visit, a hard reload). Once it has, the
/// address is loaded again, for the mock to answer. An error says why that
/// cannot happen; a page that came through the worker already is never
/// reloaded, so this cannot loop.
pub async fn reload_into_mock_page() -> Result<(), TransportError> {
    if mock_worker::served_this_page() {
        return Err(TransportError::Network(
            "the demo's mock backend serves no page at this address".to_owned(),
        ));
    }
    mock_worker::ready().await?;
    dom::reload();
    Ok(())
}

/// What must happen before the pages run: in mock mode, the scenario the
/// configuration or the address bar names is set on the mock, and a name
/// the mock does not know is reported as a configuration error (in the
/// mock's own words, which list the names it knows).
pub async fn prepare(config: &AppConfig, transport: AppTransport) -> Result<(), ConfigError> {
    let Some(name) = config.mock_scenario.as_deref() else {
        return Ok(());
    };
    if config.mode != Mode::Mock {
        return Ok(());
    }
    MockControl::new(transport)
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
