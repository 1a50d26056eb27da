//! Paying in crypto through Bidali: `/crypto` starts a charge for a catalog
//! item or a typed amount (start.rs); `/crypto/:id` shows its quotes, then
//! the chosen currency's address, amount, QR code and countdown, follows the
//! charge on the polling schedule, and ends with a receipt or a way forward
//! (payment.rs). The pieces both draw are in parts.rs; what the two pages
//! share is here.
//!
//! Creating a Bidali charge moves no money (the buyer pays by sending
//! coins), so a failed create may simply be tried again. The countdown runs
//! on the server's clock, learnt from each answer's `Date` (or the new
//! charge's `createdAt`), so a device clock that is off does not mislead.
//! The rules (the form's check, the offers' totals, what arrived and what is
//! left to send, the verdict) are the core's: `flow::crypto_start`,
//! `flow::crypto_payment`, `domain::crypto_checkout` and `api::bidali`.

pub mod parts;
mod payment;
mod start;

pub use payment::CryptoCharge;
pub use start::CryptoStart;

use leptos::prelude::*;

use crate::api::bidali::{key_problem, BidaliClient, KeyProblem};
use crate::api::ApiError;
use crate::flow::crypto_start::{OpenChargeFlow, Opening, START_PATH};
use crate::i18n::t;
use crate::ui::components::{router_navigate, set_if_changed, ErrorNotice};
use crate::ui::services::AppTransport;
use crate::web::flow_requests;
use crate::web::runner::{Hooks, Runner};
use crate::web::server_clock::{ClockSampling, SampledClock};

type Client = BidaliClient<ClockSampling<AppTransport>>;

/// The route of the start page.
const BASE: &str = START_PATH;

/// What a Bidali key problem means here: its keys are not the LiveChat
/// sign-in.
fn key_problem_text(problem: KeyProblem) -> String {
    match problem {
        KeyProblem::NotSetUp(message) => (t().bidali_not_set_up)(&message),
        KeyProblem::Refused => t().bidali_key_refused.to_owned(),
    }
}

/// An error from Bidali, with its way forward.
/// `reading`: the request only read data (see [`ErrorNotice`]).
fn bidali_error(
    error: ApiError,
    retry: Option<Callback<()>>,
    testid: &'static str,
    reading: bool,
) -> AnyView {
    match key_problem(&error) {
        Some(problem) => {
            let message = key_problem_text(problem);
            view! {
                <div class="notice notice-error" role="alert" data-testid=testid>
                    <p data-testid="error-message">{message}</p>
                </div>
            }
            .into_any()
        }
        None => match retry {
            Some(retry) => view! { <ErrorNotice error retry testid reading/> }.into_any(),
            None => view! { <ErrorNotice error testid/> }.into_any(),
        },
    }
}

/// A runner for opening charges on this page, showing its state in
/// `opening`; it stops when the page goes.
fn open_charge_runner(
    client: Client,
    clock: SampledClock,
    opening: RwSignal<Opening>,
) -> StoredValue<Runner<OpenChargeFlow>, LocalStorage> {
    let runner = Runner::new(
        OpenChargeFlow::default(),
        Hooks {
            changed: Box::new(move |flow: &OpenChargeFlow| {
                set_if_changed(opening, flow.opening().clone());
            }),
            sign_in_again: Box::new(|| {}),
            navigate: Some(router_navigate()),
        },
    );
    runner.send_with(flow_requests::open_charge(client, clock));
    let runner = StoredValue::new_local(runner);
    on_cleanup(move || {
        runner.try_with_value(Runner::stop);
    });
    runner
}
