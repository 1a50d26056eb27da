//! The LiveChat accounts server after the redirect: exchanging an
//! authorization code for a token (`POST /v2/token`) and revoking a token on
//! sign-out (`DELETE /v2/token`). The redirect itself is
//! `domain::oauth::OAuthClient`.

use super::endpoint::Endpoint;
use super::error::{ApiError, Service};
use super::transport::{HttpRequest, HttpResponse, Method, Transport};
use super::wire::parse_json;
use crate::domain::oauth::{AccessToken, OAuthClient, TokenRequest, TokenResponse};

/// The form-encoded token request (no client secret: a browser app has none).
pub fn token_request(
    client: &OAuthClient,
    request: &TokenRequest,
) -> Result<HttpRequest, ApiError> {
    let url = client
        .token_endpoint()
        .map_err(|e| ApiError::validation("accounts_url", e.to_string()))?;
    let mut http =
        HttpRequest::new(Method::Post, url).with_header("Content-Type", TokenRequest::CONTENT_TYPE);
    http.body = Some(request.to_form_body());
    Ok(http)
}

/// Revokes `token`. It travels in the header only: URLs end up in logs.
pub fn revoke_request(client: &OAuthClient, token: &AccessToken) -> Result<HttpRequest, ApiError> {
    let url = client
        .token_endpoint()
        .map_err(|e| ApiError::validation("accounts_url", e.to_string()))?;
    Ok(HttpRequest::new(Method::Delete, url)
        .with_header("Authorization", token.authorization_header()))
}

/// A token answer; errors keep their OAuth code (`invalid_grant`, ...).
pub fn parse_token_response(response: &HttpResponse) -> Result<TokenResponse, ApiError> {
    parse_json(response)
}

/// The token request as an endpoint of the accounts service.
pub fn token_endpoint(client: &OAuthClient, request: &TokenRequest) -> Endpoint<TokenResponse> {
    Endpoint::checked(
        Service::Accounts,
        token_request(client, request),
        parse_token_response,
    )
}

/// Exchanges a code (PKCE) for an access token issued at `now_ms`.
pub async fn exchange_code<T: Transport>(
    transport: &T,
    client: &OAuthClient,
    request: &TokenRequest,
    now_ms: u64,
) -> Result<AccessToken, ApiError> {
    let answer = token_endpoint(client, request).send(transport).await?;
    if !answer.token_type.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::validation(
            "token_type",
            format!(
                "is {:?}; only Bearer tokens are supported",
                answer.token_type
            ),
        ));
    }
    Ok(answer.into_access_token(now_ms))
}

/// Best-effort revocation: signing out never waits on or fails with it.
pub async fn revoke<T: Transport>(transport: &T, client: &OAuthClient, token: &AccessToken) {
    if let Ok(request) = revoke_request(client, token) {
        let _ = transport.send(request).await;
    }
}
