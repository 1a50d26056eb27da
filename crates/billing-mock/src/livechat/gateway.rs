//! The simulated payment gateway: replays every step due by `now_ms`
//! (activation, processing, settlement periods) and writes the ledger.

use super::money::developer_share;
use super::MAX_PERIODS_PER_READ;
use super::{DirectChargeRecord, LedgerRecord, LiveChatState, RecurrentChargeRecord};
use crate::control::{GatewayOutcome, RecurrentOutcome};
use crate::rng::MockRng;
use crate::{MockState, NowMs};
use billing_core::domain::calendar;
use billing_core::domain::charge::{DirectChargeStatus, LedgerEntryType, RecurrentChargeStatus};

/// Applies every gateway step due by `now_ms`. Idempotent for the same `now_ms`.
pub fn advance(state: &mut MockState, now_ms: NowMs) {
    let step = state.scenario.gateway_step_ms;
    let MockState { rng, livechat, .. } = state;
    let LiveChatState {
        direct_charges,
        recurrent_charges,
        ledger,
        ..
    } = livechat;
    for charge in direct_charges.iter_mut() {
        advance_direct(charge, step, now_ms, rng, ledger);
    }
    for charge in recurrent_charges.iter_mut() {
        advance_recurrent(charge, step, now_ms, rng, ledger);
    }
}

/// A ledger line about to be written.
pub(super) struct Entry<'a> {
    pub(super) client_id: &'a str,
    pub(super) name: &'a str,
    pub(super) charge_id: &'a str,
    pub(super) entry_type: LedgerEntryType,
    pub(super) value: i64,
    pub(super) at_ms: u64,
}

pub(super) fn push_ledger(ledger: &mut Vec<LedgerRecord>, rng: &mut MockRng, entry: Entry<'_>) {
    ledger.push(LedgerRecord {
        id: rng.uuid(),
        client_id: entry.client_id.to_owned(),
        name: entry.name.to_owned(),
        entry_type: entry.entry_type,
        value: entry.value,
        created_ms: entry.at_ms,
        charge_id: entry.charge_id.to_owned(),
    });
}

fn advance_direct(
    charge: &mut DirectChargeRecord,
    step: u64,
    now_ms: NowMs,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    let Some(activated) = charge.activated_ms else {
        return;
    };
    // Activation hands the charge to the gateway: it is `processed` at
    // once (the activate answer says so), and ends one step later.
    let processed_at = activated;
    let done_at = processed_at.saturating_add(step);
    if charge.status == DirectChargeStatus::Accepted && now_ms >= processed_at {
        charge.status = DirectChargeStatus::Processed;
        charge.updated_ms = processed_at;
    }
    if charge.status == DirectChargeStatus::Processed && now_ms >= done_at {
        charge.updated_ms = done_at;
        match charge.outcome.unwrap_or(GatewayOutcome::Success) {
            GatewayOutcome::Success => {
                charge.status = DirectChargeStatus::Success;
                let total = charge.price.saturating_mul(i64::from(charge.quantity));
                push_ledger(
                    ledger,
                    rng,
                    Entry {
                        client_id: &charge.seller_client_id,
                        name: &charge.name,
                        charge_id: &charge.id,
                        entry_type: LedgerEntryType::Collection,
                        value: developer_share(total, charge.commission_percent),
                        at_ms: done_at,
                    },
                );
            }
            GatewayOutcome::Failed => charge.status = DirectChargeStatus::Failed,
        }
    }
}

fn advance_recurrent(
    charge: &mut RecurrentChargeRecord,
    step: u64,
    now_ms: NowMs,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    let Some(activated) = charge.activated_ms else {
        return;
    };
    // As for direct charges: `processed` from activation on.
    let processed_at = activated;
    let started_at = processed_at.saturating_add(step);
    if charge.status == RecurrentChargeStatus::Accepted && now_ms >= processed_at {
        charge.status = RecurrentChargeStatus::Processed;
        charge.updated_ms = processed_at;
    }
    if charge.status == RecurrentChargeStatus::Processed && now_ms >= started_at {
        if charge.trial_days > 0 {
            let trial_end = started_at
                .saturating_add(u64::from(charge.trial_days).saturating_mul(calendar::DAY_MS));
            charge.status = RecurrentChargeStatus::Active;
            charge.updated_ms = started_at;
            charge.trial_ends_ms = Some(trial_end);
            charge.current_charge_ms = Some(started_at);
            charge.next_charge_ms = Some(trial_end);
            charge.period_paid = None;
        } else {
            start_period(charge, started_at, rng, ledger);
        }
    }
    let mut periods = 0;
    while matches!(
        charge.status,
        RecurrentChargeStatus::Active | RecurrentChargeStatus::PastDue
    ) && periods < MAX_PERIODS_PER_READ
    {
        let Some(next) = charge.next_charge_ms else {
            break;
        };
        if now_ms < next {
            break;
        }
        start_period(charge, next, rng, ledger);
        periods += 1;
    }
}

/// A settlement period begins at `at`: the gateway tries to collect.
fn start_period(
    charge: &mut RecurrentChargeRecord,
    at: u64,
    rng: &mut MockRng,
    ledger: &mut Vec<LedgerRecord>,
) {
    charge.updated_ms = at;
    charge.current_charge_ms = Some(at);
    let next = calendar::add_months(at, charge.months);
    // At the end of representable time there is no next period.
    charge.next_charge_ms = (next > at).then_some(next);
    charge.period_paid = None;
    match charge.outcome.unwrap_or(RecurrentOutcome::Active) {
        RecurrentOutcome::Active => {
            charge.status = RecurrentChargeStatus::Active;
            let total = charge.price.saturating_mul(i64::from(charge.quantity));
            let share = developer_share(total, charge.commission_percent);
            charge.period_paid = Some(share);
            push_ledger(
                ledger,
                rng,
                Entry {
                    client_id: &charge.seller_client_id,
                    name: &charge.name,
                    charge_id: &charge.id,
                    entry_type: LedgerEntryType::Collection,
                    value: share,
                    at_ms: at,
                },
            );
        }
        RecurrentOutcome::PastDue => charge.status = RecurrentChargeStatus::PastDue,
        RecurrentOutcome::Frozen => {
            charge.status = RecurrentChargeStatus::Frozen;
            charge.next_charge_ms = None;
        }
    }
}
