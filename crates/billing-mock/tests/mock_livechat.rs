//! The mock Billing API, driven through `MockBackend::handle` with requests
//! built by the widget's own `BillingApi` and answers read by its own
//! parsers: if these pass, the mock and the client agree on every shape.

use billing_core::api::livechat::{
    parse_balance, parse_direct_charge, parse_direct_charges, parse_ledger, parse_recurrent_charge,
    parse_recurrent_charges, ApiVersion, BillingApi, DirectCharge, DirectChargeQuery,
    NewDirectCharge, NewRecurrentCharge, Product, RecurrentAction, RecurrentCharge,
    RecurrentChargeQuery,
};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::api::ApiError;
use billing_core::domain::calendar::{add_months, rfc3339_seconds as format_rfc3339};
use billing_core::domain::charge::{
    ChargeKind, DirectChargeId, DirectChargeStatus, LedgerEntryType, RecurrentChargeId,
    RecurrentChargeStatus,
};
use billing_core::domain::money::Cents;
use billing_core::domain::oauth::{AccessToken, Callback, Scope};
use billing_mock::control::{Fault, FaultPlan, ScheduledFault};
use billing_mock::livechat::{
    add_sample_direct_charges, charge_summary, confirm_charge, ConfirmError,
};
use billing_mock::oauth::{authorize, AuthorizeParams, Decision};
use billing_mock::{MockBackend, Scenario};
use serde_json::{json, Value};
use url::Url;

mod support;
use support::{sign_in, World, AGENT, CLIENT, NOW, OWNER, STEP};

const DAY: u64 = 86_400_000;
const ADMIN: &str = "a1f2c3d4-0003-4e5f-8a9b-0c1d2e3f4a03";
const RETURN: &str = "https://app.example.com/return";

fn world_with(version: ApiVersion, account: &str) -> World {
    let mut backend = MockBackend::new(42);
    let token = sign_in(&mut backend, account, CLIENT);
    let base = Url::parse(match version {
        ApiVersion::V3 => "https://billing.text.com",
        _ => "https://billing.livechatinc.com",
    })
    .unwrap();
    World {
        backend,
        api: BillingApi::new(&base, version).unwrap(),
        token,
    }
}

fn world() -> World {
    world_with(ApiVersion::V1, OWNER)
}

impl World {
    fn create_direct(&mut self, charge: &NewDirectCharge, now: u64) -> DirectCharge {
        let request = self
            .api
            .create_direct_charge(&self.token, charge)
            .into_request()
            .unwrap();
        let response = self.send(request, now);
        assert_eq!(response.status, 201, "{}", response.body);
        parse_direct_charge(&response).unwrap()
    }

    fn get_direct(&mut self, id: &DirectChargeId, now: u64) -> DirectCharge {
        let request = self
            .api
            .get_direct_charge(&self.token, id)
            .into_request()
            .unwrap();
        parse_direct_charge(&self.send(request, now)).unwrap()
    }

    fn activate(&mut self, id: &DirectChargeId, now: u64) -> HttpResponse {
        let request = self
            .api
            .activate_direct_charge(&self.token, id)
            .into_request()
            .unwrap();
        self.send(request, now)
    }

    /// The first page of one-time charges as `token` sees it.
    fn list_direct_as(&mut self, token: &AccessToken, now: u64) -> Vec<DirectCharge> {
        let request = self
            .api
            .list_direct_charges(token, &DirectChargeQuery::default())
            .into_request()
            .unwrap();
        parse_direct_charges(&self.send(request, now)).unwrap()
    }

    fn list_direct(&mut self, query: &DirectChargeQuery, now: u64) -> Vec<DirectCharge> {
        let request = self
            .api
            .list_direct_charges(&self.token, query)
            .into_request()
            .unwrap();
        parse_direct_charges(&self.send(request, now)).unwrap()
    }

    fn create_recurrent(&mut self, charge: &NewRecurrentCharge, now: u64) -> RecurrentCharge {
        let request = self
            .api
            .create_recurrent_charge(&self.token, charge)
            .into_request()
            .unwrap();
        let response = self.send(request, now);
        assert_eq!(response.status, 201, "{}", response.body);
        parse_recurrent_charge(&response).unwrap()
    }

    fn get_recurrent(&mut self, id: &RecurrentChargeId, now: u64) -> RecurrentCharge {
        let request = self
            .api
            .get_recurrent_charge(&self.token, id)
            .into_request()
            .unwrap();
        parse_recurrent_charge(&self.send(request, now)).unwrap()
    }

    fn act(&mut self, id: &RecurrentChargeId, action: RecurrentAction, now: u64) -> HttpResponse {
        let request = self
            .api
            .recurrent_charge_action(&self.token, id, action)
            .into_request()
            .unwrap();
        self.send(request, now)
    }

    fn balance(&mut self, now: u64) -> i64 {
        let request = self.api.get_balance(&self.token).into_request().unwrap();
        parse_balance(&self.send(request, now))
            .unwrap()
            .balance
            .get()
    }

    fn raw(&mut self, method: Method, path: &str, body: Option<Value>, now: u64) -> HttpResponse {
        let url = Url::parse("https://billing.livechatinc.com")
            .unwrap()
            .join(path)
            .unwrap();
        let mut request = HttpRequest::new(method, url)
            .with_header("Authorization", self.token.authorization_header());
        if let Some(body) = body {
            request = request.with_json_body(body.to_string());
        }
        self.send(request, now)
    }
}

fn extension() -> NewDirectCharge {
    NewDirectCharge::new("Extension", Cents::new(100), 2, RETURN)
}

fn subscription() -> NewRecurrentCharge {
    NewRecurrentCharge::new("sub1", Cents::new(1_900), RETURN)
}

