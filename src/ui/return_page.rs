//! `/return?id=..&type=..`: the buyer is back from LiveChat's confirmation
//! page. The page reads the charge, activates an accepted one exactly once
//! (the activation log in localStorage is shared by tabs and survives a
//! reload), then polls on the core schedule until the status is final,
//! showing each step on the timeline.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::auth::{Auth, SignInPrompt, SignInStatus};
use super::common::{ErrorNotice, PageHeader};
use super::embedding::{Host, ToastKind};
use super::services::Services;
use super::shell::Loading;
use super::timeline::StatusTimeline;
use crate::api::livechat::{DirectCharge, RecurrentAction, RecurrentCharge};
use crate::api::{ApiError, Timestamp};
use crate::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::checkout::{
    direct_action, direct_conflict_means_activated, direct_timeline, in_trial, recurrent_action,
    recurrent_conflict_means_activated, recurrent_timeline, ActivationLog, ActivationState,
    Outcome, ReturnAction, TimelineStep,
};
use crate::domain::oauth::AccessToken;
use crate::domain::polling::{GiveUpReason, PollDecision, PollOutcome, PollSchedule};
use crate::domain::return_url::{parse_charge_return, ChargeReturn as ReturnTarget};
use crate::i18n::{locale, t};
use crate::web::locks::{self, LockAttempt};
use crate::web::storage::{self, Area};
use crate::web::transport::Sleeper;
use crate::web::{dom, popup, random};

/// The charge the buyer came back with, as last read.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Direct(DirectCharge),
    Recurrent(RecurrentCharge),
}

impl Found {
    pub fn kind(&self) -> ChargeKind {
        match self {
            Self::Direct(_) => ChargeKind::Direct,
            Self::Recurrent(_) => ChargeKind::Recurrent,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Direct(c) => c.id.as_str(),
            Self::Recurrent(c) => c.id.as_str(),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Direct(c) => &c.name,
            Self::Recurrent(c) => &c.name,
        }
    }

    pub fn status_label(&self) -> String {
        let (label, raw) = match self {
            Self::Direct(c) => (c.status.label_in(locale()), c.status.as_str()),
            Self::Recurrent(c) => (c.status.label_in(locale()), c.status.as_str()),
        };
        if self.is_unknown() {
            format!("{label} ({raw})")
        } else {
            label.to_owned()
        }
    }

    fn is_unknown(&self) -> bool {
        match self {
            Self::Direct(c) => matches!(c.status, DirectChargeStatus::Unknown(_)),
            Self::Recurrent(c) => matches!(c.status, RecurrentChargeStatus::Unknown(_)),
        }
    }

    fn confirmation_url(&self) -> &str {
        match self {
            Self::Direct(c) => &c.confirmation_url,
            Self::Recurrent(c) => &c.confirmation_url,
        }
    }

    /// What the page should do with this charge now.
    pub fn action(&self, activation: Option<ActivationState>, now_ms: u64) -> ReturnAction {
        match self {
            Self::Direct(c) => direct_action(&c.status, activation),
            Self::Recurrent(c) => recurrent_action(
                &c.status,
                millis(c.trial_ends_at.as_ref()),
                now_ms,
                activation,
            ),
        }
    }

    /// After an activate request was refused with 409 and the charge read
    /// again: was it activated (by another page or browser)?
    pub fn conflict_means_activated(&self) -> bool {
        match self {
            Self::Direct(c) => direct_conflict_means_activated(&c.status),
            Self::Recurrent(c) => recurrent_conflict_means_activated(&c.status),
        }
    }

    pub fn timeline(&self, activated: bool, now_ms: u64) -> Vec<TimelineStep> {
        match self {
            Self::Direct(c) => direct_timeline(&c.status, activated),
            Self::Recurrent(c) => recurrent_timeline(
                &c.status,
                activated,
                in_trial(&c.status, millis(c.trial_ends_at.as_ref()), now_ms),
            ),
        }
    }
}

fn millis(timestamp: Option<&Timestamp>) -> Option<u64> {
    timestamp.and_then(|t| u64::try_from(t.unix_millis()).ok())
}

