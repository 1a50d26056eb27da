//! Small pieces every page uses: headings, empty states, error notices with
//! their way forward, and money and date text.

use leptos::prelude::*;

use super::auth::Auth;
use crate::api::{ApiError, NextStep, Timestamp};
use crate::domain::calendar;
use crate::domain::money::Cents;
use crate::i18n::{locale, t, Locale};

/// Heading and one-line purpose shared by every page.
#[component]
pub fn PageHeader(#[prop(into)] title: String, #[prop(into)] lead: String) -> impl IntoView {
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
        </header>
    }
}

/// What a section shows before there is anything to show.
#[component]
pub fn EmptyState(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="empty-state" data-testid="empty-state">{message}</p> }
}

/// An API error where it happened: what went wrong in the buyer's words and
/// the button that helps. `retry` is offered only where retrying is sound
/// (network, timeout, 408/429/5xx) or the data must be reloaded (409); a 401
/// marks the sign-in as expired so the sign-in prompt appears.
#[component]
pub fn ErrorNotice(
    error: ApiError,
    /// Repeats what failed (or reloads after a 409).
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
    /// Names this notice for tests and screen readers.
    #[prop(optional, into)]
    testid: Option<String>,
    /// The error is from a service the LiveChat sign-in does not cover
    /// (Bidali), so its 401 says nothing about that sign-in.
    #[prop(optional)]
    other_service: bool,
) -> impl IntoView {
    if let (Some(auth), false) = (use_context::<Auth>(), other_service) {
        auth.note_error(&error);
    }
    let message = error.user_message_in(locale());
    let step = error.next_step();
    let label = match &step {
        NextStep::Reload => t().reload,
        NextStep::WaitAndRetry { .. } | NextStep::Retry | NextStep::CheckConnection => {
            t().try_again
        }
        _ => "",
    };
    let retry = retry.filter(|_| !label.is_empty());
    let status = error
        .status()
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_default();
    view! {
        <div
            class="notice notice-error"
            role="alert"
            data-testid=testid.unwrap_or_else(|| "error-notice".to_owned())
            data-status=status
        >
            <p data-testid="error-message">{message}</p>
            {retry.map(|retry| view! {
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="error-retry"
                    on:click=move |_| retry.run(())
                >
                    {label}
                </button>
            })}
        </div>
    }
}

/// An amount in the configured currency, the page's way: "$19.00" in
/// English, "19,00 USD" in Polish.
pub fn money(amount: Cents, currency: &str) -> String {
    amount.display_locale(currency, locale())
}

/// The date of a server timestamp as it was sent: `2026-11-23` in English
/// (the ISO form the English pages have always shown), `23 lis 2026` in
/// Polish; the text as sent if it has no readable date.
pub fn date(timestamp: &Timestamp) -> String {
    match locale() {
        Locale::En => timestamp.date().to_owned(),
        other => calendar::format_date_prefix(timestamp.as_str(), other)
            .unwrap_or_else(|| timestamp.date().to_owned()),
    }
}

/// An optional server date, or a dash.
pub fn date_or_dash(timestamp: Option<&Timestamp>) -> String {
    timestamp.map(date).unwrap_or_else(|| "—".to_owned())
}