fn error_of(response: &HttpResponse) -> (u16, String, String) {
    let body: Value = serde_json::from_str(&response.body).expect("a JSON error body");
    (
        response.status,
        body["error"].as_str().unwrap_or_default().to_owned(),
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

fn confirm(world: &mut World, id: &str, kind: ChargeKind, accept: bool, now: u64) -> Url {
    confirm_charge(&mut world.backend.state, id, Some(kind), accept, now).unwrap()
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

#[test]
fn dates_are_rfc3339_utc_seconds() {
    assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(format_rfc3339(NOW), "2023-11-14T22:13:20Z");
    assert_eq!(format_rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
    assert_eq!(format_rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
}

#[test]
fn adding_months_clamps_to_the_month_length() {
    // 2024-01-31T10:00:00Z + 1 month = 2024-02-29 (leap year).
    let jan_31 = 1_706_695_200_000;
    assert_eq!(
        format_rfc3339(add_months(jan_31, 1)),
        "2024-02-29T10:00:00Z"
    );
    assert_eq!(
        format_rfc3339(add_months(jan_31, 13)),
        "2025-02-28T10:00:00Z"
    );
    assert_eq!(format_rfc3339(add_months(NOW, 12)), "2024-11-14T22:13:20Z");
}

// ---------------------------------------------------------------------------
// Direct charges
// ---------------------------------------------------------------------------

#[test]
fn direct_charge_goes_pending_accepted_processed_success_over_time() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    assert_eq!(created.status, DirectChargeStatus::Pending);
    assert_eq!(created.total(), Some(Cents::new(200)));
    assert_eq!(created.commission_percent, Some(20));
    assert_eq!(created.buyer_license_id, Some(100_008_664));
    assert_eq!(
        created.buyer_entity_id.as_deref(),
        Some("olivia.owner@example.com")
    );
    assert_eq!(created.seller_client_id.as_deref(), Some(CLIENT));
    assert_eq!(created.created_at.as_str(), "2023-11-14T22:13:20Z");
    let id = created.id.as_str().to_owned();
    assert_eq!(
        created.confirmation_url,
        format!("http://127.0.0.1:8080/mock/confirm?id={id}&type=direct_charge")
    );
    assert_eq!(
        created.return_url,
        format!("{RETURN}?id={id}&type=direct_charge")
    );

    let summary = charge_summary(&w.backend.state, &id, None).unwrap();
    assert_eq!(summary.kind, ChargeKind::Direct);
    assert_eq!((summary.price, summary.quantity), (Cents::new(100), 2));
    assert_eq!(summary.status, "pending");

    let back = confirm(&mut w, &id, ChargeKind::Direct, true, NOW + 1_000);
    assert_eq!(back.as_str(), created.return_url);
    assert_eq!(
        w.get_direct(&created.id, NOW + 1_000).status,
        DirectChargeStatus::Accepted
    );

    let activated = w.activate(&created.id, NOW + 2_000);
    assert_eq!(activated.status, 200, "{}", activated.body);
    assert_eq!(
        parse_direct_charge(&activated).unwrap().status,
        DirectChargeStatus::Processed,
        "activating hands the charge to the gateway, which starts processing it"
    );
    let at = |ms| NOW + 2_000 + ms;
    assert_eq!(
        w.get_direct(&created.id, at(STEP - 1)).status,
        DirectChargeStatus::Processed
    );
    assert_eq!(w.balance(at(STEP - 1)), 0);
    let done = w.get_direct(&created.id, at(STEP));
    assert_eq!(done.status, DirectChargeStatus::Success);
    assert_eq!(done.updated_at.as_str(), format_rfc3339(at(STEP)));
    assert_eq!(w.balance(at(STEP)), 160, "200 minus 20% commission");
}

#[test]
fn card_declined_scenario_ends_in_failed_without_a_collection() {
    let mut w = world();
    w.backend.state.scenario = Scenario::named("card_declined").unwrap();
    let created = w.create_direct(&extension(), NOW);
    confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
    assert_eq!(w.activate(&created.id, NOW).status, 200);
    assert_eq!(
        w.get_direct(&created.id, NOW + 2 * STEP).status,
        DirectChargeStatus::Failed
    );
    assert_eq!(w.balance(NOW + 2 * STEP), 0);
}

#[test]
fn outcome_is_fixed_at_activation_even_if_the_scenario_changes() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
    w.activate(&created.id, NOW);
    w.backend.state.scenario = Scenario::named("card_declined").unwrap();
    assert_eq!(
        w.get_direct(&created.id, NOW + 2 * STEP).status,
        DirectChargeStatus::Success
    );
}

#[test]
fn declined_charge_cannot_be_activated() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    let back = confirm(&mut w, created.id.as_str(), ChargeKind::Direct, false, NOW);
    assert!(back.query().unwrap().contains("type=direct_charge"));
    assert_eq!(
        w.get_direct(&created.id, NOW).status,
        DirectChargeStatus::Declined
    );
    let (status, _, description) = error_of(&w.activate(&created.id, NOW));
    assert_eq!(status, 409);
    assert!(description.contains("declined"), "{description}");
    let again = confirm_charge(&mut w.backend.state, created.id.as_str(), None, true, NOW);
    assert_eq!(
        again,
        Err(ConfirmError::NotPending {
            status: "declined".to_owned()
        })
    );
}

#[test]
fn pending_charge_cannot_be_activated() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    let (status, error, _) = error_of(&w.activate(&created.id, NOW));
    assert_eq!((status, error.as_str()), (409, "invalid_state"));
}

#[test]
fn activating_twice_is_a_conflict_and_collects_once() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
    assert_eq!(w.activate(&created.id, NOW).status, 200);
    let (status, _, description) = error_of(&w.activate(&created.id, NOW + 1));
    assert_eq!(status, 409);
    assert!(description.contains("already activated"), "{description}");
    let late = w.activate(&created.id, NOW + 10 * STEP);
    assert_eq!(late.status, 409);
    assert_eq!(w.balance(NOW + 10 * STEP), 160, "collected exactly once");
    let failure = ApiError::from_response(&late);
    assert_eq!(failure.status(), Some(409));
}

#[test]
fn per_account_keeps_the_quantity_the_seller_sent_and_charges_price_times_quantity() {
    // The seed's example answers `"quantity": 2, "per_account": true`.
    let mut w = world();
    let mut charge = extension();
    charge.per_account = Some(true);
    charge.quantity = 2;
    let created = w.create_direct(&charge, NOW);
    assert_eq!(
        created.quantity, 2,
        "not replaced by the organisation's accounts"
    );
    assert_eq!(created.per_account, Some(true));
    confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
    assert_eq!(w.activate(&created.id, NOW).status, 200);
    assert_eq!(
        w.get_direct(&created.id, NOW + STEP).status,
        DirectChargeStatus::Success
    );
    let total = charge.price.get() * 2;
    assert_eq!(
        w.balance(NOW + STEP),
        total * 80 / 100,
        "price x quantity, less 20%"
    );
}

#[test]
fn invalid_fields_are_named_in_the_error() {
    let mut w = world();
    let cases = [
        (
            json!({"price": 100, "quantity": 1, "return_url": RETURN}),
            "name",
        ),
        (
            json!({"name": "x", "quantity": 1, "return_url": RETURN}),
            "price",
        ),
        (
            json!({"name": "x", "price": -5, "quantity": 1, "return_url": RETURN}),
            "price",
        ),
        (
            json!({"name": "x", "price": 9.5, "quantity": 1, "return_url": RETURN}),
            "price",
        ),
        (
            json!({"name": "x", "price": 100, "return_url": RETURN}),
            "quantity",
        ),
        (
            json!({"name": "x", "price": 100, "quantity": 0, "return_url": RETURN}),
            "quantity",
        ),
        (
            json!({"name": "x", "price": 100, "quantity": 1}),
            "return_url",
        ),
        (
            json!({"name": "x", "price": 100, "quantity": 1, "return_url": "javascript:x"}),
            "return_url",
        ),
        (
            json!({"name": "x", "price": 100, "quantity": 1, "return_url": RETURN, "test": "yes"}),
            "test",
        ),
    ];
    for (body, field) in cases {
        let response = w.raw(Method::Post, "/v1/direct_charge", Some(body.clone()), NOW);
        let (status, error, description) = error_of(&response);
        assert_eq!((status, error.as_str()), (422, "invalid_request"), "{body}");
        assert!(description.starts_with(field), "{body}: {description}");
    }
    let not_json = w.raw(Method::Post, "/v1/direct_charge", None, NOW);
    assert_eq!(not_json.status, 400);
    assert!(w.backend.state.livechat.direct_charges.is_empty());
}

