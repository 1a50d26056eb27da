//! The subscriptions list (20 a page, status filter, page and filter in the
//! address) and the detail page of one subscription, with its cancel
//! dialog.

use std::rc::Rc;

use leptos::prelude::*;

use crate::api::livechat::{BillingApi, RecurrentCharge, RecurrentChargeQuery};
use crate::api::{Endpoint, Timestamp};
use crate::domain::charge::{ChargeKind, RecurrentChargeId, RecurrentChargeStatus};
use crate::domain::checkout::{recurrent_activated, recurrent_timeline, Outcome};
use crate::domain::oauth::AccessToken;
use crate::flow::subscription_cancel::{
    subscription_in_trial, CancelFlow, CancelPhase, Event, RefundOutlook,
};
use crate::i18n::{locale, t};
use crate::ui::auth::Auth;
use crate::ui::components::set_if_changed;
use crate::ui::components::{
    confirmation_view, date_or_dash, detail_page, list_page, loaded_detail, money, shown_raw,
    status_help, time_view, unknown_help, yes_no, DetailSpec, ErrorNotice, ListQuery, ListSpec,
    Refresh, RefreshButton, StatusBadge, Tone,
};
use crate::ui::services::Services;
use crate::ui::timeline::StatusTimeline;
use crate::web::dom;
use crate::web::flow_requests;
use crate::web::runner::{logged_activation, Hooks, Runner};

/// Wire statuses a subscription list can be filtered by.
const RECURRENT_FILTERS: [&str; 8] = [
    "pending",
    "accepted",
    "declined",
    "processed",
    "active",
    "past_due",
    "frozen",
    "cancelled",
];

// ---------------------------------------------------------------------------
// Small decisions, kept apart from the views
// ---------------------------------------------------------------------------

fn recurrent_tone(status: &RecurrentChargeStatus) -> Tone {
    use RecurrentChargeStatus as S;
    match status {
        S::Active => Tone::Paid,
        S::Pending | S::Accepted | S::Processed => Tone::Waiting,
        S::Declined | S::Frozen | S::PastDue => Tone::Failed,
        S::Cancelled => Tone::Ended,
        S::Unknown(_) => Tone::Unknown,
    }
}

fn recurrent_status_text(status: &RecurrentChargeStatus) -> String {
    match status {
        RecurrentChargeStatus::Unknown(raw) => (t().status_unknown)(&shown_raw(raw)),
        known => known.label_in(locale()).to_owned(),
    }
}

/// "every month", "every year", "every 3 months".
fn period_text(months: u32) -> String {
    match months {
        0 => t().period_per_billing.to_owned(),
        n => (t().terms_every_months)(n),
    }
}

/// Milliseconds since the epoch, for the pure date rules (`None` before 1970).
fn ms(timestamp: &Timestamp) -> Option<u64> {
    u64::try_from(timestamp.unix_millis()).ok()
}

// ---------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------

const SUBSCRIPTIONS: ListSpec<RecurrentCharge> = ListSpec {
    base: "/subscriptions",
    texts: |m| &m.subscriptions,
    filters: &RECURRENT_FILTERS,
    filter_label: |wire| RecurrentChargeStatus::from_wire(wire).label_in(locale()),
    request: subscriptions_request,
    row: subscription_row,
};

fn subscriptions_request(
    api: &BillingApi,
    token: &AccessToken,
    q: &ListQuery,
) -> Endpoint<Vec<RecurrentCharge>> {
    let query = RecurrentChargeQuery {
        page: Some(q.page),
        status: q.status.as_deref().map(RecurrentChargeStatus::from_wire),
        order_client_id: None,
    };
    api.list_recurrent_charges(token, &query)
}

