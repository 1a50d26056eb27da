//! The two browser transports behind `api::transport::Transport`: the real
//! network (`fetch`, with a timeout) and the in-page mock backend. The UI
//! picks one by mode and otherwise cannot tell them apart.

use std::cell::RefCell;

use gloo_net::http::RequestBuilder;
use wasm_bindgen::JsCast;

use crate::api::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::mock::{MockBackend, MockReply};

/// A request that has not answered by then has hung: say so rather than
/// spin forever.
pub const DEFAULT_TIMEOUT_MS: u32 = 12_000;

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let scheduled = web_sys::window().map(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                i32::try_from(ms).unwrap_or(i32::MAX),
            )
        });
        if !matches!(scheduled, Some(Ok(_))) {
            // No timer available: resolve at once rather than never.
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// `fetch` with an abort after `timeout_ms`.
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    pub timeout_ms: u32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self {
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let controller = web_sys::AbortController::new()
            .map_err(|_| TransportError::Network("AbortController is unavailable".into()))?;
        let signal = controller.signal();
        let abort = wasm_bindgen::closure::Closure::once(move || controller.abort());
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                abort.as_ref().unchecked_ref(),
                i32::try_from(self.timeout_ms).unwrap_or(i32::MAX),
            )
            .ok()
        });

        let mut builder = RequestBuilder::new(request.url.as_str())
            .method(to_gloo_method(request.method))
            .abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let sent = match request.body {
            Some(body) => {
                builder
                    .body(body)
                    .map_err(|e| TransportError::Network(e.to_string()))?
                    .send()
                    .await
            }
            None => builder.send().await,
        };
        if let (Some(window), Some(id)) = (web_sys::window(), timer) {
            window.clear_timeout_with_handle(id);
        }
        let response = sent.map_err(|err| {
            if signal.aborted() {
                TransportError::Timeout
            } else {
                TransportError::Network(err.to_string())
            }
        })?;
        let mut headers = Vec::new();
        for (name, value) in response.headers().entries() {
            headers.push((name, value));
        }
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|err| TransportError::Network(err.to_string()))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

fn to_gloo_method(method: crate::api::transport::Method) -> gloo_net::http::Method {
    use crate::api::transport::Method as M;
    match method {
        M::Get => gloo_net::http::Method::GET,
        M::Post => gloo_net::http::Method::POST,
        M::Put => gloo_net::http::Method::PUT,
        M::Patch => gloo_net::http::Method::PATCH,
        M::Delete => gloo_net::http::Method::DELETE,
    }
}

/// localStorage key of the mock's state.
pub const MOCK_STATE_KEY: &str = "billing-widget.mock-state";

/// The mock backend inside the page. Its state lives in localStorage and is
/// re-read before every request, so a reload or a second tab sees the same
/// charges, as with a real server. Where storage is unavailable the state
/// is kept in memory for the life of the page.
#[derive(Debug, Clone, Copy)]
pub struct MockTransport {
    seed: u64,
    timeout_ms: u32,
}

thread_local! {
    /// The last state seen, for pages without localStorage.
    static IN_MEMORY: RefCell<Option<MockBackend>> = const { RefCell::new(None) };
}

impl MockTransport {
    /// `seed` makes ids and rates of a fresh mock repeat.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }

    /// The same transport with another timeout (tests use short ones).
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    /// Runs `change` on the backend (e.g. the mock confirmation page
    /// accepting a charge) and saves the result. `change` must not call
    /// `with_backend` itself.
    pub fn with_backend<R>(&self, change: impl FnOnce(&mut MockBackend) -> R) -> R {
        IN_MEMORY.with(|slot| {
            let mut slot = slot.borrow_mut();
            let mut backend = load_mock_state()
                .or_else(|| slot.take())
                .unwrap_or_else(|| MockBackend::new(self.seed));
            let result = change(&mut backend);
            save_mock_state(&backend);
            *slot = Some(backend);
            result
        })
    }
}

impl Transport for MockTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let now = js_sys::Date::now();
        // Date.now() is a whole number of milliseconds since the epoch.
        let now_ms = if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        };
        let reply = self.with_backend(|backend| backend.handle(&request, now_ms));
        match reply {
            MockReply::Respond { response, delay_ms } => {
                if delay_ms > 0 {
                    sleep_ms(
                        u32::try_from(delay_ms)
                            .unwrap_or(u32::MAX)
                            .min(self.timeout_ms),
                    )
                    .await;
                }
                if delay_ms >= u64::from(self.timeout_ms) {
                    return Err(TransportError::Timeout);
                }
                Ok(response)
            }
            MockReply::Hang => {
                sleep_ms(self.timeout_ms).await;
                Err(TransportError::Timeout)
            }
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn load_mock_state() -> Option<MockBackend> {
    let text = local_storage()?.get_item(MOCK_STATE_KEY).ok().flatten()?;
    match MockBackend::from_json(&text) {
        Ok(backend) => Some(backend),
        Err(err) => {
            web_sys::console::warn_1(&err.to_string().into());
            None
        }
    }
}

fn save_mock_state(backend: &MockBackend) {
    if let Some(storage) = local_storage() {
        // A full or disabled storage only costs persistence across reloads.
        let _ = storage.set_item(MOCK_STATE_KEY, &backend.to_json());
    }
}
