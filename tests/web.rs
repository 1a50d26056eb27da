//! Browser tests: the shell rendered by Leptos in headless Chromium.
//! Run with `cargo test --target wasm32-unknown-unknown` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use billing_widget::config::{AppConfig, Theme};
use billing_widget::ui::{App, ConfigErrorView, ConfiguredApp, ThemeState};
use billing_widget::web::dom;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SHIPPED_CONFIG: &str = include_str!("../public/config.json");

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

/// A fresh container for one test's app.
fn container() -> web_sys::HtmlElement {
    let element = document()
        .create_element("div")
        .expect("create a div")
        .unchecked_into::<web_sys::HtmlElement>();
    document()
        .body()
        .expect("a body")
        .append_child(&element)
        .expect("append the container");
    element
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .expect("a window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits until `selector` matches inside `root`, or fails naming it.
async fn wait_for(root: &web_sys::HtmlElement, selector: &str) -> web_sys::Element {
    for _ in 0..200 {
        leptos::task::tick().await;
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found;
        }
        sleep(10).await;
    }
    panic!(
        "{selector} did not appear; the page shows: {}",
        root.inner_text()
    );
}

fn go_to(path: &str) {
    web_sys::window()
        .expect("a window")
        .history()
        .expect("history")
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .expect("pushState");
}

fn mount_routes(path: &str) -> web_sys::HtmlElement {
    go_to(path);
    let root = container();
    let config = AppConfig::from_json(SHIPPED_CONFIG).expect("shipped config is valid");
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Router><ConfiguredApp config/></Router> }
    });
    handle.forget();
    root
}

#[wasm_bindgen_test]
async fn the_home_route_lists_the_catalog_from_the_configuration() {
    let root = mount_routes("/");
    wait_for(&root, "[data-testid=page-home]").await;
    let items = root
        .query_selector_all("[data-testid=catalog-item]")
        .expect("query");
    assert_eq!(items.length(), 4);
    let first = wait_for(&root, "[data-item-id=chat-transcripts-export]").await;
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
        let root = mount_routes(path);
        wait_for(&root, &format!("[data-testid={testid}]")).await;
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn an_unknown_route_shows_not_found_with_the_path() {
    let root = mount_routes("/no/such/page");
    let path = wait_for(&root, "[data-testid=not-found-path]").await;
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
    leptos::mount::mount_to(root.clone(), App).forget();
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

#[cfg(feature = "mock")]
mod in_page_mock {
    use billing_widget::api::transport::{HttpRequest, Method, Transport, TransportError};
    use billing_widget::web::mock_transport::{MockTransport, MOCK_STATE_KEY};
    use wasm_bindgen_test::*;

    fn forget_saved_state() {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.remove_item(MOCK_STATE_KEY);
        }
    }

    fn request(method: Method, path: &str, body: Option<&str>) -> HttpRequest {
        let url = url::Url::parse("https://billing.livechatinc.com")
            .and_then(|base| base.join(path))
            .expect("a valid URL");
        let request = HttpRequest::new(method, url);
        match body {
            Some(body) => request.with_json_body(body.to_owned()),
            None => request,
        }
    }

    #[wasm_bindgen_test]
    async fn its_state_survives_a_reload_through_local_storage() {
        forget_saved_state();
        let first_page = MockTransport::new(1);
        let set = first_page
            .send(request(
                Method::Put,
                "/__mock/scenario",
                Some(r#"{"name":"card_declined"}"#),
            ))
            .await
            .expect("an answer");
        assert_eq!(set.status, 200);
        // A new transport, as after a reload or in a second tab, with another seed.
        let after_reload = MockTransport::new(99);
        let state = after_reload
            .send(request(Method::Get, "/__mock/state", None))
            .await
            .expect("an answer");
        assert!(
            state.body.contains("\"name\":\"card_declined\""),
            "{}",
            state.body
        );
        forget_saved_state();
    }

    #[wasm_bindgen_test]
    async fn answers_take_as_long_as_a_real_server_would() {
        forget_saved_state();
        let started = js_sys::Date::now();
        let answer = MockTransport::new(1)
            .send(request(Method::Get, "/__mock/state", None))
            .await
            .expect("an answer");
        assert_eq!(answer.status, 200);
        // A lower bound only: the mock must not answer instantly, so loading
        // states are seen in the demo.
        assert!(js_sys::Date::now() - started >= 120.0);
        forget_saved_state();
    }

    #[wasm_bindgen_test]
    async fn a_hung_request_becomes_a_timeout() {
        forget_saved_state();
        let transport = MockTransport::new(1).with_timeout_ms(600);
        transport
            .send(request(
                Method::Post,
                "/__mock/faults",
                Some(r#"{"faults":[{"fault":{"kind":"hang"}}]}"#),
            ))
            .await
            .expect("faults set");
        let hung = transport
            .send(request(Method::Get, "/v1/ledger", None))
            .await;
        assert_eq!(hung, Err(TransportError::Timeout));
        forget_saved_state();
    }
}