#[test]
fn recurrent_validation_names_months_and_trial_days() {
    let mut w = world();
    for (extra, field) in [
        (json!({"months": 0}), "months"),
        (json!({"trial_days": -1}), "trial_days"),
    ] {
        let mut body = json!({"name": "s", "price": 100, "return_url": RETURN});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (status, _, description) =
            error_of(&w.raw(Method::Post, "/v1/recurrent_charge", Some(body), NOW));
        assert_eq!(status, 422);
        assert!(description.starts_with(field), "{description}");
    }
}

#[test]
fn commission_can_be_set_only_with_billing_admin() {
    let body = json!({"name": "x", "price": 1000, "quantity": 1, "return_url": RETURN, "commission_percent": 10});
    let mut owner = world();
    let (status, _, description) =
        error_of(&owner.raw(Method::Post, "/v1/direct_charge", Some(body.clone()), NOW));
    assert_eq!(status, 403);
    assert!(description.contains("billing_admin"));

    let mut admin = world_with(ApiVersion::V1, ADMIN);
    let response = admin.raw(Method::Post, "/v1/direct_charge", Some(body), NOW);
    assert_eq!(response.status, 201);
    assert_eq!(
        parse_direct_charge(&response).unwrap().commission_percent,
        Some(10)
    );
}

#[test]
fn list_pages_twenty_newest_first() {
    let mut w = world();
    let mut ids = Vec::new();
    for i in 0..25u64 {
        let charge = NewDirectCharge::new(format!("item {i}"), Cents::new(100), 1, RETURN);
        ids.push(w.create_direct(&charge, NOW + i * 1_000).id);
    }
    let first = w.list_direct(&DirectChargeQuery::default(), NOW + 30_000);
    assert_eq!(first.len(), 20);
    assert_eq!(first[0].id, ids[24], "newest first");
    assert_eq!(first[19].id, ids[5]);
    let second = w.list_direct(
        &DirectChargeQuery {
            page: Some(2),
            ..DirectChargeQuery::default()
        },
        NOW + 30_000,
    );
    assert_eq!(second.len(), 5);
    assert_eq!(second[4].id, ids[0]);
    let third = w.list_direct(
        &DirectChargeQuery {
            page: Some(3),
            ..DirectChargeQuery::default()
        },
        NOW + 30_000,
    );
    assert!(third.is_empty());
    let (status, _, description) =
        error_of(&w.raw(Method::Get, "/v1/direct_charge?page=0", None, NOW));
    assert_eq!(status, 422);
    assert!(description.starts_with("page"));
}

#[test]
fn page_sizes_at_the_boundaries_0_20_21_and_41_charges() {
    for (charges, expected_pages) in [
        (0u64, vec![0usize]),
        (20, vec![20, 0]),
        (21, vec![20, 1, 0]),
        (41, vec![20, 20, 1, 0]),
    ] {
        let mut w = world();
        for i in 0..charges {
            let charge = NewDirectCharge::new(format!("item {i}"), Cents::new(100), 1, RETURN);
            w.create_direct(&charge, NOW + i * 1_000);
        }
        let sizes: Vec<usize> = (1..=expected_pages.len())
            .map(|page| {
                let query = DirectChargeQuery {
                    page: Some(u32::try_from(page).expect("a small page number")),
                    ..DirectChargeQuery::default()
                };
                w.list_direct(&query, NOW + 100_000).len()
            })
            .collect();
        assert_eq!(sizes, expected_pages, "{charges} charges");
    }
}

#[test]
fn list_filters_by_status() {
    let mut w = world();
    let a = w.create_direct(&extension(), NOW);
    let b = w.create_direct(&extension(), NOW + 1);
    w.create_direct(&extension(), NOW + 2);
    confirm(&mut w, a.id.as_str(), ChargeKind::Direct, true, NOW + 3);
    confirm(&mut w, b.id.as_str(), ChargeKind::Direct, false, NOW + 3);
    let query = |status| DirectChargeQuery {
        status: Some(status),
        ..DirectChargeQuery::default()
    };
    let accepted = w.list_direct(&query(DirectChargeStatus::Accepted), NOW + 4);
    assert_eq!(
        accepted.iter().map(|c| &c.id).collect::<Vec<_>>(),
        vec![&a.id]
    );
    assert_eq!(
        w.list_direct(&query(DirectChargeStatus::Pending), NOW + 4)
            .len(),
        1
    );
    assert_eq!(
        w.list_direct(&query(DirectChargeStatus::Success), NOW + 4)
            .len(),
        0
    );
    let unknown = w.raw(
        Method::Get,
        "/v1/direct_charge?status=teleported",
        None,
        NOW,
    );
    assert_eq!(unknown.status, 422);
}

#[test]
fn charges_of_another_client_are_not_visible() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    let stranger = sign_in(&mut w.backend, OWNER, "another-client");
    let request = w
        .api
        .get_direct_charge(&stranger, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(w.send(request, NOW).status, 404);
    assert!(w.list_direct_as(&stranger, NOW).is_empty());
}

