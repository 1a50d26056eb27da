//! What the browser test files (`tests/web*.rs`) share: timers, the
//! document, and mounting the app's routes with the shipped configuration.
//! Each file uses a part of it.
#![allow(dead_code)]

use billing_widget::config::AppConfig;
use billing_widget::ui::ConfiguredApp;
use billing_widget::web::backend::AppTransport;
use billing_widget::web::dom;

use super::mock_transport::MockTransport;
use leptos::prelude::*;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;

pub const SHIPPED_CONFIG: &str = include_str!("../../public/config.json");

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

pub fn document() -> web_sys::Document {
    window().document().expect("a browser document")
}

/// The `data-testid` of the element that has the keyboard focus.
pub fn focused_testid() -> Option<String> {
    document()
        .active_element()
        .and_then(|e| e.get_attribute("data-testid"))
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A mounted app; unmounted (and its routes silenced) when dropped.
pub struct Mounted {
    pub root: web_sys::HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Mounted {
    /// Waits until `selector` matches, or fails naming it and the page.
    pub async fn wait_for(&self, selector: &str) -> web_sys::Element {
        for _ in 0..300 {
            leptos::task::tick().await;
            if let Ok(Some(found)) = self.root.query_selector(selector) {
                return found;
            }
            sleep(10).await;
        }
        panic!(
            "{selector} did not appear; the page shows: {}",
            self.root.inner_text()
        );
    }

    /// Waits until `check` holds, or fails with `what` and the page.
    pub async fn wait_until(&self, what: &str, check: impl Fn(&web_sys::HtmlElement) -> bool) {
        for _ in 0..300 {
            leptos::task::tick().await;
            if check(&self.root) {
                return;
            }
            sleep(10).await;
        }
        panic!(
            "{what} did not happen; the page shows: {}",
            self.root.inner_text()
        );
    }

    pub fn all(&self, selector: &str) -> Vec<web_sys::Element> {
        let list = self.root.query_selector_all(selector).expect("query");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .collect()
    }

    pub fn one(&self, selector: &str) -> web_sys::Element {
        self.root
            .query_selector(selector)
            .expect("query")
            .unwrap_or_else(|| panic!("no {selector}; the page shows: {}", self.root.inner_text()))
    }

    pub fn text(&self, selector: &str) -> String {
        self.one(selector).text_content().unwrap_or_default()
    }

    pub fn click(&self, selector: &str) {
        self.one(selector)
            .dyn_into::<web_sys::HtmlElement>()
            .expect("an HTML element")
            .click();
    }

    pub fn is_disabled(&self, selector: &str) -> bool {
        self.one(selector).has_attribute("disabled")
    }

    /// The statuses of the rows shown, in order.
    pub fn row_statuses(&self, row: &str) -> Vec<String> {
        self.all(&format!("[data-testid={row}]"))
            .iter()
            .map(|r| r.get_attribute("data-status").unwrap_or_default())
            .collect()
    }

    /// Waits for the list's announcement of page `page` after a load.
    pub async fn wait_for_page(&self, page: u32) {
        let prefix = format!("Page {page}:");
        self.wait_until(&format!("page {page} loaded"), |root| {
            root.query_selector("[data-testid=list-announce]")
                .ok()
                .flatten()
                .and_then(|e| e.text_content())
                .is_some_and(|t| t.starts_with(&prefix))
        })
        .await;
    }
}

pub fn go_to(path: &str) {
    window()
        .history()
        .expect("history")
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .expect("pushState");
}

/// A fresh element appended to the page's body.
pub fn container() -> web_sys::HtmlElement {
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

/// Waits until `selector` matches inside `root`, or fails naming it.
pub async fn wait_for(root: &web_sys::Element, selector: &str) -> web_sys::HtmlElement {
    for _ in 0..300 {
        leptos::task::tick().await;
        if let Ok(Some(found)) = root.query_selector(selector) {
            return found.unchecked_into();
        }
        sleep(10).await;
    }
    panic!(
        "{selector} did not appear; the page shows: {}",
        root.text_content().unwrap_or_default()
    );
}

/// The seed of the tests' mock, as the demo's.
pub const DEMO_SEED: u64 = 1;

/// The app's transport in the tests: the in-page mock, sending buyers to
/// its pages on this page's origin.
pub fn test_transport() -> AppTransport {
    AppTransport::custom(MockTransport::serving_pages_from(DEMO_SEED, &dom::origin()))
}

/// Mounts the app's routes at `path` in a fresh container, over the
/// in-page mock.
pub fn mount(path: &str) -> Mounted {
    go_to(path);
    let root = container();
    let config = AppConfig::from_json(SHIPPED_CONFIG).expect("shipped config is valid");
    let transport = test_transport();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Router><ConfiguredApp config transport/></Router> }
    });
    Mounted {
        root,
        _handle: Box::new(handle),
    }
}
