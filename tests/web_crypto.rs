//! Browser tests of the crypto checkout's pieces: the countdown driven by a
//! fake clock, the quote list with its logos, the QR code, and the start
//! form refusing bad input before any request.
#![cfg(target_arch = "wasm32")]

use billing_mock::{app, Fault, MockBackend};
use billing_widget::api::bidali::BidaliCharge;
use billing_widget::domain::crypto::Protocol;
use billing_widget::domain::crypto_checkout::ServerClock;
use billing_widget::ui::crypto_parts::{ordered_quotes, Countdown, QrCode, QuoteList};
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

#[path = "support/bad_amounts.rs"]
mod bad_amounts;

const CREATED_CHARGE: &str =
    include_str!("../crates/billing-core/tests/fixtures/bidali_charge_created.json");
/// The fixture's `expiresAt`, 2019-04-09T16:32:38.830Z.
const EXPIRES_AT: i64 = 1_554_827_558_830;

fn text(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn attribute(root: &web_sys::Element, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute(name))
}

fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| node.unchecked_into())
        .collect()
}

#[wasm_bindgen_test]
async fn the_countdown_follows_the_clock_it_is_given_and_speaks_only_at_thresholds() {
    let root = container();
    let now = RwSignal::new(EXPIRES_AT - 15 * 60_000);
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Countdown expires_at_ms=EXPIRES_AT server_now_ms=now/> }
    });
    wait_for(&root, "[data-testid=countdown]").await;
    let clock = |root: &web_sys::HtmlElement| text(root, "[data-testid=countdown-clock]");
    let said = |root: &web_sys::HtmlElement| text(root, "[data-testid=countdown-announcement]");
    assert_eq!(clock(&root), "15:00");
    assert_eq!(
        said(&root),
        "",
        "nothing to announce with a quarter of an hour left"
    );
    assert_eq!(
        attribute(&root, "[data-testid=countdown-clock]", "role").as_deref(),
        Some("timer")
    );

    // The fake clock moves; the page follows without waiting a real second.
    now.set(EXPIRES_AT - 4 * 60_000 - 30_000);
    leptos::task::tick().await;
    assert_eq!(clock(&root), "4:30");
    assert_eq!(said(&root), "Less than 5 minutes left to pay.");

    now.set(EXPIRES_AT - 999);
    leptos::task::tick().await;
    assert_eq!(clock(&root), "0:01", "the last second still shows");
    assert_eq!(said(&root), "Less than a minute left to pay.");
    assert_eq!(
        attribute(&root, "[data-testid=countdown]", "data-expired").as_deref(),
        Some("false")
    );

    now.set(EXPIRES_AT);
    leptos::task::tick().await;
    assert_eq!(clock(&root), "0:00");
    assert_eq!(said(&root), "The quote has expired.");
    assert!(text(&root, ".countdown-label").contains("expired"));
    assert_eq!(
        attribute(&root, "[data-testid=countdown]", "data-expired").as_deref(),
        Some("true")
    );
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_device_clock_minutes_behind_still_counts_down_from_the_server() {
    // The charge was made at the server's 16:17:38.830 (a quarter of an hour
    // before it expires), while the device read 16:10:38.730 (7 minutes
    // behind) when it asked and 16:10:38.930 when the answer came.
    let created = EXPIRES_AT - 15 * 60_000;
    let device_sent = created - 7 * 60_000 - 100;
    let clock = ServerClock::from_sample(created, device_sent, device_sent + 200);
    let device_now = RwSignal::new(device_sent + 200 + 2 * 60_000);
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let server_now = Signal::derive(move || clock.now_ms(device_now.get()));
        view! { <Countdown expires_at_ms=EXPIRES_AT server_now_ms=server_now/> }
    });
    wait_for(&root, "[data-testid=countdown]").await;
    assert_eq!(text(&root, "[data-testid=countdown-clock]"), "13:00");
    drop(handle);
    root.remove();
}

/// The seed's new charge, plus a coin this widget does not know and a quote
/// Bidali no longer offers.
fn charge_with_extra_quotes() -> BidaliCharge {
    let mut json: serde_json::Value = serde_json::from_str(CREATED_CHARGE).expect("fixture");
    let quotes = json["quotes"].as_object_mut().expect("quotes");
    quotes.insert(
        "dogecoin".to_owned(),
        serde_json::json!({
            "id": "d0d0d0d0-0000-4000-8000-000000000001",
            "rate": "1.2345678901",
            "amount": "185.185185",
            "index": null, "extraId": null, "status": "ACTIVE", "address": null,
            "currency": "DOGE"
        }),
    );
    quotes["dai"]["status"] = "PAUSED".into();
    serde_json::from_value(json).expect("a charge")
}

