//! Browser tests of the charges, subscriptions and ledger pages: the real
//! routes rendered by Leptos in headless Chromium, over the in-page mock
//! backend seeded for each test. Run with
//! `cargo test --target wasm32-unknown-unknown --test web_lists`.
#![cfg(target_arch = "wasm32")]

use billing_mock::app;
use billing_mock::control::{Fault, ScheduledFault};
use billing_mock::livechat::{LedgerRecord, Product, RecurrentChargeRecord};
use billing_mock::oauth::{IssuedToken, Subject, DEMO_ACCOUNTS};
use billing_mock::MockBackend;
use billing_widget::config::DEMO_CLIENT_ID;
use billing_widget::domain::charge::{DirectChargeStatus, LedgerEntryType, RecurrentChargeStatus};
use billing_widget::domain::oauth::{AccessToken, Scope};
use billing_widget::ui::MAX_RETRY_WAIT_SECS;
use billing_widget::web::dom;
use mock_transport::MockTransport;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "support/browser.rs"]
mod browser;
#[path = "support/mock_transport.rs"]
mod mock_transport;

use browser::{mount, sleep, window, Mounted};

wasm_bindgen_test_configure!(run_in_browser);

/// Where the app picks up the token of the previous page of this tab
/// (`web::session::HANDOFF_KEY`).
const HANDOFF_KEY: &str = "billing-widget.oauth.handoff";
const DAY_MS: u64 = 86_400_000;
const HOUR_MS: u64 = 3_600_000;
const TOKEN: &str = "test-token-for-the-list-pages";
const SUB_ID: &str = "5ub5c41b-0000-4000-8000-000000000001";

fn session_storage() -> web_sys::Storage {
    window()
        .session_storage()
        .ok()
        .flatten()
        .expect("sessionStorage")
}

/// Olivia (every scope) or Adam (no `ledger_read`).
enum Who {
    Owner,
    Agent,
}

/// A fresh mock backend with a token for `who`, changed by `seed`; the app
/// mounted next starts signed in with that token. `client_scopes` is what
/// the app believes the token holds.
fn seed(who: Who, client_scopes: Vec<Scope>, seed: impl FnOnce(&mut MockBackend, u64)) -> Session {
    let account = match who {
        Who::Owner => &DEMO_ACCOUNTS[0],
        Who::Agent => &DEMO_ACCOUNTS[1],
    };
    let now = dom::now_ms();
    MockTransport::new(1).with_backend(|backend| {
        // Nothing from an earlier test: the mock also keeps its last state
        // in memory, so removing the stored copy is not enough.
        *backend = MockBackend::new(1);
        // Confirmation pages on this page's origin, as the app sets it up.
        app::serve_pages_from(backend, &dom::origin());
        backend.state.oauth.tokens.push(IssuedToken {
            access_token: TOKEN.to_owned(),
            subject: Subject {
                account_id: account.account_id.to_owned(),
                organization_id: account.organization_id.to_owned(),
                email: account.email.to_owned(),
                license_id: account.license_id,
                client_id: DEMO_CLIENT_ID.to_owned(),
                scopes: account.scopes.iter().map(|s| (*s).to_owned()).collect(),
            },
            expires_at_ms: now + DAY_MS,
            from_code: None,
        });
        seed(backend, now);
    });
    let token = AccessToken::new(TOKEN.to_owned(), 3600, now, client_scopes);
    Session(serde_json::to_string(&token).expect("a token as JSON"))
}

/// The token a page of this tab hands to the next one.
struct Session(String);

impl Session {
    /// Mounts the app at `path`, signed in (each mount takes the token).
    fn mount(&self, path: &str) -> Mounted {
        session_storage()
            .set_item(HANDOFF_KEY, &self.0)
            .expect("sessionStorage");
        mount(path)
    }
}

fn owner_scopes() -> Vec<Scope> {
    vec![Scope::BillingManage, Scope::LedgerRead]
}

