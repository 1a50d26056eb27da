//! The paged list every list page shows (charges, subscriptions, the
//! ledger, plans): page and filters in the address, the list's toolbar, the
//! items (or loading, empty, error) and the pager. Each list says through
//! [`PagedList`] how it reads its address and where it differs; the
//! Billing API's lists, filtered by status, are [`ListSpec`]s.

use std::future::Future;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use super::empty_state::EmptyState;
use super::format::shown_raw;
use super::page_header::PageHeader;
use super::pager::Pager;
use super::sign_in_gate::{load_error_view, LoadError, RequireSignIn, SignedInLoader};
use crate::api::livechat::BillingApi;
use crate::api::Endpoint;
use crate::domain::oauth::AccessToken;
use crate::i18n::{t, ListTexts, Messages};
use crate::ui::services::Services;
use crate::ui::shell::Loading;
use crate::web::timers;

/// The Billing API answers 20 items a page; every list shows as many.
pub(crate) const PAGE_SIZE: usize = 20;

// ---------------------------------------------------------------------------
// What a list tells the paged list
// ---------------------------------------------------------------------------

/// One page of a list, as the address names it: the page and the list's
/// filters.
pub(crate) trait PageQuery: Clone + PartialEq + Send + Sync + 'static {
    /// From 1.
    fn page(&self) -> u32;
    /// The same filters, another page.
    fn with_page(&self, page: u32) -> Self;
    /// The address of this page of the list at `base`; defaults left out.
    fn href(&self, base: &str) -> String;
}

/// How a list learns that a next page exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextPage {
    /// The API answers at most a page: a next page only after a full one.
    AfterFullPage,
    /// One item more than a page is asked for: a next page when it came.
    /// That item is not shown.
    OneMoreAsked,
}

impl NextPage {
    fn has_next(self, loaded: usize) -> bool {
        match self {
            NextPage::AfterFullPage => loaded >= PAGE_SIZE,
            NextPage::OneMoreAsked => loaded > PAGE_SIZE,
        }
    }

    /// How many of the `loaded` items the page shows.
    fn shown(self, loaded: usize) -> usize {
        match self {
            NextPage::AfterFullPage => loaded,
            NextPage::OneMoreAsked => loaded.min(PAGE_SIZE),
        }
    }
}

/// What the paged list says, in the page's locale.
#[derive(Clone, Copy)]
pub(crate) struct ListWords {
    pub(crate) loading: &'static str,
    /// A sentence for screen readers: page `p`, none shown.
    pub(crate) page_empty: fn(u32) -> String,
    /// A sentence for screen readers: page `p`, `n` shown.
    pub(crate) page_shown: fn(u32, usize) -> String,
    pub(crate) failed: &'static str,
    /// The accessible name of the list.
    pub(crate) list_label: &'static str,
    /// The accessible name of the pager.
    pub(crate) pages_label: &'static str,
    /// Past the last page `p`.
    pub(crate) no_more: fn(u32) -> String,
    /// The way back from an empty filtered page.
    pub(crate) show_all: &'static str,
    /// An empty first page without a filter.
    pub(crate) empty: &'static str,
}

/// What the paged list needs to know about one list.
pub(crate) trait PagedList: Copy + Send + Sync + 'static {
    type Query: PageQuery;
    /// Why a page could not be loaded.
    type Error: Clone + 'static;
    const NEXT_PAGE: NextPage;
    /// Whether a page far past the end also offers the first page.
    const OFFERS_FIRST_PAGE: bool;
    /// Whether the results are where the focus goes back when a retry
    /// redraws them (`data-focus-home`).
    const RESULTS_FOCUS_HOME: bool;

    /// The route, e.g. `/charges`.
    fn base(self) -> &'static str;
    /// The list's words in the page's locale.
    fn words(self) -> ListWords;
    /// Reads the query; what cannot be used is named in the notes and left
    /// out, never guessed.
    fn read(self, params: &ParamsMap) -> (Self::Query, Vec<String>);
    /// What an empty first page says when filters are on; `None` when
    /// none is.
    fn none_matching(self, query: &Self::Query) -> Option<String>;
    /// The error of a load, with its way forward.
    fn error_view(self, error: Self::Error, retry: Callback<()>) -> AnyView;
}

