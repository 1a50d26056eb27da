//! Opening a Bidali charge, from the start form (`/crypto`) or as a new
//! quote on the payment page, as a state machine.
//!
//! The flow creates the charge, keeps what its page needs in this tab (the
//! server's clock, for servers whose `Date` a page cannot read, and the
//! charge as the one to resume) and goes to its page. Creating a Bidali
//! charge moves no money (the buyer pays by sending coins), so a failed
//! create may simply be tried again; one click still sends one request.

use crate::api::bidali::{BidaliCharge, CustomerRef, NewBidaliCharge};
use crate::api::ApiError;
use crate::domain::crypto::Protocol;
use crate::domain::crypto_checkout::ServerClock;

use super::{Effect, Env, Machine, Place, ShellAnswer, ShellEffect};

/// The start page's route.
pub const START_PATH: &str = "/crypto";
/// sessionStorage: the charge this tab last started, to resume it.
pub const LAST_CHARGE_KEY: &str = "billing-widget.crypto.last";
/// sessionStorage: the server clock offset learnt when the charge was
/// created, for servers whose `Date` a page cannot read.
pub const CLOCK_KEY: &str = "billing-widget.crypto.clock-offset";

/// A charge's payment page, paying in `pay` when given.
pub fn payment_path(id: &str, pay: Option<&Protocol>) -> String {
    match pay {
        Some(protocol) => format!("{START_PATH}/{id}?pay={protocol}"),
        None => format!("{START_PATH}/{id}"),
    }
}

/// A new quote for `old`: the same purchase as a new charge, at today's
/// rate (the same amount, currency, description, metadata and customer).
pub fn requote_of(old: &BidaliCharge) -> NewBidaliCharge {
    let mut charge = NewBidaliCharge::new(old.amount, old.currency.clone());
    charge.description = old.description.clone();
    charge.metadata = old.metadata.clone();
    charge.customer = old.customer.as_ref().map(|c| CustomerRef::Id(c.id.clone()));
    charge
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Created`].
    Create(NewBidaliCharge),
}

/// A created charge, with what the shell saw of the clocks around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub charge: BidaliCharge,
    /// Device time the request left and the answer arrived.
    pub sent_ms: i64,
    pub received_ms: i64,
    /// The server's clock, when the answer's `Date` told it.
    pub server_clock: Option<ServerClock>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The buyer asks for the charge; its page pays in `pay` when given.
    Open {
        charge: NewBidaliCharge,
        pay: Option<Protocol>,
    },
    Created(Result<Box<Created>, ApiError>),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        Self::Unasked(answer)
    }
}

pub type OpenEffect = Effect<Request, Event>;

#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    Idle,
    Creating,
    /// Created: on the way to its page.
    Opened,
    /// The create failed; a new click tries again.
    Failed(ApiError),
}

#[derive(Debug, Clone)]
pub struct OpenChargeFlow {
    opening: Opening,
    pay: Option<Protocol>,
}

impl Default for OpenChargeFlow {
    fn default() -> Self {
        Self {
            opening: Opening::Idle,
            pay: None,
        }
    }
}

impl OpenChargeFlow {
    pub fn opening(&self) -> &Opening {
        &self.opening
    }

    /// A click would do nothing now.
    pub fn is_busy(&self) -> bool {
        matches!(self.opening, Opening::Creating | Opening::Opened)
    }
}

impl Machine for OpenChargeFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, _env: &Env) -> Vec<OpenEffect> {
        match event {
            Event::Open { charge, pay } if !self.is_busy() => {
                self.opening = Opening::Creating;
                self.pay = pay;
                vec![Effect::Send(Request::Create(charge))]
            }
            Event::Created(answer) if self.opening == Opening::Creating => match answer {
                Ok(created) => {
                    let Created {
                        charge,
                        sent_ms,
                        received_ms,
                        server_clock,
                    } = *created;
                    // No readable `Date`: the charge's own stamp, made while
                    // the request was in flight, tells the server's time.
                    let clock = server_clock.unwrap_or_else(|| {
                        ServerClock::from_sample(
                            charge.created_at.unix_millis(),
                            sent_ms,
                            received_ms,
                        )
                    });
                    self.opening = Opening::Opened;
                    let id = charge.id.as_str();
                    vec![
                        Effect::Shell(ShellEffect::Remember {
                            place: Place::Tab,
                            key: CLOCK_KEY,
                            value: clock.offset_ms().to_string(),
                        }),
                        Effect::Shell(ShellEffect::Remember {
                            place: Place::Tab,
                            key: LAST_CHARGE_KEY,
                            value: id.to_owned(),
                        }),
                        Effect::Shell(ShellEffect::Navigate(payment_path(id, self.pay.as_ref()))),
                    ]
                }
                Err(error) => {
                    self.opening = Opening::Failed(error);
                    Vec::new()
                }
            },
            // A second click while creating, or a late answer.
            _ => Vec::new(),
        }
    }
}
