//! Credentials (tokens, authorization codes, PKCE verifiers) whose value
//! never shows in logs or messages: `Debug` and `Display` print
//! `<redacted>`, and the value is read only through [`Secret::expose`],
//! where it is sent.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret string. Serialized as the plain string (it is stored and sent
/// as such), compared without showing it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the request that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const REDACTED: &str = "<redacted>";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl PartialEq<str> for Secret {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Secret {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_its_value_when_printed() {
        let secret = Secret::new("dal:very-secret");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<redacted>)");
        assert_eq!(secret.expose(), "dal:very-secret");
        assert_eq!(secret, "dal:very-secret");
    }

    #[test]
    fn a_secret_is_stored_as_its_plain_string() {
        let secret = Secret::new("dal:x");
        let json = serde_json::to_string(&secret).expect("serializes");
        assert_eq!(json, "\"dal:x\"");
        let back: Secret = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, secret);
    }
}
