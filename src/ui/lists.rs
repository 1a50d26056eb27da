//! The charges and subscriptions lists (20 a page, status filter, page and
//! filter in the address) and the detail view of each charge, with the
//! subscription's cancel dialog. The pieces every paged list shares (status
//! badge, pager, sign-in gate, missing permission) live here too; the ledger
//! uses them.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use super::auth::{here, Auth, SignIn, SignInProblem, SignInPrompt, SignInStatus};
use super::common::{
    date, date_or_dash, money, shown_raw, EmptyState, ErrorNotice, PageHeader, Pager,
};
use super::services::Services;
use super::shell::Loading;
use super::timeline::StatusTimeline;
use crate::api::livechat::{
    DirectCharge, DirectChargeQuery, RecurrentAction, RecurrentCharge, RecurrentChargeQuery,
};
use crate::api::{ApiError, Timestamp};
use crate::domain::charge::{
    ChargeKind, DirectChargeId, DirectChargeStatus, IdError, RecurrentChargeId,
    RecurrentChargeStatus,
};
use crate::domain::checkout::{
    direct_activated, direct_timeline, in_trial, recurrent_activated, recurrent_timeline,
    refund_estimate, Outcome, RefundEstimate,
};
use crate::domain::oauth::AccessToken;
use crate::i18n::{locale, t, ListTexts, Messages};
use crate::web::runner::logged_activation;
use crate::web::{dom, timers};

/// The Billing API answers 20 items a page.
pub(crate) const PAGE_SIZE: usize = 20;

/// Wire statuses a charge list can be filtered by.
const DIRECT_FILTERS: [&str; 6] = [
    "pending",
    "accepted",
    "declined",
    "processed",
    "failed",
    "success",
];
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

/// What a status badge says by its colour (its text says the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// The money was collected, or the subscription runs paid up.
    Paid,
    /// Someone (buyer, seller, gateway) still has to act.
    Waiting,
    /// Declined, failed, frozen, overdue: nothing was (or is being) paid.
    Failed,
    /// Ended on purpose (a cancelled subscription).
    Ended,
    /// A status this widget does not know: never shown as paid.
    Unknown,
}

impl Tone {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Tone::Paid => "paid",
            Tone::Waiting => "waiting",
            Tone::Failed => "failed",
            Tone::Ended => "ended",
            Tone::Unknown => "unknown",
        }
    }

    /// A shape next to the colour, so the meaning never rests on colour.
    fn marker(self) -> &'static str {
        match self {
            Tone::Paid => "✓",
            Tone::Waiting => "…",
            Tone::Failed => "✕",
            Tone::Ended => "–",
            Tone::Unknown => "?",
        }
    }
}

fn direct_tone(status: &DirectChargeStatus) -> Tone {
    use DirectChargeStatus as S;
    match status {
        S::Success => Tone::Paid,
        S::Pending | S::Accepted | S::Processed => Tone::Waiting,
        S::Declined | S::Failed => Tone::Failed,
        S::Unknown(_) => Tone::Unknown,
    }
}

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

fn direct_status_text(status: &DirectChargeStatus) -> String {
    match status {
        DirectChargeStatus::Unknown(raw) => (t().status_unknown)(&shown_raw(raw)),
        known => known.label_in(locale()).to_owned(),
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

/// What the cancel dialog says about money coming back.
fn refund_sentence(
    estimate: Option<RefundEstimate>,
    status: &RecurrentChargeStatus,
    trial: bool,
    currency: &str,
) -> String {
    match estimate {
        Some(estimate) if estimate.amount.get() > 0 && estimate.days_left > 0 => {
            (t().refund_about)(&money(estimate.amount, currency), estimate.days_left)
        }
        Some(_) => t().refund_none_left.to_owned(),
        None if trial => t().refund_none_trial.to_owned(),
        None if matches!(
            status,
            RecurrentChargeStatus::PastDue | RecurrentChargeStatus::Frozen
        ) =>
        {
            t().refund_none_uncollected.to_owned()
        }
        None => t().refund_none_running.to_owned(),
    }
}

/// Milliseconds since the epoch, for the pure date rules (`None` before 1970).
fn ms(timestamp: &Timestamp) -> Option<u64> {
    u64::try_from(timestamp.unix_millis()).ok()
}

fn subscription_in_trial(charge: &RecurrentCharge, now_ms: u64) -> bool {
    in_trial(
        &charge.status,
        charge.trial_ends_at.as_ref().and_then(ms),
        now_ms,
    )
}

// ---------------------------------------------------------------------------
// Page and filter in the address
// ---------------------------------------------------------------------------

/// One page of a list, as the address names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// From 1.
    pub page: u32,
    /// A wire status from the list's filters; `None` is all.
    pub status: Option<String>,
}

impl ListQuery {
    /// `/charges?page=2&status=failed`; defaults are left out.
    pub(crate) fn href(&self, base: &str) -> String {
        let mut pairs = Vec::new();
        if self.page > 1 {
            pairs.push(format!("page={}", self.page));
        }
        if let Some(status) = &self.status {
            // Only filter names (lower-case letters and `_`) get here.
            pairs.push(format!("status={status}"));
        }
        if pairs.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", pairs.join("&"))
        }
    }
}

