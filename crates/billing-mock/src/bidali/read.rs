//! `GET /charges/:id` and `GET /quotes/:id`: one charge, caught up with its
//! schedule; a quote's address is made on its first fetch.

use super::caller::{caller, require_caller, Caller};
use super::payer::{make_address, plan_payment};
use crate::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse};
use billing_core::domain::crypto::StatusCode;

pub(super) fn get_charge(
    state: &mut MockState,
    request: &HttpRequest,
    id: &str,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let caller = require_caller(state, request)?;
    let MockState { rng, bidali, .. } = state;
    let charge = bidali
        .charges
        .iter_mut()
        .find(|c| c.id == id)
        .filter(|c| match &caller {
            Caller::Organization(org) => c.organization == *org,
            Caller::Bearer => true,
        })
        .ok_or_else(|| reply::not_found(&format!("no charge with id {id}")))?;
    charge.advance(rng, now_ms);
    Ok(reply::json(200, &charge.to_json()))
}

pub(super) fn get_quote(
    state: &mut MockState,
    request: &HttpRequest,
    id: &str,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    // Quote ids are unguessable and the seed's flow sends no credentials;
    // credentials that are sent must still be valid and match.
    let caller = caller(state, request)?;
    let scenario = state.scenario.clone();
    let MockState { rng, bidali, .. } = state;
    let not_found = || reply::not_found(&format!("no quote with id {id}"));
    let charge = bidali
        .charges
        .iter_mut()
        .find(|c| c.quotes.iter().any(|q| q.id == id))
        .filter(|c| match &caller {
            Some(Caller::Organization(org)) => c.organization == *org,
            _ => true,
        })
        .ok_or_else(not_found)?;
    charge.advance(rng, now_ms);
    let position = charge
        .quotes
        .iter()
        .position(|q| q.id == id)
        .ok_or_else(not_found)?;
    if charge.quotes[position].address.is_none() {
        let index = bidali.next_address_index;
        bidali.next_address_index = index.saturating_add(1);
        let quote = &mut charge.quotes[position];
        quote.address = Some(make_address(rng, &quote.protocol));
        quote.index = Some(index);
        let protocol = quote.protocol.clone();
        let amount = quote.amount;
        // The buyer chose this coin: the payer pays in it, unless money
        // already moved in another.
        if charge.status_code == StatusCode::PENDING
            && charge.transactions.is_empty()
            && !charge.expiry_handled
        {
            charge.schedule = plan_payment(
                rng,
                &protocol,
                amount,
                scenario.crypto,
                scenario.gateway_step_ms,
                now_ms,
                charge.expires_ms,
            );
            charge.paying = Some(protocol);
        }
    }
    Ok(reply::json(200, &charge.quotes[position].to_json()))
}
