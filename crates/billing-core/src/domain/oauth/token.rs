//! The token endpoint: the code-exchange and refresh requests, and the
//! `/v2/token` and `/v2/info` answers.

use serde::{Deserialize, Serialize};
use url::form_urlencoded;

use super::scope::scope_list;
use super::{AccessToken, AuthorizationCode, CodeVerifier, Scope};
use crate::domain::secret::Secret;

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
