//! The pieces of the crypto checkout: the quote list with currency logos,
//! the countdown, the QR code, copy buttons and the event timeline. Each
//! takes plain values and signals, so the browser tests mount them alone
//! (the countdown with a fake clock); they reach them as `ui::crypto_parts`.

use leptos::prelude::*;

use crate::api::bidali::TimelineEvent;
use crate::domain::crypto::{Protocol, Quote, QuoteStatus, GENERIC_LOGO_PATH};
use crate::domain::crypto_checkout::{event_label_in, TimeLeft};
use crate::domain::ordering::{sort_by_key, Direction};
// The quotes' order is the core's; the list is drawn in it.
pub use crate::domain::crypto::ordered_quotes;
use crate::domain::qr::qr_path;
use crate::i18n::{locale, t};
use crate::web::dom;
use crate::web::{clipboard, timers};

/// Where a logo came from, for tests and for the fallback order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogoSource {
    Remote,
    Local,
    Generic,
}

impl LogoSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Remote => "remote",
            Self::Local => "local",
            Self::Generic => "generic",
        }
    }
}

/// A currency's logo: Bidali's own image when `remote`, else (or when it
/// fails to load) the bundled SVG, else the bundled generic coin, else a
/// drawn letter. An image that fails is replaced at once, so no broken image
/// shows. Images never run scripts, so a hostile SVG is inert; the size is
/// fixed by the page, so a huge one cannot push the layout.
#[component]
pub fn CurrencyLogo(protocol: Protocol, remote: bool) -> impl IntoView {
    let mut sources = Vec::new();
    if remote {
        sources.push((LogoSource::Remote, protocol.small_logo_url()));
    }
    let local = protocol.local_logo_path();
    if local != GENERIC_LOGO_PATH {
        sources.push((LogoSource::Local, dom::resolve_against_base(&local)));
    }
    sources.push((
        LogoSource::Generic,
        dom::resolve_against_base(GENERIC_LOGO_PATH),
    ));
    let initial = protocol
        .display_name()
        .chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    let testid = format!("logo-{protocol}");
    let attempt = RwSignal::new(0_usize);
    move || match sources.get(attempt.get()).cloned() {
        Some((source, src)) => view! {
            <img
                class="currency-logo"
                src=src
                alt=""
                width="32"
                height="32"
                referrerpolicy="no-referrer"
                data-testid=testid.clone()
                data-source=source.as_str()
                on:error=move |_| attempt.update(|n| *n += 1)
            />
        }
        .into_any(),
        None => view! {
            <span
                class="currency-logo currency-logo-letter"
                aria-hidden="true"
                data-testid=testid.clone()
                data-source="letter"
            >
                {initial.clone()}
            </span>
        }
        .into_any(),
    }
}

