//! The `/crypto/:id` payment page: the charge's summary and verdict, the
//! quotes, then how to pay in the chosen currency, the notices of the
//! status checks, the receipt and the charge's history. The payment flow's
//! runner reads the charge and follows it; the page draws what it decides.

use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use super::parts::{
    local_time, ordered_quotes, CopyButton, Countdown, CryptoTimeline, CurrencyLogo, QrCode,
    QuoteList,
};
use super::{bidali_error, open_charge_runner, Client, BASE};
use crate::api::bidali::BidaliCharge;
use crate::api::ApiError;
use crate::domain::crypto::{
    payment_uri, BidaliChargeId, CryptoAddress, PaymentUriKind, Protocol, Quote, StatusCategory,
    StatusCode,
};
use crate::domain::crypto_checkout::{
    amount_to_send, countdown_now_ms, payment_ended, Ended, NextStep, ServerClock, Tone, Verdict,
};
use crate::flow::crypto_payment::{
    charge_verdict_in, paying, CryptoPaymentFlow, Event, QuoteState, Watch,
};
use crate::flow::crypto_start::{self, requote_of, Opening};
use crate::i18n::{locale, t};
use crate::ui::components::{set_if_changed, PageHeader, StatusBadge, Tone as BadgeTone};
use crate::ui::embedding::{Host, ToastKind};
use crate::ui::services::Services;
use crate::web::runner::{Hooks, Runner};
use crate::web::server_clock::{device_now_ms, SampledClock};
use crate::web::{dom, flow_requests, tab_memory, timers};

fn badge_tone(category: StatusCategory) -> BadgeTone {
    match category {
        StatusCategory::Pending | StatusCategory::Processing => BadgeTone::Waiting,
        StatusCategory::Paid => BadgeTone::Paid,
        StatusCategory::Failed | StatusCategory::Error => BadgeTone::Failed,
        StatusCategory::Unknown => BadgeTone::Unknown,
    }
}

/// Everything the payment page shares between its parts.
#[derive(Clone, Copy)]
struct Page {
    charge: RwSignal<Option<BidaliCharge>>,
    load_error: RwSignal<Option<ApiError>>,
    quote: RwSignal<QuoteState>,
    watch: RwSignal<Watch>,
    clock: RwSignal<ServerClock>,
    device_now: RwSignal<i64>,
    /// Opening a new charge for a new quote.
    requote: RwSignal<Opening>,
    /// Reads the charge, its quotes and follows its status.
    runner: StoredValue<Runner<CryptoPaymentFlow>, LocalStorage>,
}

impl Page {
    fn dispatch(self, event: Event) {
        self.runner.with_value(|runner| runner.dispatch(event));
    }

    /// Back to the list of currencies.
    fn unchoose(self) {
        self.dispatch(Event::Unchoose);
    }

    fn server_now(self) -> i64 {
        self.clock.get().now_ms(self.device_now.get())
    }

    /// The currency being paid in: the chosen one, else the one coins
    /// arrived in (after a reload without `?pay=`).
    fn paying(self) -> Option<Protocol> {
        let quote = self.quote.get();
        self.charge.with(|c| paying(&quote, c.as_ref()))
    }
}

#[component]
pub fn CryptoCharge() -> impl IntoView {
    let params = use_params_map();
    let services = expect_context::<Services>();
    // Keyed by id: a new quote (a new charge) starts a fresh page.
    move || {
        let raw = params.with(|p| p.get("id")).unwrap_or_default();
        let body = match BidaliChargeId::parse(&raw) {
            Err(error) => view! {
                <div class="notice notice-error" role="alert" data-testid="crypto-invalid-id">
                    <p>{(t().crypto_link_invalid)(&error.message_in(locale()))}</p>
                    <a href=BASE>{t().crypto_new_payment}</a>
                </div>
            }
            .into_any(),
            Ok(id) => {
                let clock = SampledClock::default();
                match services.bidali_client(clock.clone()) {
                    Ok(client) => view! { <PaymentPage client clock id/> }.into_any(),
                    Err(error) => bidali_error(error, None, "crypto-unavailable", true),
                }
            }
        };
        view! {
            <div data-testid="page-crypto-charge">
                <PageHeader title=t().crypto_title lead=t().crypto_charge_lead/>
                <p class="back-link"><a href=BASE>"← "{t().new_payment}</a></p>
                {body}
            </div>
        }
    }
}

