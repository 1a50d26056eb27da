//! The recurring billing plans manager: the plans list (20 a page, name and
//! account filters, page and filters in the address), opening a plan by id
//! or `*code`, creating a plan and changing one. The rules (validation,
//! cycle codes, money parsing) live in `domain::plan`; this module only
//! draws the forms and sends what the core built.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use url::form_urlencoded;
use wasm_bindgen::JsCast;

use super::common::{date_text, money, shown_raw, EmptyState, ErrorNotice, PageHeader, Pager};
use super::services::{AppTransport, Services};
use super::shell::Loading;
use crate::api::plans::{PlanQuery, PlansClient};
use crate::api::ApiError;
use crate::domain::plan::{
    AccountId, BillingCycle, Plan, PlanChanges, PlanCode, PlanField, PlanForm, PlanId, PlanName,
    PlanRef, PlanValidationErrors,
};
use crate::i18n::{locale, t, Locale};
use crate::web::dom;

/// Plans per page of the list.
const PAGE_SIZE: u32 = 20;
const BASE: &str = "/plans";

type Client = PlansClient<AppTransport>;

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

/// A positive account number, or nothing when empty.
fn parse_account_filter(raw: &str) -> Result<Option<AccountId>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(id) if id > 0 && raw.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(AccountId(id))),
        _ => Err(t().account_id_invalid.to_owned()),
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
    format!("{BASE}/{}", reference.path_segment())
}

/// One page of the list, as the address names it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlansQuery {
    /// From 1.
    page: u32,
    /// Part of a name; empty for all.
    name: String,
    account: Option<AccountId>,
}

impl PlansQuery {
    fn has_filters(&self) -> bool {
        !self.name.trim().is_empty() || self.account.is_some()
    }

    /// `/plans?page=2&name=pro&accountId=1001`; defaults left out.
    fn href(&self) -> String {
        let mut pairs = form_urlencoded::Serializer::new(String::new());
        if self.page > 1 {
            pairs.append_pair("page", &self.page.to_string());
        }
        let name = self.name.trim();
        if !name.is_empty() {
            pairs.append_pair("name", name);
        }
        if let Some(account) = self.account {
            pairs.append_pair("accountId", &account.to_string());
        }
        let query = pairs.finish();
        if query.is_empty() {
            BASE.to_owned()
        } else {
            format!("{BASE}?{query}")
        }
    }

    /// One more than a page, to know whether a next page exists.
    fn api_query(&self) -> PlanQuery {
        let name = self.name.trim();
        PlanQuery {
            offset: Some(self.page.saturating_sub(1).saturating_mul(PAGE_SIZE)),
            limit: Some(PAGE_SIZE + 1),
            account_id: self.account,
            name: (!name.is_empty()).then(|| name.to_owned()),
        }
    }
}

/// Reads `page`, `name` and `accountId`; what cannot be used is named in
/// the notes and left out, never guessed.
fn read_query(params: &ParamsMap) -> (PlansQuery, Vec<String>) {
    let mut notes = Vec::new();
    let page = match params.get_str("page").map(str::trim) {
        None | Some("") => 1,
        Some(raw) => match raw.parse::<u32>() {
            Ok(page) if (1..=1_000_000).contains(&page) => page,
            _ => {
                notes.push((t().note_not_a_page)(&shown_raw(raw)));
                1
            }
        },
    };
    let name = params.get_str("name").unwrap_or_default().trim().to_owned();
    let account = match parse_account_filter(params.get_str("accountId").unwrap_or_default()) {
        Ok(account) => account,
        Err(_) => {
            notes.push((t().note_not_an_account)(&shown_raw(
                params.get_str("accountId").unwrap_or_default(),
            )));
            None
        }
    };
    (
        PlansQuery {
            page,
            name,
            account,
        },
        notes,
    )
}

/// The field a server's 400/422 answer names (`amount: cannot be
/// negative`), with its problem, so the message goes next to that field.
fn server_field_error(error: &ApiError) -> Option<(PlanField, String)> {
    const FIELDS: [PlanField; 7] = [
        PlanField::Name,
        PlanField::Code,
        PlanField::AccountId,
        PlanField::Amount,
        PlanField::TaxAmount,
        PlanField::BillingCycleType,
        PlanField::IsActive,
    ];
    let (name, problem) = match error {
        ApiError::Validation { field, message } => (field.clone(), message.clone()),
        ApiError::Http {
            status: 400 | 422,
            body: Some(body),
            ..
        } => {
            let description = body.error_description.as_deref()?;
            let (name, problem) = description.split_once(':')?;
            (name.trim().to_owned(), problem.trim().to_owned())
        }
        _ => return None,
    };
    let field = FIELDS.into_iter().find(|f| f.api_name() == name)?;
    Some((field, sentence(field, &problem)))
}

