//! The routes whose pages live in wasm chunks of their own.
//!
//! With the `split` feature (on by default; the release build splits the
//! wasm with `scripts/split-wasm.mjs`) each page below is a split point: its
//! code is fetched the first time the page is shown, or earlier by
//! [`prefetch`]. Without it (the browser tests, which cannot load split
//! modules) the same routes render directly.
//!
//! A chunk that cannot be fetched (offline, or removed by a new deploy)
//! never panics: the route shows [`PageLoadFailed`], whose retry fetches it
//! again, since a failed load is not cached.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::i18n::t;

/// Renders a page whose code is loaded: a plain function pointer, so it can
/// be kept and called again without holding the chunk's state.
pub type RenderPage = fn() -> AnyView;

/// Why a page's chunk could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkLoadError;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkLoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkLoadError
    }
}

type LoadPage = fn() -> Pin<Box<dyn Future<Output = Result<RenderPage, ChunkLoadError>>>>;

/// One lazily loaded route: `$route` is the type the router takes
/// (`Lazy::<$route>::new()`), `$page` the page's component, and `$chunk`
/// the wasm chunk its code goes to. Pages of one area share a chunk: split
/// one by one, pages that share most of their code (a list and its detail
/// page) leave dozens of tiny shared chunks behind, each a request of its
/// own and each paying its own module overhead.
macro_rules! lazy_page {
    ($route:ident, $load:ident in $chunk:ident, $page:path, $path_prefix:literal) => {
        pub struct $route;

        mod $load {
            use super::*;

            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
            pub fn $load() -> Result<RenderPage, ChunkLoadError> {
                Ok(|| view! { <$page/> }.into_any())
            }

            #[cfg(not(feature = "split"))]
            pub async fn $load() -> Result<RenderPage, ChunkLoadError> {
                Ok(|| view! { <$page/> }.into_any())
            }

            pub fn load_boxed() -> Pin<Box<dyn Future<Output = Result<RenderPage, ChunkLoadError>>>> {
                Box::pin($load())
            }
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_: Self) -> AnyView {
                show_loaded($load::$load().await, $load::load_boxed)
            }

            async fn preload() {
                // A failure here is shown, with its retry, when the page is.
                let _ = $load::$load().await;
            }
        }

        impl $route {
            const PATH_PREFIX: &'static str = $path_prefix;
            const LOAD: LoadPage = $load::load_boxed;
        }
    };
}

// The pages a visitor reaches after a redirect back to the widget.
lazy_page!(SignInCallbackRoute, sign_in_callback in returns, crate::ui::auth::SignInCallback, "/auth/callback");
lazy_page!(ChargeReturnRoute, charge_return in returns, crate::ui::checkout::ChargeReturn, "/return");
// What was bought: charges, subscriptions, the ledger.
lazy_page!(ChargesRoute, charges in lists, crate::ui::lists::Charges, "/charges");
lazy_page!(ChargeDetailRoute, charge_detail in lists, crate::ui::lists::ChargeDetail, "/charges/");
lazy_page!(SubscriptionsRoute, subscriptions in lists, crate::ui::lists::Subscriptions, "/subscriptions");
lazy_page!(
    SubscriptionDetailRoute,
    subscription_detail in lists,
    crate::ui::lists::SubscriptionDetail,
    "/subscriptions/"
);
lazy_page!(LedgerRoute, ledger in lists, crate::ui::ledger::Ledger, "/ledger");
lazy_page!(CryptoStartRoute, crypto_start in crypto, crate::ui::crypto::CryptoStart, "/crypto");
lazy_page!(CryptoChargeRoute, crypto_charge in crypto, crate::ui::crypto::CryptoCharge, "/crypto/");
lazy_page!(PlansRoute, plans in plans, crate::ui::plans::Plans, "/plans");
lazy_page!(PlanCreateRoute, plan_create in plans, crate::ui::plans::PlanCreate, "/plans/new");
lazy_page!(PlanDetailRoute, plan_detail in plans, crate::ui::plans::PlanDetail, "/plans/");

/// The page of a loaded chunk, or the notice that it failed to load.
fn show_loaded(loaded: Result<RenderPage, ChunkLoadError>, load: LoadPage) -> AnyView {
    match loaded {
        Ok(render) => render(),
        Err(ChunkLoadError) => view! { <PageLoadFailed load/> }.into_any(),
    }
}

