//! The recurring billing plans API under `/api/v01/plans`, JSON only.
//!
//! - `find`: `GET /api/v01/plans?offset=&limit=&accountId=&name=` answers
//!   `{"plans": [...]}`, ordered by id. `limit` defaults to 100 and is
//!   capped at 1000. `name` matches a part of the name, ignoring case (a
//!   search box, not an exact lookup); the other fields the seed lists as
//!   filters (`code`, `isActive`, `billingCycleType`, `amount`, `taxAmount`)
//!   match exactly.
//! - `create`: `PUT /api/v01/plans` answers the new plan itself (no wrapper).
//! - `load`: `GET /api/v01/plans/<id>` or `/api/v01/plans/*<code>`.
//! - `modify`: `POST` to the same resource; answers the plan. It replaces
//!   the mutable fields as `PlanChanges` carries them: `name`, `amount` and
//!   `isActive` are required, an absent `taxAmount` means no tax, an absent
//!   `billingCycleType` keeps the current code (defaulting it to `M` would
//!   silently rewrite an unknown code). `code` and `accountId` may be sent
//!   only with their current values.
//!
//! Validation follows the domain plan rules and answers 422 naming the
//! first field at fault (`amount: cannot be negative`). Without `code`, a
//! plan's code is its id, as the seed says. The seed is silent on
//! authentication, so no credentials are required.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::calendar;
use billing_core::domain::money::Cents;
use billing_core::domain::plan::{
    AccountId, BillingCycle, FieldError, NewPlan, Plan, PlanChanges, PlanCode, PlanDateTime,
    PlanField, PlanFieldError, PlanId, PlanName, PlanValidationErrors,
};

/// Plans per `find` answer when `limit` is not sent.
pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;
/// The demo merchant account of the seeded plans.
pub const DEMO_ACCOUNT_ID: i64 = 1001;

/// Every plan the mock knows, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlansState {
    /// Ascending ids.
    pub plans: Vec<Plan>,
    pub next_id: i64,
}

impl Default for PlansState {
    fn default() -> Self {
        Self {
            plans: Vec::new(),
            next_id: 1,
        }
    }
}

impl PlansState {
    /// The plans a fresh mock starts with: monthly, yearly, an inactive
    /// one and one whose cycle code (`X`) the widget does not know.
    pub fn seeded() -> Self {
        let date = |text: &str| PlanDateTime::parse(text).ok();
        let plan = |id: i64, name: &str, code: &str, amount: i64, tax: Option<i64>| Plan {
            id: PlanId(id),
            name: name.to_owned(),
            code: Some(code.to_owned()),
            account_id: AccountId(DEMO_ACCOUNT_ID),
            amount: Cents::new(amount),
            tax_amount: tax.map(Cents::new),
            billing_cycle_type: BillingCycle::Monthly,
            is_active: true,
            create_date: None,
        };
        Self {
            plans: vec![
                Plan {
                    create_date: date("2024-01-15 09:30:00"),
                    ..plan(5001, "Starter monthly", "starter-monthly", 2_900, None)
                },
                Plan {
                    billing_cycle_type: BillingCycle::Annually,
                    create_date: date("2024-02-01 12:00:00"),
                    ..plan(5002, "Pro yearly", "pro-yearly", 29_900, Some(2_990))
                },
                Plan {
                    billing_cycle_type: BillingCycle::Weekly,
                    is_active: false,
                    create_date: date("2023-06-10 08:15:42"),
                    ..plan(5003, "Legacy weekly", "legacy-weekly", 700, None)
                },
                Plan {
                    billing_cycle_type: BillingCycle::Other("X".to_owned()),
                    create_date: date("2024-03-20 17:45:05"),
                    ..plan(5004, "Custom cycle", "custom-x", 4_900, Some(0))
                },
            ],
            next_id: 5005,
        }
    }
}

pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    segments: &[&str],
    now_ms: NowMs,
) -> HttpResponse {
    let plans = &mut state.plans;
    let result = match (segments, request.method) {
        (["api", "v01", "plans"], Method::Get) => find(plans, request),
        (["api", "v01", "plans"], Method::Put) => create(plans, request, now_ms),
        (["api", "v01", "plans"], _) => Err(reply::not_allowed(request, "GET, PUT")),
        (["api", "v01", "plans", reference], Method::Get) => {
            locate(plans, reference).map(|i| reply::json(200, &plans.plans[i]))
        }
        (["api", "v01", "plans", reference], Method::Post) => modify(plans, request, reference),
        (["api", "v01", "plans", _], _) => Err(reply::not_allowed(request, "GET, POST")),
        _ => Err(reply::no_such_endpoint(request)),
    };
    result.unwrap_or_else(|response| response)
}

