//! Recurrent charges: create, list and read subscriptions, and accept,
//! decline, activate or cancel one (a cancellation refunds the time left).

use serde_json::json;

use super::fields::{
    body_object, commission, confirmation_url, flag, page_param, paginate, present, query_value,
    required_number, required_text, return_url, whole_number, with_charge_params,
};
use super::gateway::{push_ledger, Entry};
use super::json::recurrent_json;
use super::money::proportional_refund;
use super::{
    advance, Ctx, RecurrentAction, RecurrentChargeRecord, MAX_MONTHS, MAX_NAME_LEN,
    MAX_PRICE_CENTS, MAX_TRIAL_DAYS,
};
use crate::{reply, MockState};
use billing_core::api::transport::HttpResponse;
use billing_core::domain::charge::{ChargeKind, LedgerEntryType, RecurrentChargeStatus};

pub(super) fn create_recurrent(
    state: &mut MockState,
    ctx: &Ctx<'_>,
) -> Result<HttpResponse, HttpResponse> {
    let fields = body_object(ctx.request)?;
    let name = required_text(&fields, "name", MAX_NAME_LEN)?;
    let price = required_number(&fields, "price", 1, MAX_PRICE_CENTS)?;
    let return_to = return_url(&fields)?;
    let test = flag(&fields, "test")?;
    let per_account = flag(&fields, "per_account")?;
    let months = whole_number(&fields, "months", 1, MAX_MONTHS)?.unwrap_or(1);
    let trial_days = whole_number(&fields, "trial_days", 0, MAX_TRIAL_DAYS)?.unwrap_or(0);
    let external_id = match present(&fields, "external_id") {
        None => None,
        Some(_) => Some(required_text(&fields, "external_id", MAX_NAME_LEN)?),
    };
    let commission_percent = commission(state, &fields, ctx.grant)?;
    let quantity = if per_account {
        state.scenario.accounts_in_organization.max(1)
    } else {
        1
    };
    let id = state.rng.uuid();
    let grant = ctx.grant;
    let record = RecurrentChargeRecord {
        return_url: with_charge_params(&return_to, &id, ChargeKind::Recurrent).to_string(),
        confirmation_url: confirmation_url(state, &id, ChargeKind::Recurrent),
        id,
        product: ctx.product,
        buyer_license_id: grant.license_id,
        buyer_entity_id: grant.email.clone(),
        seller_client_id: grant.client_id.clone(),
        order_client_id: grant.client_id.clone(),
        order_license_id: grant.license_id.to_string(),
        order_entity_id: grant.email.clone(),
        name,
        price,
        quantity,
        trial_days: u32::try_from(trial_days).unwrap_or(0),
        months: u32::try_from(months).unwrap_or(1),
        test,
        per_account,
        status: RecurrentChargeStatus::Pending,
        commission_percent,
        external_id,
        trial_ends_ms: None,
        cancelled_ms: None,
        current_charge_ms: None,
        next_charge_ms: None,
        created_ms: ctx.now_ms,
        updated_ms: ctx.now_ms,
        activated_ms: None,
        outcome: None,
        period_paid: None,
        activation_requests: 0,
    };
    let body = recurrent_json(&record);
    state.livechat.recurrent_charges.push(record);
    Ok(reply::json(201, &body))
}

/// As [`super::direct::visible_direct`].
fn visible_recurrent(c: &RecurrentChargeRecord, ctx: &Ctx<'_>) -> bool {
    c.product == ctx.product
        && c.seller_client_id == ctx.grant.client_id
        && c.buyer_license_id == ctx.grant.license_id
}

