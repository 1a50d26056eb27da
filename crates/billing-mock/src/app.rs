//! Setting the mock up beside HTTP: where its sign-in and confirmation pages
//! are served, the fault presets and data sets the control API offers (the
//! developer panel's choices), and the shortcuts the browser tests' in-page
//! mock uses to set a case up. Pure, so the rules are tested on the host.

use url::Url;

use super::control::ScheduledFault;
use super::{bulk, livechat, Fault, MockBackend};
use billing_core::domain::oauth::DEMO_CLIENT_ID;

pub use super::pages::{CONFIRM_PATH, SIGN_IN_PATH};

/// Points the mock's `confirmation_url`s at this app's confirmation page
/// (`origin` as `http://127.0.0.1:8080`, no trailing slash needed).
pub fn serve_pages_from(backend: &mut MockBackend, origin: &str) {
    backend.state.settings.pages_origin = Some(origin.trim_end_matches('/').to_owned());
    backend.state.livechat.confirmation_base = confirmation_base(origin);
}

/// The confirmation page's address on `origin`.
pub fn confirmation_base(origin: &str) -> String {
    format!("{}{CONFIRM_PATH}", origin.trim_end_matches('/'))
}

/// The mock pages only send the browser back into this app: a sign-in or
/// charge naming another site as its return address must not turn the demo
/// into an open redirect.
pub fn stays_in_app(target: &Url, app_origin: &str) -> bool {
    Url::parse(app_origin).is_ok_and(|app| app.origin() == target.origin())
}

/// The faults the developer panel offers for the next request.
pub const NEXT_REQUEST_FAULTS: [(&str, &str); 10] = [
    ("status_500", "500 server error"),
    ("status_503", "503 unavailable"),
    ("rate_limited", "429 rate limited (Retry-After 5 s)"),
    ("hang", "no answer (timeout)"),
    ("malformed_json", "cut-off JSON"),
    ("html_page", "HTML error page (502)"),
    ("unknown_status", "unknown status value"),
    ("lost_response", "lost answer (the work is done)"),
    ("error_after_work", "500 after the work is done"),
    ("no_date", "no Date header"),
];

/// The fault behind a [`NEXT_REQUEST_FAULTS`] key.
pub fn fault_by_key(key: &str) -> Option<Fault> {
    Some(match key {
        "status_500" => Fault::Status { status: 500 },
        "status_503" => Fault::Status { status: 503 },
        "rate_limited" => Fault::RateLimited {
            retry_after_secs: 5,
        },
        "hang" => Fault::Hang,
        "malformed_json" => Fault::MalformedJson,
        "html_page" => Fault::HtmlPage,
        "unknown_status" => Fault::UnknownStatus,
        "lost_response" => Fault::LostResponse,
        "no_date" => Fault::NoDate,
        "error_after_work" => Fault::ErrorAfterWork { status: 500 },
        _ => return None,
    })
}

/// Queues `fault` for the next API request (control requests are never hit).
pub fn fail_next_request(backend: &mut MockBackend, fault: Fault) {
    backend.state.faults.faults.push(ScheduledFault {
        path_prefix: None,
        fault,
        times: 1,
    });
}

/// A fresh backend that keeps serving this app's pages.
pub fn reset(backend: &mut MockBackend, seed: u64, origin: &str) {
    serve_pages_from(backend, origin);
    backend.reset(Some(seed));
}

/// Adds `count` sample direct charges (at most
/// [`livechat::MAX_SAMPLE_CHARGES`]) sold by this app in mock mode
/// ([`DEMO_CLIENT_ID`]), for the charge list's pages and filters; `now_ms`
/// is the page's clock (the mock's clock offset is added). Returns how many
/// were added.
pub fn add_sample_charges(backend: &mut MockBackend, count: u32, now_ms: u64) -> u32 {
    add_sample_charges_for(backend, DEMO_CLIENT_ID, count, now_ms)
}

/// As [`add_sample_charges`], sold by `client_id` (the app's configured
/// client id, so the signed-in app sees them whatever `client_id` says).
pub fn add_sample_charges_for(
    backend: &mut MockBackend,
    client_id: &str,
    count: u32,
    now_ms: u64,
) -> u32 {
    let now_ms = now_ms.saturating_add(backend.state.clock_offset_ms);
    livechat::add_sample_direct_charges(&mut backend.state, client_id, count, now_ms)
}

/// Lists a generated data set of `count` direct charges and `count` ledger
/// lines (at most [`bulk::MAX_BULK_ENTRIES`]) sold by `client_id`, with the
/// stored ones, replacing any earlier set; `now_ms` is the page's clock.
/// Returns the set's size.
pub fn load_bulk_data(backend: &mut MockBackend, client_id: &str, count: u32, now_ms: u64) -> u32 {
    let now_ms = now_ms.saturating_add(backend.state.clock_offset_ms);
    let set = bulk::BulkDataSet::new(
        BULK_SEED,
        count,
        client_id,
        now_ms,
        backend.state.livechat.commission_percent,
    );
    let count = set.count;
    backend.state.livechat.bulk = Some(set);
    count
}

/// The seed of the developer panel's bulk data set.
pub const BULK_SEED: u64 = 1;

/// How far the panel's "skip ahead" button moves the mock's clock.
pub const SKIP_AHEAD_MS: u64 = 5 * 60 * 1000;

/// Moves the mock's clock (not the device's) `ms` ahead, as
/// `POST /__mock/advance` does: quotes expire, payers act and billing
/// periods pass without waiting. Returns the total offset.
pub fn skip_ahead(backend: &mut MockBackend, ms: u64) -> u64 {
    backend.state.clock_offset_ms = backend.state.clock_offset_ms.saturating_add(ms);
    backend.state.clock_offset_ms
}
