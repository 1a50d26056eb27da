//! Paying in crypto through Bidali: `/crypto` starts a charge for a catalog
//! item or a typed amount; `/crypto/:id` shows its quotes, then the chosen
//! currency's address, amount, QR code and countdown, follows the charge on
//! the polling schedule, and ends with a receipt or a way forward.
//!
//! Creating a Bidali charge moves no money (the buyer pays by sending
//! coins), so a failed create may simply be tried again. The countdown runs
//! on the server's clock, learnt from each answer's `Date` (or the new
//! charge's `createdAt`), so a device clock that is off does not mislead.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use super::components::{
    router_navigate, set_if_changed, ErrorNotice, PageHeader, StatusBadge, Tone as BadgeTone,
};
use super::crypto_parts::{
    local_time, ordered_quotes, CopyButton, Countdown, CryptoTimeline, CurrencyLogo, QrCode,
    QuoteList,
};
use super::embedding::{customer_prefill, Host, ToastKind};
use super::services::{AppTransport, Services};
use crate::api::bidali::{
    BidaliCharge, BidaliClient, CustomerRef, NewBidaliCharge, NewCustomer, MAX_DESCRIPTION_LEN,
    MAX_PERSON_NAME_LEN,
};
use crate::api::ApiError;
use crate::config::{AppConfig, ItemKind};
use crate::domain::crypto::{
    payment_uri, BidaliChargeId, CryptoAddress, PaymentUriKind, Protocol, Quote, StatusCategory,
    StatusCode,
};
use crate::domain::crypto_checkout::{
    verdict_in, NextStep, PaymentProgress, ServerClock, TimeLeft, Tone, Verdict,
};
use crate::domain::money::{parse_fiat_amount_in, Cents, DEFAULT_MAX_CENTS};
use crate::flow::crypto_payment::{CryptoPaymentFlow, Event, QuoteState, Watch};
use crate::flow::crypto_start::{
    self, payment_path, requote_of, OpenChargeFlow, Opening, START_PATH,
};
use crate::i18n::{locale, t};
use crate::web::runner::{Hooks, Runner};
use crate::web::server_clock::{device_now_ms, ClockSampling, SampledClock};
use crate::web::{dom, flow_requests, tab_memory, timers};

type Client = BidaliClient<ClockSampling<AppTransport>>;

/// The route of the start page.
const BASE: &str = START_PATH;
/// Fiat currencies offered in the form (Bidali prices in these).
const FIAT: [&str; 4] = ["USD", "EUR", "GBP", "CAD"];

/// The start form's field a refusal names, if the form has it.
fn form_field_at_fault(error: &ApiError) -> Option<&'static str> {
    match error.field_at_fault()?.as_str() {
        "amount" => Some("amount"),
        "description" => Some("description"),
        "email" => Some("customer.email"),
        _ => None,
    }
}

/// What the Bidali errors mean here: its keys are not the LiveChat sign-in.
fn bidali_problem(error: &ApiError) -> Option<String> {
    match error {
        ApiError::Validation { field, message } if field == "publishable_key" => {
            Some((t().bidali_not_set_up)(message))
        }
        _ => match error.status() {
            Some(401 | 403) => Some(t().bidali_key_refused.to_owned()),
            _ => None,
        },
    }
}

/// An error from Bidali, with its way forward.
/// `reading`: the request only read data (see [`ErrorNotice`]).
fn bidali_error(
    error: ApiError,
    retry: Option<Callback<()>>,
    testid: &'static str,
    reading: bool,
) -> AnyView {
    match bidali_problem(&error) {
        Some(message) => view! {
            <div class="notice notice-error" role="alert" data-testid=testid>
                <p data-testid="error-message">{message}</p>
            </div>
        }
        .into_any(),
        None => match retry {
            Some(retry) => view! { <ErrorNotice error retry testid reading/> }.into_any(),
            None => view! { <ErrorNotice error testid/> }.into_any(),
        },
    }
}

