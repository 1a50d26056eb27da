//! Who is asking: a publishable key (resolved to its organization) or a
//! Bearer token.

use crate::{reply, MockState};
use billing_core::api::transport::{HttpRequest, HttpResponse};

pub(super) enum Caller {
    /// A publishable key, resolved to its organization id.
    Organization(String),
    Bearer,
}

pub(super) fn query_value(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn is_publishable_key(key: &str) -> bool {
    key.len() > 3
        && key.len() <= 128
        && key.starts_with("pk_")
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The caller, `None` when the request carries no credentials at all.
pub(super) fn caller(
    state: &mut MockState,
    request: &HttpRequest,
) -> Result<Option<Caller>, HttpResponse> {
    if let Some(key) = query_value(request, "organization") {
        if !is_publishable_key(&key) {
            return Err(reply::unauthorized(
                "organization: not a publishable key (pk_...)",
            ));
        }
        let MockState { rng, bidali, .. } = state;
        let id = bidali
            .organizations
            .entry(key)
            .or_insert_with(|| rng.short_id(16))
            .clone();
        return Ok(Some(Caller::Organization(id)));
    }
    match request.header("Authorization") {
        None => Ok(None),
        Some(value) => {
            let token = value
                .split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim());
            match token {
                Some(token) if !token.is_empty() => Ok(Some(Caller::Bearer)),
                _ => Err(reply::unauthorized(
                    "the Authorization header is not a Bearer token",
                )),
            }
        }
    }
}

pub(super) fn require_caller(
    state: &mut MockState,
    request: &HttpRequest,
) -> Result<Caller, HttpResponse> {
    caller(state, request)?.ok_or_else(|| {
        reply::unauthorized("send ?organization=<publishable key> or a Bearer token")
    })
}
