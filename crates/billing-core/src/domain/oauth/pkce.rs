//! PKCE (RFC 7636): the code verifier kept secret until the code exchange,
//! and its `S256` challenge.

use std::str::FromStr;

use crate::domain::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use thiserror::Error;

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
