//! The whole round trip: the app's OAuth client, starting a sign-in and
//! deciding what a page load after the redirect means.

use thiserror::Error;
use url::Url;

use super::{
    parse_http_url, verify_state, AccessToken, AppLocation, AuthorizeError, AuthorizeRequest,
    Callback, CallbackError, CodeVerifier, FlowKind, OAuthError, OAuthState, PendingFlow,
    PendingSignIn, PendingSignInError, Scope, StateError, TokenRequest, DEFAULT_ACCOUNTS_URL,
};
#[cfg(doc)]
use super::{TokenInfo, TokenResponse};
use crate::domain::locale::Locale;

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