/// Reads `page` and `status`; what cannot be used is named in the notes
/// and left out, never guessed.
fn read_list_query(params: &ParamsMap, filters: &[&str]) -> (ListQuery, Vec<String>) {
    let mut notes = Vec::new();
    let page = match params.get_str("page").map(str::trim) {
        None | Some("") => 1,
        Some(raw) => match raw.parse::<u32>() {
            Ok(page) if page >= 1 => page,
            _ => {
                notes.push((t().note_not_a_page)(&shown_raw(raw)));
                1
            }
        },
    };
    let status = match params.get_str("status").map(str::trim) {
        None | Some("") => None,
        Some(raw) if filters.contains(&raw) => Some(raw.to_owned()),
        Some(raw) => {
            notes.push((t().note_not_a_status)(&shown_raw(raw)));
            None
        }
    };
    (ListQuery { page, status }, notes)
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/// Why a list or a detail could not be shown.
#[derive(Debug, Clone)]
pub(crate) enum LoadError {
    /// No usable token when the request was due.
    SignedOut,
    Api(ApiError),
}

/// A status badge: colour and shape by meaning, the label as text.
#[component]
pub(crate) fn StatusBadge(tone: Tone, #[prop(into)] text: String) -> impl IntoView {
    view! {
        <span
            class=format!("badge status-badge badge-{}", tone.as_str())
            data-testid="status-badge"
            data-tone=tone.as_str()
        >
            <span class="badge-marker" aria-hidden="true">{tone.marker()}</span>
            {text}
        </span>
    }
}

/// Shows `children` when signed in, else the sign-in prompt saying why.
#[component]
pub(crate) fn RequireSignIn(
    /// "to see your charges".
    #[prop(into)]
    purpose: String,
    children: ChildrenFn,
) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let signed_in = Memo::new(move |_| matches!(auth.status(), SignInStatus::SignedIn(_)));
    view! {
        <Show
            when=move || signed_in.get()
            fallback=move || view! { <SignInPrompt purpose=purpose.clone()/> }
        >
            {children()}
        </Show>
    }
}

/// What a scope lets the app do, in the words of the permission screen.
fn scope_purpose(scope: &str) -> &'static str {
    match scope {
        "ledger_read" => t().scope_ledger_read,
        "billing_manage" => t().scope_billing_manage,
        "billing_admin" => t().scope_billing_admin,
        _ => t().scope_other,
    }
}

/// The sign-in lacks a permission: which, who can grant it, and the way
/// out (another account). Shown before any request when the token says so,
/// and after a 403 that names the scope.
#[component]
pub(crate) fn MissingScope(scope: &'static str) -> impl IntoView {
    let sign_in = SignIn::new(expect_context::<Services>());
    view! {
        <section class="card notice missing-scope" data-testid="missing-scope" data-scope=scope>
            <h2>{t().missing_scope_title}</h2>
            <p>
                {t().missing_scope_needs} <code>{scope}</code> {t().missing_scope_to}
                {scope_purpose(scope)} {t().missing_scope_not_included}
            </p>
            <p>{t().missing_scope_owner}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button-primary"
                    data-testid="sign-in-other"
                    disabled=move || sign_in.is_busy()
                    on:click=move |_| sign_in.start(here())
                >
                    {move || {
                        if sign_in.is_busy() { t().opening_sign_in } else { t().sign_in_other }
                    }}
                </button>
            </div>
            <SignInProblem sign_in/>
        </section>
    }
}

