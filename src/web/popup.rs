//! Popup windows for pages that refuse to be framed (LiveChat's sign-in and
//! payment confirmation), opened while the click still counts, and the way
//! a popup hands its landing address back to the widget that opened it.

use wasm_bindgen::JsCast;

use super::dom;
use crate::domain::relay::Landing;

/// The popup's window name: pages opened under it relay, others do not.
pub const POPUP_NAME: &str = "billing-widget-popup";
const FEATURES: &str = "popup,width=520,height=720";

/// Opens an empty popup now (inside a click handler), to be sent somewhere
/// once known. `None` when the browser blocks it.
pub fn open_blank() -> Option<web_sys::Window> {
    open("about:blank")
}

/// Opens `url` in the popup.
pub fn open(url: &str) -> Option<web_sys::Window> {
    web_sys::window()?
        .open_with_url_and_target_and_features(url, POPUP_NAME, FEATURES)
        .ok()
        .flatten()
}

/// Sends an opened popup to `url`.
pub fn send_to(popup: &web_sys::Window, url: &url::Url) {
    // A closed popup ignores this; the page offers a link to open it again.
    let _ = popup.location().set_href(url.as_str());
}

pub fn close(popup: &web_sys::Window) {
    let _ = popup.close();
}

/// The window that opened this one, when this page was opened as the
/// widget's popup and the opener is this app (same origin).
fn app_opener() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    if window.name().ok()? != POPUP_NAME {
        return None;
    }
    let opener = window.opener().ok()?;
    if opener.is_null() || opener.is_undefined() {
        return None;
    }
    // Another window's object fails `instanceof Window` in this realm.
    let opener: web_sys::Window = opener.unchecked_into();
    // Reading another origin's location throws: only our own app answers.
    let opener_origin = opener.location().origin().ok()?;
    (opener_origin == dom::origin()).then_some(opener)
}

/// In a popup of the widget: hands the address this page landed on to the
/// opener and closes. `false` when this is not such a popup (the page then
/// handles the landing itself).
pub fn relay_landing() -> bool {
    let Some(opener) = app_opener() else {
        return false;
    };
    let Some(url) = dom::current_url() else {
        return false;
    };
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    let Some(landing) = Landing::parse(&path) else {
        return false;
    };
    let Ok(message) = js_sys::JSON::parse(&landing.to_message()) else {
        return false;
    };
    if opener.post_message(&message, &dom::origin()).is_err() {
        return false;
    }
    // The code or token must not stay in this window's address bar either.
    dom::replace_address(url.path());
    if let Some(window) = web_sys::window() {
        let _ = window.close();
    }
    true
}

/// A landing handed over by one of this app's popups: same origin only.
pub fn landing_from(event: &web_sys::MessageEvent) -> Option<Landing> {
    if event.origin() != dom::origin() {
        return None;
    }
    let text = js_sys::JSON::stringify(&event.data()).ok()?.as_string()?;
    Landing::from_message(&text)
}