fn subscription(now: u64, id: &str, status: RecurrentChargeStatus) -> RecurrentChargeRecord {
    RecurrentChargeRecord {
        id: id.to_owned(),
        product: Product::Livechat,
        buyer_license_id: DEMO_ACCOUNTS[0].license_id,
        buyer_entity_id: DEMO_ACCOUNTS[0].email.to_owned(),
        seller_client_id: DEMO_CLIENT_ID.to_owned(),
        order_client_id: DEMO_CLIENT_ID.to_owned(),
        order_license_id: DEMO_ACCOUNTS[0].license_id.to_string(),
        order_entity_id: DEMO_ACCOUNTS[0].email.to_owned(),
        name: "Pro plan".to_owned(),
        price: 3000,
        quantity: 1,
        trial_days: 0,
        months: 1,
        return_url: format!("{}/return", dom::origin()),
        confirmation_url: format!(
            "{}/mock/confirm?id={id}&type=recurrent_charge",
            dom::origin()
        ),
        test: true,
        per_account: false,
        status,
        commission_percent: 20,
        external_id: None,
        trial_ends_ms: None,
        cancelled_ms: None,
        current_charge_ms: None,
        next_charge_ms: None,
        created_ms: now - 20 * DAY_MS,
        updated_ms: now - 20 * DAY_MS,
        activated_ms: Some(now - 20 * DAY_MS),
        outcome: None,
        period_paid: None,
        activation_requests: 1,
    }
}

/// An active subscription of $30.00 a month, 20 days into a 30-day period
/// (less a few minutes, so the estimate made a little later is still
/// exactly $10.00, for 11 days counting the part-day).
fn active_subscription(now: u64) -> RecurrentChargeRecord {
    const MARGIN_MS: u64 = 5 * 60_000;
    RecurrentChargeRecord {
        current_charge_ms: Some(now - 20 * DAY_MS + MARGIN_MS),
        next_charge_ms: Some(now + 10 * DAY_MS + MARGIN_MS),
        period_paid: Some(2400),
        ..subscription(now, SUB_ID, RecurrentChargeStatus::Active)
    }
}

fn ledger_line(now: u64, n: u64, entry_type: LedgerEntryType, value: i64) -> LedgerRecord {
    LedgerRecord {
        id: format!("1ed9e700-0000-4000-8000-00000000000{n}"),
        client_id: DEMO_CLIENT_ID.to_owned(),
        name: format!("Line {n}"),
        entry_type,
        value,
        created_ms: now - n * HOUR_MS,
        charge_id: String::new(),
    }
}

// ---------------------------------------------------------------------------
// Charges
// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn without_a_sign_in_the_charges_page_asks_for_one() {
    MockTransport::new(1).with_backend(|backend| *backend = MockBackend::new(1));
    let _ = session_storage().remove_item(HANDOFF_KEY);
    let app = mount("/charges");
    let prompt = app.wait_for("[data-testid=sign-in-prompt]").await;
    assert!(prompt
        .text_content()
        .unwrap_or_default()
        .contains("to see your charges"));
    assert!(app.all("[data-testid=charge-row]").is_empty());
}