fn subscription_row(charge: RecurrentCharge, currency: &str) -> AnyView {
    let href = format!("/subscriptions/{}", charge.id);
    let price = format!(
        "{} {}",
        money(charge.price, currency),
        period_text(charge.months)
    );
    let trial = subscription_in_trial(&charge, dom::now_ms());
    let next = match &charge.next_charge_at {
        Some(next) if trial => view! { {t().free_trial_until} {time_view(next)} }.into_any(),
        Some(next) => view! { {t().next_charge_on} {time_view(next)} }.into_any(),
        None => view! { {t().no_next_charge} }.into_any(),
    };
    view! {
        <li
            class="card list-row"
            data-testid="subscription-row"
            data-status=charge.status.as_str().to_owned()
            data-id=charge.id.as_str().to_owned()
        >
            <div class="list-row-main">
                <a class="list-row-name" href=href data-testid="subscription-link">
                    {charge.name.clone()}
                </a>
                <StatusBadge
                    tone=recurrent_tone(&charge.status)
                    text=recurrent_status_text(&charge.status)
                />
            </div>
            <div class="list-row-meta">
                <strong class="list-row-amount" data-testid="subscription-price">{price}</strong>
                <span class="terms" data-testid="next-charge">{next}</span>
                {charge.test.then(|| view! { <span class="badge">{t().test_badge}</span> })}
            </div>
        </li>
    }
    .into_any()
}

#[component]
pub fn Subscriptions() -> impl IntoView {
    list_page(
        "page-subscriptions",
        t().subscriptions_title,
        t().subscriptions_lead,
        SUBSCRIPTIONS,
    )
}

// ---------------------------------------------------------------------------
// One subscription
// ---------------------------------------------------------------------------

/// What the subscription's page says around its card, in the page's locale.
fn subscription_detail() -> DetailSpec {
    let m = t();
    DetailSpec {
        testid: "page-subscription-detail",
        list: "/subscriptions",
        title: m.subscription_title,
        lead: m.subscription_lead,
        all_back: m.all_subscriptions_back,
        not_an_address: m.not_a_subscription_address,
        not_an_address_detail: m.not_a_subscription_detail,
        back_to_list: m.back_to_subscriptions,
        purpose: m.to_see_subscription,
        loading: m.loading_subscription,
        not_found: m.subscription_not_found,
        not_found_detail: m.no_such_subscription,
    }
}

#[component]
pub fn SubscriptionDetail() -> impl IntoView {
    detail_page(subscription_detail(), RecurrentChargeId::parse, |id| {
        view! { <SubscriptionLoaded id/> }.into_any()
    })
}

/// A runner for the page's cancel dialog, showing its state in `phase`;
/// it stops when the page goes.
fn cancel_runner(phase: RwSignal<CancelPhase>) -> StoredValue<Runner<CancelFlow>, LocalStorage> {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let runner = Runner::new(
        CancelFlow::default(),
        Hooks {
            changed: Box::new(move |flow: &CancelFlow| set_if_changed(phase, flow.phase().clone())),
            sign_in_again: Box::new(move || auth.reject()),
            navigate: None,
        },
    );
    runner.send_with(flow_requests::subscription_cancel(
        services.billing_client(),
        Rc::new(move || auth.current()),
    ));
    let runner = StoredValue::new_local(runner);
    on_cleanup(move || {
        runner.try_with_value(Runner::stop);
    });
    runner
}

/// What the cancel dialog says about money coming back.
fn refund_sentence(refund: RefundOutlook, currency: &str) -> String {
    match refund {
        RefundOutlook::About { amount, days_left } => {
            (t().refund_about)(&money(amount, currency), days_left)
        }
        RefundOutlook::NothingLeft => t().refund_none_left.to_owned(),
        RefundOutlook::FreeTrial => t().refund_none_trial.to_owned(),
        RefundOutlook::NotCollected => t().refund_none_uncollected.to_owned(),
        RefundOutlook::NoPaidPeriod => t().refund_none_running.to_owned(),
    }
}

