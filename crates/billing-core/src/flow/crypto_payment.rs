//! One crypto payment's page (`/crypto/:id`) as a state machine.
//!
//! The flow reads the Bidali charge, fetches the quote of the currency the
//! buyer picks (or the one the address names), and follows the charge on
//! the crypto [`POLL_CONFIG`] schedule until its status is final: paused
//! while the tab is hidden or offline, slowed down by 429, given up at the
//! deadline. Nothing here moves money: the buyer pays by sending coins.

use crate::api::bidali::BidaliCharge;
use crate::api::ApiError;
use crate::domain::crypto::{BidaliChargeId, Protocol, Quote, QuoteId};
use crate::domain::crypto_checkout::{verdict_in, TimeLeft, Verdict, POLL_CONFIG};
use crate::domain::locale::Locale;
use crate::domain::polling::{GiveUpReason, PollOutcome, PollSchedule};

use super::crypto_start::payment_path;
use super::poller::{Poller, Tick, Wait};
use super::{poll_outcome_of_error, Effect, Env, Machine, ShellAnswer, ShellEffect};

/// Where the chosen currency's quote stands.
#[derive(Debug, Clone, PartialEq)]
pub enum QuoteState {
    None,
    Loading(Protocol),
    Ready(Protocol, Quote),
    Failed(Protocol, ApiError),
}

/// The currency being paid in: the one chosen, else the one coins arrived
/// in (after a reload without `?pay=`).
pub fn paying(quote: &QuoteState, charge: Option<&BidaliCharge>) -> Option<Protocol> {
    match quote {
        QuoteState::Loading(p) | QuoteState::Ready(p, _) | QuoteState::Failed(p, _) => {
            Some(p.clone())
        }
        QuoteState::None => charge.and_then(BidaliCharge::first_paid_in).cloned(),
    }
}

/// The verdict on `charge` as it stands at `server_now_ms` by the server's
/// clock (the status may not say yet that the quote expired), for the
/// currency being paid in, worded in `locale`.
pub fn charge_verdict_in(
    charge: &BidaliCharge,
    paying: Option<&Protocol>,
    server_now_ms: i64,
    locale: Locale,
) -> Verdict {
    let progress = paying.and_then(|p| charge.progress(p));
    let ticker = paying.map(|p| charge.ticker(p)).unwrap_or_default();
    let expired = TimeLeft::until(charge.expires_at.unix_millis(), server_now_ms).is_expired();
    verdict_in(
        charge.status_code,
        progress.as_ref(),
        &ticker,
        expired,
        locale,
    )
}