#[component]
fn PaymentPage(client: Client, clock: SampledClock, id: BidaliChargeId) -> impl IntoView {
    let services = expect_context::<Services>();
    let wanted = dom::current_url().and_then(|url| {
        url.query_pairs()
            .find(|(k, _)| k == "pay")
            .and_then(|(_, v)| Protocol::parse(&v).ok())
    });
    let charge = RwSignal::new(None);
    let load_error = RwSignal::new(None);
    let quote = RwSignal::new(QuoteState::None);
    let watch = RwSignal::new(Watch::Loading);
    let runner = Runner::new(
        CryptoPaymentFlow::new(id.clone(), wanted),
        Hooks {
            changed: Box::new(move |flow: &CryptoPaymentFlow| {
                set_if_changed(charge, flow.charge().cloned());
                set_if_changed(load_error, flow.load_error().cloned());
                set_if_changed(quote, flow.quote().clone());
                set_if_changed(watch, flow.watch());
            }),
            // Bidali's keys are not the buyer's sign-in: the flow gives up
            // instead, and never asks for this.
            sign_in_again: Box::new(|| {}),
            navigate: None,
        },
    );
    let page = Page {
        charge,
        load_error,
        quote,
        watch,
        clock: RwSignal::new(tab_memory::crypto_clock().unwrap_or(ServerClock::DEVICE)),
        device_now: RwSignal::new(device_now_ms()),
        requote: RwSignal::new(Opening::Idle),
        runner: StoredValue::new_local(runner),
    };
    // No request or wait of the page outlives it.
    on_cleanup(move || {
        page.runner.try_with_value(Runner::stop);
    });
    // The countdown's second hand, and the clock learnt from the answers.
    timers::every(1_000, {
        let clock = clock.clone();
        move |_| {
            page.device_now.try_set(device_now_ms());
            if let Some(learnt) = clock.get() {
                if page.clock.try_get_untracked() != Some(learnt) {
                    page.clock.try_set(learnt);
                }
            }
        }
    });

    let fetch_quote = move |protocol: Protocol| page.dispatch(Event::Choose(protocol));
    let fetch_quote = StoredValue::new(fetch_quote);
    let load = {
        let client = client.clone();
        move || {
            let send = flow_requests::crypto_payment(client.clone());
            page.runner
                .with_value(|runner| runner.restart(send, Event::Start));
        }
    };
    let load = StoredValue::new(load);
    load.with_value(|load| load());

    // A new quote: the same purchase as a new charge, at today's rate.
    let opener = open_charge_runner(client.clone(), clock.clone(), page.requote);
    let requote = move || {
        let Some(old) = page.charge.get_untracked() else {
            return;
        };
        let event = crypto_start::Event::Open {
            charge: requote_of(&old),
            pay: page.paying(),
        };
        opener.with_value(|r| r.dispatch(event));
    };
    let requote = StoredValue::new(requote);
    let remote_logos = services.remote_logos;

    // Tell the Agent App when the payment ends while the page watches it.
    if let Some(host) = use_context::<Host>() {
        Effect::new(move |previous: Option<Option<StatusCode>>| {
            let code = page.charge.with(|c| c.as_ref().map(|c| c.status_code));
            match (payment_ended(previous.flatten(), code), code) {
                (Some(Ended::Paid), _) => host.toast(ToastKind::Success, t().crypto_received),
                (Some(Ended::NotPaid), Some(code)) => {
                    host.toast(ToastKind::Error, code.label_in(locale()));
                }
                _ => {}
            }
            code
        });
    }

    move || {
        if let Some(error) = page.load_error.get() {
            if error.status() == Some(404) {
                return view! {
                    <div class="notice notice-error" role="alert" data-testid="crypto-not-found">
                        <p>{t().crypto_not_found}</p>
                        <a href=BASE>{t().crypto_new_payment}</a>
                    </div>
                }
                .into_any();
            }
            let retry = Callback::new(move |_| load.with_value(|load| load()));
            return bidali_error(error, Some(retry), "crypto-load-error", true);
        }
        let Some(expires_at_ms) = page
            .charge
            .with(|c| c.as_ref().map(|c| c.expires_at.unix_millis()))
        else {
            return view! { <p class="loading" role="status" data-testid="crypto-loading">{t().loading_payment}</p> }.into_any();
        };
        view! {
            <ChargeSummary page expires_at_ms/>
            <VerdictPanel page requote=Callback::new(move |_| requote.with_value(|r| r()))/>
            <ChoiceOrPayment page remote_logos fetch_quote=Callback::new(move |p| fetch_quote.with_value(|f| f(p)))/>
            <WatchNotice page/>
            <Receipt page/>
            <section class="card" aria-labelledby="crypto-history">
                <h2 id="crypto-history">{t().history}</h2>
                <CryptoTimeline events=Signal::derive(move || page.charge.with(|c| c.as_ref().map(|c| c.timeline.clone()).unwrap_or_default()))/>
            </section>
        }
        .into_any()
    }
}

