//! Buying from the catalog. The rules (one create per click, a lost
//! answer reconciled before anything is offered, the allow-list, the window
//! inside a frame) are [`crate::flow::purchase`]'s; this is the buy area
//! that shows the flow and sends it the buyer's clicks. The way back is
//! `return_page`.

use crate::api::Service;
use leptos::prelude::*;

use std::rc::Rc;

use super::auth::{here, Auth, SignIn, SignInStatus};
use super::components::{set_if_changed, ErrorNotice};
use super::embedding::Host;
use super::lazy_pages::ChunkLoadError;
use super::services::Services;
use crate::api::ApiError;
use crate::config::{CatalogItem, ItemKind};
use crate::domain::agent_app::HostEvent;
use crate::domain::checkout::{IntentTerms, PaymentIntent};
use crate::flow::purchase::{
    self, parse_quantity, Event, Phase, Problem, Product, PurchaseFlow, QuantityError, Shop, Terms,
    MAX_QUANTITY,
};
use crate::i18n::{locale, t};
use crate::web::runner::{Drive, Hooks, Runner, SendRequest};
use crate::web::server_clock::SampledClock;
use crate::web::{dom, flow_requests, tab_memory};

pub use super::return_page::ChargeReturn;

/// Words a quantity the form refuses.
fn quantity_message(error: QuantityError) -> String {
    match error {
        QuantityError::OutOfRange { max } => (t().quantity_range)(max),
        QuantityError::NotWhole => t().quantity_whole.to_owned(),
    }
}

/// Where the quantity typed for catalog item `id` is kept in this tab.
/// The flow's view of a catalog item.
fn product_of(item: &CatalogItem) -> Product {
    let terms = match item.kind {
        ItemKind::OneTime { per_account, .. } => Terms::OneTime { per_account },
        ItemKind::Subscription {
            months,
            trial_days,
            per_account,
        } => Terms::Subscription {
            months,
            trial_days,
            per_account,
        },
    };
    Product {
        name: item.name.clone(),
        price: item.price,
        terms,
    }
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
    let item_id = item.id.clone();
    let quantity = RwSignal::new(
        tab_memory::typed_quantity(&item_id)
            .filter(|typed| asks_quantity && parse_quantity(typed).is_ok())
            .unwrap_or_else(|| default_quantity.to_string()),
    );
    // What the form itself refused (nothing was sent).
    let field_problem = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Ready);
    // Fetching the buying code counts as busy: a second click waits too.
    let loading = RwSignal::new(false);
    let busy = move || loading.get() || phase.with(Phase::is_busy);
    let item = StoredValue::new(item);
    let is_subscription = item.with_value(|i| matches!(i.kind, ItemKind::Subscription { .. }));
    let field_id = item.with_value(|i| format!("quantity-{}", i.id));

    let test_mode = services.is_mock();
    let shop = Shop {
        return_url: services.return_url.clone(),
        test: test_mode,
        confirmation: services.confirmation.clone(),
        framed: dom::is_framed(),
    };
    let flow = PurchaseFlow::new(item.with_value(product_of), shop);
    let purchase = Purchase::new(flow, phase, loading, services.clone(), auth);
    // The quantity to buy, or `None` with the reason shown at the field.
    let chosen_quantity = move || {
        if !asks_quantity {
            return Some(default_quantity);
        }
        match parse_quantity(&quantity.get_untracked()) {
            Ok(chosen) => Some(chosen),
            Err(error) => {
                field_problem.set(Some(quantity_message(error)));
                None
            }
        }
    };
    let buy = move || {
        if purchase.is_loading() {
            return;
        }
        if auth.current().is_none() {
            // The token ran out since the page showed the button.
            auth.reject();
            return;
        }
        field_problem.set(None);
        let event = if phase.with_untracked(Phase::next_click_looks_again) {
            Event::LookAgain
        } else {
            let Some(quantity) = chosen_quantity() else {
                return;
            };
            Event::Buy { quantity }
        };
        purchase.dispatch(event);
    };
    let retry = Callback::new(move |_: ()| buy());
    let continue_to_payment = Callback::new(move |_: ()| purchase.dispatch(Event::Continue));

    let signed_in = move || matches!(auth.status(), SignInStatus::SignedIn(_));
    let sign_in_flow = SignIn::new(services.clone());
    let sign_in = move |_| sign_in_flow.start(here());
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
        if busy() || in_host.get_untracked() == Some(HostPayment::Waiting) {
            return;
        }
        let Some(quantity) = chosen_quantity() else {
            return;
        };
        field_problem.set(None);
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
    // What is wrong with the quantity typed: marks the field invalid.
    let quantity_error = move || {
        field_problem.get().or_else(|| {
            phase.with(|phase| match phase {
                // The server refused the quantity: shown at its field.
                Phase::Problem(Problem::Quantity(error)) => Some(error.user_message_in(locale())),
                _ => None,
            })
        })
    };
    // Shown under the field: the quantity's problem, or why signing in to
    // buy did not start.
    let input_error = move || quantity_error().or_else(|| sign_in_flow.problem());
    let problem = move || match phase.get() {
        Phase::Problem(Problem::Quantity(_)) => None,
        Phase::Problem(problem) => Some(problem),
        _ => None,
    };
    let away = move || match phase.get() {
        Phase::Away { url, window_opened } => Some((url, window_opened)),
        _ => None,
    };

    view! {
        <form
            class="buy-panel"
            data-testid="buy-panel"
            novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                buy();
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
                        aria-invalid=move || quantity_error().is_some().to_string()
                        prop:value=move || quantity.get()
                        on:input=move |ev| {
                            let typed = event_target_value(&ev);
                            tab_memory::keep_typed_quantity(&item_id, &typed);
                            quantity.set(typed);
                        }
                    />
                </label>
            })}
            <Show
                when=signed_in
                fallback=move || view! {
                    <button type="button" class="button-secondary" data-testid="sign-in-to-buy"
                        disabled=move || sign_in_flow.is_busy() on:click=sign_in>
                        {sign_in_label}
                    </button>
                }
            >
                <button
                    type="submit"
                    class="button-primary"
                    data-testid="buy"
                    disabled=busy
                    aria-busy=move || busy().to_string()
                >
                    {move || if busy() { m.creating_charge } else { action_label }}
                </button>
                {move || host_connected().then(|| view! {
                    <button
                        type="button"
                        class="button-secondary"
                        data-testid="buy-in-host"
                        disabled=move || busy() || in_host.get() == Some(HostPayment::Waiting)
                        on:click=pay_in_host
                    >
                        {m.pay_in_livechat}
                    </button>
                })}
            </Show>
            <div aria-live="polite">
                {move || input_error().map(|message| view! {
                    <p class="field-error" role="alert" data-testid="buy-input-error">{message}</p>
                })}
                {move || problem().map(|problem| view! {
                    <BuyProblemView problem retry continue_to_payment/>
                })}
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
                {move || away().map(|(url, opened)| view! {
                    <div class="notice" role="status" data-testid="buy-in-popup">
                        <p>
                            {if opened { m.confirm_in_window } else { m.window_blocked }}
                        </p>
                        <a href=url.to_string() target="_blank" rel="opener" data-testid="buy-open-confirmation">
                            {m.open_payment_page}
                        </a>
                    </div>
                })}
            </div>
        </form>
    }
}