/// A page whose code could not be fetched: says so, and fetches it again on
/// request, showing the page in place once it arrives.
#[component]
fn PageLoadFailed(load: LoadPage) -> impl IntoView {
    let loaded = RwSignal::new(None::<RenderPage>);
    let retrying = RwSignal::new(false);
    let failed_again = RwSignal::new(false);
    let retry = move |_| {
        if retrying.get_untracked() {
            return;
        }
        retrying.set(true);
        leptos::task::spawn_local(async move {
            match load().await {
                Ok(render) => loaded.set(Some(render)),
                Err(ChunkLoadError) => failed_again.set(true),
            }
            retrying.set(false);
        });
    };
    move || {
        match loaded.get() {
        Some(render) => render(),
        None => view! {
            <section class="card error-card" role="alert" data-testid="page-load-failed">
                <h1>{t().page_load_failed_title}</h1>
                <p>{t().page_load_failed_body}</p>
                {move || failed_again.get().then(|| view! {
                    <p class="hint" data-testid="page-load-failed-again">{t().page_load_failed_again}</p>
                })}
                <button
                    type="button"
                    class="button-primary"
                    data-testid="page-load-retry"
                    aria-busy=move || retrying.get().to_string()
                    disabled=move || retrying.get()
                    on:click=retry
                >
                    {move || if retrying.get() { t().page_load_retrying } else { t().page_load_retry }}
                </button>
            </section>
        }
        .into_any(),
    }
    }
}

/// Every lazily loaded page, by the start of its path (most specific first).
const PAGES: &[(&str, LoadPage)] = &[
    (SignInCallbackRoute::PATH_PREFIX, SignInCallbackRoute::LOAD),
    (ChargeReturnRoute::PATH_PREFIX, ChargeReturnRoute::LOAD),
    (ChargeDetailRoute::PATH_PREFIX, ChargeDetailRoute::LOAD),
    (ChargesRoute::PATH_PREFIX, ChargesRoute::LOAD),
    (
        SubscriptionDetailRoute::PATH_PREFIX,
        SubscriptionDetailRoute::LOAD,
    ),
    (SubscriptionsRoute::PATH_PREFIX, SubscriptionsRoute::LOAD),
    (LedgerRoute::PATH_PREFIX, LedgerRoute::LOAD),
    (CryptoChargeRoute::PATH_PREFIX, CryptoChargeRoute::LOAD),
    (CryptoStartRoute::PATH_PREFIX, CryptoStartRoute::LOAD),
    (PlanCreateRoute::PATH_PREFIX, PlanCreateRoute::LOAD),
    (PlanDetailRoute::PATH_PREFIX, PlanDetailRoute::LOAD),
    (PlansRoute::PATH_PREFIX, PlansRoute::LOAD),
];

/// Fetches the chunk of the page at `path` (an app path such as
/// `/charges`) in the background, so that navigating there does not wait.
/// Loading is memoised; a failure is retried when the page is shown.
pub fn prefetch(path: &str) {
    let Some(load) = page_for(path) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let _ = load().await;
    });
}

/// Fetches the chunk of the page a visitor most likely opens after the one
/// at `path`: the first list from the shop, a detail page from its list.
pub fn prefetch_likely_after(path: &str) {
    let next: Option<LoadPage> = match path {
        "/" => Some(ChargesRoute::LOAD),
        "/charges" | "/return" => Some(ChargeDetailRoute::LOAD),
        "/subscriptions" => Some(SubscriptionDetailRoute::LOAD),
        "/crypto" => Some(CryptoChargeRoute::LOAD),
        "/plans" => Some(PlanDetailRoute::LOAD),
        _ => None,
    };
    if let Some(load) = next {
        leptos::task::spawn_local(async move {
            let _ = load().await;
        });
    }
}

fn page_for(path: &str) -> Option<LoadPage> {
    PAGES.iter().find_map(|(prefix, load)| {
        let matches = match prefix.strip_suffix('/') {
            // "/charges/" matches "/charges/<id>", not "/charges".
            Some(_) => path.starts_with(prefix) && path.len() > prefix.len(),
            None => path == *prefix,
        };
        matches.then_some(*load)
    })
}
