//! The pages that live in wasm chunks of their own, one chunk per area.
//!
//! With the `split` feature (on by default; the release build splits the
//! wasm with `scripts/split-wasm.mjs`) each area below is a split point: its
//! code is fetched the first time one of its pages is shown, or earlier by
//! [`prefetch`]. Without it (the browser tests, which cannot load split
//! modules) the same pages render directly.
//!
//! The router in the first screen is leptos's `FlatRoutes` (no nested
//! routes; about 11 KiB brotli smaller than `Routes`), and every route of
//! a chunk's page shows [`AreaPage`]: which page a path is, is decided by
//! `crate::routes`, and rendered by the area's own code.
//!
//! A chunk that cannot be fetched (offline, or removed by a new deploy)
//! never panics: the page shows [`PageLoadFailed`], whose retry fetches it
//! again, since a failed load is not cached.

use std::sync::OnceLock;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

use super::pages::NotFound;
use super::shell::PageSkeleton;
use crate::i18n::t;
use crate::routes::{Area, Page};

/// Renders a page of a loaded area: a plain function pointer, so it can be
/// kept and called again without holding the chunk's state.
pub type RenderPage = fn() -> AnyView;

/// Renders any page of a loaded area.
type RenderArea = fn(Page) -> AnyView;

/// Why a page's chunk could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkLoadError;

impl From<leptos::wasm_split::SplitLoaderError> for ChunkLoadError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkLoadError
    }
}

/// Declares an area's loader: with the `split` feature a split point whose
/// chunk holds the area's pages, without it the same pages linked in. A
/// page of another area (never asked of it) is "not found".
macro_rules! area_loader {
    ($load:ident in $chunk:ident { $($page:ident => $component:path),* $(,)? }) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $load() -> Result<RenderArea, ChunkLoadError> {
            Ok(|page| match page {
                $(Page::$page => view! { <$component/> }.into_any(),)*
                _ => view! { <NotFound/> }.into_any(),
            })
        }

        #[cfg(not(feature = "split"))]
        async fn $load() -> Result<RenderArea, ChunkLoadError> {
            Ok(|page| match page {
                $(Page::$page => view! { <$component/> }.into_any(),)*
                _ => view! { <NotFound/> }.into_any(),
            })
        }
    };
}

area_loader!(returns_pages in returns {
    SignInCallback => crate::ui::auth::SignInCallback,
    ChargeReturn => crate::ui::checkout::ChargeReturn,
});
area_loader!(lists_pages in lists {
    Charges => crate::ui::pages::charges::Charges,
    ChargeDetail => crate::ui::pages::charges::ChargeDetail,
    Subscriptions => crate::ui::pages::subscriptions::Subscriptions,
    SubscriptionDetail => crate::ui::pages::subscriptions::SubscriptionDetail,
    Ledger => crate::ui::pages::ledger::Ledger,
});
area_loader!(crypto_pages in crypto {
    CryptoStart => crate::ui::pages::crypto::CryptoStart,
    CryptoCharge => crate::ui::pages::crypto::CryptoCharge,
});
area_loader!(plans_pages in plans {
    Plans => crate::ui::pages::plans::Plans,
    PlanCreate => crate::ui::pages::plans::PlanCreate,
    PlanDetail => crate::ui::pages::plans::PlanDetail,
});

/// The areas whose code is here, so that their pages render at once.
static LOADED: [OnceLock<RenderArea>; 4] = [const { OnceLock::new() }; 4];

/// The area's code if it is here.
fn loaded(area: Area) -> Option<RenderArea> {
    LOADED[area as usize].get().copied()
}

/// The area's code: at once if it is here, else fetched (loading is
/// memoised; a failed load is not, so it can be tried again).
async fn load(area: Area) -> Result<RenderArea, ChunkLoadError> {
    if let Some(render) = loaded(area) {
        return Ok(render);
    }
    let render = match area {
        Area::Returns => returns_pages().await,
        Area::Lists => lists_pages().await,
        Area::Crypto => crypto_pages().await,
        Area::Plans => plans_pages().await,
    }?;
    let _ = LOADED[area as usize].set(render);
    Ok(render)
}

/// Fetches the area's code in the background; a failure is shown, with its
/// retry, when one of its pages is.
fn prefetch_area(area: Area) {
    if loaded(area).is_none() {
        leptos::task::spawn_local(async move {
            let _ = load(area).await;
        });
    }
}

/// The view of every route the first screen does not hold: the page the
/// path names, once its area's code is here.
#[component]
pub fn AreaPage() -> impl IntoView {
    let location = use_location();
    // The route's parameters change while it stays matched (`/charges/1`
    // to `/charges/2`): the page is drawn again. Another route is another
    // `AreaPage`, never a second render in this one.
    let params = use_params_map();
    move || {
        // Read, not only tracked: a memo follows its source once computed.
        params.with(|_| ());
        let page = Page::at(&location.pathname.get_untracked());
        untrack(|| match page {
            Some(page) => show_page(page),
            None => view! { <NotFound/> }.into_any(),
        })
    }
}

/// `page` at once if its area is here; else the page skeleton while the
/// area's code is fetched, then the page or the notice that it failed.
fn show_page(page: Page) -> AnyView {
    let area = page.area();
    if let Some(render) = loaded(area) {
        return render(page);
    }
    let loaded = RwSignal::new(None::<Result<RenderArea, ChunkLoadError>>);
    leptos::task::spawn_local(async move {
        let result = load(area).await;
        // The visitor may have left meanwhile.
        let _ = loaded.try_set(Some(result));
    });
    (move || match loaded.get() {
        None => view! { <PageSkeleton label=t().loading_page/> }.into_any(),
        Some(Ok(render)) => untrack(|| render(page)),
        Some(Err(ChunkLoadError)) => view! { <PageLoadFailed page/> }.into_any(),
    })
    .into_any()
}

/// A page whose code could not be fetched: says so, and fetches it again on
/// request, showing the page in place once it arrives.
#[component]
fn PageLoadFailed(page: Page) -> impl IntoView {
    let loaded = RwSignal::new(None::<RenderArea>);
    let retrying = RwSignal::new(false);
    let failed_again = RwSignal::new(false);
    let retry = move |_| {
        if retrying.get_untracked() {
            return;
        }
        retrying.set(true);
        leptos::task::spawn_local(async move {
            match load(page.area()).await {
                Ok(render) => {
                    let _ = loaded.try_set(Some(render));
                }
                Err(ChunkLoadError) => {
                    let _ = failed_again.try_set(true);
                }
            }
            let _ = retrying.try_set(false);
        });
    };
    move || {
        match loaded.get() {
        Some(render) => untrack(|| render(page)),
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

/// Fetches the chunk of the page at `path` (an app path such as
/// `/charges`) in the background, so that navigating there does not wait.
pub fn prefetch(path: &str) {
    if let Some(page) = Page::at(path) {
        prefetch_area(page.area());
    }
}

/// Fetches the chunk of the pages a visitor most likely opens after the
/// one at `path`: the charges from the shop or after a payment. (A list's
/// detail pages are in the list's chunk.)
pub fn prefetch_likely_after(path: &str) {
    if let Some(area) = Area::likely_after(path) {
        prefetch_area(area);
    }
}
