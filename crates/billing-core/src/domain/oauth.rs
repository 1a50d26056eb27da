//! Sign in with LiveChat (OAuth 2.0): PKCE, state, the authorize URL, the
//! redirect answer (fragment for tokens, query for codes), error messages,
//! the record that survives the round trip, and a guard against sign-in loops.
//!
//! Everything is pure: randomness and "now" (milliseconds since the Unix
//! epoch) are parameters, so the browser shell only generates bytes, reads the
//! clock and navigates.

use std::fmt;
use std::str::FromStr;

use crate::domain::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use thiserror::Error;
use url::{form_urlencoded, Url};

use super::locale::{pick_polish, polish_quoted, Locale};

/// LiveChat's accounts server: the authorization endpoint is its root.
pub const DEFAULT_ACCOUNTS_URL: &str = "https://accounts.livechat.com/";

/// The OAuth client id of the demo app: the mock backend knows it as the
/// seller of its sample charges, and the widget signs in with it in mock
/// mode when no `client_id` is configured.
pub const DEMO_CLIENT_ID: &str = "billing-widget-demo";

/// Token lifetime LiveChat documents when `expires_in` is absent.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 28_800;

/// Every parameter an OAuth answer may add to the redirect URI; they are
/// removed from the address bar once read.
pub const CALLBACK_PARAMS: [&str; 11] = [
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "state",
    "code",
    "error",
    "error_description",
    "oauth_exception",
    "exception_details",
    "identity_exception",
];

const BASE64URL_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------
// PKCE
// ---------------------------------------------------------------------------

/// Why a PKCE code verifier was refused (RFC 7636 section 4.1).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeVerifierError {
    #[error("The sign-in security code is too short ({len} characters, at least 43 needed). Sign in again.")]
    TooShort { len: usize },
    #[error("The sign-in security code is too long ({len} characters, at most 128 allowed). Sign in again.")]
    TooLong { len: usize },
    #[error("The sign-in security code contains a character that is not allowed at position {position}. Sign in again.")]
    InvalidCharacter { position: usize },
}

/// A PKCE code verifier: 43 to 128 characters of `[A-Za-z0-9-._~]`.
/// It is a secret until the code is exchanged, so `Debug` hides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeVerifier(Secret);

impl CodeVerifier {
    /// Bytes of entropy the shell should supply (256 bits, as RFC 7636 advises).
    pub const RANDOM_BYTES: usize = 32;
    pub const MIN_LEN: usize = 43;
    pub const MAX_LEN: usize = 128;

    /// Encodes caller-supplied random bytes as base64url: 32 bytes give 43 characters.
    pub fn from_random_bytes(bytes: &[u8; Self::RANDOM_BYTES]) -> Self {
        Self(Secret::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Validates a verifier read back from storage or typed in a test.
    pub fn parse(value: &str) -> Result<Self, CodeVerifierError> {
        let len = value.chars().count();
        if len < Self::MIN_LEN {
            return Err(CodeVerifierError::TooShort { len });
        }
        if len > Self::MAX_LEN {
            return Err(CodeVerifierError::TooLong { len });
        }
        if let Some(position) = value.chars().position(|c| !is_unreserved(c)) {
            return Err(CodeVerifierError::InvalidCharacter { position });
        }
        Ok(Self(Secret::new(value)))
    }

    pub fn as_str(&self) -> &str {
        self.0.expose()
    }

    /// `BASE64URL(SHA256(verifier))`, the `S256` challenge sent with the
    /// authorize request.
    pub fn code_challenge_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.expose().as_bytes()))
    }
}

/// RFC 3986 unreserved characters, the PKCE verifier alphabet.
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

impl FromStr for CodeVerifier {
    type Err = CodeVerifierError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for CodeVerifier {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose())
    }
}

impl<'de> Deserialize<'de> for CodeVerifier {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Scopes
// ---------------------------------------------------------------------------

/// A LiveChat permission. Unknown scopes are kept, never dropped, so a token
/// is described faithfully.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Create and manage the app's own charges.
    BillingManage,
    /// Charges for other clients, commission.
    BillingAdmin,
    /// Ledger and balance.
    LedgerRead,
    Other(String),
}

