//! The mock's bulk data set: 10,000 generated charges and ledger lines,
//! kept as (seed, count) and built per page. Driven through the widget's own
//! `BillingApi` and parsers, as the other mock tests are.

use std::collections::HashSet;

use billing_core::api::livechat::{
    parse_balance, parse_direct_charge, parse_direct_charges, parse_ledger, ApiVersion, BillingApi,
    DirectCharge, DirectChargeQuery, LedgerEntry, NewDirectCharge,
};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::charge::{DirectChargeId, DirectChargeStatus, LedgerEntryType};
use billing_core::domain::money::Cents;
use billing_core::domain::oauth::AccessToken;
use billing_mock::app::load_bulk_data;
use billing_mock::bulk::{merged_page, BulkDataSet, Merged, MAX_BULK_ENTRIES};
use billing_mock::MockBackend;
use serde_json::{json, Value};
use url::Url;

mod support;
use support::{CLIENT, NOW, OWNER};

const OTHER_CLIENT: &str = "0000000000000000000000000000beef";
const COUNT: u32 = 10_000;
/// 10,000 entries, 20 a page.
const LAST_PAGE: u32 = 500;

/// [`support::sign_in`] as [`OWNER`].
fn sign_in(backend: &mut MockBackend, client: &str) -> AccessToken {
    support::sign_in(backend, OWNER, client)
}

struct World {
    backend: MockBackend,
    api: BillingApi,
    token: AccessToken,
}

impl World {
    /// A backend with a 10,000-entry set (seed 7) for `CLIENT`, signed in.
    fn new() -> Self {
        let mut backend = MockBackend::new(42);
        let token = sign_in(&mut backend, CLIENT);
        let api = BillingApi::new(
            &Url::parse("https://billing.livechatinc.com").expect("a URL"),
            ApiVersion::V1,
        )
        .expect("an API");
        let mut world = Self {
            backend,
            api,
            token,
        };
        let response = world.control(
            Method::Post,
            "/__mock/bulk",
            Some(json!({"count": COUNT, "seed": 7, "client_id": CLIENT})),
        );
        assert_eq!(response.status, 200, "{}", response.body);
        world
    }

    fn set(&self) -> BulkDataSet {
        self.backend
            .state
            .livechat
            .bulk
            .clone()
            .expect("a bulk set")
    }

    /// [`support::send`] at [`NOW`].
    fn send(&mut self, request: HttpRequest) -> HttpResponse {
        support::send(&mut self.backend, &request, NOW)
    }

    fn control(&mut self, method: Method, path: &str, body: Option<Value>) -> HttpResponse {
        self.send(support::request(method, path, body))
    }

    fn charges(&mut self, page: u32, status: Option<DirectChargeStatus>) -> Vec<DirectCharge> {
        let query = DirectChargeQuery {
            page: Some(page),
            status,
            recurrent_charge_id: None,
        };
        let request = self
            .api
            .list_direct_charges(&self.token, &query)
            .into_request()
            .expect("a request");
        parse_direct_charges(&self.send(request)).expect("a page of charges")
    }

    fn ledger(&mut self, page: u32) -> Vec<LedgerEntry> {
        let request = self
            .api
            .get_ledger(&self.token, Some(page))
            .into_request()
            .expect("a request");
        parse_ledger(&self.send(request)).expect("a page of the ledger")
    }

    fn balance(&mut self) -> i64 {
        let request = self.api.get_balance(&self.token).into_request().unwrap();
        parse_balance(&self.send(request))
            .expect("a balance")
            .balance
            .get()
    }
}

fn names(charges: &[DirectCharge]) -> Vec<String> {
    charges.iter().map(|c| c.name.clone()).collect()
}

/// The number in "Bulk item 123: ...".
fn item_number(name: &str) -> Option<u32> {
    name.strip_prefix("Bulk item ")?
        .split(':')
        .next()?
        .parse()
        .ok()
}

#[test]
fn the_generator_is_deterministic_and_its_ids_are_unique_and_found_again() {
    let a = BulkDataSet::new(7, COUNT, CLIENT, NOW, 20);
    let b = BulkDataSet::new(7, COUNT, CLIENT, NOW, 20);
    let other_seed = BulkDataSet::new(8, COUNT, CLIENT, NOW, 20);
    let mut ids = HashSet::new();
    for k in 1..=COUNT {
        let charge = a.charge(k).expect("inside the set");
        assert_eq!(
            Some(&charge),
            b.charge(k).as_ref(),
            "entry {k} reads the same"
        );
        assert_eq!(a.ledger_line(k), b.ledger_line(k));
        assert!(charge.price > 0 && charge.quantity >= 1);
        assert!(ids.insert(charge.id.clone()), "duplicate id at {k}");
        assert_eq!(a.charge_by_id(&charge.id), Some(charge.clone()));
        assert_eq!(other_seed.charge_by_id(&charge.id), None);
        if k > 1 {
            assert!(a.charge_created_ms(k) < a.charge_created_ms(k - 1));
            assert!(a.ledger_created_ms(k) < a.ledger_created_ms(k - 1));
        }
    }
    assert_ne!(a.charge(1), other_seed.charge(1), "the seed matters");
    assert_eq!(a.charge(0), None);
    assert_eq!(a.charge(COUNT + 1), None);
    assert_eq!(a.ledger_line(COUNT + 1), None);
    assert_eq!(a.charge_by_id("not-an-id"), None);
    assert_eq!(
        BulkDataSet::new(1, u32::MAX, CLIENT, NOW, 20).count,
        MAX_BULK_ENTRIES
    );
    // Every final status appears, and only final ones.
    let statuses: HashSet<String> = (1..=COUNT)
        .map(|k| a.charge_status(k).as_str().to_owned())
        .collect();
    let expected: HashSet<String> = ["success", "failed", "declined"].map(str::to_owned).into();
    assert_eq!(statuses, expected);
}