#[component]
fn BuyProblemView(
    problem: Problem,
    retry: Callback<()>,
    continue_to_payment: Callback<()>,
) -> impl IntoView {
    let m = t();
    match problem {
        Problem::Refused {
            error,
            retry_is_safe: true,
        } => view! { <ErrorNotice error retry testid="buy-error"/> }.into_any(),
        Problem::Refused { error, .. } | Problem::Quantity(error) => {
            view! { <ErrorNotice error testid="buy-error"/> }.into_any()
        }
        Problem::Unknown(error) => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-unknown">
                <p>{error.user_message_in(locale())}</p>
                <p>
                    {m.maybe_created}
                    <a href="/charges">{m.check_your_charges}</a>
                    {m.maybe_created_end}
                </p>
            </div>
        }
        .into_any(),
        Problem::Recovered(_) => view! {
            <div class="notice" role="alert" data-testid="buy-recovered">
                <p>
                    {m.created_despite_drop_1}
                    {m.created_despite_drop_2}
                </p>
                <button
                    type="button"
                    class="button-primary"
                    data-testid="buy-continue"
                    on:click=move |_| continue_to_payment.run(())
                >
                    {m.continue_to_payment}
                </button>
            </div>
        }
        .into_any(),
        Problem::NotCreated(error) => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-not-created">
                <p>{error.user_message_in(locale())}</p>
                <p>{m.nothing_created}</p>
                <button type="button" class="button-secondary" data-testid="buy-try-again" on:click=move |_| retry.run(())>
                    {m.try_again}
                </button>
            </div>
        }
        .into_any(),
        Problem::NotLoaded => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-not-loaded">
                <p>{m.page_load_failed_body}</p>
                <button type="button" class="button-secondary" data-testid="buy-try-again" on:click=move |_| retry.run(())>
                    {m.try_again}
                </button>
            </div>
        }
        .into_any(),
        Problem::UnsafeConfirmation(reason) => view! {
            <div class="notice notice-error" role="alert" data-testid="buy-unsafe-confirmation">
                <p>{(m.unsafe_confirmation)(&reason.message_in(locale()))}</p>
            </div>
        }
        .into_any(),
    }
}