pub(super) fn find_recurrent(
    state: &MockState,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<usize, HttpResponse> {
    state
        .livechat
        .recurrent_charges
        .iter()
        .position(|c| c.id == id && visible_recurrent(c, ctx))
        .ok_or_else(|| reply::not_found("no recurrent charge with this id"))
}

pub(super) fn list_recurrent(
    state: &MockState,
    ctx: &Ctx<'_>,
) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let status = match query_value(ctx.request, "status") {
        None => None,
        Some(raw) => match RecurrentChargeStatus::from_wire(&raw) {
            RecurrentChargeStatus::Unknown(_) => {
                return Err(reply::invalid_field(
                    "status",
                    "must be one of pending, accepted, declined, processed, active, frozen, cancelled, past_due",
                ))
            }
            known => Some(known),
        },
    };
    let order_client = query_value(ctx.request, "order_client_id");
    let matching: Vec<&RecurrentChargeRecord> = state
        .livechat
        .recurrent_charges
        .iter()
        .rev()
        .filter(|c| visible_recurrent(c, ctx))
        .filter(|c| status.as_ref().is_none_or(|s| &c.status == s))
        .filter(|c| {
            order_client
                .as_deref()
                .is_none_or(|client| c.order_client_id == client)
        })
        .collect();
    let result = paginate(matching, page, recurrent_json);
    Ok(reply::json(200, &json!({ "result": result })))
}

pub(super) fn recurrent_action(
    state: &mut MockState,
    ctx: &Ctx<'_>,
    id: &str,
    action: RecurrentAction,
) -> Result<HttpResponse, HttpResponse> {
    let index = find_recurrent(state, ctx, id)?;
    let outcome = state.scenario.recurrent_charge;
    let now = ctx.now_ms;
    let MockState { rng, livechat, .. } = state;
    let Some(charge) = livechat.recurrent_charges.get_mut(index) else {
        return Err(reply::not_found("no recurrent charge with this id"));
    };
    let refused = |what: &str, allowed: &str| {
        reply::conflict(&format!(
            "the subscription is {}; only {allowed} can be {what}",
            charge.status
        ))
    };
    match action {
        RecurrentAction::Accept | RecurrentAction::Decline => {
            if charge.status != RecurrentChargeStatus::Pending {
                let what = if action == RecurrentAction::Accept {
                    "accepted"
                } else {
                    "declined"
                };
                return Err(refused(what, "a pending one"));
            }
            charge.status = if action == RecurrentAction::Accept {
                RecurrentChargeStatus::Accepted
            } else {
                RecurrentChargeStatus::Declined
            };
            charge.updated_ms = now;
        }
        RecurrentAction::Activate => {
            charge.activation_requests = charge.activation_requests.saturating_add(1);
            if charge.activated_ms.is_some() {
                return Err(reply::conflict(&format!(
                    "the subscription was already activated (status {})",
                    charge.status
                )));
            }
            if charge.status != RecurrentChargeStatus::Accepted {
                return Err(refused("activated", "an accepted one"));
            }
            charge.activated_ms = Some(now);
            charge.outcome = Some(outcome);
            charge.updated_ms = now;
        }
        RecurrentAction::Cancel => {
            if !charge.status.can_cancel() {
                return Err(refused("cancelled", "an active, past due or frozen one"));
            }
            let refund = match (
                charge.period_paid,
                charge.current_charge_ms,
                charge.next_charge_ms,
            ) {
                (Some(paid), Some(start), Some(end)) if end > start => {
                    proportional_refund(paid, end.saturating_sub(now.max(start)), end - start)
                }
                _ => 0,
            };
            if refund > 0 {
                push_ledger(
                    &mut livechat.ledger,
                    rng,
                    Entry {
                        client_id: &charge.seller_client_id,
                        name: &charge.name,
                        charge_id: &charge.id,
                        entry_type: LedgerEntryType::Refund,
                        value: refund,
                        at_ms: now,
                    },
                );
            }
            charge.status = RecurrentChargeStatus::Cancelled;
            charge.cancelled_ms = Some(now);
            charge.next_charge_ms = None;
            charge.period_paid = None;
            charge.updated_ms = now;
        }
    }
    advance(state, now);
    Ok(reply::json(
        200,
        &recurrent_json(&state.livechat.recurrent_charges[index]),
    ))
}
