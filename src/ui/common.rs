//! Small pieces every page uses: headings, empty states, error notices with
//! their way forward, and money and date text.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::auth::Auth;
use crate::api::{ApiError, NextStep, Service, Timestamp};
use crate::domain::calendar;
use crate::domain::money::Cents;
use crate::i18n::{locale, t, Locale};
use crate::web::runner::Navigate;
use crate::web::{dom, timers};

/// Sets `signal` only when the value changed, so views do not redraw at
/// every step of a flow. Does nothing once the page is gone.
pub fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.try_with_untracked(|current| *current != value) == Some(true) {
        signal.try_set(value);
    }
}

/// The router's navigation as a flow runner's hook.
pub fn router_navigate() -> Navigate {
    let navigate = use_navigate();
    Rc::new(move |path: &str, replace: bool| {
        navigate(
            path,
            NavigateOptions {
                replace,
                ..Default::default()
            },
        );
    })
}

/// Heading and one-line purpose shared by every page.
#[component]
pub fn PageHeader(#[prop(into)] title: String, #[prop(into)] lead: String) -> impl IntoView {
    // The tab and the history list name the page, not only the app.
    dom::set_title(&format!("{title} · LiveChat Billing"));
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

/// The longest a server's `Retry-After` keeps the retry button disabled: a
/// server asking for an hour must not lock the page.
pub const MAX_RETRY_WAIT_SECS: u64 = 60;

/// An API error where it happened: what went wrong in the buyer's words and
/// the button that helps. `retry` is offered only where retrying is sound
/// (network, timeout, 408/429/5xx; for a read also an unreadable answer) or
/// the data must be reloaded (409); a 401
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
    /// The service that answered; one other than LiveChat's billing
    /// (Bidali) is named as itself, and its 401 says nothing about the
    /// LiveChat sign-in.
    #[prop(optional)]
    service: Service,
    /// What failed only read data, so it may be repeated even when the
    /// answer could not be read.
    #[prop(optional)]
    reading: bool,
) -> impl IntoView {
    if let (Some(auth), Service::Billing) = (use_context::<Auth>(), service) {
        auth.note_error(&error);
    }
    let message = error.user_message_from(service, locale());
    let step = if reading {
        error.next_step_of_read()
    } else {
        error.next_step()
    };
    let label = match &step {
        NextStep::Reload => t().reload,
        NextStep::WaitAndRetry { .. } | NextStep::Retry | NextStep::CheckConnection => {
            t().try_again
        }
        _ => "",
    };
    let retry = retry.filter(|_| !label.is_empty());
    // The server asked for a pause (429, or 503 with `Retry-After`): the
    // button waits it out, counting down, so a click cannot just be refused
    // again.
    let wait_secs = match &step {
        NextStep::WaitAndRetry {
            after_secs: Some(secs),
        } if retry.is_some() => (*secs).min(MAX_RETRY_WAIT_SECS),
        _ => 0,
    };
    let remaining = RwSignal::new(wait_secs);
    if wait_secs > 0 {
        timers::every(1_000, move |ticker| {
            let left = remaining
                .try_update(|left| {
                    *left = left.saturating_sub(1);
                    *left
                })
                .unwrap_or(0);
            if left == 0 {
                ticker.stop();
            }
        });
    }
    let status = error
        .status()
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_default();
    view! {
        // Only the message is the alert: the retry button's countdown would
        // otherwise be read out again every second.
        <div
            class="notice notice-error"
            data-testid=testid.unwrap_or_else(|| "error-notice".to_owned())
            data-status=status
        >
            <p role="alert" data-testid="error-message">{message}</p>
            {retry.map(|retry| view! {
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="error-retry"
                    disabled=move || { remaining.get() > 0 }
                    on:click=move |_| {
                        dom::keep_focus_here();
                        retry.run(());
                    }
                >
                    {move || match remaining.get() {
                        0 => label.to_owned(),
                        secs => (t().try_again_in)(secs),
                    }}
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

/// A day written `2019-04-09` (a date or the start of a date and time),
/// shown as [`date`] shows one.
pub fn date_text(text: &str) -> String {
    match locale() {
        Locale::En => text.to_owned(),
        other => calendar::format_date_prefix(text, other).unwrap_or_else(|| text.to_owned()),
    }
}

/// An optional server date, or a dash.
pub fn date_or_dash(timestamp: Option<&Timestamp>) -> String {
    timestamp.map(date).unwrap_or_else(|| "—".to_owned())
}

/// Text from a server or the address bar as a page shows it: printable
/// characters only, clipped to 40.
pub fn shown_raw(raw: &str) -> String {
    const MAX: usize = 40;
    let mut shown: String = raw.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if raw.chars().count() > MAX {
        shown.push('…');
    }
    shown
}

/// Previous, the page number and Next under a paged list. `go_to` gets the
/// page to show; Previous is off on page 1 and Next while `has_next` is
/// false (the last page, or a page still loading).
#[component]
pub fn Pager(
    label: &'static str,
    page: Signal<u32>,
    has_next: Signal<bool>,
    go_to: Callback<u32>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=label>
            <button
                type="button"
                class="button-secondary"
                data-testid="page-prev"
                disabled=move || page.get() <= 1
                on:click=move |_| go_to.run(page.get_untracked().saturating_sub(1).max(1))
            >
                {t().previous}
            </button>
            <span class="page-number" data-testid="page-number">
                {move || (t().page_n)(page.get())}
            </span>
            <button
                type="button"
                class="button-secondary"
                data-testid="page-next"
                disabled=move || !has_next.get()
                on:click=move |_| go_to.run(page.get_untracked().saturating_add(1))
            >
                {t().next}
            </button>
        </nav>
    }
}
