//! One component per route. The flows behind the charges, ledger, crypto
//! and plans pages build on the typed core and the mock backend.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::config::{AppConfig, CatalogItem, ItemKind};

/// Heading and one-line purpose shared by every page.
#[component]
fn PageHeader(#[prop(into)] title: String, #[prop(into)] lead: String) -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
        </header>
    }
}

/// What a section shows before there is anything to show.
#[component]
fn EmptyState(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="empty-state" data-testid="empty-state">{message}</p> }
}

#[component]
pub fn Home() -> impl IntoView {
    let config = expect_context::<AppConfig>();
    let currency = config.currency.clone();
    let items = config.catalog.clone();
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
        </div>
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
        </li>
    }
}

#[component]
pub fn SignInCallback() -> impl IntoView {
    view! {
        <div data-testid="page-sign-in-callback">
            <PageHeader title="Signing in" lead="Finishing sign-in with LiveChat."/>
            <EmptyState message="No sign-in is in progress."/>
            <A href="/">"Back to the shop"</A>
        </div>
    }
}

#[component]
pub fn ChargeReturn() -> impl IntoView {
    view! {
        <div data-testid="page-charge-return">
            <PageHeader
                title="Payment"
                lead="The status of the charge you just confirmed or declined."
            />
            <EmptyState message="No charge to show."/>
            <A href="/charges">"See all charges"</A>
        </div>
    }
}

#[component]
pub fn Charges() -> impl IntoView {
    view! {
        <div data-testid="page-charges">
            <PageHeader title="Charges" lead="One-time charges, newest first, 20 per page."/>
            <EmptyState message="No charges yet."/>
        </div>
    }
}

#[component]
pub fn Subscriptions() -> impl IntoView {
    view! {
        <div data-testid="page-subscriptions">
            <PageHeader
                title="Subscriptions"
                lead="Recurrent charges: status, current period and next payment."
            />
            <EmptyState message="No subscriptions yet."/>
        </div>
    }
}

#[component]
pub fn Ledger() -> impl IntoView {
    view! {
        <div data-testid="page-ledger">
            <PageHeader title="Ledger" lead="Collections, refunds, withdrawals and your balance."/>
            <EmptyState message="No ledger entries yet."/>
        </div>
    }
}

#[component]
pub fn CryptoCheckout() -> impl IntoView {
    view! {
        <div data-testid="page-crypto">
            <PageHeader
                title="Pay with crypto"
                lead="Quotes in bitcoin, ethereum, litecoin and more, through Bidali."
            />
            <EmptyState message="No crypto payment in progress."/>
        </div>
    }
}

#[component]
pub fn Plans() -> impl IntoView {
    view! {
        <div data-testid="page-plans">
            <PageHeader title="Billing plans" lead="Find, create and change recurring billing plans."/>
            <EmptyState message="No plans loaded."/>
        </div>
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
