//! The frame around every page: header, TEST MODE banner, navigation and
//! theme switch.

use leptos::prelude::*;
use leptos_router::components::A;

use super::LocaleState;
use crate::config::{AppConfig, Theme};
use crate::i18n::{Locale, Messages};
use crate::web::dom;

/// The page's colour scheme, shared through context so the Agent App's
/// `change_theme` event and the header switch drive the same signal.
#[derive(Clone, Copy)]
pub struct ThemeState {
    pub theme: RwSignal<Theme>,
}

impl ThemeState {
    pub fn new(initial: Theme) -> Self {
        let theme = RwSignal::new(initial);
        Effect::new(move |_| dom::apply_theme(theme.get()));
        Self { theme }
    }

    /// Whether the page currently shows dark colours.
    pub fn is_dark(&self) -> bool {
        match self.theme.get() {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::System => dom::prefers_dark(),
        }
    }
}

#[component]
pub fn Shell(config: Signal<Option<AppConfig>>, children: Children) -> impl IntoView {
    let is_mock = move || config.with(|c| c.as_ref().is_some_and(AppConfig::uses_mock_backend));
    // The shell shows before the configuration (and so the final locale)
    // is known: its texts follow the locale signal.
    let locale = use_context::<LocaleState>();
    let tr = move |text: fn(&'static Messages) -> &'static str| {
        move || text(Messages::of(locale.map_or(Locale::En, |l| l.get())))
    };
    view! {
        <a class="skip-link" href="#main">{tr(|m| m.skip_to_content)}</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"$"</span>
                <span class="brand-name">"LiveChat Billing"</span>
            </A>
            <ThemeToggle/>
        </header>
        // Pointing at or tabbing to a link fetches its page's code, so the
        // click does not wait for it.
        <nav
            class="app-nav"
            aria-label=tr(|m| m.nav_label)
            on:pointerover=|event| prefetch_link(&event)
            on:focusin=|event| prefetch_link(&event)
        >
            <A href="/" exact=true>{tr(|m| m.nav_shop)}</A>
            <A href="/charges">{tr(|m| m.nav_charges)}</A>
            <A href="/subscriptions">{tr(|m| m.nav_subscriptions)}</A>
            <A href="/ledger">{tr(|m| m.nav_ledger)}</A>
            <A href="/crypto">{tr(|m| m.nav_crypto)}</A>
            <A href="/plans">{tr(|m| m.nav_plans)}</A>
        </nav>
        // Below the header and navigation, which index.html's app shell
        // draws before the mode is known: they stay where they are.
        <Show when=is_mock>
            <div class="test-banner" role="status" data-testid="test-mode-banner">
                <strong>{tr(|m| m.test_mode)}</strong>
                {tr(|m| m.test_mode_detail)}
            </div>
        </Show>
        <main id="main" class="app-main" tabindex="-1">{children()}</main>
    }
}

fn prefetch_link(event: &web_sys::Event) {
    if let Some(href) = dom::link_href_of(event) {
        super::prefetch(&href);
    }
}

#[component]
fn ThemeToggle() -> impl IntoView {
    let state = expect_context::<ThemeState>();
    let locale = use_context::<LocaleState>();
    let label = move || Messages::of(locale.map_or(Locale::En, |l| l.get())).dark_theme;
    let dark = move || state.is_dark();
    view! {
        <button
            type="button"
            class="theme-toggle"
            data-testid="theme-toggle"
            aria-pressed=move || dark().to_string()
            on:click=move |_| {
                let next = if state.is_dark() { Theme::Light } else { Theme::Dark };
                state.theme.set(next);
            }
        >
            <span aria-hidden="true">{move || if dark() { "☾" } else { "☀" }}</span>
            <span class="visually-hidden">{label}</span>
        </button>
    }
}

/// The outline of a page while what it needs loads: the same skeleton as
/// index.html's app shell, so the step from one to the other is not seen.
#[component]
pub fn PageSkeleton(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <div class="page-skeleton" role="status">
            <span class="visually-hidden">{label}</span>
            <div class="skeleton-title" aria-hidden="true"></div>
            <div class="skeleton-line" aria-hidden="true"></div>
            <div class="skeleton-cards" aria-hidden="true"><div></div><div></div><div></div></div>
        </div>
    }
}

/// A busy indicator that screen readers announce.
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}