fn badge_tone(category: StatusCategory) -> BadgeTone {
    match category {
        StatusCategory::Pending | StatusCategory::Processing => BadgeTone::Waiting,
        StatusCategory::Paid => BadgeTone::Paid,
        StatusCategory::Failed | StatusCategory::Error => BadgeTone::Failed,
        StatusCategory::Unknown => BadgeTone::Unknown,
    }
}

// ---------------------------------------------------------------------------
// Starting a payment
// ---------------------------------------------------------------------------

/// A catalog item that can be paid once in crypto: one-time items whose
/// quantity the seller fixes (per-agent prices are LiveChat's to decide).
#[derive(Debug, Clone, PartialEq)]
struct Offer {
    id: String,
    name: String,
    total: Cents,
}

fn offers(config: &AppConfig) -> Vec<Offer> {
    config
        .catalog
        .iter()
        .filter_map(|item| match item.kind {
            ItemKind::OneTime {
                quantity,
                per_account: false,
            } => Some(Offer {
                id: item.id.clone(),
                name: item.name.clone(),
                total: item.price.checked_mul(u64::from(quantity.max(1)))?,
            }),
            _ => None,
        })
        .collect()
}

/// The start form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct StartForm {
    offer: String,
    amount: String,
    currency: String,
    description: String,
    email: String,
    first_name: String,
    last_name: String,
}

/// The form's fields, by the names the API's validation uses.
const FIELDS: [(&str, &str); 6] = [
    ("amount", "crypto-amount"),
    ("currency", "crypto-currency"),
    ("description", "crypto-description"),
    ("customer.email", "crypto-email"),
    ("customer.firstName", "crypto-first-name"),
    ("customer.lastName", "crypto-last-name"),
];

