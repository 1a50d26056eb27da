//! Inside the LiveChat Agent App, sign-in and payment pages open in a
//! popup (real ones refuse to be framed). When they send the buyer back,
//! the popup hands the address it landed on to the widget that opened it,
//! which carries on as if it had landed there itself. This is that
//! hand-over message: only the app's own two landing routes, as paths.

use serde_json::{json, Value};

/// The message's marker key, so other messages on the window are ignored.
pub const RELAY_KEY: &str = "billing-widget.relay";
/// Longest address handed over (a sign-in answer is well under this).
pub const MAX_RELAY_LEN: usize = 4096;
/// Where the sign-in answer lands.
pub const CALLBACK_ROUTE: &str = "/auth/callback";
/// Where a charge's confirmation page sends the buyer back.
pub const RETURN_ROUTE: &str = "/return";

/// An address inside this app that a popup landed on: a path with its
/// query and fragment, on one of the two landing routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing(String);

impl Landing {
    /// Refuses anything but `/auth/callback` or `/return` (then `?`, `#` or
    /// the end), as a path on this app: no scheme, host or `//`.
    pub fn parse(path: &str) -> Option<Self> {
        if path.len() > MAX_RELAY_LEN || path.chars().any(char::is_control) {
            return None;
        }
        let on_route = [CALLBACK_ROUTE, RETURN_ROUTE].iter().any(|route| {
            path.strip_prefix(route)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['?', '#']))
        });
        on_route.then(|| Self(path.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The message the popup posts to its opener.
    pub fn to_message(&self) -> String {
        json!({ RELAY_KEY: self.0 }).to_string()
    }

    /// Reads a message as JSON text; anything else is `None`.
    pub fn from_message(text: &str) -> Option<Self> {
        if text.len() > MAX_RELAY_LEN * 2 {
            return None;
        }
        let value: Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        if object.len() != 1 {
            return None;
        }
        Self::parse(object.get(RELAY_KEY)?.as_str()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_landing_routes_travel_with_query_and_fragment() {
        for path in [
            "/auth/callback?code=abc&state=xyz",
            "/auth/callback#access_token=dal%3Aa&state=s",
            "/auth/callback",
            "/return?id=5de&type=direct_charge",
        ] {
            let landing = Landing::parse(path).expect(path);
            assert_eq!(Landing::from_message(&landing.to_message()), Some(landing));
        }
    }

    #[test]
    fn other_addresses_and_messages_are_refused() {
        for path in [
            "https://evil.example/auth/callback?code=a",
            "//evil.example/return?id=1",
            "/auth/callbacks",
            "/returning",
            "/charges",
            "return?id=1",
            "/return\n?id=1",
            "",
        ] {
            assert_eq!(Landing::parse(path), None, "{path:?}");
        }
        assert_eq!(
            Landing::parse(&format!("/return?{}", "a".repeat(5000))),
            None
        );
        for message in [
            "",
            "null",
            "\"/return\"",
            r#"{"billing-widget.relay": 5}"#,
            r#"{"other": "/return"}"#,
            r#"{"billing-widget.relay": "/return", "extra": 1}"#,
        ] {
            assert_eq!(Landing::from_message(message), None, "{message}");
        }
    }
}
