//! Money, dates and outside text as the pages show them, in the page's
//! locale; one place, so every page writes them the same way.

use leptos::prelude::*;

use crate::api::Timestamp;
use crate::domain::calendar;
use crate::domain::money::Cents;
use crate::i18n::{locale, Locale};

/// An amount in the configured currency, the page's way: "$19.00" in
/// English, "19,00 USD" in Polish.
pub(crate) fn money(amount: Cents, currency: &str) -> String {
    amount.display_locale(currency, locale())
}

/// The date of a server timestamp as it was sent: `2026-11-23` in English
/// (the ISO form the English pages have always shown), `23 lis 2026` in
/// Polish; the text as sent if it has no readable date.
pub(crate) fn date(timestamp: &Timestamp) -> String {
    match locale() {
        Locale::En => timestamp.date().to_owned(),
        other => calendar::format_date_prefix(timestamp.as_str(), other)
            .unwrap_or_else(|| timestamp.date().to_owned()),
    }
}

/// A day written `2019-04-09` (a date or the start of a date and time),
/// shown as [`date`] shows one.
pub(crate) fn date_text(text: &str) -> String {
    match locale() {
        Locale::En => text.to_owned(),
        other => calendar::format_date_prefix(text, other).unwrap_or_else(|| text.to_owned()),
    }
}

/// An optional server date, or a dash.
pub(crate) fn date_or_dash(timestamp: Option<&Timestamp>) -> String {
    timestamp.map(date).unwrap_or_else(|| "—".to_owned())
}

/// A server date in a `<time>` element.
pub(crate) fn time_view(timestamp: &Timestamp) -> impl IntoView {
    view! { <time datetime=timestamp.as_str().to_owned()>{date(timestamp)}</time> }
}

/// Text from a server or the address bar as a page shows it: printable
/// characters only, clipped to 40.
pub(crate) fn shown_raw(raw: &str) -> String {
    shown_clipped(raw, 40)
}

/// The printable characters of `raw`, at most `max` of them; an ellipsis
/// marks a cut.
pub(crate) fn shown_clipped(raw: &str, max: usize) -> String {
    let mut shown: String = raw.chars().filter(|c| !c.is_control()).take(max).collect();
    if raw.chars().count() > max {
        shown.push('…');
    }
    shown
}