#[test]
fn another_customers_charges_cannot_be_read_listed_or_activated() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
    let subscription = w.create_recurrent(&subscription(), NOW);
    // Same app, another organization's license.
    let stranger = sign_in(&mut w.backend, ADMIN, CLIENT);
    let request = w
        .api
        .get_direct_charge(&stranger, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(w.send(request, NOW).status, 404);
    let request = w
        .api
        .activate_direct_charge(&stranger, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(
        w.send(request, NOW).status,
        404,
        "a crafted return link activates nothing"
    );
    let request = w
        .api
        .get_recurrent_charge(&stranger, &subscription.id)
        .into_request()
        .unwrap();
    assert_eq!(w.send(request, NOW).status, 404);
    assert!(w.list_direct_as(&stranger, NOW).is_empty());
    // The buyer still can, once.
    assert_eq!(w.activate(&created.id, NOW).status, 200);
}

#[test]
fn billing_needs_billing_manage_and_the_ledger_needs_ledger_read() {
    let mut agent = world_with(ApiVersion::V1, AGENT);
    agent.create_direct(&extension(), NOW);
    let request = agent
        .api
        .get_ledger(&agent.token, None)
        .into_request()
        .unwrap();
    let (status, error, description) = error_of(&agent.send(request, NOW));
    assert_eq!((status, error.as_str()), (403, "insufficient_scope"));
    assert!(description.contains("ledger_read"));
    let request = agent.api.get_balance(&agent.token).into_request().unwrap();
    let response = agent.send(request, NOW);
    assert_eq!(
        ApiError::from_response(&response).missing_scope(),
        Some("ledger_read")
    );

    let mut backend = MockBackend::new(1);
    let params = AuthorizeParams {
        response_type: "token".to_owned(),
        client_id: CLIENT.to_owned(),
        redirect_uri: "http://127.0.0.1:8080/".to_owned(),
        scope: Some("ledger_read".to_owned()),
        ..AuthorizeParams::default()
    };
    let back = authorize(
        &mut backend.state,
        &params,
        Decision::Allow {
            account_id: OWNER.to_owned(),
        },
        NOW,
    )
    .unwrap();
    let Callback::Token { grant, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token");
    };
    assert_eq!(grant.scopes, vec![Scope::LedgerRead]);
    let mut ledger_only = World {
        backend,
        api: agent.api.clone(),
        token: grant.into_access_token(NOW),
    };
    let request = ledger_only
        .api
        .create_direct_charge(&ledger_only.token, &extension())
        .into_request()
        .unwrap();
    let (status, _, description) = error_of(&ledger_only.send(request, NOW));
    assert_eq!(status, 403);
    assert!(description.contains("billing_manage"));
    assert_eq!(ledger_only.balance(NOW), 0);
}

#[test]
fn missing_unknown_or_expired_tokens_get_401() {
    let mut w = world();
    let anonymous = HttpRequest::new(
        Method::Get,
        Url::parse("https://billing.livechatinc.com/v1/direct_charge").unwrap(),
    );
    assert_eq!(w.send(anonymous, NOW).status, 401);
    let forged = AccessToken::new("dal:forged".to_owned(), 3600, NOW, vec![]);
    let request = w
        .api
        .list_direct_charges(&forged, &DirectChargeQuery::default())
        .into_request()
        .unwrap();
    assert_eq!(w.send(request, NOW).status, 401);
    let request = w
        .api
        .list_direct_charges(&w.token, &DirectChargeQuery::default())
        .into_request()
        .unwrap();
    let expired = w.send(request, NOW + 28_800_000);
    assert_eq!(expired.status, 401);
    assert!(matches!(
        ApiError::from_response(&expired).status(),
        Some(401)
    ));
}

#[test]
fn unknown_ids_and_routes_get_404_and_wrong_methods_405() {
    let mut w = world();
    let (status, error, _) = error_of(&w.raw(Method::Get, "/v1/direct_charge/nope", None, NOW));
    assert_eq!((status, error.as_str()), (404, "not_found"));
    assert_eq!(
        w.raw(Method::Get, "/v1/recurrent_charge/nope", None, NOW)
            .status,
        404
    );
    assert_eq!(
        w.raw(Method::Put, "/v1/direct_charge/nope/activate", None, NOW)
            .status,
        404
    );
    assert_eq!(w.raw(Method::Get, "/v1/refunds", None, NOW).status, 404);
    assert_eq!(
        w.raw(Method::Put, "/v1/recurrent_charge/x/explode", None, NOW)
            .status,
        404
    );
    assert_eq!(
        w.raw(Method::Get, "/v3/ledger/livechat", None, NOW).status,
        404
    );
    assert_eq!(
        w.raw(Method::Get, "/v2/direct_charge/whatsapp", None, NOW)
            .status,
        404
    );
    assert_eq!(
        w.raw(Method::Delete, "/v1/direct_charge", None, NOW).status,
        405
    );
    assert_eq!(
        w.raw(Method::Get, "/v1/direct_charge/x/activate", None, NOW)
            .status,
        405
    );
    assert_eq!(
        w.raw(Method::Post, "/v1/ledger/balance", None, NOW).status,
        405
    );
}

#[test]
fn v2_and_v3_product_paths_reach_the_same_charges() {
    for (version, product) in [
        (ApiVersion::V2, Product::LiveChat),
        (ApiVersion::V3, Product::LiveChat),
        (ApiVersion::V3, Product::HelpDesk),
    ] {
        let mut w = world_with(version, OWNER);
        w.api = w.api.clone().with_product(product);
        let created = w.create_direct(&extension(), NOW);
        confirm(&mut w, created.id.as_str(), ChargeKind::Direct, true, NOW);
        assert_eq!(w.activate(&created.id, NOW).status, 200, "{version}");
        assert_eq!(
            w.get_direct(&created.id, NOW + 2 * STEP).status,
            DirectChargeStatus::Success
        );
        assert_eq!(w.list_direct(&DirectChargeQuery::default(), NOW).len(), 1);
        let sub = w.create_recurrent(&subscription(), NOW);
        assert_eq!(w.act(&sub.id, RecurrentAction::Accept, NOW).status, 200);
        let request = w
            .api
            .list_recurrent_charges(&w.token, &RecurrentChargeQuery::default())
            .into_request()
            .unwrap();
        assert_eq!(
            parse_recurrent_charges(&w.send(request, NOW))
                .unwrap()
                .len(),
            1
        );
        assert_eq!(w.balance(NOW + 2 * STEP), 160, "{version} ledger");
    }
    let mut w = world_with(ApiVersion::V3, OWNER);
    let helpdesk = w.api.clone().with_product(Product::HelpDesk);
    let created = w.create_direct(&extension(), NOW);
    let request = helpdesk
        .get_direct_charge(&w.token, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(
        w.send(request, NOW).status,
        404,
        "products keep their own charges"
    );
}

// ---------------------------------------------------------------------------
// Recurrent charges
// ---------------------------------------------------------------------------

#[test]
fn recurrent_charge_defaults_to_one_month_without_trial() {
    let mut w = world();
    let created = w.create_recurrent(&subscription(), NOW);
    assert_eq!((created.months, created.trial_days), (1, 0));
    assert_eq!(created.status, RecurrentChargeStatus::Pending);
    assert_eq!(created.order_license_id.as_deref(), Some("100008664"));
    assert!(created.next_charge_at.is_none() && created.trial_ends_at.is_none());
    assert!(created
        .confirmation_url
        .ends_with(&format!("?id={}&type=recurrent_charge", created.id)));
}

#[test]
fn recurrent_lifecycle_with_trial_then_paid_periods_then_cancel_refund() {
    let mut w = world();
    // Months pass in this test: a token that outlives them.
    w.backend.state.scenario.token_lifetime_secs = 3_650 * 86_400;
    w.token = sign_in(&mut w.backend, OWNER, CLIENT);
    let mut charge = subscription();
    charge.trial_days = Some(7);
    charge.price = Cents::new(3_000);
    let created = w.create_recurrent(&charge, NOW);
    let id = created.id.clone();
    let back = confirm(&mut w, id.as_str(), ChargeKind::Recurrent, true, NOW);
    assert!(back.query().unwrap().ends_with("type=recurrent_charge"));
    let activated = w.act(&id, RecurrentAction::Activate, NOW);
    assert_eq!(activated.status, 200);
    assert_eq!(
        parse_recurrent_charge(&activated).unwrap().status,
        RecurrentChargeStatus::Processed,
        "the activate answer already says processed"
    );
    assert_eq!(
        w.get_recurrent(&id, NOW + STEP - 1).status,
        RecurrentChargeStatus::Processed
    );

    let start = NOW + STEP;
    let trial = w.get_recurrent(&id, start);
    assert_eq!(trial.status, RecurrentChargeStatus::Active);
    let trial_end = start + 7 * DAY;
    assert_eq!(
        trial.trial_ends_at.unwrap().as_str(),
        format_rfc3339(trial_end)
    );
    assert_eq!(
        trial.next_charge_at.unwrap().as_str(),
        format_rfc3339(trial_end)
    );
    assert_eq!(w.balance(start), 0, "nothing is collected during the trial");

    let first = w.get_recurrent(&id, trial_end);
    assert_eq!(
        first.current_charge_at.unwrap().as_str(),
        format_rfc3339(trial_end)
    );
    let period_end = add_months(trial_end, 1);
    assert_eq!(
        first.next_charge_at.unwrap().as_str(),
        format_rfc3339(period_end)
    );
    assert_eq!(w.balance(trial_end), 2_400, "3000 minus 20%");

    // Two more periods roll over while nobody looks.
    let third_start = add_months(period_end, 1);
    let later = w.get_recurrent(&id, third_start + 1_000);
    assert_eq!(
        later.current_charge_at.unwrap().as_str(),
        format_rfc3339(third_start)
    );
    assert_eq!(w.balance(third_start + 1_000), 3 * 2_400);

    // Cancel a third into the period: two thirds of 2400 come back, rounded down.
    let third_end = add_months(third_start, 1);
    let length = third_end - third_start;
    let cancel_at = third_start + length / 3;
    let cancelled = w.act(&id, RecurrentAction::Cancel, cancel_at);
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let cancelled = parse_recurrent_charge(&cancelled).unwrap();
    assert_eq!(cancelled.status, RecurrentChargeStatus::Cancelled);
    assert_eq!(
        cancelled.cancelled_at.unwrap().as_str(),
        format_rfc3339(cancel_at)
    );
    assert!(cancelled.next_charge_at.is_none());
    let remaining = third_end - cancel_at;
    let refund = 2_400 * i64::try_from(remaining).unwrap() / i64::try_from(length).unwrap();
    assert!((1_599..=1_600).contains(&refund));
    assert_eq!(w.balance(cancel_at), 3 * 2_400 - refund);

    let request = w.api.get_ledger(&w.token, None).into_request().unwrap();
    let ledger = parse_ledger(&w.send(request, cancel_at)).unwrap();
    assert_eq!(ledger.len(), 4);
    assert_eq!(
        ledger[0].entry_type,
        LedgerEntryType::Refund,
        "newest first"
    );
    assert_eq!(ledger[0].value, Cents::new(refund));
    assert_eq!(ledger[0].name, "sub1");
    assert!(ledger[1..]
        .iter()
        .all(|e| e.entry_type == LedgerEntryType::Collection));

    assert_eq!(
        w.act(&id, RecurrentAction::Cancel, cancel_at + 1).status,
        409
    );
    assert_eq!(
        w.balance(add_months(third_end, 5)),
        3 * 2_400 - refund,
        "no more charges"
    );
}

#[test]
fn recurrent_accept_decline_and_activate_follow_the_status_rules() {
    let mut w = world();
    let a = w.create_recurrent(&subscription(), NOW).id;
    assert_eq!(
        w.act(&a, RecurrentAction::Activate, NOW).status,
        409,
        "pending"
    );
    assert_eq!(
        w.act(&a, RecurrentAction::Cancel, NOW).status,
        409,
        "pending"
    );
    let accepted = w.act(&a, RecurrentAction::Accept, NOW);
    assert_eq!(
        parse_recurrent_charge(&accepted).unwrap().status,
        RecurrentChargeStatus::Accepted
    );
    assert_eq!(w.act(&a, RecurrentAction::Decline, NOW).status, 409);
    assert_eq!(w.act(&a, RecurrentAction::Activate, NOW).status, 200);
    assert_eq!(
        w.act(&a, RecurrentAction::Activate, NOW + 1).status,
        409,
        "twice"
    );

    let b = w.create_recurrent(&subscription(), NOW).id;
    let declined = parse_recurrent_charge(&w.act(&b, RecurrentAction::Decline, NOW)).unwrap();
    assert_eq!(declined.status, RecurrentChargeStatus::Declined);
    assert_eq!(w.act(&b, RecurrentAction::Accept, NOW).status, 409);
}

#[test]
fn frozen_and_past_due_scenarios_collect_nothing_and_refund_nothing() {
    for (name, expected) in [
        ("subscription_frozen", RecurrentChargeStatus::Frozen),
        ("subscription_past_due", RecurrentChargeStatus::PastDue),
    ] {
        let mut w = world();
        w.backend.state.scenario = Scenario::named(name).unwrap();
        let id = w.create_recurrent(&subscription(), NOW).id;
        w.act(&id, RecurrentAction::Accept, NOW);
        w.act(&id, RecurrentAction::Activate, NOW);
        let charge = w.get_recurrent(&id, NOW + 2 * STEP);
        assert_eq!(charge.status, expected, "{name}");
        assert_eq!(w.balance(NOW + 2 * STEP), 0);
        let cancelled = w.act(&id, RecurrentAction::Cancel, NOW + 3 * STEP);
        assert_eq!(cancelled.status, 200, "{name}: {}", cancelled.body);
        assert_eq!(
            w.balance(NOW + 3 * STEP),
            0,
            "nothing was paid, nothing comes back"
        );
    }
}

#[test]
fn recurrent_list_filters_by_status_and_order_client() {
    let mut w = world();
    let a = w.create_recurrent(&subscription(), NOW).id;
    w.create_recurrent(&subscription(), NOW + 1);
    w.act(&a, RecurrentAction::Accept, NOW + 2);
    let mut list = |query: RecurrentChargeQuery| {
        let request = w
            .api
            .list_recurrent_charges(&w.token, &query)
            .into_request()
            .unwrap();
        parse_recurrent_charges(&w.send(request, NOW + 3)).unwrap()
    };
    assert_eq!(list(RecurrentChargeQuery::default()).len(), 2);
    let accepted = list(RecurrentChargeQuery {
        status: Some(RecurrentChargeStatus::Accepted),
        ..RecurrentChargeQuery::default()
    });
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].id, a);
    let other = list(RecurrentChargeQuery {
        order_client_id: Some("someone-else".to_owned()),
        ..RecurrentChargeQuery::default()
    });
    assert!(other.is_empty());
    let mine = list(RecurrentChargeQuery {
        order_client_id: Some(CLIENT.to_owned()),
        ..RecurrentChargeQuery::default()
    });
    assert_eq!(mine.len(), 2);
}

