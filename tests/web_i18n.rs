//! Browser tests of the page's language: the app mounted with a Polish
//! configuration speaks Polish (texts, money, `<html lang>`), and English
//! comes back with an English one. Run with
//! `cargo test --target wasm32-unknown-unknown --test web_i18n`.
#![cfg(target_arch = "wasm32")]

use billing_widget::config::AppConfig;
use billing_widget::ui::ConfiguredApp;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[path = "support/browser.rs"]
mod browser;
#[path = "support/mock_transport.rs"]
mod mock_transport;

use browser::{container, document, go_to, wait_for, SHIPPED_CONFIG};

wasm_bindgen_test_configure!(run_in_browser);

/// The shipped configuration with `locale` set.
fn config_with_locale(locale: &str) -> AppConfig {
    let mut value: serde_json::Value =
        serde_json::from_str(SHIPPED_CONFIG).expect("the shipped config is JSON");
    value["locale"] = serde_json::json!(locale);
    AppConfig::from_json(&value.to_string()).expect("a valid configuration")
}

fn html_lang() -> String {
    document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .unwrap_or_default()
}

/// Mounts the shop with the given configuration; the returned element and
/// handle unmount it when dropped.
fn mount_shop(config: AppConfig) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    mount_at("/", config)
}

fn mount_at(path: &str, config: AppConfig) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    go_to(path);
    let root = container();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Router><ConfiguredApp config transport=browser::test_transport()/></Router> }
    });
    (root, Box::new(handle))
}

#[wasm_bindgen_test]
async fn a_polish_configuration_shows_the_shop_in_polish() {
    let (root, handle) = mount_shop(config_with_locale("pl"));
    let page = wait_for(&root, "[data-testid=page-home]").await;
    assert_eq!(html_lang(), "pl");

    let heading = page.query_selector("h1").ok().flatten().expect("a heading");
    assert_eq!(heading.text_content().as_deref(), Some("Sklep"));
    let text = page.text_content().unwrap_or_default();
    assert!(text.contains("Jednorazowo"), "{text}");
    assert!(text.contains("Subskrypcja"), "{text}");
    assert!(
        text.contains("co miesiąc, 14-dniowy bezpłatny okres próbny"),
        "{text}"
    );

    // Money the Polish way: decimal comma, the code after a non-breaking space.
    let prices: Vec<String> = {
        let list = root
            .query_selector_all("[data-testid=catalog-price]")
            .expect("query");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.text_content())
            .collect()
    };
    assert_eq!(prices.first().map(String::as_str), Some("19,00\u{a0}USD"));
    assert!(prices.contains(&"290,00\u{a0}USD".to_owned()), "{prices:?}");

    // Signed out, the buy buttons invite to sign in, in Polish.
    let sign_in = wait_for(&root, "[data-testid=sign-in-to-buy]").await;
    assert_eq!(
        sign_in.text_content().as_deref().map(str::trim),
        Some("Zaloguj się, aby kupić")
    );
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn an_english_configuration_keeps_english_text_and_money() {
    let (root, handle) = mount_shop(config_with_locale("en"));
    let page = wait_for(&root, "[data-testid=page-home]").await;
    assert_eq!(html_lang(), "en");
    let heading = page.query_selector("h1").ok().flatten().expect("a heading");
    assert_eq!(heading.text_content().as_deref(), Some("Shop"));
    let price = wait_for(&root, "[data-testid=catalog-price]").await;
    assert_eq!(price.text_content().as_deref(), Some("$19.00"));
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_polish_crypto_form_explains_a_bad_email_in_polish() {
    let (root, handle) = mount_at("/crypto", config_with_locale("pl"));
    let form = wait_for(&root, "[data-testid=crypto-form]").await;
    let email: web_sys::HtmlInputElement = form
        .query_selector("[data-testid=crypto-email]")
        .ok()
        .flatten()
        .expect("the email field")
        .unchecked_into();
    email.set_value("nie-email");
    email
        .dispatch_event(&web_sys::Event::new("input").expect("an input event"))
        .expect("dispatch");
    let submit: web_sys::HtmlElement = form
        .query_selector("[data-testid=crypto-submit]")
        .ok()
        .flatten()
        .expect("the submit button")
        .unchecked_into();
    submit.click();
    let error = wait_for(&root, "[data-testid=crypto-email-error]").await;
    assert_eq!(
        error.text_content().as_deref(),
        Some("Wpisz adres e-mail, np. imie@example.com.")
    );
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
fn clipboard_failures_are_explained_in_the_pages_language() {
    use billing_widget::i18n::Locale;
    use billing_widget::web::clipboard::ClipboardError;

    for error in [ClipboardError::Unavailable, ClipboardError::Refused] {
        assert_eq!(error.message_in(Locale::En), error.to_string());
    }
    assert_eq!(
        ClipboardError::Unavailable.message_in(Locale::Pl),
        "ta przeglądarka nie udostępnia tu schowka (potrzebna jest bezpieczna strona)"
    );
    assert_eq!(
        ClipboardError::Refused.message_in(Locale::Pl),
        "przeglądarka odmówiła kopiowania"
    );
}