#[test]
fn merging_steps_over_earlier_pages_and_keeps_newest_first() {
    let stored = vec![(50u64, 'a'), (30, 'b'), (10, 'c')];
    let bulk = vec![(40u64, 1u32), (30, 2), (20, 3)];
    let all: Vec<Merged<char>> = merged_page(stored.into_iter(), bulk.into_iter(), 1, 10);
    assert_eq!(
        all,
        vec![
            Merged::Stored('a'),
            Merged::Bulk(1),
            Merged::Stored('b'),
            Merged::Bulk(2),
            Merged::Bulk(3),
            Merged::Stored('c'),
        ]
    );
    let second = merged_page(
        [(50u64, 'a'), (10, 'c')].into_iter(),
        [(40u64, 1u32), (20, 3)].into_iter(),
        2,
        3,
    );
    assert_eq!(second, vec![Merged::Stored('c')]);
    let beyond = merged_page([(1u64, 'a')].into_iter(), std::iter::empty(), 3, 20);
    assert!(beyond.is_empty());
}

#[test]
fn the_first_and_last_pages_hold_entries_1_to_20_and_9981_to_10000() {
    let mut w = World::new();
    let first = w.charges(1, None);
    let expected: Vec<String> = (1..=20)
        .map(|k| w.set().charge(k).expect("in the set").name)
        .collect();
    assert_eq!(names(&first), expected);
    assert!(names(&w.charges(2, None))[0].starts_with("Bulk item 21:"));
    let last = w.charges(LAST_PAGE, None);
    let numbers: Vec<Option<u32>> = last.iter().map(|c| item_number(&c.name)).collect();
    assert_eq!(numbers, (9_981..=COUNT).map(Some).collect::<Vec<_>>());
    assert!(w.charges(LAST_PAGE + 1, None).is_empty());
    // Every page in between is full and follows on from the one before.
    let middle = w.charges(250, None);
    assert_eq!(item_number(&middle[0].name), Some(4_981));
    assert_eq!(middle.len(), 20);
}

#[test]
fn stored_charges_merge_in_by_date_and_push_the_set_one_page_further() {
    let mut w = World::new();
    let mut created = Vec::new();
    for name in ["Newest A", "Newest B", "Newest C"] {
        let charge = NewDirectCharge::new(name, Cents::new(500), 1, "https://app.example.com/r");
        let request = w
            .api
            .create_direct_charge(&w.token, &charge)
            .into_request()
            .expect("a request");
        let response = w.send(request);
        assert_eq!(response.status, 201, "{}", response.body);
        created.push(parse_direct_charge(&response).expect("a charge").id);
    }
    let first = names(&w.charges(1, None));
    assert_eq!(&first[..3], ["Newest C", "Newest B", "Newest A"]);
    assert!(first[3].starts_with("Bulk item 1:"));
    assert!(first[19].starts_with("Bulk item 17:"));
    let last = w.charges(LAST_PAGE + 1, None);
    let numbers: Vec<Option<u32>> = last.iter().map(|c| item_number(&c.name)).collect();
    assert_eq!(numbers, vec![Some(9_998), Some(9_999), Some(10_000)]);
    // The stored ones still act as before; the pending filter finds only them.
    let pending = w.charges(1, Some(DirectChargeStatus::Pending));
    let pending_ids: Vec<DirectChargeId> = pending.into_iter().map(|c| c.id).collect();
    created.reverse();
    assert_eq!(pending_ids, created);
}

#[test]
fn a_status_filter_lists_exactly_the_generated_charges_with_that_status() {
    let mut w = World::new();
    let set = w.set();
    for status in [DirectChargeStatus::Failed, DirectChargeStatus::Declined] {
        let expected: Vec<u32> = set.charge_indexes(Some(&status)).collect();
        assert!(expected.len() > 1_000, "a realistic share of {status}");
        let mut seen = Vec::new();
        for page in 1.. {
            let rows = w.charges(page, Some(status.clone()));
            assert!(rows.len() <= 20);
            assert!(rows.iter().all(|c| c.status == status), "page {page}");
            seen.extend(rows.iter().filter_map(|c| item_number(&c.name)));
            if rows.len() < 20 {
                break;
            }
        }
        assert_eq!(seen, expected, "{status}: every one, newest first, once");
    }
    let success = set
        .charge_indexes(Some(&DirectChargeStatus::Success))
        .count();
    let failed = set
        .charge_indexes(Some(&DirectChargeStatus::Failed))
        .count();
    let declined = set
        .charge_indexes(Some(&DirectChargeStatus::Declined))
        .count();
    assert_eq!(success + failed + declined, COUNT as usize);
}

