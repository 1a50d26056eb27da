//! Copying text for the buyer (an address, an amount).

use thiserror::Error;
use wasm_bindgen_futures::JsFuture;

use crate::i18n::Locale;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ClipboardError {
    #[error("this browser offers no clipboard here (it needs a secure page)")]
    Unavailable,
    #[error("the browser refused to copy")]
    Refused,
}

impl ClipboardError {
    /// The reason in the page's language, to follow "Could not copy:".
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::Unavailable) => {
                "ta przeglądarka nie udostępnia tu schowka (potrzebna jest bezpieczna strona)"
                    .to_owned()
            }
            (Locale::Pl, Self::Refused) => "przeglądarka odmówiła kopiowania".to_owned(),
        }
    }
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

/// Copies `text`, then tells `done` how it went.
pub fn copy(text: &str, done: impl FnOnce(Result<(), ClipboardError>) + 'static) {
    let text = text.to_owned();
    wasm_bindgen_futures::spawn_local(async move { done(copy_text(&text).await) });
}
