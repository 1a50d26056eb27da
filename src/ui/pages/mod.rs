//! One component per route. The flows behind the charges, ledger, crypto
//! and plans pages build on the typed core and the mock backend. The first
//! screen's pages (the shop, not found, the mock's addresses) are here;
//! each list area's pages are in a module of their own.

pub(super) mod charges;
pub(super) mod crypto;
pub(super) mod ledger;
pub(super) mod plans;
pub(super) mod subscriptions;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::config::{AppConfig, CatalogItem, ItemKind};
use crate::i18n::{locale, t};

use super::checkout::{prefetch_buy_flow, BuyPanel};
use super::components::{EmptyState, PageHeader};
use super::embedding::Host;
use super::services::Services;
use super::shell::Loading;
use crate::web::{backend, dom};

#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let currency = config.currency.clone();
    let items = config.catalog.clone();
    let host = use_context::<Host>();
    // Outside LiveChat, say how to put the widget there.
    let embedded = move || host.is_some_and(|h| h.is_embedded());
    if !items.is_empty() {
        dom::when_idle(prefetch_buy_flow);
    }
    view! {
        <div data-testid="page-home">
            <PageHeader title=t().shop_title lead=t().shop_lead/>
            {if items.is_empty() {
                view! { <EmptyState message=t().catalog_empty/> }
                    .into_any()
            } else {
                view! {
                    <ul class="catalog" data-testid="catalog">
                        {items
                            .into_iter()
                            .map(|item| view! { <CatalogCard item currency=currency.clone()/> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {move || (!embedded()).then(|| view! { <SetupInstructions/> })}
        </div>
    }
}

/// Shown when the widget runs on its own rather than inside LiveChat, as
/// LiveChat's own demo does: how to put it where agents work.
#[component]
fn SetupInstructions() -> impl IntoView {
    let m = t();
    view! {
        <section class="card setup" data-testid="setup-instructions" aria-labelledby="setup-heading">
            <h2 id="setup-heading">{m.setup_heading}</h2>
            <ol>
                <li>{m.setup_step_app}</li>
                <li>
                    {m.setup_step_redirect_1}
                    <code>"/auth/callback"</code>
                    {m.setup_step_redirect_2}
                    <code>"billing_manage"</code>{m.setup_step_redirect_and}<code>"ledger_read"</code>
                    {m.setup_step_redirect_3}
                </li>
                <li>
                    {m.setup_step_mode_set} <code>"mode"</code> {m.setup_step_mode_to} <code>"live"</code>
                    {m.setup_step_mode_client} <code>"config.json"</code> "."
                </li>
                <li>{m.setup_step_widget}</li>
            </ol>
            <p class="hint">{m.setup_hint}</p>
        </section>
    }
}

#[component]
fn CatalogCard(item: CatalogItem, currency: String) -> impl IntoView {
    let price = item.price.display_locale(&currency, locale());
    let terms = item.kind.terms_in(t());
    let kind_label = match item.kind {
        ItemKind::OneTime { .. } => t().one_time,
        ItemKind::Subscription { .. } => t().subscription,
    };
    view! {
        <li class="card catalog-item" data-testid="catalog-item" data-item-id=item.id.clone()>
            <div class="catalog-item-head">
                <h2>{item.name.clone()}</h2>
                <span class="badge">{kind_label}</span>
            </div>
            <p>{item.description.clone()}</p>
            <p class="price">
                <span data-testid="catalog-price">{price}</span>
                <span class="terms">{terms}</span>
            </p>
            <BuyPanel item=item.clone()/>
        </li>
    }
}

/// What the widget shows at the mock's own addresses (`/mock/...`), which
/// the demo's mock backend answers once it runs: in mock mode, a moment
/// while it starts (the page then loads again, from the mock); in live
/// mode, that these pages do not exist here.
#[component]
pub fn WaitForMockPage() -> impl IntoView {
    let services = expect_context::<Services>();
    if !services.is_mock() {
        return view! {
            <section class="card error-card" role="alert" data-testid="mock-only">
                <h1>{t().not_available_title}</h1>
                <p>{t().mock_only}</p>
            </section>
        }
        .into_any();
    }
    let (problem, set_problem) = signal(None::<String>);
    leptos::task::spawn_local(async move {
        if let Err(error) = backend::reload_into_mock_page().await {
            set_problem.set(Some(error.to_string()));
        }
    });
    view! {
        <Show
            when=move || problem.get().is_some()
            fallback=|| view! { <Loading label=t().mock_starting/> }
        >
            <section class="card error-card" role="alert" data-testid="mock-start-failed">
                <h1>{t().not_available_title}</h1>
                <p>{move || problem.get()}</p>
            </section>
        </Show>
    }
    .into_any()
}

#[component]
pub fn NotFound() -> impl IntoView {
    let location = use_location();
    view! {
        <div data-testid="page-not-found">
            <PageHeader title=t().not_found_title lead=t().not_found_lead/>
            <p>
                {t().not_found_nothing_at}
                <code data-testid="not-found-path">{move || location.pathname.get()}</code>
                "."
            </p>
            <A href="/">{t().go_to_shop}</A>
        </div>
    }
}