#[wasm_bindgen_test]
async fn the_quote_list_shows_every_quote_exactly_as_sent_in_a_known_order() {
    let charge = charge_with_extra_quotes();
    let quotes = ordered_quotes(&charge.quotes);
    let chosen = RwSignal::new(None::<Protocol>);
    let busy = RwSignal::new(false);
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <QuoteList
                quotes=quotes.clone()
                fiat="USD"
                remote_logos=false
                on_choose=Callback::new(move |p| chosen.set(Some(p)))
                busy=busy
            />
        }
    });
    wait_for(&root, "[data-testid=quote-list]").await;

    let order: Vec<String> = all(&root, "[data-testid=quote-list] > li")
        .iter()
        .map(|li| li.get_attribute("data-protocol").unwrap_or_default())
        .collect();
    assert_eq!(
        order,
        ["bitcoin", "ethereum", "dai", "litecoin", "dogecoin"]
    );

    let row = "[data-testid=quote-bitcoin]";
    assert_eq!(
        text(&root, &format!("{row} [data-testid=quote-amount]")),
        "0.029366 BTC"
    );
    assert_eq!(
        text(&root, &format!("{row} [data-testid=quote-rate]")),
        "1 USD = 0.00019577 BTC"
    );
    // Trailing digits as sent: no float rounding on the way.
    assert_eq!(
        text(
            &root,
            "[data-testid=quote-dogecoin] [data-testid=quote-rate]"
        ),
        "1 USD = 1.2345678901 DOGE"
    );
    assert_eq!(
        attribute(
            &root,
            &format!("{row} [data-testid=quote-choose]"),
            "aria-label"
        )
        .as_deref(),
        Some("Pay 0.029366 BTC in Bitcoin")
    );

    // Bundled logos for known coins, the generic coin for the unknown one.
    let source = |p: &str| attribute(&root, &format!("[data-testid=logo-{p}]"), "data-source");
    assert_eq!(source("bitcoin").as_deref(), Some("local"));
    assert_eq!(source("dogecoin").as_deref(), Some("generic"));
    assert!(attribute(&root, "[data-testid=logo-bitcoin]", "src")
        .is_some_and(|src| src.ends_with("/currencies/bitcoin.svg")));

    // A paused quote cannot be chosen and says why.
    assert_eq!(
        text(
            &root,
            "[data-testid=quote-dai] [data-testid=quote-unavailable]"
        ),
        "Not available (PAUSED)"
    );
    assert!(root
        .query_selector("[data-testid=quote-dai] [data-testid=quote-choose]")
        .unwrap()
        .is_none());

    let choose = |p: &str| {
        root.query_selector(&format!(
            "[data-testid=quote-{p}] [data-testid=quote-choose]"
        ))
        .unwrap()
        .expect("a pay button")
        .unchecked_into::<web_sys::HtmlElement>()
    };
    choose("litecoin").click();
    assert_eq!(
        chosen.get_untracked().map(|p| p.to_string()).as_deref(),
        Some("litecoin")
    );

    // While a choice is being fetched, no other can start.
    busy.set(true);
    leptos::task::tick().await;
    assert!(choose("bitcoin").has_attribute("disabled"));
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_qr_code_is_drawn_or_its_absence_explained() {
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <QrCode text="bitcoin:3MxUt22azaF6VkoJNFkCUvmadu6MwHB8va?amount=0.029366" label="QR code of the payment link"/>
            <QrCode text="x".repeat(5_000) label="too long"/>
        }
    });
    let svg = wait_for(&root, "[data-testid=payment-qr]").await;
    assert_eq!(svg.get_attribute("viewBox").as_deref(), Some("0 0 41 41"));
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(
        svg.get_attribute("aria-label").as_deref(),
        Some("QR code of the payment link")
    );
    let path = svg.query_selector("path").unwrap().expect("the modules");
    assert!(path.get_attribute("d").is_some_and(|d| d.len() > 1_000));
    assert!(text(&root, "[data-testid=payment-qr-missing]").contains("too long"));
    drop(handle);
    root.remove();
}