/// The error of a load, with its way forward.
fn load_error_view(error: LoadError, purpose: &'static str, retry: Callback<()>) -> AnyView {
    match error {
        LoadError::SignedOut => view! { <SignInPrompt purpose=purpose/> }.into_any(),
        LoadError::Api(error) => match error.missing_scope() {
            Some(scope) => view! { <MissingScope scope/> }.into_any(),
            None => view! { <ErrorNotice error retry reading=true/> }.into_any(),
        },
    }
}

/// What every paged list needs to know about itself.
#[derive(Clone, Copy)]
pub(crate) struct ListSpec {
    /// The route, e.g. `/charges`.
    pub base: &'static str,
    /// Plural, lower case, English: "charges"; names the filter's id.
    pub noun: &'static str,
    /// The list's texts in a locale's catalog.
    pub texts: fn(&'static Messages) -> &'static ListTexts,
    /// Wire statuses to filter by; empty for no filter.
    pub filters: &'static [&'static str],
    /// A filter's label in the select.
    pub filter_label: fn(&str) -> &'static str,
}

impl ListSpec {
    /// The list's texts in the page's locale.
    fn text(&self) -> &'static ListTexts {
        (self.texts)(t())
    }
}

/// How long the status filter waits for the arrow keys to rest before it
/// loads the list chosen with them.
const FILTER_SETTLE_MS: u64 = 600;