impl Scope {
    pub fn parse(value: &str) -> Self {
        match value {
            "billing_manage" => Self::BillingManage,
            "billing_admin" => Self::BillingAdmin,
            "ledger_read" => Self::LedgerRead,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::BillingManage => "billing_manage",
            Self::BillingAdmin => "billing_admin",
            Self::LedgerRead => "ledger_read",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits LiveChat's comma-separated scope list; spaces (the RFC 6749 form)
/// are accepted too, empty entries skipped.
pub fn parse_scope_list(value: &str) -> Vec<Scope> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(Scope::parse)
        .collect()
}

/// Joins scopes the way LiveChat writes them (comma-separated).
pub fn format_scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

mod scope_list {
    use super::{format_scope_list, parse_scope_list, Scope};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(scopes: &[Scope], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_scope_list(scopes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Scope>, D::Error> {
        let raw = Option::<String>::deserialize(deserializer)?;
        Ok(raw.as_deref().map(parse_scope_list).unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------
// Authorize request
// ---------------------------------------------------------------------------

/// Which OAuth grant a sign-in uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowKind {
    /// Authorization code with PKCE (preferred by RFC 9700).
    Code,
    /// Implicit grant: the token comes back in the fragment (fallback).
    Implicit,
}

impl FlowKind {
    pub fn response_type(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Implicit => "token",
        }
    }
}

/// Why an authorize URL or endpoint could not be built (configuration errors).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthorizeError {
    #[error("Sign-in is not configured: the LiveChat accounts address {0:?} is not a valid http(s) URL.")]
    InvalidEndpoint(String),
    #[error("Sign-in is not configured: the redirect address {0:?} must be an absolute http(s) URL without a fragment.")]
    InvalidRedirectUri(String),
    #[error("Sign-in is not configured: the OAuth client id is empty.")]
    MissingClientId,
}

fn parse_http_url(value: &str) -> Option<Url> {
    Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
}

/// Builds the URL of LiveChat's authorization endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    endpoint: String,
    client_id: String,
    redirect_uri: String,
    state: OAuthState,
    response: AuthorizeResponseType,
    scope: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AuthorizeResponseType {
    Code { code_challenge: String },
    Token,
}

impl AuthorizeRequest {
    /// Authorization code flow with an `S256` PKCE challenge.
    pub fn code(
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
        state: &OAuthState,
        verifier: &CodeVerifier,
    ) -> Self {
        Self::new(
            client_id.into(),
            redirect_uri.into(),
            state,
            AuthorizeResponseType::Code {
                code_challenge: verifier.code_challenge_s256(),
            },
        )
    }

    /// Implicit flow (`response_type=token`), kept as a fallback.
    pub fn implicit(
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
        state: &OAuthState,
    ) -> Self {
        Self::new(
            client_id.into(),
            redirect_uri.into(),
            state,
            AuthorizeResponseType::Token,
        )
    }

    fn new(
        client_id: String,
        redirect_uri: String,
        state: &OAuthState,
        response: AuthorizeResponseType,
    ) -> Self {
        Self {
            endpoint: DEFAULT_ACCOUNTS_URL.to_owned(),
            client_id,
            redirect_uri,
            state: state.clone(),
            response,
            scope: None,
        }
    }

    /// Replaces the default `https://accounts.livechat.com/` (mock mode, tests).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// Sends an explicit `scope` (LiveChat otherwise grants the scopes set in
    /// the Developer Console).
    pub fn scopes(mut self, scopes: &[Scope]) -> Self {
        self.scope = if scopes.is_empty() {
            None
        } else {
            Some(format_scope_list(scopes))
        };
        self
    }

    /// The full authorize URL, parameters percent-encoded.
    pub fn to_url(&self) -> Result<Url, AuthorizeError> {
        if self.client_id.trim().is_empty() {
            return Err(AuthorizeError::MissingClientId);
        }
        let mut url = parse_http_url(&self.endpoint)
            .ok_or_else(|| AuthorizeError::InvalidEndpoint(self.endpoint.clone()))?;
        let redirect = parse_http_url(&self.redirect_uri).filter(|u| u.fragment().is_none());
        if redirect.is_none() {
            return Err(AuthorizeError::InvalidRedirectUri(
                self.redirect_uri.clone(),
            ));
        }
        url.set_fragment(None);
        {
            let mut query = url.query_pairs_mut();
            match &self.response {
                AuthorizeResponseType::Code { code_challenge } => {
                    query
                        .append_pair("response_type", "code")
                        .append_pair("code_challenge", code_challenge)
                        .append_pair("code_challenge_method", "S256");
                }
                AuthorizeResponseType::Token => {
                    query.append_pair("response_type", "token");
                }
            }
            query
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", &self.redirect_uri)
                .append_pair("state", self.state.as_str());
            if let Some(scope) = &self.scope {
                query.append_pair("scope", scope);
            }
        }
        Ok(url)
    }
}

// ---------------------------------------------------------------------------
// Provider errors
// ---------------------------------------------------------------------------

/// An error code from the accounts server (`error`, `oauth_exception`,
/// `identity_exception`, `exception_details`) or from the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OAuthErrorCode {
    AccessDenied,
    InvalidScope,
    InvalidRequest,
    UnauthorizedClient,
    InvalidGrant,
    TooManyRedirects,
    Unauthorized,
    ServerError,
    TemporarilyUnavailable,
    Other(String),
}

impl OAuthErrorCode {
    pub fn parse(value: &str) -> Self {
        match value {
            "access_denied" => Self::AccessDenied,
            "invalid_scope" => Self::InvalidScope,
            "invalid_request" => Self::InvalidRequest,
            "unauthorized_client" => Self::UnauthorizedClient,
            "invalid_grant" => Self::InvalidGrant,
            "too_many_redirects" => Self::TooManyRedirects,
            "unauthorized" => Self::Unauthorized,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::InvalidGrant => "invalid_grant",
            Self::TooManyRedirects => "too_many_redirects",
            Self::Unauthorized => "unauthorized",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other(other) => other,
        }
    }

    /// What the user can do about it.
    pub fn next_step(&self) -> NextStep {
        match self {
            Self::AccessDenied | Self::InvalidGrant | Self::Unauthorized | Self::InvalidRequest => {
                NextStep::SignInAgain
            }
            Self::TooManyRedirects | Self::ServerError | Self::TemporarilyUnavailable => {
                NextStep::WaitAndRetry
            }
            Self::InvalidScope | Self::UnauthorizedClient => NextStep::CheckAppSettings,
            Self::Other(_) => NextStep::SignInAgain,
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The way forward offered with an error, so the UI can pick its button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    SignInAgain,
    WaitAndRetry,
    CheckAppSettings,
}

/// An error the accounts server reported. `Display` is the user message;
/// the raw description stays available for logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The most specific code known (`exception_details` wins when it names one).
    pub code: OAuthErrorCode,
    pub description: Option<String>,
    pub details: Option<String>,
    pub state: Option<String>,
}

impl OAuthError {
    pub fn new(code: &str, description: Option<String>) -> Self {
        Self {
            code: OAuthErrorCode::parse(code),
            description,
            details: None,
            state: None,
        }
    }

    pub fn next_step(&self) -> NextStep {
        self.code.next_step()
    }

    pub fn user_message(&self) -> String {
        match &self.code {
            OAuthErrorCode::AccessDenied => "You declined access. Sign in again to continue.".to_owned(),
            OAuthErrorCode::InvalidScope => "This app asked for permissions your LiveChat account cannot grant. \
                 Ask your LiveChat administrator for billing access, then sign in again."
                .to_owned(),
            OAuthErrorCode::InvalidRequest => "LiveChat did not accept the sign-in request. Sign in again; if it \
                 keeps failing, check the app's client id and redirect address."
                .to_owned(),
            OAuthErrorCode::UnauthorizedClient => "This app is not allowed to sign in with LiveChat this way. \
                 Check its authorization settings in the LiveChat Developer Console."
                .to_owned(),
            OAuthErrorCode::InvalidGrant => {
                "The sign-in expired or was already used. Sign in again to continue.".to_owned()
            }
            OAuthErrorCode::TooManyRedirects => {
                "Too many sign-in attempts in a short time. Wait 30 seconds, then sign in again.".to_owned()
            }
            OAuthErrorCode::Unauthorized => {
                "LiveChat could not confirm who you are. Sign in again to continue.".to_owned()
            }
            OAuthErrorCode::ServerError => {
                "LiveChat had a problem signing you in. Try again in a moment.".to_owned()
            }
            OAuthErrorCode::TemporarilyUnavailable => {
                "LiveChat sign-in is temporarily unavailable. Try again in a few minutes.".to_owned()
            }
            OAuthErrorCode::Other(code) => format!(
                "Sign-in failed ({code}). Sign in again; if it keeps failing, contact the app's support."
            ),
        }
    }

    /// [`Self::user_message`] in `locale`.
    pub fn user_message_in(&self, locale: Locale) -> String {
        let text = match (locale, &self.code) {
            (Locale::En, _) => return self.user_message(),
            (Locale::Pl, OAuthErrorCode::AccessDenied) => {
                "Dostęp nie został udzielony. Zaloguj się ponownie, aby kontynuować."
            }
            (Locale::Pl, OAuthErrorCode::InvalidScope) => {
                "Ta aplikacja poprosiła o uprawnienia, których Twoje konto LiveChat nie może \
                 przyznać. Poproś administratora LiveChat o dostęp do rozliczeń, a potem \
                 zaloguj się ponownie."
            }
            (Locale::Pl, OAuthErrorCode::InvalidRequest) => {
                "LiveChat nie przyjął żądania logowania. Zaloguj się ponownie; jeśli błąd się \
                 powtarza, sprawdź identyfikator klienta aplikacji i adres przekierowania."
            }
            (Locale::Pl, OAuthErrorCode::UnauthorizedClient) => {
                "Ta aplikacja nie może logować się przez LiveChat w ten sposób. Sprawdź jej \
                 ustawienia autoryzacji w LiveChat Developer Console."
            }
            (Locale::Pl, OAuthErrorCode::InvalidGrant) => {
                "Logowanie wygasło lub zostało już użyte. Zaloguj się ponownie, aby kontynuować."
            }
            (Locale::Pl, OAuthErrorCode::TooManyRedirects) => {
                "Zbyt wiele prób logowania w krótkim czasie. Odczekaj 30 sekund, a potem \
                 zaloguj się ponownie."
            }
            (Locale::Pl, OAuthErrorCode::Unauthorized) => {
                "LiveChat nie mógł potwierdzić Twojej tożsamości. Zaloguj się ponownie, aby \
                 kontynuować."
            }
            (Locale::Pl, OAuthErrorCode::ServerError) => {
                "LiveChat napotkał problem podczas logowania. Spróbuj ponownie za chwilę."
            }
            (Locale::Pl, OAuthErrorCode::TemporarilyUnavailable) => {
                "Logowanie przez LiveChat jest chwilowo niedostępne. Spróbuj ponownie za kilka \
                 minut."
            }
            (Locale::Pl, OAuthErrorCode::Other(code)) => {
                return format!(
                    "Logowanie nie powiodło się ({code}). Zaloguj się ponownie; jeśli błąd się \
                     powtarza, skontaktuj się z pomocą techniczną aplikacji."
                )
            }
        };
        text.to_owned()
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for OAuthError {}

// ---------------------------------------------------------------------------
// Callback parsing
// ---------------------------------------------------------------------------

/// Why a redirect answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallbackError {
    #[error("The page address could not be read. Sign in again.")]
    InvalidUrl,
    #[error("The sign-in answer repeats the {0:?} parameter and was refused. Sign in again.")]
    DuplicateParameter(String),
    #[error("The sign-in answer carries no access token. Sign in again.")]
    MissingAccessToken,
    #[error("The sign-in answer carries an unreadable access token. Sign in again.")]
    InvalidAccessToken,
    #[error("The sign-in answer uses an unsupported token type {0:?}. Sign in again.")]
    UnsupportedTokenType(String),
    #[error("The sign-in answer has an unreadable lifetime {0:?}. Sign in again.")]
    InvalidExpiresIn(String),
    #[error("The sign-in answer carries no authorization code. Sign in again.")]
    MissingCode,
    #[error("The sign-in answer carries an unreadable authorization code. Sign in again.")]
    InvalidCode,
    #[error("The sign-in answer carries both a token and a code. Sign in again.")]
    Ambiguous,
}

impl CallbackError {
    /// The message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        let text = match (locale, self) {
            (Locale::En, _) => return self.to_string(),
            (Locale::Pl, Self::InvalidUrl) => {
                "Nie udało się odczytać adresu strony. Zaloguj się ponownie."
            }
            (Locale::Pl, Self::DuplicateParameter(name)) => {
                return format!(
                    "Odpowiedź logowania powtarza parametr {} i została odrzucona. Zaloguj się \
                     ponownie.",
                    polish_quoted(name)
                )
            }
            (Locale::Pl, Self::MissingAccessToken) => {
                "Odpowiedź logowania nie zawiera tokenu dostępu. Zaloguj się ponownie."
            }
            (Locale::Pl, Self::InvalidAccessToken) => {
                "Odpowiedź logowania zawiera nieczytelny token dostępu. Zaloguj się ponownie."
            }
            (Locale::Pl, Self::UnsupportedTokenType(kind)) => {
                return format!(
                    "Odpowiedź logowania używa nieobsługiwanego typu tokenu {}. Zaloguj się \
                     ponownie.",
                    polish_quoted(kind)
                )
            }
            (Locale::Pl, Self::InvalidExpiresIn(raw)) => {
                return format!(
                    "Odpowiedź logowania podaje nieczytelny czas ważności {}. Zaloguj się \
                     ponownie.",
                    polish_quoted(raw)
                )
            }
            (Locale::Pl, Self::MissingCode) => {
                "Odpowiedź logowania nie zawiera kodu autoryzacji. Zaloguj się ponownie."
            }
            (Locale::Pl, Self::InvalidCode) => {
                "Odpowiedź logowania zawiera nieczytelny kod autoryzacji. Zaloguj się ponownie."
            }
            (Locale::Pl, Self::Ambiguous) => {
                "Odpowiedź logowania zawiera jednocześnie token i kod. Zaloguj się ponownie."
            }
        };
        text.to_owned()
    }
}

/// An access token as granted, before "now" turns its lifetime into an expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub access_token: Secret,
    pub expires_in_secs: u64,
    pub scopes: Vec<Scope>,
}

impl TokenGrant {
    pub fn into_access_token(self, now_ms: u64) -> AccessToken {
        AccessToken::new(self.access_token, self.expires_in_secs, now_ms, self.scopes)
    }
}

/// A single-use authorization code; hidden from `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationCode(Secret);

impl AuthorizationCode {
    pub fn parse(value: &str) -> Result<Self, CallbackError> {
        if is_token_text(value) {
            Ok(Self(Secret::new(value)))
        } else {
            Err(CallbackError::InvalidCode)
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.expose()
    }
}

/// What the current URL says about a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Nothing OAuth-related in the URL.
    None,
    /// Implicit answer, read from the fragment.
    Token {
        grant: TokenGrant,
        state: Option<String>,
    },
    /// Code answer, read from the query.
    Code {
        code: AuthorizationCode,
        state: Option<String>,
    },
    /// The server refused or failed.
    Error(OAuthError),
}

/// Decoded parameters of one URL part, in order.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: Option<&str>) -> Self {
        Self(
            raw.map(|r| form_urlencoded::parse(r.as_bytes()).into_owned().collect())
                .unwrap_or_default(),
        )
    }

    fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The value of a parameter that must appear at most once (RFC 6749 3.1).
    fn single(&self, key: &str) -> Result<Option<&str>, CallbackError> {
        let mut found = self
            .0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str());
        let first = found.next();
        if found.next().is_some() {
            return Err(CallbackError::DuplicateParameter(key.to_owned()));
        }
        Ok(first)
    }
}

const ERROR_KEYS: [&str; 3] = ["error", "oauth_exception", "identity_exception"];

/// Token characters: visible ASCII (LiveChat tokens contain `:`).
fn is_token_text(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

impl Callback {
    /// Reads a full `location.href`.
    pub fn parse(href: &str) -> Result<Self, CallbackError> {
        let url = Url::parse(href).map_err(|_| CallbackError::InvalidUrl)?;
        Self::from_url(&url)
    }

    /// Errors win over answers; tokens are read from the fragment only and
    /// codes from the query only, as each flow delivers them.
    pub fn from_url(url: &Url) -> Result<Self, CallbackError> {
        let query = Params::parse(url.query());
        let fragment = Params::parse(url.fragment());

        for params in [&query, &fragment] {
            if ERROR_KEYS.iter().any(|k| params.has(k)) {
                return Self::error_from(params).map(Self::Error);
            }
        }

        let has_token = fragment.has("access_token");
        let has_code = query.has("code");
        match (has_token, has_code) {
            (true, true) => Err(CallbackError::Ambiguous),
            (true, false) => Self::token_from(&fragment),
            (false, true) => Self::code_from(&query),
            // Pieces of an answer without its main value: a broken answer.
            (false, false)
                if ["token_type", "expires_in", "state"]
                    .iter()
                    .any(|k| fragment.has(k)) =>
            {
                Err(CallbackError::MissingAccessToken)
            }
            (false, false) if query.has("state") => Err(CallbackError::MissingCode),
            (false, false) => Ok(Self::None),
        }
    }

    fn error_from(params: &Params) -> Result<OAuthError, CallbackError> {
        let mut primary = None;
        for key in ERROR_KEYS {
            if let Some(value) = params.single(key)? {
                if primary.is_none() && !value.is_empty() {
                    primary = Some(value.to_owned());
                }
            }
        }
        let details = params
            .single("exception_details")?
            .filter(|v| !v.is_empty());
        let mut code = OAuthErrorCode::parse(primary.as_deref().unwrap_or("unknown_error"));
        if let Some(details) = details {
            let specific = OAuthErrorCode::parse(details);
            if !matches!(specific, OAuthErrorCode::Other(_)) {
                code = specific;
            }
        }
        Ok(OAuthError {
            code,
            description: params.single("error_description")?.map(str::to_owned),
            details: details.map(str::to_owned),
            state: params.single("state")?.map(str::to_owned),
        })
    }

    fn token_from(params: &Params) -> Result<Self, CallbackError> {
        let access_token = params
            .single("access_token")?
            .ok_or(CallbackError::MissingAccessToken)?;
        if !is_token_text(access_token) {
            return Err(CallbackError::InvalidAccessToken);
        }
        if let Some(token_type) = params.single("token_type")? {
            if !token_type.eq_ignore_ascii_case("bearer") {
                return Err(CallbackError::UnsupportedTokenType(token_type.to_owned()));
            }
        }
        let expires_in_secs = match params.single("expires_in")? {
            None => DEFAULT_TOKEN_LIFETIME_SECS,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|secs| *secs > 0)
                .ok_or_else(|| CallbackError::InvalidExpiresIn(raw.to_owned()))?,
        };
        let scopes = params
            .single("scope")?
            .map(parse_scope_list)
            .unwrap_or_default();
        Ok(Self::Token {
            grant: TokenGrant {
                access_token: Secret::new(access_token),
                expires_in_secs,
                scopes,
            },
            state: params.single("state")?.map(str::to_owned),
        })
    }

    fn code_from(params: &Params) -> Result<Self, CallbackError> {
        let code = params.single("code")?.ok_or(CallbackError::MissingCode)?;
        Ok(Self::Code {
            code: AuthorizationCode::parse(code)?,
            state: params.single("state")?.map(str::to_owned),
        })
    }

    /// The `state` the answer carried, if any.
    pub fn state(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Token { state, .. } | Self::Code { state, .. } => state.as_deref(),
            Self::Error(error) => error.state.as_deref(),
        }
    }
}

