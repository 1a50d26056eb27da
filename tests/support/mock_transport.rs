//! The browser tests' mock backend: the demo's mock (`billing-mock`) run in
//! the test page itself, behind the app's transport
//! (`AppTransport::custom`), since a test page has no Service Worker. Tests
//! set up a case by changing its state in place ([`MockTransport::with_backend`])
//! and then drive the app's pages, which reach it only through HTTP
//! requests, as they reach the demo's Service Worker or a server.
#![allow(dead_code)]

use std::cell::RefCell;

use billing_mock::{app, MockBackend, MockReply};
use billing_widget::api::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use billing_widget::web::dom;
use billing_widget::web::transport::{sleep_ms, DEFAULT_TIMEOUT_MS};

/// As the demo's mock, it answers in a few hundred milliseconds, so the
/// tests see the loading states a buyer sees.
const NETWORK_DELAY_MS: std::ops::Range<u64> = 120..360;

fn network_delay_ms() -> u64 {
    let spread = NETWORK_DELAY_MS.end - NETWORK_DELAY_MS.start;
    // Math.random() is in [0, 1); the product is a small whole number of ms.
    let jitter = (js_sys::Math::random() * spread as f64) as u64;
    NETWORK_DELAY_MS.start + jitter.min(spread)
}

/// localStorage key of the mock's state.
pub const MOCK_STATE_KEY: &str = "billing-widget.mock-state";

/// The mock backend inside the test page. Its state lives in localStorage
/// and is re-read before every request, so every `MockTransport` of a test
/// sees the same charges.
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

    /// The demo's mock, sending buyers to its sign-in and confirmation pages
    /// on `origin` (this app's own).
    pub fn serving_pages_from(seed: u64, origin: &str) -> Self {
        let mock = Self::new(seed);
        mock.with_backend(|backend| app::serve_pages_from(backend, origin));
        mock
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
        let reply = self.with_backend(|backend| backend.handle(&request, dom::now_ms()));
        match reply {
            MockReply::Respond { response, delay_ms } => {
                let delay_ms = delay_ms.saturating_add(network_delay_ms());
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