/// "Amount cannot be negative."
fn sentence(field: PlanField, problem: &str) -> String {
    let problem = problem.trim().trim_end_matches('.');
    match locale() {
        Locale::En => format!("{} {}.", field.label(), shown_long(problem)),
        other => format!("{}: {}.", field.label_in(other), shown_long(problem)),
    }
}

fn shown_long(raw: &str) -> String {
    const MAX: usize = 200;
    let mut shown: String = raw.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if raw.chars().count() > MAX {
        shown.push('…');
    }
    shown
}

fn field_messages(errors: &PlanValidationErrors) -> Vec<(PlanField, String)> {
    errors
        .0
        .iter()
        .map(|e| (e.field, e.error.sentence_in(e.field, locale())))
        .collect()
}

/// The input's id, also its test id.
const fn field_id(field: PlanField) -> &'static str {
    match field {
        PlanField::Name => "plan-field-name",
        PlanField::Code => "plan-field-code",
        PlanField::AccountId => "plan-field-account",
        PlanField::Amount => "plan-field-amount",
        PlanField::TaxAmount => "plan-field-tax",
        PlanField::BillingCycleType => "plan-field-cycle",
        PlanField::IsActive => "plan-field-active",
    }
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

/// Live mode without credentials, or an unusable address: why, instead of
/// requests that would fail obscurely.
fn unavailable(reason: String) -> impl IntoView {
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

// ---------------------------------------------------------------------------
// The list page
// ---------------------------------------------------------------------------

#[component]
pub fn Plans() -> impl IntoView {
    let services = expect_context::<Services>();
    let body = match services.plans_client() {
        Ok(client) => view! { <PlansManager client/> }.into_any(),
        Err(reason) => unavailable(reason).into_any(),
    };
    view! {
        <div data-testid="page-plans">
            <PageHeader
                title=t().plans_title
                lead=t().plans_lead
            />
            {body}
        </div>
    }
}

#[component]
fn PlansManager(client: Client) -> impl IntoView {
    let currency = expect_context::<Services>().currency.clone();
    let navigate = use_navigate();
    let params = use_query_map();
    let parsed = Memo::new(move |_| params.with(read_query));
    let query = Memo::new(move |_| parsed.with(|(q, _)| q.clone()));
    let notes = Memo::new(move |_| parsed.with(|(_, notes)| notes.clone()));

    let resource = LocalResource::new(move || {
        let wanted = query.get();
        let client = client.clone();
        async move {
            let result = client
                .send(client.api().find_plans(&wanted.api_query()))
                .await;
            (wanted, result)
        }
    });
    let (pending, set_pending) = signal(false);
    let results = NodeRef::<leptos::html::Section>::new();
    let settled = move || {
        !pending.get()
            && resource.with(|loaded| {
                loaded
                    .as_ref()
                    .is_some_and(|(q, _)| query.with(|current| current == q))
            })
    };
    let has_next = move || {
        settled()
            && resource.with(
                |loaded| matches!(loaded, Some((_, Ok(plans))) if plans.len() > PAGE_SIZE as usize),
            )
    };
    let page = move || query.with(|q| q.page);

    let go = {
        let navigate = navigate.clone();
        move |to: PlansQuery| {
            navigate(
                &to.href(),
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
            let mut to = query.get_untracked();
            to.page = page;
            go(to);
            if let Some(section) = results.get_untracked() {
                let _ = section.focus();
            }
        }
    };

    // The filter boxes follow the address (back and forward too).
    let name_input = RwSignal::new(String::new());
    let account_input = RwSignal::new(String::new());
    let account_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let q = query.get();
        name_input.set(q.name.clone());
        account_input.set(q.account.map(|a| a.to_string()).unwrap_or_default());
    });
    let apply_filters = {
        let go = go.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            match parse_account_filter(&account_input.get_untracked()) {
                Err(problem) => {
                    account_error.set(Some(problem));
                    focus_by_id("plan-filter-account");
                }
                Ok(account) => {
                    account_error.set(None);
                    go(PlansQuery {
                        page: 1,
                        name: name_input.get_untracked(),
                        account,
                    });
                }
            }
        }
    };

    // Opening one plan by id or code.
    let open_input = RwSignal::new(String::new());
    let open_error = RwSignal::new(None::<String>);
    let open_plan = move |ev: SubmitEvent| {
        ev.prevent_default();
        match parse_plan_ref(&open_input.get_untracked()) {
            Err(problem) => {
                open_error.set(Some(problem));
                focus_by_id("plan-open-ref");
            }
            Ok(reference) => {
                open_error.set(None);
                navigate(&plan_href(&reference), NavigateOptions::default());
            }
        }
    };

    let announce = move || {
        if !settled() {
            return t().loading_plans.to_owned();
        }
        resource.with(|loaded| match loaded {
            None => String::new(),
            Some((q, Ok(plans))) if plans.is_empty() => (t().plans_page_empty)(q.page),
            Some((q, Ok(plans))) => {
                (t().plans_page_shown)(q.page, plans.len().min(PAGE_SIZE as usize))
            }
            Some((_, Err(_))) => t().plans_failed.to_owned(),
        })
    };

    view! {
        <div class="plans-tools">
            <form
                class="card plans-open"
                data-testid="plan-open-form"
                aria-labelledby="plan-open-heading"
                novalidate=true
                on:submit=open_plan
            >
                <h2 id="plan-open-heading">{t().open_a_plan}</h2>
                <div class="plan-field">
                    <label for="plan-open-ref">{t().plan_ref_label}</label>
                    <div class="plans-inline">
                        <input
                            id="plan-open-ref"
                            type="text"
                            autocomplete="off"
                            spellcheck="false"
                            data-testid="plan-open-ref"
                            aria-describedby=move || {
                                if open_error.with(Option::is_some) {
                                    "plan-open-hint plan-open-error"
                                } else {
                                    "plan-open-hint"
                                }
                            }
                            aria-invalid=move || open_error.with(Option::is_some).then_some("true")
                            prop:value=move || open_input.get()
                            on:input=move |ev| {
                                open_input.set(event_target_value(&ev));
                                open_error.set(None);
                            }
                        />
                        <button type="submit" class="button-secondary" data-testid="plan-open-submit">
                            {t().open_plan}
                        </button>
                    </div>
                    <p class="plan-hint" id="plan-open-hint">
                        {t().plan_ref_hint}
                    </p>
                    {move || open_error.get().map(|problem| view! {
                        <p class="field-error" role="alert" id="plan-open-error" data-testid="plan-open-error">
                            {problem}
                        </p>
                    })}
                </div>
            </form>
            <p class="actions plans-new">
                <a class="button-primary" href="/plans/new" data-testid="plan-new-link">
                    {t().new_plan}
                </a>
            </p>
        </div>
        <form
            class="plans-filters"
            data-testid="plan-filters"
            role="search"
            aria-label=t().filter_plans
            novalidate=true
            on:submit=apply_filters
        >
            <div class="plan-field">
                <label for="plan-filter-name">{t().name_contains}</label>
                <input
                    id="plan-filter-name"
                    type="search"
                    autocomplete="off"
                    data-testid="plan-filter-name"
                    prop:value=move || name_input.get()
                    on:input=move |ev| name_input.set(event_target_value(&ev))
                />
            </div>
            <div class="plan-field">
                <label for="plan-filter-account">{t().account_id}</label>
                <input
                    id="plan-filter-account"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    data-testid="plan-filter-account"
                    aria-invalid=move || account_error.with(Option::is_some).then_some("true")
                    aria-describedby=move || {
                        account_error.with(Option::is_some).then_some("plan-filter-account-error")
                    }
                    prop:value=move || account_input.get()
                    on:input=move |ev| {
                        account_input.set(event_target_value(&ev));
                        account_error.set(None);
                    }
                />
                {move || account_error.get().map(|problem| view! {
                    <p
                        class="field-error"
                        role="alert"
                        id="plan-filter-account-error"
                        data-testid="plan-filter-account-error"
                    >
                        {problem}
                    </p>
                })}
            </div>
            <div class="actions">
                <button type="submit" class="button-secondary" data-testid="plan-filter-apply">
                    {t().apply_filters}
                </button>
                <Show when=move || query.with(PlansQuery::has_filters)>
                    <a class="button-link" href=BASE data-testid="plan-filter-clear">
                        {t().clear_filters}
                    </a>
                </Show>
            </div>
        </form>
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
            aria-label=t().list_of_plans
            aria-busy=move || (!settled()).then_some("true")
            tabindex="-1"
            node_ref=results
            data-testid=move || if settled() { "list-results" } else { "list-loading" }
        >
            <Transition
                fallback=|| view! { <Loading label=t().loading_plans/> }
                set_pending=set_pending
            >
                {move || {
                    let currency = currency.clone();
                    resource.get().map(move |(q, result)| match result {
                        Ok(plans) if plans.is_empty() => empty_page(&q).into_any(),
                        Ok(plans) => view! {
                            <ul class="list">
                                {plans
                                    .into_iter()
                                    .take(PAGE_SIZE as usize)
                                    .map(|plan| plan_row(plan, &currency))
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice
                                error
                                retry=Callback::new(move |_| resource.refetch())
                                reading=true
                            />
                        }
                        .into_any(),
                    })
                }}
            </Transition>
        </section>
        <Pager
            label=t().plans_pages_label
            page=Signal::derive(page)
            has_next=Signal::derive(has_next)
            go_to=Callback::new(go_page)
        />
    }
}