#[test]
fn confirmation_page_looks_up_direct_then_recurrent_when_type_is_missing() {
    let mut w = world();
    let sub = w.create_recurrent(&subscription(), NOW);
    let summary = charge_summary(&w.backend.state, sub.id.as_str(), None).unwrap();
    assert_eq!(summary.kind, ChargeKind::Recurrent);
    assert_eq!((summary.months, summary.trial_days), (Some(1), Some(0)));
    assert!(charge_summary(&w.backend.state, sub.id.as_str(), Some(ChargeKind::Direct)).is_none());
    assert_eq!(
        confirm_charge(&mut w.backend.state, "missing", None, true, NOW),
        Err(ConfirmError::NotFound)
    );
    let back = confirm_charge(&mut w.backend.state, sub.id.as_str(), None, true, NOW).unwrap();
    assert!(back.as_str().starts_with(RETURN));
}

// ---------------------------------------------------------------------------
// Ledger, faults, persistence
// ---------------------------------------------------------------------------

#[test]
fn ledger_pages_twenty_entries() {
    let mut w = world();
    w.backend.state.scenario.gateway_step_ms = 0;
    for i in 0..23u64 {
        let created = w.create_direct(&extension(), NOW + i);
        confirm(
            &mut w,
            created.id.as_str(),
            ChargeKind::Direct,
            true,
            NOW + i,
        );
        assert_eq!(w.activate(&created.id, NOW + i).status, 200);
    }
    let page = |w: &mut World, page| {
        let request = w.api.get_ledger(&w.token, page).into_request().unwrap();
        parse_ledger(&w.send(request, NOW + 100)).unwrap()
    };
    let first = page(&mut w, None);
    assert_eq!(first.len(), 20);
    assert!(first.iter().all(|e| e.value == Cents::new(160)));
    assert_eq!(page(&mut w, Some(2)).len(), 3);
    assert_eq!(w.balance(NOW + 100), 23 * 160);
}

