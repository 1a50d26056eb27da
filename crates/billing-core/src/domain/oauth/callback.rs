//! Reading the redirect answer (token in the fragment, code in the query, or
//! an error) and cleaning OAuth parameters out of the URL afterwards.

use thiserror::Error;
use url::{form_urlencoded, Url};

use super::{
    parse_scope_list, AccessToken, OAuthError, OAuthErrorCode, Scope, CALLBACK_PARAMS,
    DEFAULT_TOKEN_LIFETIME_SECS,
};
use crate::domain::locale::{polish_quoted, Locale};
use crate::domain::secret::Secret;

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