/// A paged list whose page and status filter live in the address: filter,
/// the items (or loading, empty, error), and the pager. `fetch` loads one
/// page; `row` draws one item.
pub(crate) fn paged_list<T, F, Fut>(
    spec: ListSpec,
    fetch: F,
    row: fn(T, &str) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(AccessToken, ListQuery) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<T>, ApiError>> + 'static,
{
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let currency = services.currency.clone();
    let navigate = use_navigate();
    let params = use_query_map();
    let parsed = Memo::new(move |_| params.with(|p| read_list_query(p, spec.filters)));
    let query = Memo::new(move |_| parsed.with(|(q, _)| q.clone()));
    let notes = Memo::new(move |_| parsed.with(|(_, notes)| notes.clone()));

    let resource = LocalResource::new(move || {
        let wanted = query.get();
        let request = auth.current().map(|token| fetch(token, wanted.clone()));
        async move {
            let result = match request {
                Some(request) => request.await.map_err(LoadError::Api),
                None => Err(LoadError::SignedOut),
            };
            (wanted, result)
        }
    });
    let (pending, set_pending) = signal(false);
    let results = NodeRef::<leptos::html::Section>::new();
    // The rows on screen are those of the address: loaded for this very
    // query and not reloading. Tests wait for `list-results` to know that.
    let settled = move || {
        !pending.get()
            && resource.with(|loaded| {
                loaded
                    .as_ref()
                    .is_some_and(|(q, _)| query.with(|current| current == q))
            })
    };

    // What the last answer allows: a next page only after a full one.
    let loaded_count = move || {
        resource.with(|loaded| match loaded {
            Some((_, Ok(items))) => Some(items.len()),
            _ => None,
        })
    };
    let has_next = move || settled() && loaded_count().is_some_and(|count| count >= PAGE_SIZE);
    let page = move || query.with(|q| q.page);

    let go = {
        let navigate = navigate.clone();
        move |to: ListQuery| {
            navigate(
                &to.href(spec.base),
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let go_page = {
        let go = go.clone();
        move |page: u32| {
            if !untrack(settled) {
                return;
            }
            let status = query.with_untracked(|q| q.status.clone());
            go(ListQuery { page, status });
            // The results start the new page for keyboard and screen reader
            // users, and the pressed button may be disabled on arrival.
            if let Some(section) = results.get_untracked() {
                let _ = section.focus();
            }
        }
    };
    // Arrow keys on a closed select change its value at each press; each
    // would load a list. A choice made by keyboard is applied once the keys
    // rest (or on Enter, or when the focus leaves); a pointer's at once.
    let keyed = StoredValue::new(false);
    let pending_filter = timers::Later::new();
    let cancel_pending = move || pending_filter.cancel();
    let apply_filter = {
        let go = go.clone();
        move |value: String| {
            cancel_pending();
            let status = spec
                .filters
                .iter()
                .find(|f| **f == value)
                .map(|f| (*f).to_owned());
            if query.with_untracked(|q| q.status == status && q.page == 1) {
                return;
            }
            go(ListQuery { page: 1, status });
        }
    };
    let on_filter = {
        let apply_filter = apply_filter.clone();
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            if !keyed.get_value() {
                apply_filter(value);
                return;
            }
            let apply_filter = apply_filter.clone();
            pending_filter.set(FILTER_SETTLE_MS, move || apply_filter(value));
        }
    };
    let on_filter_key = {
        let apply_filter = apply_filter.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            keyed.set_value(true);
            if ev.key() == "Enter" {
                apply_filter(event_target_value(&ev));
            }
        }
    };
    let on_filter_leave = move |ev: leptos::ev::FocusEvent| {
        if pending_filter.is_set() {
            apply_filter(event_target_value(&ev));
        }
    };

    let announce = move || {
        if !settled() {
            return spec.text().loading.to_owned();
        }
        resource.with(|loaded| match loaded {
            None => String::new(),
            Some((q, Ok(items))) if items.is_empty() => (spec.text().page_empty)(q.page),
            Some((q, Ok(items))) => (spec.text().page_shown)(q.page, items.len()),
            Some((_, Err(_))) => spec.text().failed.to_owned(),
        })
    };
    let filter_id = format!("{}-status-filter", spec.noun);
    let results_label = spec.text().list_label;

    view! {
        {(!spec.filters.is_empty()).then(|| view! {
            <div class="list-toolbar">
                <label for=filter_id.clone()>{t().status}</label>
                <select
                    id=filter_id.clone()
                    data-testid="status-filter"
                    prop:value=move || query.with(|q| q.status.clone().unwrap_or_default())
                    on:change=on_filter
                    on:keydown=on_filter_key
                    on:pointerdown=move |_| keyed.set_value(false)
                    on:blur=on_filter_leave
                >
                    <option value="">{t().all_statuses}</option>
                    {spec
                        .filters
                        .iter()
                        .map(|wire| view! { <option value=*wire>{(spec.filter_label)(wire)}</option> })
                        .collect_view()}
                </select>
            </div>
        })}
        <Show when=move || notes.with(|n| !n.is_empty())>
            <div class="notice" role="status" data-testid="query-note">
                {move || notes.get().into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
            </div>
        </Show>
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="list-announce">
            {announce}
        </p>
        <section
            class="list-results"
            aria-label=results_label
            aria-busy=move || (!settled()).then_some("true")
            tabindex="-1"
            data-focus-home=""
            node_ref=results
            data-testid=move || if settled() { "list-results" } else { "list-loading" }
        >
            <Transition
                fallback=move || view! { <Loading label=spec.text().loading/> }
                set_pending=set_pending
            >
                {move || {
                    let currency = currency.clone();
                    resource.get().map(move |(q, result)| match result {
                        Ok(items) if items.is_empty() => empty_page(spec, &q).into_any(),
                        Ok(items) => view! {
                            <ul class="list">
                                {items.into_iter().map(|item| row(item, &currency)).collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => load_error_view(
                            error,
                            spec.text().purpose,
                            Callback::new(move |_| resource.refetch()),
                        ),
                    })
                }}
            </Transition>
        </section>
        <Pager
            label=spec.text().pages_label
            page=Signal::derive(page)
            has_next=Signal::derive(has_next)
            go_to=Callback::new(go_page)
        />
    }
}

/// An empty page: nothing at all, nothing with this filter, or past the end.
fn empty_page(spec: ListSpec, q: &ListQuery) -> impl IntoView {
    if q.page > 1 {
        let back = ListQuery {
            page: q.page - 1,
            status: q.status.clone(),
        };
        let first = (q.page > 2).then(|| ListQuery {
            page: 1,
            status: q.status.clone(),
        });
        return view! {
            <div class="empty-state" data-testid="no-more">
                <p>{(spec.text().no_more)(q.page)}</p>
                <p class="actions">
                    <a href=back.href(spec.base) data-testid="no-more-back">
                        {(t().back_to_page)(back.page)}
                    </a>
                    {first.map(|first| view! {
                        <a href=first.href(spec.base)>{t().first_page}</a>
                    })}
                </p>
            </div>
        }
        .into_any();
    }
    match &q.status {
        Some(status) => view! {
            <div class="empty-state" data-testid="empty-state">
                <p>
                    {(spec.text().none_with_status)((spec.filter_label)(status))}
                </p>
                <a href=spec.base>{spec.text().show_all}</a>
            </div>
        }
        .into_any(),
        None => view! { <EmptyState message=spec.text().empty/> }.into_any(),
    }
}

/// A server date in a `<time>` element.
fn time_view(timestamp: &Timestamp) -> impl IntoView {
    view! { <time datetime=timestamp.as_str().to_owned()>{date(timestamp)}</time> }
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        t().yes
    } else {
        t().no
    }
}

/// The confirmation page link of a pending charge, only on an allowed
/// address; otherwise why it is not offered.
fn confirmation_view(raw: &str) -> impl IntoView {
    let services = expect_context::<Services>();
    match services.check_confirmation_url(raw) {
        Ok(url) => view! {
            <div class="notice" data-testid="confirm-pending">
                <p>{t().awaiting_buyer}</p>
                <a class="button-primary" href=url.to_string() data-testid="confirm-link">
                    {t().confirm_purchase}
                </a>
            </div>
        }
        .into_any(),
        Err(error) => view! {
            <div class="notice notice-error" role="alert" data-testid="confirm-refused">
                <p>
                    {t().awaiting_buyer_unoffered} {error.message_in(locale())} "."
                </p>
            </div>
        }
        .into_any(),
    }
}

/// What a status means for the buyer and what they can do, when there is
/// something to say.
fn status_help(text: Option<String>, tone: Tone) -> impl IntoView {
    let class = match tone {
        Tone::Failed => "notice notice-error status-help",
        Tone::Paid => "notice notice-success status-help",
        Tone::Waiting | Tone::Ended | Tone::Unknown => "notice status-help",
    };
    text.map(|text| {
        view! {
            <p class=class data-testid="status-help">{text}</p>
        }
    })
}

fn unknown_help(raw: &str) -> String {
    (t().unknown_status_help)(&shown_raw(raw))
}

/// A detail's "not found" or "invalid id" with the way back.
fn detail_problem(
    testid: &'static str,
    title: &'static str,
    text: String,
    back: &'static str,
    back_label: &'static str,
) -> impl IntoView {
    view! {
        <section class="card error-card" role="alert" data-testid=testid>
            <h2>{title}</h2>
            <p>{text}</p>
            <p><a href=back data-testid="back-to-list">{back_label}</a></p>
        </section>
    }
}

/// What a detail page (one charge, one subscription) says around its card.
#[derive(Clone, Copy)]
struct DetailSpec {
    testid: &'static str,
    /// The list this detail belongs to, for the ways back.
    list: &'static str,
    title: &'static str,
    lead: &'static str,
    all_back: &'static str,
    not_an_address: &'static str,
    not_an_address_detail: fn(&str) -> String,
    back_to_list: &'static str,
    /// For the sign-in prompt: "to see this charge".
    purpose: &'static str,
}

/// A detail page: the id in the address is checked before anything is
/// asked of the server, then `loaded` shows it behind the sign-in gate.
fn detail_page<Id>(
    spec: DetailSpec,
    parse: fn(String) -> Result<Id, IdError>,
    loaded: fn(Id) -> AnyView,
) -> impl IntoView
where
    Id: Clone + PartialEq + Send + Sync + 'static,
{
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| parse(p.get("id").unwrap_or_default()).map_err(|e| e.message_in(locale())))
    });
    view! {
        // Where the focus goes when a retry or refresh redraws the card.
        <div data-testid=spec.testid data-focus-home="" tabindex="-1">
            <PageHeader title=spec.title lead=spec.lead/>
            <p class="back-link"><a href=spec.list>{spec.all_back}</a></p>
            {move || match id.get() {
                Err(problem) => detail_problem(
                    "invalid-id",
                    spec.not_an_address,
                    (spec.not_an_address_detail)(&problem),
                    spec.list,
                    spec.back_to_list,
                )
                .into_any(),
                Ok(id) => view! {
                    <RequireSignIn purpose=spec.purpose>
                        {loaded(id.clone())}
                    </RequireSignIn>
                }
                .into_any(),
            }}
        </div>
    }
}

/// Reloads a detail. The card is drawn anew with the answer, so the new
/// button takes the focus back when the old one had it.
#[component]
fn RefreshButton(refresh: Refresh, refreshing: ReadSignal<bool>) -> impl IntoView {
    let button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = button.get() {
            if refresh.refocus.get_untracked() {
                refresh.refocus.set(false);
                let _ = button.focus();
            }
        }
    });
    view! {
        <button
            type="button"
            class="button-secondary"
            data-testid="refresh"
            node_ref=button
            disabled=move || refreshing.get()
            on:click=move |_| {
                refresh.refocus.set(true);
                refresh.run.run(());
            }
        >
            {move || if refreshing.get() { t().refreshing } else { t().refresh }}
        </button>
    }
}