#[component]
fn SubscriptionLoaded(id: RecurrentChargeId) -> impl IntoView {
    let currency = expect_context::<Services>().currency.clone();
    let phase = RwSignal::new(CancelPhase::Idle);
    let runner = cancel_runner(phase);
    let send = move |event: Event| runner.with_value(|runner| runner.dispatch(event));
    let open_cancel =
        Callback::new(move |charge: RecurrentCharge| send(Event::Open(Box::new(charge))));

    let detail = loaded_detail(
        subscription_detail(),
        move |api: &BillingApi, token: &AccessToken| api.get_recurrent_charge(token, &id),
        |charge: &RecurrentCharge| recurrent_status_text(&charge.status),
        move |charge, currency, refresh, refreshing| {
            view! { <SubscriptionCard charge currency refresh refreshing open_cancel/> }.into_any()
        },
    );
    let resource = detail.resource;

    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let notes = NodeRef::<leptos::html::Div>::new();
    // The dialog follows the flow: open while it asks, closed once the
    // cancel led somewhere; the card then shows the subscription as it is
    // now, and the note about what happened takes the focus (the button
    // that opened the dialog went with the old card).
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else {
            return;
        };
        let asking = phase.with(|phase| {
            matches!(
                phase,
                CancelPhase::Asking { .. } | CancelPhase::Cancelling { .. }
            )
        });
        if asking {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            return;
        }
        dialog.close();
        let outcome = phase.with(|phase| match phase {
            CancelPhase::Cancelled(charge) => Some(Some((**charge).clone())),
            CancelPhase::ChangedMeanwhile => Some(None),
            _ => None,
        });
        let Some(cancelled) = outcome else {
            return;
        };
        match cancelled {
            Some(charge) => resource.set(Some(Ok(charge))),
            None => resource.refetch(),
        }
        if let Some(notes) = notes.get_untracked() {
            let _ = notes.focus();
        }
    });
    let cancelling = move || phase.with(|phase| matches!(phase, CancelPhase::Cancelling { .. }));
    let refund_text = move || {
        phase.with(|phase| match phase {
            CancelPhase::Asking { refund, .. } | CancelPhase::Cancelling { refund, .. } => {
                refund_sentence(*refund, &currency)
            }
            _ => String::new(),
        })
    };
    let cancel_error = move || {
        phase.with(|phase| match phase {
            CancelPhase::Asking { failed, .. } => failed.clone(),
            _ => None,
        })
    };

    view! {
        {detail.announce}
        <div class="cancel-notes" role="status" aria-live="polite" tabindex="-1" node_ref=notes>
            {move || phase.with(|phase| match phase {
                CancelPhase::Cancelled(_) => Some(view! {
                    <div class="notice notice-success" data-testid="cancel-done">
                        <p>{t().cancelled_notice}</p>
                    </div>
                }
                .into_any()),
                CancelPhase::ChangedMeanwhile => Some(view! {
                    <div class="notice notice-error" data-testid="changed-note">
                        <p>{t().changed_meanwhile}</p>
                    </div>
                }
                .into_any()),
                _ => None,
            })}
        </div>
        {detail.card}
        <dialog
            class="confirm-dialog"
            node_ref=dialog
            aria-labelledby="cancel-dialog-title"
            aria-describedby="cancel-dialog-refund"
            data-testid="cancel-dialog"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                // Escape would close the dialog under a request in flight.
                if ev.key() == "Escape" && untrack(cancelling) {
                    ev.prevent_default();
                }
            }
            on:close=move |_| send(Event::Keep)
        >
            <h2 id="cancel-dialog-title">{t().cancel_question}</h2>
            <p id="cancel-dialog-refund" data-testid="refund-estimate">{refund_text}</p>
            <p>{t().cancel_warning}</p>
            {move || cancel_error().map(|error| view! {
                <ErrorNotice
                    error
                    retry=Callback::new(move |_| send(Event::Confirm))
                    testid="cancel-error"
                />
            })}
            <div class="actions">
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="keep-subscription"
                    autofocus=true
                    disabled=cancelling
                    on:click=move |_| send(Event::Keep)
                >
                    {t().keep_subscription}
                </button>
                <button
                    type="button"
                    class="button-danger"
                    data-testid="confirm-cancel"
                    disabled=cancelling
                    on:click=move |_| send(Event::Confirm)
                >
                    {move || if cancelling() { t().cancelling } else { t().cancel_subscription }}
                </button>
            </div>
        </dialog>
    }
}