/// What the status checks are doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Watch {
    /// Reading the charge for the first time.
    Loading,
    Checking,
    /// The server answered 429: the next check waits as long as it asked.
    SlowedDown {
        next_check_secs: u64,
    },
    /// The tab is hidden or offline: no checks until it is back.
    Paused,
    /// The status is final.
    Done,
    GaveUp(GiveUpReason),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Read`].
    GetCharge(BidaliChargeId),
    /// Answered with [`Event::QuoteRead`].
    GetQuote(Protocol, QuoteId),
}

// An event is moved once, from the answer to `update`: boxing the charge
// would cost an allocation per check for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// (Re)load the charge and follow it.
    Start,
    /// The buyer picks a currency.
    Choose(Protocol),
    /// Back to the list of currencies.
    Unchoose,
    /// Follow the charge again after the checks gave up.
    WatchAgain,
    Read(Result<BidaliCharge, ApiError>),
    QuoteRead(Protocol, Result<Quote, ApiError>),
    Woke,
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        Self::Unasked(answer)
    }
}

pub type CryptoEffect = Effect<Request, Event>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Idle,
    Loading,
    Waiting,
    Checking,
}

#[derive(Debug, Clone)]
pub struct CryptoPaymentFlow {
    id: BidaliChargeId,
    /// The currency the page's address asked for (`?pay=`).
    wanted: Option<Protocol>,
    charge: Option<BidaliCharge>,
    load_error: Option<ApiError>,
    quote: QuoteState,
    watch: Watch,
    step: Step,
    poller: Poller,
}

impl CryptoPaymentFlow {
    pub fn new(id: BidaliChargeId, wanted: Option<Protocol>) -> Self {
        Self {
            id,
            wanted,
            charge: None,
            load_error: None,
            quote: QuoteState::None,
            watch: Watch::Loading,
            step: Step::Idle,
            poller: Poller::default(),
        }
    }

    pub fn charge(&self) -> Option<&BidaliCharge> {
        self.charge.as_ref()
    }

    /// Why the charge could not be read (shown with a retry).
    pub fn load_error(&self) -> Option<&ApiError> {
        self.load_error.as_ref()
    }

    pub fn quote(&self) -> &QuoteState {
        &self.quote
    }

    pub fn watch(&self) -> Watch {
        self.watch
    }

    /// The quote of `protocol`, unless it is being fetched already.
    fn fetch_quote(&mut self, protocol: Protocol) -> Vec<CryptoEffect> {
        if matches!(self.quote, QuoteState::Loading(_)) {
            return Vec::new();
        }
        let Some(quote_id) = self
            .charge
            .as_ref()
            .and_then(|c| c.quote(protocol.as_str()))
            .map(|q| q.id.clone())
        else {
            return Vec::new();
        };
        self.quote = QuoteState::Loading(protocol.clone());
        // The address names the currency, so a reload shows it again.
        let address = payment_path(self.id.as_str(), Some(&protocol));
        vec![
            Effect::Send(Request::GetQuote(protocol, quote_id)),
            Effect::Shell(ShellEffect::ReplaceAddress(address)),
        ]
    }

    fn start_watching(&mut self, env: &Env) -> Vec<CryptoEffect> {
        let schedule = PollSchedule::new(POLL_CONFIG, env.now_ms)
            .unwrap_or_else(|_| PollSchedule::with_defaults(env.now_ms));
        let tick = self.poller.start(schedule);
        self.follow(tick)
    }

    fn follow(&mut self, tick: Tick) -> Vec<CryptoEffect> {
        match tick {
            Tick::Wait(wait) => {
                self.watch = match wait {
                    Wait::Next { .. } => Watch::Checking,
                    Wait::SlowedDown { ms } => Watch::SlowedDown {
                        next_check_secs: ms.div_ceil(1000),
                    },
                    Wait::Paused => Watch::Paused,
                };
                self.step = Step::Waiting;
                vec![Effect::After {
                    ms: wait.ms(),
                    then: Event::Woke,
                }]
            }
            Tick::Check => {
                self.step = Step::Checking;
                vec![self.get()]
            }
            Tick::Terminal => self.rest(Watch::Done),
            // Bidali's keys are the seller's, not the buyer's sign-in: a new
            // sign-in would not help.
            Tick::ReAuthenticate => self.rest(Watch::GaveUp(GiveUpReason::NotAuthorized)),
            Tick::GiveUp(reason) => self.rest(Watch::GaveUp(reason)),
        }
    }

    fn rest(&mut self, watch: Watch) -> Vec<CryptoEffect> {
        self.watch = watch;
        self.step = Step::Idle;
        Vec::new()
    }

    fn get(&self) -> CryptoEffect {
        Effect::Send(Request::GetCharge(self.id.clone()))
    }
}

impl Machine for CryptoPaymentFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, env: &Env) -> Vec<CryptoEffect> {
        match (self.step, event) {
            (_, Event::Start) => {
                self.load_error = None;
                self.watch = Watch::Loading;
                self.step = Step::Loading;
                vec![self.get()]
            }
            (Step::Loading, Event::Read(Ok(charge))) => {
                let open = charge.status_code.should_poll();
                let wanted = self
                    .wanted
                    .take()
                    .filter(|p| charge.quote(p.as_str()).is_some());
                self.charge = Some(charge);
                let mut effects = match wanted {
                    Some(protocol) => self.fetch_quote(protocol),
                    None => Vec::new(),
                };
                effects.extend(if open {
                    self.start_watching(env)
                } else {
                    self.rest(Watch::Done)
                });
                effects
            }
            (Step::Loading, Event::Read(Err(error))) => {
                self.load_error = Some(error);
                self.rest(Watch::Loading)
            }

            (_, Event::Choose(protocol)) => self.fetch_quote(protocol),
            (_, Event::Unchoose) => {
                if !matches!(self.quote, QuoteState::Loading(_)) {
                    self.quote = QuoteState::None;
                }
                Vec::new()
            }
            (_, Event::QuoteRead(protocol, answer)) => {
                if self.quote == QuoteState::Loading(protocol.clone()) {
                    self.quote = match answer {
                        Ok(quote) => QuoteState::Ready(protocol, quote),
                        Err(error) => QuoteState::Failed(protocol, error),
                    };
                }
                Vec::new()
            }

            (Step::Idle, Event::WatchAgain) if matches!(self.watch, Watch::GaveUp(_)) => {
                self.start_watching(env)
            }

            (Step::Waiting, Event::Woke) => {
                let tick = self.poller.woke(env);
                self.follow(tick)
            }
            (Step::Checking, Event::Read(answer)) => {
                let outcome = match answer {
                    Ok(charge) => {
                        let terminal = charge.status_code.is_terminal();
                        self.charge = Some(charge);
                        if terminal {
                            PollOutcome::Terminal
                        } else {
                            PollOutcome::Pending
                        }
                    }
                    Err(error) => poll_outcome_of_error(&error),
                };
                let tick = self.poller.answered(outcome, env);
                self.follow(tick)
            }

            // Late, repeated or out-of-place answers change nothing.
            _ => Vec::new(),
        }
    }
}