/// The verdict for the charge as it stands, by the server's clock.
fn current_verdict(page: Page) -> Option<Verdict> {
    let paying = page.paying();
    let server_now = page.server_now();
    page.charge.with(|charge| {
        let mut verdict =
            charge_verdict_in(charge.as_ref()?, paying.as_ref(), server_now, locale());
        if paying.is_none() && verdict.next == NextStep::Pay {
            verdict.detail = t().choose_to_pay.to_owned();
        }
        Some(verdict)
    })
}

/// What is being paid for, the status and the time left.
#[component]
fn ChargeSummary(page: Page, expires_at_ms: i64) -> impl IntoView {
    let charge = move || page.charge.get();
    // The server cannot be earlier than the charge it made (see
    // `countdown_now_ms`).
    let created_ms = page
        .charge
        .with_untracked(|c| c.as_ref().map_or(i64::MIN, |c| c.created_at.unix_millis()));
    // While payable, and once expired (it then reads "Quote expired 0:00").
    let open = move || {
        page.charge
            .with(|c| c.as_ref().is_some_and(|c| c.status_code.has_time_left()))
    };
    view! {
        <section class="card crypto-summary" data-testid="crypto-summary" aria-label=t().receipt_payment>
            <div class="crypto-summary-head">
                <p class="crypto-what" data-testid="crypto-description">
                    {move || charge().and_then(|c| c.description).unwrap_or_else(|| t().crypto_payment.to_owned())}
                </p>
                {move || charge().map(|c| {
                    let code = c.status_code;
                    let text = if code.name().is_some() { code.label_in(locale()).to_owned() } else { (t().status_with_code)(code.label_in(locale()), &code.to_string()) };
                    view! {
                        <span data-testid="crypto-status" data-code=code.get().to_string()>
                            <StatusBadge tone=badge_tone(code.category()) text/>
                        </span>
                    }
                })}
            </div>
            <p class="crypto-fiat" data-testid="crypto-fiat">
                {move || charge().map(|c| fiat_price(&c))}
            </p>
            {move || open().then(|| view! {
                <Countdown expires_at_ms server_now_ms=Signal::derive(move || countdown_now_ms(page.server_now(), created_ms))/>
            })}
        </section>
    }
}

#[component]
fn VerdictPanel(page: Page, requote: Callback<()>) -> impl IntoView {
    move || {
        let verdict = current_verdict(page)?;
        let offer_requote = verdict.next == NextStep::Requote;
        let requoting = page.requote.get();
        let busy = matches!(requoting, Opening::Creating | Opening::Opened);
        Some(view! {
            <section
                class=format!("card verdict verdict-{}", verdict.tone.as_str())
                data-testid="crypto-verdict"
                data-tone=verdict.tone.as_str()
                data-next=format!("{:?}", verdict.next).to_lowercase()
                aria-live="polite"
            >
                <h2 data-testid="crypto-verdict-title">{verdict.title.clone()}</h2>
                <p data-testid="crypto-verdict-detail">{verdict.detail.clone()}</p>
                {offer_requote.then(|| view! {
                    <button
                        type="button"
                        class="button-primary"
                        data-testid="crypto-requote"
                        disabled=busy
                        on:click=move |_| requote.run(())
                    >
                        {if busy { t().getting_new_quote } else { t().get_new_quote }}
                    </button>
                })}
                {match requoting {
                    Opening::Failed(error) => Some(bidali_error(error, Some(requote), "crypto-requote-error", false)),
                    _ => None,
                }}
                {(verdict.tone == Tone::Unknown).then(|| view! {
                    <p class="hint">{t().unknown_status_hint}</p>
                })}
            </section>
        })
    }
}

