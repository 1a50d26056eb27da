//! Helpers the core's test files share (`mod support;` in each). Not every
//! test binary uses every helper, hence the allowance.
#![allow(dead_code)]

use billing_core::api::ApiError;
use billing_core::api::Service;
use url::Url;

/// A plain HTTP refusal with `status` and nothing else: no body, no
/// `Retry-After`.
pub fn http(status: u16) -> ApiError {
    ApiError::Http {
        service: Service::Billing,
        status,
        body: None,
        snippet: None,
        retry_after_secs: None,
    }
}

pub fn url(raw: &str) -> Url {
    Url::parse(raw).expect("a test URL")
}
