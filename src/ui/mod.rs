//! Leptos components and routes. No business rules here: the views read
//! decisions from `config` and `domain`, and effects go through `web`.

mod auth;
mod checkout;
mod components;
pub use components::MAX_RETRY_WAIT_SECS;
/// The crypto checkout's pieces, for the browser tests that mount them.
pub use pages::crypto::parts as crypto_parts;
mod dev_panel;
pub mod embedding;
mod lazy_pages;
pub use lazy_pages::prefetch;
use lazy_pages::AreaPage;
mod pages;
mod return_page;
pub mod services;
mod shell;
pub mod timeline;

use leptos::prelude::*;
use leptos_router::components::{FlatRoutes, Route, Router};
use leptos_router::path;

use crate::config::{AppConfig, ConfigError, Mode, QueryOverrides, Theme};
use crate::i18n::{choose_locale, query_lang, t, Locale, LocaleSetting};
use crate::web::backend::{self, AppTransport};
use crate::web::{config_loader, dom};
use services::Services;

pub use shell::ThemeState;

/// Mark set once the app has mounted: the benchmark's "first app paint".
pub const MOUNTED_MARK: &str = "app-mounted";
/// Mark set once the configuration is loaded and the routes render.
pub const READY_MARK: &str = "app-ready";

/// Entry point of the wasm binary.
///
/// The app shell in index.html stays on screen until `config.json` is read
/// (it was preloaded while the wasm downloaded, so this is quick): the
/// app's first frame then already knows the mode, and the TEST MODE banner
/// does not push the page down a moment after it is drawn.
pub fn mount() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let (config, theme) = load_start().await;
        if let Some(shell) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(STATIC_SHELL_ID))
        {
            shell.remove();
        }
        leptos::mount::mount_to_body(move || view! { <App config theme/> });
        dom::performance_mark(MOUNTED_MARK);
    });
}

/// What the app starts from: the configuration with the address bar's
/// overrides (or why it is unusable), and the theme the address asks for.
pub async fn load_start() -> (Result<AppConfig, ConfigError>, Theme) {
    let overrides = QueryOverrides::parse(&dom::location_search());
    let config = match &overrides {
        Ok(overrides) => config_loader::load_config(overrides).await,
        Err(error) => Err(error.clone()),
    };
    let theme = overrides
        .ok()
        .and_then(|o| o.theme)
        .unwrap_or(Theme::System);
    (config, theme)
}

/// The id of index.html's static app shell.
const STATIC_SHELL_ID: &str = "boot";

/// The whole app: the shell renders at once; the routes wait for the mock
/// backend (in mock mode) and the page's texts, and show a specific error
/// if the configuration is unusable.
#[component]
pub fn App(config: Result<AppConfig, ConfigError>, theme: Theme) -> impl IntoView {
    provide_context(ThemeState::new(theme));
    let loaded = config.as_ref().ok().cloned();
    let locale = LocaleState::new(choose_page_locale(
        loaded.as_ref().map_or(LocaleSetting::Auto, |c| c.locale),
    ));
    provide_context(locale);

    let ready = LocalResource::new(move || {
        let config = config.clone();
        async move {
            let config = config?;
            backend::prepare(&config, AppTransport::for_config(&config)).await?;
            // The pages read their texts as they render: their catalog is
            // here first (if it cannot be fetched, they are in English).
            crate::i18n::load_catalog(choose_page_locale(config.locale)).await;
            Ok(config)
        }
    });

    view! {
        <Router>
            <shell::Shell config=Signal::stored(loaded)>
                // Not a Transition: the pages' own resources would register
                // with it, and a navigation would wait for their data.
                {move || match ready.get() {
                    None => view! { <shell::PageSkeleton label=t().loading_configuration/> }.into_any(),
                    Some(Ok(config)) => view! { <ConfiguredApp config/> }.into_any(),
                    Some(Err(error)) => view! { <ConfigErrorView error/> }.into_any(),
                }}
            </shell::Shell>
        </Router>
    }
}

