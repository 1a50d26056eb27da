//! The pending sign-in record that survives the redirect in sessionStorage,
//! and the app location to return to afterwards.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;
use url::Url;

use super::{clean_callback_url, CodeVerifier, FlowKind, OAuthState};
use crate::domain::locale::Locale;

/// Why an app location to restore was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppLocationError {
    #[error("The page to return to after sign-in is not a path inside this app.")]
    NotAppPath,
}

/// A path inside the app (with its query), restored after the round trip,
/// since LiveChat's whitelisted redirect URIs cannot carry it. Only
/// same-origin paths are accepted so a tampered record cannot redirect away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppLocation(String);

impl AppLocation {
    pub fn parse(value: &str) -> Result<Self, AppLocationError> {
        let same_origin_path = value.starts_with('/')
            && !value.starts_with("//")
            && !value.contains('\\')
            && !value.contains('#')
            && !value.chars().any(char::is_control);
        if same_origin_path {
            Ok(Self(value.to_owned()))
        } else {
            Err(AppLocationError::NotAppPath)
        }
    }

    /// The app's start page.
    pub fn root() -> Self {
        Self("/".to_owned())
    }

    /// Path and query of the current page, OAuth parameters removed.
    pub fn from_url(url: &Url) -> Self {
        let clean = clean_callback_url(url);
        match clean.query() {
            Some(query) => Self(format!("{}?{}", clean.path(), query)),
            None => Self(clean.path().to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for AppLocation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AppLocation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The flow a pending sign-in used, with what its completion needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PendingFlow {
    Code { code_verifier: CodeVerifier },
    Implicit,
}

impl PendingFlow {
    pub fn kind(&self) -> FlowKind {
        match self {
            Self::Code { .. } => FlowKind::Code,
            Self::Implicit => FlowKind::Implicit,
        }
    }
}

/// Why a stored pending sign-in could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PendingSignInError {
    #[error("The saved sign-in could not be read. Sign in again.")]
    Corrupt,
    #[error("The sign-in took too long and expired. Sign in again.")]
    Expired,
}

impl PendingSignInError {
    /// The message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::Corrupt) => {
                "Nie udało się odczytać zapisanego logowania. Zaloguj się ponownie.".to_owned()
            }
            (Locale::Pl, Self::Expired) => {
                "Logowanie trwało zbyt długo i wygasło. Zaloguj się ponownie.".to_owned()
            }
        }
    }
}

/// Saved (JSON, sessionStorage) before leaving for the accounts server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: OAuthState,
    pub flow: PendingFlow,
    pub created_at_ms: u64,
    pub return_to: AppLocation,
}

impl PendingSignIn {
    pub const STORAGE_KEY: &'static str = "billing-widget.oauth.pending";
    /// Long enough to type a password and pass two-factor checks.
    pub const MAX_AGE_MS: u64 = 10 * 60 * 1000;
    /// Clock adjustments tolerated for a record that looks created "later".
    const FUTURE_SKEW_MS: u64 = 60_000;

    pub fn new(state: OAuthState, flow: PendingFlow, now_ms: u64, return_to: AppLocation) -> Self {
        Self {
            state,
            flow,
            created_at_ms: now_ms,
            return_to,
        }
    }

    /// Too old, or dated implausibly far in the future.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.created_at_ms) > Self::MAX_AGE_MS
            || self.created_at_ms > now_ms.saturating_add(Self::FUTURE_SKEW_MS)
    }

    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    /// Reads a stored record; an expired one is refused so it gets discarded.
    pub fn from_json(json: &str, now_ms: u64) -> Result<Self, PendingSignInError> {
        let pending: Self = serde_json::from_str(json).map_err(|_| PendingSignInError::Corrupt)?;
        if pending.is_expired(now_ms) {
            return Err(PendingSignInError::Expired);
        }
        Ok(pending)
    }
}