/// The buy area's flow. Its runner and requests are made by the buying
/// code, which with the `split` feature is a wasm chunk of its own: the
/// shop shows without it, and it is fetched when the shop is idle
/// ([`prefetch_buy_flow`]) or by the first click.
#[derive(Clone, Copy)]
struct Purchase {
    /// The flow until the first click starts it.
    waiting: StoredValue<Option<PurchaseFlow>, LocalStorage>,
    driver: StoredValue<Option<Driver>, LocalStorage>,
    phase: RwSignal<Phase>,
    loading: RwSignal<bool>,
    services: StoredValue<Services>,
    auth: Auth,
}

impl Purchase {
    fn new(
        flow: PurchaseFlow,
        phase: RwSignal<Phase>,
        loading: RwSignal<bool>,
        services: Services,
        auth: Auth,
    ) -> Self {
        let purchase = Self {
            waiting: StoredValue::new_local(Some(flow)),
            driver: StoredValue::new_local(None),
            phase,
            loading,
            services: StoredValue::new(services),
            auth,
        };
        on_cleanup(move || {
            if let Some(Some(driver)) = purchase.driver.try_get_value() {
                driver.stop();
            }
        });
        purchase
    }

    fn is_loading(&self) -> bool {
        self.loading.get_untracked()
    }

    /// Hands `event` to the flow, fetching the buying code first when it
    /// has not arrived yet. Its code not arriving sends nothing.
    fn dispatch(self, event: Event) {
        if let Some(driver) = self.driver.get_value() {
            driver.dispatch(event);
            return;
        }
        self.loading.set(true);
        leptos::task::spawn_local(async move {
            let code = buy_code().await;
            self.loading.try_set(false);
            let Ok(code) = code else {
                self.phase.try_set(Phase::Problem(Problem::NotLoaded));
                return;
            };
            // The page may have gone while the code was fetched.
            let Some(Some(flow)) = self.waiting.try_update_value(Option::take) else {
                return;
            };
            let Some(services) = self.services.try_get_value() else {
                return;
            };
            let phase = self.phase;
            let auth = self.auth;
            let hooks = Hooks {
                changed: Box::new(move |flow: &PurchaseFlow| {
                    set_if_changed(phase, flow.phase().clone());
                }),
                sign_in_again: Box::new(move || auth.reject()),
                navigate: None,
            };
            let driver = (code.start)(flow, hooks, services, auth);
            self.driver.try_set_value(Some(Rc::clone(&driver)));
            driver.dispatch(event);
        });
    }
}

/// A started purchase flow.
type Driver = Rc<dyn Drive<Event>>;

/// The buying code.
#[derive(Clone, Copy)]
struct BuyCode {
    start: fn(PurchaseFlow, Hooks<PurchaseFlow>, Services, Auth) -> Driver,
}

const BUY_CODE: BuyCode = BuyCode {
    start: |flow, hooks, services, auth| {
        let runner = Runner::new(flow, hooks);
        runner.send_with(purchase_requests(services, auth));
        Rc::new(runner)
    },
};

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(buy, wasm_split_path = ::leptos::wasm_split, fallible)]
fn buy_code() -> Result<BuyCode, ChunkLoadError> {
    Ok(BUY_CODE)
}

#[cfg(not(feature = "split"))]
async fn buy_code() -> Result<BuyCode, ChunkLoadError> {
    Ok(BUY_CODE)
}

/// The purchase's requests, signed with the token current when each is
/// sent, learning the server's clock as they go.
fn purchase_requests(services: Services, auth: Auth) -> SendRequest<PurchaseFlow> {
    let clock = SampledClock::default();
    let client = Rc::new(services.billing_client_sampling(clock.clone()));
    Rc::new(move |request| {
        let Some(token) = auth.current() else {
            let refused = ApiError::Http {
                service: Service::Billing,
                status: 401,
                body: None,
                snippet: None,
                retry_after_secs: None,
            };
            return Box::pin(std::future::ready(purchase::unsent(&request, refused)));
        };
        Box::pin(flow_requests::purchase(
            Rc::clone(&client),
            clock.clone(),
            token,
            request,
        ))
    })
}

/// Fetches the buying code in the background, so the first click on Buy
/// does not wait for it. A failure is retried by the click.
pub fn prefetch_buy_flow() {
    leptos::task::spawn_local(async {
        let _ = buy_code().await;
    });
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
