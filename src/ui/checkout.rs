//! Buying from the catalog: one create request per click, then off to
//! LiveChat's confirmation page, but only if its address is on the
//! allow-list. The way back is `return_page`.

use leptos::prelude::*;

use std::future::Future;
use std::pin::Pin;

use super::auth::{here, start_sign_in, Auth, SignInStatus};
use super::common::ErrorNotice;
use super::embedding::Host;
use super::lazy_pages::ChunkLoadError;
use super::services::Services;
use crate::api::livechat::{
    DirectCharge, DirectChargeQuery, RecurrentCharge, RecurrentChargeQuery,
};
use crate::api::livechat::{NewDirectCharge, NewRecurrentCharge};
use crate::api::ApiError;
use crate::config::{CatalogItem, ItemKind};
use crate::domain::agent_app::HostEvent;
use crate::domain::charge::{DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::checkout::{reconcile_lost_create, IntentTerms, PaymentIntent, SeenCharge};
use crate::domain::money::Cents;
use crate::domain::oauth::AccessToken;
use crate::i18n::{locale, t};
use crate::web::server_clock::{device_now_ms, SampledClock};
use crate::web::storage::{self, Area};
use crate::web::{dom, popup};

pub use super::return_page::ChargeReturn;

/// Highest quantity the form offers for one purchase.
pub const MAX_QUANTITY: u32 = 100;

/// Reads the quantity field: a whole number from 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => Ok(n),
        Ok(_) => Err((t().quantity_range)(MAX_QUANTITY)),
        Err(_) => Err(t().quantity_whole.to_owned()),
    }
}

/// Where the quantity typed for catalog item `id` is kept in this tab.
fn typed_quantity_key(id: &str) -> String {
    format!("billing-widget.quantity.{id}")
}

/// Whether repeating a failed create cannot make a second charge: the server
/// answered and refused before any work (rate limited, unavailable). Any
/// failure that may come after the work is reconciled first instead
/// ([`ApiError::write_may_have_happened`]).
pub fn create_retry_is_safe(error: &ApiError) -> bool {
    matches!(error.status(), Some(429 | 503))
}

/// Why a purchase did not leave for the confirmation page.
#[derive(Debug, Clone, PartialEq)]
enum BuyProblem {
    /// The form is wrong; nothing was sent.
    Input(String),
    /// The API refused or failed.
    Api(ApiError),
    /// The answer never came or was unreadable, and looking for the charge
    /// failed too: it may exist. `sent_at` (device time) is when the create
    /// was sent, for looking again.
    Unknown { error: ApiError, sent_at: i64 },
    /// The answer never came, but the charge was found waiting for the
    /// buyer: its confirmation page.
    Recovered(String),
    /// The answer never came and no charge of this purchase waits for the
    /// buyer: trying again is safe.
    NotCreated(ApiError),
    /// The server's confirmation address is not one the widget follows.
    UnsafeConfirmation(String),
    /// The code that creates charges could not be fetched; nothing was sent.
    NotLoaded,
}

