//! Sign in with LiveChat (OAuth 2.0): PKCE, state, the authorize URL, the
//! redirect answer (fragment for tokens, query for codes), error messages,
//! the record that survives the round trip, and a guard against sign-in loops.
//!
//! Everything is pure: randomness and "now" (milliseconds since the Unix
//! epoch) are parameters, so the browser shell only generates bytes, reads the
//! clock and navigates.

use url::Url;

mod access_token;
mod authorize;
mod callback;
mod guard;
mod pending;
mod pkce;
mod provider_error;
mod round_trip;
mod scope;
mod state;
mod token;

pub use access_token::AccessToken;
pub use authorize::{AuthorizeError, AuthorizeRequest, FlowKind};
pub use callback::{clean_callback_url, AuthorizationCode, Callback, CallbackError, TokenGrant};
pub use guard::{RedirectGuard, RedirectGuardError};
pub use pending::{AppLocation, AppLocationError, PendingFlow, PendingSignIn, PendingSignInError};
pub use pkce::{CodeVerifier, CodeVerifierError};
pub use provider_error::{NextStep, OAuthError, OAuthErrorCode};
pub use round_trip::{OAuthClient, SignInError, SignInNext, SignInRandomness, SignInStart};
pub use scope::{format_scope_list, parse_scope_list, Scope};
pub use state::{verify_state, OAuthState, OAuthStateError, StateError};
pub use token::{TokenInfo, TokenRequest, TokenResponse};

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
fn parse_http_url(value: &str) -> Option<Url> {
    Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
}
