//! Small DOM effects the app needs at start-up.

use crate::config::Theme;

/// The page's `location.search`, or empty when there is no window.
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Resolves a path against `document.baseURI`, so the app finds its files
/// whichever route the page was opened on.
pub fn resolve_against_base(path: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten());
    match base.and_then(|b| url::Url::parse(&b).ok()) {
        Some(base) => base
            .join(path)
            .map(String::from)
            .unwrap_or_else(|_| path.to_owned()),
        None => path.to_owned(),
    }
}

/// Sets or clears `data-theme` on `<html>`; the stylesheet does the rest.
pub fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    // Setting an attribute on <html> cannot fail for a valid name; there is
    // nothing useful to do if it did.
    let _ = match theme.attribute() {
        Some(value) => root.set_attribute("data-theme", value),
        None => root.remove_attribute("data-theme"),
    };
}

/// `performance.mark(name)`: benchmarks read these marks.
pub fn performance_mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Whether the system asks for a dark colour scheme.
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches())
}