fn strip_callback_params(raw: &str) -> String {
    raw.split('&')
        .filter(|piece| {
            if piece.is_empty() {
                return false;
            }
            let key = form_urlencoded::parse(piece.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            !CALLBACK_PARAMS.contains(&key.as_str())
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The same URL without OAuth parameters in the query or the fragment, for
/// `history.replaceState`; other parameters stay exactly as they were.
/// Idempotent, so the shell can apply it on every load.
pub fn clean_callback_url(url: &Url) -> Url {
    let mut clean = url.clone();
    if let Some(query) = url.query() {
        let kept = strip_callback_params(query);
        clean.set_query((!kept.is_empty()).then_some(kept.as_str()));
    }
    if let Some(fragment) = url.fragment() {
        let kept = strip_callback_params(fragment);
        clean.set_fragment((!kept.is_empty()).then_some(kept.as_str()));
    }
    clean
}

// ---------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------

/// A request to `POST /v2/token`, sent form-encoded (no client secret: a
/// browser app cannot keep one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRequest {
    AuthorizationCode {
        code: AuthorizationCode,
        client_id: String,
        redirect_uri: String,
        code_verifier: CodeVerifier,
    },
    /// Refresh tokens rotate: keep the new one from each answer.
    RefreshToken {
        refresh_token: Secret,
        client_id: String,
    },
}

impl TokenRequest {
    pub fn form_pairs(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::AuthorizationCode {
                code,
                client_id,
                redirect_uri,
                code_verifier,
            } => vec![
                ("grant_type", "authorization_code".to_owned()),
                ("code", code.as_str().to_owned()),
                ("client_id", client_id.clone()),
                ("redirect_uri", redirect_uri.clone()),
                ("code_verifier", code_verifier.as_str().to_owned()),
            ],
            Self::RefreshToken {
                refresh_token,
                client_id,
            } => vec![
                ("grant_type", "refresh_token".to_owned()),
                ("refresh_token", refresh_token.expose().to_owned()),
                ("client_id", client_id.clone()),
            ],
        }
    }

    /// `application/x-www-form-urlencoded` body.
    pub fn to_form_body(&self) -> String {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.form_pairs() {
            body.append_pair(key, &value);
        }
        body.finish()
    }

    pub const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";
}

/// `POST /v2/token` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: Secret,
    #[serde(default)]
    pub account_id: Option<String>,
    pub expires_in: u64,
    #[serde(default)]
    pub organization_id: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    #[serde(default, with = "scope_list")]
    pub scope: Vec<Scope>,
    pub token_type: String,
}

impl TokenResponse {
    pub fn into_access_token(self, now_ms: u64) -> AccessToken {
        AccessToken::new(self.access_token, self.expires_in, now_ms, self.scope)
    }
}

/// `GET /v2/info` answer: what the current token is and may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub access_token: Secret,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    pub expires_in: u64,
    #[serde(default)]
    pub organization_id: Option<String>,
    #[serde(default, with = "scope_list")]
    pub scope: Vec<Scope>,
    pub token_type: String,
}

