//! The error notice of a failed request: what went wrong in the buyer's
//! words and, where it helps, the button that tries again.

use leptos::prelude::*;

use crate::api::{ApiError, NextStep, Service};
use crate::i18n::{locale, t};
use crate::ui::auth::Auth;
use crate::web::{dom, timers};

/// The longest a server's `Retry-After` keeps the retry button disabled: a
/// server asking for an hour must not lock the page.
pub const MAX_RETRY_WAIT_SECS: u64 = 60;

/// An API error where it happened: what went wrong in the buyer's words and
/// the button that helps. `retry` is offered only where retrying is sound
/// (network, timeout, 408/429/5xx; for a read also an unreadable answer) or
/// the data must be reloaded (409); a 401
/// marks the sign-in as expired so the sign-in prompt appears.
#[component]
pub(crate) fn ErrorNotice(
    error: ApiError,
    /// Repeats what failed (or reloads after a 409).
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
    /// Names this notice for tests and screen readers.
    #[prop(optional, into)]
    testid: Option<String>,
    /// What failed only read data, so it may be repeated even when the
    /// answer could not be read.
    #[prop(optional)]
    reading: bool,
) -> impl IntoView {
    // A refused token is the LiveChat sign-in's only when a LiveChat
    // service refused it (Bidali's 401 is about the app's key).
    if let (Some(auth), Some(true)) = (
        use_context::<Auth>(),
        error.service().map(Service::signs_in_with_livechat),
    ) {
        auth.note_error(&error);
    }
    let message = error.user_message_in(locale());
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