/// What a list's toolbar works with: the query in the address, and going
/// to another one.
pub(crate) struct ListNav<Q: Send + Sync + 'static> {
    pub(crate) query: Memo<Q>,
    /// Shows the list `Q` names, without scrolling the page.
    pub(crate) go: Callback<Q>,
}

impl<Q: Send + Sync + 'static> Clone for ListNav<Q> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Q: Send + Sync + 'static> Copy for ListNav<Q> {}

// ---------------------------------------------------------------------------
// The paged list
// ---------------------------------------------------------------------------

/// A paged list whose page and filters live in the address: `toolbar`
/// (filters, forms), the items (or loading, empty, error), and the pager.
/// `fetch` loads one page; `row` draws one item.
pub(crate) fn paged_list<L, T, F, Fut>(
    list: L,
    toolbar: impl FnOnce(ListNav<L::Query>) -> AnyView,
    fetch: F,
    row: fn(T, &str) -> AnyView,
) -> impl IntoView
where
    L: PagedList,
    T: Clone + Send + Sync + 'static,
    F: Fn(L::Query) -> Fut + 'static,
    Fut: Future<Output = Result<Vec<T>, L::Error>> + 'static,
{
    let currency = expect_context::<Services>().currency.clone();
    let navigate = use_navigate();
    let params = use_query_map();
    let parsed = Memo::new(move |_| params.with(|p| list.read(p)));
    let query = Memo::new(move |_| parsed.with(|(q, _)| q.clone()));
    let notes = Memo::new(move |_| parsed.with(|(_, notes)| notes.clone()));

    let resource = LocalResource::new(move || {
        let wanted = query.get();
        let request = fetch(wanted.clone());
        async move { (wanted, request.await) }
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

    // What the last answer allows (see `NextPage`).
    let loaded_count = move || {
        resource.with(|loaded| match loaded {
            Some((_, Ok(items))) => Some(items.len()),
            _ => None,
        })
    };
    let has_next =
        move || settled() && loaded_count().is_some_and(|count| L::NEXT_PAGE.has_next(count));
    let page = move || query.with(|q| q.page());

    let go = Callback::new(move |to: L::Query| {
        navigate(
            &to.href(list.base()),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    });
    let go_page = move |page: u32| {
        if !untrack(settled) {
            return;
        }
        go.run(query.with_untracked(|q| q.with_page(page)));
        // The results start the new page for keyboard and screen reader
        // users, and the pressed button may be disabled on arrival.
        if let Some(section) = results.get_untracked() {
            let _ = section.focus();
        }
    };
    let toolbar = toolbar(ListNav { query, go });

    let announce = move || {
        if !settled() {
            return list.words().loading.to_owned();
        }
        resource.with(|loaded| match loaded {
            None => String::new(),
            Some((q, Ok(items))) if items.is_empty() => (list.words().page_empty)(q.page()),
            Some((q, Ok(items))) => {
                (list.words().page_shown)(q.page(), L::NEXT_PAGE.shown(items.len()))
            }
            Some((_, Err(_))) => list.words().failed.to_owned(),
        })
    };
    let results_label = list.words().list_label;

    view! {
        {toolbar}
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
            data-focus-home=L::RESULTS_FOCUS_HOME.then_some("")
            node_ref=results
            data-testid=move || if settled() { "list-results" } else { "list-loading" }
        >
            <Transition
                fallback=move || view! { <Loading label=list.words().loading/> }
                set_pending=set_pending
            >
                {move || {
                    let currency = currency.clone();
                    resource.get().map(move |(q, result)| match result {
                        Ok(items) if items.is_empty() => empty_page(list, &q),
                        Ok(items) => {
                            let shown = L::NEXT_PAGE.shown(items.len());
                            view! {
                                <ul class="list">
                                    {items
                                        .into_iter()
                                        .take(shown)
                                        .map(|item| row(item, &currency))
                                        .collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                        Err(error) => list.error_view(
                            error,
                            Callback::new(move |_| resource.refetch()),
                        ),
                    })
                }}
            </Transition>
        </section>
        <Pager
            label=list.words().pages_label
            page=Signal::derive(page)
            has_next=Signal::derive(has_next)
            go_to=Callback::new(go_page)
        />
    }
}

/// An empty page: nothing at all, nothing with these filters, or past the
/// end.
fn empty_page<L: PagedList>(list: L, q: &L::Query) -> AnyView {
    let words = list.words();
    let page = q.page();
    if page > 1 {
        let back = q.with_page(page - 1);
        let back_link = view! {
            <a href=back.href(list.base()) data-testid="no-more-back">
                {(t().back_to_page)(page - 1)}
            </a>
        };
        let links = if L::OFFERS_FIRST_PAGE {
            let first = (page > 2).then(|| q.with_page(1));
            view! {
                {back_link}
                {first.map(|first| view! {
                    <a href=first.href(list.base())>{t().first_page}</a>
                })}
            }
            .into_any()
        } else {
            back_link.into_any()
        };
        return view! {
            <div class="empty-state" data-testid="no-more">
                <p>{(words.no_more)(page)}</p>
                <p class="actions">{links}</p>
            </div>
        }
        .into_any();
    }
    match list.none_matching(q) {
        Some(sentence) => view! {
            <div class="empty-state" data-testid="empty-state">
                <p>{sentence}</p>
                <a href=list.base()>{words.show_all}</a>
            </div>
        }
        .into_any(),
        None => view! { <EmptyState message=words.empty/> }.into_any(),
    }
}

// ---------------------------------------------------------------------------
// The Billing API's lists: page and status filter in the address
// ---------------------------------------------------------------------------

/// One page of a Billing API list, as the address names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// From 1.
    pub(crate) page: u32,
    /// A wire status from the list's filters; `None` is all.
    pub(crate) status: Option<String>,
}

impl PageQuery for ListQuery {
    fn page(&self) -> u32 {
        self.page
    }

    fn with_page(&self, page: u32) -> Self {
        ListQuery {
            page,
            status: self.status.clone(),
        }
    }

    /// `/charges?page=2&status=failed`; defaults are left out.
    fn href(&self, base: &str) -> String {
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

/// What a Billing API list needs to know about itself; `T` is one item.
pub(crate) struct ListSpec<T: 'static> {
    /// The route, e.g. `/charges`; it also names the filter's id.
    pub(crate) base: &'static str,
    /// The list's texts in a locale's catalog.
    pub(crate) texts: fn(&'static Messages) -> &'static ListTexts,
    /// Wire statuses to filter by; empty for no filter.
    pub(crate) filters: &'static [&'static str],
    /// A filter's label in the select.
    pub(crate) filter_label: fn(&str) -> &'static str,
    /// The request of one page.
    pub(crate) request: fn(&BillingApi, &AccessToken, &ListQuery) -> Endpoint<Vec<T>>,
    /// Draws one item.
    pub(crate) row: fn(T, &str) -> AnyView,
}

impl<T> Clone for ListSpec<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for ListSpec<T> {}

impl<T> ListSpec<T> {
    /// The list's texts in the page's locale.
    fn text(&self) -> &'static ListTexts {
        (self.texts)(t())
    }
}

impl<T> PagedList for ListSpec<T> {
    type Query = ListQuery;
    type Error = LoadError;
    // The Billing API answers 20 items a page at most.
    const NEXT_PAGE: NextPage = NextPage::AfterFullPage;
    const OFFERS_FIRST_PAGE: bool = true;
    const RESULTS_FOCUS_HOME: bool = true;

    fn base(self) -> &'static str {
        self.base
    }

    fn words(self) -> ListWords {
        let texts = self.text();
        ListWords {
            loading: texts.loading,
            page_empty: texts.page_empty,
            page_shown: texts.page_shown,
            failed: texts.failed,
            list_label: texts.list_label,
            pages_label: texts.pages_label,
            no_more: texts.no_more,
            show_all: texts.show_all,
            empty: texts.empty,
        }
    }

    fn read(self, params: &ParamsMap) -> (ListQuery, Vec<String>) {
        read_list_query(params, self.filters)
    }

    fn none_matching(self, query: &ListQuery) -> Option<String> {
        let status = query.status.as_deref()?;
        Some((self.text().none_with_status)((self.filter_label)(status)))
    }

    fn error_view(self, error: LoadError, retry: Callback<()>) -> AnyView {
        load_error_view(error, self.text().purpose, retry)
    }
}

/// How long the status filter waits for the arrow keys to rest before it
/// loads the list chosen with them.
const FILTER_SETTLE_MS: u64 = 600;

/// The status select of a list with filters (nothing for one without).
fn status_filter<T>(spec: ListSpec<T>, nav: ListNav<ListQuery>) -> AnyView {
    (!spec.filters.is_empty())
        .then(|| {
            // Arrow keys on a closed select change its value at each press;
            // each would load a list. A choice made by keyboard is applied
            // once the keys rest (or on Enter, or when the focus leaves); a
            // pointer's at once.
            let keyed = StoredValue::new(false);
            let pending_filter = timers::Later::new();
            let cancel_pending = move || pending_filter.cancel();
            let apply_filter = move |value: String| {
                cancel_pending();
                let status = spec
                    .filters
                    .iter()
                    .find(|f| **f == value)
                    .map(|f| (*f).to_owned());
                if nav
                    .query
                    .with_untracked(|q| q.status == status && q.page == 1)
                {
                    return;
                }
                nav.go.run(ListQuery { page: 1, status });
            };
            let on_filter = move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                if !keyed.get_value() {
                    apply_filter(value);
                    return;
                }
                pending_filter.set(FILTER_SETTLE_MS, move || apply_filter(value));
            };
            let on_filter_key = move |ev: leptos::ev::KeyboardEvent| {
                keyed.set_value(true);
                if ev.key() == "Enter" {
                    apply_filter(event_target_value(&ev));
                }
            };
            let on_filter_leave = move |ev: leptos::ev::FocusEvent| {
                if pending_filter.is_set() {
                    apply_filter(event_target_value(&ev));
                }
            };
            let filter_id = format!("{}-status-filter", spec.base.trim_start_matches('/'));
            view! {
                <div class="list-toolbar">
                    <label for=filter_id.clone()>{t().status}</label>
                    <select
                        id=filter_id
                        data-testid="status-filter"
                        prop:value=move || nav.query.with(|q| q.status.clone().unwrap_or_default())
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
            }
        })
        .into_any()
}

/// A Billing API list, paged and filtered as `spec` says and loaded with
/// the sign-in's token.
pub(crate) fn status_list<T>(spec: ListSpec<T>) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let loader = SignedInLoader::from_context();
    let fetch = move |q: ListQuery| loader.load(move |api, token| (spec.request)(api, token, &q));
    paged_list(spec, move |nav| status_filter(spec, nav), fetch, spec.row)
}

/// The page of a Billing API list (`testid` names it): its heading, then
/// the list once signed in.
pub(crate) fn list_page<T>(
    testid: &'static str,
    title: &'static str,
    lead: &'static str,
    spec: ListSpec<T>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    view! {
        <div data-testid=testid>
            <PageHeader title lead/>
            <RequireSignIn purpose=spec.text().purpose>
                // What the list reads as it is built is not the gate's to
                // follow.
                {untrack(move || status_list(spec))}
            </RequireSignIn>
        </div>
    }
}
