//! Cancelling a subscription from its detail page, as a state machine.
//!
//! The buyer opens the dialog ([`Event::Open`]), which says what cancelling
//! now gives back ([`refund_outlook`], worked out at that moment since it
//! depends on the time left), and confirms ([`Event::Confirm`]): one cancel
//! request, however often the button is pressed while it is in flight.
//!
//! Cancelling moves no money towards the seller, so a failed request may be
//! tried again: a cancel that did happen although its answer was lost is
//! refused the second time with 409, which reads as "changed meanwhile"
//! and reloads the subscription, showing it cancelled.

use crate::api::livechat::RecurrentCharge;
use crate::api::{ApiError, Timestamp};
use crate::domain::charge::{RecurrentChargeId, RecurrentChargeStatus};
use crate::domain::checkout::{in_trial, refund_estimate};
use crate::domain::money::Cents;

use super::{Effect, Env, Machine, ShellAnswer, ShellEffect};

/// What the cancel dialog can promise about money coming back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOutlook {
    /// About `amount` for the `days_left` days left in the paid period.
    About { amount: Cents, days_left: u64 },
    /// The paid period is used up: nothing comes back.
    NothingLeft,
    /// A free trial was never charged.
    FreeTrial,
    /// The current period was never collected (past due, frozen).
    NotCollected,
    /// No paid period the widget can see (dates missing): no promise.
    NoPaidPeriod,
}

/// Milliseconds since the epoch, for the date rules (`None` before 1970).
fn millis(timestamp: Option<&Timestamp>) -> Option<u64> {
    timestamp.and_then(|t| u64::try_from(t.unix_millis()).ok())
}

/// Whether `charge` is in its free trial at `now_ms`.
pub fn subscription_in_trial(charge: &RecurrentCharge, now_ms: u64) -> bool {
    in_trial(
        &charge.status,
        millis(charge.trial_ends_at.as_ref()),
        now_ms,
    )
}

/// What cancelling `charge` at `now_ms` would give back, as the gateway
/// computes it for the current period.
pub fn refund_outlook(charge: &RecurrentCharge, now_ms: u64) -> RefundOutlook {
    let estimate = refund_estimate(
        &charge.status,
        charge.price,
        millis(charge.current_charge_at.as_ref()),
        millis(charge.next_charge_at.as_ref()),
        millis(charge.trial_ends_at.as_ref()),
        now_ms,
    );
    match estimate {
        Some(estimate) if estimate.amount.get() > 0 && estimate.days_left > 0 => {
            RefundOutlook::About {
                amount: estimate.amount,
                days_left: estimate.days_left,
            }
        }
        Some(_) => RefundOutlook::NothingLeft,
        None if subscription_in_trial(charge, now_ms) => RefundOutlook::FreeTrial,
        None if matches!(
            charge.status,
            RecurrentChargeStatus::PastDue | RecurrentChargeStatus::Frozen
        ) =>
        {
            RefundOutlook::NotCollected
        }
        None => RefundOutlook::NoPaidPeriod,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Answered`].
    Cancel(RecurrentChargeId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The buyer opens the dialog for `charge`.
    Open(Box<RecurrentCharge>),
    /// The buyer confirms the cancel.
    Confirm,
    /// The buyer keeps the subscription (the dialog was closed).
    Keep,
    Answered(Result<Box<RecurrentCharge>, ApiError>),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        Self::Unasked(answer)
    }
}

pub type CancelEffect = Effect<Request, Event>;

#[derive(Debug, Clone, PartialEq)]
pub enum CancelPhase {
    /// No dialog, nothing to say.
    Idle,
    /// The dialog asks; `failed` is the last attempt's error, shown in it
    /// with a retry.
    Asking {
        id: RecurrentChargeId,
        refund: RefundOutlook,
        failed: Option<ApiError>,
    },
    /// The request is in flight: the dialog stays and cannot be closed.
    Cancelling {
        id: RecurrentChargeId,
        refund: RefundOutlook,
    },
    /// Done: the subscription as the server now has it.
    Cancelled(Box<RecurrentCharge>),
    /// 409: something changed the subscription first; reload it.
    ChangedMeanwhile,
}

/// One subscription page's cancel dialog.
#[derive(Debug, Clone)]
pub struct CancelFlow {
    phase: CancelPhase,
}

impl Default for CancelFlow {
    fn default() -> Self {
        Self {
            phase: CancelPhase::Idle,
        }
    }
}

impl CancelFlow {
    pub fn phase(&self) -> &CancelPhase {
        &self.phase
    }

    /// The dialog is (or should be) open.
    pub fn is_asking(&self) -> bool {
        matches!(
            self.phase,
            CancelPhase::Asking { .. } | CancelPhase::Cancelling { .. }
        )
    }

    /// A request is in flight: nothing may close the dialog or send again.
    pub fn is_cancelling(&self) -> bool {
        matches!(self.phase, CancelPhase::Cancelling { .. })
    }
}

impl Machine for CancelFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, env: &Env) -> Vec<CancelEffect> {
        match event {
            Event::Open(charge) if !self.is_cancelling() => {
                self.phase = if charge.status.can_cancel() {
                    CancelPhase::Asking {
                        id: charge.id.clone(),
                        refund: refund_outlook(&charge, env.now_ms),
                        failed: None,
                    }
                } else {
                    CancelPhase::Idle
                };
                Vec::new()
            }
            // Only an open, idle dialog closes: the dialog also closes
            // itself once the cancel is done, and what it led to stays.
            Event::Keep if matches!(self.phase, CancelPhase::Asking { .. }) => {
                self.phase = CancelPhase::Idle;
                Vec::new()
            }
            Event::Confirm => match &self.phase {
                CancelPhase::Asking { id, refund, .. } => {
                    let id = id.clone();
                    self.phase = CancelPhase::Cancelling {
                        id: id.clone(),
                        refund: *refund,
                    };
                    vec![Effect::Send(Request::Cancel(id))]
                }
                _ => Vec::new(),
            },
            Event::Answered(answer) => {
                let CancelPhase::Cancelling { id, refund } = &self.phase else {
                    return Vec::new();
                };
                match answer {
                    Ok(charge) => {
                        self.phase = CancelPhase::Cancelled(charge);
                        Vec::new()
                    }
                    Err(error) if error.status() == Some(409) => {
                        self.phase = CancelPhase::ChangedMeanwhile;
                        Vec::new()
                    }
                    Err(error) => {
                        let sign_in_again = error.status() == Some(401);
                        self.phase = CancelPhase::Asking {
                            id: id.clone(),
                            refund: *refund,
                            failed: Some(error),
                        };
                        if sign_in_again {
                            vec![Effect::Shell(ShellEffect::SignInAgain)]
                        } else {
                            Vec::new()
                        }
                    }
                }
            }
            Event::Open(_) | Event::Keep | Event::Unasked(_) => Vec::new(),
        }
    }
}
