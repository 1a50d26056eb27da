//! Recurring billing plans, a payment gateway's management API under
//! `<api root>/plans` (`https://[server]/api/v01/plans`): `find`, `load`,
//! `create` and `modify`, JSON only.
//!
//! Verbs as documented: `load` is `GET /plans/<ref>` and `modify` is
//! `POST /plans/<ref>` (the seed); `create` is `PUT /plans` and `find` is
//! `GET /plans?offset=&limit=&accountId=&name=` (the API facts). `<ref>` is
//! a plan id or `*<code>`. Each answers with the plan itself, no wrapper.

use std::fmt;

use serde_json::Value;
use url::Url;

use super::endpoint::{Client, Endpoint};
use super::error::{ApiError, Service};
use super::transport::{HttpRequest, HttpResponse, Method};
use super::wire::{
    check_base_url, decode_json, decode_list_under, endpoint, parse_json, success_body,
    to_json_body,
};
use crate::domain::plan::{AccountId, NewPlan, Plan, PlanChanges, PlanRef, PlanValidationErrors};

/// Filters of `find`. The gateway returns at most `limit` plans (100 when
/// not sent) from `offset`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanQuery {
    pub offset: Option<u32>,
    pub limit: Option<u32>,
    pub account_id: Option<AccountId>,
    pub name: Option<String>,
}

impl PlanQuery {
    /// The gateway's page size when `limit` is not sent.
    pub const DEFAULT_LIMIT: u32 = 100;

    fn pairs(&self) -> Result<Vec<(&'static str, String)>, ApiError> {
        let mut pairs = Vec::new();
        if let Some(offset) = self.offset {
            pairs.push(("offset", offset.to_string()));
        }
        if let Some(limit) = self.limit {
            if limit == 0 {
                return Err(ApiError::validation("limit", "must be at least 1"));
            }
            pairs.push(("limit", limit.to_string()));
        }
        if let Some(account) = self.account_id {
            if account.0 <= 0 {
                return Err(ApiError::validation(
                    "accountId",
                    "must be a positive number",
                ));
            }
            pairs.push(("accountId", account.to_string()));
        }
        if let Some(name) = &self.name {
            let name = name.trim();
            if !name.is_empty() {
                pairs.push(("name", name.to_owned()));
            }
        }
        Ok(pairs)
    }
}

/// The first problem of a plan form, as one API error.
fn first_problem(errors: PlanValidationErrors) -> ApiError {
    match errors.0.into_iter().next() {
        Some(first) => ApiError::validation(first.field.api_name(), first.error.to_string()),
        None => ApiError::validation("plan", "is not valid"),
    }
}

/// Where the plans API is and how to authorise. Builds requests only.
#[derive(Clone, PartialEq, Eq)]
pub struct PlansApi {
    base: Url,
    authorization: Option<String>,
}

impl PlansApi {
    /// `base` is the API root (`https://gateway.example.com/api/v01`);
    /// paths continue with `plans`.
    pub fn new(base: &Url) -> Result<Self, ApiError> {
        Ok(Self {
            base: check_base_url("base_url", base)?,
            authorization: None,
        })
    }

    /// An `Authorization` header value sent with every request. The seed
    /// does not say how the gateway authenticates, so this is the
    /// deployment's choice (a Bearer token, for instance).
    pub fn with_authorization(mut self, value: impl Into<String>) -> Self {
        self.authorization = Some(value.into());
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn request(&self, method: Method, path: &[&str], query: &[(&str, String)]) -> HttpRequest {
        let request = HttpRequest::new(method, endpoint(&self.base, path, query))
            .with_header("Accept", "application/json");
        match &self.authorization {
            Some(value) => request.with_header("Authorization", value.clone()),
            None => request,
        }
    }

    /// `GET /plans?offset=&limit=&accountId=&name=`.
    pub fn find_plans(&self, query: &PlanQuery) -> Endpoint<Vec<Plan>> {
        let request = query
            .pairs()
            .map(|pairs| self.request(Method::Get, &["plans"], &pairs));
        Endpoint::checked(Service::Billing, request, parse_plans)
    }

    /// `GET /plans/<id or *code>`.
    pub fn load_plan(&self, plan: &PlanRef) -> Endpoint<Plan> {
        Endpoint::new(
            Service::Billing,
            self.request(Method::Get, &["plans", &plan.path_segment()], &[]),
            parse_plan,
        )
    }

    /// `PUT /plans` with the new plan, after validation.
    pub fn create_plan(&self, plan: &NewPlan) -> Endpoint<Plan> {
        let request = plan
            .validate()
            .map_err(first_problem)
            .and_then(|()| to_json_body("body", plan))
            .map(|body| {
                self.request(Method::Put, &["plans"], &[])
                    .with_json_body(body)
            });
        Endpoint::checked(Service::Billing, request, parse_plan)
    }

    /// `POST /plans/<id or *code>` with the changes, after validation.
    pub fn modify_plan(&self, plan: &PlanRef, changes: &PlanChanges) -> Endpoint<Plan> {
        let request = changes
            .validate()
            .map_err(first_problem)
            .and_then(|()| to_json_body("body", changes))
            .map(|body| {
                self.request(Method::Post, &["plans", &plan.path_segment()], &[])
                    .with_json_body(body)
            });
        Endpoint::checked(Service::Billing, request, parse_plan)
    }
}

/// The authorization value may be a secret: never shown.
impl fmt::Debug for PlansApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlansApi")
            .field("base", &self.base.as_str())
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// `load`, `create` and `modify` answer with the plan.
pub fn parse_plan(response: &HttpResponse) -> Result<Plan, ApiError> {
    parse_json(response)
}

/// `find` answers with a list. Its shape is not in the seed: a bare array
/// is read, and so is an object holding exactly one array (`{"plans": [...]}`
/// or any other name); anything else is a decode error.
pub fn parse_plans(response: &HttpResponse) -> Result<Vec<Plan>, ApiError> {
    let body = success_body(response)?;
    if body.starts_with('[') {
        return decode_json(body);
    }
    let value: Value = decode_json(body)?;
    let Some(object) = value.as_object() else {
        return Err(ApiError::decode("", "expected a list of plans"));
    };
    let arrays: Vec<&String> = object
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    match arrays.as_slice() {
        [key] => decode_list_under(body, key),
        [] => Err(ApiError::decode(
            "",
            "expected a list of plans; the object holds none",
        )),
        _ => Err(ApiError::decode(
            "",
            "expected one list of plans; the object holds several",
        )),
    }
}

/// The Plans API over a transport.
pub type PlansClient<T> = Client<PlansApi, T>;