/// Where the page stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Loading,
    NotFound,
    /// The buyer has not confirmed (or came back without confirming).
    AwaitingBuyer,
    Activating,
    /// Another tab of this browser holds the activation lock.
    ActivatingElsewhere,
    Checking {
        checks: u32,
    },
    /// The server answered 429: the next check waits as long as it asked.
    SlowedDown {
        next_check_secs: u64,
    },
    /// The tab is hidden or offline: no checks until it is back.
    Paused,
    Finished(Outcome),
    GaveUp(GiveUpReason),
    Failed(ApiError),
    /// The server refused the token: the sign-in prompt takes over.
    NeedsSignIn,
}

/// The shared state of one return page.
#[derive(Clone, Copy)]
struct Flow {
    charge: RwSignal<Option<Found>>,
    phase: RwSignal<Phase>,
    activated: RwSignal<bool>,
    /// Bumped to stop a running loop (restart, or the page is left).
    run: StoredValue<u32>,
    /// The loop's waits, ended at once when it is stopped.
    sleeper: Sleeper,
}

impl Flow {
    fn new() -> Self {
        Self {
            charge: RwSignal::new(None),
            phase: RwSignal::new(Phase::Loading),
            activated: RwSignal::new(false),
            run: StoredValue::new(0),
            sleeper: Sleeper::new(),
        }
    }

    /// A new run; earlier loops notice and stop (woken if they wait).
    fn next_run(&self) -> u32 {
        self.run.update_value(|r| *r = r.wrapping_add(1));
        self.sleeper.wake();
        self.run.get_value()
    }

    fn is_current(&self, run: u32) -> bool {
        self.run.try_get_value() == Some(run)
    }
}

fn read_log() -> ActivationLog {
    storage::get(Area::Local, ActivationLog::STORAGE_KEY)
        .map(|json| ActivationLog::from_json(&json))
        .unwrap_or_default()
}

/// Read, change and write back the log in one synchronous step, so two tabs
/// cannot interleave inside it (the page's JavaScript runs on one thread).
fn update_log<R>(change: impl FnOnce(&mut ActivationLog) -> R) -> R {
    let mut log = read_log();
    let result = change(&mut log);
    storage::set(Area::Local, ActivationLog::STORAGE_KEY, &log.to_json());
    result
}

fn activation_of(kind: ChargeKind, id: &str) -> Option<ActivationState> {
    read_log().state_of(kind, id, dom::now_ms())
}

/// Reads the returned charge, trying each kind the return URL allows.
async fn look_up(
    services: &Services,
    token: &AccessToken,
    target: &ReturnTarget,
) -> Result<Option<Found>, ApiError> {
    let client = services.billing_client();
    for kind in target.lookup_order() {
        let found = match kind {
            ChargeKind::Direct => client
                .get_direct_charge(token, &target.direct_id())
                .await
                .map(Found::Direct),
            ChargeKind::Recurrent => client
                .get_recurrent_charge(token, &target.recurrent_id())
                .await
                .map(Found::Recurrent),
        };
        match found {
            Ok(found) => return Ok(Some(found)),
            Err(error) if error.status() == Some(404) => continue,
            Err(error) => return Err(error),
        }
    }
    Ok(None)
}

async fn reread(
    services: &Services,
    token: &AccessToken,
    found: &Found,
) -> Result<Found, ApiError> {
    let client = services.billing_client();
    match found {
        Found::Direct(c) => client
            .get_direct_charge(token, &c.id)
            .await
            .map(Found::Direct),
        Found::Recurrent(c) => client
            .get_recurrent_charge(token, &c.id)
            .await
            .map(Found::Recurrent),
    }
}

/// What an activate request's result means for the log and the page.
enum Activated {
    /// Done: the answer, when it carried the charge.
    Yes(Option<Box<Found>>),
    /// The answer was lost: it may have happened. Keep the claim and poll.
    Maybe,
    /// 409: not allowed in the charge's current status.
    Conflict,
    /// Refused with no effect.
    No(ApiError),
}

async fn activate(services: &Services, token: &AccessToken, found: &Found) -> Activated {
    let client = services.billing_client();
    let result = match found {
        Found::Direct(c) => client
            .activate_direct_charge(token, &c.id)
            .await
            .map(|c| c.map(|c| Box::new(Found::Direct(c)))),
        Found::Recurrent(c) => client
            .recurrent_charge_action(token, &c.id, RecurrentAction::Activate)
            .await
            .map(|c| Some(Box::new(Found::Recurrent(c)))),
    };
    match result {
        Ok(found) => Activated::Yes(found),
        // 409: somebody (another browser, an earlier page) activated it, or
        // the charge moved on; the caller reads which.
        Err(error) if error.status() == Some(409) => Activated::Conflict,
        // The request may have done its work: keep the claim and poll.
        Err(error) if error.write_may_have_happened() => Activated::Maybe,
        Err(error) => Activated::No(error),
    }
}

