//! `/return?id=..&type=..`: the buyer is back from LiveChat's confirmation
//! page. The flow (`flow::charge_return`, in the core) reads the charge,
//! activates an accepted one exactly once and polls until the status is
//! final; the shell's runner performs its effects. This page shows the
//! flow's state and sends it the buyer's clicks.

use leptos::prelude::*;

use super::auth::{Auth, SignInPrompt, SignInStatus};
use super::components::{set_if_changed, ErrorNotice, PageHeader};
use super::embedding::{Host, ToastKind};
use super::services::Services;
use super::shell::Loading;
use super::timeline::StatusTimeline;
use crate::domain::charge::ChargeKind;
use crate::domain::return_url::{parse_charge_return, ChargeReturn as ReturnTarget};
use crate::flow::charge_return::{ChargeReturnFlow, Event, Phase, ReturnedCharge};
use crate::i18n::{locale, t};
use crate::web::runner::{Hooks, Runner};
use crate::web::{dom, flow_requests, popup};

/// The status as shown: a status this widget does not know keeps its raw
/// value beside the label.
fn status_label(charge: &ReturnedCharge) -> String {
    let (label, raw) = match charge {
        ReturnedCharge::Direct(c) => (c.status.label_in(locale()), c.status.as_str()),
        ReturnedCharge::Recurrent(c) => (c.status.label_in(locale()), c.status.as_str()),
    };
    if charge.is_unknown() {
        format!("{label} ({raw})")
    } else {
        label.to_owned()
    }
}

/// The flow's state, as the page shows it.
#[derive(Clone, Copy)]
struct Shown {
    charge: RwSignal<Option<ReturnedCharge>>,
    phase: RwSignal<Phase>,
    activated: RwSignal<bool>,
    can_decline: RwSignal<bool>,
}

impl Shown {
    fn new() -> Self {
        Self {
            charge: RwSignal::new(None),
            phase: RwSignal::new(Phase::Loading),
            activated: RwSignal::new(false),
            can_decline: RwSignal::new(false),
        }
    }

    fn show(&self, flow: &ChargeReturnFlow) {
        set_if_changed(self.charge, flow.charge().cloned());
        set_if_changed(self.phase, flow.phase().clone());
        set_if_changed(self.activated, flow.activated());
        set_if_changed(self.can_decline, flow.can_decline());
    }
}

/// The page's handle on its flow.
#[derive(Clone, Copy)]
struct Flow {
    shown: Shown,
    runner: StoredValue<Runner<ChargeReturnFlow>, LocalStorage>,
    restart: Callback<()>,
}

impl Flow {
    fn decline(&self) {
        self.runner
            .with_value(|runner| runner.dispatch(Event::Decline));
    }
}

#[component]
pub fn ChargeReturn() -> impl IntoView {
    if popup::relay_landing() {
        return view! {
            <p class="card" data-testid="return-relayed">
                {t().return_relayed}
            </p>
        }
        .into_any();
    }
    let search = dom::location_search();
    let target = parse_charge_return(&search);
    let body = match target {
        Err(error) => view! {
            <section class="card error-card" role="alert" data-testid="return-invalid">
                <h2>{t().return_invalid_title}</h2>
                <p>{(t().return_invalid_detail)(&error.message_in(locale()))}</p>
                <a href="/charges">{t().see_your_charges}</a>
            </section>
        }
        .into_any(),
        Ok(target) => view! { <ReturnFlow target/> }.into_any(),
    };
    view! {
        <div data-testid="page-charge-return">
            <PageHeader title=t().payment_title lead=t().payment_lead/>
            {body}
        </div>
    }
    .into_any()
}