#[test]
fn unknown_status_fault_scrambles_the_status_without_breaking_the_client() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    w.backend.state.faults = FaultPlan {
        latency_ms: 0,
        faults: vec![ScheduledFault {
            path_prefix: Some("/v1/direct_charge".to_owned()),
            fault: Fault::UnknownStatus,
            times: 1,
        }],
    };
    let odd = w.get_direct(&created.id, NOW);
    assert_eq!(
        odd.status,
        DirectChargeStatus::Unknown("teleported".to_owned())
    );
    assert!(!odd.status.is_success());
    assert_eq!(
        w.get_direct(&created.id, NOW).status,
        DirectChargeStatus::Pending
    );
}

#[test]
fn state_survives_a_json_round_trip_with_its_charges() {
    let mut w = world();
    let direct = w.create_direct(&extension(), NOW);
    confirm(&mut w, direct.id.as_str(), ChargeKind::Direct, true, NOW);
    w.activate(&direct.id, NOW);
    let sub = w.create_recurrent(&subscription(), NOW);
    w.backend.state.livechat.confirmation_base = "http://localhost:3000/mock/confirm".to_owned();

    let json = w.backend.to_json();
    let restored = MockBackend::from_json(&json).unwrap();
    assert_eq!(restored, w.backend);
    w.backend = restored;
    assert_eq!(
        w.get_direct(&direct.id, NOW + 2 * STEP).status,
        DirectChargeStatus::Success
    );
    assert_eq!(
        w.get_recurrent(&sub.id, NOW).status,
        RecurrentChargeStatus::Pending
    );
    let next = w.create_direct(&extension(), NOW);
    assert!(next
        .confirmation_url
        .starts_with("http://localhost:3000/mock/confirm?id="));
    assert_ne!(next.id, direct.id, "the rng position was saved too");
}

#[test]
fn hostile_input_never_panics() {
    let mut w = world();
    let bodies = [
        "",
        "null",
        "[]",
        "{\"name\": {}}",
        "{\"name\": \"x\", \"price\": 1e300, \"quantity\": 1, \"return_url\": \"https://a.b\"}",
        "{\"name\": \"x\", \"price\": 100, \"quantity\": 99999999999, \"return_url\": \"https://a.b\"}",
        "{\"name\": \"x\", \"price\": 100, \"months\": 99999999999999999999, \"return_url\": \"https://a.b\"}",
    ];
    for body in bodies {
        for path in ["/v1/direct_charge", "/v1/recurrent_charge"] {
            let url = Url::parse("https://billing.livechatinc.com")
                .unwrap()
                .join(path)
                .unwrap();
            let mut request = HttpRequest::new(Method::Post, url)
                .with_header("Authorization", w.token.authorization_header());
            request.body = Some(body.to_owned());
            let response = w.send(request, NOW);
            // A recurrent charge has no quantity: that body is valid there.
            let valid =
                path.ends_with("recurrent_charge") && body.contains("\"quantity\": 99999999999,");
            assert_eq!(
                (400..500).contains(&response.status),
                !valid,
                "{path} {body}: {}",
                response.status
            );
        }
    }
    for path in [
        "/v1/direct_charge?page=99999999999999999999",
        "/v1/direct_charge?page=-1",
        "/v1//direct_charge",
        "/v1/direct_charge/%00/activate",
        "/v2",
        "/v3/recurrent_charge",
    ] {
        let response = w.raw(Method::Get, path, None, u64::MAX);
        assert!(response.status >= 400, "{path}");
    }
}

// ---------------------------------------------------------------------------
// The activation counter (saved state only, never in the API)
// ---------------------------------------------------------------------------

/// The `activation_requests` of charge `id` in the saved state, as an
/// end-to-end test reads it from localStorage.
fn saved_activation_requests(backend: &MockBackend, list: &str, id: &str) -> Value {
    let saved: Value = serde_json::from_str(&backend.to_json()).unwrap();
    saved["livechat"][list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["activation_requests"].clone())
        .unwrap()
}

