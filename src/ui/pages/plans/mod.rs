//! The recurring billing plans manager: the plans list (20 a page, name and
//! account filters, page and filters in the address), opening a plan by id
//! or `*code`, creating a plan and changing one. The rules (validation,
//! cycle codes, money parsing) live in `domain::plan`; this module only
//! draws the forms and sends what the core built. What the list, the form
//! and the plan's page share is here.

mod detail;
mod form;
mod list;

pub use detail::PlanDetail;
pub use form::PlanCreate;
pub use list::Plans;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::plans::{PlansApi, PlansClient};
use crate::domain::plan::{BillingCycle, Plan, PlanCode, PlanId, PlanRef};
use crate::flow::plan_save::{plan_path, PlanSaveFlow, SavePhase};
use crate::i18n::{locale, t};
use crate::ui::components::{date_text, money, shown_raw, PageHeader};
use crate::ui::services::{PlansUnavailable, Services};
use crate::web::flow_requests;
use crate::web::runner::{Hooks, Navigate, Runner};

const BASE: &str = "/plans";

// ---------------------------------------------------------------------------
// Small decisions, kept apart from the views
// ---------------------------------------------------------------------------

/// "Monthly (M)"; a code this page does not know is shown as it is.
fn cycle_text(cycle: &BillingCycle) -> String {
    match cycle {
        BillingCycle::Other(code) => (t().cycle_unknown)(&shown_raw(code)),
        known => format!("{} ({})", known.label_in(locale()), known.code()),
    }
}

/// What the "Open plan" box accepts: digits are an id; `*code` (or a bare
/// code) is a plan code.
fn parse_plan_ref(raw: &str) -> Result<PlanRef, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(t().plan_ref_empty.to_owned());
    }
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return match raw.parse::<i64>() {
            Ok(id) if id > 0 => Ok(PlanRef::Id(PlanId(id))),
            _ => Err(t().plan_id_invalid.to_owned()),
        };
    }
    let code = raw.strip_prefix('*').unwrap_or(raw);
    PlanCode::parse(code)
        .map(PlanRef::Code)
        .map_err(|e| (t().plan_code_invalid)(&e.problem_in(locale())))
}

/// `/plans/5001` or `/plans/*starter-monthly`.
fn plan_href(reference: &PlanRef) -> String {
    plan_path(reference)
}

/// A runner for one plan form's saves, showing its state in `phase`
/// (every step, so a second refused submit moves the focus again); it
/// stops when the page goes. `navigate` opens a created plan's page.
fn save_runner(
    api: &PlansApi,
    phase: RwSignal<SavePhase>,
    navigate: Option<Navigate>,
) -> StoredValue<Runner<PlanSaveFlow>, LocalStorage> {
    let services = expect_context::<Services>();
    let runner = Runner::new(
        PlanSaveFlow::default(),
        Hooks {
            changed: Box::new(move |flow: &PlanSaveFlow| {
                phase.try_set(flow.phase().clone());
            }),
            // The mock's plans API asks for no sign-in.
            sign_in_again: Box::new(|| {}),
            navigate,
        },
    );
    runner.send_with(flow_requests::plan_save(PlansClient::new(
        api.clone(),
        services.transport,
    )));
    let runner = StoredValue::new_local(runner);
    on_cleanup(move || {
        runner.try_with_value(Runner::stop);
    });
    runner
}

fn focus_by_id(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/// A page about one plan (a new one, or one that exists): its heading, the
/// way back to the list, then `body`.
fn plan_page(
    testid: &'static str,
    title: &'static str,
    lead: &'static str,
    body: AnyView,
) -> impl IntoView {
    view! {
        <div data-testid=testid>
            <PageHeader title lead/>
            <p class="back-link"><a href=BASE>{t().all_plans_back}</a></p>
            {body}
        </div>
    }
}

/// Live mode without credentials, or an unusable address: why, instead of
/// requests that would fail obscurely.
fn unavailable(reason: PlansUnavailable) -> impl IntoView {
    let reason = match reason {
        PlansUnavailable::BadAddress(error) => (t().plans_address_unusable)(&error.to_string()),
        PlansUnavailable::NeedsGatewayKeys(api) => (t().plans_need_gateway_keys)(&api),
    };
    view! {
        <section class="card notice plans-unavailable" data-testid="plans-unavailable">
            <h2>{t().plans_unavailable}</h2>
            <p>{reason}</p>
        </section>
    }
}

fn active_badge(active: bool) -> impl IntoView {
    let (class, marker, text) = if active {
        ("badge plan-active badge-paid", "✓", t().plan_active)
    } else {
        ("badge plan-active badge-ended", "–", t().plan_inactive)
    };
    view! {
        <span class=class data-testid="plan-active" data-active=active.to_string()>
            <span class="badge-marker" aria-hidden="true">{marker}</span>
            {text}
        </span>
    }
}

fn tax_text(tax: Option<crate::domain::money::Cents>, currency: &str) -> String {
    tax.map(|t| money(t, currency))
        .unwrap_or_else(|| t().no_tax.to_owned())
}

/// The day a plan was made, the page's way (`2019-04-09`, `9 kwi 2019`).
fn created_text(plan: &Plan) -> String {
    plan.create_date
        .map(|d| date_text(&d.date_string()))
        .unwrap_or_else(|| "—".to_owned())
}
