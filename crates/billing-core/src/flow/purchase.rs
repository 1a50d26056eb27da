//! Buying one catalog item as a state machine: one create request per
//! click, then off to LiveChat's confirmation page, but only if its address
//! is on the allow-list. The way back is [`super::charge_return`].
//!
//! Never two charges for one purchase: while a create is in flight a click
//! does nothing; when its answer is lost (the request may have done its
//! work) the flow looks for the charge it may have made before it offers
//! anything, and while that stays unknown a click looks again instead of
//! creating. Only a refusal that came before any work (429, 503) offers a
//! plain retry.
//!
//! Inside a frame (the Agent App) confirmation pages refuse to be shown, so
//! a window is opened while the click still allows one, and sent to the
//! confirmation page once the charge exists.

use url::Url;

use crate::api::livechat::{DirectCharge, NewDirectCharge, NewRecurrentCharge, RecurrentCharge};
use crate::api::{ApiError, Service};
use crate::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::checkout::{reconcile_lost_create, SeenCharge};
use crate::domain::crypto_checkout::ServerClock;
use crate::domain::money::Cents;
use crate::domain::return_url::{ConfirmationPolicy, UnsafeUrlError};

use super::{Effect, Env, Machine, ShellAnswer, ShellEffect, WindowAnswer};

/// Highest quantity one purchase may ask for.
pub const MAX_QUANTITY: u32 = 100;

/// Why a typed quantity is not one the widget buys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    NotWhole,
    /// Outside 1 to [`MAX_QUANTITY`].
    OutOfRange {
        max: u32,
    },
}

/// Reads a quantity field: a whole number from 1 to [`MAX_QUANTITY`].
pub fn parse_quantity(raw: &str) -> Result<u32, QuantityError> {
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => Ok(n),
        Ok(_) => Err(QuantityError::OutOfRange { max: MAX_QUANTITY }),
        Err(_) => Err(QuantityError::NotWhole),
    }
}

/// Whether repeating a failed create cannot make a second charge: the
/// server answered and refused before any work (rate limited,
/// unavailable). A failure that may come after the work is reconciled
/// first instead ([`ApiError::write_may_have_happened`]).
pub fn create_retry_is_safe(error: &ApiError) -> bool {
    matches!(error.status(), Some(429 | 503))
}

/// What is sold, as the catalog describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub name: String,
    /// Per unit (one-time) or per billing period (subscription).
    pub price: Cents,
    pub terms: Terms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terms {
    /// A direct charge. Per account, the quantity is the number of
    /// accounts paid for.
    OneTime { per_account: bool },
    /// A recurrent charge.
    Subscription {
        months: u32,
        trial_days: u32,
        per_account: bool,
    },
}

impl Product {
    pub fn kind(&self) -> ChargeKind {
        match self.terms {
            Terms::OneTime { .. } => ChargeKind::Direct,
            Terms::Subscription { .. } => ChargeKind::Recurrent,
        }
    }
}

/// Where and how this widget sells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shop {
    /// Where LiveChat sends the buyer after the confirmation page.
    pub return_url: String,
    /// Test charges (the mock backend): nobody is billed.
    pub test: bool,
    pub confirmation: ConfirmationPolicy,
    /// The widget runs in a frame: confirmation pages open in a window.
    pub framed: bool,
}

/// A charge still waiting for the buyer, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCharge {
    pub id: String,
    pub name: String,
    pub price: Cents,
    /// Server time.
    pub created_at_ms: i64,
    pub confirmation_url: String,
}

impl PendingCharge {
    /// A listed direct charge, if it still waits for the buyer.
    pub fn of_direct(charge: DirectCharge) -> Option<Self> {
        (charge.status == DirectChargeStatus::Pending).then(|| Self {
            id: charge.id.to_string(),
            created_at_ms: charge.created_at.unix_millis(),
            name: charge.name,
            price: charge.price,
            confirmation_url: charge.confirmation_url,
        })
    }

