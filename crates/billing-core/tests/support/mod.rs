//! Helpers the core's test files share (`mod support;` in each). Not every
//! test binary uses every helper, hence the allowance.
#![allow(dead_code)]

use billing_core::api::ApiError;
use billing_core::api::Service;
use billing_core::domain::plan::PlanForm;
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

/// A plan form every field of which is right: "Pro monthly", 19.00 plus
/// 1.52 tax, monthly, active, for account 2001.
pub fn valid_plan_form() -> PlanForm {
    PlanForm {
        name: "Pro monthly".into(),
        code: "pro-monthly".into(),
        account_id: "2001".into(),
        amount: "19.00".into(),
        tax_amount: "1.52".into(),
        billing_cycle: "M".into(),
        is_active: true,
    }
}