#[component]
fn ReturnFlow(target: ReturnTarget) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let shown = Shown::new();
    let runner = Runner::new(
        ChargeReturnFlow::new(target),
        Hooks {
            changed: Box::new(move |flow| shown.show(flow)),
            sign_in_again: Box::new(move || auth.reject()),
            navigate: None,
        },
    );
    let runner = StoredValue::new_local(runner);
    // Inside LiveChat, the outcome also shows as the Agent App's toast.
    if let Some(host) = use_context::<Host>() {
        Effect::new(move |was_finished: Option<bool>| {
            let outcome = shown.phase.with(|phase| match phase {
                Phase::Finished(outcome) => Some(*outcome),
                _ => None,
            });
            if let (Some(outcome), Some(false)) = (outcome, was_finished) {
                let kind = if outcome.is_good() {
                    ToastKind::Success
                } else {
                    ToastKind::Error
                };
                host.toast(kind, outcome.title_in(crate::i18n::locale()));
            }
            outcome.is_some()
        });
    }

    // (Re)starts the flow with the current token.
    let restart = Callback::new(move |_: ()| {
        let Some(token) = auth.current() else {
            // The token ran out since the page showed: the sign-in prompt
            // takes over, and the page resumes after it.
            auth.reject();
            return;
        };
        let send = flow_requests::charge_return(services.billing_client(), token);
        runner.with_value(|runner| runner.restart(send, Event::Start));
    });
    let flow = Flow {
        shown,
        runner,
        restart,
    };
    // Start once signed in (now, or after the prompt's round trip).
    Effect::new(move |started: Option<bool>| {
        let signed_in = matches!(auth.status(), SignInStatus::SignedIn(_));
        if signed_in && started != Some(true) {
            restart.run(());
            return true;
        }
        started.unwrap_or(false) && signed_in
    });
    // Stops the flow when the page is left, its pending wait included.
    on_cleanup(move || {
        runner.try_with_value(Runner::stop);
    });
    // The phase without its check count.
    let phase_kind = Memo::new(move |_| match shown.phase.get() {
        Phase::Checking { .. } => Phase::Checking { checks: 0 },
        other => other,
    });

    let timeline = Signal::derive(move || {
        shown
            .charge
            .get()
            .map(|c| c.timeline(shown.activated.get(), dom::now_ms()))
            .unwrap_or_default()
    });
    let signed_in = move || matches!(auth.status(), SignInStatus::SignedIn(_));

    view! {
        <Show
            when=signed_in
            fallback=|| view! { <SignInPrompt purpose=t().to_see_payment/> }
        >
            <section class="card return-card" data-testid="return-flow">
                {move || shown.charge.get().map(|charge| view! { <ChargeHeading charge/> })}
                <Show when=move || !timeline.get().is_empty()>
                    <StatusTimeline steps=timeline label=t().payment_progress/>
                </Show>
                // Where the focus goes when the phase's own buttons are gone.
                <div
                    aria-live="polite"
                    data-testid="return-phase"
                    data-phase=move || shown.phase.with(Phase::name)
                    data-focus-home=""
                    tabindex="-1"
                >
                    // Drawn anew when the phase changes, not at every check:
                    // a live region must not repeat itself each time.
                    {move || {
                        phase_kind.with(|_| ());
                        view! { <PhaseView phase=shown.phase.get_untracked() flow/> }
                    }}
                </div>
            </section>
        </Show>
    }
}

#[component]
fn ChargeHeading(charge: ReturnedCharge) -> impl IntoView {
    let kind = match charge.kind() {
        ChargeKind::Direct => t().one_time_purchase,
        ChargeKind::Recurrent => t().subscription,
    };
    let detail_href = match charge.kind() {
        ChargeKind::Direct => format!("/charges/{}", charge.id()),
        ChargeKind::Recurrent => format!("/subscriptions/{}", charge.id()),
    };
    view! {
        <div class="return-heading">
            <p class="badge">{kind}</p>
            <h2 data-testid="return-charge-name">{charge.name().to_owned()}</h2>
            <p>
                {t().status_prefix}
                <strong data-testid="return-status">{status_label(&charge)}</strong>
                " · "
                <a href=detail_href>{t().details}</a>
            </p>
        </div>
    }
}