/// Before a currency is chosen, the quotes; after, how to pay.
#[component]
fn ChoiceOrPayment(
    page: Page,
    remote_logos: bool,
    fetch_quote: Callback<Protocol>,
) -> impl IntoView {
    let must_pay =
        Memo::new(move |_| current_verdict(page).is_some_and(|v| v.next == NextStep::Pay));
    move || {
        if !must_pay.get() {
            return None;
        }
        let view = match page.quote.get() {
            QuoteState::None => {
                let (quotes, fiat) = page.charge.with(|c| {
                    c.as_ref()
                        .map(|c| (ordered_quotes(&c.quotes), c.currency.clone()))
                        .unwrap_or_default()
                });
                if quotes.is_empty() {
                    view! {
                        <p class="notice" data-testid="crypto-no-quotes">
                            {t().no_currency_offered}
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <section class="card" aria-labelledby="choose-heading">
                            <h2 id="choose-heading">{t().choose_currency}</h2>
                            <QuoteList
                                quotes
                                fiat
                                remote_logos
                                on_choose=fetch_quote
                                busy=Signal::derive(move || matches!(page.quote.get(), QuoteState::Loading(_)))
                            />
                        </section>
                    }
                    .into_any()
                }
            }
            QuoteState::Loading(protocol) => view! {
                <p class="loading" role="status" data-testid="quote-loading">
                    {(t().getting_address)(protocol.display_name())}
                </p>
            }
            .into_any(),
            QuoteState::Failed(protocol, error) => {
                let retry = Callback::new(move |_| fetch_quote.run(protocol.clone()));
                view! {
                    <section class="card">
                        {bidali_error(error, Some(retry), "quote-error", true)}
                        <button type="button" class="button-link" on:click=move |_| page.unchoose()>
                            {t().choose_another_currency}
                        </button>
                    </section>
                }
                .into_any()
            }
            QuoteState::Ready(protocol, quote) => {
                view! { <PayPanel page protocol quote remote_logos/> }.into_any()
            }
        };
        Some(view)
    }
}

/// The address, the amount, the QR code and the wallet link.
#[component]
fn PayPanel(page: Page, protocol: Protocol, quote: Quote, remote_logos: bool) -> impl IntoView {
    let name = protocol.display_name().to_owned();
    let ticker = quote.currency.clone();
    let address = quote.address.clone().unwrap_or_default();
    let address_problem = CryptoAddress::parse(&address).err();
    // After part of the payment, only the rest is asked for.
    let to_send = {
        let protocol = protocol.clone();
        let due = quote.amount;
        Memo::new(move |_| {
            let progress = page
                .charge
                .with(|c| c.as_ref().and_then(|c| c.progress(&protocol)));
            amount_to_send(progress.as_ref(), due)
        })
    };
    let nothing_received = {
        let protocol = protocol.clone();
        move || {
            page.charge
                .with(|c| c.as_ref().and_then(|c| c.progress(&protocol)))
                .is_none_or(|p| p.nothing_received())
        }
    };
    if let Some(problem) = address_problem {
        return view! {
            <section class="card notice-error" role="alert" data-testid="pay-bad-address">
                <h2>{t().do_not_pay_yet}</h2>
                <p>{(t().unchecked_address)(&name, &problem.message_in(locale()))}</p>
                <button type="button" class="button-secondary" on:click=move |_| page.unchoose()>
                    {t().choose_another_currency}
                </button>
            </section>
        }
        .into_any();
    }
    let uri_protocol = protocol.clone();
    let uri_address = address.clone();
    let uri = Memo::new(move |_| payment_uri(uri_protocol.as_str(), &uri_address, &to_send.get()));
    // The quote list, and the button that chose, are gone: the keyboard
    // goes on from this panel.
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            dom::focus_if_lost(&heading);
        }
    });
    view! {
        <section class="card pay-panel" data-testid="pay-panel" data-protocol=protocol.to_string() aria-labelledby="pay-heading">
            <h2 id="pay-heading" class="pay-heading" tabindex="-1" node_ref=heading>
                <CurrencyLogo protocol=protocol.clone() remote=remote_logos/>
                {(t().pay_with)(&name)}
            </h2>
            <dl class="pay-details">
                <dt>{t().send_exactly}</dt>
                <dd>
                    <code class="pay-amount" data-testid="pay-amount">{move || format!("{} {ticker}", to_send.get().display_locale(locale()))}</code>
                    {move || view! { <CopyButton text=to_send.get().to_string() what=t().the_amount testid="copy-amount"/> }}
                </dd>
                <dt>{t().to_this_address}</dt>
                <dd>
                    <code class="pay-address" data-testid="pay-address">{address.clone()}</code>
                    <CopyButton text=address.clone() what=t().the_address testid="copy-address"/>
                </dd>
            </dl>
            {move || match uri.get() {
                Ok(link) => {
                    let note = (link.kind == PaymentUriKind::AddressOnly).then(|| view! {
                        <p class="hint" data-testid="pay-uri-note">{t().wallet_amount_note}</p>
                    });
                    let label = (t().qr_label)(name_for_label(&link.uri));
                    view! {
                        <div class="pay-qr">
                            <QrCode text=link.uri.clone() label/>
                            <a class="button-secondary" href=link.uri.clone() data-testid="pay-wallet-link">{t().open_in_wallet}</a>
                            {note}
                        </div>
                    }
                    .into_any()
                }
                Err(error) => view! {
                    <p class="notice" data-testid="pay-uri-missing">
                        {(t().no_payment_link)(&error.message_in(locale()))}
                    </p>
                }
                .into_any(),
            }}
            {move || nothing_received().then(|| view! {
                <button type="button" class="button-link" data-testid="pay-change-currency" on:click=move |_| page.unchoose()>
                    {t().choose_another_currency}
                </button>
            })}
        </section>
    }
    .into_any()
}