fn empty_page(q: &PlansQuery) -> impl IntoView {
    if q.page > 1 {
        let back = PlansQuery {
            page: q.page - 1,
            ..q.clone()
        };
        return view! {
            <div class="empty-state" data-testid="no-more">
                <p>{(t().plans_no_more)(q.page)}</p>
                <p class="actions">
                    <a href=back.href() data-testid="no-more-back">
                        {(t().back_to_page)(back.page)}
                    </a>
                </p>
            </div>
        }
        .into_any();
    }
    if q.has_filters() {
        return view! {
            <div class="empty-state" data-testid="empty-state">
                <p>{t().no_plans_match}</p>
                <a href=BASE>{t().show_all_plans}</a>
            </div>
        }
        .into_any();
    }
    view! { <EmptyState message=t().no_plans/> }.into_any()
}

fn plan_row(plan: Plan, currency: &str) -> AnyView {
    let href = plan_href(&PlanRef::Id(plan.id));
    view! {
        <li
            class="card list-row plan-row"
            data-testid="plan-row"
            data-id=plan.id.to_string()
            data-cycle=plan.billing_cycle_type.code().to_owned()
            data-active=plan.is_active.to_string()
        >
            <div class="list-row-main">
                <a class="list-row-name" href=href data-testid="plan-link">{plan.name.clone()}</a>
                {active_badge(plan.is_active)}
            </div>
            <div class="list-row-meta">
                <strong class="list-row-amount" data-testid="plan-amount">
                    {money(plan.amount, currency)}
                </strong>
                <span class="terms" data-testid="plan-tax">
                    {(t().plan_tax)(&tax_text(plan.tax_amount, currency))}
                </span>
                <span class="terms" data-testid="plan-cycle">
                    {cycle_text(&plan.billing_cycle_type)}
                </span>
                <span class="terms" data-testid="plan-created">
                    {(t().plan_created_on)(&created_text(&plan))}
                </span>
            </div>
        </li>
    }
    .into_any()
}

