//! Direct charges: create, list, read and activate one-time charges.

use serde_json::{json, Value};

use super::fields::{
    body_object, commission, confirmation_url, flag, page_param, query_value, required_number,
    required_text, return_url, with_charge_params,
};
use super::json::direct_json;
use super::ledger::{bulk_direct, bulk_record, visible_bulk};
use super::{advance, Ctx, DirectChargeRecord, Product, MAX_NAME_LEN, MAX_PRICE_CENTS, PAGE_SIZE};
use crate::bulk::{merged_page, Merged};
use crate::{reply, MockState};
use billing_core::api::transport::HttpResponse;
use billing_core::domain::charge::{ChargeKind, DirectChargeStatus};

pub(super) fn create_direct(
    state: &mut MockState,
    ctx: &Ctx<'_>,
) -> Result<HttpResponse, HttpResponse> {
    let fields = body_object(ctx.request)?;
    let name = required_text(&fields, "name", MAX_NAME_LEN)?;
    let price = required_number(&fields, "price", 1, MAX_PRICE_CENTS)?;
    let quantity = required_number(&fields, "quantity", 1, i64::from(u32::MAX))?;
    let return_to = return_url(&fields)?;
    let per_account = flag(&fields, "per_account")?;
    let test = flag(&fields, "test")?;
    let commission_percent = commission(state, &fields, ctx.grant)?;
    // The seller states the quantity, also per account (the seed's example
    // answers `"quantity": 2, "per_account": true`): it is kept as sent.
    let quantity = u32::try_from(quantity).unwrap_or(u32::MAX);
    let id = state.rng.uuid();
    let grant = ctx.grant;
    let record = DirectChargeRecord {
        return_url: with_charge_params(&return_to, &id, ChargeKind::Direct).to_string(),
        confirmation_url: confirmation_url(state, &id, ChargeKind::Direct),
        id,
        product: ctx.product,
        buyer_license_id: grant.license_id,
        buyer_entity_id: grant.email.clone(),
        order_client_id: grant.client_id.clone(),
        seller_client_id: grant.client_id.clone(),
        name,
        price,
        quantity,
        test,
        per_account,
        status: DirectChargeStatus::Pending,
        commission_percent,
        created_ms: ctx.now_ms,
        updated_ms: ctx.now_ms,
        activated_ms: None,
        outcome: None,
        activation_requests: 0,
    };
    let body = direct_json(&record);
    state.livechat.direct_charges.push(record);
    Ok(reply::json(201, &body))
}

/// A charge is seen only by the app that sold it, on the license that
/// bought it: another customer's charge id is "not found", as on the real
/// service, so nobody can read or activate someone else's purchase.
fn visible_direct(c: &DirectChargeRecord, ctx: &Ctx<'_>) -> bool {
    c.product == ctx.product
        && c.seller_client_id == ctx.grant.client_id
        && c.buyer_license_id == ctx.grant.license_id
}

pub(super) fn find_direct(
    state: &MockState,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<usize, HttpResponse> {
    state
        .livechat
        .direct_charges
        .iter()
        .position(|c| c.id == id && visible_direct(c, ctx))
        .ok_or_else(|| reply::not_found("no direct charge with this id"))
}

pub(super) fn list_direct(state: &MockState, ctx: &Ctx<'_>) -> Result<HttpResponse, HttpResponse> {
    let page = page_param(ctx.request)?;
    let status = match query_value(ctx.request, "status") {
        None => None,
        Some(raw) => match DirectChargeStatus::from_wire(&raw) {
            DirectChargeStatus::Unknown(_) => {
                return Err(reply::invalid_field(
                    "status",
                    "must be one of pending, accepted, declined, processed, failed, success",
                ))
            }
            known => Some(known),
        },
    };
    // The mock's subscriptions never spawn direct charges, so this v3 filter
    // matches nothing.
    let by_subscription = query_value(ctx.request, "recurrent_charge_id").is_some();
    let stored = state
        .livechat
        .direct_charges
        .iter()
        .rev()
        .filter(|c| visible_direct(c, ctx))
        .filter(|c| status.as_ref().is_none_or(|s| &c.status == s))
        .filter(|_| !by_subscription)
        .map(|c| (c.created_ms, c));
    // The bulk set's charges are merged in by index: only the page's own
    // rows are built, whatever page is asked for.
    let bulk =
        visible_bulk(state, ctx).filter(|_| ctx.product == Product::Livechat && !by_subscription);
    let indexes = bulk.into_iter().flat_map(|set| {
        set.charge_indexes(status.as_ref())
            .map(|k| (set.charge_created_ms(k), k))
    });
    let result: Vec<Value> = merged_page(stored, indexes, page, PAGE_SIZE)
        .into_iter()
        .filter_map(|entry| match entry {
            Merged::Stored(c) => Some(direct_json(c)),
            Merged::Bulk(k) => bulk.and_then(|set| {
                set.charge(k)
                    .map(|charge| direct_json(&bulk_record(state, set, charge)))
            }),
        })
        .collect();
    Ok(reply::json(200, &json!({ "result": result })))
}

pub(super) fn activate_direct(
    state: &mut MockState,
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<HttpResponse, HttpResponse> {
    let index = match find_direct(state, ctx, id) {
        Ok(index) => index,
        Err(missing) => {
            // Bulk charges are all finished: refused as a stored one would be.
            let record = bulk_direct(state, ctx, id).ok_or(missing)?;
            return Err(reply::conflict(&format!(
                "the charge is {}; only an accepted charge can be activated",
                record.status
            )));
        }
    };
    let outcome = state.scenario.direct_charge;
    let charge = &mut state.livechat.direct_charges[index];
    charge.activation_requests = charge.activation_requests.saturating_add(1);
    if charge.activated_ms.is_some() {
        return Err(reply::conflict(&format!(
            "the charge was already activated (status {}); it is not charged twice",
            charge.status
        )));
    }
    if charge.status != DirectChargeStatus::Accepted {
        return Err(reply::conflict(&format!(
            "the charge is {}; only an accepted charge can be activated",
            charge.status
        )));
    }
    charge.activated_ms = Some(ctx.now_ms);
    charge.outcome = Some(outcome);
    charge.updated_ms = ctx.now_ms;
    advance(state, ctx.now_ms);
    Ok(reply::json(
        200,
        &direct_json(&state.livechat.direct_charges[index]),
    ))
}
