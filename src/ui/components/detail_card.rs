//! Pieces of a charge's detail card that one-time charges and
//! subscriptions share: what the status means for the buyer, the pending
//! charge's confirmation link, and yes or no.

use leptos::prelude::*;

use super::format::shown_raw;
use super::status_badge::Tone;
use crate::i18n::{locale, t};
use crate::ui::services::Services;

pub(crate) fn yes_no(flag: bool) -> &'static str {
    if flag {
        t().yes
    } else {
        t().no
    }
}

/// The confirmation page link of a pending charge, only on an allowed
/// address; otherwise why it is not offered.
pub(crate) fn confirmation_view(raw: &str) -> impl IntoView {
    let services = expect_context::<Services>();
    match services.check_confirmation_url(raw) {
        Ok(url) => view! {
            <div class="notice" data-testid="confirm-pending">
                <p>{t().awaiting_buyer}</p>
                <a class="button-primary" href=url.to_string() data-testid="confirm-link">
                    {t().confirm_purchase}
                </a>
            </div>
        }
        .into_any(),
        Err(error) => view! {
            <div class="notice notice-error" role="alert" data-testid="confirm-refused">
                <p>
                    {t().awaiting_buyer_unoffered} {error.message_in(locale())} "."
                </p>
            </div>
        }
        .into_any(),
    }
}

/// What a status means for the buyer and what they can do, when there is
/// something to say.
pub(crate) fn status_help(text: Option<String>, tone: Tone) -> impl IntoView {
    let class = match tone {
        Tone::Failed => "notice notice-error status-help",
        Tone::Paid => "notice notice-success status-help",
        Tone::Waiting | Tone::Ended | Tone::Unknown => "notice status-help",
    };
    text.map(|text| {
        view! {
            <p class=class data-testid="status-help">{text}</p>
        }
    })
}

pub(crate) fn unknown_help(raw: &str) -> String {
    (t().unknown_status_help)(&shown_raw(raw))
}