// ---------------------------------------------------------------------------
// The plan form, for creating and changing
// ---------------------------------------------------------------------------

/// The form as typed and the problems found, per field.
#[derive(Clone, Copy)]
struct FormState {
    form: RwSignal<PlanForm>,
    errors: RwSignal<Vec<(PlanField, String)>>,
}

impl FormState {
    fn new(form: PlanForm) -> Self {
        Self {
            form: RwSignal::new(form),
            errors: RwSignal::new(Vec::new()),
        }
    }

    fn error(&self, field: PlanField) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, m)| m.clone())
        })
    }

    fn clear(&self, field: PlanField) {
        self.errors
            .update(|errors| errors.retain(|(f, _)| *f != field));
    }

    /// Shows the problems and puts the focus on the first field at fault.
    fn show(&self, errors: Vec<(PlanField, String)>) {
        let first = errors.first().map(|(f, _)| *f);
        self.errors.set(errors);
        if let Some(field) = first {
            focus_by_id(field_id(field));
        }
    }
}

/// A text input with its label, hint and error. `read_only` for what
/// cannot change after creation.
fn text_field(
    state: FormState,
    field: PlanField,
    hint: String,
    input_mode: &'static str,
    read_only: bool,
    get: fn(&PlanForm) -> String,
    set: fn(&mut PlanForm, String),
) -> impl IntoView {
    let id = field_id(field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let hint_id = hint_id.clone();
        let error_id = error_id.clone();
        move || {
            if state.error(field).is_some() {
                format!("{hint_id} {error_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    view! {
        <div class="plan-field" data-field=field.api_name()>
            <label for=id>{field.label_in(locale())}</label>
            <input
                id=id
                type="text"
                inputmode=input_mode
                autocomplete="off"
                data-testid=id
                readonly=read_only
                aria-readonly=read_only.then_some("true")
                aria-invalid=move || state.error(field).is_some().then_some("true")
                aria-describedby=described
                prop:value=move || state.form.with(get)
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    state.form.update(|form| set(form, value));
                    state.clear(field);
                }
            />
            <p class="plan-hint" id=hint_id>{hint}</p>
            {move || state.error(field).map(|message| view! {
                <p class="field-error" id=error_id.clone() data-testid=format!("{id}-error")>
                    {message}
                </p>
            })}
        </div>
    }
}

/// The billing cycle: the known codes, plus the plan's own code when this
/// page does not know it, kept as it is.
fn cycle_field(state: FormState, unknown: Option<String>) -> impl IntoView {
    let field = PlanField::BillingCycleType;
    let id = field_id(field);
    let error_id = format!("{id}-error");
    let selected = move |code: &str| state.form.with(|f| f.billing_cycle.trim() == code);
    let known = BillingCycle::KNOWN
        .iter()
        .map(|cycle| {
            let code = cycle.code().to_owned();
            let label = format!("{} ({})", cycle.label_in(locale()), cycle.code());
            let value = code.clone();
            view! {
                <option value=value prop:selected=move || selected(&code)>{label}</option>
            }
        })
        .collect_view();
    let other = unknown.map(|code| {
        let label = (t().code_unknown)(&shown_raw(&code));
        let value = code.clone();
        view! { <option value=value prop:selected=move || selected(&code)>{label}</option> }
    });
    view! {
        <div class="plan-field" data-field=field.api_name()>
            <label for=id>{field.label_in(locale())}</label>
            <select
                id=id
                data-testid=id
                aria-invalid=move || state.error(field).is_some().then_some("true")
                aria-describedby=move || state.error(field).is_some().then(|| error_id.clone())
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    state.form.update(|form| form.billing_cycle = value);
                    state.clear(field);
                }
            >
                {other}
                {known}
            </select>
            {move || state.error(field).map(|message| view! {
                <p class="field-error" id=format!("{id}-error") data-testid=format!("{id}-error")>
                    {message}
                </p>
            })}
        </div>
    }
}

fn active_field(state: FormState) -> impl IntoView {
    let id = field_id(PlanField::IsActive);
    view! {
        <div class="plan-field plan-check">
            <input
                id=id
                type="checkbox"
                data-testid=id
                prop:checked=move || state.form.with(|f| f.is_active)
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    state.form.update(|form| form.is_active = checked);
                }
            />
            <label for=id>{t().plan_active_field}</label>
        </div>
    }
}

