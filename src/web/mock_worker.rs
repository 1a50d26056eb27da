//! Starts the demo's mock backend, a Service Worker (`public/mock-sw.js`)
//! that answers the APIs' URLs, the mock's pages and its control routes
//! in this browser. Its code and data load apart from the widget, after
//! the widget has started, and only in mock mode: a live build and the
//! demo download the same widget.
//!
//! Pages never call this: [`super::backend::AppTransport`] waits for
//! [`ready`] before its first request in mock mode, and then sends plain
//! `fetch` requests, as in live mode.

use std::cell::RefCell;

use url::Url;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::api::transport::TransportError;

/// The worker's script. Its scope is the whole origin, so that it sees the
/// mock's pages (`/mock/...`) as well as the widget's requests.
pub const SCRIPT_PATH: &str = "/mock-sw.js";

/// localStorage key that, set to `"0"`, turns the simulated network delay
/// off, so benchmarks time the widget's own work rather than the random
/// 120-360 ms a demo waits (added latency and faults still apply).
pub const NETWORK_DELAY_KEY: &str = "billing-widget.mock-network-delay";

/// How long the worker may take to start before the demo says it cannot.
const START_TIMEOUT_MS: i32 = 20_000;

thread_local! {
    /// The one start of the worker, shared by every request that waits.
    static STARTED: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// The worker's address: `api` names each origin it answers for.
pub fn script_url(origin: &str, api_origins: &[String], delay: bool) -> Option<Url> {
    let mut url = Url::parse(origin).ok()?.join(SCRIPT_PATH).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for api in api_origins {
            query.append_pair("api", api);
        }
        if !delay {
            query.append_pair("delay", "off");
        }
    }
    Some(url)
}

/// Starts the worker for `api_origins` (once; later calls do nothing).
pub fn start(api_origins: &[String]) {
    STARTED.with(|started| {
        if started.borrow().is_some() {
            return;
        }
        let api_origins = api_origins.to_vec();
        let promise = wasm_bindgen_futures::future_to_promise(async move {
            take_control(&api_origins)
                .await
                .map(|()| JsValue::UNDEFINED)
        });
        *started.borrow_mut() = Some(with_timeout(promise));
    });
}

/// Resolves once the worker answers this page's requests; a start that
/// failed gives its reason, for every request to report.
pub async fn ready() -> Result<(), TransportError> {
    let Some(promise) = STARTED.with(|started| started.borrow().clone()) else {
        return Err(TransportError::Network(
            "the demo's mock backend was not started".to_owned(),
        ));
    };
    JsFuture::from(promise).await.map(drop).map_err(|error| {
        let why = error
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| error.as_string())
            .unwrap_or_else(|| "it did not say why".to_owned());
        TransportError::Network(format!("the demo's mock backend could not start: {why}"))
    })
}

/// Whether this document itself was fetched through a Service Worker (it
/// was loaded after the worker took over; one that took over later, while
/// the page loaded, does not count).
pub fn served_this_page() -> bool {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|performance| performance.get_entries_by_type("navigation"))
        .and_then(|entries| {
            let entry = entries.get(0);
            js_sys::Reflect::get(&entry, &JsValue::from_str("workerStart")).ok()
        })
        .and_then(|start| start.as_f64())
        .is_some_and(|start| start > 0.0)
}

fn container() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    // `navigator.serviceWorker` is missing outside secure contexts and in
    // some private windows.
    let present = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker"))
        .is_ok_and(|value| !value.is_undefined() && !value.is_null());
    present.then(|| navigator.service_worker())
}

fn network_delay() -> bool {
    let off = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(NETWORK_DELAY_KEY).ok().flatten())
        .is_some_and(|value| value == "0");
    !off
}

async fn take_control(api_origins: &[String]) -> Result<(), JsValue> {
    let container = container().ok_or_else(|| {
        js_sys::Error::new(
            "this browser runs no Service Worker here (it needs https or localhost, \
             and some private windows turn them off)",
        )
    })?;
    let url = script_url(&super::dom::origin(), api_origins, network_delay())
        .ok_or_else(|| js_sys::Error::new("this page's address is unusable"))?;
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/");
    JsFuture::from(container.register_with_options(url.as_str(), &options)).await?;
    let registration: web_sys::ServiceWorkerRegistration =
        JsFuture::from(container.ready()?).await?.unchecked_into();
    if container.controller().is_some() {
        return Ok(());
    }
    // A page loaded past the worker (the first visit, a hard reload) is
    // taken over once the worker claims it.
    let taken_over = js_sys::Promise::new(&mut |resolve, _| {
        container.set_oncontrollerchange(Some(&resolve));
    });
    if let Some(active) = registration.active() {
        active.post_message(&JsValue::from_str("claim"))?;
    }
    JsFuture::from(taken_over).await?;
    container.set_oncontrollerchange(None);
    Ok(())
}

/// `promise`, or a rejection saying it took too long.
fn with_timeout(promise: js_sys::Promise) -> js_sys::Promise {
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let error = js_sys::Error::new("it did not start within 20 seconds");
        let callback = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.unchecked_ref(),
                START_TIMEOUT_MS,
            );
        }
    });
    js_sys::Promise::race(&js_sys::Array::of2(&promise, &timeout))
}