/// Reloading a detail, and whether its Refresh button should get the focus
/// back once the new card is drawn.
#[derive(Clone, Copy)]
struct Refresh {
    run: Callback<()>,
    refocus: RwSignal<bool>,
}

impl Refresh {
    fn new(run: impl Fn() + Send + Sync + 'static) -> Self {
        Self {
            run: Callback::new(move |_| run()),
            refocus: RwSignal::new(false),
        }
    }
}

// ---------------------------------------------------------------------------
// Charges
// ---------------------------------------------------------------------------

const CHARGES: ListSpec = ListSpec {
    base: "/charges",
    noun: "charges",
    texts: |m| &m.charges,
    filters: &DIRECT_FILTERS,
    filter_label: |wire| DirectChargeStatus::from_wire(wire).label_in(locale()),
};

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
    view! {
        <div data-testid="page-charges">
            <PageHeader title=t().charges_title lead=t().charges_lead/>
            <RequireSignIn purpose=CHARGES.text().purpose>
                <ChargesList/>
            </RequireSignIn>
        </div>
    }
}

#[component]
fn ChargesList() -> impl IntoView {
    let services = expect_context::<Services>();
    let fetch = move |token: AccessToken, q: ListQuery| {
        let client = services.billing_client();
        let query = DirectChargeQuery {
            page: Some(q.page),
            status: q.status.as_deref().map(DirectChargeStatus::from_wire),
            recurrent_charge_id: None,
        };
        async move {
            client
                .send(client.api().list_direct_charges(&token, &query))
                .await
        }
    };
    paged_list(CHARGES, fetch, charge_row)
}

