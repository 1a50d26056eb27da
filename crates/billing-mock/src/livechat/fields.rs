//! Request fields: reading and checking a request's JSON body and query
//! (text, numbers, flags, URLs, commission, page), and the URLs a charge
//! carries.

use serde_json::{Map, Value};
use url::Url;

use super::{MAX_URL_LEN, PAGE_SIZE};
use crate::oauth::Grant;
use crate::{reply, MockState};
use billing_core::api::transport::{HttpRequest, HttpResponse};
use billing_core::domain::charge::ChargeKind;
use billing_core::domain::oauth::Scope;

type Fields = Map<String, Value>;

pub(super) fn body_object(request: &HttpRequest) -> Result<Fields, HttpResponse> {
    match reply::json_body(request.body.as_deref())? {
        Value::Object(map) => Ok(map),
        _ => Err(reply::bad_request("the body must be a JSON object")),
    }
}

pub(super) fn present<'a>(fields: &'a Fields, field: &str) -> Option<&'a Value> {
    fields.get(field).filter(|v| !v.is_null())
}

pub(super) fn required_text(
    fields: &Fields,
    field: &str,
    max_len: usize,
) -> Result<String, HttpResponse> {
    let value = present(fields, field).ok_or_else(|| reply::invalid_field(field, "is required"))?;
    let text = value
        .as_str()
        .ok_or_else(|| reply::invalid_field(field, "must be a string"))?
        .trim();
    if text.is_empty() {
        return Err(reply::invalid_field(field, "must not be empty"));
    }
    if text.chars().count() > max_len {
        return Err(reply::invalid_field(
            field,
            &format!("must be at most {max_len} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(reply::invalid_field(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text.to_owned())
}

pub(super) fn whole_number(
    fields: &Fields,
    field: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, HttpResponse> {
    let Some(value) = present(fields, field) else {
        return Ok(None);
    };
    let number = value.as_i64().ok_or_else(|| {
        reply::invalid_field(field, "must be a whole number (prices are in cents)")
    })?;
    if number < min || number > max {
        return Err(reply::invalid_field(
            field,
            &format!("must be between {min} and {max}"),
        ));
    }
    Ok(Some(number))
}

pub(super) fn required_number(
    fields: &Fields,
    field: &str,
    min: i64,
    max: i64,
) -> Result<i64, HttpResponse> {
    whole_number(fields, field, min, max)?.ok_or_else(|| reply::invalid_field(field, "is required"))
}

pub(super) fn flag(fields: &Fields, field: &str) -> Result<bool, HttpResponse> {
    match present(fields, field) {
        None => Ok(false),
        Some(Value::Bool(value)) => Ok(*value),
        Some(_) => Err(reply::invalid_field(field, "must be true or false")),
    }
}

pub(super) fn return_url(fields: &Fields) -> Result<Url, HttpResponse> {
    let raw = required_text(fields, "return_url", MAX_URL_LEN)?;
    Url::parse(&raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .ok_or_else(|| reply::invalid_field("return_url", "must be an absolute http(s) URL"))
}

/// `commission_percent` may be set only with `billing_admin`.
pub(super) fn commission(
    state: &MockState,
    fields: &Fields,
    grant: &Grant,
) -> Result<u32, HttpResponse> {
    match whole_number(fields, "commission_percent", 0, 100)? {
        None => Ok(state.livechat.commission_percent.min(100)),
        Some(percent) => {
            grant.require(&Scope::BillingAdmin)?;
            Ok(u32::try_from(percent).unwrap_or(0))
        }
    }
}

/// `url` with `id` and `type` set (replacing any there), other parameters kept.
pub(super) fn with_charge_params(url: &Url, id: &str, kind: ChargeKind) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "id" && k != "type")
        .collect();
    let mut out = url.clone();
    out.set_query(None);
    {
        let mut query = out.query_pairs_mut();
        for (key, value) in &kept {
            query.append_pair(key, value);
        }
        query
            .append_pair("id", id)
            .append_pair("type", kind.param());
    }
    out
}

pub(super) fn confirmation_url(state: &MockState, id: &str, kind: ChargeKind) -> String {
    let base = &state.livechat.confirmation_base;
    match Url::parse(base) {
        Ok(url) => with_charge_params(&url, id, kind).to_string(),
        Err(_) => format!("{base}?id={id}&type={}", kind.param()),
    }
}

pub(super) fn page_param(request: &HttpRequest) -> Result<usize, HttpResponse> {
    match query_value(request, "page") {
        None => Ok(1),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|page| *page >= 1 && *page <= 1_000_000)
            .ok_or_else(|| reply::invalid_field("page", "must be a whole number from 1")),
    }
}

/// A query parameter; empty means absent.
pub(super) fn query_value(request: &HttpRequest, key: &str) -> Option<String> {
    request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

pub(super) fn paginate<T, U>(items: Vec<T>, page: usize, to_json: impl Fn(T) -> U) -> Vec<U> {
    items
        .into_iter()
        .skip((page - 1).saturating_mul(PAGE_SIZE))
        .take(PAGE_SIZE)
        .map(to_json)
        .collect()
}