/// The fields of the form; code and account only editable at creation.
fn plan_fields(
    state: FormState,
    creating: bool,
    currency: &str,
    unknown_cycle: Option<String>,
) -> impl IntoView {
    let fixed = t().plan_fixed_hint.to_owned();
    view! {
        {text_field(
            state,
            PlanField::Name,
            t().plan_name_hint.to_owned(),
            "text",
            false,
            |f| f.name.clone(),
            |f, v| f.name = v,
        )}
        {text_field(
            state,
            PlanField::Amount,
            (t().plan_amount_hint)(currency),
            "decimal",
            false,
            |f| f.amount.clone(),
            |f, v| f.amount = v,
        )}
        {text_field(
            state,
            PlanField::TaxAmount,
            (t().plan_tax_hint)(currency),
            "decimal",
            false,
            |f| f.tax_amount.clone(),
            |f, v| f.tax_amount = v,
        )}
        {cycle_field(state, unknown_cycle)}
        {text_field(
            state,
            PlanField::Code,
            if creating {
                t().plan_code_hint.to_owned()
            } else {
                fixed.clone()
            },
            "text",
            !creating,
            |f| f.code.clone(),
            |f, v| f.code = v,
        )}
        {text_field(
            state,
            PlanField::AccountId,
            if creating {
                t().plan_account_hint.to_owned()
            } else {
                fixed
            },
            "numeric",
            !creating,
            |f| f.account_id.clone(),
            |f, v| f.account_id = v,
        )}
        {active_field(state)}
    }
}

/// "Check the 2 fields marked below", announced, above the form.
fn errors_summary(state: FormState) -> impl IntoView {
    move || {
        let count = state.errors.with(Vec::len);
        (count > 0).then(|| {
            let text = (t().check_fields)(count);
            view! {
                <p class="notice notice-error" role="alert" data-testid="plan-form-errors">{text}</p>
            }
        })
    }
}

