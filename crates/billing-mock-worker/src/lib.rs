//! The mock backend for the browser demo, run by its Service Worker
//! (`public/mock-sw.js`): the worker hands each intercepted request over as
//! plain data, this crate answers it with the same code `mock-server`
//! runs, and the worker turns the answer into a `Response`.
//!
//! The exchange is JSON text both ways, so the glue stays a handful of
//! lines and the rules stay here, tested on the host:
//!
//! - request: `{"method", "url", "headers": [[name, value]...], "body"}`
//! - answer: `{"status", "headers", "body", "delay_ms"}`, or `{"hang": true}`
//!   for a request the mock never answers.
//!
//! The worker keeps the state (see [`MockHost::state`]) and gives it back
//! when it starts again, so a browser that stops an idle worker loses
//! nothing.

use serde::{Deserialize, Serialize};
use url::Url;

use billing_core::api::transport::{HttpRequest, Method};
use billing_mock::{MockBackend, MockReply, MockSettings};

/// One intercepted request, as the worker reads it off the `Request`.
#[derive(Debug, Deserialize)]
pub struct WorkerRequest {
    pub method: String,
    pub url: String,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: Option<String>,
}

/// What the worker answers with.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum WorkerAnswer {
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
        delay_ms: u64,
    },
    Hang {
        hang: bool,
    },
}

/// The demo's mock, serving its pages on `origin` (the demo's own).
pub struct MockHost {
    backend: MockBackend,
    /// The demo's origin, where the mock's pages are served.
    origin: String,
    /// Why a saved state was not used, for the worker's console.
    pub discarded: Option<String>,
}

/// How the demo starts the mock: its pages on the demo's origin, where
/// the widget (whatever client id its configuration names) is the only
/// app, so any client may be sent back to that origin.
pub fn demo_settings(origin: &str) -> MockSettings {
    MockSettings {
        seed: 1,
        pages_origin: Some(origin.trim_end_matches('/').to_owned()),
        any_client_on_pages_origin: true,
        ..MockSettings::default()
    }
}

impl MockHost {
    /// The mock from its `saved` state, or a fresh one when there is none
    /// or it cannot be read (the reason is kept in [`Self::discarded`]).
    pub fn start(saved: Option<&str>, origin: &str) -> Self {
        let settings = demo_settings(origin);
        let mut discarded = None;
        let backend = match saved.map(MockBackend::from_json) {
            Some(Ok(backend)) => backend,
            Some(Err(error)) => {
                discarded = Some(error.to_string());
                MockBackend::with_settings(settings)
            }
            None => MockBackend::with_settings(settings),
        };
        let mut host = Self {
            backend,
            origin: origin.to_owned(),
            discarded,
        };
        host.keep_pages_here();
        host
    }

    /// The mock's pages stay on the demo's origin, whatever state was saved
    /// there (by another port) or put through `PUT /__mock/state` (say, a
    /// native server's).
    fn keep_pages_here(&mut self) {
        let settings = &mut self.backend.state.settings;
        if settings.pages_origin.as_deref() != Some(self.origin.trim_end_matches('/'))
            || !settings.any_client_on_pages_origin
        {
            billing_mock::app::serve_pages_from(&mut self.backend, &self.origin);
            self.backend.state.settings.any_client_on_pages_origin = true;
        }
    }

    /// Answers one request (JSON in, JSON out; see the crate's docs).
    pub fn handle(&mut self, request_json: &str, now_ms: u64) -> String {
        let answer = match parse_request(request_json) {
            Ok(request) => match self.answer(&request, now_ms) {
                MockReply::Respond { response, delay_ms } => WorkerAnswer::Respond {
                    status: response.status,
                    headers: response.headers,
                    body: response.body,
                    delay_ms,
                },
                MockReply::Hang => WorkerAnswer::Hang { hang: true },
            },
            Err(problem) => WorkerAnswer::Respond {
                status: 400,
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: serde_json::json!({
                    "error": "invalid_request",
                    "error_description": problem,
                })
                .to_string(),
                delay_ms: 0,
            },
        };
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string(&answer).unwrap_or_default()
    }

    fn answer(&mut self, request: &HttpRequest, now_ms: u64) -> MockReply {
        let reply = self.backend.handle(request, now_ms);
        self.keep_pages_here();
        reply
    }

    /// The whole state, to keep until the worker starts again.
    pub fn state(&self) -> String {
        self.backend.to_json()
    }
}

fn parse_request(json: &str) -> Result<HttpRequest, String> {
    let raw: WorkerRequest =
        serde_json::from_str(json).map_err(|e| format!("unreadable request: {e}"))?;
    let method = Method::parse(&raw.method)
        .ok_or_else(|| format!("the mock does not answer {:?} requests", raw.method))?;
    let url = Url::parse(&raw.url).map_err(|e| format!("unreadable URL: {e}"))?;
    let mut request = HttpRequest::new(method, url);
    request.headers = raw.headers;
    request.body = raw.body;
    Ok(request)
}

/// The JavaScript face of [`MockHost`].
#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(js_name = MockHost)]
    pub struct JsMockHost(super::MockHost);

    #[wasm_bindgen(js_class = MockHost)]
    impl JsMockHost {
        #[wasm_bindgen(constructor)]
        pub fn new(saved: Option<String>, origin: &str) -> JsMockHost {
            JsMockHost(super::MockHost::start(saved.as_deref(), origin))
        }

        /// Why the saved state was not used, if it was not.
        #[wasm_bindgen(getter)]
        pub fn discarded(&self) -> Option<String> {
            self.0.discarded.clone()
        }

        /// `now_ms` is `Date.now()`: a whole, non-negative number of ms.
        pub fn handle(&mut self, request_json: &str, now_ms: f64) -> String {
            let now_ms = if now_ms.is_finite() && now_ms > 0.0 {
                now_ms as u64
            } else {
                0
            };
            self.0.handle(request_json, now_ms)
        }

        pub fn state(&self) -> String {
            self.0.state()
        }
    }
}
