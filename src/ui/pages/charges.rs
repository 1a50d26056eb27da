//! The charges list (20 a page, status filter, page and filter in the
//! address) and the detail page of one charge.

use leptos::prelude::*;

use crate::api::livechat::{BillingApi, DirectCharge, DirectChargeQuery};
use crate::api::Endpoint;
use crate::domain::charge::{ChargeKind, DirectChargeId, DirectChargeStatus};
use crate::domain::checkout::{direct_activated, direct_timeline, Outcome};
use crate::domain::oauth::AccessToken;
use crate::i18n::{locale, t};
use crate::ui::components::{
    confirmation_view, detail_page, list_page, loaded_detail, money, shown_raw, status_help,
    time_view, unknown_help, yes_no, DetailSpec, ListQuery, ListSpec, Refresh, RefreshButton,
    StatusBadge, Tone,
};
use crate::ui::timeline::StatusTimeline;
use crate::web::runner::logged_activation;

/// Wire statuses a charge list can be filtered by.
const DIRECT_FILTERS: [&str; 6] = [
    "pending",
    "accepted",
    "declined",
    "processed",
    "failed",
    "success",
];

fn direct_tone(status: &DirectChargeStatus) -> Tone {
    use DirectChargeStatus as S;
    match status {
        S::Success => Tone::Paid,
        S::Pending | S::Accepted | S::Processed => Tone::Waiting,
        S::Declined | S::Failed => Tone::Failed,
        S::Unknown(_) => Tone::Unknown,
    }
}

fn direct_status_text(status: &DirectChargeStatus) -> String {
    match status {
        DirectChargeStatus::Unknown(raw) => (t().status_unknown)(&shown_raw(raw)),
        known => known.label_in(locale()).to_owned(),
    }
}

// ---------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------

const CHARGES: ListSpec<DirectCharge> = ListSpec {
    base: "/charges",
    texts: |m| &m.charges,
    filters: &DIRECT_FILTERS,
    filter_label: |wire| DirectChargeStatus::from_wire(wire).label_in(locale()),
    request: charges_request,
    row: charge_row,
};

fn charges_request(
    api: &BillingApi,
    token: &AccessToken,
    q: &ListQuery,
) -> Endpoint<Vec<DirectCharge>> {
    let query = DirectChargeQuery {
        page: Some(q.page),
        status: q.status.as_deref().map(DirectChargeStatus::from_wire),
        recurrent_charge_id: None,
    };
    api.list_direct_charges(token, &query)
}

fn charge_row(charge: DirectCharge, currency: &str) -> AnyView {
    let href = format!("/charges/{}", charge.id);
    let total = charge
        .total()
        .map(|total| money(total, currency))
        .unwrap_or_else(|| t().total_too_large.to_owned());
    let each = (charge.quantity != 1)
        .then(|| format!("{} × {}", charge.quantity, money(charge.price, currency)));
    view! {
        <li
            class="card list-row"
            data-testid="charge-row"
            data-status=charge.status.as_str().to_owned()
            data-id=charge.id.as_str().to_owned()
        >
            <div class="list-row-main">
                <a class="list-row-name" href=href data-testid="charge-link">{charge.name.clone()}</a>
                <StatusBadge tone=direct_tone(&charge.status) text=direct_status_text(&charge.status)/>
            </div>
            <div class="list-row-meta">
                <strong class="list-row-amount" data-testid="charge-total">{total}</strong>
                {each.map(|each| view! { <span class="terms">{each}</span> })}
                <span class="terms">{time_view(&charge.created_at)}</span>
                {charge.test.then(|| view! { <span class="badge">{t().test_badge}</span> })}
            </div>
        </li>
    }
    .into_any()
}

#[component]
pub fn Charges() -> impl IntoView {
    list_page("page-charges", t().charges_title, t().charges_lead, CHARGES)
}

// ---------------------------------------------------------------------------
// One charge
// ---------------------------------------------------------------------------

