//! A bearer access token with its expiry and scopes.

use serde::{Deserialize, Serialize};

use super::scope::scope_list;
use super::Scope;
use crate::domain::secret::Secret;

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