/// The buy area of one catalog item: quantity (where the buyer picks it),
/// the button, and what went wrong.
#[component]
pub fn BuyPanel(item: CatalogItem) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let default_quantity = match item.kind {
        ItemKind::OneTime { quantity, .. } => quantity.max(1),
        ItemKind::Subscription { .. } => 1,
    };
    // A one-time item is bought in a quantity; per account, the quantity is
    // the number of accounts paid for (price x quantity, as the seed's
    // `"quantity": 2, "per_account": true` shows).
    let asks_quantity = matches!(item.kind, ItemKind::OneTime { .. });
    let per_account = matches!(
        item.kind,
        ItemKind::OneTime {
            per_account: true,
            ..
        }
    );
    // What the buyer typed outlives a sign-in round trip (a 401 while
    // buying sends them away and back): kept for this tab only.
    let typed_key = typed_quantity_key(&item.id);
    let quantity = RwSignal::new(
        storage::get(Area::Session, &typed_key)
            .filter(|typed| asks_quantity && parse_quantity(typed).is_ok())
            .unwrap_or_else(|| default_quantity.to_string()),
    );
    let problem = RwSignal::new(None::<BuyProblem>);
    // The confirmation page opened elsewhere (a popup, or a link to one).
    let away = RwSignal::new(None::<(String, bool)>);
    // Set synchronously on click, so a double click sends one request.
    let busy = RwSignal::new(false);
    let item = StoredValue::new(item);
    let is_subscription = item.with_value(|i| matches!(i.kind, ItemKind::Subscription { .. }));
    let field_id = item.with_value(|i| format!("quantity-{}", i.id));

    let test_mode = services.is_mock();
    // The quantity to buy, or `None` with the reason shown at the field.
    let chosen_quantity = move || {
        if !asks_quantity {
            return Some(default_quantity);
        }
        match parse_quantity(&quantity.get_untracked()) {
            Ok(chosen) => Some(chosen),
            Err(message) => {
                problem.set(Some(BuyProblem::Input(message)));
                None
            }
        }
    };
    let buy = {
        let services = services.clone();
        move || {
            if busy.get_untracked() {
                return;
            }
            let Some(token) = auth.current() else {
                // The token ran out since the page showed the button.
                auth.reject();
                return;
            };
            // While an earlier create's outcome is unknown, Buy looks for its
            // charge again instead of making another.
            if let Some(BuyProblem::Unknown { error, sent_at }) = problem.get_untracked() {
                busy.set(true);
                let services = services.clone();
                let item = item.get_value();
                leptos::task::spawn_local(async move {
                    let purchase = Purchase {
                        services,
                        token,
                        item,
                    };
                    let found = look_for_lost_charge(purchase, sent_at, error).await;
                    problem.try_set(Some(found));
                    busy.try_set(false);
                });
                return;
            }
            let Some(quantity) = chosen_quantity() else {
                return;
            };
            busy.set(true);
            problem.set(None);
            away.set(None);
            // Real confirmation pages refuse to be framed: inside LiveChat a
            // window opened now, while the click still counts, is sent there
            // once the charge exists.
            let window = dom::is_framed().then(popup::open_blank);
            let services = services.clone();
            let item = item.get_value();
            leptos::task::spawn_local(async move {
                let outcome = match buy_flow().await {
                    Ok(flow) => {
                        let purchase = Purchase {
                            services: services.clone(),
                            token: token.clone(),
                            item: item.clone(),
                        };
                        (flow.create)(purchase, quantity, window.clone()).await
                    }
                    Err(ChunkLoadError) => Err(BuyProblem::NotLoaded),
                };
                match outcome {
                    // The page is leaving; the button stays disabled.
                    Ok(None) => {}
                    Ok(Some(url)) => {
                        away.try_set(Some((url, matches!(window, Some(Some(_))))));
                        busy.try_set(false);
                    }
                    Err(found) => {
                        if let Some(Some(popup)) = &window {
                            popup::close(popup);
                        }
                        if let BuyProblem::Api(error) | BuyProblem::Unknown { error, .. } = &found {
                            auth.note_error(error);
                        }
                        let found = match found {
                            // Look before offering anything: a second
                            // charge must not come from a lost answer.
                            BuyProblem::Unknown { error, sent_at } => {
                                let purchase = Purchase {
                                    services,
                                    token,
                                    item,
                                };
                                look_for_lost_charge(purchase, sent_at, error).await
                            }
                            other => other,
                        };
                        problem.try_set(Some(found));
                        busy.try_set(false);
                    }
                }
            });
        }
    };
    let buy = StoredValue::new(buy);
    let retry = Callback::new(move |_: ()| buy.with_value(|buy| buy()));

    let signed_in = move || matches!(auth.status(), SignInStatus::SignedIn(_));
    let sign_in = {
        let services = services.clone();
        move |_| {
            start_sign_in(&services, here(), move |message| {
                problem.set(Some(BuyProblem::Input(message)));
            });
        }
    };
    let m = t();
    let (action_label, sign_in_label) = if is_subscription {
        (m.subscribe, m.sign_in_to_subscribe)
    } else {
        (m.buy, m.sign_in_to_buy)
    };

    // Inside LiveChat, the Agent App's own payment window is the other way
    // to pay: it creates and confirms the charge, then names it.
    let host = use_context::<Host>();
    let in_host = RwSignal::new(None::<HostPayment>);
    let pay_in_host = move |_| {
        let Some(host) = host else {
            return;
        };
        // A second click before the button shows it is disabled must not
        // open a second payment window.
        if busy.get_untracked() || in_host.get_untracked() == Some(HostPayment::Waiting) {
            return;
        }
        let Some(quantity) = chosen_quantity() else {
            return;
        };
        problem.set(None);
        host.transaction.set(None);
        let icon = dom::resolve_against_base("favicon.svg");
        item.with_value(|item| {
            let intent = payment_intent(item, quantity, test_mode, &icon);
            host.send(
                "register_transaction_pending",
                Some(intent.pending_message()),
            );
            host.send(
                "register_transaction_success",
                Some(serde_json::json!({ "charge": intent.charge() })),
            );
        });
        in_host.set(Some(HostPayment::Waiting));
    };
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let Some(host) = host else {
            return;
        };
        let Some(event) = host.transaction.get() else {
            return;
        };
        if in_host.get_untracked() != Some(HostPayment::Waiting) {
            return;
        }
        match event {
            HostEvent::TransactionAccepted { charge_id } => {
                let kind = if is_subscription {
                    "recurrent_charge"
                } else {
                    "direct_charge"
                };
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("id", &charge_id)
                    .append_pair("type", kind)
                    .finish();
                navigate(&format!("/return?{query}"), Default::default());
            }
            HostEvent::TransactionDeclined { .. } => in_host.set(Some(HostPayment::Declined)),
            HostEvent::TransactionFailed { error } => in_host.set(Some(HostPayment::Failed(error))),
            _ => {}
        }
    });
    let host_connected = move || host.is_some_and(|h| h.connected.get());
    let input_error = move || match problem.get() {
        Some(BuyProblem::Input(message)) => Some(message),
        _ => None,
    };

    view! {
        <form
            class="buy-panel"
            data-testid="buy-panel"
            novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                buy.with_value(|buy| buy());
            }
        >
            {asks_quantity.then(|| view! {
                <label class="quantity" for=field_id.clone()>
                    {if per_account { m.accounts_quantity } else { m.quantity }}
                    <input
                        id=field_id.clone()
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max=MAX_QUANTITY.to_string()
                        step="1"
                        data-testid="quantity"
                        aria-invalid=move || input_error().is_some().to_string()
                        prop:value=move || quantity.get()
                        on:input=move |ev| {
                            let typed = event_target_value(&ev);
                            storage::set(Area::Session, &typed_key, &typed);
                            quantity.set(typed);
                        }
                    />
                </label>
            })}
            <Show
                when=signed_in
                fallback=move || view! {
                    <button type="button" class="button-secondary" data-testid="sign-in-to-buy" on:click=sign_in.clone()>
                        {sign_in_label}
                    </button>
                }
            >
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="buy"
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().to_string()
                >
                    {move || if busy.get() { m.creating_charge } else { action_label }}
                </button>
                {move || host_connected().then(|| view! {
                    <button
                        type="button"
                        class="button-secondary"
                        data-testid="buy-in-host"
                        disabled=move || busy.get() || in_host.get() == Some(HostPayment::Waiting)
                        on:click=pay_in_host
                    >
                        {m.pay_in_livechat}
                    </button>
                })}
            </Show>
            <div aria-live="polite">
                {move || problem.get().map(|found| view! { <BuyProblemView problem=found retry/> })}
                {move || in_host.get().map(|state| view! {
                    <p
                        class=if matches!(state, HostPayment::Failed(_)) { "notice notice-error" } else { "notice" }
                        role="status"
                        data-testid="buy-host-state"
                        data-state=state.name()
                    >
                        {state.message()}
                    </p>
                })}
                {move || away.get().map(|(url, opened)| view! {
                    <div class="notice" role="status" data-testid="buy-in-popup">
                        <p>
                            {if opened { m.confirm_in_window } else { m.window_blocked }}
                        </p>
                        <a href=url target="_blank" rel="opener" data-testid="buy-open-confirmation">
                            {m.open_payment_page}
                        </a>
                    </div>
                })}
            </div>
        </form>
    }
}

