//! Browser tests of the buying pieces: the status timeline and the buy form,
//! rendered by Leptos in headless Chromium against the in-page mock (tests/support).
#![cfg(target_arch = "wasm32")]

use billing_mock::control::{GatewayOutcome, ScheduledFault};
use billing_mock::livechat;
use billing_mock::oauth::{self, AuthorizeParams, Decision, DEMO_ACCOUNTS};
use billing_mock::{app, Fault};
use billing_widget::api::livechat::{BillingClient, NewDirectCharge};
use billing_widget::config::{AppConfig, DEMO_CLIENT_ID};
use billing_widget::domain::charge::DirectChargeStatus;
use billing_widget::domain::charge::{ChargeKind, DirectChargeId};
use billing_widget::domain::checkout::direct_timeline;
use billing_widget::domain::checkout::{ActivationLog, ActivationState};
use billing_widget::domain::money::Cents;
use billing_widget::domain::oauth::{AccessToken, Callback};
use billing_widget::ui::timeline::StatusTimeline;
use billing_widget::web::dom;
use billing_widget::web::locks::{self, LockAttempt};
use billing_widget::web::storage::{self, Area};
use leptos::prelude::*;
use mock_transport::MockTransport;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/browser.rs"]
mod browser;
#[path = "support/mock_transport.rs"]
mod mock_transport;

use browser::{container, mount, wait_for};

/// The token hand-over key of `ui::auth`.
const HANDOFF_KEY: &str = "billing-widget.oauth.handoff";
const DEMO_SEED: u64 = 1;