#[wasm_bindgen_test]
async fn badges_are_coloured_by_meaning_and_an_unknown_status_is_never_paid() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 10, now);
        // The newest charge, with a status this widget does not know.
        if let Some(newest) = backend.state.livechat.direct_charges.last().cloned() {
            let mut odd = newest;
            odd.id = "0dd0dd00-0000-4000-8000-000000000001".to_owned();
            odd.status = DirectChargeStatus::Unknown("disputed".to_owned());
            odd.created_ms = now;
            backend.state.livechat.direct_charges.push(odd);
        }
    });
    let app = session.mount("/charges");
    app.wait_for("[data-testid=charge-row]").await;
    let rows = app.all("[data-testid=charge-row]");
    assert_eq!(rows.len(), 11);
    let expected = [
        ("disputed", "unknown"),
        ("success", "paid"),
        ("pending", "waiting"),
        ("failed", "failed"),
        ("declined", "failed"),
    ];
    for (status, tone) in expected {
        let badge = app.one(&format!(
            "[data-testid=charge-row][data-status={status}] [data-testid=status-badge]"
        ));
        assert_eq!(
            badge.get_attribute("data-tone").as_deref(),
            Some(tone),
            "{status}"
        );
        assert!(
            badge
                .get_attribute("class")
                .unwrap_or_default()
                .contains(&format!("badge-{tone}")),
            "{status}"
        );
    }
    let unknown = app.text("[data-status=disputed] [data-testid=status-badge]");
    assert!(unknown.contains("Status unknown (disputed)"), "{unknown}");
    assert!(!unknown.contains("Paid"), "{unknown}");
    // Each row links to its detail page and shows the total.
    let link = app.one("[data-status=disputed] [data-testid=charge-link]");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("/charges/0dd0dd00-0000-4000-8000-000000000001")
    );
    assert!(app
        .text("[data-status=disputed] [data-testid=charge-total]")
        .starts_with('$'));
}

#[wasm_bindgen_test]
async fn next_is_offered_after_a_full_page_only() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 45, now);
    });
    let app = session.mount("/charges");
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 20);
    assert!(app.is_disabled("[data-testid=page-prev]"));
    assert!(!app.is_disabled("[data-testid=page-next]"));
    assert_eq!(app.text("[data-testid=page-number]"), "Page 1");

    app.click("[data-testid=page-next]");
    app.wait_for_page(2).await;
    assert_eq!(dom::location_search(), "?page=2");
    assert_eq!(app.all("[data-testid=charge-row]").len(), 20);
    assert!(!app.is_disabled("[data-testid=page-prev]"));
    assert!(!app.is_disabled("[data-testid=page-next]"));

    app.click("[data-testid=page-next]");
    app.wait_for_page(3).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 5);
    assert!(
        app.is_disabled("[data-testid=page-next]"),
        "a short page is the last"
    );
    assert_eq!(app.text("[data-testid=page-number]"), "Page 3");

    app.click("[data-testid=page-prev]");
    app.wait_for_page(2).await;
    assert_eq!(dom::location_search(), "?page=2");
}

#[wasm_bindgen_test]
async fn an_empty_page_after_a_full_one_says_there_are_no_more() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 40, now);
    });
    let app = session.mount("/charges?page=2");
    app.wait_for_page(2).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 20);
    assert!(
        !app.is_disabled("[data-testid=page-next]"),
        "a full page may have a next"
    );

    app.click("[data-testid=page-next]");
    app.wait_for("[data-testid=no-more]").await;
    assert!(app
        .text("[data-testid=no-more]")
        .contains("No more charges"));
    assert!(app.is_disabled("[data-testid=page-next]"));
    assert!(!app.is_disabled("[data-testid=page-prev]"));
    let back = app.one("[data-testid=no-more-back]");
    assert_eq!(
        back.get_attribute("href").as_deref(),
        Some("/charges?page=2")
    );
}

#[wasm_bindgen_test]
async fn the_status_filter_lives_in_the_address() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 45, now);
    });
    let app = session.mount("/charges?status=failed");
    app.wait_for_page(1).await;
    let statuses = app.row_statuses("charge-row");
    assert_eq!(statuses.len(), 9, "every 5th of 45 sample charges failed");
    assert!(statuses.iter().all(|s| s == "failed"), "{statuses:?}");
    let select = app
        .one("[data-testid=status-filter]")
        .dyn_into::<web_sys::HtmlSelectElement>()
        .expect("a select");
    assert_eq!(select.value(), "failed");

    select.set_value("declined");
    let change = web_sys::Event::new("change").expect("an event");
    select.dispatch_event(&change).expect("dispatch");
    app.wait_until("the declined charges", |_| {
        dom::location_search() == "?status=declined"
    })
    .await;
    app.wait_until("rows of the new filter", |root| {
        let rows = root
            .query_selector_all("[data-testid=charge-row][data-status=declined]")
            .map(|l| l.length())
            .unwrap_or(0);
        // Every 7th of 45 declined, but for the 35th, which failed.
        rows == 5
    })
    .await;
}