#[component]
fn SubscriptionCard(
    charge: RecurrentCharge,
    currency: String,
    refresh: Refresh,
    refreshing: ReadSignal<bool>,
    open_cancel: Callback<RecurrentCharge>,
) -> impl IntoView {
    let now = dom::now_ms();
    let trial = subscription_in_trial(&charge, now);
    let steps = recurrent_timeline(
        &charge.status,
        recurrent_activated(&charge.status, || {
            logged_activation(ChargeKind::Recurrent, charge.id.as_str())
        }),
        trial,
    );
    let price = format!(
        "{} {}",
        money(charge.price, &currency),
        period_text(charge.months)
    );
    let trial_text = match (charge.trial_days, &charge.trial_ends_at) {
        (0, None) => view! { {t().no_free_trial} }.into_any(),
        (days, Some(end)) => view! {
            {(t().days)(u64::from(days))} {t().trial_ends} {time_view(end)}
        }
        .into_any(),
        (days, None) => view! { {(t().days)(u64::from(days))} }.into_any(),
    };
    let help = match &charge.status {
        RecurrentChargeStatus::Frozen => Some(Outcome::Frozen.message_in(locale())),
        RecurrentChargeStatus::PastDue => Some(Outcome::PastDue.message_in(locale())),
        RecurrentChargeStatus::Cancelled => Some(Outcome::Cancelled.message_in(locale())),
        RecurrentChargeStatus::Declined => Some(Outcome::Declined.message_in(locale())),
        RecurrentChargeStatus::Active if trial => charge
            .trial_ends_at
            .as_ref()
            .and_then(ms)
            .map(|ends_at_ms| Outcome::Trial { ends_at_ms }.message_in(locale())),
        RecurrentChargeStatus::Accepted => Some(t().accepted_not_active.to_owned()),
        RecurrentChargeStatus::Processed => Some(t().starting_subscription.to_owned()),
        RecurrentChargeStatus::Unknown(raw) => Some(unknown_help(raw)),
        RecurrentChargeStatus::Pending | RecurrentChargeStatus::Active => None,
    };
    let pending = (charge.status == RecurrentChargeStatus::Pending)
        .then(|| confirmation_view(&charge.confirmation_url));
    let can_cancel = charge.status.can_cancel();
    let cancel_button = can_cancel.then(|| {
        let charge = charge.clone();
        view! {
            <button
                type="button"
                class="button-secondary"
                data-testid="cancel-subscription"
                on:click=move |_| open_cancel.run(charge.clone())
            >
                {t().cancel_subscription_more}
            </button>
        }
    });
    view! {
        <section
            class="card detail-card"
            data-testid="subscription-detail"
            data-status=charge.status.as_str().to_owned()
        >
            <div class="detail-head">
                <h2 data-testid="subscription-name">{charge.name.clone()}</h2>
                <StatusBadge
                    tone=recurrent_tone(&charge.status)
                    text=recurrent_status_text(&charge.status)
                />
            </div>
            {status_help(help, recurrent_tone(&charge.status))}
            {pending}
            <dl class="details">
                <dt>{t().price}</dt>
                <dd data-testid="subscription-price"><strong>{price}</strong></dd>
                <dt>{t().status}</dt>
                <dd data-testid="subscription-status">{recurrent_status_text(&charge.status)}</dd>
                <dt>{t().free_trial}</dt>
                <dd data-testid="subscription-trial">{trial_text}</dd>
                <dt>{t().current_period_from}</dt>
                <dd data-testid="current-charge">{date_or_dash(charge.current_charge_at.as_ref())}</dd>
                <dt>{t().next_charge}</dt>
                <dd data-testid="next-charge">{date_or_dash(charge.next_charge_at.as_ref())}</dd>
                {charge.cancelled_at.as_ref().map(|at| view! {
                    <dt>{t().cancelled}</dt>
                    <dd data-testid="cancelled-at">{time_view(at)}</dd>
                })}
                <dt>{t().created}</dt>
                <dd>{time_view(&charge.created_at)}</dd>
                <dt>{t().updated}</dt>
                <dd>{time_view(&charge.updated_at)}</dd>
                <dt>{t().test_subscription}</dt>
                <dd>{yes_no(charge.test)}</dd>
                <dt>{t().subscription_id}</dt>
                <dd><code data-testid="subscription-id">{charge.id.to_string()}</code></dd>
            </dl>
            <h3 class="timeline-heading">{t().progress}</h3>
            <StatusTimeline steps=Signal::stored(steps) label=t().subscription_progress/>
            <div class="actions">
                {cancel_button}
                <RefreshButton refresh refreshing/>
            </div>
        </section>
    }
}