// ---------------------------------------------------------------------------
// Creating
// ---------------------------------------------------------------------------

#[component]
pub fn PlanCreate() -> impl IntoView {
    let services = expect_context::<Services>();
    let body = match services.plans_client() {
        Ok(client) => view! { <CreateForm client currency=services.currency.clone()/> }.into_any(),
        Err(reason) => unavailable(reason).into_any(),
    };
    view! {
        <div data-testid="page-plan-new">
            <PageHeader title=t().new_plan_title lead=t().new_plan_lead/>
            <p class="back-link"><a href=BASE>{t().all_plans_back}</a></p>
            {body}
        </div>
    }
}

#[component]
fn CreateForm(client: Client, currency: String) -> impl IntoView {
    let navigate = use_navigate();
    let state = FormState::new(PlanForm {
        billing_cycle: BillingCycle::Monthly.code().to_owned(),
        is_active: true,
        ..PlanForm::default()
    });
    let busy = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |new: &crate::domain::plan::NewPlan| {
        let client = client.clone();
        let new = new.clone();
        let navigate = navigate.clone();
        async move {
            let result = client.send(client.api().create_plan(&new)).await;
            busy.try_set(false);
            match result {
                Ok(plan) => navigate(
                    &format!("{}?saved=created", plan_href(&PlanRef::Id(plan.id))),
                    NavigateOptions::default(),
                ),
                Err(error) => match server_field_error(&error) {
                    Some(problem) => state.show(vec![problem]),
                    None => {
                        server_error.try_set(Some(error));
                    }
                },
            }
        }
    });
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        server_error.set(None);
        match state
            .form
            .with_untracked(|f| f.with_decimal_dots(locale()).validate_new())
        {
            Err(errors) => state.show(field_messages(&errors)),
            Ok(new) => {
                state.errors.set(Vec::new());
                busy.set(true);
                create.dispatch(new);
            }
        }
    };
    view! {
        <form
            class="card plan-form"
            data-testid="plan-form"
            data-mode="create"
            aria-label=t().new_plan
            novalidate=true
            aria-busy=move || busy.get().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit();
            }
        >
            {errors_summary(state)}
            {plan_fields(state, true, &currency, None)}
            {move || server_error.get().map(|error| view! {
                <ErrorNotice error retry=Callback::new(move |_| submit()) testid="plan-save-error"/>
            })}
            <div class="actions">
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="plan-submit"
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { t().creating } else { t().create_plan }}
                </button>
                <a class="button-link" href=BASE>{t().cancel_form}</a>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------------------
// One plan: details and changes
// ---------------------------------------------------------------------------

#[component]
pub fn PlanDetail() -> impl IntoView {
    let services = expect_context::<Services>();
    let params = use_params_map();
    let reference =
        Memo::new(move |_| params.with(|p| parse_plan_ref(p.get_str("id").unwrap_or_default())));
    let body = match services.plans_client() {
        Ok(client) => {
            let currency = services.currency.clone();
            (move || match reference.get() {
                Err(problem) => view! {
                    <section class="card error-card" role="alert" data-testid="invalid-id">
                        <h2>{t().not_a_plan_address}</h2>
                        <p>{problem}</p>
                        <p><a href=BASE data-testid="back-to-list">{t().back_to_plans}</a></p>
                    </section>
                }
                .into_any(),
                Ok(reference) => view! {
                    <PlanLoaded client=client.clone() reference currency=currency.clone()/>
                }
                .into_any(),
            })
            .into_any()
        }
        Err(reason) => unavailable(reason).into_any(),
    };
    view! {
        <div data-testid="page-plan-detail">
            <PageHeader title=t().plan_title lead=t().plan_lead/>
            <p class="back-link"><a href=BASE>{t().all_plans_back}</a></p>
            {body}
        </div>
    }
}

/// What the last change did, announced above the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SavedNote {
    Created,
    Saved,
    Activated,
    Deactivated,
}

impl SavedNote {
    fn text(self) -> &'static str {
        match self {
            SavedNote::Created => t().plan_created,
            SavedNote::Saved => t().plan_saved,
            SavedNote::Activated => t().plan_activated,
            SavedNote::Deactivated => t().plan_deactivated,
        }
    }
}