pub(super) fn poll_outcome_of_error(error: &ApiError) -> PollOutcome {
    match error {
        ApiError::Network(_) | ApiError::Timeout => PollOutcome::Transient,
        // A proxy's page or a cut-off body: the next check may read fine.
        ApiError::Decode { .. } => PollOutcome::Transient,
        ApiError::HtmlBody { status, .. } if *status < 400 => PollOutcome::Transient,
        ApiError::Validation { .. } => PollOutcome::Rejected { status: 400 },
        _ => match error.status() {
            Some(429) => PollOutcome::RateLimited {
                retry_after_secs: error.retry_after_secs(),
            },
            Some(status) => PollOutcome::from_http_status(status, None)
                .unwrap_or(PollOutcome::Rejected { status }),
            None => PollOutcome::Transient,
        },
    }
}

/// Runs the page until it has nothing more to do or `run` is superseded.
async fn drive(flow: Flow, run: u32, services: Services, auth: Auth, token: AccessToken) {
    let fail = |error: ApiError| {
        auth.note_error(&error);
        if error.status() == Some(401) {
            flow.phase.set(Phase::NeedsSignIn);
        } else {
            flow.phase.set(Phase::Failed(error));
        }
    };
    let Some(mut found) = flow.charge.get_untracked() else {
        return;
    };
    let mut schedule: Option<PollSchedule> = None;
    loop {
        if !flow.is_current(run) {
            return;
        }
        let now = dom::now_ms();
        let activation = activation_of(found.kind(), found.id());
        flow.activated
            .set(matches!(activation, Some(ActivationState::Done { .. })));
        match found.action(activation, now) {
            ReturnAction::AwaitBuyer => {
                flow.phase.set(Phase::AwaitingBuyer);
                return;
            }
            ReturnAction::Finished(outcome) => {
                flow.phase.set(Phase::Finished(outcome));
                return;
            }
            ReturnAction::Activate => {
                let (kind, id) = (found.kind(), found.id().to_owned());
                let lock_name = ActivationLog::lock_name(kind, &id);
                // Held until the activation is settled, so a second tab of
                // this browser waits for it instead of racing it.
                let _lock = match locks::try_lock(&lock_name).await {
                    LockAttempt::Held(lock) => Some(lock),
                    LockAttempt::Unsupported => None,
                    LockAttempt::Busy => {
                        flow.phase.set(Phase::ActivatingElsewhere);
                        drop(locks::lock(&lock_name).await);
                        if !flow.is_current(run) {
                            return;
                        }
                        // The other tab is done: read what it did.
                        match reread(&services, &token, &found).await {
                            Ok(fresh) => {
                                found = fresh;
                                flow.charge.set(Some(found.clone()));
                                continue;
                            }
                            Err(error) => {
                                fail(error);
                                return;
                            }
                        }
                    }
                };
                if !flow.is_current(run) {
                    return;
                }
                if update_log(|log| log.claim(kind, &id, now)).is_err() {
                    // Another tab took it in the meantime: just follow along.
                    continue;
                }
                flow.phase.set(Phase::Activating);
                match activate(&services, &token, &found).await {
                    Activated::Yes(answer) => {
                        update_log(|log| log.mark_done(kind, &id, dom::now_ms()));
                        if let Some(answer) = answer {
                            found = *answer;
                            flow.charge.set(Some(found.clone()));
                        }
                    }
                    Activated::Maybe => {}
                    Activated::Conflict => {
                        // Refused as not allowed now: read the real state
                        // rather than assume it was activated elsewhere.
                        match reread(&services, &token, &found).await {
                            Ok(fresh) if fresh.conflict_means_activated() => {
                                update_log(|log| log.mark_done(kind, &id, dom::now_ms()));
                                found = fresh;
                                flow.charge.set(Some(found.clone()));
                            }
                            Ok(fresh) => {
                                // Never activated (declined, say): the
                                // status read now decides what follows.
                                update_log(|log| log.release(kind, &id));
                                found = fresh;
                                flow.charge.set(Some(found.clone()));
                                continue;
                            }
                            Err(reread_error) => {
                                update_log(|log| log.release(kind, &id));
                                fail(reread_error);
                                return;
                            }
                        }
                    }
                    Activated::No(error) => {
                        update_log(|log| log.release(kind, &id));
                        fail(error);
                        return;
                    }
                }
                // From here on the schedule decides when to look again.
                schedule.get_or_insert_with(|| PollSchedule::with_defaults(dom::now_ms()));
            }
            ReturnAction::Poll => {
                let schedule =
                    schedule.get_or_insert_with(|| PollSchedule::with_defaults(dom::now_ms()));
                let mut decision = if schedule.polls() == 0 {
                    schedule.initial()
                } else {
                    PollDecision::WaitMs(0)
                };
                let mut slowed_down = false;
                // One check per round; the loop above re-decides after it.
                loop {
                    if !flow.is_current(run) {
                        return;
                    }
                    match decision {
                        PollDecision::WaitMs(ms) => {
                            flow.phase.set(match slowed_down {
                                true => Phase::SlowedDown {
                                    next_check_secs: ms.div_ceil(1000),
                                },
                                false => Phase::Checking {
                                    checks: schedule.polls(),
                                },
                            });
                            flow.sleeper
                                .sleep_ms(u32::try_from(ms).unwrap_or(u32::MAX))
                                .await;
                            if let Some(paused) = dom::sync_poll_pause(schedule) {
                                decision = paused;
                                continue;
                            }
                        }
                        PollDecision::Paused => {
                            // Hidden tab or offline: look again when back.
                            if flow.phase.get_untracked() != Phase::Paused {
                                flow.phase.set(Phase::Paused);
                            }
                            flow.sleeper.sleep_ms(500).await;
                            if let Some(next) = dom::sync_poll_pause(schedule) {
                                decision = next;
                            }
                            continue;
                        }
                        PollDecision::StopTerminal => break,
                        PollDecision::ReAuthenticate => {
                            auth.reject();
                            flow.phase.set(Phase::NeedsSignIn);
                            return;
                        }
                        PollDecision::GiveUp { reason } => {
                            flow.phase.set(Phase::GaveUp(reason));
                            return;
                        }
                    }
                    if !flow.is_current(run) {
                        return;
                    }
                    let outcome = match reread(&services, &token, &found).await {
                        Ok(fresh) => {
                            found = fresh;
                            flow.charge.set(Some(found.clone()));
                            let activation = activation_of(found.kind(), found.id());
                            match found.action(activation, dom::now_ms()) {
                                ReturnAction::Poll => PollOutcome::Pending,
                                _ => PollOutcome::Terminal,
                            }
                        }
                        Err(error) => {
                            auth.note_error(&error);
                            poll_outcome_of_error(&error)
                        }
                    };
                    slowed_down = matches!(outcome, PollOutcome::RateLimited { .. });
                    decision = schedule.next(outcome, dom::now_ms(), random::jitter_sample());
                }
            }
        }
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
    let flow = Flow::new();
    let target = StoredValue::new(target);
    // Inside LiveChat, the outcome also shows as the Agent App's toast.
    if let Some(host) = use_context::<Host>() {
        Effect::new(move |was_finished: Option<bool>| {
            let outcome = flow.phase.with(|phase| match phase {
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

    // (Re)starts the page: look the charge up, then drive it.
    let start = {
        let services = services.clone();
        move || {
            let Some(token) = auth.current() else {
                // The token ran out since the page showed: the sign-in
                // prompt takes over, and the page resumes after it.
                auth.reject();
                return;
            };
            let run = flow.next_run();
            flow.phase.set(Phase::Loading);
            let services = services.clone();
            let target = target.get_value();
            spawn_local(async move {
                match look_up(&services, &token, &target).await {
                    Ok(Some(found)) => {
                        if !flow.is_current(run) {
                            return;
                        }
                        flow.charge.set(Some(found));
                        drive(flow, run, services, auth, token).await;
                    }
                    Ok(None) => flow.phase.set(Phase::NotFound),
                    Err(error) => {
                        auth.note_error(&error);
                        flow.phase.set(if error.status() == Some(401) {
                            Phase::NeedsSignIn
                        } else {
                            Phase::Failed(error)
                        });
                    }
                }
            });
        }
    };
    let start = StoredValue::new(start);
    // Start once signed in (now, or after the prompt's round trip).
    Effect::new(move |started: Option<bool>| {
        let signed_in = matches!(auth.status(), SignInStatus::SignedIn(_));
        if signed_in && started != Some(true) {
            start.with_value(|start| start());
            return true;
        }
        started.unwrap_or(false) && signed_in
    });
    on_cleanup(move || {
        // Stops the loop when the page is left, its pending wait included.
        flow.run.update_value(|r| *r = r.wrapping_add(1));
        flow.sleeper.wake();
    });
    let restart = Callback::new(move |_: ()| start.with_value(|start| start()));
    // The phase without its check count.
    let phase_kind = Memo::new(move |_| match flow.phase.get() {
        Phase::Checking { .. } => Phase::Checking { checks: 0 },
        other => other,
    });

    let timeline = Signal::derive(move || {
        flow.charge
            .get()
            .map(|c| c.timeline(flow.activated.get(), dom::now_ms()))
            .unwrap_or_default()
    });
    let signed_in = move || matches!(auth.status(), SignInStatus::SignedIn(_));

    view! {
        <Show
            when=signed_in
            fallback=|| view! { <SignInPrompt purpose=t().to_see_payment/> }
        >
            <section class="card return-card" data-testid="return-flow">
                {move || flow.charge.get().map(|charge| view! { <ChargeHeading charge/> })}
                <Show when=move || !timeline.get().is_empty()>
                    <StatusTimeline steps=timeline label=t().payment_progress/>
                </Show>
                // Where the focus goes when the phase's own buttons are gone.
                <div
                    aria-live="polite"
                    data-testid="return-phase"
                    data-phase=move || phase_name(&flow.phase.get())
                    data-focus-home=""
                    tabindex="-1"
                >
                    // Drawn anew when the phase changes, not at every check:
                    // a live region must not repeat itself each time.
                    {move || {
                        phase_kind.with(|_| ());
                        view! { <PhaseView phase=flow.phase.get_untracked() flow restart/> }
                    }}
                </div>
            </section>
        </Show>
    }
}

fn phase_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Loading => "loading",
        Phase::NotFound => "not-found",
        Phase::AwaitingBuyer => "awaiting-buyer",
        Phase::Activating => "activating",
        Phase::ActivatingElsewhere => "activating-elsewhere",
        Phase::Checking { .. } => "checking",
        Phase::SlowedDown { .. } => "slowed-down",
        Phase::Paused => "paused",
        Phase::Finished(_) => "finished",
        Phase::GaveUp(_) => "gave-up",
        Phase::Failed(_) => "failed",
        Phase::NeedsSignIn => "needs-sign-in",
    }
}

#[component]
fn ChargeHeading(charge: Found) -> impl IntoView {
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
                <strong data-testid="return-status">{charge.status_label()}</strong>
                " · "
                <a href=detail_href>{t().details}</a>
            </p>
        </div>
    }
}

#[component]
fn PhaseView(phase: Phase, flow: Flow, restart: Callback<()>) -> impl IntoView {
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
            let count = move || match flow.phase.get() {
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
        Phase::AwaitingBuyer => view! { <AwaitingBuyer flow restart/> }.into_any(),
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
fn AwaitingBuyer(flow: Flow, restart: Callback<()>) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let charge = flow.charge.get_untracked();
    let link = charge
        .as_ref()
        .map(|c| services.check_confirmation_url(c.confirmation_url()));
    let declining = RwSignal::new(false);
    let decline = {
        let services = services.clone();
        move |_| {
            let (Some(Found::Recurrent(charge)), Some(token)) =
                (flow.charge.get_untracked(), auth.current())
            else {
                return;
            };
            if declining.get_untracked() {
                return;
            }
            declining.set(true);
            let client = services.billing_client();
            spawn_local(async move {
                match client
                    .recurrent_charge_action(&token, &charge.id, RecurrentAction::Decline)
                    .await
                {
                    Ok(_) => restart.run(()),
                    Err(error) => {
                        auth.note_error(&error);
                        flow.phase.set(Phase::Failed(error));
                    }
                }
            });
        }
    };
    let is_subscription = matches!(charge, Some(Found::Recurrent(_)));
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
                        disabled=move || declining.get()
                        on:click=decline.clone()
                    >
                        {t().decline_subscription}
                    </button>
                })}
            </div>
        </div>
    }
}