/// The index of the plan `<id>` or `*<code>` names.
fn locate(plans: &PlansState, reference: &str) -> Result<usize, HttpResponse> {
    let found = match reference.strip_prefix('*') {
        Some(code) => plans
            .plans
            .iter()
            .position(|p| p.code.as_deref() == Some(code)),
        None => reference
            .parse::<i64>()
            .ok()
            .and_then(|id| plans.plans.iter().position(|p| p.id.0 == id)),
    };
    found.ok_or_else(|| reply::not_found(&format!("no plan {reference}")))
}

fn field_error(error: FieldError) -> HttpResponse {
    reply::invalid_field(error.field.api_name(), &error.error.to_string())
}

fn first_error(errors: PlanValidationErrors) -> HttpResponse {
    match errors.0.into_iter().next() {
        Some(error) => field_error(error),
        None => reply::invalid_field("plan", "is not valid"),
    }
}

fn fail(field: PlanField, error: PlanFieldError) -> HttpResponse {
    field_error(FieldError { field, error })
}

// ---------------------------------------------------------------------------
// Reading fields
// ---------------------------------------------------------------------------

fn object(request: &HttpRequest) -> Result<Map<String, Value>, HttpResponse> {
    match reply::json_body(request.body.as_deref())? {
        Value::Object(map) => Ok(map),
        _ => Err(reply::bad_request("the body must be a JSON object")),
    }
}

/// A field, `None` when absent or null.
fn present(fields: &Map<String, Value>, field: PlanField) -> Option<&Value> {
    fields.get(field.api_name()).filter(|v| !v.is_null())
}

/// A whole number, as a JSON integer or a string of digits.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}

fn read_name(fields: &Map<String, Value>) -> Result<PlanName, HttpResponse> {
    match present(fields, PlanField::Name) {
        None => Err(fail(PlanField::Name, PlanFieldError::Required)),
        Some(Value::String(raw)) => PlanName::parse(raw).map_err(|e| fail(PlanField::Name, e)),
        Some(_) => Err(reply::invalid_field("name", "must be a string")),
    }
}

fn read_cents(
    fields: &Map<String, Value>,
    field: PlanField,
) -> Result<Option<Cents>, HttpResponse> {
    match present(fields, field) {
        None => Ok(None),
        Some(value) => integer(value).map(|n| Some(Cents::new(n))).ok_or_else(|| {
            reply::invalid_field(field.api_name(), "must be a whole number of cents")
        }),
    }
}

fn read_cycle(fields: &Map<String, Value>) -> Result<Option<BillingCycle>, HttpResponse> {
    match present(fields, PlanField::BillingCycleType) {
        None => Ok(None),
        Some(Value::String(code)) => Ok(Some(BillingCycle::from_code(code))),
        Some(_) => Err(reply::invalid_field(
            "billingCycleType",
            "must be a one-letter code such as M",
        )),
    }
}

fn read_active(fields: &Map<String, Value>) -> Result<Option<bool>, HttpResponse> {
    match present(fields, PlanField::IsActive) {
        None => Ok(None),
        Some(Value::Bool(active)) => Ok(Some(*active)),
        Some(_) => Err(reply::invalid_field("isActive", "must be true or false")),
    }
}

fn read_account(fields: &Map<String, Value>) -> Result<Option<AccountId>, HttpResponse> {
    match present(fields, PlanField::AccountId) {
        None => Ok(None),
        Some(value) => integer(value)
            .map(|n| Some(AccountId(n)))
            .ok_or_else(|| fail(PlanField::AccountId, PlanFieldError::NotAnInteger)),
    }
}

// ---------------------------------------------------------------------------
// find
// ---------------------------------------------------------------------------

fn find(plans: &PlansState, request: &HttpRequest) -> Result<HttpResponse, HttpResponse> {
    let params = request.query_pairs();
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    };
    let whole = |name: &str| -> Result<Option<i64>, HttpResponse> {
        param(name)
            .map(|raw| {
                raw.parse::<i64>()
                    .map_err(|_| reply::invalid_field(name, "must be a whole number"))
            })
            .transpose()
    };
    let offset = match whole("offset")? {
        None => 0,
        Some(n) => {
            usize::try_from(n).map_err(|_| reply::invalid_field("offset", "cannot be negative"))?
        }
    };
    let limit = match whole("limit")? {
        None => DEFAULT_LIMIT,
        Some(n) if n < 1 => return Err(reply::invalid_field("limit", "must be at least 1")),
        Some(n) => usize::try_from(n).unwrap_or(MAX_LIMIT).min(MAX_LIMIT),
    };
    let account = whole("accountId")?;
    let amount = whole("amount")?;
    let tax = whole("taxAmount")?;
    let name = param("name").map(str::to_lowercase);
    let code = param("code");
    let cycle = param("billingCycleType");
    let active = match param("isActive") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(reply::invalid_field("isActive", "must be true or false")),
    };
    let page: Vec<&Plan> = plans
        .plans
        .iter()
        .filter(|p| {
            account.is_none_or(|a| p.account_id.0 == a)
                && amount.is_none_or(|a| p.amount.get() == a)
                && tax.is_none_or(|t| p.tax_amount.map(Cents::get) == Some(t))
                && name
                    .as_deref()
                    .is_none_or(|n| p.name.to_lowercase().contains(n))
                && code.is_none_or(|c| p.code.as_deref() == Some(c))
                && cycle.is_none_or(|c| p.billing_cycle_type.code() == c)
                && active.is_none_or(|a| p.is_active == a)
        })
        .skip(offset)
        .take(limit)
        .collect();
    Ok(reply::json(200, &json!({ "plans": page })))
}

