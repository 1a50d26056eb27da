//! The browser side of the LiveChat Agent App link: what the protocol core
//! (`domain::agent_app`) needs from a `message` event, and posting its
//! frames to the parent window. Decisions stay in the core.

use wasm_bindgen::JsValue;

use crate::domain::agent_app::{Embedding, Outgoing, MAX_FRAME_BYTES};

/// The page's embedding parameters (`plugin_id`, `connection`).
pub fn embedding() -> Embedding {
    Embedding::from_query(&super::dom::location_search())
}

/// What the page can tell of its parent's origin before any message:
/// `location.ancestorOrigins[0]` where the browser offers it, else the
/// referrer's origin. A hint only: the core uses it just if allowed.
pub fn parent_origin_hint() -> Option<String> {
    let window = web_sys::window()?;
    // Chromium and Safari only, so read it by name (not in web-sys).
    let from_ancestors = js_sys::Reflect::get(&window.location(), &"ancestorOrigins".into())
        .ok()
        .filter(|list| !list.is_undefined() && !list.is_null())
        .and_then(|list| js_sys::Reflect::get(&list, &JsValue::from(0)).ok())
        .and_then(|first| first.as_string());
    from_ancestors.or_else(|| {
        let referrer = window.document()?.referrer();
        let url = url::Url::parse(&referrer).ok()?;
        Some(url.origin().ascii_serialization())
    })
}

/// A message's data as JSON text, or `None` when it cannot be written as
/// JSON (a function, a cycle) or is longer than the core reads.
pub fn frame_text(data: &JsValue) -> Option<String> {
    if data.is_undefined() || data.is_function() {
        return None;
    }
    let text = js_sys::JSON::stringify(data).ok()?.as_string()?;
    (text.len() <= MAX_FRAME_BYTES).then_some(text)
}

/// Whether a message came from this page's parent window (not a sibling
/// frame, a popup or the page itself).
pub fn is_from_parent(event: &web_sys::MessageEvent) -> bool {
    let (Some(source), Some(window)) = (event.source(), web_sys::window()) else {
        return false;
    };
    match window.parent() {
        Ok(Some(parent)) => {
            // A top-level page is its own parent: it has no host.
            !js_sys::Object::is(&parent, &window) && js_sys::Object::is(&source, &parent)
        }
        _ => false,
    }
}

/// Posts a frame to the parent, to its exact origin only.
pub fn post(outgoing: &Outgoing) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    // The core writes valid JSON; a failure would only drop this frame.
    if let Ok(frame) = js_sys::JSON::parse(&outgoing.frame) {
        let _ = parent.post_message(&frame, &outgoing.target_origin);
    }
}