#[test]
fn a_generated_charge_reads_by_id_and_cannot_be_activated_again() {
    let mut w = World::new();
    let row = w.charges(3, None).remove(5);
    let request = w
        .api
        .get_direct_charge(&w.token, &row.id)
        .into_request()
        .unwrap();
    let response = w.send(request);
    assert_eq!(response.status, 200);
    assert_eq!(parse_direct_charge(&response).expect("a charge"), row);
    let request = w
        .api
        .activate_direct_charge(&w.token, &row.id)
        .into_request()
        .unwrap();
    assert_eq!(w.send(request).status, 409);
    // Another developer sees none of it.
    let mut other = World::new();
    other.token = sign_in(&mut other.backend, OTHER_CLIENT);
    assert!(other.charges(1, None).is_empty());
    assert!(other.ledger(1).is_empty());
    assert_eq!(other.balance(), 0);
    let request = other
        .api
        .get_direct_charge(&other.token, &row.id)
        .into_request()
        .unwrap();
    assert_eq!(other.send(request).status, 404);
}

#[test]
fn the_ledger_pages_10000_lines_and_the_balance_is_their_sum() {
    let mut w = World::new();
    let set = w.set();
    let mut sum = 0i64;
    let mut count = 0u32;
    let mut last_created = None;
    for page in 1..=LAST_PAGE + 1 {
        let lines = w.ledger(page);
        let expected_len = if page <= LAST_PAGE { 20 } else { 0 };
        assert_eq!(lines.len(), expected_len, "page {page}");
        for line in lines {
            count += 1;
            let generated = set.ledger_line(count).expect("in the set");
            assert_eq!(line.id.to_string(), generated.id);
            assert_eq!(line.name, generated.name);
            if let Some(previous) = last_created.replace(line.created_at.unix_millis()) {
                assert!(line.created_at.unix_millis() < previous, "newest first");
            }
            match line.entry_type {
                LedgerEntryType::Collection => sum += line.value.get(),
                LedgerEntryType::Refund => sum -= line.value.get(),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(count, COUNT);
    assert_eq!(w.balance(), sum);
    assert_eq!(set.ledger_balance(), sum);
    assert!(sum > 0, "sales outweigh refunds");
}

#[test]
fn a_payout_withdraws_the_whole_balance_generated_lines_included() {
    let mut w = World::new();
    let before = w.balance();
    let response = w.control(Method::Post, "/__mock/payout", None);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(w.balance(), 0);
    let newest = w.ledger(1).remove(0);
    assert_eq!(newest.entry_type, LedgerEntryType::Withdrawal);
    assert_eq!(newest.value.get(), before);
}

#[test]
fn the_saved_state_stays_small_and_older_states_still_load() {
    let mut w = World::new();
    let set = w.set();
    let with_set = w.backend.to_json();
    let response = w.control(Method::Delete, "/__mock/bulk", None);
    assert_eq!(response.status, 200);
    assert!(w.charges(1, None).is_empty());
    let without = w.backend.to_json();
    assert!(
        with_set.len() < without.len() + 300,
        "the set is a few fields"
    );
    // A state saved before the set existed has no `bulk` field.
    let mut old: Value = serde_json::from_str(&without).expect("JSON");
    old["livechat"]
        .as_object_mut()
        .expect("an object")
        .remove("bulk");
    let loaded = MockBackend::from_json(&old.to_string()).expect("loads");
    assert_eq!(loaded.state.livechat.bulk, None);
    let reloaded = MockBackend::from_json(&with_set).expect("loads");
    assert_eq!(reloaded.state.livechat.bulk, Some(set));
}

#[test]
fn the_control_endpoint_checks_its_body() {
    let mut w = World::new();
    let too_many = w.control(
        Method::Post,
        "/__mock/bulk",
        Some(json!({"count": MAX_BULK_ENTRIES + 1})),
    );
    assert_eq!(too_many.status, 422, "{}", too_many.body);
    let unknown = w.control(Method::Post, "/__mock/bulk", Some(json!({"size": 5})));
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    let not_object = w.control(Method::Post, "/__mock/bulk", Some(json!([1])));
    assert_eq!(not_object.status, 400);
    assert_eq!(w.set().count, COUNT, "a refused request changes nothing");
}

#[test]
fn the_developer_panel_lists_the_set_for_the_configured_client() {
    let mut backend = MockBackend::new(1);
    assert_eq!(load_bulk_data(&mut backend, CLIENT, 10_000, NOW), 10_000);
    let set = backend.state.livechat.bulk.clone().expect("a set");
    assert_eq!(set.client_id, CLIENT);
    assert_eq!(set.anchor_ms, NOW);
    assert_eq!(
        load_bulk_data(&mut backend, CLIENT, u32::MAX, NOW),
        MAX_BULK_ENTRIES
    );
}
