//! The anti-forgery `state` parameter: the value sent with the authorize
//! request and the check of the one a callback brings back.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::domain::locale::Locale;

const BASE64URL_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Why a stored OAuth state value was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OAuthStateError {
    #[error("The saved sign-in check value is damaged. Sign in again.")]
    Malformed,
}

/// The anti-forgery `state` sent with the authorize request and expected back.
/// Always 16 random bytes as 22 base64url characters, so anything of another
/// shape is refused before it is compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthState(String);

impl OAuthState {
    /// Bytes of entropy the shell should supply (128 bits).
    pub const RANDOM_BYTES: usize = 16;
    /// Length of the encoded value.
    pub const LEN: usize = 22;

    pub fn from_random_bytes(bytes: &[u8; Self::RANDOM_BYTES]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the exact shape [`from_random_bytes`](Self::from_random_bytes)
    /// produces (canonical base64url of 16 bytes).
    pub fn parse(value: &str) -> Result<Self, OAuthStateError> {
        if value.len() != Self::LEN || !value.chars().all(|c| BASE64URL_ALPHABET.contains(c)) {
            return Err(OAuthStateError::Malformed);
        }
        match URL_SAFE_NO_PAD.decode(value) {
            Ok(bytes) if bytes.len() == Self::RANDOM_BYTES => Ok(Self(value.to_owned())),
            _ => Err(OAuthStateError::Malformed),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares with the value a callback carried, in constant time so the
    /// comparison leaks nothing about how much of it matched.
    pub fn matches(&self, got: &str) -> bool {
        constant_time_eq(self.0.as_bytes(), got.as_bytes())
    }
}

impl fmt::Display for OAuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OAuthState {
    type Err = OAuthStateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for OAuthState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OAuthState {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Why a callback's `state` was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StateError {
    #[error("The sign-in answer is missing its security check. Sign in again.")]
    Missing,
    #[error("The sign-in answer does not belong to this browser session. Sign in again.")]
    Mismatch,
    #[error(
        "A sign-in answer arrived, but no sign-in was started here (or it expired). Sign in again."
    )]
    NothingPending,
}

impl StateError {
    /// The message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::Missing) => {
                "Odpowiedzi logowania brakuje kontroli bezpieczeństwa. Zaloguj się ponownie."
                    .to_owned()
            }
            (Locale::Pl, Self::Mismatch) => "Odpowiedź logowania nie należy do tej sesji \
                 przeglądarki. Zaloguj się ponownie."
                .to_owned(),
            (Locale::Pl, Self::NothingPending) => "Nadeszła odpowiedź logowania, ale nie \
                 rozpoczęto tu logowania (albo już wygasło). Zaloguj się ponownie."
                .to_owned(),
        }
    }
}

/// Checks the `state` a callback carried against the one saved before leaving.
pub fn verify_state(expected: Option<&OAuthState>, got: Option<&str>) -> Result<(), StateError> {
    let expected = expected.ok_or(StateError::NothingPending)?;
    let got = got.ok_or(StateError::Missing)?;
    if expected.matches(got) {
        Ok(())
    } else {
        Err(StateError::Mismatch)
    }
}