fn fresh_mock() {
    MockTransport::new(1).with_backend(|backend| *backend = MockBackend::new(1));
}

fn charges_created() -> usize {
    MockTransport::new(1).with_backend(|backend| backend.state.bidali.charges.len())
}

fn type_into(root: &web_sys::Element, testid: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root
        .query_selector(&format!("[data-testid={testid}]"))
        .unwrap()
        .expect("the field")
        .unchecked_into();
    input.set_value(value);
    let event = web_sys::Event::new("input").expect("an input event");
    input.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn the_start_form_explains_bad_input_in_place_and_sends_nothing() {
    fresh_mock();
    let page = mount("/crypto");
    let form = page.wait_for("[data-testid=crypto-form]").await;
    let submit = || page.click("[data-testid=crypto-submit]");

    type_into(&form, "crypto-amount", "12.345");
    submit();
    page.wait_for("[data-testid=crypto-amount-error]").await;
    assert_eq!(
        page.text("[data-testid=crypto-amount-error]"),
        "Use at most 2 decimal places."
    );
    assert_eq!(
        attribute(&form, "[data-testid=crypto-amount]", "aria-invalid").as_deref(),
        Some("true")
    );
    let amount: web_sys::HtmlInputElement =
        page.one("[data-testid=crypto-amount]").unchecked_into();
    assert_eq!(amount.value(), "12.345", "what was typed is kept");

    // Typing again clears the message; a name without an email is refused.
    type_into(&form, "crypto-amount", "12.34");
    leptos::task::tick().await;
    assert!(page.all("[data-testid=crypto-amount-error]").is_empty());
    type_into(&form, "crypto-first-name", "Ana");
    submit();
    page.wait_for("[data-testid=crypto-email-error]").await;
    assert!(page
        .text("[data-testid=crypto-email-error]")
        .contains("email"));

    type_into(&form, "crypto-email", "not-an-email");
    submit();
    page.wait_until("the email is refused", |root| {
        text(root, "[data-testid=crypto-email-error]").contains("email address such as")
    })
    .await;
    assert_eq!(charges_created(), 0, "nothing was sent to Bidali");
}

/// The crypto amount refuses every bad amount, and zero, in place.
#[wasm_bindgen_test]
async fn the_crypto_amount_takes_no_bad_amount() {
    fresh_mock();
    let page = mount("/crypto");
    let form = page.wait_for("[data-testid=crypto-form]").await;
    for bad in bad_amounts::BAD_AMOUNTS.iter().chain(&["0", "0.00", ""]) {
        type_into(&form, "crypto-amount", "12.34");
        leptos::task::tick().await;
        assert!(page.all("[data-testid=crypto-amount-error]").is_empty());
        type_into(&form, "crypto-amount", bad);
        page.click("[data-testid=crypto-submit]");
        page.wait_until(&format!("{bad:?} refused"), |root| {
            root.query_selector("[data-testid=crypto-amount-error]")
                .ok()
                .flatten()
                .is_some()
        })
        .await;
        assert_eq!(
            attribute(&form, "[data-testid=crypto-amount]", "aria-invalid").as_deref(),
            Some("true"),
            "{bad:?}"
        );
    }
    assert_eq!(charges_created(), 0, "nothing was sent to Bidali");
}

#[wasm_bindgen_test]
async fn an_amount_bidali_refuses_is_marked_at_its_field() {
    fresh_mock();
    MockTransport::new(1).with_backend(|backend| {
        app::fail_next_request(
            backend,
            Fault::Refused {
                status: 400,
                description: "amount is below the minimum of 5.00".to_owned(),
            },
        )
    });
    let page = mount("/crypto");
    let form = page.wait_for("[data-testid=crypto-form]").await;
    type_into(&form, "crypto-amount", "1.00");
    page.click("[data-testid=crypto-submit]");
    page.wait_for("[data-testid=crypto-amount-error]").await;
    assert!(
        page.text("[data-testid=crypto-amount-error]")
            .contains("below the minimum of 5.00"),
        "{}",
        page.text("[data-testid=crypto-amount-error]")
    );
    assert_eq!(
        attribute(&form, "[data-testid=crypto-amount]", "aria-invalid").as_deref(),
        Some("true")
    );
    assert!(page.all("[data-testid=crypto-create-error]").is_empty());
    assert_eq!(charges_created(), 0);
}