/// What arrowing through the closed select does: a keydown, then a change.
fn arrow_to(select: &web_sys::HtmlSelectElement, value: &str) {
    let key = web_sys::KeyboardEventInit::new();
    key.set_key("ArrowDown");
    let down = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &key)
        .expect("a key event");
    select.dispatch_event(&down).expect("dispatch keydown");
    select.set_value(value);
    let change = web_sys::Event::new("change").expect("an event");
    select.dispatch_event(&change).expect("dispatch change");
}

#[wasm_bindgen_test]
async fn arrowing_through_the_status_filter_loads_only_where_the_keys_rest() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 45, now);
    });
    let app = session.mount("/charges");
    app.wait_for_page(1).await;
    let select = app
        .one("[data-testid=status-filter]")
        .dyn_into::<web_sys::HtmlSelectElement>()
        .expect("a select");
    let lists_loaded = || {
        MockTransport::new(1).with_backend(|b| {
            b.state
                .request_counts
                .iter()
                .filter(|(key, _)| key.starts_with("GET /v1/direct_charge"))
                .map(|(_, n)| *n)
                .sum::<u64>()
        })
    };
    let before = lists_loaded();
    arrow_to(&select, "pending");
    sleep(100).await;
    arrow_to(&select, "accepted");
    sleep(100).await;
    arrow_to(&select, "declined");
    sleep(100).await;
    assert_eq!(
        dom::location_search(),
        "",
        "nothing applied while the keys move"
    );
    app.wait_until("the filter the keys rested on", |_| {
        dom::location_search() == "?status=declined"
    })
    .await;
    app.wait_until("rows of that filter", |root| {
        root.query_selector(
            "[data-testid=list-results] [data-testid=charge-row][data-status=declined]",
        )
        .ok()
        .flatten()
        .is_some()
    })
    .await;
    assert_eq!(lists_loaded() - before, 1, "one list loaded, not three");
}

#[wasm_bindgen_test]
async fn a_bad_page_in_the_address_is_named_not_guessed() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 3, now);
    });
    let app = session.mount("/charges?page=two&status=paid");
    app.wait_for_page(1).await;
    let note = app.text("[data-testid=query-note]");
    assert!(note.contains("\u{201c}two\u{201d}"), "{note}");
    assert!(note.contains("\u{201c}paid\u{201d}"), "{note}");
    assert_eq!(app.all("[data-testid=charge-row]").len(), 3);
}

#[wasm_bindgen_test]
async fn a_pending_charge_offers_its_confirmation_page_only_on_an_allowed_address() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 9, now);
        // Sample 9 is pending; a copy points at a foreign confirmation page.
        let pending = backend
            .state
            .livechat
            .direct_charges
            .iter()
            .find(|c| c.status == DirectChargeStatus::Pending)
            .cloned();
        if let Some(pending) = pending {
            let mut foreign = pending;
            foreign.id = "f0e19000-0000-4000-8000-000000000001".to_owned();
            foreign.confirmation_url = "https://evil.example/confirm?id=1".to_owned();
            backend.state.livechat.direct_charges.push(foreign);
        }
    });
    let app = session.mount("/charges?status=pending");
    app.wait_for_page(1).await;
    let links =
        app.all("[data-testid=charge-row]:not([data-id^=f0e19000]) [data-testid=charge-link]");
    let href = links
        .first()
        .and_then(|l| l.get_attribute("href"))
        .expect("a pending charge from the mock");
    drop(app);

    let app = session.mount(&href);
    app.wait_for("[data-testid=charge-detail][data-status=pending]")
        .await;
    let confirm = app.one("[data-testid=confirm-link]");
    let target = confirm.get_attribute("href").unwrap_or_default();
    assert!(target.contains("/mock/confirm?id="), "{target}");
    let steps = app.all("[data-testid=status-timeline] li");
    assert_eq!(steps.len(), 5);
    drop(app);

    let app = session.mount("/charges/f0e19000-0000-4000-8000-000000000001");
    app.wait_for("[data-testid=confirm-refused]").await;
    assert!(app.all("[data-testid=confirm-link]").is_empty());
    assert!(app.all("a[href*='evil.example']").is_empty());
}