/// The routes, once the configuration is known; `transport` replaces the
/// one the configuration picks (the browser tests' in-process mock).
#[component]
pub fn ConfiguredApp(
    config: AppConfig,
    #[prop(optional)] transport: Option<AppTransport>,
) -> impl IntoView {
    let mock_mode = config.mode == Mode::Mock;
    let locale = choose_page_locale(config.locale);
    match use_context::<LocaleState>() {
        Some(state) => state.set(locale),
        None => apply_locale(crate::i18n::shown_locale(locale)),
    }
    let transport = transport.unwrap_or_else(|| AppTransport::for_config(&config));
    let services = match Services::new(&config, transport) {
        Ok(services) => services,
        Err(error) => {
            let error = ConfigError::InvalidShape(error.user_message());
            return view! { <ConfigErrorView error/> }.into_any();
        }
    };
    provide_context(services);
    provide_context(auth::Auth::install());
    provide_context(embedding::connect(&config, use_context::<ThemeState>()));
    provide_context(config);
    Effect::new(|_| dom::performance_mark(READY_MARK));
    // Once a page is shown, the one most likely opened next is fetched while
    // the browser is idle.
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        let path = location.pathname.get();
        dom::when_idle(move || lazy_pages::prefetch_likely_after(&path));
    });
    if dom::is_framed() {
        // Sign-in and payment pages opened in popups hand back where they
        // landed; the widget carries on from there.
        let navigate = leptos_router::hooks::use_navigate();
        let handle = window_event_listener(leptos::ev::message, move |event| {
            if let Some(landing) = crate::web::popup::landing_from(&event) {
                navigate(landing.as_str(), Default::default());
            }
        });
        on_cleanup(move || handle.remove());
    }
    view! {
        <auth::SessionBar/>
        <embedding::HostCustomer/>
        <FlatRoutes fallback=pages::NotFound>
            <Route path=path!("/mock/*any") view=pages::WaitForMockPage/>
            <Route path=path!("/") view=pages::Home/>
            // Every other page is in a chunk, shown by `AreaPage`, which
            // reads the page from the path (crate::routes). One route per
            // page, not per prefix: a new route renders with its own
            // address and query, where FlatRoutes updates only the
            // parameters of a route that stays matched.
            <Route path=path!("/auth/callback") view=AreaPage/>
            <Route path=path!("/return") view=AreaPage/>
            <Route path=path!("/charges") view=AreaPage/>
            <Route path=path!("/charges/:id") view=AreaPage/>
            <Route path=path!("/subscriptions") view=AreaPage/>
            <Route path=path!("/subscriptions/:id") view=AreaPage/>
            <Route path=path!("/ledger") view=AreaPage/>
            <Route path=path!("/crypto") view=AreaPage/>
            <Route path=path!("/crypto/:id") view=AreaPage/>
            <Route path=path!("/plans") view=AreaPage/>
            <Route path=path!("/plans/new") view=AreaPage/>
            <Route path=path!("/plans/:id") view=AreaPage/>
        </FlatRoutes>
        {mock_mode.then(|| view! { <dev_panel::DevPanel/> })}
    }
    .into_any()
}

/// Shown instead of the routes when the configuration is unusable: what is
/// wrong and how to fix it, never a blank page.
#[component]
pub fn ConfigErrorView(error: ConfigError) -> impl IntoView {
    view! {
        <section class="card error-card" role="alert" data-testid="config-error">
            <h1>{t().cannot_start}</h1>
            <p data-testid="config-error-message">{error.to_string()}</p>
            <p class="hint">
                {t().cannot_start_hint_check}<code>"config.json"</code>{t().cannot_start_hint_next_to}
                <code>"index.html"</code>{t().cannot_start_hint_rest}
            </p>
        </section>
    }
}

/// The page's language as a signal, for what renders before the
/// configuration is known (the shell); pages rendered after it read
/// [`crate::i18n::t`] directly.
#[derive(Clone, Copy)]
pub struct LocaleState(RwSignal<Locale>);

impl LocaleState {
    /// Holds the locale whose texts are shown: while a catalog is on its
    /// way (a chunk of the split build), English, then the wanted locale.
    pub fn new(locale: Locale) -> Self {
        let state = Self(RwSignal::new(crate::i18n::shown_locale(locale)));
        state.set(locale);
        state
    }

    pub fn get(&self) -> Locale {
        self.0.get()
    }

    pub fn set(&self, locale: Locale) {
        let shown = crate::i18n::shown_locale(locale);
        apply_locale(shown);
        if self.0.get_untracked() != shown {
            self.0.set(shown);
        }
        if shown != locale {
            let state = *self;
            leptos::task::spawn_local(async move {
                if crate::i18n::load_catalog(locale).await {
                    state.set(locale);
                }
            });
        }
    }
}

/// The locale for this page: `?lang=`, then `setting`, then the browser's
/// languages.
pub fn choose_page_locale(setting: LocaleSetting) -> Locale {
    let lang = query_lang(&dom::location_search());
    choose_locale(lang.as_deref(), setting, &browser_languages())
}

/// Makes `locale` the page's language: the texts and `<html lang>`.
pub fn apply_locale(locale: Locale) {
    crate::i18n::set_locale(locale);
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", locale.tag());
    }
}

/// `navigator.languages`, most preferred first (empty if unavailable).
fn browser_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let mut languages: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|value| value.as_string())
        .collect();
    if languages.is_empty() {
        languages.extend(navigator.language());
    }
    languages
}