// ---------------------------------------------------------------------------
// Access token
// ---------------------------------------------------------------------------

/// A bearer token with its expiry. `Debug` never shows the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    access_token: Secret,
    issued_at_ms: u64,
    expires_at_ms: u64,
    #[serde(default, with = "scope_list")]
    scopes: Vec<Scope>,
}

impl AccessToken {
    /// Treat a token as expired this long before its end, so a request never
    /// leaves with a token that dies on the way.
    pub const EXPIRY_MARGIN_MS: u64 = 60_000;

    pub fn new(
        access_token: impl Into<Secret>,
        expires_in_secs: u64,
        now_ms: u64,
        scopes: Vec<Scope>,
    ) -> Self {
        Self {
            access_token: access_token.into(),
            issued_at_ms: now_ms,
            expires_at_ms: now_ms.saturating_add(expires_in_secs.saturating_mul(1000)),
            scopes,
        }
    }

    /// The secret itself, for the `Authorization` header only.
    pub fn secret(&self) -> &str {
        self.access_token.expose()
    }

    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.access_token.expose())
    }

    pub fn expires_at_ms(&self) -> u64 {
        self.expires_at_ms
    }

    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    pub fn has_scope(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// The margin, shortened to half the lifetime for very short-lived tokens.
    fn margin_ms(&self) -> u64 {
        let lifetime = self.expires_at_ms.saturating_sub(self.issued_at_ms);
        Self::EXPIRY_MARGIN_MS.min(lifetime / 2)
    }

    /// True from `expires_at - margin` on.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_at_ms.saturating_sub(self.margin_ms())
    }

    /// Milliseconds of safe use left (0 once expired).
    pub fn remaining_ms(&self, now_ms: u64) -> u64 {
        self.expires_at_ms
            .saturating_sub(self.margin_ms())
            .saturating_sub(now_ms)
    }
}