fn input_id(field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or("crypto-amount", |(_, id)| id)
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl StartForm {
    /// The charge to create, or the field at fault and why. Nothing is sent
    /// until this passes.
    fn to_charge(&self) -> Result<NewBidaliCharge, (&'static str, String)> {
        let amount = parse_fiat_amount_in(&self.amount, DEFAULT_MAX_CENTS, locale())
            .map_err(|error| ("amount", error.message(locale())))?;
        let mut charge = NewBidaliCharge::new(amount, self.currency.trim().to_ascii_uppercase());
        charge.description = optional(&self.description);
        let (email, first, last) = (
            optional(&self.email),
            optional(&self.first_name),
            optional(&self.last_name),
        );
        charge.customer = match email {
            Some(email) => Some(CustomerRef::New(NewCustomer {
                email,
                first_name: first,
                last_name: last,
            })),
            None if first.is_some() || last.is_some() => {
                return Err(("customer.email", t().crypto_email_needed.to_owned()))
            }
            None => None,
        };
        if !self.offer.is_empty() {
            let mut metadata = serde_json::Map::new();
            metadata.insert("item".to_owned(), self.offer.clone().into());
            charge.metadata = Some(metadata);
        }
        charge.validate().map_err(|error| match error {
            ApiError::Validation { field, message } => {
                let field = FIELDS
                    .iter()
                    .map(|(name, _)| *name)
                    .find(|name| *name == field)
                    .unwrap_or("amount");
                (field, refusal(field, &message))
            }
            other => ("amount", other.user_message_in(locale())),
        })?;
        Ok(charge)
    }
}

/// A runner for opening charges on this page, showing its state in
/// `opening`; it stops when the page goes.
fn open_charge_runner(
    client: Client,
    clock: SampledClock,
    opening: RwSignal<Opening>,
) -> StoredValue<Runner<OpenChargeFlow>, LocalStorage> {
    let runner = Runner::new(
        OpenChargeFlow::default(),
        Hooks {
            changed: Box::new(move |flow: &OpenChargeFlow| {
                set_if_changed(opening, flow.opening().clone());
            }),
            sign_in_again: Box::new(|| {}),
            navigate: Some(router_navigate()),
        },
    );
    runner.send_with(flow_requests::open_charge(client, clock));
    let runner = StoredValue::new_local(runner);
    on_cleanup(move || {
        runner.try_with_value(Runner::stop);
    });
    runner
}

fn focus(id: &str) {
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        use wasm_bindgen::JsCast;
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
}

#[component]
pub fn CryptoStart() -> impl IntoView {
    let services = expect_context::<Services>();
    let config = expect_context::<AppConfig>();
    let clock = SampledClock::default();
    let body = match services.bidali_client(clock.clone()) {
        Ok(client) => view! { <StartPayment client clock config/> }.into_any(),
        Err(error) => bidali_error(error, None, "crypto-unavailable", true),
    };
    let resume = tab_memory::last_crypto_charge();
    view! {
        <div data-testid="page-crypto">
            <PageHeader title=t().crypto_title lead=t().crypto_lead/>
            {resume.map(|id| view! {
                <p class="notice" data-testid="crypto-resume">
                    {t().crypto_resume}
                    <a href=payment_path(&id, None)>{t().crypto_go_back}</a>
                </p>
            })}
            {body}
        </div>
    }
}

#[component]
fn StartPayment(client: Client, clock: SampledClock, config: AppConfig) -> impl IntoView {
    let offers = offers(&config);
    let first = offers.first().cloned();
    let default_currency = if FIAT.contains(&config.currency.as_str()) {
        config.currency.clone()
    } else {
        FIAT[0].to_owned()
    };
    let form = RwSignal::new(StartForm {
        offer: first.as_ref().map(|o| o.id.clone()).unwrap_or_default(),
        amount: first
            .as_ref()
            .map(|o| o.total.to_input_string(locale()))
            .unwrap_or_default(),
        currency: default_currency,
        description: first.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        ..StartForm::default()
    });
    // The customer selected in the Agent App fills empty buyer fields.
    Effect::new(move |_| {
        let Some((email, first, last)) = customer_prefill() else {
            return;
        };
        form.update(|f| {
            if f.email.trim().is_empty()
                && f.first_name.trim().is_empty()
                && f.last_name.trim().is_empty()
            {
                f.email = email;
                f.first_name = first.unwrap_or_default();
                f.last_name = last.unwrap_or_default();
            }
        });
    });
    let problem = RwSignal::new(None::<(&'static str, String)>);
    let failure = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let offers = StoredValue::new(offers);

    let opening = RwSignal::new(Opening::Idle);
    let opener = open_charge_runner(client, clock, opening);
    Effect::new(move |_| {
        busy.set(opening.with(|o| matches!(o, Opening::Creating | Opening::Opened)));
        let Opening::Failed(error) = opening.get() else {
            return;
        };
        match form_field_at_fault(&error) {
            // Bidali refused a field's content: said and marked there.
            Some(field) => {
                problem.set(Some((field, error.user_message_in(locale()))));
                focus(input_id(field));
            }
            None => failure.set(Some(error)),
        }
    });
    let submit = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        let charge = match form.with_untracked(StartForm::to_charge) {
            Ok(charge) => charge,
            Err((field, message)) => {
                problem.set(Some((field, message)));
                focus(input_id(field));
                return;
            }
        };
        problem.set(None);
        opener.with_value(|r| r.dispatch(crypto_start::Event::Open { charge, pay: None }));
    });

    let error_of = move |field: &'static str| {
        move || {
            problem.with(|p| {
                p.as_ref()
                    .filter(|(f, _)| *f == field)
                    .map(|(_, message)| message.clone())
            })
        }
    };
    let text_input = move |field: &'static str,
                           label: &'static str,
                           kind: &'static str,
                           autocomplete: &'static str,
                           get: fn(&StartForm) -> String,
                           set: fn(&mut StartForm, String)| {
        let id = input_id(field);
        let error_id = format!("{id}-error");
        let error = error_of(field);
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type=kind
                    autocomplete=autocomplete
                    data-testid=id
                    aria-invalid=move || error().is_some().then_some("true")
                    aria-describedby=move || error().is_some().then(|| error_id.clone())
                    prop:value=move || form.with(get)
                    on:input=move |ev| {
                        let value = event_target_value(&ev);
                        form.update(|f| set(f, value));
                        if problem.with_untracked(|p| p.as_ref().is_some_and(|(f, _)| *f == field)) {
                            problem.set(None);
                        }
                    }
                />
                {move || error().map(|message| view! {
                    <p class="field-error" role="alert" id=format!("{id}-error") data-testid=format!("{id}-error")>
                        {message}
                    </p>
                })}
            </div>
        }
    };

    // Catalog prices are in the shop's currency.
    let catalog_currency = config.currency.clone();
    let offer_options = offers.with_value(|offers| {
        offers
            .iter()
            .map(|offer| {
                let value = offer.id.clone();
                let selected = {
                    let value = value.clone();
                    move || form.with(|f| f.offer == value)
                };
                view! {
                    <option value=value selected=selected>
                        {format!("{} ({})", offer.name, offer.total.display_locale(&catalog_currency, locale()))}
                    </option>
                }
            })
            .collect_view()
    });
    let choose_offer = move |ev| {
        let chosen = event_target_value(&ev);
        let offer = offers.with_value(|offers| offers.iter().find(|o| o.id == chosen).cloned());
        form.update(|f| {
            f.offer = chosen;
            if let Some(offer) = offer {
                f.amount = offer.total.to_input_string(locale());
                f.description = offer.name;
            }
        });
        problem.set(None);
    };
    let currency_options = FIAT
        .iter()
        .map(|code| {
            let selected = move || form.with(|f| f.currency == *code);
            view! { <option value=*code selected=selected>{*code}</option> }
        })
        .collect_view();

    view! {
        <form
            class="card crypto-start"
            data-testid="crypto-form"
            aria-label=t().crypto_start_label
            novalidate=true
            aria-busy=move || busy.get().then_some("true")
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                submit.run(());
            }
        >
            <div class="field">
                <label for="crypto-offer">{t().crypto_what_for}</label>
                <select id="crypto-offer" data-testid="crypto-offer" on:change=choose_offer>
                    {offer_options}
                    <option value="" selected=move || form.with(|f| f.offer.is_empty())>
                        {t().crypto_another_amount}
                    </option>
                </select>
            </div>
            <div class="field-row">
                {text_input("amount", t().amount, "text", "off", |f| f.amount.clone(), |f, v| {
                    f.amount = v;
                    f.offer.clear();
                })}
                <div class="field">
                    <label for="crypto-currency">{t().currency}</label>
                    <select
                        id="crypto-currency"
                        data-testid="crypto-currency"
                        on:change=move |ev| form.update(|f| f.currency = event_target_value(&ev))
                    >
                        {currency_options}
                    </select>
                </div>
            </div>
            {text_input("description", t().crypto_description, "text", "off", |f| f.description.clone(), |f, v| f.description = v)}
            <fieldset class="customer">
                <legend>{t().crypto_buyer}</legend>
                {text_input("customer.email", t().email, "email", "email", |f| f.email.clone(), |f, v| f.email = v)}
                <div class="field-row">
                    {text_input("customer.firstName", t().first_name, "text", "given-name", |f| f.first_name.clone(), |f, v| f.first_name = v)}
                    {text_input("customer.lastName", t().last_name, "text", "family-name", |f| f.last_name.clone(), |f, v| f.last_name = v)}
                </div>
            </fieldset>
            {move || failure.get().map(|error| {
                bidali_error(error, Some(submit), "crypto-create-error", false)
            })}
            <div class="actions">
                <button type="submit" class="button-primary" data-testid="crypto-submit" disabled=move || busy.get()>
                    {move || if busy.get() { t().getting_quotes } else { t().get_quotes }}
                </button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------------------