#[component]
fn BuyProblemView(problem: BuyProblem, retry: Callback<()>) -> impl IntoView {
    let m = t();
    match problem {
        BuyProblem::Api(error) if create_retry_is_safe(&error) => {
            view! { <ErrorNotice error retry testid="buy-error"/> }.into_any()
        }
        BuyProblem::Input(message) => view! {
            <p class="field-error" role="alert" data-testid="buy-input-error">{message}</p>
        }
        .into_any(),
        BuyProblem::Api(error) => view! { <ErrorNotice error testid="buy-error"/> }.into_any(),
        BuyProblem::Unknown { error, .. } => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-unknown">
                <p>{error.user_message_in(crate::i18n::locale())}</p>
                <p>
                    {m.maybe_created}
                    <a href="/charges">{m.check_your_charges}</a>
                    {m.maybe_created_end}
                </p>
            </div>
        }
        .into_any(),
        BuyProblem::Recovered(url) => {
            let open = move |_| {
                let Ok(url) = url::Url::parse(&url) else {
                    return;
                };
                // Inside LiveChat a popup (this click allows one); else, or
                // when it is blocked, this window goes.
                let opened = dom::is_framed() && popup::open(url.as_str()).is_some();
                if !opened {
                    dom::navigate_to(&url);
                }
            };
            view! {
                <div class="notice" role="alert" data-testid="buy-recovered">
                    <p>
                        {m.created_despite_drop_1}
                        {m.created_despite_drop_2}
                    </p>
                    <button type="button" class="button-primary" data-testid="buy-continue" on:click=open>
                        {m.continue_to_payment}
                    </button>
                </div>
            }
            .into_any()
        }
        BuyProblem::NotCreated(error) => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-not-created">
                <p>{error.user_message_in(crate::i18n::locale())}</p>
                <p>{m.nothing_created}</p>
                <button type="button" class="button-secondary" data-testid="buy-try-again" on:click=move |_| retry.run(())>
                    {m.try_again}
                </button>
            </div>
        }
        .into_any(),
        BuyProblem::NotLoaded => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-not-loaded">
                <p>{m.page_load_failed_body}</p>
                <button type="button" class="button-secondary" data-testid="buy-try-again" on:click=move |_| retry.run(())>
                    {m.try_again}
                </button>
            </div>
        }
        .into_any(),
        BuyProblem::UnsafeConfirmation(reason) => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-unsafe-confirmation">
                <p>{(m.unsafe_confirmation)(&reason)}</p>
            </div>
        }
        .into_any(),
    }
}

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