// ---------------------------------------------------------------------------
// Pending sign-in (survives the redirect in sessionStorage)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// The whole round trip
// ---------------------------------------------------------------------------

/// The app's OAuth registration and the accounts server it talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClient {
    pub client_id: String,
    pub redirect_uri: String,
    /// Base of the accounts server: authorize at its root, tokens at `v2/token`.
    pub accounts_url: String,
    /// Where to send the browser to sign in, when not the accounts root
    /// (the offline demo's own sign-in page).
    pub authorize_endpoint: Option<String>,
    pub scopes: Vec<Scope>,
}

/// Random bytes for one sign-in, drawn by the shell (`crypto.getRandomValues`).
#[derive(Clone)]
pub struct SignInRandomness {
    pub state: [u8; OAuthState::RANDOM_BYTES],
    pub verifier: [u8; CodeVerifier::RANDOM_BYTES],
}

/// Where to go and what to save before going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInStart {
    pub pending: PendingSignIn,
    pub authorize_url: Url,
}

/// Any reason a sign-in round trip failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignInError {
    #[error(transparent)]
    Provider(#[from] OAuthError),
    #[error(transparent)]
    Callback(#[from] CallbackError),
    #[error(transparent)]
    State(#[from] StateError),
    #[error(transparent)]
    Pending(#[from] PendingSignInError),
    #[error("The sign-in answer does not match the sign-in that was started. Sign in again.")]
    FlowMismatch,
}

impl SignInError {
    /// The message shown to the user, in `locale` (`Display` is the
    /// English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (_, Self::Provider(error)) => error.user_message_in(locale),
            (_, Self::Callback(error)) => error.message_in(locale),
            (_, Self::State(error)) => error.message_in(locale),
            (_, Self::Pending(error)) => error.message_in(locale),
            (Locale::Pl, Self::FlowMismatch) => "Odpowiedź logowania nie pasuje do \
                 rozpoczętego logowania. Zaloguj się ponownie."
                .to_owned(),
        }
    }
}

/// What the shell should do once the page has loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInNext {
    /// The URL carried no answer: keep any pending record until it expires.
    NothingToDo,
    SignedIn {
        token: AccessToken,
        return_to: AppLocation,
    },
    /// Send this to the token endpoint, then call
    /// [`TokenResponse::into_access_token`].
    ExchangeCode {
        request: TokenRequest,
        return_to: AppLocation,
    },
    Failed {
        error: SignInError,
        return_to: Option<AppLocation>,
    },
}