#[component]
fn PhaseView(phase: Phase, flow: Flow) -> impl IntoView {
    let restart = flow.restart;
    match phase {
        Phase::Loading => view! { <Loading label=t().reading_payment/> }.into_any(),
        Phase::Activating => {
            view! { <Loading label=t().activating_charge/> }.into_any()
        }
        Phase::ActivatingElsewhere => {
            view! { <Loading label=t().activating_elsewhere/> }.into_any()
        }
        Phase::Checking { .. } => {
            // The count is for the eye: read out, it would repeat at every
            // check.
            let count = move || match flow.shown.phase.get() {
                Phase::Checking { checks } if checks > 0 => format!(" {}", (t().checked_times)(checks)),
                _ => String::new(),
            };
            view! {
                <p class="loading" role="status">
                    <span class="spinner" aria-hidden="true"></span>
                    {t().waiting_payment}
                    <span aria-hidden="true" data-testid="return-checks">{count}</span>
                </p>
            }
            .into_any()
        }
        Phase::SlowedDown { next_check_secs } => view! {
            <p class="notice" role="status" data-testid="return-slowed-down">
                {(t().checks_slowed)(next_check_secs)}
            </p>
        }
        .into_any(),
        Phase::Paused => view! {
            <p class="notice" role="status" data-testid="return-paused">{t().checking_paused}</p>
        }
        .into_any(),
        Phase::NotFound => view! {
            <div class="notice notice-error" role="alert" data-testid="return-not-found">
                <p>{t().return_not_found}</p>
                <a href="/charges">{t().see_your_charges}</a>
            </div>
        }
        .into_any(),
        Phase::AwaitingBuyer => view! { <AwaitingBuyer flow/> }.into_any(),
        Phase::Finished(outcome) => {
            let class = if outcome.is_good() {
                "notice notice-success"
            } else {
                "notice notice-error"
            };
            view! {
                <div class=class role="status" data-testid="return-outcome" data-good=outcome.is_good().to_string()>
                    <h3 data-testid="return-outcome-title">{outcome.title_in(crate::i18n::locale())}</h3>
                    <p>{outcome.message_in(crate::i18n::locale())}</p>
                    <p class="actions">
                        <a href="/">{t().back_to_shop}</a>
                        <a href="/charges">{t().all_charges}</a>
                    </p>
                </div>
            }
            .into_any()
        }
        Phase::GaveUp(reason) => view! {
            <div class="notice" role="status" data-testid="return-gave-up">
                <p>{reason.message_in(locale())}</p>
                <button type="button" class="button-secondary" data-testid="return-refresh" on:click=move |_| {
                    dom::keep_focus_here();
                    restart.run(());
                }>
                    {t().refresh_status}
                </button>
            </div>
        }
        .into_any(),
        Phase::Failed(error) => view! { <ErrorNotice error retry=restart testid="return-error" reading=true/> }.into_any(),
        Phase::NeedsSignIn => view! { <SignInPrompt purpose=t().to_see_payment/> }.into_any(),
    }
}

/// Pending: the buyer has not confirmed yet. The confirmation page is
/// offered again (only on an allowed address); a subscription can also be
/// declined from here.
#[component]
fn AwaitingBuyer(flow: Flow) -> impl IntoView {
    let services = expect_context::<Services>();
    let restart = flow.restart;
    let charge = flow.shown.charge.get_untracked();
    let link = charge
        .as_ref()
        .map(|c| services.check_confirmation_url(c.confirmation_url()));
    let is_subscription = matches!(charge, Some(ReturnedCharge::Recurrent(_)));
    view! {
        <div class="notice" role="status" data-testid="return-awaiting">
            <p>{t().awaiting_confirmation}</p>
            <div class="actions">
                {match link {
                    Some(Ok(url)) => view! {
                        <a class="button-primary" href=url.to_string() data-testid="return-confirm-link">
                            {t().go_to_confirmation}
                        </a>
                    }
                    .into_any(),
                    Some(Err(reason)) => view! {
                        <p class="field-error" role="alert" data-testid="return-confirm-refused">
                            {(t().confirmation_not_opened)(&reason.message_in(locale()))}
                        </p>
                    }
                    .into_any(),
                    None => ().into_any(),
                }}
                <button type="button" class="button-secondary" data-testid="return-check-again" on:click=move |_| {
                    dom::keep_focus_here();
                    restart.run(());
                }>
                    {t().check_again}
                </button>
                {is_subscription.then(|| view! {
                    <button
                        type="button"
                        class="button-link"
                        data-testid="return-decline"
                        disabled=move || !flow.shown.can_decline.get()
                        on:click=move |_| flow.decline()
                    >
                        {t().decline_subscription}
                    </button>
                })}
            </div>
        </div>
    }
}