#[component]
pub fn ChargeDetail() -> impl IntoView {
    let m = t();
    detail_page(
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
        },
        DirectChargeId::parse,
        |id| view! { <ChargeLoaded id/> }.into_any(),
    )
}

#[component]
fn ChargeLoaded(id: DirectChargeId) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let currency = services.currency.clone();
    let resource = LocalResource::new(move || {
        let client = services.billing_client();
        let token = auth.current();
        let id = id.clone();
        async move {
            let token = token.ok_or(LoadError::SignedOut)?;
            client
                .send(client.api().get_direct_charge(&token, &id))
                .await
                .map_err(LoadError::Api)
        }
    });
    let (refreshing, set_refreshing) = signal(false);
    let refresh = Refresh::new(move || resource.refetch());
    let announce = move || {
        if refreshing.get() {
            return t().loading_charge.to_owned();
        }
        resource.with(|loaded| match loaded {
            Some(Ok(charge)) => (t().status_is)(&direct_status_text(&charge.status)),
            _ => String::new(),
        })
    };
    view! {
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="detail-announce">
            {announce}
        </p>
        <Transition
            fallback=|| view! { <Loading label=t().loading_charge/> }
            set_pending=set_refreshing
        >
            {move || {
                let currency = currency.clone();
                resource.get().map(move |loaded| match loaded {
                    Ok(charge) => view! {
                        <ChargeCard charge currency refresh refreshing/>
                    }
                    .into_any(),
                    Err(LoadError::Api(error)) if error.status() == Some(404) => detail_problem(
                        "not-found",
                        t().charge_not_found,
                        t().no_such_charge.to_owned(),
                        "/charges",
                        t().back_to_charges,
                    )
                    .into_any(),
                    Err(error) => load_error_view(error, t().to_see_charge, refresh.run),
                })
            }}
        </Transition>
    }
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