/// Every quote of a charge: logo, name, the amount and rate exactly as
/// sent, and a button to pay in that currency.
#[component]
pub fn QuoteList(
    quotes: Vec<(Protocol, Quote)>,
    /// The charge's fiat currency, for the rate (`1 USD = ...`).
    #[prop(into)]
    fiat: String,
    remote_logos: bool,
    #[prop(into)] on_choose: Callback<Protocol>,
    /// While a choice is being fetched, no second one starts.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let rows = quotes
        .into_iter()
        .map(|(protocol, quote)| {
            let name = protocol.display_name().to_owned();
            let ticker = quote.currency.clone();
            let amount = format!("{} {ticker}", quote.amount.display_locale(locale()));
            let rate = format!("1 {fiat} = {} {ticker}", quote.rate.display_locale(locale()));
            let active = quote.status == QuoteStatus::Active;
            let button_label = (t().pay_amount_in)(&amount, &name);
            let choose = protocol.clone();
            view! {
                <li class="quote" data-testid=format!("quote-{protocol}") data-protocol=protocol.to_string()>
                    <CurrencyLogo protocol=protocol.clone() remote=remote_logos/>
                    <span class="quote-name">
                        <span class="quote-currency">{name.clone()}</span>
                        <span class="quote-rate" data-testid="quote-rate">{rate}</span>
                    </span>
                    <span class="quote-amount" data-testid="quote-amount">{amount}</span>
                    {if active {
                        view! {
                            <button
                                type="button"
                                class="button-primary quote-choose"
                                data-testid="quote-choose"
                                aria-label=button_label
                                disabled=move || busy.get()
                                on:click=move |_| on_choose.run(choose.clone())
                            >
                                {t().pay}
                            </button>
                        }
                        .into_any()
                    } else {
                        view! {
                            <span class="quote-unavailable" data-testid="quote-unavailable">
                                {(t().not_available)(quote.status.as_str())}
                            </span>
                        }
                        .into_any()
                    }}
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="quote-list" data-testid="quote-list" aria-label=t().choose_currency>
            {rows}
        </ul>
    }
}

/// Time left on a quote by the server's clock. The clock is a `timer`
/// (not read out every second); a separate polite live region speaks only
/// at a few thresholds.
#[component]
pub fn Countdown(
    /// `expiresAt`, in milliseconds since the epoch.
    expires_at_ms: i64,
    /// The server's time now; ticks once a second on the page.
    #[prop(into)]
    server_now_ms: Signal<i64>,
) -> impl IntoView {
    let left = Memo::new(move |_| TimeLeft::until(expires_at_ms, server_now_ms.get()));
    let expired = move || left.get().is_expired();
    view! {
        <div
            class="countdown"
            data-testid="countdown"
            data-expired=move || if expired() { "true" } else { "false" }
        >
            <span class="countdown-label">
                {move || if expired() { t().quote_expired } else { t().time_left }}
            </span>
            <span class="countdown-clock" role="timer" data-testid="countdown-clock">
                {move || left.get().clock_text()}
            </span>
            <span class="visually-hidden" aria-live="polite" data-testid="countdown-announcement">
                {move || left.get().announcement_in(locale())}
            </span>
        </div>
    }
}

/// A QR code of `text`, black on white whatever the theme (scanners need
/// the contrast), drawn as one SVG path.
#[component]
pub fn QrCode(
    #[prop(into)] text: String,
    /// What the code holds, for screen readers.
    #[prop(into)]
    label: String,
) -> impl IntoView {
    match qr_path(&text) {
        Ok(path) => {
            let view_box = format!("0 0 {0} {0}", path.size);
            view! {
                <svg
                    class="qr-code"
                    viewBox=view_box
                    role="img"
                    aria-label=label
                    shape-rendering="crispEdges"
                    data-testid="payment-qr"
                >
                    <rect width="100%" height="100%" fill="#ffffff"></rect>
                    <path d=path.d fill="#000000"></path>
                </svg>
            }
            .into_any()
        }
        Err(error) => view! {
            <p class="notice" data-testid="payment-qr-missing">
                {(t().no_qr)(error.message_in(locale()))}
            </p>
        }
        .into_any(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed(String),
}

/// Copies `text` to the clipboard and says so next to the button. If the
/// browser refuses, the text is shown selected so it can be copied by hand.
#[component]
pub fn CopyButton(
    #[prop(into)] text: String,
    /// "address" or "amount", for the button's accessible name.
    #[prop(into)]
    what: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    // "Copied" fades after a while.
    let fade = timers::Later::new();
    let copy = {
        let text = text.clone();
        move |_| {
            clipboard::copy(&text, move |result| {
                state.try_set(match result {
                    Ok(()) => CopyState::Copied,
                    Err(error) => CopyState::Failed(error.message_in(locale())),
                });
                if state.try_get_untracked() == Some(CopyState::Copied) {
                    fade.set(2_500, move || {
                        if state.try_get_untracked() == Some(CopyState::Copied) {
                            state.try_set(CopyState::Idle);
                        }
                    });
                }
            });
        }
    };
    let status_id = format!("{testid}-status");
    // The name starts with the visible word, "Copy" or "Copied".
    let label = {
        let what = what.clone();
        move || (t().copy_label)(state.get() == CopyState::Copied, &what)
    };
    view! {
        <span class="copy">
            <button
                type="button"
                class="button-secondary copy-button"
                data-testid=testid.clone()
                aria-label=label
                aria-describedby=status_id.clone()
                on:click=copy
            >
                {move || if state.get() == CopyState::Copied { t().copied } else { t().copy }}
            </button>
            <span class="copy-status" role="status" id=status_id data-testid=format!("{testid}-status")>
                {move || match state.get() {
                    CopyState::Idle => String::new(),
                    CopyState::Copied => (t().copied_status)(&what),
                    CopyState::Failed(why) => (t().copy_failed)(&why, &what),
                }}
            </span>
        </span>
    }
}

/// A server time in the device's time zone, the page's way:
/// `9 Apr 2019, 18:02` / `9 kwi 2019, 18:02`.
pub fn local_time(unix_ms: i64) -> String {
    // Whole milliseconds well inside f64's exact range; only the zone's
    // offset at that instant is read from the browser.
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_ms as f64));
    // getTimezoneOffset is minutes behind UTC (-60 in Warsaw in winter).
    let offset_minutes = -(date.get_timezone_offset() as i32);
    let unix_ms = u64::try_from(unix_ms).unwrap_or(0);
    crate::domain::calendar::format_date_time(unix_ms, offset_minutes, crate::i18n::locale())
}

/// What happened to the charge, oldest first, in words.
#[component]
pub fn CryptoTimeline(#[prop(into)] events: Signal<Vec<TimelineEvent>>) -> impl IntoView {
    view! {
        <ol class="crypto-timeline" data-testid="crypto-timeline" aria-label=t().what_happened>
            {move || {
                let mut events = events.get();
                sort_by_key(&mut events, Direction::Ascending, |e| e.time.unix_millis());
                events
                    .into_iter()
                    .map(|event| {
                        let when = event.time.unix_millis();
                        view! {
                            <li data-type=event.event_type.clone()>
                                <time datetime=event.time.to_string()>{local_time(when)}</time>
                                " "
                                <span>{event_label_in(&event.event_type, locale())}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}