#[wasm_bindgen_test]
async fn a_missing_charge_and_an_invalid_id_say_so() {
    let session = seed(Who::Owner, owner_scopes(), |_, _| {});
    let app = session.mount("/charges/0000aaaa-0000-4000-8000-000000000000");
    app.wait_for("[data-testid=not-found]").await;
    assert_eq!(
        app.one("[data-testid=not-found] [data-testid=back-to-list]")
            .get_attribute("href")
            .as_deref(),
        Some("/charges")
    );
    drop(app);

    let app = session.mount("/charges/not%20an%20id");
    let problem = app.wait_for("[data-testid=invalid-id]").await;
    assert!(problem
        .text_content()
        .unwrap_or_default()
        .contains("does not name a valid charge"));
}

// ---------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn the_subscriptions_list_shows_price_per_period_and_next_charge() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        let yearly = RecurrentChargeRecord {
            months: 12,
            price: 29_000,
            next_charge_ms: Some(now + 100 * DAY_MS),
            ..subscription(
                now,
                "5ub5c41b-0000-4000-8000-000000000002",
                RecurrentChargeStatus::PastDue,
            )
        };
        backend.state.livechat.recurrent_charges.push(yearly);
        backend
            .state
            .livechat
            .recurrent_charges
            .push(active_subscription(now));
    });
    let app = session.mount("/subscriptions");
    app.wait_for_page(1).await;
    assert_eq!(app.row_statuses("subscription-row"), ["active", "past_due"]);
    assert_eq!(
        app.text("[data-status=active] [data-testid=subscription-price]"),
        "$30.00 every month"
    );
    assert_eq!(
        app.text("[data-status=past_due] [data-testid=subscription-price]"),
        "$290.00 every year"
    );
    assert!(app
        .text("[data-status=active] [data-testid=next-charge]")
        .starts_with("Next charge 20"));
    assert_eq!(
        app.one("[data-status=past_due] [data-testid=status-badge]")
            .get_attribute("data-tone")
            .as_deref(),
        Some("failed")
    );
    assert_eq!(
        app.one("[data-status=active] [data-testid=subscription-link]")
            .get_attribute("href")
            .as_deref(),
        Some(format!("/subscriptions/{SUB_ID}").as_str())
    );
}

fn dialog(app: &Mounted) -> web_sys::HtmlDialogElement {
    app.one("[data-testid=cancel-dialog]")
        .dyn_into::<web_sys::HtmlDialogElement>()
        .expect("a <dialog>")
}

