//! The frame of a detail page (one charge, one subscription): the id in the
//! address checked first, the sign-in gate, the loaded card with its
//! Refresh button, and the ways back when there is nothing to show.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::page_header::PageHeader;
use super::sign_in_gate::{load_error_view, LoadError, RequireSignIn, SignedInLoader};
use crate::api::livechat::BillingApi;
use crate::api::Endpoint;
use crate::domain::charge::IdError;
use crate::domain::oauth::AccessToken;
use crate::i18n::{locale, t};
use crate::ui::services::Services;
use crate::ui::shell::Loading;

/// A detail's "not found" or "invalid id" with the way back.
pub(crate) fn detail_problem(
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
pub(crate) struct DetailSpec {
    pub(crate) testid: &'static str,
    /// The list this detail belongs to, for the ways back.
    pub(crate) list: &'static str,
    pub(crate) title: &'static str,
    pub(crate) lead: &'static str,
    pub(crate) all_back: &'static str,
    pub(crate) not_an_address: &'static str,
    pub(crate) not_an_address_detail: fn(&str) -> String,
    pub(crate) back_to_list: &'static str,
    /// For the sign-in prompt: "to see this charge".
    pub(crate) purpose: &'static str,
    /// While the card loads or reloads: "Loading charge…".
    pub(crate) loading: &'static str,
    /// The server knows no such item: the title, then the sentence.
    pub(crate) not_found: &'static str,
    pub(crate) not_found_detail: &'static str,
}

/// A detail page: the id in the address is checked before anything is
/// asked of the server, then `loaded` shows it behind the sign-in gate.
pub(crate) fn detail_page<Id>(
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

/// One item loaded for its detail page, in the pieces the page places.
pub(crate) struct LoadedDetail<T: 'static> {
    /// The item, or why it could not be loaded; what changes the item
    /// (a cancel) sets it or loads it again.
    pub(crate) resource: LocalResource<Result<T, LoadError>>,
    /// The status line read out when the item loads or reloads.
    pub(crate) announce: AnyView,
    /// The card, or loading, "not found" or the error.
    pub(crate) card: AnyView,
}

/// Loads the item `request` names with the sign-in's token and draws it
/// with `card` (which gets the currency and the Refresh button's state);
/// `status` names its status for the announcement.
pub(crate) fn loaded_detail<T, R, C>(
    spec: DetailSpec,
    request: R,
    status: fn(&T) -> String,
    card: C,
) -> LoadedDetail<T>
where
    T: Clone + 'static,
    R: Fn(&BillingApi, &AccessToken) -> Endpoint<T> + Clone + 'static,
    C: Fn(T, String, Refresh, ReadSignal<bool>) -> AnyView + Send + Sync + 'static,
{
    let currency = expect_context::<Services>().currency.clone();
    let loader = SignedInLoader::from_context();
    let resource = LocalResource::new(move || loader.load(request.clone()));
    let (refreshing, set_refreshing) = signal(false);
    let refresh = Refresh::new(move || resource.refetch());
    let announce = move || {
        if refreshing.get() {
            return spec.loading.to_owned();
        }
        resource.with(|loaded| match loaded {
            Some(Ok(item)) => (t().status_is)(&status(item)),
            _ => String::new(),
        })
    };
    let announce = view! {
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="detail-announce">
            {announce}
        </p>
    }
    .into_any();
    let card = view! {
        <Transition
            fallback=move || view! { <Loading label=spec.loading/> }
            set_pending=set_refreshing
        >
            {move || {
                let currency = currency.clone();
                resource.get().map(|loaded| match loaded {
                    Ok(item) => card(item, currency, refresh, refreshing),
                    Err(LoadError::Api(error)) if error.status() == Some(404) => detail_problem(
                        "not-found",
                        spec.not_found,
                        spec.not_found_detail.to_owned(),
                        spec.list,
                        spec.back_to_list,
                    )
                    .into_any(),
                    Err(error) => load_error_view(error, spec.purpose, refresh.run),
                })
            }}
        </Transition>
    }
    .into_any();
    LoadedDetail {
        resource,
        announce,
        card,
    }
}

/// Reloads a detail. The card is drawn anew with the answer, so the new
/// button takes the focus back when the old one had it.
#[component]
pub(crate) fn RefreshButton(refresh: Refresh, refreshing: ReadSignal<bool>) -> impl IntoView {
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
pub(crate) struct Refresh {
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
