//! One component per route. The flows behind the charges, ledger, crypto
//! and plans pages build on the typed core and the mock backend.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::config::{AppConfig, CatalogItem, ItemKind};

use super::checkout::BuyPanel;
use super::common::{EmptyState, PageHeader};
use super::embedding::Host;

#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let currency = config.currency.clone();
    let items = config.catalog.clone();
    let host = use_context::<Host>();
    // Outside LiveChat, say how to put the widget there.
    let embedded = move || host.is_some_and(|h| h.is_embedded());
    view! {
        <div data-testid="page-home">
            <PageHeader
                title="Shop"
                lead="One-time purchases and subscriptions, paid through your LiveChat billing."
            />
            {if items.is_empty() {
                view! { <EmptyState message="The catalog is empty: add items to config.json."/> }
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
    view! {
        <section class="card setup" data-testid="setup-instructions" aria-labelledby="setup-heading">
            <h2 id="setup-heading">"Add this widget to LiveChat"</h2>
            <ol>
                <li>"Create an app in the LiveChat Developer Console and note its client id."</li>
                <li>
                    "Under Authorization, add this page's address with "
                    <code>"/auth/callback"</code>
                    " as a redirect URI, and request the "
                    <code>"billing_manage"</code>" and "<code>"ledger_read"</code>" scopes."
                </li>
                <li>
                    "Set " <code>"mode"</code> " to " <code>"live"</code>
                    " and the client id in " <code>"config.json"</code> "."
                </li>
                <li>"Add an Agent App widget (details section) pointing at this page, then install the app."</li>
            </ol>
            <p class="hint">"The README explains each step and the live-mode settings."</p>
        </section>
    }
}

#[component]
fn CatalogCard(item: CatalogItem, currency: String) -> impl IntoView {
    let price = item.price.display_in(&currency);
    let terms = item.kind.terms();
    let kind_label = match item.kind {
        ItemKind::OneTime { .. } => "One-time",
        ItemKind::Subscription { .. } => "Subscription",
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

#[component]
pub fn NotFound() -> impl IntoView {
    let location = use_location();
    view! {
        <div data-testid="page-not-found">
            <PageHeader title="Page not found" lead="There is no page at this address."/>
            <p>
                "Nothing lives at "
                <code data-testid="not-found-path">{move || location.pathname.get()}</code>
                "."
            </p>
            <A href="/">"Go to the shop"</A>
        </div>
    }
}