/// What the charge's page says around its card, in the page's locale.
fn charge_detail() -> DetailSpec {
    let m = t();
    DetailSpec {
        testid: "page-charge-detail",
        list: "/charges",
        title: m.charge_title,
        lead: m.charge_lead,
        all_back: m.all_charges_back,
        not_an_address: m.not_a_charge_address,
        not_an_address_detail: m.not_a_charge_detail,
        back_to_list: m.back_to_charges,
        purpose: m.to_see_charge,
        loading: m.loading_charge,
        not_found: m.charge_not_found,
        not_found_detail: m.no_such_charge,
    }
}

#[component]
pub fn ChargeDetail() -> impl IntoView {
    detail_page(charge_detail(), DirectChargeId::parse, |id| {
        view! { <ChargeLoaded id/> }.into_any()
    })
}

#[component]
fn ChargeLoaded(id: DirectChargeId) -> impl IntoView {
    let detail = loaded_detail(
        charge_detail(),
        move |api: &BillingApi, token: &AccessToken| api.get_direct_charge(token, &id),
        |charge: &DirectCharge| direct_status_text(&charge.status),
        |charge, currency, refresh, refreshing| {
            view! { <ChargeCard charge currency refresh refreshing/> }.into_any()
        },
    );
    view! { {detail.announce} {detail.card} }
}

#[component]
fn ChargeCard(
    charge: DirectCharge,
    currency: String,
    refresh: Refresh,
    refreshing: ReadSignal<bool>,
) -> impl IntoView {
    let steps = direct_timeline(
        &charge.status,
        direct_activated(&charge.status, || {
            logged_activation(ChargeKind::Direct, charge.id.as_str())
        }),
    );
    let total = charge
        .total()
        .map(|total| money(total, &currency))
        .unwrap_or_else(|| t().too_large.to_owned());
    let help = match &charge.status {
        DirectChargeStatus::Failed => Some(Outcome::PaymentFailed.message_in(locale())),
        DirectChargeStatus::Declined => Some(Outcome::Declined.message_in(locale())),
        DirectChargeStatus::Accepted => Some(t().purchase_accepted_not_active.to_owned()),
        DirectChargeStatus::Processed => Some(t().collecting_payment.to_owned()),
        DirectChargeStatus::Unknown(raw) => Some(unknown_help(raw)),
        DirectChargeStatus::Pending | DirectChargeStatus::Success => None,
    };
    let pending = (charge.status == DirectChargeStatus::Pending)
        .then(|| confirmation_view(&charge.confirmation_url));
    view! {
        <section
            class="card detail-card"
            data-testid="charge-detail"
            data-status=charge.status.as_str().to_owned()
        >
            <div class="detail-head">
                <h2 data-testid="charge-name">{charge.name.clone()}</h2>
                <StatusBadge tone=direct_tone(&charge.status) text=direct_status_text(&charge.status)/>
            </div>
            {status_help(help, direct_tone(&charge.status))}
            {pending}
            <dl class="details">
                <dt>{t().unit_price}</dt>
                <dd data-testid="charge-price">{money(charge.price, &currency)}</dd>
                <dt>{t().quantity}</dt>
                <dd data-testid="charge-quantity">{charge.quantity}</dd>
                <dt>{t().total}</dt>
                <dd data-testid="charge-total"><strong>{total}</strong></dd>
                <dt>{t().status}</dt>
                <dd data-testid="charge-status">{direct_status_text(&charge.status)}</dd>
                <dt>{t().created}</dt>
                <dd>{time_view(&charge.created_at)}</dd>
                <dt>{t().updated}</dt>
                <dd>{time_view(&charge.updated_at)}</dd>
                <dt>{t().test_charge}</dt>
                <dd data-testid="charge-test">{yes_no(charge.test)}</dd>
                <dt>{t().charge_id}</dt>
                <dd><code data-testid="charge-id">{charge.id.to_string()}</code></dd>
            </dl>
            <h3 class="timeline-heading">{t().progress}</h3>
            <StatusTimeline steps=Signal::stored(steps) label=t().payment_progress/>
            <div class="actions">
                <RefreshButton refresh refreshing/>
            </div>
        </section>
    }
}
