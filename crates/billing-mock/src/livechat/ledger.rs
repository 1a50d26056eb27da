//! The ledger and the balance: the caller's entries merged with the bulk
//! data set's, and payouts of every positive balance.

use serde_json::{json, Value};

use super::fields::{confirmation_url, page_param};
use super::gateway::{advance, push_ledger, Entry};
use super::json::ledger_json;
use super::sample::sample_return_url;
use super::{Ctx, DirectChargeRecord, LedgerRecord, Product, PAGE_SIZE};
use crate::bulk::{merged_page, BulkCharge, BulkDataSet, Merged};
use crate::control::GatewayOutcome;
use crate::{reply, MockState, NowMs};
use billing_core::api::transport::HttpResponse;
use billing_core::domain::calendar;
use billing_core::domain::charge::{ChargeKind, DirectChargeStatus, LedgerEntryType};
use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};

/// The caller's entries, newest first.
fn own_entries<'a>(state: &'a MockState, ctx: &Ctx<'_>) -> Vec<&'a LedgerRecord> {
    // Newest first; of entries made in the same millisecond, the one
    // written last first (the list is reversed before a stable sort).
    let mut entries: Vec<&LedgerRecord> = state
        .livechat
        .ledger
        .iter()
        .filter(|e| e.client_id == ctx.grant.client_id)
        .rev()
        .collect();
    sort_by_key(&mut entries, Direction::Descending, |e| {
        millis_key(e.created_ms)
    });
    entries
}

pub(super) fn ledger_page(state: &MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let stored = own_entries(state, ctx)
        .into_iter()
        .map(|e| (e.created_ms, e));
    let bulk = visible_bulk(state, ctx);
    let lines = bulk
        .into_iter()
        .flat_map(|set| (1..=set.count).map(|k| (set.ledger_created_ms(k), k)));
    let result: Vec<Value> = merged_page(stored, lines, page, PAGE_SIZE)
        .into_iter()
        .filter_map(|entry| match entry {
            Merged::Stored(e) => Some(ledger_json(e)),
            Merged::Bulk(k) => bulk.and_then(|set| set.ledger_line(k)).map(|line| {
                json!({
                    "id": line.id,
                    "name": line.name,
                    "type": line.entry_type.as_str(),
                    "value": line.value,
                    "created_at": calendar::rfc3339_seconds(line.created_ms),
                })
            }),
        })
        .collect();
    Ok(reply::json(200, &json!({ "result": result })))
}

pub(super) fn balance(state: &MockState, ctx: &Ctx<'_>) -> HttpResponse {
    let stored = own_entries(state, ctx).into_iter().fold(0i64, |sum, e| {
        match e.entry_type.balance_sign() {
            Some(1) => sum.saturating_add(e.value),
            Some(_) => sum.saturating_sub(e.value),
            None => sum,
        }
    });
    let bulk = visible_bulk(state, ctx).map_or(0, BulkDataSet::ledger_balance);
    reply::json(200, &json!({ "balance": stored.saturating_add(bulk) }))
}

/// The bulk data set, when the caller is the developer it belongs to.
pub(super) fn visible_bulk<'a>(state: &'a MockState, ctx: &Ctx<'_>) -> Option<&'a BulkDataSet> {
    state
        .livechat
        .bulk
        .as_ref()
        .filter(|set| set.client_id == ctx.grant.client_id)
}

/// The bulk charge with this id, as the API shows a charge, if visible.
pub(super) fn bulk_direct(
    state: &MockState,
    ctx: &Ctx<'_>,
    id: &str,
) -> Option<DirectChargeRecord> {
    let set = visible_bulk(state, ctx).filter(|_| ctx.product == Product::Livechat)?;
    let charge = set.charge_by_id(id)?;
    Some(bulk_record(state, set, charge))
}

/// A generated charge in the stored shape: a test sale to the first demo
/// account, as the sample charges are.
pub(super) fn bulk_record(
    state: &MockState,
    set: &BulkDataSet,
    charge: BulkCharge,
) -> DirectChargeRecord {
    let buyer = &crate::oauth::DEMO_ACCOUNTS[0];
    let activated = charge.status != DirectChargeStatus::Declined;
    DirectChargeRecord {
        return_url: sample_return_url(state, &charge.id),
        confirmation_url: confirmation_url(state, &charge.id, ChargeKind::Direct),
        id: charge.id,
        product: Product::Livechat,
        buyer_license_id: buyer.license_id,
        buyer_entity_id: buyer.email.to_owned(),
        order_client_id: set.client_id.clone(),
        seller_client_id: set.client_id.clone(),
        name: charge.name,
        price: charge.price,
        quantity: charge.quantity,
        test: true,
        per_account: false,
        outcome: match charge.status {
            DirectChargeStatus::Success => Some(GatewayOutcome::Success),
            DirectChargeStatus::Failed => Some(GatewayOutcome::Failed),
            _ => None,
        },
        status: charge.status,
        commission_percent: set.commission_percent,
        created_ms: charge.created_ms,
        updated_ms: charge.updated_ms,
        activated_ms: activated.then_some(charge.created_ms.saturating_add(90_000)),
        activation_requests: u32::from(activated),
    }
}

/// A payout: every developer's positive balance is paid off as a
/// `withdrawal` ledger entry (LiveChat does this on its own schedule; the
/// mock does it when asked). Returns `(client_id, value)` per payout.
pub fn pay_out_balances(state: &mut MockState, now_ms: NowMs) -> Vec<(String, i64)> {
    advance(state, now_ms);
    let mut balances: Vec<(String, i64)> = Vec::new();
    for entry in &state.livechat.ledger {
        let signed = match entry.entry_type.balance_sign() {
            Some(1) => entry.value,
            Some(_) => entry.value.saturating_neg(),
            None => 0,
        };
        match balances
            .iter_mut()
            .find(|(client, _)| *client == entry.client_id)
        {
            Some((_, sum)) => *sum = sum.saturating_add(signed),
            None => balances.push((entry.client_id.clone(), signed)),
        }
    }
    if let Some(set) = &state.livechat.bulk {
        let bulk = set.ledger_balance();
        match balances
            .iter_mut()
            .find(|(client, _)| *client == set.client_id)
        {
            Some((_, sum)) => *sum = sum.saturating_add(bulk),
            None => balances.push((set.client_id.clone(), bulk)),
        }
    }
    balances.retain(|(_, sum)| *sum > 0);
    for (client_id, value) in &balances {
        push_ledger(
            &mut state.livechat.ledger,
            &mut state.rng,
            Entry {
                client_id,
                name: "payout",
                charge_id: "",
                entry_type: LedgerEntryType::Withdrawal,
                value: *value,
                at_ms: now_ms,
            },
        );
    }
    balances
}
