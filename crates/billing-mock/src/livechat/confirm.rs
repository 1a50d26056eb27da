//! The mock confirmation page: what it shows of a charge, and the buyer's
//! answer to a pending one.

use thiserror::Error;
use url::Url;

use super::advance;
use crate::{MockState, NowMs};
use billing_core::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use billing_core::domain::money::Cents;

/// Why the buyer's answer on the mock confirmation page was not taken.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfirmError {
    #[error("there is no charge with this id")]
    NotFound,
    #[error("the charge is {status}; only a pending charge can be confirmed")]
    NotPending { status: String },
    #[error("the charge's return address is not a valid URL")]
    InvalidReturnUrl,
}

/// What the confirmation page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeSummary {
    pub id: String,
    pub kind: ChargeKind,
    pub name: String,
    /// Of one unit (direct) or one period (recurrent).
    pub price: Cents,
    /// Accounts with `per_account`; always 1 for a plain subscription.
    pub quantity: u32,
    /// `price x quantity`, `None` on overflow.
    pub total: Option<Cents>,
    pub months: Option<u32>,
    pub trial_days: Option<u32>,
    pub per_account: bool,
    pub test: bool,
    /// The wire status (`pending`, ...).
    pub status: String,
}

/// A direct charge first, then a recurrent one, when the kind is not given
/// (the return URL may lack `type`).
fn locate(state: &MockState, id: &str, kind: Option<ChargeKind>) -> Option<(ChargeKind, usize)> {
    let direct = || {
        state
            .livechat
            .direct_charges
            .iter()
            .position(|c| c.id == id)
            .map(|i| (ChargeKind::Direct, i))
    };
    let recurrent = || {
        state
            .livechat
            .recurrent_charges
            .iter()
            .position(|c| c.id == id)
            .map(|i| (ChargeKind::Recurrent, i))
    };
    match kind {
        Some(ChargeKind::Direct) => direct(),
        Some(ChargeKind::Recurrent) => recurrent(),
        None => direct().or_else(recurrent),
    }
}

pub fn charge_summary(
    state: &MockState,
    id: &str,
    kind: Option<ChargeKind>,
) -> Option<ChargeSummary> {
    let (kind, index) = locate(state, id, kind)?;
    Some(match kind {
        ChargeKind::Direct => {
            let c = state.livechat.direct_charges.get(index)?;
            ChargeSummary {
                id: c.id.clone(),
                kind,
                name: c.name.clone(),
                price: Cents::new(c.price),
                quantity: c.quantity,
                total: Cents::new(c.price).checked_mul(u64::from(c.quantity)),
                months: None,
                trial_days: None,
                per_account: c.per_account,
                test: c.test,
                status: c.status.as_str().to_owned(),
            }
        }
        ChargeKind::Recurrent => {
            let c = state.livechat.recurrent_charges.get(index)?;
            ChargeSummary {
                id: c.id.clone(),
                kind,
                name: c.name.clone(),
                price: Cents::new(c.price),
                quantity: c.quantity,
                total: Cents::new(c.price).checked_mul(u64::from(c.quantity)),
                months: Some(c.months),
                trial_days: Some(c.trial_days),
                per_account: c.per_account,
                test: c.test,
                status: c.status.as_str().to_owned(),
            }
        }
    })
}

/// The buyer accepts or declines a pending charge; the answer is the
/// charge's return URL (`?id=..&type=..` set) to send the browser to.
pub fn confirm_charge(
    state: &mut MockState,
    id: &str,
    kind: Option<ChargeKind>,
    accept: bool,
    now_ms: NowMs,
) -> Result<Url, ConfirmError> {
    advance(state, now_ms);
    let (kind, index) = locate(state, id, kind).ok_or(ConfirmError::NotFound)?;
    let return_url = match kind {
        ChargeKind::Direct => {
            let c = state
                .livechat
                .direct_charges
                .get_mut(index)
                .ok_or(ConfirmError::NotFound)?;
            if c.status != DirectChargeStatus::Pending {
                return Err(ConfirmError::NotPending {
                    status: c.status.as_str().to_owned(),
                });
            }
            c.status = if accept {
                DirectChargeStatus::Accepted
            } else {
                DirectChargeStatus::Declined
            };
            c.updated_ms = now_ms;
            c.return_url.clone()
        }
        ChargeKind::Recurrent => {
            let c = state
                .livechat
                .recurrent_charges
                .get_mut(index)
                .ok_or(ConfirmError::NotFound)?;
            if c.status != RecurrentChargeStatus::Pending {
                return Err(ConfirmError::NotPending {
                    status: c.status.as_str().to_owned(),
                });
            }
            c.status = if accept {
                RecurrentChargeStatus::Accepted
            } else {
                RecurrentChargeStatus::Declined
            };
            c.updated_ms = now_ms;
            c.return_url.clone()
        }
    };
    Url::parse(&return_url).map_err(|_| ConfirmError::InvalidReturnUrl)
}