/// The popup a click opened for the confirmation page: none (the widget
/// is not framed), `Some(Some(_))` opened, `Some(None)` blocked.
type ClickPopup = Option<Option<web_sys::Window>>;

/// A create's outcome: the page is leaving (`None`), the confirmation
/// page's address for a popup or a link, or why it did not leave.
type Created = Result<Option<String>, BuyProblem>;

/// One purchase, as the buying code takes it.
struct Purchase {
    services: Services,
    token: AccessToken,
    item: CatalogItem,
}

/// The code that creates charges and looks for lost ones. With the `split`
/// feature it is a wasm chunk of its own: the shop shows without it, and it
/// is fetched when the shop is idle ([`prefetch_buy_flow`]) or by the first
/// click.
#[derive(Clone, Copy)]
struct BuyFlow {
    /// Creates the charge and sends the buyer to its confirmation page:
    /// here, in the click's popup, or by a link when it was blocked.
    create: fn(Purchase, u32, ClickPopup) -> Boxed<Created>,
    /// [`reconcile`], after a create whose answer was lost.
    reconcile: fn(Purchase, i64, ApiError) -> Boxed<BuyProblem>,
}

const BUY_FLOW: BuyFlow = BuyFlow {
    create: |purchase, quantity, window| {
        Box::pin(async move {
            let confirm = match &window {
                None => Confirm::Here,
                Some(Some(popup)) => Confirm::InPopup(popup),
                Some(None) => Confirm::ByLink,
            };
            let Purchase {
                services,
                token,
                item,
            } = purchase;
            create_and_confirm(&services, &token, &item, quantity, confirm).await
        })
    },
    reconcile: |purchase, sent_at, error| {
        Box::pin(async move {
            let Purchase {
                services,
                token,
                item,
            } = purchase;
            reconcile(&services, &token, &item, sent_at, error).await
        })
    },
};

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(buy, wasm_split_path = ::leptos::wasm_split, fallible)]
fn buy_flow() -> Result<BuyFlow, ChunkLoadError> {
    Ok(BUY_FLOW)
}