#[wasm_bindgen_test]
async fn cancelling_states_the_refund_and_sends_one_request() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        backend
            .state
            .livechat
            .recurrent_charges
            .push(active_subscription(now));
    });
    let app = session.mount(&format!("/subscriptions/{SUB_ID}"));
    app.wait_for("[data-testid=subscription-detail][data-status=active]")
        .await;
    assert!(!dialog(&app).open());

    app.click("[data-testid=cancel-subscription]");
    leptos::task::tick().await;
    assert!(dialog(&app).open(), "the dialog opens as a modal");
    assert_eq!(
        app.text("[data-testid=refund-estimate]"),
        "Cancelling now refunds about $10.00 for the 11 days left of this period."
    );

    app.click("[data-testid=confirm-cancel]");
    leptos::task::tick().await;
    assert!(app.is_disabled("[data-testid=confirm-cancel]"));
    // A second press while the first is on its way sends nothing.
    app.click("[data-testid=confirm-cancel]");
    app.wait_for("[data-testid=cancel-done]").await;
    app.wait_for("[data-testid=subscription-detail][data-status=cancelled]")
        .await;
    assert!(!dialog(&app).open());
    assert!(app.all("[data-testid=cancel-subscription]").is_empty());
    assert!(app.text("[data-testid=cancel-done]").contains("Ledger"));

    let refunds = MockTransport::new(1).with_backend(|backend| {
        backend
            .state
            .livechat
            .ledger
            .iter()
            .filter(|e| e.entry_type == LedgerEntryType::Refund)
            .count()
    });
    assert_eq!(refunds, 1, "one cancel request, one refund");
}

#[wasm_bindgen_test]
async fn no_refund_is_promised_for_a_trial_or_an_unpaid_period() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        let trial = RecurrentChargeRecord {
            trial_days: 14,
            trial_ends_ms: Some(now + 10 * DAY_MS),
            current_charge_ms: Some(now - 4 * DAY_MS),
            next_charge_ms: Some(now + 10 * DAY_MS),
            ..subscription(now, SUB_ID, RecurrentChargeStatus::Active)
        };
        let frozen = RecurrentChargeRecord {
            current_charge_ms: Some(now - 4 * DAY_MS),
            ..subscription(
                now,
                "5ub5c41b-0000-4000-8000-000000000002",
                RecurrentChargeStatus::Frozen,
            )
        };
        backend.state.livechat.recurrent_charges.push(trial);
        backend.state.livechat.recurrent_charges.push(frozen);
    });
    let app = session.mount(&format!("/subscriptions/{SUB_ID}"));
    app.wait_for("[data-testid=subscription-detail]").await;
    app.click("[data-testid=cancel-subscription]");
    leptos::task::tick().await;
    let text = app.text("[data-testid=refund-estimate]");
    assert!(text.starts_with("No refund: the free trial"), "{text}");
    dialog(&app).close();
    drop(app);

    let app = session.mount("/subscriptions/5ub5c41b-0000-4000-8000-000000000002");
    app.wait_for("[data-testid=subscription-detail][data-status=frozen]")
        .await;
    let help = app.text("[data-testid=status-help]");
    assert!(
        help.contains("LiveChat could not collect the payment"),
        "{help}"
    );
    app.click("[data-testid=cancel-subscription]");
    leptos::task::tick().await;
    assert_eq!(
        app.text("[data-testid=refund-estimate]"),
        "No refund: the payment for the current period was not collected."
    );
}

#[wasm_bindgen_test]
async fn a_subscription_changed_meanwhile_is_reloaded_not_cancelled_twice() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        backend
            .state
            .livechat
            .recurrent_charges
            .push(active_subscription(now));
    });
    let app = session.mount(&format!("/subscriptions/{SUB_ID}"));
    app.wait_for("[data-testid=subscription-detail][data-status=active]")
        .await;
    app.click("[data-testid=cancel-subscription]");
    // Another tab cancels it first.
    MockTransport::new(1).with_backend(|backend| {
        for charge in &mut backend.state.livechat.recurrent_charges {
            charge.status = RecurrentChargeStatus::Cancelled;
            charge.cancelled_ms = Some(dom::now_ms());
            charge.next_charge_ms = None;
        }
    });
    app.click("[data-testid=confirm-cancel]");
    app.wait_for("[data-testid=changed-note]").await;
    app.wait_for("[data-testid=subscription-detail][data-status=cancelled]")
        .await;
    assert!(!dialog(&app).open());
    assert!(app.all("[data-testid=cancel-done]").is_empty());
}

