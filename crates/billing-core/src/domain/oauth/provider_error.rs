//! Errors reported by the accounts server or the token endpoint, with the
//! user's message and the way forward for each code.

use std::fmt;

use crate::domain::locale::Locale;

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
