//! The frame around every page: header, TEST MODE banner, navigation and
//! theme switch.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::config::{AppConfig, Mode, Theme};
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
    let is_mock = move || config.with(|c| c.as_ref().is_some_and(|c| c.mode == Mode::Mock));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Show when=is_mock>
            <div class="test-banner" role="status" data-testid="test-mode-banner">
                <strong>"TEST MODE"</strong>
                " · offline mock backend, no real money moves"
            </div>
        </Show>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"$"</span>
                <span class="brand-name">"LiveChat Billing"</span>
            </A>
            <ThemeToggle/>
        </header>
        <nav class="app-nav" aria-label="Sections">
            <A href="/" exact=true>"Shop"</A>
            <A href="/charges">"Charges"</A>
            <A href="/subscriptions">"Subscriptions"</A>
            <A href="/ledger">"Ledger"</A>
            <A href="/crypto">"Crypto"</A>
            <A href="/plans">"Plans"</A>
        </nav>
        <main id="main" class="app-main" tabindex="-1">{children()}</main>
    }
}

#[component]
fn ThemeToggle() -> impl IntoView {
    let state = expect_context::<ThemeState>();
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
            <span class="visually-hidden">"Dark theme"</span>
        </button>
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
