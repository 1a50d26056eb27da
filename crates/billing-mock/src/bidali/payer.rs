//! The simulated payer: the plan of transactions and confirmations for a
//! scenario, coin addresses and hashes, and a charge catching up with its
//! schedule and showing itself as JSON.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Map, Value};

use super::{
    required_confirmations, CryptoOutcome, Step, StepAction, StoredCharge, StoredCustomer,
    StoredEvent, StoredTransaction, CURRENCIES, QUOTE_DECIMALS_CAP, UNDERPAID_WAIT_STEPS,
};
use crate::{MockRng, NowMs};
use billing_core::domain::calendar;
use billing_core::domain::crypto::StatusCode;
use billing_core::domain::money::ExactAmount;
use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};

/// What the payer will do, from the moment an address exists. `step_ms`
/// apart: the transaction one step after the address, then one
/// confirmation per step.
pub(super) fn plan_payment(
    rng: &mut MockRng,
    protocol: &str,
    amount: ExactAmount,
    outcome: CryptoOutcome,
    step_ms: u64,
    now_ms: NowMs,
    expires_ms: u64,
) -> Vec<Step> {
    let decimals = CURRENCIES
        .iter()
        .find(|c| c.protocol == protocol)
        .map_or(QUOTE_DECIMALS_CAP, |c| c.decimals.min(QUOTE_DECIMALS_CAP));
    let at = |steps: u64| now_ms.saturating_add(step_ms.saturating_mul(steps));
    let mut transaction = |at_ms: u64, amount: ExactAmount| Step {
        at_ms,
        action: StepAction::Transaction {
            hash: transaction_hash(rng, protocol),
            amount,
        },
    };
    let confirmations = |from_steps: u64| -> Vec<Step> {
        (1..=u64::from(required_confirmations(protocol)))
            .map(|k| Step {
                at_ms: at(from_steps.saturating_add(k)),
                action: StepAction::Confirm,
            })
            .collect()
    };
    let (part, rest) = split(amount, decimals);
    let mut steps = match outcome {
        CryptoOutcome::Paid => {
            let mut steps = vec![transaction(at(1), amount)];
            steps.extend(confirmations(1));
            steps
        }
        CryptoOutcome::Underpaid => {
            let wait = 1 + UNDERPAID_WAIT_STEPS;
            let mut steps = vec![transaction(at(1), part), transaction(at(wait), rest)];
            steps.extend(confirmations(wait));
            steps
        }
        CryptoOutcome::UnderpaidThenLate => {
            let late = expires_ms.saturating_add(step_ms.max(1)).max(at(2));
            vec![transaction(at(1), part), transaction(late, rest)]
        }
        CryptoOutcome::Overpaid | CryptoOutcome::Review => {
            let unit = Decimal::new(1, decimals);
            let extra = amount
                .as_decimal()
                .checked_div(Decimal::TEN)
                .map_or(unit, |d| {
                    d.round_dp_with_strategy(decimals, RoundingStrategy::ToZero)
                        .max(unit)
                });
            let total = amount
                .as_decimal()
                .checked_add(extra)
                .map_or(amount, |d| ExactAmount::from_decimal(d.normalize()));
            let mut steps = vec![transaction(at(1), total)];
            steps.extend(confirmations(1));
            if outcome == CryptoOutcome::Review {
                steps.push(resolve(
                    at(u64::from(required_confirmations(protocol)) + 2),
                    StatusCode::REVIEW,
                    "CHARGE_REVIEW",
                ));
            }
            steps
        }
        CryptoOutcome::Refunded => {
            let mut steps = vec![transaction(at(1), amount)];
            steps.extend(confirmations(1));
            steps.push(resolve(
                at(u64::from(required_confirmations(protocol)) + 2),
                StatusCode::REFUNDED,
                "CHARGE_REFUNDED",
            ));
            steps
        }
        CryptoOutcome::Error => vec![
            transaction(at(1), amount),
            resolve(at(2), StatusCode::ERROR, "CHARGE_ERROR"),
        ],
        CryptoOutcome::NeverPaid => Vec::new(),
        CryptoOutcome::Failure => vec![
            transaction(at(1), amount),
            Step {
                at_ms: at(2),
                action: StepAction::Fail,
            },
        ],
    };
    // An amount too small to split is paid in one go.
    steps.retain(
        |s| !matches!(&s.action, StepAction::Transaction { amount, .. } if amount.is_zero()),
    );
    sort_by_key(&mut steps, Direction::Ascending, |s| millis_key(s.at_ms));
    steps
}

fn resolve(at_ms: u64, status_code: StatusCode, event: &str) -> Step {
    Step {
        at_ms,
        action: StepAction::Resolve {
            status_code,
            event: event.to_owned(),
        },
    }
}

