//! The authorize request: which grant a sign-in uses and the URL of
//! LiveChat's authorization endpoint.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use super::{
    format_scope_list, parse_http_url, CodeVerifier, OAuthState, Scope, DEFAULT_ACCOUNTS_URL,
};

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