// ---------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------

fn create(
    plans: &mut PlansState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let fields = object(request)?;
    let name = read_name(&fields)?;
    let code = match present(&fields, PlanField::Code) {
        None => None,
        Some(Value::String(raw)) => {
            Some(PlanCode::parse(raw).map_err(|e| fail(PlanField::Code, e))?)
        }
        Some(_) => return Err(reply::invalid_field("code", "must be a string")),
    };
    let account_id = read_account(&fields)?
        .ok_or_else(|| fail(PlanField::AccountId, PlanFieldError::Required))?;
    let amount = read_cents(&fields, PlanField::Amount)?
        .ok_or_else(|| fail(PlanField::Amount, PlanFieldError::Required))?;
    let tax_amount = read_cents(&fields, PlanField::TaxAmount)?;
    let billing_cycle_type = read_cycle(&fields)?.unwrap_or_default();
    let is_active =
        read_active(&fields)?.ok_or_else(|| fail(PlanField::IsActive, PlanFieldError::Required))?;
    let new = NewPlan {
        name,
        code,
        account_id,
        amount,
        tax_amount,
        billing_cycle_type,
        is_active,
    };
    new.validate().map_err(first_error)?;

    let id = next_free_id(plans);
    let code = new
        .code
        .as_ref()
        .map_or_else(|| id.to_string(), |c| c.as_str().to_owned());
    if let Some(owner) = plans
        .plans
        .iter()
        .find(|p| p.code.as_deref() == Some(&code))
    {
        return Err(reply::invalid_field(
            "code",
            &format!("is already used by plan {}", owner.id),
        ));
    }
    let plan = Plan {
        id: PlanId(id),
        name: new.name.as_str().to_owned(),
        code: Some(code),
        account_id: new.account_id,
        amount: new.amount,
        tax_amount: new.tax_amount,
        billing_cycle_type: new.billing_cycle_type,
        is_active: new.is_active,
        create_date: PlanDateTime::parse(&calendar::gateway_datetime(now_ms)).ok(),
    };
    plans.next_id = id.saturating_add(1);
    let response = reply::json(200, &plan);
    plans.plans.push(plan);
    Ok(response)
}

fn next_free_id(plans: &PlansState) -> i64 {
    let highest = plans.plans.iter().map(|p| p.id.0).max().unwrap_or(0);
    plans.next_id.max(highest.saturating_add(1))
}

// ---------------------------------------------------------------------------
// modify
// ---------------------------------------------------------------------------

fn modify(
    plans: &mut PlansState,
    request: &HttpRequest,
    reference: &str,
) -> Result<HttpResponse, HttpResponse> {
    let index = locate(plans, reference)?;
    let fields = object(request)?;
    let existing = &plans.plans[index];

    if let Some(sent) = present(&fields, PlanField::Code) {
        if sent.as_str() != existing.code.as_deref() {
            return Err(fail(PlanField::Code, PlanFieldError::Immutable));
        }
    }
    if let Some(sent) = present(&fields, PlanField::AccountId) {
        if integer(sent) != Some(existing.account_id.0) {
            return Err(fail(PlanField::AccountId, PlanFieldError::Immutable));
        }
    }
    let changes = PlanChanges {
        name: read_name(&fields)?,
        amount: read_cents(&fields, PlanField::Amount)?
            .ok_or_else(|| fail(PlanField::Amount, PlanFieldError::Required))?,
        tax_amount: read_cents(&fields, PlanField::TaxAmount)?,
        billing_cycle_type: read_cycle(&fields)?
            .unwrap_or_else(|| existing.billing_cycle_type.clone()),
        is_active: read_active(&fields)?
            .ok_or_else(|| fail(PlanField::IsActive, PlanFieldError::Required))?,
    };
    changes.validate().map_err(first_error)?;
    let updated = existing.with_changes(&changes);
    let response = reply::json(200, &updated);
    plans.plans[index] = updated;
    Ok(response)
}