#[test]
fn every_activate_request_that_reaches_a_direct_charge_is_counted() {
    let mut w = world();
    let created = w.create_direct(&extension(), NOW);
    let id = created.id.as_str().to_owned();
    let count = |w: &World| saved_activation_requests(&w.backend, "direct_charges", &id);
    assert_eq!(count(&w), json!(0));

    assert_eq!(w.activate(&created.id, NOW).status, 409, "still pending");
    assert_eq!(count(&w), json!(1), "a refused request is counted too");
    confirm(&mut w, &id, ChargeKind::Direct, true, NOW);
    assert_eq!(w.activate(&created.id, NOW + 1).status, 200);
    assert_eq!(count(&w), json!(2));
    assert_eq!(w.activate(&created.id, NOW + 2).status, 409, "a reload");
    assert_eq!(count(&w), json!(3));

    // Requests that never reach the charge are not counted: another
    // client's (404) and one cut short by an injected fault.
    let stranger = sign_in(&mut w.backend, OWNER, "another-client");
    let request = w
        .api
        .activate_direct_charge(&stranger, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(w.send(request, NOW + 3).status, 404);
    w.backend.state.faults.faults.push(ScheduledFault {
        path_prefix: None,
        fault: Fault::Status { status: 503 },
        times: 1,
    });
    assert_eq!(w.activate(&created.id, NOW + 4).status, 503);
    assert_eq!(count(&w), json!(3));
    // A lost answer did reach it.
    w.backend.state.faults.faults.push(ScheduledFault {
        path_prefix: None,
        fault: Fault::LostResponse,
        times: 1,
    });
    let request = w
        .api
        .activate_direct_charge(&w.token, &created.id)
        .into_request()
        .unwrap();
    assert_eq!(
        w.backend.handle(&request, NOW + 5),
        billing_mock::MockReply::Hang
    );
    assert_eq!(count(&w), json!(4));

    let state: Value =
        serde_json::from_str(&w.raw(Method::Get, "/__mock/state", None, NOW + 6).body).unwrap();
    assert_eq!(
        state["livechat"]["direct_charges"][0]["activation_requests"],
        4
    );
}

#[test]
fn every_activate_request_that_reaches_a_subscription_is_counted() {
    let mut w = world();
    let id = w.create_recurrent(&subscription(), NOW).id;
    let count = |w: &World| saved_activation_requests(&w.backend, "recurrent_charges", id.as_str());
    assert_eq!(w.act(&id, RecurrentAction::Activate, NOW).status, 409);
    assert_eq!(count(&w), json!(1));
    w.act(&id, RecurrentAction::Accept, NOW);
    w.act(&id, RecurrentAction::Cancel, NOW);
    assert_eq!(count(&w), json!(1), "other actions are not activations");
    assert_eq!(w.act(&id, RecurrentAction::Activate, NOW).status, 200);
    assert_eq!(w.act(&id, RecurrentAction::Activate, NOW + 1).status, 409);
    assert_eq!(count(&w), json!(3));
}

#[test]
fn the_activation_counter_is_not_in_the_api_json() {
    let mut w = world();
    let direct = w.create_direct(&extension(), NOW);
    confirm(&mut w, direct.id.as_str(), ChargeKind::Direct, true, NOW);
    w.activate(&direct.id, NOW);
    let sub = w.create_recurrent(&subscription(), NOW);
    w.act(&sub.id, RecurrentAction::Activate, NOW);
    let paths = [
        format!("/v1/direct_charge/{}", direct.id.as_str()),
        "/v1/direct_charge".to_owned(),
        format!("/v1/recurrent_charge/{}", sub.id.as_str()),
        "/v1/recurrent_charge".to_owned(),
    ];
    for path in paths {
        let response = w.raw(Method::Get, &path, None, NOW + 1);
        assert_eq!(response.status, 200, "{path}");
        assert!(
            !response.body.contains("activation_requests"),
            "{path}: {}",
            response.body
        );
    }
    let again = w.activate(&direct.id, NOW + 1);
    assert!(
        !again.body.contains("activation_requests"),
        "{}",
        again.body
    );
    assert!(w.get_direct(&direct.id, NOW + 1).extra.is_empty());
}

#[test]
fn a_state_saved_before_the_counter_existed_still_loads_with_zero() {
    let mut w = world();
    let direct = w.create_direct(&extension(), NOW);
    confirm(&mut w, direct.id.as_str(), ChargeKind::Direct, true, NOW);
    w.activate(&direct.id, NOW);
    w.create_recurrent(&subscription(), NOW);
    let mut saved: Value = serde_json::from_str(&w.backend.to_json()).unwrap();
    for list in ["direct_charges", "recurrent_charges"] {
        for charge in saved["livechat"][list].as_array_mut().unwrap() {
            assert!(charge
                .as_object_mut()
                .unwrap()
                .remove("activation_requests")
                .is_some());
        }
    }
    let restored = MockBackend::from_json(&saved.to_string()).unwrap();
    assert_eq!(
        restored.state.livechat.direct_charges[0].activation_requests,
        0
    );
    assert_eq!(
        restored.state.livechat.recurrent_charges[0].activation_requests,
        0
    );
    assert_eq!(
        restored.state.livechat.direct_charges[0].activated_ms,
        Some(NOW)
    );
}

// ---------------------------------------------------------------------------
// Sample charges
// ---------------------------------------------------------------------------

/// The documented pattern of sample item `k`.
fn expected_sample_status(k: u32) -> DirectChargeStatus {
    match (k % 5, k % 7, k % 9) {
        (0, _, _) => DirectChargeStatus::Failed,
        (_, 0, _) => DirectChargeStatus::Declined,
        (_, _, 0) => DirectChargeStatus::Pending,
        _ => DirectChargeStatus::Success,
    }
}

fn list_all(w: &mut World, status: Option<DirectChargeStatus>, now: u64) -> Vec<Vec<DirectCharge>> {
    let mut pages = Vec::new();
    for page in 1.. {
        let query = DirectChargeQuery {
            page: Some(page),
            status: status.clone(),
            ..DirectChargeQuery::default()
        };
        let items = w.list_direct(&query, now);
        if items.is_empty() {
            break;
        }
        pages.push(items);
    }
    pages
}

#[test]
fn sample_charges_follow_the_fixed_status_pattern() {
    let mut w = world();
    assert_eq!(
        add_sample_direct_charges(&mut w.backend.state, CLIENT, 45, NOW),
        45
    );
    let charges = &w.backend.state.livechat.direct_charges;
    let count = |status: DirectChargeStatus| charges.iter().filter(|c| c.status == status).count();
    assert_eq!(count(DirectChargeStatus::Success), 27);
    assert_eq!(count(DirectChargeStatus::Failed), 9);
    assert_eq!(count(DirectChargeStatus::Declined), 5);
    assert_eq!(count(DirectChargeStatus::Pending), 4);
    // The same, item by item: item k is k hours old.
    for (i, charge) in charges.iter().enumerate() {
        let k = 45 - u32::try_from(i).unwrap();
        assert!(
            charge.name.starts_with(&format!("Sample item {k}: ")),
            "{}",
            charge.name
        );
        assert_eq!(charge.status, expected_sample_status(k), "item {k}");
        assert_eq!(charge.created_ms, NOW - u64::from(k) * 3_600_000);
        assert_eq!(
            charge.activation_requests,
            u32::from(charge.activated_ms.is_some()),
            "item {k}"
        );
        assert_eq!(
            charge.activated_ms.is_some(),
            matches!(
                charge.status,
                DirectChargeStatus::Success | DirectChargeStatus::Failed
            )
        );
        assert!(charge.updated_ms >= charge.created_ms && charge.updated_ms < NOW);
    }
}

#[test]
fn sample_charges_look_like_charges_the_app_created() {
    let mut w = world();
    w.backend.state.livechat.confirmation_base = "http://127.0.0.1:9000/mock/confirm".to_owned();
    add_sample_direct_charges(&mut w.backend.state, CLIENT, 10, NOW);
    let page = w.list_direct(&DirectChargeQuery::default(), NOW);
    assert_eq!(page.len(), 10);
    for charge in &page {
        let id = charge.id.as_str();
        assert_eq!(charge.buyer_license_id, Some(100_008_664));
        assert_eq!(
            charge.buyer_entity_id.as_deref(),
            Some("olivia.owner@example.com")
        );
        assert_eq!(charge.seller_client_id.as_deref(), Some(CLIENT));
        assert_eq!(charge.order_client_id.as_deref(), Some(CLIENT));
        assert_eq!((charge.quantity, charge.test), (1, true));
        assert_eq!(charge.per_account, Some(false));
        assert_eq!(charge.commission_percent, Some(20));
        assert!(charge.price.get() > 0 && charge.price.get() <= 100_000);
        assert_eq!(
            charge.confirmation_url,
            format!("http://127.0.0.1:9000/mock/confirm?id={id}&type=direct_charge")
        );
        assert_eq!(
            charge.return_url,
            format!("http://127.0.0.1:9000/return?id={id}&type=direct_charge")
        );
        assert!(charge.extra.is_empty());
    }
    let names: std::collections::BTreeSet<&str> = page
        .iter()
        .filter_map(|c| c.name.split(": ").nth(1))
        .collect();
    assert!(names.len() > 5, "varied products: {names:?}");
}

#[test]
fn sample_charges_page_twenty_newest_first_and_filter_by_status() {
    let mut w = world();
    add_sample_direct_charges(&mut w.backend.state, CLIENT, 45, NOW);
    let pages = list_all(&mut w, None, NOW);
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [20, 20, 5]);
    let all: Vec<&DirectCharge> = pages.iter().flatten().collect();
    for (i, charge) in all.iter().enumerate() {
        assert!(
            charge.name.starts_with(&format!("Sample item {}: ", i + 1)),
            "position {i}: {}",
            charge.name
        );
    }
    assert!(all
        .windows(2)
        .all(|pair| pair[0].created_at.as_str() > pair[1].created_at.as_str()));

    for (status, sizes) in [
        (DirectChargeStatus::Success, vec![20, 7]),
        (DirectChargeStatus::Failed, vec![9]),
        (DirectChargeStatus::Declined, vec![5]),
        (DirectChargeStatus::Pending, vec![4]),
        (DirectChargeStatus::Accepted, vec![]),
        (DirectChargeStatus::Processed, vec![]),
    ] {
        let pages = list_all(&mut w, Some(status.clone()), NOW);
        assert_eq!(
            pages.iter().map(Vec::len).collect::<Vec<_>>(),
            sizes,
            "{status:?}"
        );
        assert!(pages.iter().flatten().all(|c| c.status == status));
    }
}