// ---------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------

const SUBSCRIPTIONS: ListSpec = ListSpec {
    base: "/subscriptions",
    noun: "subscriptions",
    texts: |m| &m.subscriptions,
    filters: &RECURRENT_FILTERS,
    filter_label: |wire| RecurrentChargeStatus::from_wire(wire).label_in(locale()),
};

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
    view! {
        <div data-testid="page-subscriptions">
            <PageHeader title=t().subscriptions_title lead=t().subscriptions_lead/>
            <RequireSignIn purpose=SUBSCRIPTIONS.text().purpose>
                <SubscriptionsList/>
            </RequireSignIn>
        </div>
    }
}

#[component]
fn SubscriptionsList() -> impl IntoView {
    let services = expect_context::<Services>();
    let fetch = move |token: AccessToken, q: ListQuery| {
        let client = services.billing_client();
        let query = RecurrentChargeQuery {
            page: Some(q.page),
            status: q.status.as_deref().map(RecurrentChargeStatus::from_wire),
            order_client_id: None,
        };
        async move {
            client
                .send(client.api().list_recurrent_charges(&token, &query))
                .await
        }
    };
    paged_list(SUBSCRIPTIONS, fetch, subscription_row)
}

#[component]
pub fn SubscriptionDetail() -> impl IntoView {
    let m = t();
    detail_page(
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
        },
        RecurrentChargeId::parse,
        |id| view! { <SubscriptionLoaded id/> }.into_any(),
    )
}

/// What the page says after a cancel request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CancelNote {
    Cancelled,
    /// 409: someone or something changed the subscription first.
    ChangedMeanwhile,
}