// ---------------------------------------------------------------------------
// Ledger
// ---------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn ledger_amounts_carry_the_sign_of_their_type() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        let ledger = &mut backend.state.livechat.ledger;
        ledger.push(ledger_line(now, 1, LedgerEntryType::Collection, 1000));
        ledger.push(ledger_line(now, 2, LedgerEntryType::Refund, 250));
        ledger.push(ledger_line(now, 3, LedgerEntryType::Withdrawal, 500));
        ledger.push(ledger_line(
            now,
            4,
            LedgerEntryType::Unknown("fee".to_owned()),
            100,
        ));
    });
    let app = session.mount("/ledger");
    app.wait_for_page(1).await;
    app.wait_for("[data-testid=balance]").await;
    assert_eq!(app.text("[data-testid=balance]"), "$2.50");
    let amounts: Vec<(String, String)> = app
        .all("[data-testid=ledger-row]")
        .iter()
        .map(|row| {
            let amount = row
                .query_selector("[data-testid=ledger-amount]")
                .ok()
                .flatten()
                .and_then(|a| a.text_content())
                .unwrap_or_default();
            (row.get_attribute("data-type").unwrap_or_default(), amount)
        })
        .collect();
    let expected = [
        ("collection", "+$10.00"),
        ("refund", "-$2.50"),
        ("withdrawal", "-$5.00"),
        ("fee", "$1.00"),
    ];
    assert_eq!(
        amounts,
        expected.map(|(t, a)| (t.to_owned(), a.to_owned())),
        "newest first"
    );
    assert!(app
        .text("[data-type=fee] [data-testid=ledger-type]")
        .contains("fee"));
}

#[wasm_bindgen_test]
async fn without_ledger_read_the_ledger_sends_no_request() {
    let session = seed(Who::Agent, vec![Scope::BillingManage], |backend, _| {
        // A request to the ledger would use this fault up.
        backend.state.faults.faults.push(ScheduledFault {
            path_prefix: Some("/v1/ledger".to_owned()),
            fault: Fault::Status { status: 500 },
            times: 1,
        });
    });
    let app = session.mount("/ledger");
    let notice = app.wait_for("[data-testid=missing-scope]").await;
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("ledger_read"), "{text}");
    assert!(text.contains("account owner"), "{text}");
    assert!(app.all("[data-testid=sign-in-other]").len() == 1);
    sleep(500).await;
    let unused = MockTransport::new(1).with_backend(|backend| backend.state.faults.faults.len());
    assert_eq!(unused, 1, "no ledger request was sent");
    assert!(app.all("[data-testid=balance]").is_empty());
}

#[wasm_bindgen_test]
async fn a_403_from_the_server_names_the_missing_permission() {
    // The app believes the token reads the ledger; the server knows better.
    let session = seed(Who::Agent, owner_scopes(), |_, _| {});
    let app = session.mount("/ledger");
    let notice = app.wait_for("[data-testid=missing-scope]").await;
    assert_eq!(
        notice.get_attribute("data-scope").as_deref(),
        Some("ledger_read")
    );
    assert_eq!(app.all("[data-testid=missing-scope]").len(), 1, "said once");
}

#[wasm_bindgen_test]
async fn a_list_whose_answer_cannot_be_read_offers_to_read_it_again() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 3, now);
        backend.state.faults.faults.push(ScheduledFault {
            path_prefix: Some("/v1/direct_charge".to_owned()),
            fault: Fault::MalformedJson,
            times: 1,
        });
    });
    let app = session.mount("/charges");
    let notice = app.wait_for("[data-testid=error-notice]").await;
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("could not read"), "{text}");
    // Reading again charges nobody, so the cut-off answer gets a retry.
    app.click("[data-testid=error-retry]");
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 3);
    assert!(app.all("[data-testid=error-notice]").is_empty());
}

