//! The network behind `api::transport::Transport`: `fetch` with a timeout.
//! Mock mode uses it too: the demo's mock backend, a Service Worker,
//! answers the same requests (see `web::mock_worker`).

use gloo_net::http::RequestBuilder;
use wasm_bindgen::JsCast;

use crate::api::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// A request that has not answered by then has hung: say so rather than
/// spin forever.
pub const DEFAULT_TIMEOUT_MS: u32 = 12_000;
// Long enough for a slow gateway, short enough that a buyer is not left
// looking at a spinner: the 10-15 s the widget promises.
const _: () = assert!(DEFAULT_TIMEOUT_MS >= 10_000 && DEFAULT_TIMEOUT_MS <= 15_000);

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

/// Waits a page can cut short: when the page is left it calls
/// [`Sleeper::wake`], which clears the pending timer and ends the wait at
/// once, so no timer outlives the page (the loop that waited then sees it
/// is no longer wanted and stops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sleeper(u32);

struct PendingWait {
    sleeper: u32,
    timer: i32,
    resolve: js_sys::Function,
}

thread_local! {
    static PENDING_WAITS: std::cell::RefCell<Vec<PendingWait>> =
        const { std::cell::RefCell::new(Vec::new()) };
    static NEXT_SLEEPER: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

impl Sleeper {
    pub fn new() -> Self {
        Self(NEXT_SLEEPER.with(|next| {
            let id = next.get();
            next.set(id.wrapping_add(1));
            id
        }))
    }

    /// Resolves after `ms` milliseconds, or sooner on [`Self::wake`].
    pub async fn sleep_ms(self, ms: u32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let scheduled = web_sys::window().map(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    &resolve,
                    i32::try_from(ms).unwrap_or(i32::MAX),
                )
            });
            match scheduled {
                Some(Ok(timer)) => PENDING_WAITS.with(|waits| {
                    waits.borrow_mut().push(PendingWait {
                        sleeper: self.0,
                        timer,
                        resolve,
                    })
                }),
                // No timer available: resolve at once rather than never.
                _ => {
                    let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
                }
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        self.forget_waits();
    }

    /// Ends this sleeper's waits now and clears their timers.
    pub fn wake(self) {
        for wait in self.forget_waits() {
            if let Some(window) = web_sys::window() {
                window.clear_timeout_with_handle(wait.timer);
            }
            let _ = wait.resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    }

    fn forget_waits(self) -> Vec<PendingWait> {
        PENDING_WAITS.with(|waits| {
            let mut waits = waits.borrow_mut();
            let (mine, others) = std::mem::take(&mut *waits)
                .into_iter()
                .partition(|w| w.sleeper == self.0);
            *waits = others;
            mine
        })
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Self::new()
    }
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
        let failed = |err: gloo_net::Error| {
            if signal.aborted() {
                TransportError::Timeout
            } else {
                TransportError::Network(err.to_string())
            }
        };
        // The timer runs until the whole body is in: a server that sends
        // its headers and then stalls has hung too.
        let received = match sent {
            Ok(response) => {
                let mut headers = Vec::new();
                for (name, value) in response.headers().entries() {
                    headers.push((name, value));
                }
                let status = response.status();
                response.text().await.map(|body| (status, headers, body))
            }
            Err(err) => Err(err),
        };
        if let (Some(window), Some(id)) = (web_sys::window(), timer) {
            window.clear_timeout_with_handle(id);
        }
        let (status, headers, body) = received.map_err(failed)?;
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
