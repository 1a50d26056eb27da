//! Response shapes shared by every mocked service: JSON bodies and the
//! OAuth-style error body `{"error", "error_description"}` LiveChat sends.

use serde::Serialize;
use serde_json::{json, Value};

use billing_core::api::transport::{HttpRequest, HttpResponse};

pub fn json<T: Serialize>(status: u16, body: &T) -> HttpResponse {
    match serde_json::to_value(body) {
        Ok(value) => HttpResponse::json(status, &value),
        Err(err) => internal_error(&err.to_string()),
    }
}

/// An OAuth-style error body, as the LiveChat APIs send them.
pub fn error(status: u16, code: &str, description: &str) -> HttpResponse {
    HttpResponse::json(
        status,
        &json!({ "error": code, "error_description": description }),
    )
}

pub fn bad_request(description: &str) -> HttpResponse {
    error(400, "invalid_request", description)
}

/// A required or malformed field, named in the description.
pub fn invalid_field(field: &str, problem: &str) -> HttpResponse {
    error(422, "invalid_request", &format!("{field}: {problem}"))
}

pub fn unauthorized(description: &str) -> HttpResponse {
    error(401, "unauthorized", description).with_header("WWW-Authenticate", "Bearer")
}

pub fn forbidden_scope(scope: &str) -> HttpResponse {
    error(
        403,
        "insufficient_scope",
        &format!("the access token lacks the {scope} scope"),
    )
}

pub fn not_found(description: &str) -> HttpResponse {
    error(404, "not_found", description)
}

pub fn conflict(description: &str) -> HttpResponse {
    error(409, "invalid_state", description)
}

pub fn method_not_allowed(description: &str) -> HttpResponse {
    error(405, "method_not_allowed", description)
}

/// 405 naming the methods the path does take.
pub fn not_allowed(request: &HttpRequest, allow: &str) -> HttpResponse {
    method_not_allowed(&format!(
        "{} is not allowed on {}",
        request.method,
        request.url.path()
    ))
    .with_header("Allow", allow)
}

pub fn no_such_endpoint(request: &HttpRequest) -> HttpResponse {
    not_found(&format!(
        "no such endpoint: {} {}",
        request.method,
        request.url.path()
    ))
}

pub fn internal_error(description: &str) -> HttpResponse {
    error(500, "server_error", description)
}

/// The request body as JSON, or the 400 to answer when it is not.
pub fn json_body(body: Option<&str>) -> Result<Value, HttpResponse> {
    let text = body.ok_or_else(|| bad_request("a JSON body is required"))?;
    serde_json::from_str(text)
        .map_err(|err| bad_request(&format!("the body is not valid JSON: {err}")))
}
