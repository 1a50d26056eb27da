//! `GET /charges`: a Bearer token's list of charges, filtered and paged as
//! Feathers does (`$limit`, `$skip`), newest first.

use serde_json::{json, Value};

use super::caller::{caller, query_value, Caller};
use super::{StoredCharge, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse};
use billing_core::domain::money::ExactAmount;
use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};

pub(super) fn list_charges(
    state: &mut MockState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    if !matches!(caller(state, request)?, Some(Caller::Bearer)) {
        return Err(reply::unauthorized(
            "listing charges needs an Authorization: Bearer token",
        ));
    }
    let code = |name: &str| -> Result<Option<u16>, HttpResponse> {
        query_value(request, name)
            .map(|raw| {
                raw.trim()
                    .parse::<u16>()
                    .map_err(|_| reply::invalid_field(name, "must be a status code number"))
            })
            .transpose()
    };
    let exact = code("statusCode")?;
    let below = code("statusCode[$lt]")?;
    let above = code("statusCode[$gt]")?;
    let organization = query_value(request, "organizationId");
    let amount = query_value(request, "amount")
        .map(|raw| {
            ExactAmount::parse(raw.trim())
                .map_err(|_| reply::invalid_field("amount", "must be a decimal number"))
        })
        .transpose()?;
    let count = |name: &str, default: usize, max: usize| -> Result<usize, HttpResponse> {
        match query_value(request, name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse::<usize>()
                .map(|n| n.min(max))
                .map_err(|_| reply::invalid_field(name, "must be a whole number")),
        }
    };
    let limit = count("$limit", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let skip = count("$skip", 0, usize::MAX)?;

    let MockState { rng, bidali, .. } = state;
    for charge in &mut bidali.charges {
        charge.advance(rng, now_ms);
    }
    let matching: Vec<&StoredCharge> = bidali
        .charges
        .iter()
        .rev()
        .filter(|c| {
            let code = c.status_code.get();
            exact.is_none_or(|n| code == n)
                && below.is_none_or(|n| code < n)
                && above.is_none_or(|n| code > n)
                && organization.as_deref().is_none_or(|o| c.organization == o)
                && amount.is_none_or(|a| c.amount == a)
        })
        .collect();
    let mut newest_first = matching;
    // Stable: equal creation times keep the newest-created first.
    sort_by_key(&mut newest_first, Direction::Descending, |c| {
        millis_key(c.created_ms)
    });
    let data: Vec<Value> = newest_first
        .iter()
        .skip(skip)
        .take(limit)
        .map(|c| c.to_json())
        .collect();
    Ok(reply::json(
        200,
        &json!({
            "total": newest_first.len(),
            "limit": limit,
            "skip": skip,
            "data": data,
        }),
    ))
}