fn unavailable(times: u32) -> ScheduledFault {
    ScheduledFault {
        path_prefix: Some("/v1/direct_charge".to_owned()),
        fault: Fault::Status { status: 503 },
        times,
    }
}

#[wasm_bindgen_test]
async fn a_read_the_server_briefly_refuses_is_repeated_by_itself() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 3, now);
        backend.state.faults.faults.push(unavailable(2));
    });
    let app = session.mount("/charges");
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 3);
    assert!(app.all("[data-testid=error-notice]").is_empty());
    let left = MockTransport::new(1).with_backend(|backend| backend.state.faults.faults.len());
    assert_eq!(left, 0, "both 503s were met and waited out");
}

#[wasm_bindgen_test]
async fn a_read_that_keeps_failing_is_left_to_the_buyer_to_retry() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 3, now);
        backend.state.faults.faults.push(unavailable(3));
    });
    let app = session.mount("/charges");
    let notice = app.wait_for("[data-testid=error-notice]").await;
    assert_eq!(
        notice.get_attribute("data-status").as_deref(),
        Some("HTTP 503")
    );
    let retry = app
        .one("[data-testid=error-retry]")
        .dyn_into::<web_sys::HtmlElement>()
        .expect("a button");
    retry.focus().expect("focus the retry button");
    retry.click();
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 3);
    // The button went with the notice; the keyboard goes on from the list.
    app.wait_until("the focus kept on the list", |_| {
        browser::focused_testid().as_deref() == Some("list-results")
    })
    .await;
}

fn rate_limited(retry_after_secs: u64) -> ScheduledFault {
    ScheduledFault {
        path_prefix: Some("/v1/direct_charge".to_owned()),
        fault: Fault::RateLimited { retry_after_secs },
        times: 1,
    }
}

fn retry_button(app: &Mounted) -> web_sys::Element {
    app.all("[data-testid=error-retry]")
        .pop()
        .expect("a retry button")
}

fn disabled(button: &web_sys::Element) -> bool {
    button.has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn a_429_keeps_the_retry_button_waiting_as_long_as_the_server_asked() {
    let session = seed(Who::Owner, owner_scopes(), |backend, now| {
        app::add_sample_charges(backend, 3, now);
        backend.state.faults.faults.push(rate_limited(2));
    });
    let app = session.mount("/charges");
    let notice = app.wait_for("[data-testid=error-notice]").await;
    assert_eq!(
        notice.get_attribute("data-status").as_deref(),
        Some("HTTP 429")
    );
    assert!(notice
        .text_content()
        .unwrap_or_default()
        .contains("Wait 2 seconds"));
    let button = retry_button(&app);
    assert!(disabled(&button), "no retry before the wait is over");
    assert_eq!(button.text_content().as_deref(), Some("Try again in 2 s"));
    sleep(1_100).await;
    assert_eq!(
        retry_button(&app).text_content().as_deref(),
        Some("Try again in 1 s")
    );
    sleep(1_100).await;
    let button = retry_button(&app);
    assert!(!disabled(&button), "the wait is over");
    assert_eq!(button.text_content().as_deref(), Some("Try again"));
    app.click("[data-testid=error-retry]");
    app.wait_for_page(1).await;
    assert_eq!(app.all("[data-testid=charge-row]").len(), 3);
}

#[wasm_bindgen_test]
async fn a_server_asking_for_an_hour_does_not_lock_the_page() {
    let session = seed(Who::Owner, owner_scopes(), |backend, _| {
        backend.state.faults.faults.push(rate_limited(3_600));
    });
    let app = session.mount("/charges");
    app.wait_for("[data-testid=error-notice]").await;
    let button = retry_button(&app);
    assert!(disabled(&button));
    assert_eq!(
        button.text_content(),
        Some(format!("Try again in {MAX_RETRY_WAIT_SECS} s"))
    );
}