/// A charge's price the way the page writes money (`$19.00`, `19,00 USD`);
/// an amount finer than cents, which the widget never creates, keeps every
/// digit.
fn fiat_price(charge: &BidaliCharge) -> String {
    match charge.amount.to_cents() {
        Ok(cents) => cents.display_locale(&charge.currency, locale()),
        Err(_) => format!(
            "{} {}",
            charge.amount.display_locale(locale()),
            charge.currency
        ),
    }
}

/// The scheme part of a payment link, for the QR code's label.
fn name_for_label(uri: &str) -> &str {
    uri.split_once(':')
        .map_or(t().this_payment, |(scheme, _)| scheme)
}

/// Paused or given-up status checks, with the way to go on.
#[component]
fn WatchNotice(page: Page) -> impl IntoView {
    move || {
        match page.watch.get() {
        Watch::Paused => Some(view! {
            <p class="notice" role="status" data-testid="crypto-paused">
                {t().checking_paused}
            </p>
        }
        .into_any()),
        Watch::SlowedDown { next_check_secs } => Some(view! {
            <p class="notice" role="status" data-testid="crypto-slowed-down">
                {(t().checks_slowed)(next_check_secs)}
            </p>
        }
        .into_any()),
        Watch::GaveUp(reason) => Some(view! {
            <div class="notice" role="status" data-testid="crypto-gave-up">
                <p>{reason.message_in(locale())}</p>
                <button type="button" class="button-secondary" data-testid="crypto-check-again" on:click=move |_| {
                    dom::keep_focus_here();
                    page.dispatch(Event::WatchAgain);
                }>{t().check_again}</button>
            </div>
        }
        .into_any()),
        Watch::Loading | Watch::Checking | Watch::Done => None,
    }
    }
}

/// What was paid, once it is paid.
#[component]
fn Receipt(page: Page) -> impl IntoView {
    move || {
        let verdict = current_verdict(page)?;
        if verdict.next != NextStep::Receipt {
            return None;
        }
        let charge = page.charge.get()?;
        let paying = page.paying();
        let (paid, transactions) = match paying
            .as_ref()
            .and_then(|p| charge.payment(p.as_str()).map(|pay| (p, pay)))
        {
            Some((protocol, payment)) => {
                let received = payment.received().normalized();
                (
                    format!(
                        "{} {}",
                        received.display_locale(locale()),
                        charge.ticker(protocol)
                    ),
                    payment
                        .transactions
                        .iter()
                        .map(|t| t.hash.clone())
                        .collect::<Vec<_>>(),
                )
            }
            None => ("—".to_owned(), Vec::new()),
        };
        let paid_at = charge.last_event_ms().map(local_time).unwrap_or_default();
        Some(view! {
            <section class="card receipt" data-testid="crypto-receipt" aria-labelledby="receipt-heading">
                <h2 id="receipt-heading">{t().receipt}</h2>
                <dl>
                    <dt>{t().receipt_payment}</dt><dd><code data-testid="receipt-id">{charge.id.to_string()}</code></dd>
                    <dt>{t().receipt_for}</dt><dd>{charge.description.clone().unwrap_or_else(|| t().crypto_payment.to_owned())}</dd>
                    <dt>{t().receipt_price}</dt><dd data-testid="receipt-fiat">{fiat_price(&charge)}</dd>
                    <dt>{t().receipt_paid}</dt><dd data-testid="receipt-paid">{paid}</dd>
                    <dt>{t().completed}</dt><dd>{paid_at}</dd>
                    <dt>{t().transactions}</dt>
                    <dd>
                        <ul class="receipt-transactions" data-testid="receipt-transactions">
                            {transactions.into_iter().map(|hash| view! { <li><code>{hash}</code></li> }).collect_view()}
                        </ul>
                    </dd>
                </dl>
                <p class="actions">
                    <a class="button-primary" href=BASE data-testid="receipt-new">{t().new_payment}</a>
                    <a class="button-link" href="/">{t().back_to_shop}</a>
                </p>
            </section>
        })
    }
}