#[cfg(not(feature = "split"))]
async fn buy_flow() -> Result<BuyFlow, ChunkLoadError> {
    Ok(BUY_FLOW)
}

/// [`reconcile`] through the buying code's chunk. Its code not arriving
/// leaves the question open: the next click looks again.
async fn look_for_lost_charge(purchase: Purchase, sent_at: i64, error: ApiError) -> BuyProblem {
    match buy_flow().await {
        Ok(flow) => (flow.reconcile)(purchase, sent_at, error).await,
        Err(ChunkLoadError) => BuyProblem::Unknown { error, sent_at },
    }
}

/// Fetches the buying code in the background, so the first click on Buy
/// does not wait for it. A failure is retried by the click.
pub fn prefetch_buy_flow() {
    leptos::task::spawn_local(async {
        let _ = buy_flow().await;
    });
}

/// A listed charge, direct or recurrent, as reconciling needs it.
struct Listed {
    id: String,
    name: String,
    price: Cents,
    created_at_ms: i64,
    pending: bool,
    confirmation_url: String,
}

impl Listed {
    fn seen(&self) -> SeenCharge<'_> {
        SeenCharge {
            id: &self.id,
            name: &self.name,
            price: self.price,
            created_at_ms: self.created_at_ms,
            pending: self.pending,
        }
    }
}

impl From<DirectCharge> for Listed {
    fn from(c: DirectCharge) -> Self {
        Self {
            pending: c.status == DirectChargeStatus::Pending,
            created_at_ms: c.created_at.unix_millis(),
            id: c.id.to_string(),
            name: c.name,
            price: c.price,
            confirmation_url: c.confirmation_url,
        }
    }
}

impl From<RecurrentCharge> for Listed {
    fn from(c: RecurrentCharge) -> Self {
        Self {
            pending: c.status == RecurrentChargeStatus::Pending,
            created_at_ms: c.created_at.unix_millis(),
            id: c.id.to_string(),
            name: c.name,
            price: c.price,
            confirmation_url: c.confirmation_url,
        }
    }
}

/// After a create whose answer never came or could not be read: is a
/// charge of this purchase waiting for the buyer? Found: its confirmation
/// page (if allowed). None: a retry is safe. The lookup failing too leaves
/// the question open.
async fn reconcile(
    services: &Services,
    token: &AccessToken,
    item: &CatalogItem,
    sent_at: i64,
    error: ApiError,
) -> BuyProblem {
    let clock = SampledClock::default();
    let client = services.billing_client_sampling(clock.clone());
    // Only charges still waiting for the buyer can be the lost one, newest
    // first, so the first page holds it however long the history is.
    let listed: Result<Vec<Listed>, ApiError> = match item.kind {
        ItemKind::OneTime { .. } => {
            let query = DirectChargeQuery {
                status: Some(DirectChargeStatus::Pending),
                ..Default::default()
            };
            client
                .list_direct_charges(token, &query)
                .await
                .map(|charges| charges.into_iter().map(Listed::from).collect())
        }
        ItemKind::Subscription { .. } => {
            let query = RecurrentChargeQuery {
                status: Some(RecurrentChargeStatus::Pending),
                ..Default::default()
            };
            client
                .list_recurrent_charges(token, &query)
                .await
                .map(|charges| charges.into_iter().map(Listed::from).collect())
        }
    };
    // Charges are stamped by the server's clock: a device clock that runs
    // fast must not hide the charge the lost request made.
    let sent_at_server = clock.get().map_or(sent_at, |server| server.now_ms(sent_at));
    let found = listed.map(|listed| {
        let seen: Vec<SeenCharge> = listed.iter().map(Listed::seen).collect();
        reconcile_lost_create(&seen, &item.name, item.price, sent_at_server).and_then(|id| {
            listed
                .iter()
                .find(|charge| charge.id == id)
                .map(|charge| charge.confirmation_url.clone())
        })
    });
    match found {
        Ok(Some(url)) => match services.check_confirmation_url(&url) {
            Ok(url) => BuyProblem::Recovered(url.to_string()),
            Err(unsafe_url) => BuyProblem::UnsafeConfirmation(unsafe_url.message_in(locale())),
        },
        Ok(None) => BuyProblem::NotCreated(error),
        Err(_) => BuyProblem::Unknown { error, sent_at },
    }
}