/// About half of `amount` (rounded down to `decimals`) and the rest.
fn split(amount: ExactAmount, decimals: u32) -> (ExactAmount, ExactAmount) {
    let total = amount.as_decimal();
    let part = total.checked_div(Decimal::TWO).map_or(Decimal::ZERO, |d| {
        d.round_dp_with_strategy(decimals, RoundingStrategy::ToZero)
    });
    let rest = total.checked_sub(part).unwrap_or(total);
    (
        ExactAmount::from_decimal(part.normalize()),
        ExactAmount::from_decimal(rest.normalize()),
    )
}

fn transaction_hash(rng: &mut MockRng, protocol: &str) -> String {
    match protocol {
        "ethereum" | "dai" => format!("0x{}", rng.hex(64)),
        _ => rng.hex(64),
    }
}

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

fn pick(rng: &mut MockRng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| {
            let i = usize::try_from(rng.u64(0..alphabet.len() as u64)).unwrap_or(0);
            char::from(alphabet.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

/// A receiving address of the right shape for the coin (no valid checksum:
/// the mock's payer is the only one who pays to it).
pub(super) fn make_address(rng: &mut MockRng, protocol: &str) -> String {
    match protocol {
        "bitcoin" => {
            if rng.chance(50) {
                format!("3{}", pick(rng, BASE58, 33))
            } else {
                format!("bc1q{}", pick(rng, BECH32, 38))
            }
        }
        "litecoin" => {
            let lead = if rng.chance(50) { 'L' } else { 'M' };
            format!("{lead}{}", pick(rng, BASE58, 33))
        }
        "bitcoincash" => format!("q{}", pick(rng, BECH32, 41)),
        _ => format!("0x{}", rng.hex(40)),
    }
}

fn status_name(code: StatusCode) -> &'static str {
    code.name().unwrap_or("unknown")
}

impl StoredCharge {
    pub(super) fn record(&mut self, rng: &mut MockRng, time_ms: u64, kind: &str) {
        self.timeline.push(StoredEvent {
            id: rng.uuid(),
            time_ms,
            kind: kind.to_owned(),
            status: status_name(self.status_code).to_owned(),
        });
    }

    fn quote_amount(&self, protocol: &str) -> ExactAmount {
        self.quotes
            .iter()
            .find(|q| q.protocol == protocol)
            .map_or(ExactAmount::ZERO, |q| q.amount)
    }

    fn received(&self, protocol: &str) -> ExactAmount {
        sum(self
            .transactions
            .iter()
            .filter(|t| t.protocol == protocol)
            .map(|t| t.amount))
    }

    /// Catches up with everything due by `now_ms`, in time order. A step
    /// at the very moment of expiry is in time.
    pub fn advance(&mut self, rng: &mut MockRng, now_ms: NowMs) {
        loop {
            let step_due = self.schedule.first().is_some_and(|s| s.at_ms <= now_ms);
            let expiry_due = !self.expiry_handled && self.expires_ms <= now_ms;
            let step_first = match (step_due, expiry_due) {
                (false, false) => return,
                (true, false) => true,
                (false, true) => false,
                (true, true) => self
                    .schedule
                    .first()
                    .is_some_and(|s| s.at_ms <= self.expires_ms),
            };
            if step_first {
                let step = self.schedule.remove(0);
                self.apply(rng, step);
            } else {
                self.expire(rng);
            }
        }
    }

    fn expire(&mut self, rng: &mut MockRng) {
        self.expiry_handled = true;
        let expires_ms = self.expires_ms;
        if self.status_code == StatusCode::PENDING {
            self.status_code = StatusCode::TIMEOUT;
            self.record(rng, expires_ms, "CHARGE_EXPIRED");
        } else if self.status_code == StatusCode::UNDERPAID {
            // Still underpaid: the rest may yet arrive, late.
            self.record(rng, expires_ms, "CHARGE_EXPIRED");
        }
    }

    fn apply(&mut self, rng: &mut MockRng, step: Step) {
        let Some(protocol) = self.paying.clone() else {
            return;
        };
        let prefix = protocol.to_ascii_uppercase();
        if let StepAction::Resolve { status_code, event } = &step.action {
            // Reviews and refunds happen to charges that already settled.
            self.status_code = *status_code;
            self.record(rng, step.at_ms, event);
            self.schedule.retain(|s| s.at_ms > step.at_ms);
            return;
        }
        let open = matches!(
            self.status_code,
            StatusCode::PENDING
                | StatusCode::UNDERPAID
                | StatusCode::PROCESSING
                | StatusCode::TIMEOUT
        );
        if !open {
            self.schedule.clear();
            return;
        }
        match step.action {
            StepAction::Transaction { hash, amount } => {
                self.transactions.push(StoredTransaction {
                    protocol: protocol.clone(),
                    hash,
                    amount,
                    confirmations: 0,
                    seen_ms: step.at_ms,
                });
                self.status_code = if self.expiry_handled {
                    StatusCode::LATE
                } else if self.received(&protocol) >= self.quote_amount(&protocol) {
                    StatusCode::PROCESSING
                } else {
                    StatusCode::UNDERPAID
                };
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_CREATED"));
                if self.status_code == StatusCode::LATE {
                    self.schedule.clear();
                }
            }
            StepAction::Confirm => {
                if self.status_code != StatusCode::PROCESSING {
                    return;
                }
                let required = required_confirmations(&protocol);
                for tx in self
                    .transactions
                    .iter_mut()
                    .filter(|t| t.protocol == protocol)
                {
                    tx.confirmations = tx.confirmations.saturating_add(1).min(required);
                }
                let settled = self
                    .transactions
                    .iter()
                    .filter(|t| t.protocol == protocol)
                    .all(|t| t.confirmations >= required);
                if settled {
                    self.status_code = if self.received(&protocol) > self.quote_amount(&protocol) {
                        StatusCode::OVERPAID
                    } else {
                        StatusCode::SUCCESS
                    };
                    // Only a later review or refund can still happen.
                    self.schedule
                        .retain(|s| matches!(s.action, StepAction::Resolve { .. }));
                }
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_CONFIRMED"));
            }
            StepAction::Fail => {
                self.status_code = StatusCode::FAILURE;
                self.schedule.clear();
                self.record(rng, step.at_ms, &format!("{prefix}_TRANSACTION_FAILED"));
            }
            StepAction::Resolve { .. } => {}
        }
    }

    /// Per coin paid in: `{transactions: [{hash, amount, confirmations}],
    /// requiredConfirmations, balance, pending, outstanding}`, as in the
    /// seed. `balance` is what has settled (all confirmations), `pending`
    /// what is seen but still confirming, `outstanding` what is still to
    /// send; all three are coin amounts as strings.
    fn payments_json(&self) -> Value {
        let mut payments = Map::new();
        for protocol in self.transactions.iter().map(|t| t.protocol.as_str()) {
            if payments.contains_key(protocol) {
                continue;
            }
            let required = required_confirmations(protocol);
            let transactions: Vec<&StoredTransaction> = self
                .transactions
                .iter()
                .filter(|t| t.protocol == protocol)
                .collect();
            let balance = sum(transactions
                .iter()
                .filter(|t| t.confirmations >= required)
                .map(|t| t.amount));
            let pending = sum(transactions
                .iter()
                .filter(|t| t.confirmations < required)
                .map(|t| t.amount));
            let seen = balance.checked_add(&pending).unwrap_or(balance);
            let outstanding = self
                .quote_amount(protocol)
                .checked_sub(&seen)
                .filter(|d| d.is_positive())
                .unwrap_or(ExactAmount::ZERO);
            let list: Vec<Value> = transactions
                .iter()
                .map(|t| {
                    json!({
                        "hash": t.hash,
                        "amount": t.amount.to_string(),
                        "confirmations": t.confirmations,
                    })
                })
                .collect();
            payments.insert(
                protocol.to_owned(),
                json!({
                    "transactions": list,
                    "requiredConfirmations": required,
                    "balance": balance.normalized().to_string(),
                    "pending": pending.normalized().to_string(),
                    "outstanding": outstanding.normalized().to_string(),
                }),
            );
        }
        Value::Object(payments)
    }

    /// The charge as the API shows it (the seed's example object).
    pub fn to_json(&self) -> Value {
        let timeline: Vec<Value> = self
            .timeline
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "time": calendar::rfc3339_millis(e.time_ms),
                    "type": e.kind,
                    "status": e.status,
                })
            })
            .collect();
        let quotes: Map<String, Value> = self
            .quotes
            .iter()
            .map(|q| (q.protocol.clone(), q.to_json()))
            .collect();
        json!({
            "id": self.id,
            "amount": self.amount.to_string(),
            "metadata": self.metadata,
            "createdAt": calendar::rfc3339_millis(self.created_ms),
            "expiresAt": calendar::rfc3339_millis(self.expires_ms),
            "description": self.description,
            "statusCode": self.status_code.get(),
            "redirectUrl": null,
            "status": status_name(self.status_code),
            "currency": self.currency,
            "organization": self.organization,
            "timeline": timeline,
            "payments": self.payments_json(),
            "payout": null,
            "customer": self.customer.as_ref().map(StoredCustomer::to_json),
            "quotes": quotes,
        })
    }
}

fn sum(amounts: impl Iterator<Item = ExactAmount>) -> ExactAmount {
    amounts.fold(ExactAmount::ZERO, |total, amount| {
        total.checked_add(&amount).unwrap_or(total)
    })
}