// One payment
// ---------------------------------------------------------------------------

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
        match self.quote.get() {
            QuoteState::Loading(p) | QuoteState::Ready(p, _) | QuoteState::Failed(p, _) => Some(p),
            QuoteState::None => self
                .charge
                .with(|c| c.as_ref().and_then(|c| c.payments.keys().next().cloned())),
        }
    }
}

fn progress_of(charge: &BidaliCharge, protocol: &Protocol) -> Option<PaymentProgress> {
    let quote = charge.quote(protocol.as_str())?;
    let payment = charge.payment(protocol.as_str())?;
    Some(PaymentProgress::new(
        &quote.amount,
        &payment.balance,
        &payment.pending,
        &payment.outstanding,
        payment.confirmations(),
        payment.required_confirmations,
    ))
}

fn ticker_of(charge: &BidaliCharge, protocol: &Protocol) -> String {
    charge
        .quote(protocol.as_str())
        .map(|q| q.currency.clone())
        .or_else(|| protocol.info().map(|i| i.ticker.to_owned()))
        .unwrap_or_else(|| protocol.to_string())
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
            let was_open = previous.flatten().is_some_and(StatusCode::should_poll);
            if let (true, Some(code)) = (was_open, code) {
                if code.is_paid() {
                    host.toast(ToastKind::Success, t().crypto_received);
                } else if code.is_terminal() {
                    host.toast(ToastKind::Error, code.label_in(locale()));
                }
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
        let charge = charge.as_ref()?;
        let progress = paying.as_ref().and_then(|p| progress_of(charge, p));
        let ticker = paying
            .as_ref()
            .map(|p| ticker_of(charge, p))
            .unwrap_or_default();
        let expired = TimeLeft::until(charge.expires_at.unix_millis(), server_now).is_expired();
        let mut verdict = verdict_in(
            charge.status_code,
            progress.as_ref(),
            &ticker,
            expired,
            locale(),
        );
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
    // The server cannot be earlier than the charge it made: this keeps a
    // clock estimate that is a few hundred milliseconds early from showing
    // more time than the quote ever had.
    let created_ms = page
        .charge
        .with_untracked(|c| c.as_ref().map_or(i64::MIN, |c| c.created_at.unix_millis()));
    // While payable, and once expired (it then reads "Quote expired 0:00").
    let open = move || {
        page.charge.with(|c| {
            c.as_ref().is_some_and(|c| {
                c.status_code.category() == StatusCategory::Pending
                    || c.status_code == StatusCode::TIMEOUT
            })
        })
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
                <Countdown expires_at_ms server_now_ms=Signal::derive(move || page.server_now().max(created_ms))/>
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
            page.charge
                .with(|c| c.as_ref().and_then(|c| progress_of(c, &protocol)))
                .filter(|p| p.outstanding.is_positive() && !p.nothing_received())
                .map_or(due, |p| p.outstanding)
        })
    };
    let nothing_received = {
        let protocol = protocol.clone();
        move || {
            page.charge
                .with(|c| c.as_ref().and_then(|c| progress_of(c, &protocol)))
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

/// The form's words for a field the charge's own check refused.
fn refusal(field: &str, message: &str) -> String {
    match field {
        "customer.email" => t().crypto_email_invalid.to_owned(),
        "currency" => t().crypto_currency_invalid.to_owned(),
        "description" => (t().crypto_description_too_long)(MAX_DESCRIPTION_LEN),
        "customer.firstName" | "customer.lastName" => {
            (t().crypto_name_too_long)(MAX_PERSON_NAME_LEN)
        }
        // The amount was parsed, and its problems worded, before this
        // check; the check's own English words are the last resort.
        _ => format!("This {message}."),
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
                let received = payment
                    .balance
                    .checked_add(&payment.pending)
                    .unwrap_or(payment.balance)
                    .normalized();
                (
                    format!(
                        "{} {}",
                        received.display_locale(locale()),
                        ticker_of(&charge, protocol)
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
        let paid_at = charge
            .timeline
            .iter()
            .map(|e| e.time.unix_millis())
            .max()
            .map(local_time)
            .unwrap_or_default();
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
