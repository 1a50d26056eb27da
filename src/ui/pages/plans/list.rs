//! The plans list: 20 a page, name and account filters in the address,
//! with the forms that open one plan or start a new one. The paging is the
//! paged list every list shows.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use url::form_urlencoded;

use super::{
    active_badge, created_text, cycle_text, focus_by_id, parse_plan_ref, plan_href, tax_text,
    unavailable, BASE,
};
use crate::api::plans::{PlanQuery, PlansApi};
use crate::api::ApiError;
use crate::domain::plan::{AccountId, Plan, PlanRef};
use crate::i18n::t;
use crate::ui::components::{
    self, money, paged_list, shown_raw, ErrorNotice, ListNav, ListWords, NextPage, PageHeader,
    PageQuery, PagedList,
};
use crate::ui::services::Services;

/// Plans per page of the list, as many as every list shows.
const PAGE_SIZE: u32 = components::PAGE_SIZE as u32;

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

impl PageQuery for PlansQuery {
    fn page(&self) -> u32 {
        self.page
    }

    fn with_page(&self, page: u32) -> Self {
        PlansQuery {
            page,
            ..self.clone()
        }
    }

    /// `/plans?page=2&name=pro&accountId=1001`; defaults left out.
    fn href(&self, base: &str) -> String {
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
            base.to_owned()
        } else {
            format!("{base}?{query}")
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

#[component]
pub fn Plans() -> impl IntoView {
    let services = expect_context::<Services>();
    let body = match services.plans() {
        Ok(api) => view! { <PlansManager api=api.clone()/> }.into_any(),
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

/// The plans list as the paged list sees it.
#[derive(Clone, Copy)]
struct PlansList;

impl PagedList for PlansList {
    type Query = PlansQuery;
    type Error = ApiError;
    // A page asks for one plan more (see `PlansQuery::api_query`).
    const NEXT_PAGE: NextPage = NextPage::OneMoreAsked;
    const OFFERS_FIRST_PAGE: bool = false;
    const RESULTS_FOCUS_HOME: bool = false;

    fn base(self) -> &'static str {
        BASE
    }

    fn words(self) -> ListWords {
        let m = t();
        ListWords {
            loading: m.loading_plans,
            page_empty: m.plans_page_empty,
            page_shown: m.plans_page_shown,
            failed: m.plans_failed,
            list_label: m.list_of_plans,
            pages_label: m.plans_pages_label,
            no_more: m.plans_no_more,
            show_all: m.show_all_plans,
            empty: m.no_plans,
        }
    }

    fn read(self, params: &ParamsMap) -> (PlansQuery, Vec<String>) {
        read_query(params)
    }

    fn none_matching(self, query: &PlansQuery) -> Option<String> {
        query.has_filters().then(|| t().no_plans_match.to_owned())
    }

    // No sign-in here: the error is all there is to say.
    fn error_view(self, error: ApiError, retry: Callback<()>) -> AnyView {
        view! { <ErrorNotice error retry reading=true/> }.into_any()
    }
}

#[component]
fn PlansManager(api: PlansApi) -> impl IntoView {
    let services = expect_context::<Services>();
    let fetch = move |wanted: PlansQuery| {
        let find = api.find_plans(&wanted.api_query());
        let services = services.clone();
        async move { services.send(find).await }
    };
    paged_list(PlansList, plans_tools, fetch, plan_row)
}

/// Above the list: opening one plan by id or code, a new plan, and the
/// filters.
fn plans_tools(nav: ListNav<PlansQuery>) -> AnyView {
    let navigate = use_navigate();
    // The filter boxes follow the address (back and forward too).
    let name_input = RwSignal::new(String::new());
    let account_input = RwSignal::new(String::new());
    let account_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let q = nav.query.get();
        name_input.set(q.name.clone());
        account_input.set(q.account.map(|a| a.to_string()).unwrap_or_default());
    });
    let apply_filters = move |ev: SubmitEvent| {
        ev.prevent_default();
        match parse_account_filter(&account_input.get_untracked()) {
            Err(problem) => {
                account_error.set(Some(problem));
                focus_by_id("plan-filter-account");
            }
            Ok(account) => {
                account_error.set(None);
                nav.go.run(PlansQuery {
                    page: 1,
                    name: name_input.get_untracked(),
                    account,
                });
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
                <Show when=move || nav.query.with(PlansQuery::has_filters)>
                    <a class="button-link" href=BASE data-testid="plan-filter-clear">
                        {t().clear_filters}
                    </a>
                </Show>
            </div>
        </form>
    }
    .into_any()
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
