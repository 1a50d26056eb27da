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

use super::error::ApiError;
use super::transport::{HttpRequest, HttpResponse, Method, Transport};
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
    pub fn find_plans(&self, query: &PlanQuery) -> Result<HttpRequest, ApiError> {
        Ok(self.request(Method::Get, &["plans"], &query.pairs()?))
    }

    /// `GET /plans/<id or *code>`.
    pub fn load_plan(&self, plan: &PlanRef) -> HttpRequest {
        self.request(Method::Get, &["plans", &plan.path_segment()], &[])
    }

    /// `PUT /plans` with the new plan, after validation.
    pub fn create_plan(&self, plan: &NewPlan) -> Result<HttpRequest, ApiError> {
        plan.validate().map_err(first_problem)?;
        let body = to_json_body("body", plan)?;
        Ok(self
            .request(Method::Put, &["plans"], &[])
            .with_json_body(body))
    }

    /// `POST /plans/<id or *code>` with the changes, after validation.
    pub fn modify_plan(
        &self,
        plan: &PlanRef,
        changes: &PlanChanges,
    ) -> Result<HttpRequest, ApiError> {
        changes.validate().map_err(first_problem)?;
        let body = to_json_body("body", changes)?;
        Ok(self
            .request(Method::Post, &["plans", &plan.path_segment()], &[])
            .with_json_body(body))
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
        return Err(ApiError::Decode {
            path: String::new(),
            message: "expected a list of plans".to_owned(),
        });
    };
    let arrays: Vec<&String> = object
        .iter()
        .filter(|(_, v)| v.is_array())
        .map(|(k, _)| k)
        .collect();
    match arrays.as_slice() {
        [key] => decode_list_under(body, key),
        [] => Err(ApiError::Decode {
            path: String::new(),
            message: "expected a list of plans; the object holds none".to_owned(),
        }),
        _ => Err(ApiError::Decode {
            path: String::new(),
            message: "expected one list of plans; the object holds several".to_owned(),
        }),
    }
}

/// The plans API over a transport: build, send, parse.
#[derive(Debug, Clone)]
pub struct PlansClient<T> {
    api: PlansApi,
    transport: T,
}

impl<T: Transport> PlansClient<T> {
    pub fn new(api: PlansApi, transport: T) -> Self {
        Self { api, transport }
    }

    pub fn api(&self) -> &PlansApi {
        &self.api
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, ApiError> {
        Ok(self.transport.send(request).await?)
    }

    pub async fn find_plans(&self, query: &PlanQuery) -> Result<Vec<Plan>, ApiError> {
        let response = self.send(self.api.find_plans(query)?).await?;
        parse_plans(&response)
    }

    pub async fn load_plan(&self, plan: &PlanRef) -> Result<Plan, ApiError> {
        let response = self.send(self.api.load_plan(plan)).await?;
        parse_plan(&response)
    }

    pub async fn create_plan(&self, plan: &NewPlan) -> Result<Plan, ApiError> {
        let response = self.send(self.api.create_plan(plan)?).await?;
        parse_plan(&response)
    }

    pub async fn modify_plan(
        &self,
        plan: &PlanRef,
        changes: &PlanChanges,
    ) -> Result<Plan, ApiError> {
        let response = self.send(self.api.modify_plan(plan, changes)?).await?;
        parse_plan(&response)
    }
}