    /// A listed subscription, if it still waits for the buyer.
    pub fn of_recurrent(charge: RecurrentCharge) -> Option<Self> {
        (charge.status == RecurrentChargeStatus::Pending).then(|| Self {
            id: charge.id.to_string(),
            created_at_ms: charge.created_at.unix_millis(),
            name: charge.name,
            price: charge.price,
            confirmation_url: charge.confirmation_url,
        })
    }
}

/// The answer to [`Request::ListPending`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCharges {
    /// Newest first.
    pub charges: Vec<PendingCharge>,
    /// The server's clock, when its answers told it.
    pub server_clock: Option<ServerClock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Created`].
    CreateDirect(NewDirectCharge),
    /// Answered with [`Event::Created`].
    CreateRecurrent(NewRecurrentCharge),
    /// The charges of this kind still waiting for the buyer, newest first;
    /// answered with [`Event::Listed`].
    ListPending(ChargeKind),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The buyer clicks Buy (the quantity counts for one-time items).
    Buy {
        quantity: u32,
    },
    /// The buyer asks again whether the lost create made a charge.
    LookAgain,
    /// The buyer goes on to the confirmation page of the charge found.
    Continue,
    /// The create's answer: the charge's confirmation address.
    Created(Result<String, ApiError>),
    Listed(Result<PendingCharges, ApiError>),
    Window(WindowAnswer),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        match answer {
            ShellAnswer::Window(answer) => Self::Window(answer),
            other => Self::Unasked(other),
        }
    }
}

/// The answer to a request that was never sent; `error` says why.
pub fn unsent(request: &Request, error: ApiError) -> Event {
    match request {
        Request::CreateDirect(_) | Request::CreateRecurrent(_) => Event::Created(Err(error)),
        Request::ListPending(_) => Event::Listed(Err(error)),
    }
}

pub type PurchaseEffect = Effect<Request, Event>;

/// Why a purchase did not leave for the confirmation page.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The server refused the quantity (shown at its field).
    Quantity(ApiError),
    /// The server refused; `retry_is_safe` when it did so before any work.
    Refused {
        error: ApiError,
        retry_is_safe: bool,
    },
    /// The answer never came or was unreadable, and looking for the charge
    /// failed too: it may exist. A click looks again.
    Unknown(ApiError),
    /// The answer never came, but the charge was found waiting for the
    /// buyer.
    Recovered(Url),
    /// The answer never came and no charge of this purchase waits for the
    /// buyer: trying again is safe.
    NotCreated(ApiError),
    /// The server's confirmation address is not one the widget follows.
    UnsafeConfirmation(UnsafeUrlError),
    /// The code that creates charges could not be fetched; nothing was sent
    /// (set by the page, which had no flow to ask).
    NotLoaded,
}

/// What the buy area shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Ready,
    Creating,
    /// The create's answer was lost: looking for the charge it may have made.
    LookingForLost,
    /// This page is leaving for the confirmation page.
    Leaving,
    /// The confirmation page is open in another window, or (the window was
    /// blocked) behind a link.
    Away {
        url: Url,
        window_opened: bool,
    },
    Problem(Problem),
}

impl Phase {
    /// A click would do nothing now.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Creating | Self::LookingForLost | Self::Leaving)
    }

    /// The next click looks for a lost charge instead of creating one.
    pub fn next_click_looks_again(&self) -> bool {
        matches!(self, Self::Problem(Problem::Unknown(_)))
    }
}

/// The window a click opened for the confirmation page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    /// Not framed: this page goes there itself.
    NotNeeded,
    Opening,
    Opened,
    Blocked,
}

#[derive(Debug, Clone)]
pub struct PurchaseFlow {
    product: Product,
    shop: Shop,
    phase: Phase,
    window: Window,
    /// Device time the last create was sent, for finding its charge.
    sent_at_ms: i64,
    /// The error that left the last create's outcome open.
    lost: Option<ApiError>,
}

impl PurchaseFlow {
    pub fn new(product: Product, shop: Shop) -> Self {
        Self {
            product,
            shop,
            phase: Phase::Ready,
            window: Window::NotNeeded,
            sent_at_ms: 0,
            lost: None,
        }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    fn create(&self, quantity: u32) -> Request {
        let Product { name, price, terms } = &self.product;
        let test = self.shop.test.then_some(true);
        match *terms {
            Terms::OneTime { per_account } => {
                let mut charge =
                    NewDirectCharge::new(name, *price, quantity, &self.shop.return_url);
                charge.per_account = per_account.then_some(true);
                charge.test = test;
                Request::CreateDirect(charge)
            }
            Terms::Subscription {
                months,
                trial_days,
                per_account,
            } => {
                let mut charge = NewRecurrentCharge::new(name, *price, &self.shop.return_url);
                charge.months = Some(months);
                charge.trial_days = (trial_days > 0).then_some(trial_days);
                charge.per_account = per_account.then_some(true);
                charge.test = test;
                Request::CreateRecurrent(charge)
            }
        }
    }

    fn look_for_lost(&mut self) -> Vec<PurchaseEffect> {
        self.phase = Phase::LookingForLost;
        vec![Effect::Send(Request::ListPending(self.product.kind()))]
    }

    /// Ends the attempt with `problem`, closing the window it opened.
    fn problem(&mut self, problem: Problem) -> Vec<PurchaseEffect> {
        self.phase = Phase::Problem(problem);
        self.close_window()
    }

    fn close_window(&mut self) -> Vec<PurchaseEffect> {
        let opened = matches!(self.window, Window::Opened | Window::Opening);
        self.window = Window::NotNeeded;
        if opened {
            vec![Effect::Shell(ShellEffect::CloseWindow)]
        } else {
            Vec::new()
        }
    }

    /// Sends the buyer to `url`: in the window the click opened, by a link
    /// when it was blocked, or this page itself.
    fn confirm_at(&mut self, url: Url) -> Vec<PurchaseEffect> {
        match self.window {
            Window::Opened | Window::Opening => {
                self.phase = Phase::Away {
                    url: url.clone(),
                    window_opened: true,
                };
                vec![Effect::Shell(ShellEffect::ShowInWindow(url))]
            }
            Window::Blocked => {
                self.phase = Phase::Away {
                    url,
                    window_opened: false,
                };
                Vec::new()
            }
            Window::NotNeeded => {
                self.phase = Phase::Leaving;
                vec![Effect::Shell(ShellEffect::Leave(url))]
            }
        }
    }

    fn created(&mut self, answer: Result<String, ApiError>) -> Vec<PurchaseEffect> {
        let error = match answer {
            Ok(raw) => {
                return match self.shop.confirmation.check(&raw) {
                    Ok(url) => self.confirm_at(url),
                    Err(unsafe_url) => self.problem(Problem::UnsafeConfirmation(unsafe_url)),
                };
            }
            Err(error) => error,
        };
        let mut effects = self.close_window();
        if error.status() == Some(401) {
            effects.push(Effect::Shell(ShellEffect::SignInAgain));
        }
        if error.write_may_have_happened() {
            // Look before offering anything: a second charge must not come
            // from a lost answer.
            self.lost = Some(error);
            effects.extend(self.look_for_lost());
        } else if error.field_at_fault().as_deref() == Some("quantity") {
            self.phase = Phase::Problem(Problem::Quantity(error));
        } else {
            let retry_is_safe = create_retry_is_safe(&error);
            self.phase = Phase::Problem(Problem::Refused {
                error,
                retry_is_safe,
            });
        }
        effects
    }

    fn listed(&mut self, answer: Result<PendingCharges, ApiError>) -> Vec<PurchaseEffect> {
        let error = self.lost.clone().unwrap_or(ApiError::Timeout {
            service: Service::Billing,
        });
        let Ok(pending) = answer else {
            self.phase = Phase::Problem(Problem::Unknown(error));
            return Vec::new();
        };
        // Charges are stamped by the server's clock: a device clock that
        // runs fast must not hide the charge the lost request made.
        let sent_at_server = pending
            .server_clock
            .map_or(self.sent_at_ms, |clock| clock.now_ms(self.sent_at_ms));
        let seen: Vec<SeenCharge> = pending
            .charges
            .iter()
            .map(|c| SeenCharge {
                id: &c.id,
                name: &c.name,
                price: c.price,
                created_at_ms: c.created_at_ms,
                pending: true,
            })
            .collect();
        let found = reconcile_lost_create(
            &seen,
            &self.product.name,
            self.product.price,
            sent_at_server,
        )
        .and_then(|id| pending.charges.iter().find(|c| c.id == id));
        self.lost = None;
        self.phase = Phase::Problem(match found {
            None => Problem::NotCreated(error),
            Some(charge) => match self.shop.confirmation.check(&charge.confirmation_url) {
                Ok(url) => Problem::Recovered(url),
                Err(unsafe_url) => Problem::UnsafeConfirmation(unsafe_url),
            },
        });
        Vec::new()
    }
}

impl Machine for PurchaseFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, env: &Env) -> Vec<PurchaseEffect> {
        match event {
            _ if self.phase.is_busy() && !self.answers_now(&event) => Vec::new(),

            // While an earlier create's outcome is unknown, a click looks
            // for its charge again instead of making another.
            Event::Buy { .. } | Event::LookAgain if self.phase.next_click_looks_again() => {
                self.look_for_lost()
            }
            Event::Buy { quantity } => {
                self.sent_at_ms = i64::try_from(env.now_ms).unwrap_or(i64::MAX);
                self.lost = None;
                self.phase = Phase::Creating;
                let mut effects = Vec::new();
                if self.shop.framed {
                    // Opened now, while the click still counts.
                    self.window = Window::Opening;
                    effects.push(Effect::Shell(ShellEffect::OpenWindow { url: None }));
                } else {
                    self.window = Window::NotNeeded;
                }
                effects.push(Effect::Send(self.create(quantity)));
                effects
            }
            Event::Continue => {
                let Phase::Problem(Problem::Recovered(url)) = &self.phase else {
                    return Vec::new();
                };
                let url = url.clone();
                if self.shop.framed {
                    // A window at the page, opened while the click counts.
                    self.window = Window::Opening;
                    self.phase = Phase::Away {
                        url: url.clone(),
                        window_opened: true,
                    };
                    vec![Effect::Shell(ShellEffect::OpenWindow { url: Some(url) })]
                } else {
                    self.window = Window::NotNeeded;
                    self.confirm_at(url)
                }
            }

            Event::Window(answer) => self.window_answered(answer),
            Event::Created(answer) if self.phase == Phase::Creating => self.created(answer),
            Event::Listed(answer) if self.phase == Phase::LookingForLost => self.listed(answer),

            // Late, repeated or out-of-place answers change nothing.
            _ => Vec::new(),
        }
    }
}

impl PurchaseFlow {
    /// Answers are taken while busy; the buyer's clicks are not.
    fn answers_now(&self, event: &Event) -> bool {
        !matches!(
            event,
            Event::Buy { .. } | Event::LookAgain | Event::Continue
        )
    }

    fn window_answered(&mut self, answer: WindowAnswer) -> Vec<PurchaseEffect> {
        if self.window != Window::Opening {
            return Vec::new();
        }
        match answer {
            WindowAnswer::Opened => {
                self.window = Window::Opened;
                Vec::new()
            }
            WindowAnswer::Blocked => {
                self.window = Window::Blocked;
                match &self.phase {
                    // Continuing: the window was refused, so this page goes.
                    Phase::Away { url, .. } => {
                        let url = url.clone();
                        self.window = Window::NotNeeded;
                        self.confirm_at(url)
                    }
                    _ => Vec::new(),
                }
            }
        }
    }
}
