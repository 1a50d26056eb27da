//! Browser tests: the shell rendered by Leptos in headless Chromium.
//! Run with `cargo test --target wasm32-unknown-unknown` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use billing_widget::config::{AppConfig, Theme};
use billing_widget::ui::{load_start, App, ConfigErrorView, ThemeState};
use billing_widget::web::dom;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "support/browser.rs"]
mod browser;
#[path = "support/mock_transport.rs"]
mod mock_transport;

use browser::{container, document, go_to, mount, wait_for};

#[wasm_bindgen_test]
async fn the_home_route_lists_the_catalog_from_the_configuration() {
    let app = mount("/");
    app.wait_for("[data-testid=page-home]").await;
    assert_eq!(app.all("[data-testid=catalog-item]").len(), 4);
    let first = app.wait_for("[data-item-id=chat-transcripts-export]").await;
    assert!(first
        .text_content()
        .unwrap_or_default()
        .contains("Chat transcripts export"));
}

#[wasm_bindgen_test]
async fn each_section_has_its_own_route() {
    for (path, testid) in [
        ("/charges", "page-charges"),
        ("/subscriptions", "page-subscriptions"),
        ("/ledger", "page-ledger"),
        ("/crypto", "page-crypto"),
        ("/plans", "page-plans"),
        ("/return", "page-charge-return"),
        ("/auth/callback", "page-sign-in-callback"),
    ] {
        let app = mount(path);
        app.wait_for(&format!("[data-testid={testid}]")).await;
        // Dropping `app` unmounts it before the next route.
    }
}

#[wasm_bindgen_test]
async fn an_unknown_route_shows_not_found_with_the_path() {
    let app = mount("/no/such/page");
    let path = app.wait_for("[data-testid=not-found-path]").await;
    assert_eq!(path.text_content().as_deref(), Some("/no/such/page"));
}

#[wasm_bindgen_test]
fn a_configuration_error_is_explained_on_the_page() {
    let root = container();
    let error = AppConfig::from_json(r#"{"mode": "prod"}"#).unwrap_err();
    leptos::mount::mount_to(root.clone(), move || view! { <ConfigErrorView error/> }).forget();
    let alert = root
        .query_selector("[role=alert]")
        .expect("query")
        .expect("an alert is shown");
    let text = alert.text_content().unwrap_or_default();
    assert!(text.contains("The widget cannot start"), "{text}");
    assert!(text.contains("config.json"), "{text}");
}

#[wasm_bindgen_test]
async fn without_a_config_file_the_app_says_it_is_missing() {
    // The test runner serves no config.json, as a broken deployment would.
    go_to("/");
    let root = container();
    let (config, theme) = load_start().await;
    leptos::mount::mount_to(root.clone(), move || view! { <App config theme/> }).forget();
    let message = wait_for(&root, "[data-testid=config-error-message]").await;
    let text = message.text_content().unwrap_or_default();
    assert!(text.contains("was not found (HTTP 404)"), "{text}");
    // The shell itself still renders around the error.
    assert!(root.query_selector("nav").expect("query").is_some());
}

#[wasm_bindgen_test]
async fn the_theme_state_sets_data_theme_on_the_html_element() {
    let root = container();
    let owner = Owner::new();
    let state = owner.with(|| ThemeState::new(Theme::Dark));
    let html = document().document_element().expect("<html>");
    leptos::task::tick().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    state.theme.set(Theme::Light);
    leptos::task::tick().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    state.theme.set(Theme::System);
    leptos::task::tick().await;
    assert_eq!(html.get_attribute("data-theme"), None);
    root.remove();
}

#[wasm_bindgen_test]
fn performance_marks_are_recorded_for_the_benchmark() {
    dom::performance_mark("test-mark");
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .expect("performance");
    assert_eq!(performance.get_entries_by_name("test-mark").length(), 1);
}

fn mock_config(scenario: &str) -> billing_widget::config::AppConfig {
    let mut config =
        billing_widget::config::AppConfig::from_json(include_str!("../public/config.json"))
            .expect("the shipped configuration");
    config.mock_scenario = Some(scenario.to_owned());
    config
}

#[wasm_bindgen_test]
async fn the_start_up_scenario_is_set_through_the_control_api_and_an_unknown_one_is_reported() {
    use billing_widget::api::transport::{HttpRequest, Method, Transport};
    use billing_widget::config::ConfigError;
    use billing_widget::web::backend;
    use mock_transport::MockTransport;

    let mock = MockTransport::new(1);
    mock.with_backend(|backend| backend.reset(Some(1)));
    backend::prepare(&mock_config("card_declined"), browser::test_transport())
        .await
        .expect("a scenario the mock knows");
    let url = url::Url::parse(&dom::origin())
        .and_then(|origin| origin.join("/__mock/scenarios"))
        .expect("a control URL");
    let scenarios = mock
        .send(HttpRequest::new(Method::Get, url))
        .await
        .expect("an answer");
    assert!(
        scenarios.body.contains("\"current\":\"card_declined\""),
        "{}",
        scenarios.body
    );

    let error = backend::prepare(&mock_config("chaos"), browser::test_transport())
        .await
        .expect_err("the mock knows no such scenario");
    assert!(
        matches!(error, ConfigError::UnknownScenario { ref given, .. } if given == "chaos"),
        "{error:?}"
    );
    // In the mock's own words, which list what it knows.
    assert!(error.to_string().contains("happy_path"), "{error}");
    mock.with_backend(|backend| backend.reset(Some(1)));
}

#[wasm_bindgen_test]
async fn a_woken_sleeper_ends_its_wait_at_once_and_leaves_other_waits_alone() {
    use billing_widget::web::transport::Sleeper;
    use std::cell::Cell;
    use std::rc::Rc;

    // Both waits are a minute long, so only `wake` can end them within the
    // test: nothing here depends on how fast the machine is.
    let waiting = |sleeper: Sleeper| {
        let done = Rc::new(Cell::new(false));
        let flag = done.clone();
        wasm_bindgen_futures::spawn_local(async move {
            sleeper.sleep_ms(60_000).await;
            flag.set(true);
        });
        done
    };
    let (page_left, other_page) = (Sleeper::new(), Sleeper::new());
    let (left_done, other_done) = (waiting(page_left), waiting(other_page));
    browser::sleep(20).await;
    assert!(!left_done.get() && !other_done.get(), "both still waiting");

    page_left.wake();
    browser::sleep(20).await;
    assert!(left_done.get(), "woken long before its minute");
    assert!(!other_done.get(), "another sleeper's wait goes on");

    other_page.wake();
    browser::sleep(20).await;
    assert!(other_done.get(), "each sleeper wakes its own waits");

    // A wait nobody wakes still ends on its own.
    Sleeper::new().sleep_ms(30).await;
}