/// A purchase handed to the Agent App's own payment window.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPayment {
    Waiting,
    Declined,
    Failed(String),
}

impl HostPayment {
    fn name(&self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Declined => "declined",
            Self::Failed(_) => "failed",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::Waiting => t().host_waiting.to_owned(),
            Self::Declined => t().host_declined.to_owned(),
            Self::Failed(error) => (t().host_failed)(error),
        }
    }
}

/// The Agent App's payment window's description of `item`.
fn payment_intent<'a>(
    item: &'a CatalogItem,
    quantity: u32,
    test: bool,
    icon: &'a str,
) -> PaymentIntent<'a> {
    let (per_account, terms) = match item.kind {
        ItemKind::OneTime { per_account, .. } => (per_account, IntentTerms::OneTime { quantity }),
        ItemKind::Subscription {
            months,
            trial_days,
            per_account,
        } => (
            per_account,
            IntentTerms::Subscription { months, trial_days },
        ),
    };
    PaymentIntent {
        name: &item.name,
        description: &item.description,
        price: item.price,
        per_account,
        test,
        terms,
        icon,
    }
}

/// Where the buyer confirms the charge.
enum Confirm<'a> {
    /// This window leaves for the confirmation page.
    Here,
    /// The popup opened by the click goes there.
    InPopup(&'a web_sys::Window),
    /// The popup was blocked: the page offers a link instead.
    ByLink,
}

/// Creates the charge, checks its confirmation address, and leaves for it
/// (`None`) or hands it to a popup or a link (`Some(address)`).
async fn create_and_confirm(
    services: &Services,
    token: &AccessToken,
    item: &CatalogItem,
    quantity: u32,
    confirm: Confirm<'_>,
) -> Result<Option<String>, BuyProblem> {
    let client = services.billing_client();
    let test = services.is_mock().then_some(true);
    let sent_at = device_now_ms();
    let classify = |error: ApiError| {
        if error.write_may_have_happened() {
            BuyProblem::Unknown { error, sent_at }
        } else if error.field_at_fault().as_deref() == Some("quantity") {
            // Shown at the quantity field, which is marked invalid.
            BuyProblem::Input(error.user_message_in(locale()))
        } else {
            BuyProblem::Api(error)
        }
    };
    let confirmation_url = match item.kind {
        ItemKind::OneTime { per_account, .. } => {
            let mut charge =
                NewDirectCharge::new(&item.name, item.price, quantity, &services.return_url);
            charge.per_account = per_account.then_some(true);
            charge.test = test;
            client
                .create_direct_charge(token, &charge)
                .await
                .map_err(classify)?
                .confirmation_url
        }
        ItemKind::Subscription {
            months,
            trial_days,
            per_account,
        } => {
            let mut charge = NewRecurrentCharge::new(&item.name, item.price, &services.return_url);
            charge.months = Some(months);
            charge.trial_days = (trial_days > 0).then_some(trial_days);
            charge.per_account = per_account.then_some(true);
            charge.test = test;
            client
                .create_recurrent_charge(token, &charge)
                .await
                .map_err(classify)?
                .confirmation_url
        }
    };
    let url = services
        .check_confirmation_url(&confirmation_url)
        .map_err(|e| BuyProblem::UnsafeConfirmation(e.message_in(locale())))?;
    match confirm {
        Confirm::Here => {
            dom::navigate_to(&url);
            Ok(None)
        }
        Confirm::InPopup(popup) => {
            popup::send_to(popup, &url);
            Ok(Some(url.to_string()))
        }
        Confirm::ByLink => Ok(Some(url.to_string())),
    }
}