fn steps_of(root: &web_sys::HtmlElement) -> Vec<(String, String, bool)> {
    let items = root
        .query_selector_all("[data-testid=status-timeline] li")
        .expect("a valid selector");
    (0..items.length())
        .filter_map(|i| items.item(i))
        .map(|node| {
            let li: web_sys::Element = node.unchecked_into();
            (
                li.get_attribute("data-testid").unwrap_or_default(),
                li.get_attribute("data-state").unwrap_or_default(),
                li.get_attribute("aria-current").as_deref() == Some("step"),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_timeline_marks_one_current_step_and_follows_the_status() {
    let root = container();
    let steps = RwSignal::new(direct_timeline(&DirectChargeStatus::Pending, false));
    leptos::mount::mount_to(root.clone(), move || {
        view! { <StatusTimeline steps label="Payment progress"/> }
    })
    .forget();
    leptos::task::tick().await;

    let list = wait_for(&root, "ol[aria-label='Payment progress']").await;
    let shown = steps_of(&root);
    assert_eq!(shown.len(), 5, "{}", list.inner_text());
    assert_eq!(shown[0], ("step-created".into(), "done".into(), false));
    assert_eq!(shown[1], ("step-confirmed".into(), "current".into(), true));
    assert_eq!(shown.iter().filter(|(_, _, current)| *current).count(), 1);
    // Screen readers hear each step's state, not just a tick or a dot.
    assert!(list
        .text_content()
        .unwrap_or_default()
        .contains(": in progress"));

    steps.set(direct_timeline(&DirectChargeStatus::Failed, true));
    leptos::task::tick().await;
    let shown = steps_of(&root);
    assert_eq!(shown.last().map(|s| s.1.as_str()), Some("failed"));
    assert!(shown.iter().all(|(_, _, current)| !current));

    steps.set(direct_timeline(
        &DirectChargeStatus::Unknown("on_hold".into()),
        true,
    ));
    leptos::task::tick().await;
    let shown = steps_of(&root);
    assert_ne!(
        shown.last().map(|s| s.1.as_str()),
        Some("done"),
        "unknown is never paid"
    );
}

/// A fresh mock with a token for Olivia, handed over as a previous page
/// would, so the app starts signed in.
fn start_signed_in() -> MockTransport {
    start_signed_in_with_token().0
}

/// [`start_signed_in`], also returning Olivia's token for requests the
/// test makes itself (as another tab or browser would).
fn start_signed_in_with_token() -> (MockTransport, AccessToken) {
    let mock = MockTransport::new(DEMO_SEED);
    mock.with_backend(|b| app::reset(b, DEMO_SEED, &dom::origin()));
    // A reset mock hands out the same ids again: forget their activations.
    storage::remove(Area::Local, ActivationLog::STORAGE_KEY);
    let params = AuthorizeParams {
        response_type: "token".into(),
        client_id: DEMO_CLIENT_ID.into(),
        redirect_uri: format!("{}/auth/callback", dom::origin()),
        state: Some("AAAAAAAAAAAAAAAAAAAAAA".into()),
        code_challenge: None,
        code_challenge_method: None,
        scope: None,
    };
    let now = dom::now_ms();
    let redirect = mock
        .with_backend(|b| {
            oauth::authorize(
                &mut b.state,
                &params,
                Decision::Allow {
                    account_id: DEMO_ACCOUNTS[0].account_id.into(),
                },
                now,
            )
        })
        .expect("the mock signs Olivia in");
    let Ok(Callback::Token { grant, .. }) = Callback::from_url(&redirect) else {
        panic!("an implicit answer: {redirect}");
    };
    let token: AccessToken = grant.into_access_token(now);
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .expect("sessionStorage")
        .set_item(
            HANDOFF_KEY,
            &serde_json::to_string(&token).expect("a token serializes"),
        )
        .expect("store the hand-over");
    (mock, token)
}

fn direct_charges(mock: &MockTransport) -> usize {
    mock.with_backend(|b| b.state.livechat.direct_charges.len())
}

/// The transcripts export's card in the shop: the card, its quantity field
/// and its Buy button.
async fn export_card(
    root: &web_sys::HtmlElement,
) -> (
    web_sys::HtmlElement,
    web_sys::HtmlInputElement,
    web_sys::HtmlElement,
) {
    let card = wait_for(root, "[data-item-id='chat-transcripts-export']").await;
    let input = wait_for(&card, "[data-testid=quantity]")
        .await
        .unchecked_into();
    let buy = wait_for(&card, "[data-testid=buy]").await;
    (card, input, buy)
}

fn set_quantity(input: &web_sys::HtmlInputElement, value: &str) {
    input.set_value(value);
    let event = web_sys::Event::new("input").expect("an input event");
    input.dispatch_event(&event).expect("dispatch input");
}

#[wasm_bindgen_test]
async fn a_bad_quantity_is_explained_in_place_and_nothing_is_sent() {
    let mock = start_signed_in();
    let app = mount("/");
    let (card, input, buy) = export_card(&app.root).await;

    set_quantity(&input, "0");
    buy.click();
    let error = wait_for(&card, "[data-testid=buy-input-error]").await;
    assert!(
        error.inner_text().contains("from 1 to 100"),
        "{}",
        error.inner_text()
    );
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    // What the buyer typed stays, and no request went out.
    assert_eq!(input.value(), "0");
    assert_eq!(direct_charges(&mock), 0);

    set_quantity(&input, "2.5");
    buy.click();
    leptos::task::tick().await;
    let error = wait_for(&card, "[data-testid=buy-input-error]").await;
    assert!(
        error.inner_text().contains("whole number"),
        "{}",
        error.inner_text()
    );
    assert_eq!(direct_charges(&mock), 0);
}

#[wasm_bindgen_test]
async fn a_quantity_the_server_refuses_is_marked_at_its_field_with_no_retry() {
    let mock = start_signed_in();
    let app = mount("/");
    let (card, input, buy) = export_card(&app.root).await;
    mock.with_backend(|b| {
        app::fail_next_request(
            b,
            Fault::Refused {
                status: 422,
                description: "quantity: at most 50 in one purchase".to_owned(),
            },
        )
    });
    set_quantity(&input, "80");
    buy.click();
    let error = wait_for(&card, "[data-testid=buy-input-error]").await;
    assert!(
        error.inner_text().contains("at most 50 in one purchase"),
        "{}",
        error.inner_text()
    );
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(input.value(), "80", "what the buyer typed stays");
    assert!(card
        .query_selector("[data-testid=error-retry]")
        .unwrap()
        .is_none());
    assert_eq!(direct_charges(&mock), 0);
}

#[wasm_bindgen_test]
async fn a_double_click_creates_one_charge_and_a_foreign_confirmation_page_is_not_opened() {
    let mock = start_signed_in();
    let app = mount("/");
    let (card, input, buy) = export_card(&app.root).await;
    // The server now answers with a confirmation page on a foreign site.
    mock.with_backend(|b| app::serve_pages_from(b, "https://pay.example.net"));

    set_quantity(&input, "2");
    // Two clicks before the page can even redraw.
    buy.click();
    buy.click();
    let refused = wait_for(&card, "[data-testid=buy-unsafe-confirmation]").await;
    assert!(
        refused.inner_text().contains("pay.example.net"),
        "names the refused origin: {}",
        refused.inner_text()
    );
    assert_eq!(direct_charges(&mock), 1, "one click, one charge");
    let quantity = mock.with_backend(|b| b.state.livechat.direct_charges[0].quantity);
    assert_eq!(quantity, 2);
    // Still on this page, and the button works again.
    assert_eq!(buy.get_attribute("aria-busy").as_deref(), Some("false"));
}

#[wasm_bindgen_test]
async fn signed_out_the_shop_offers_sign_in_instead_of_buy() {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.remove_item(HANDOFF_KEY);
    }
    let app = mount("/");
    let card = wait_for(&app.root, "[data-item-id='pro-monthly']").await;
    let button = wait_for(&card, "[data-testid=sign-in-to-buy]").await;
    assert_eq!(button.inner_text(), "Sign in to subscribe");
    assert!(card
        .query_selector("[data-testid=buy]")
        .ok()
        .flatten()
        .is_none());
}

/// Waits up to `seconds` for `selector` in `root` (a lost answer takes the
/// transport's whole timeout to be noticed).
async fn wait_long(root: &web_sys::Element, selector: &str, seconds: u32) -> web_sys::HtmlElement {
    for _ in 0..seconds * 10 {
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found.unchecked_into();
        }
        browser::sleep(100).await;
    }
    panic!(
        "{selector} did not appear; the page shows: {}",
        root.text_content().unwrap_or_default()
    );
}

#[wasm_bindgen_test]
async fn a_lost_answer_is_reconciled_with_the_charge_it_made_instead_of_a_second_one() {
    let mock = start_signed_in();
    let app = mount("/");
    let card = wait_for(&app.root, "[data-item-id='chat-transcripts-export']").await;
    let buy = wait_for(&card, "[data-testid=buy]").await;
    // The server creates the charge, but its answer never arrives.
    mock.with_backend(|b| app::fail_next_request(b, Fault::LostResponse));
    buy.click();
    let recovered = wait_long(&card, "[data-testid=buy-recovered]", 20).await;
    assert!(recovered.inner_text().contains("no second charge"));
    assert!(card
        .query_selector("[data-testid=buy-continue]")
        .unwrap()
        .is_some());
    assert!(card
        .query_selector("[data-testid=buy-try-again]")
        .unwrap()
        .is_none());
    assert_eq!(direct_charges(&mock), 1, "the one the lost request made");
}

#[wasm_bindgen_test]
async fn a_server_error_after_the_charge_was_made_is_reconciled_and_buy_looks_again() {
    let mock = start_signed_in();
    let app = mount("/");
    let card = wait_for(&app.root, "[data-item-id='chat-transcripts-export']").await;
    let buy = wait_for(&card, "[data-testid=buy]").await;
    // A gateway gives up (504) after the server created the charge.
    mock.with_backend(|b| app::fail_next_request(b, Fault::ErrorAfterWork { status: 504 }));
    buy.click();
    let recovered = wait_long(&card, "[data-testid=buy-recovered]", 20).await;
    assert!(recovered.inner_text().contains("no second charge"));
    assert_eq!(direct_charges(&mock), 1);

    // A 500 after the work, and the lookup refused three times over: the
    // outcome stays open and says so.
    mock.with_backend(|b| {
        app::fail_next_request(b, Fault::ErrorAfterWork { status: 500 });
        for _ in 0..3 {
            app::fail_next_request(b, Fault::Status { status: 503 });
        }
    });
    buy.click();
    let unknown = wait_long(&card, "[data-testid=buy-unknown]", 20).await;
    assert!(
        unknown.inner_text().contains("before buying again"),
        "{}",
        unknown.inner_text()
    );
    assert_eq!(direct_charges(&mock), 2, "the second purchase's charge");
    // Buy now looks for that charge again instead of making a third.
    for _ in 0..500 {
        if !buy.has_attribute("disabled") {
            break;
        }
        browser::sleep(20).await;
    }
    buy.click();
    wait_long(&card, "[data-testid=buy-recovered]", 20).await;
    assert_eq!(direct_charges(&mock), 2, "looking made no charge");
}

#[wasm_bindgen_test]
async fn a_request_that_made_nothing_offers_a_safe_retry() {
    let mock = start_signed_in();
    let app = mount("/");
    let card = wait_for(&app.root, "[data-item-id='chat-transcripts-export']").await;
    let buy = wait_for(&card, "[data-testid=buy]").await;
    // The server never answers and creates nothing.
    mock.with_backend(|b| app::fail_next_request(b, Fault::Hang));
    buy.click();
    let not_created = wait_long(&card, "[data-testid=buy-not-created]", 20).await;
    assert!(not_created.inner_text().contains("No charge was created"));
    assert_eq!(direct_charges(&mock), 0);
    // Trying again creates exactly one (its confirmation page is refused
    // here so the test page stays put).
    mock.with_backend(|b| app::serve_pages_from(b, "https://pay.example.net"));
    wait_for(&card, "[data-testid=buy-try-again]").await.click();
    wait_for(&card, "[data-testid=buy-unsafe-confirmation]").await;
    assert_eq!(direct_charges(&mock), 1);
}

// ---------------------------------------------------------------------------
// Activation on the return page: one tab at a time, and a refused activation
// is read, not assumed
// ---------------------------------------------------------------------------

fn billing_client(mock: MockTransport) -> BillingClient<MockTransport> {
    let config = AppConfig::from_json(browser::SHIPPED_CONFIG).expect("shipped config");
    BillingClient::new(config.livechat.billing_api().expect("billing API"), mock)
}

/// A $15.00 charge Olivia has confirmed and nobody has activated, and the
/// return address LiveChat sends her back to.
async fn accepted_direct_charge(
    mock: MockTransport,
    token: &AccessToken,
) -> (DirectChargeId, String) {
    let client = billing_client(mock);
    let charge = client
        .send(client.api().create_direct_charge(
            token,
            &NewDirectCharge::new(
                "Chat transcripts export",
                Cents::new(1500),
                1,
                format!("{}/return", dom::origin()),
            ),
        ))
        .await
        .expect("the mock creates the charge");
    let back = mock
        .with_backend(|b| {
            livechat::confirm_charge(
                &mut b.state,
                charge.id.as_str(),
                Some(ChargeKind::Direct),
                true,
                dom::now_ms(),
            )
        })
        .expect("Olivia accepts it");
    let path = format!("{}?{}", back.path(), back.query().unwrap_or_default());
    (charge.id, path)
}

fn activation_requests(mock: &MockTransport, id: &DirectChargeId) -> u32 {
    mock.with_backend(|b| {
        b.state
            .livechat
            .direct_charges
            .iter()
            .find(|c| c.id == id.as_str())
            .map(|c| c.activation_requests)
            .expect("the charge is in the mock")
    })
}

fn phase_of(root: &web_sys::HtmlElement) -> String {
    root.query_selector("[data-testid=return-phase]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-phase"))
        .unwrap_or_default()
}

fn logged_activation(id: &DirectChargeId) -> Option<ActivationState> {
    let log = storage::get(Area::Local, ActivationLog::STORAGE_KEY)
        .map(|json| ActivationLog::from_json(&json))
        .unwrap_or_default();
    log.state_of(ChargeKind::Direct, id.as_str(), dom::now_ms())
}

/// Waits (up to `seconds`) for the return page to be past activating.
async fn wait_for_phase(root: &web_sys::HtmlElement, wanted: &[&str], seconds: u32) -> String {
    for _ in 0..seconds * 10 {
        let phase = phase_of(root);
        if wanted.contains(&phase.as_str()) {
            return phase;
        }
        browser::sleep(100).await;
    }
    panic!(
        "the return page never reached {wanted:?}; it is {:?} and shows: {}",
        phase_of(root),
        root.inner_text()
    );
}

#[wasm_bindgen_test]
async fn web_locks_let_one_holder_in_at_a_time() {
    let name = "billing-widget.test-lock";
    let LockAttempt::Held(first) = locks::try_lock(name).await else {
        panic!("a free lock is granted");
    };
    assert!(matches!(locks::try_lock(name).await, LockAttempt::Busy));
    drop(first);
    // The browser frees it once the promise settles, a task later.
    let mut again = locks::try_lock(name).await;
    for _ in 0..300 {
        if matches!(again, LockAttempt::Held(_)) {
            break;
        }
        browser::sleep(10).await;
        again = locks::try_lock(name).await;
    }
    assert!(
        matches!(again, LockAttempt::Held(_)),
        "released on drop: {again:?}"
    );
}

#[wasm_bindgen_test]
async fn a_second_tab_waits_for_the_tab_activating_the_charge_and_does_not_activate_again() {
    let (mock, token) = start_signed_in_with_token();
    let (id, back) = accepted_direct_charge(mock, &token).await;
    // Another tab of this browser is activating the charge right now.
    let LockAttempt::Held(other_tab) =
        locks::try_lock(&ActivationLog::lock_name(ChargeKind::Direct, id.as_str())).await
    else {
        panic!("the other tab takes the lock");
    };
    let app = mount(&back);
    wait_for_phase(&app.root, &["activating-elsewhere"], 10).await;
    assert!(app
        .root
        .inner_text()
        .contains("Another tab is activating this charge"));
    browser::sleep(500).await;
    assert_eq!(
        activation_requests(&mock, &id),
        0,
        "nothing is sent while the other tab holds the lock"
    );

    // The other tab activates, logs it, and lets go.
    let client = billing_client(mock);
    client
        .send(client.api().activate_direct_charge(&token, &id))
        .await
        .expect("the other tab's activation");
    let mut log = storage::get(Area::Local, ActivationLog::STORAGE_KEY)
        .map(|json| ActivationLog::from_json(&json))
        .unwrap_or_default();
    log.mark_done(ChargeKind::Direct, id.as_str(), dom::now_ms());
    storage::set(Area::Local, ActivationLog::STORAGE_KEY, &log.to_json());
    drop(other_tab);

    wait_for_phase(&app.root, &["checking", "finished"], 10).await;
    assert_eq!(
        activation_requests(&mock, &id),
        1,
        "activated once, by the other tab"
    );
}

#[wasm_bindgen_test]
async fn a_charge_activated_in_another_browser_is_read_again_after_the_409_and_followed() {
    let (mock, token) = start_signed_in_with_token();
    let (id, back) = accepted_direct_charge(mock, &token).await;
    // Another browser's activation is on its way through the gateway: the
    // charge still reads `accepted`, but activating it again is refused.
    // This one's log knows nothing of it.
    mock.with_backend(|b| {
        let charge = b
            .state
            .livechat
            .direct_charges
            .iter_mut()
            .find(|c| c.id == id.as_str())
            .expect("the charge is in the mock");
        charge.activated_ms = Some(dom::now_ms() + 60_000);
        charge.outcome = Some(GatewayOutcome::Success);
    });
    assert_eq!(logged_activation(&id), None);

    let app = mount(&back);
    wait_for_phase(&app.root, &["checking", "finished"], 15).await;
    assert_eq!(
        activation_requests(&mock, &id),
        1,
        "this page's attempt was refused with 409, not repeated"
    );
    assert!(
        matches!(logged_activation(&id), Some(ActivationState::Done { .. })),
        "the re-read showed it activated: {:?}",
        logged_activation(&id)
    );
}

#[wasm_bindgen_test]
async fn a_refused_activation_of_a_charge_in_an_unknown_status_is_not_taken_for_done() {
    let (mock, token) = start_signed_in_with_token();
    let (id, back) = accepted_direct_charge(mock, &token).await;
    // The activate request will be refused as not allowed now. Answers are
    // slowed down so the charge can change between the page's first read
    // and its activate request.
    let activate_path = billing_client(mock)
        .api()
        .activate_direct_charge(&token, &id)
        .into_request()
        .expect("a request")
        .url
        .path()
        .to_owned();
    mock.with_backend(|b| {
        b.state.faults.latency_ms = 800;
        b.state.faults.faults.push(ScheduledFault {
            path_prefix: Some(activate_path),
            fault: Fault::Refused {
                status: 409,
                description: "not allowed in the current status".into(),
            },
            times: 1,
        });
    });
    let reads = || {
        mock.with_backend(|b| {
            b.state
                .request_counts
                .iter()
                .filter(|(key, _)| key.starts_with("GET ") && key.ends_with(id.as_str()))
                .map(|(_, n)| *n)
                .sum::<u64>()
        })
    };
    let app = mount(&back);
    while reads() == 0 {
        browser::sleep(10).await;
    }
    // Read as accepted; meanwhile the charge moves to a status nobody knows.
    mock.with_backend(|b| {
        let charge = b
            .state
            .livechat
            .direct_charges
            .iter_mut()
            .find(|c| c.id == id.as_str())
            .expect("the charge");
        charge.status = DirectChargeStatus::Unknown("refunded".into());
    });
    wait_for_phase(&app.root, &["checking"], 15).await;
    assert_eq!(
        logged_activation(&id),
        None,
        "a 409 followed by an unknown status is no proof of activation"
    );
    assert!(
        app.root.inner_text().contains("refunded"),
        "the status read again is shown: {}",
        app.root.inner_text()
    );
}

#[wasm_bindgen_test]
async fn a_server_asking_to_slow_down_while_checking_is_told_with_the_wait() {
    let (mock, token) = start_signed_in_with_token();
    let (id, back) = accepted_direct_charge(mock, &token).await;
    let app = mount(&back);
    wait_for_phase(&app.root, &["checking"], 15).await;
    let charge_path = billing_client(mock)
        .api()
        .get_direct_charge(&token, &id)
        .into_request()
        .expect("a request")
        .url
        .path()
        .to_owned();
    mock.with_backend(|b| {
        b.state.faults.faults.push(ScheduledFault {
            path_prefix: Some(charge_path),
            fault: Fault::RateLimited {
                retry_after_secs: 7,
            },
            times: 1,
        });
    });
    wait_for_phase(&app.root, &["slowed-down"], 20).await;
    let notice = app.root.inner_text();
    assert!(
        notice.contains("asked to be checked less often"),
        "{notice}"
    );
    assert!(notice.contains("about 7 s"), "{notice}");
    // After the wait the checks go on as before.
    wait_for_phase(&app.root, &["checking", "finished"], 20).await;
}