#[component]
fn SubscriptionLoaded(id: RecurrentChargeId) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let currency = services.currency.clone();
    let resource = LocalResource::new({
        let services = services.clone();
        let id = id.clone();
        move || {
            let client = services.billing_client();
            let token = auth.current();
            let id = id.clone();
            async move {
                let token = token.ok_or(LoadError::SignedOut)?;
                client
                    .send(client.api().get_recurrent_charge(&token, &id))
                    .await
                    .map_err(LoadError::Api)
            }
        }
    });
    let (refreshing, set_refreshing) = signal(false);
    let refresh = Refresh::new(move || resource.refetch());

    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let (refund_text, set_refund_text) = signal(String::new());
    let (cancel_error, set_cancel_error) = signal(None::<ApiError>);
    let (note, set_note) = signal(None::<CancelNote>);
    let notes = NodeRef::<leptos::html::Div>::new();
    let close_dialog = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    // The button that opened the dialog goes with the old card: the note
    // about what happened takes the focus instead.
    let focus_notes = move || {
        if let Some(notes) = notes.get_untracked() {
            let _ = notes.focus();
        }
    };
    let cancel = Action::new_local(move |_: &()| {
        let client = services.billing_client();
        let token = auth.current();
        let id = id.clone();
        async move {
            let Some(token) = token else {
                close_dialog();
                auth.reject();
                return;
            };
            match client
                .send(
                    client
                        .api()
                        .recurrent_charge_action(&token, &id, RecurrentAction::Cancel),
                )
                .await
            {
                Ok(charge) => {
                    close_dialog();
                    set_note.set(Some(CancelNote::Cancelled));
                    resource.set(Some(Ok(charge)));
                    focus_notes();
                }
                Err(error) if error.status() == Some(409) => {
                    close_dialog();
                    set_note.set(Some(CancelNote::ChangedMeanwhile));
                    resource.refetch();
                    focus_notes();
                }
                Err(error) => set_cancel_error.set(Some(error)),
            }
        }
    });
    let cancelling = cancel.pending();
    let send_cancel = move || {
        if cancelling.get_untracked() {
            return;
        }
        set_cancel_error.set(None);
        cancel.dispatch(());
    };
    let open_cancel = Callback::new(move |sentence: String| {
        set_refund_text.set(sentence);
        set_cancel_error.set(None);
        set_note.set(None);
        if let Some(dialog) = dialog.get_untracked() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });

    let announce = move || {
        if refreshing.get() {
            return t().loading_subscription.to_owned();
        }
        resource.with(|loaded| match loaded {
            Some(Ok(charge)) => (t().status_is)(&recurrent_status_text(&charge.status)),
            _ => String::new(),
        })
    };

    view! {
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="detail-announce">
            {announce}
        </p>
        <div class="cancel-notes" role="status" aria-live="polite" tabindex="-1" node_ref=notes>
            {move || note.get().map(|note| match note {
                CancelNote::Cancelled => view! {
                    <div class="notice notice-success" data-testid="cancel-done">
                        <p>{t().cancelled_notice}</p>
                    </div>
                }
                .into_any(),
                CancelNote::ChangedMeanwhile => view! {
                    <div class="notice notice-error" data-testid="changed-note">
                        <p>{t().changed_meanwhile}</p>
                    </div>
                }
                .into_any(),
            })}
        </div>
        <Transition
            fallback=|| view! { <Loading label=t().loading_subscription/> }
            set_pending=set_refreshing
        >
            {move || {
                let currency = currency.clone();
                resource.get().map(move |loaded| match loaded {
                    Ok(charge) => view! {
                        <SubscriptionCard charge currency refresh refreshing open_cancel/>
                    }
                    .into_any(),
                    Err(LoadError::Api(error)) if error.status() == Some(404) => detail_problem(
                        "not-found",
                        t().subscription_not_found,
                        t().no_such_subscription.to_owned(),
                        "/subscriptions",
                        t().back_to_subscriptions,
                    )
                    .into_any(),
                    Err(error) => load_error_view(error, t().to_see_subscription, refresh.run),
                })
            }}
        </Transition>
        <dialog
            class="confirm-dialog"
            node_ref=dialog
            aria-labelledby="cancel-dialog-title"
            aria-describedby="cancel-dialog-refund"
            data-testid="cancel-dialog"
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                // Escape would close the dialog under a request in flight.
                if ev.key() == "Escape" && cancelling.get_untracked() {
                    ev.prevent_default();
                }
            }
        >
            <h2 id="cancel-dialog-title">{t().cancel_question}</h2>
            <p id="cancel-dialog-refund" data-testid="refund-estimate">{move || refund_text.get()}</p>
            <p>{t().cancel_warning}</p>
            {move || cancel_error.get().map(|error| view! {
                <ErrorNotice
                    error
                    retry=Callback::new(move |_| send_cancel())
                    testid="cancel-error"
                />
            })}
            <div class="actions">
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="keep-subscription"
                    autofocus=true
                    disabled=move || cancelling.get()
                    on:click=move |_| close_dialog()
                >
                    {t().keep_subscription}
                </button>
                <button
                    type="button"
                    class="button-danger"
                    data-testid="confirm-cancel"
                    disabled=move || cancelling.get()
                    on:click=move |_| send_cancel()
                >
                    {move || if cancelling.get() { t().cancelling } else { t().cancel_subscription }}
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
    open_cancel: Callback<String>,
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
        let currency = currency.clone();
        view! {
            <button
                type="button"
                class="button-secondary"
                data-testid="cancel-subscription"
                on:click=move |_| {
                    // The refund depends on the time left: worked out on opening.
                    let now = dom::now_ms();
                    let estimate = refund_estimate(
                        &charge.status,
                        charge.price,
                        charge.current_charge_at.as_ref().and_then(ms),
                        charge.next_charge_at.as_ref().and_then(ms),
                        charge.trial_ends_at.as_ref().and_then(ms),
                        now,
                    );
                    let trial = subscription_in_trial(&charge, now);
                    open_cancel.run(refund_sentence(estimate, &charge.status, trial, &currency));
                }
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
