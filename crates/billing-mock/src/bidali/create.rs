//! `POST /charges`: the request's amount, currency, description, metadata
//! and customer checked, and a charge made with a quote in every coin.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value};

use super::caller::{require_caller, Caller};
use super::{
    base_price, quote_amount, quote_rate, BidaliState, StoredCharge, StoredCustomer, StoredQuote,
    BEARER_ORGANIZATION_ID, CHARGE_LIFETIME_MS, CURRENCIES, MAX_DESCRIPTION_LEN,
    QUOTE_DECIMALS_CAP, SUPPORTED_FIAT,
};
use crate::{reply, MockRng, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse};
use billing_core::domain::charge::validate_id;
use billing_core::domain::crypto::StatusCode;
use billing_core::domain::money::{ExactAmount, UnitsError, DEFAULT_MAX_CENTS};

pub(super) fn create_charge(
    state: &mut MockState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let organization = match require_caller(state, request)? {
        Caller::Organization(id) => id,
        Caller::Bearer => BEARER_ORGANIZATION_ID.to_owned(),
    };
    let body = reply::json_body(request.body.as_deref())?;
    let fields = body
        .as_object()
        .ok_or_else(|| reply::bad_request("the body must be a JSON object"))?;

    let amount = read_fiat_amount(fields.get("amount"))?;
    let currency = read_currency(fields.get("currency"))?;
    let description = match fields.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) if text.chars().count() > MAX_DESCRIPTION_LEN => {
            return Err(reply::invalid_field(
                "description",
                &format!("must be at most {MAX_DESCRIPTION_LEN} characters"),
            ))
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => return Err(reply::invalid_field("description", "must be a string")),
    };
    let metadata = match fields.get("metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => {
            return Err(reply::invalid_field(
                "metadata",
                "must be an object of key-value pairs",
            ))
        }
    };
    let customer = read_customer(state, fields.get("customer"))?;

    let MockState { rng, bidali, .. } = state;
    let quotes = CURRENCIES
        .iter()
        .filter_map(|info| {
            let price = wobble(rng, base_price(&currency, info.protocol)?);
            let decimals = info.decimals.min(QUOTE_DECIMALS_CAP);
            Some(StoredQuote {
                protocol: info.protocol.to_owned(),
                id: rng.uuid(),
                rate: quote_rate(price)?,
                amount: quote_amount(amount, price, decimals)?,
                index: None,
                address: None,
                ticker: info.ticker.to_owned(),
            })
        })
        .collect();
    let mut charge = StoredCharge {
        id: unique_charge_id(rng, bidali),
        amount,
        currency,
        description,
        metadata,
        created_ms: now_ms,
        expires_ms: now_ms.saturating_add(CHARGE_LIFETIME_MS),
        status_code: StatusCode::PENDING,
        organization,
        customer,
        timeline: Vec::new(),
        quotes,
        transactions: Vec::new(),
        schedule: Vec::new(),
        paying: None,
        expiry_handled: false,
    };
    charge.record(rng, now_ms, "CHARGE_CREATED");
    let response = reply::json(200, &charge.to_json());
    bidali.charges.push(charge);
    Ok(response)
}

fn unique_charge_id(rng: &mut MockRng, bidali: &BidaliState) -> String {
    loop {
        let id = rng.short_id(9);
        if !bidali.charges.iter().any(|c| c.id == id) {
            return id;
        }
    }
}

/// The price moved a little: within half a percent either way, in cents.
fn wobble(rng: &mut MockRng, price: Decimal) -> Decimal {
    let basis_points = Decimal::from(rng.u64(9_950..10_051));
    price
        .checked_mul(basis_points)
        .and_then(|p| p.checked_div(Decimal::from(10_000)))
        .map_or(price, |p| {
            p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
}

fn read_fiat_amount(value: Option<&Value>) -> Result<ExactAmount, HttpResponse> {
    let invalid = |problem: &str| reply::invalid_field("amount", problem);
    let amount = match value {
        None | Some(Value::Null) => return Err(invalid("is required")),
        Some(Value::String(text)) => ExactAmount::parse(text.trim())
            .map_err(|_| invalid("must be a decimal number such as 50.00 or 50"))?,
        Some(number @ Value::Number(_)) => serde_json::from_value::<ExactAmount>(number.clone())
            .map_err(|_| invalid("must be a decimal number such as 50.00 or 50"))?,
        Some(_) => return Err(invalid("must be a string or a number")),
    };
    if !amount.is_positive() {
        return Err(invalid("must be more than zero"));
    }
    match amount.to_cents() {
        Err(UnitsError::TooPrecise { .. }) => Err(invalid("must have at most 2 decimal places")),
        Err(_) => Err(invalid("is too large")),
        Ok(cents) if cents > DEFAULT_MAX_CENTS => Err(invalid(&format!(
            "must be at most {}",
            DEFAULT_MAX_CENTS.to_plain_string()
        ))),
        Ok(_) => Ok(amount),
    }
}

fn read_currency(value: Option<&Value>) -> Result<String, HttpResponse> {
    let code = match value {
        None | Some(Value::Null) => return Err(reply::invalid_field("currency", "is required")),
        Some(Value::String(code)) => code.trim().to_ascii_uppercase(),
        Some(_) => {
            return Err(reply::invalid_field(
                "currency",
                "must be a string such as USD",
            ))
        }
    };
    if SUPPORTED_FIAT.contains(&code.as_str()) {
        Ok(code)
    } else {
        Err(reply::invalid_field(
            "currency",
            &format!("is not supported; use one of {}", SUPPORTED_FIAT.join(", ")),
        ))
    }
}

fn read_customer(
    state: &mut MockState,
    value: Option<&Value>,
) -> Result<Option<StoredCustomer>, HttpResponse> {
    let fields = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(id)) => {
            if validate_id(id).is_err() {
                return Err(reply::invalid_field("customer", "is not a customer id"));
            }
            return state
                .bidali
                .customers
                .iter()
                .find(|c| c.id == *id)
                .cloned()
                .map(Some)
                .ok_or_else(|| reply::invalid_field("customer", "no customer has this id"));
        }
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(reply::invalid_field(
                "customer",
                "must be a customer id or an object with an email",
            ))
        }
    };
    let text = |name: &str, field: &str| -> Result<Option<String>, HttpResponse> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s))
                if s.chars().count() <= 254 && !s.chars().any(char::is_control) =>
            {
                Ok(Some(s.trim().to_owned()))
            }
            Some(Value::String(_)) => {
                Err(reply::invalid_field(field, "is too long or not plain text"))
            }
            Some(_) => Err(reply::invalid_field(field, "must be a string")),
        }
    };
    let email = text("email", "customer.email")?
        .ok_or_else(|| reply::invalid_field("customer.email", "is required"))?;
    let email_ok = !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if !email_ok {
        return Err(reply::invalid_field(
            "customer.email",
            "must be an email address such as name@example.com",
        ));
    }
    let first_name = text("firstName", "customer.firstName")?;
    let last_name = text("lastName", "customer.lastName")?;
    let MockState { rng, bidali, .. } = state;
    let known = bidali.customers.iter_mut().find(|c| {
        c.email
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&email))
    });
    let customer = match known {
        Some(existing) => {
            if first_name.is_some() {
                existing.first_name = first_name;
            }
            if last_name.is_some() {
                existing.last_name = last_name;
            }
            existing.clone()
        }
        None => {
            let customer = StoredCustomer {
                id: rng.uuid(),
                email: Some(email),
                first_name,
                last_name,
            };
            bidali.customers.push(customer.clone());
            customer
        }
    };
    Ok(Some(customer))
}