#[test]
fn successful_sample_charges_are_collected_in_the_ledger() {
    let mut w = world();
    add_sample_direct_charges(&mut w.backend.state, CLIENT, 45, NOW);
    let state = &w.backend.state.livechat;
    let mut expected_balance = 0;
    for charge in &state.direct_charges {
        let collections: Vec<_> = state
            .ledger
            .iter()
            .filter(|e| e.charge_id == charge.id)
            .collect();
        if charge.status == DirectChargeStatus::Success {
            assert_eq!(collections.len(), 1, "{}", charge.name);
            let entry = collections[0];
            assert_eq!(entry.entry_type, LedgerEntryType::Collection);
            assert_eq!(entry.client_id, CLIENT);
            assert_eq!(entry.name, charge.name);
            assert_eq!(entry.value, charge.price * 80 / 100, "{}", charge.name);
            assert_eq!(entry.created_ms, charge.updated_ms);
            expected_balance += entry.value;
        } else {
            assert!(collections.is_empty(), "{}", charge.name);
        }
    }
    assert_eq!(state.ledger.len(), 27);
    assert_eq!(w.balance(NOW), expected_balance);
    let request = w.api.get_ledger(&w.token, Some(2)).into_request().unwrap();
    assert_eq!(parse_ledger(&w.send(request, NOW)).unwrap().len(), 7);
    // Time passing changes nothing: the samples are finished (the pending
    // ones wait for the buyer). The token lasts eight hours.
    let later = NOW + 7 * 3_600_000;
    assert_eq!(w.balance(later), expected_balance);
    assert_eq!(
        list_all(&mut w, Some(DirectChargeStatus::Pending), later)
            .concat()
            .len(),
        4
    );
}

#[test]
fn a_pending_sample_charge_can_still_be_paid_through_the_normal_flow() {
    let mut w = world();
    add_sample_direct_charges(&mut w.backend.state, CLIENT, 9, NOW);
    let pending = list_all(&mut w, Some(DirectChargeStatus::Pending), NOW).concat();
    assert_eq!(pending.len(), 1);
    let charge = &pending[0];
    let before = w.balance(NOW);
    confirm(&mut w, charge.id.as_str(), ChargeKind::Direct, true, NOW);
    assert_eq!(w.activate(&charge.id, NOW).status, 200);
    assert_eq!(
        w.get_direct(&charge.id, NOW + 2 * STEP).status,
        DirectChargeStatus::Success
    );
    let share = charge.price.get() * 80 / 100;
    assert_eq!(w.balance(NOW + 2 * STEP), before + share);
}

#[test]
fn sample_charges_belong_to_their_client_only() {
    let mut w = world();
    add_sample_direct_charges(&mut w.backend.state, "someone-else", 45, NOW);
    assert!(w.list_direct(&DirectChargeQuery::default(), NOW).is_empty());
    assert_eq!(w.balance(NOW), 0);
    let stranger = sign_in(&mut w.backend, OWNER, "someone-else");
    let request = w
        .api
        .list_direct_charges(&stranger, &DirectChargeQuery::default())
        .into_request()
        .unwrap();
    assert_eq!(
        parse_direct_charges(&w.send(request, NOW)).unwrap().len(),
        20
    );
}

#[test]
fn sample_charges_are_stored_by_time_among_real_ones_and_capped() {
    let mut w = world();
    let earlier = w.create_direct(&extension(), NOW - 90 * 60_000);
    let latest = w.create_direct(&extension(), NOW);
    assert_eq!(
        add_sample_direct_charges(&mut w.backend.state, CLIENT, 500, NOW),
        200,
        "at most 200 at once"
    );
    // The list goes newest first: the charge made now, sample item 1 (an
    // hour old), the one made 90 minutes ago, then items 2, 3, ...
    let all = list_all(&mut w, None, NOW).concat();
    assert_eq!(all.len(), 202);
    assert_eq!(all[0].id, latest.id);
    assert!(all[1].name.starts_with("Sample item 1: "));
    assert_eq!(all[2].id, earlier.id);
    assert!(all[3].name.starts_with("Sample item 2: "));
    assert!(all[201].name.starts_with("Sample item 200: "));
    assert_eq!(
        add_sample_direct_charges(&mut w.backend.state, CLIENT, 0, NOW),
        0
    );
}