#[component]
fn PlanLoaded(client: Client, reference: PlanRef, currency: String) -> impl IntoView {
    let query = use_query_map();
    let created = query.with_untracked(|q| q.get_str("saved") == Some("created"));
    let saved = RwSignal::new(created.then_some(SavedNote::Created));
    let resource = LocalResource::new({
        let client = client.clone();
        move || {
            let client = client.clone();
            let reference = reference.clone();
            async move { client.send(client.api().load_plan(&reference)).await }
        }
    });
    let busy = RwSignal::new(false);
    let save_error = RwSignal::new(None::<ApiError>);
    let field_problem = RwSignal::new(None::<(PlanField, String)>);
    let draft = RwSignal::new(None::<PlanForm>);
    let modify = Action::new_local(
        move |(id, changes, note): &(PlanId, PlanChanges, SavedNote)| {
            let client = client.clone();
            let id = *id;
            let changes = changes.clone();
            let note = *note;
            async move {
                let result = client
                    .send(client.api().modify_plan(&PlanRef::Id(id), &changes))
                    .await;
                busy.try_set(false);
                if result.is_err() {
                    // The card stays: its form still holds what was typed.
                    draft.try_set(None);
                }
                match result {
                    Ok(plan) => {
                        save_error.try_set(None);
                        saved.try_set(Some(note));
                        resource.set(Some(Ok(plan)));
                    }
                    Err(error) => match server_field_error(&error) {
                        Some(problem) => {
                            field_problem.try_set(Some(problem));
                        }
                        None => {
                            save_error.try_set(Some(error));
                        }
                    },
                }
            }
        },
    );
    let send = Callback::new(move |input: (PlanId, PlanChanges, SavedNote)| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        saved.set(None);
        save_error.set(None);
        modify.dispatch(input);
    });
    let ctx = EditContext {
        send,
        busy,
        save_error,
        field_problem,
        draft,
    };
    view! {
        <div class="plan-notes" role="status" aria-live="polite">
            {move || saved.get().map(|note| view! {
                <p class="notice notice-success" data-testid="plan-saved">{note.text()}</p>
            })}
        </div>
        <Transition fallback=|| view! { <Loading label=t().loading_plan/> }>
            {move || {
                let currency = currency.clone();
                resource.get().map(move |loaded| match loaded {
                    Ok(plan) => view! { <PlanCard plan currency ctx/> }.into_any(),
                    Err(error) if error.status() == Some(404) => view! {
                        <section class="card error-card" role="alert" data-testid="not-found">
                            <h2>{t().plan_not_found}</h2>
                            <p>{t().no_such_plan}</p>
                            <p><a href=BASE data-testid="back-to-list">{t().back_to_plans}</a></p>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <ErrorNotice error retry=Callback::new(move |_| resource.refetch()) reading=true/>
                    }
                    .into_any(),
                })
            }}
        </Transition>
    }
}

/// What the plan card needs from the page that loaded it.
#[derive(Clone, Copy)]
struct EditContext {
    send: Callback<(PlanId, PlanChanges, SavedNote)>,
    busy: RwSignal<bool>,
    save_error: RwSignal<Option<ApiError>>,
    /// A field the server refused; moved into the form's errors.
    field_problem: RwSignal<Option<(PlanField, String)>>,
    /// Unsaved edits carried over when activating or deactivating redraws
    /// the card.
    draft: RwSignal<Option<PlanForm>>,
}

