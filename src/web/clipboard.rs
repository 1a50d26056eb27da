//! Copying text for the buyer (an address, an amount).

use thiserror::Error;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClipboardError {
    #[error("this browser offers no clipboard here (it needs a secure page)")]
    Unavailable,
    #[error("the browser refused to copy")]
    Refused,
}

/// `navigator.clipboard.writeText(text)`.
pub async fn copy_text(text: &str) -> Result<(), ClipboardError> {
    let window = web_sys::window().ok_or(ClipboardError::Unavailable)?;
    let navigator = window.navigator();
    // `clipboard` is missing on insecure pages; web-sys would still hand
    // out an object, so look before using it.
    let has_clipboard = js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false);
    if !has_clipboard {
        return Err(ClipboardError::Unavailable);
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ClipboardError::Refused)
}