impl OAuthClient {
    pub fn new(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            accounts_url: DEFAULT_ACCOUNTS_URL.to_owned(),
            authorize_endpoint: None,
            scopes: Vec::new(),
        }
    }

    pub fn with_accounts_url(mut self, accounts_url: impl Into<String>) -> Self {
        self.accounts_url = accounts_url.into();
        self
    }

    /// Signs in on another page than the accounts root; tokens still come
    /// from the accounts server.
    pub fn with_authorize_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.authorize_endpoint = Some(endpoint.into());
        self
    }

    pub fn with_scopes(mut self, scopes: Vec<Scope>) -> Self {
        self.scopes = scopes;
        self
    }

    fn accounts_path(&self, path: &str) -> Result<Url, AuthorizeError> {
        let invalid = || AuthorizeError::InvalidEndpoint(self.accounts_url.clone());
        let mut base = parse_http_url(&self.accounts_url).ok_or_else(invalid)?;
        base.set_query(None);
        base.set_fragment(None);
        if !base.path().ends_with('/') {
            let with_slash = format!("{}/", base.path());
            base.set_path(&with_slash);
        }
        base.join(path).map_err(|_| invalid())
    }

    /// `POST` here to exchange a code or refresh a token.
    pub fn token_endpoint(&self) -> Result<Url, AuthorizeError> {
        self.accounts_path("v2/token")
    }

    /// `GET` here (Bearer) for [`TokenInfo`].
    pub fn info_endpoint(&self) -> Result<Url, AuthorizeError> {
        self.accounts_path("v2/info")
    }

    /// Prepares a sign-in: the record to save, then the URL to navigate to.
    pub fn begin_sign_in(
        &self,
        flow: FlowKind,
        random: &SignInRandomness,
        now_ms: u64,
        return_to: AppLocation,
    ) -> Result<SignInStart, AuthorizeError> {
        let state = OAuthState::from_random_bytes(&random.state);
        let (request, pending_flow) = match flow {
            FlowKind::Code => {
                let verifier = CodeVerifier::from_random_bytes(&random.verifier);
                let request = AuthorizeRequest::code(
                    &*self.client_id,
                    &*self.redirect_uri,
                    &state,
                    &verifier,
                );
                (
                    request,
                    PendingFlow::Code {
                        code_verifier: verifier,
                    },
                )
            }
            FlowKind::Implicit => (
                AuthorizeRequest::implicit(&*self.client_id, &*self.redirect_uri, &state),
                PendingFlow::Implicit,
            ),
        };
        let endpoint = self
            .authorize_endpoint
            .as_deref()
            .unwrap_or(&self.accounts_url);
        let authorize_url = request.endpoint(endpoint).scopes(&self.scopes).to_url()?;
        Ok(SignInStart {
            pending: PendingSignIn::new(state, pending_flow, now_ms, return_to),
            authorize_url,
        })
    }

    /// Decides what a page load means, given the saved record (if any). The
    /// shell removes the record and cleans the URL whatever the answer.
    pub fn finish_sign_in(
        &self,
        callback: Callback,
        pending: Option<&PendingSignIn>,
        now_ms: u64,
    ) -> SignInNext {
        let return_to = pending.map(|p| p.return_to.clone());
        let fail = |error: SignInError| SignInNext::Failed {
            error,
            return_to: return_to.clone(),
        };
        if let Callback::Error(error) = callback {
            return fail(error.into());
        }
        if matches!(callback, Callback::None) {
            return SignInNext::NothingToDo;
        }
        let Some(pending) = pending.filter(|p| !p.is_expired(now_ms)) else {
            return fail(match pending {
                Some(_) => PendingSignInError::Expired.into(),
                None => StateError::NothingPending.into(),
            });
        };
        if let Err(error) = verify_state(Some(&pending.state), callback.state()) {
            return fail(error.into());
        }
        match (callback, &pending.flow) {
            (Callback::Token { grant, .. }, PendingFlow::Implicit) => SignInNext::SignedIn {
                token: grant.into_access_token(now_ms),
                return_to: pending.return_to.clone(),
            },
            (Callback::Code { code, .. }, PendingFlow::Code { code_verifier }) => {
                SignInNext::ExchangeCode {
                    request: TokenRequest::AuthorizationCode {
                        code,
                        client_id: self.client_id.clone(),
                        redirect_uri: self.redirect_uri.clone(),
                        code_verifier: code_verifier.clone(),
                    },
                    return_to: pending.return_to.clone(),
                }
            }
            _ => fail(SignInError::FlowMismatch),
        }
    }
}