#[component]
fn PlanCard(plan: Plan, currency: String, ctx: EditContext) -> impl IntoView {
    let saved_form = PlanForm::from_plan_in(&plan, locale());
    let form = match ctx.draft.try_update(Option::take).flatten() {
        Some(draft) => PlanForm {
            is_active: plan.is_active,
            ..draft
        },
        None => saved_form,
    };
    let state = FormState::new(form);
    Effect::new(move |_| {
        if let Some(problem) = ctx.field_problem.get() {
            ctx.field_problem.set(None);
            state.show(vec![problem]);
        }
    });
    let unknown_cycle = match &plan.billing_cycle_type {
        BillingCycle::Other(code) => Some(code.clone()),
        _ => None,
    };
    let total = plan
        .total_per_cycle()
        .map(|t| money(t, &currency))
        .unwrap_or_else(|| t().too_large.to_owned());
    let toggle_problem = RwSignal::new(None::<String>);
    let toggle = {
        let plan = plan.clone();
        move |_| {
            // The detail is drawn anew with the saved plan.
            dom::keep_focus_here();
            let name = match PlanName::parse(&plan.name) {
                Ok(name) => name,
                Err(error) => {
                    toggle_problem.set(Some((t().plan_name_unsaveable)(
                        &error.problem_in(locale()),
                    )));
                    return;
                }
            };
            toggle_problem.set(None);
            // What was typed but not saved stays in the form.
            let typed = state.form.get_untracked();
            let unsaved = typed != PlanForm::from_plan_in(&plan, locale());
            ctx.draft.set(unsaved.then_some(typed));
            let is_active = !plan.is_active;
            let changes = PlanChanges {
                name,
                amount: plan.amount,
                tax_amount: plan.tax_amount,
                // The code as the server sent it, known or not.
                billing_cycle_type: plan.billing_cycle_type.clone(),
                is_active,
            };
            let note = if is_active {
                SavedNote::Activated
            } else {
                SavedNote::Deactivated
            };
            ctx.send.run((plan.id, changes, note));
        }
    };
    let submit = {
        let plan = plan.clone();
        move || {
            if ctx.busy.get_untracked() {
                return;
            }
            match state
                .form
                .with_untracked(|f| f.with_decimal_dots(locale()).validate_changes(&plan))
            {
                Err(errors) => state.show(field_messages(&errors)),
                Ok(changes) => {
                    state.errors.set(Vec::new());
                    ctx.draft.set(None);
                    ctx.send.run((plan.id, changes, SavedNote::Saved));
                }
            }
        }
    };
    let retry = {
        let submit = submit.clone();
        Callback::new(move |_| submit())
    };
    let (toggle_label, toggle_class) = if plan.is_active {
        (t().deactivate_plan, "button-secondary")
    } else {
        (t().activate_plan, "button-primary")
    };
    view! {
        <section
            class="card detail-card plan-detail"
            data-testid="plan-detail"
            data-id=plan.id.to_string()
            data-cycle=plan.billing_cycle_type.code().to_owned()
            data-active=plan.is_active.to_string()
        >
            <div class="detail-head">
                <h2 data-testid="plan-detail-name">{plan.name.clone()}</h2>
                {active_badge(plan.is_active)}
            </div>
            <dl class="details">
                <dt>{t().plan_id}</dt>
                <dd data-testid="plan-detail-id">{plan.id.to_string()}</dd>
                <dt>{t().plan_code}</dt>
                <dd data-testid="plan-detail-code">
                    {plan.code.clone().unwrap_or_else(|| "—".to_owned())}
                </dd>
                <dt>{t().account_id}</dt>
                <dd data-testid="plan-detail-account">{plan.account_id.to_string()}</dd>
                <dt>{t().amount}</dt>
                <dd data-testid="plan-detail-amount">{money(plan.amount, &currency)}</dd>
                <dt>{t().tax}</dt>
                <dd data-testid="plan-detail-tax">{tax_text(plan.tax_amount, &currency)}</dd>
                <dt>{t().total_per_cycle}</dt>
                <dd data-testid="plan-detail-total">{total}</dd>
                <dt>{t().billing_cycle}</dt>
                <dd data-testid="plan-detail-cycle">{cycle_text(&plan.billing_cycle_type)}</dd>
                <dt>{t().created}</dt>
                <dd data-testid="plan-detail-created">
                    {created_text(&plan)}
                </dd>
            </dl>
            <div class="actions">
                <button
                    type="button"
                    class=toggle_class
                    data-testid="plan-toggle-active"
                    disabled=move || ctx.busy.get()
                    on:click=toggle
                >
                    {toggle_label}
                </button>
            </div>
            {move || toggle_problem.get().map(|problem| view! {
                <p class="field-error" role="alert" data-testid="plan-toggle-problem">{problem}</p>
            })}
        </section>
        <form
            class="card plan-form"
            data-testid="plan-form"
            data-mode="edit"
            aria-labelledby="plan-edit-heading"
            novalidate=true
            aria-busy=move || ctx.busy.get().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                // Saved, the plan's page is drawn anew.
                dom::keep_focus_here();
                submit();
            }
        >
            <h2 id="plan-edit-heading">{t().change_plan}</h2>
            {errors_summary(state)}
            {plan_fields(state, false, &currency, unknown_cycle)}
            {move || ctx.save_error.get().map(|error| view! {
                <ErrorNotice error retry=retry testid="plan-save-error"/>
            })}
            <div class="actions">
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="plan-submit"
                    disabled=move || ctx.busy.get()
                >
                    {move || if ctx.busy.get() { t().saving } else { t().save_changes }}
                </button>
            </div>
        </form>
    }
}