// ---------------------------------------------------------------------------
// Sign-in loop guard
// ---------------------------------------------------------------------------

/// Refusal to start another sign-in redirect.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RedirectGuardError {
    #[error("Too many sign-in attempts. Wait {} s, then try again.", .wait_ms.div_ceil(1000))]
    TooManyAttempts { wait_ms: u64 },
}

impl RedirectGuardError {
    /// The message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::TooManyAttempts { wait_ms }) => {
                let secs = wait_ms.div_ceil(1000);
                format!(
                    "Zbyt wiele prób logowania. Odczekaj {secs} {}, a potem spróbuj ponownie.",
                    pick_polish(secs, "sekundę", "sekundy", "sekund")
                )
            }
        }
    }
}

/// Remembers recent sign-in redirects (persist [`timestamps`](Self::timestamps)
/// across page loads) so the app never loops: LiveChat allows 3 redirects per
/// 30 s per client and user, and the guard stops earlier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RedirectGuard {
    recent_ms: Vec<u64>,
}

impl RedirectGuard {
    pub const WINDOW_MS: u64 = 30_000;
    /// LiveChat's own limit; never configurable above it.
    pub const SERVER_LIMIT: usize = 3;
    /// Stop one short of the server limit.
    pub const DEFAULT_MAX: usize = 2;

    pub fn new(recent_ms: Vec<u64>) -> Self {
        Self { recent_ms }
    }

    pub fn timestamps(&self) -> &[u64] {
        &self.recent_ms
    }

    /// Timestamps inside the window, oldest first. Slightly future ones (clock
    /// moved back) still count; those beyond a window ahead are bogus and
    /// dropped, so a clock change can never block sign-in for long.
    fn in_window(&self, now_ms: u64) -> Vec<u64> {
        let mut kept: Vec<u64> = self
            .recent_ms
            .iter()
            .copied()
            .filter(|&t| {
                t <= now_ms.saturating_add(Self::WINDOW_MS)
                    && t.saturating_add(Self::WINDOW_MS) > now_ms
            })
            .collect();
        kept.sort_unstable();
        kept
    }

    /// May a redirect leave now? At most `max` (1 to 3) within the window.
    pub fn check_with_max(&self, now_ms: u64, max: usize) -> Result<(), RedirectGuardError> {
        let max = max.clamp(1, Self::SERVER_LIMIT);
        let recent = self.in_window(now_ms);
        if recent.len() < max {
            return Ok(());
        }
        // The attempt that must leave the window before another is allowed.
        let blocking = recent[recent.len() - max];
        Err(RedirectGuardError::TooManyAttempts {
            wait_ms: blocking
                .saturating_add(Self::WINDOW_MS)
                .saturating_sub(now_ms),
        })
    }

    pub fn check(&self, now_ms: u64) -> Result<(), RedirectGuardError> {
        self.check_with_max(now_ms, Self::DEFAULT_MAX)
    }

    /// Checks, then records the redirect and forgets old ones.
    pub fn record(&mut self, now_ms: u64) -> Result<(), RedirectGuardError> {
        self.check(now_ms)?;
        self.recent_ms = self.in_window(now_ms);
        self.recent_ms.push(now_ms);
        Ok(())
    }
}
