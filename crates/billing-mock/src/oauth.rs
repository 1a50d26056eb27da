//! The LiveChat accounts server: the sign-in decision (called by the mock
//! sign-in page), `POST /v2/token`, `DELETE /v2/token`, `GET /v2/info`, and
//! [`authenticate`] for the other mocked services.
//!
//! Redirects use the real shapes: the code comes back in the query
//! (`?code=..&state=..`), an implicit token in the fragment
//! (`#access_token=dal%3A..&token_type=Bearer&expires_in=28800&scope=..&state=..`).
//! A refusal follows RFC 6749 (`error=access_denied` in the query for the
//! code flow, in the fragment for the implicit flow); real LiveChat instead
//! lands on `/ooops?oauth_exception=access_denied`, which the widget also
//! reads. Requests that cannot be redirected (bad client, bad redirect URI,
//! unsupported response type) are an [`AuthorizeError`], which the mock page
//! shows as LiveChat's `/ooops` page would.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use url::{form_urlencoded, Url};

use super::{reply, MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::oauth::{format_scope_list, parse_scope_list, CodeVerifier, Scope};

/// An authorization code must be exchanged within this time.
pub const CODE_LIFETIME_MS: u64 = 60_000;
/// Spent and expired codes are remembered this long, so a late replay is
/// told "already used" rather than "unknown".
const CODE_MEMORY_MS: u64 = 10 * 60_000;
/// Expired access tokens are remembered this long, so `/v2/info` can say
/// "expired" rather than "unknown".
const TOKEN_MEMORY_MS: u64 = 24 * 3_600_000;
/// At most this many tokens of each kind are kept: the state lives in
/// localStorage, which is small. The oldest go first.
const MAX_KEPT: usize = 100;
/// Length of the random part of codes and tokens.
const SECRET_LEN: usize = 27;

/// A demo LiveChat user offered by the mock sign-in page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoAccount {
    pub name: &'static str,
    pub email: &'static str,
    pub account_id: &'static str,
    pub organization_id: &'static str,
    /// The license number the Billing API reports as `buyer_license_id`.
    pub license_id: u64,
    /// What the account may grant to an app.
    pub scopes: &'static [&'static str],
}

/// Three accounts so every scope situation is one click away: full access,
/// no ledger access, and admin.
pub const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        name: "Olivia Owner",
        email: "olivia.owner@example.com",
        account_id: "a1f2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01",
        organization_id: "0f1e2d3c-1001-4b5a-9c8d-7e6f5a4b3c01",
        license_id: 100_008_664,
        scopes: &["billing_manage", "ledger_read"],
    },
    DemoAccount {
        name: "Adam Agent",
        email: "adam.agent@example.com",
        account_id: "a1f2c3d4-0002-4e5f-8a9b-0c1d2e3f4a02",
        organization_id: "0f1e2d3c-1001-4b5a-9c8d-7e6f5a4b3c01",
        license_id: 100_008_664,
        scopes: &["billing_manage"],
    },
    DemoAccount {
        name: "Ada Admin",
        email: "ada.admin@example.com",
        account_id: "a1f2c3d4-0003-4e5f-8a9b-0c1d2e3f4a03",
        organization_id: "0f1e2d3c-1002-4b5a-9c8d-7e6f5a4b3c02",
        license_id: 100_006_625,
        scopes: &["billing_manage", "billing_admin", "ledger_read"],
    },
];

pub fn demo_accounts() -> &'static [DemoAccount] {
    &DEMO_ACCOUNTS
}

pub fn demo_account(account_id: &str) -> Option<&'static DemoAccount> {
    DEMO_ACCOUNTS.iter().find(|a| a.account_id == account_id)
}

/// Who a code or token speaks for; copied from the account so a grant stays
/// valid even if the demo list changes between releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub account_id: String,
    pub organization_id: String,
    pub email: String,
    pub license_id: u64,
    pub client_id: String,
    /// Wire names, comma-free.
    pub scopes: Vec<String>,
}

/// PKCE `code_challenge_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChallengeMethod {
    S256,
    #[serde(rename = "plain")]
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub method: ChallengeMethod,
    pub subject: Subject,
    pub expires_at_ms: u64,
    /// Spent codes are kept (until forgotten) to recognise a replay.
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedToken {
    pub access_token: String,
    pub subject: Subject,
    pub expires_at_ms: u64,
    /// The code it was exchanged for: a replayed code revokes it (RFC 6749 4.1.2).
    #[serde(default)]
    pub from_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedRefreshToken {
    pub refresh_token: String,
    pub subject: Subject,
    #[serde(default)]
    pub from_code: Option<String>,
}

/// What the accounts server remembers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuthState {
    pub codes: Vec<IssuedCode>,
    pub tokens: Vec<IssuedToken>,
    pub refresh_tokens: Vec<IssuedRefreshToken>,
    /// A token with every scope that never expires, for scripts and API
    /// clients without a browser (like a payment provider's test key).
    pub developer_token: Option<String>,
}

/// The client id charges made with the developer token belong to.
pub const DEVELOPER_CLIENT_ID: &str = "mock-developer";

/// Sets the developer token; it speaks for the admin demo account.
/// It is a start-up setting, so a reset keeps it.
pub fn set_developer_token(state: &mut MockState, token: impl Into<String>) {
    let token = token.into();
    state.settings.developer_token = Some(token.clone());
    state.oauth.developer_token = Some(token);
}

/// Whom the developer token speaks for: the admin account, which holds
/// every scope.
pub fn developer_account() -> &'static DemoAccount {
    &DEMO_ACCOUNTS[2]
}

fn developer_grant(account: &DemoAccount) -> Grant {
    Grant {
        account_id: account.account_id.to_owned(),
        organization_id: account.organization_id.to_owned(),
        email: account.email.to_owned(),
        license_id: account.license_id,
        client_id: DEVELOPER_CLIENT_ID.to_owned(),
        scopes: account.scopes.iter().map(|s| Scope::parse(s)).collect(),
        expires_at_ms: u64::MAX,
    }
}

/// The query of an authorize request, as the sign-in page received it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizeParams {
    pub response_type: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    /// `S256` or `plain`; absent means `plain`, as LiveChat documents.
    pub code_challenge_method: Option<String>,
    /// Comma or space separated; absent means every scope the account has.
    pub scope: Option<String>,
}

impl AuthorizeParams {
    /// Reads the sign-in page's own URL. Unknown parameters (`utm_source`,
    /// `flow`, ...) are ignored; a repeated known one is refused.
    pub fn from_url(url: &Url) -> Result<Self, AuthorizeError> {
        const KNOWN: [&str; 7] = [
            "response_type",
            "client_id",
            "redirect_uri",
            "state",
            "code_challenge",
            "code_challenge_method",
            "scope",
        ];
        let mut values: [Option<String>; 7] = Default::default();
        for (key, value) in url.query_pairs() {
            let Some(index) = KNOWN.iter().position(|k| *k == key) else {
                continue;
            };
            let Some(slot) = values.get_mut(index) else {
                continue;
            };
            if slot.is_some() {
                return Err(AuthorizeError::invalid_request(&format!(
                    "{key} is repeated"
                )));
            }
            *slot = Some(value.into_owned());
        }
        let [response_type, client_id, redirect_uri, state, code_challenge, code_challenge_method, scope] =
            values;
        Ok(Self {
            response_type: response_type.unwrap_or_default(),
            client_id: client_id.unwrap_or_default(),
            redirect_uri: redirect_uri.unwrap_or_default(),
            state,
            code_challenge,
            code_challenge_method,
            scope,
        })
    }
}

/// The user's answer on the sign-in page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Sign in as this demo account (`DemoAccount::account_id`).
    Allow {
        account_id: String,
    },
    Deny,
}

/// An authorize request that cannot be answered by redirecting back; the
/// code is what LiveChat puts in `/ooops?oauth_exception=<code>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeError {
    pub oauth_exception: &'static str,
    pub description: String,
}

impl AuthorizeError {
    pub fn new(oauth_exception: &'static str, description: &str) -> Self {
        Self {
            oauth_exception,
            description: description.to_owned(),
        }
    }

    fn invalid_request(description: &str) -> Self {
        Self {
            oauth_exception: "invalid_request",
            description: description.to_owned(),
        }
    }
}

impl fmt::Display for AuthorizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.oauth_exception, self.description)
    }
}

impl std::error::Error for AuthorizeError {}

/// An authorized caller, as [`authenticate`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub account_id: String,
    pub organization_id: String,
    pub email: String,
    pub license_id: u64,
    pub client_id: String,
    pub scopes: Vec<Scope>,
    pub expires_at_ms: u64,
}

impl Grant {
    pub fn has_scope(&self, scope: &Scope) -> bool {
        self.scopes.contains(scope)
    }

    /// `Err` is the 403 to answer, naming the missing scope.
    pub fn require(&self, scope: &Scope) -> Result<(), HttpResponse> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(reply::forbidden_scope(scope.as_str()))
        }
    }
}

fn redirect_target(raw: &str) -> Option<Url> {
    Url::parse(raw).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.fragment().is_none()
    })
}

/// The RFC 7636 alphabet and length, for challenges and verifiers alike.
fn is_pkce_text(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
}

fn new_secret(state: &mut MockState) -> String {
    format!("dal:{}", state.rng.short_id(SECRET_LEN))
}

/// What a well-formed authorize request resolves to.
struct Checked {
    target: Url,
    implicit: bool,
    method: ChallengeMethod,
    challenge: String,
}

/// Whether the sign-in page can answer this request at all; the page shows
/// the error before offering any account, as LiveChat's `/ooops` page does.
pub fn validate_request(params: &AuthorizeParams) -> Result<(), AuthorizeError> {
    check_request(params).map(|_| ())
}

fn check_request(params: &AuthorizeParams) -> Result<Checked, AuthorizeError> {
    if params.client_id.trim().is_empty() {
        return Err(AuthorizeError::invalid_request("client_id is required"));
    }
    let target = redirect_target(&params.redirect_uri).ok_or_else(|| {
        AuthorizeError::invalid_request(
            "redirect_uri must be an absolute http(s) URL without a fragment",
        )
    })?;
    let implicit = match params.response_type.as_str() {
        "code" => false,
        "token" => true,
        _ => {
            return Err(AuthorizeError {
                oauth_exception: "unsupported_response_type",
                description: "response_type must be code or token".to_owned(),
            })
        }
    };
    let method = match params.code_challenge_method.as_deref() {
        None | Some("plain") => ChallengeMethod::Plain,
        Some("S256") => ChallengeMethod::S256,
        Some(_) => {
            return Err(AuthorizeError::invalid_request(
                "code_challenge_method must be S256 or plain",
            ))
        }
    };
    let challenge = params.code_challenge.clone().unwrap_or_default();
    if !implicit && !is_pkce_text(&challenge) {
        return Err(AuthorizeError::invalid_request(
            "code_challenge is required: 43 to 128 characters of [A-Za-z0-9-._~]",
        ));
    }

    Ok(Checked {
        target,
        implicit,
        method,
        challenge,
    })
}

/// Answers the sign-in page: the URL to send the browser back to.
pub fn authorize(
    state: &mut MockState,
    params: &AuthorizeParams,
    decision: Decision,
    now_ms: NowMs,
) -> Result<Url, AuthorizeError> {
    let Checked {
        mut target,
        implicit,
        method,
        challenge,
    } = check_request(params)?;
    let challenge = challenge.as_str();

    let account_id = match decision {
        Decision::Deny => {
            let mut answer = form_urlencoded::Serializer::new(String::new());
            answer.append_pair("error", "access_denied");
            answer.append_pair("error_description", "The user denied access");
            if let Some(s) = &params.state {
                answer.append_pair("state", s);
            }
            let answer = answer.finish();
            set_answer(&mut target, implicit, &answer);
            return Ok(target);
        }
        Decision::Allow { account_id } => account_id,
    };
    let account = demo_account(&account_id).ok_or_else(|| AuthorizeError {
        oauth_exception: "unauthorized",
        description: "no such account".to_owned(),
    })?;
    let requested = params.scope.as_deref().map(parse_scope_list);
    let scopes: Vec<String> = account
        .scopes
        .iter()
        .filter(|held| {
            requested
                .as_ref()
                .is_none_or(|req| req.iter().any(|r| r.as_str() == **held))
        })
        .map(|s| (*s).to_owned())
        .collect();
    let subject = Subject {
        account_id: account.account_id.to_owned(),
        organization_id: account.organization_id.to_owned(),
        email: account.email.to_owned(),
        license_id: account.license_id,
        client_id: params.client_id.clone(),
        scopes,
    };
    forget_old(&mut state.oauth, now_ms);

    let mut answer = form_urlencoded::Serializer::new(String::new());
    if implicit {
        let lifetime = state.scenario.token_lifetime_secs;
        let scope = subject.scopes.join(",");
        let token = issue_token(state, subject, None, now_ms);
        answer
            .append_pair("access_token", &token)
            .append_pair("token_type", "Bearer")
            .append_pair("expires_in", &lifetime.to_string())
            .append_pair("scope", &scope);
    } else {
        let code = new_secret(state);
        state.oauth.codes.push(IssuedCode {
            code: code.clone(),
            redirect_uri: params.redirect_uri.clone(),
            code_challenge: challenge.to_owned(),
            method,
            subject,
            expires_at_ms: now_ms.saturating_add(CODE_LIFETIME_MS),
            used: false,
        });
        keep_newest(&mut state.oauth.codes);
        answer.append_pair("code", &code);
    }
    if let Some(s) = &params.state {
        answer.append_pair("state", s);
    }
    let answer = answer.finish();
    set_answer(&mut target, implicit, &answer);
    Ok(target)
}

/// Codes and code-flow errors go in the query (after what is there), tokens
/// and implicit-flow errors in the fragment.
fn set_answer(target: &mut Url, in_fragment: bool, answer: &str) {
    if in_fragment {
        target.set_fragment(Some(answer));
    } else {
        let query = match target.query() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{answer}"),
            _ => answer.to_owned(),
        };
        target.set_query(Some(&query));
    }
}

fn issue_token(
    state: &mut MockState,
    subject: Subject,
    from_code: Option<String>,
    now_ms: NowMs,
) -> String {
    let access_token = new_secret(state);
    let lifetime_ms = state.scenario.token_lifetime_secs.saturating_mul(1000);
    state.oauth.tokens.push(IssuedToken {
        access_token: access_token.clone(),
        subject,
        expires_at_ms: now_ms.saturating_add(lifetime_ms),
        from_code,
    });
    keep_newest(&mut state.oauth.tokens);
    access_token
}

fn keep_newest<T>(items: &mut Vec<T>) {
    if items.len() > MAX_KEPT {
        let extra = items.len() - MAX_KEPT;
        items.drain(..extra);
    }
}

fn forget_old(oauth: &mut OAuthState, now_ms: NowMs) {
    oauth
        .codes
        .retain(|c| c.expires_at_ms.saturating_add(CODE_MEMORY_MS) > now_ms);
    oauth
        .tokens
        .retain(|t| t.expires_at_ms.saturating_add(TOKEN_MEMORY_MS) > now_ms);
}

/// `Authorization: Bearer <token>`, scheme in any case.
fn bearer(request: &HttpRequest) -> Option<&str> {
    let value = request.header("authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Checks the request's bearer token. `Err` is the 401 to answer.
pub fn authenticate(
    state: &MockState,
    request: &HttpRequest,
    now_ms: NowMs,
) -> Result<Grant, HttpResponse> {
    let token = bearer(request)
        .ok_or_else(|| reply::unauthorized("an Authorization: Bearer access token is required"))?;
    if state.oauth.developer_token.as_deref() == Some(token) {
        return Ok(developer_grant(developer_account()));
    }
    let issued = state
        .oauth
        .tokens
        .iter()
        .find(|t| t.access_token == token)
        .ok_or_else(|| reply::unauthorized("the access token is not valid"))?;
    if now_ms >= issued.expires_at_ms {
        return Err(reply::unauthorized("the access token expired"));
    }
    let subject = &issued.subject;
    Ok(Grant {
        account_id: subject.account_id.clone(),
        organization_id: subject.organization_id.clone(),
        email: subject.email.clone(),
        license_id: subject.license_id,
        client_id: subject.client_id.clone(),
        scopes: subject.scopes.iter().map(|s| Scope::parse(s)).collect(),
        expires_at_ms: issued.expires_at_ms,
    })
}

/// Routes `/v2/token` and `/v2/info`.
pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    segments: &[&str],
    now_ms: NowMs,
) -> HttpResponse {
    match (segments, request.method) {
        (["v2", "token"], Method::Post) => token_endpoint(state, request, now_ms),
        (["v2", "token"], Method::Delete) => revoke(state, request),
        (["v2", "info"], Method::Get) => info(state, request, now_ms),
        (["v2", "token"] | ["v2", "info"], method) => reply::method_not_allowed(&format!(
            "{method} is not allowed on {}",
            request.url.path()
        )),
        _ => reply::not_found(&format!("no such endpoint: {}", request.url.path())),
    }
}

fn oauth_error(code: &str, description: &str) -> HttpResponse {
    reply::error(400, code, description)
}

/// Token request parameters from a form-encoded or JSON body. Repeated
/// parameters are refused (RFC 6749 3.2).
fn token_params(request: &HttpRequest) -> Result<Vec<(String, String)>, HttpResponse> {
    let body = request.body.as_deref().unwrap_or("").trim();
    let is_json = request
        .header("content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
        || body.starts_with('{');
    let pairs: Vec<(String, String)> = if is_json {
        let value: Value = serde_json::from_str(body)
            .map_err(|_| oauth_error("invalid_request", "the body is not valid JSON"))?;
        let object = value
            .as_object()
            .ok_or_else(|| oauth_error("invalid_request", "the body must be a JSON object"))?;
        object
            .iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect()
    } else {
        form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect()
    };
    for (i, (key, _)) in pairs.iter().enumerate() {
        if pairs.iter().skip(i + 1).any(|(k, _)| k == key) {
            return Err(oauth_error(
                "invalid_request",
                &format!("{key} is repeated"),
            ));
        }
    }
    Ok(pairs)
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Result<&'a str, HttpResponse> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| oauth_error("invalid_request", &format!("{key} is required")))
}

fn token_endpoint(state: &mut MockState, request: &HttpRequest, now_ms: NowMs) -> HttpResponse {
    let pairs = match token_params(request) {
        Ok(pairs) => pairs,
        Err(response) => return response,
    };
    let result = match param(&pairs, "grant_type") {
        Ok("authorization_code") => exchange_code(state, &pairs, now_ms),
        Ok("refresh_token") => refresh(state, &pairs, now_ms),
        Ok(other) => Err(oauth_error(
            "unsupported_grant_type",
            &format!(
                "grant_type {:?} is not supported; use authorization_code or refresh_token",
                other.chars().take(40).collect::<String>()
            ),
        )),
        Err(response) => Err(response),
    };
    result.unwrap_or_else(|response| response)
}

fn verifier_matches(code: &IssuedCode, verifier: &str) -> bool {
    let Ok(verifier) = CodeVerifier::parse(verifier) else {
        return false;
    };
    match code.method {
        ChallengeMethod::S256 => verifier.code_challenge_s256() == code.code_challenge,
        ChallengeMethod::Plain => verifier.as_str() == code.code_challenge,
    }
}

fn exchange_code(
    state: &mut MockState,
    pairs: &[(String, String)],
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let code = param(pairs, "code")?;
    let client_id = param(pairs, "client_id")?;
    let redirect_uri = param(pairs, "redirect_uri")?;
    let verifier = param(pairs, "code_verifier")?;
    let issued = state
        .oauth
        .codes
        .iter_mut()
        .find(|c| c.code == code)
        .ok_or_else(|| oauth_error("invalid_grant", "the authorization code is not valid"))?;
    if issued.used {
        // A replay may mean the code leaked: revoke what it gave.
        let code = issued.code.clone();
        state
            .oauth
            .tokens
            .retain(|t| t.from_code.as_deref() != Some(code.as_str()));
        state
            .oauth
            .refresh_tokens
            .retain(|t| t.from_code.as_deref() != Some(code.as_str()));
        return Err(oauth_error(
            "invalid_grant",
            "the authorization code was already used",
        ));
    }
    // Spent on the first attempt, right or wrong, so a verifier cannot be guessed.
    issued.used = true;
    if now_ms >= issued.expires_at_ms {
        return Err(oauth_error(
            "invalid_grant",
            "the authorization code expired",
        ));
    }
    if issued.subject.client_id != client_id {
        return Err(oauth_error(
            "invalid_grant",
            "the code was issued to another client_id",
        ));
    }
    if issued.redirect_uri != redirect_uri {
        return Err(oauth_error(
            "invalid_grant",
            "redirect_uri does not match the authorize request",
        ));
    }
    if !verifier_matches(issued, verifier) {
        return Err(oauth_error(
            "invalid_grant",
            "code_verifier does not match the code_challenge",
        ));
    }
    let subject = issued.subject.clone();
    let code = issued.code.clone();
    Ok(token_answer(state, subject, Some(code), now_ms))
}

fn refresh(
    state: &mut MockState,
    pairs: &[(String, String)],
    now_ms: NowMs,
) -> Result<HttpResponse, HttpResponse> {
    let refresh_token = param(pairs, "refresh_token")?;
    let client_id = param(pairs, "client_id")?;
    let index = state
        .oauth
        .refresh_tokens
        .iter()
        .position(|t| t.refresh_token == refresh_token)
        .ok_or_else(|| oauth_error("invalid_grant", "the refresh token is not valid"))?;
    if state.oauth.refresh_tokens[index].subject.client_id != client_id {
        return Err(oauth_error(
            "invalid_grant",
            "the refresh token was issued to another client_id",
        ));
    }
    // Rotation: the old refresh token dies with this use.
    let old = state.oauth.refresh_tokens.remove(index);
    Ok(token_answer(state, old.subject, old.from_code, now_ms))
}

fn token_answer(
    state: &mut MockState,
    subject: Subject,
    from_code: Option<String>,
    now_ms: NowMs,
) -> HttpResponse {
    forget_old(&mut state.oauth, now_ms);
    let access_token = issue_token(state, subject.clone(), from_code.clone(), now_ms);
    let refresh_token = new_secret(state);
    state.oauth.refresh_tokens.push(IssuedRefreshToken {
        refresh_token: refresh_token.clone(),
        subject: subject.clone(),
        from_code,
    });
    keep_newest(&mut state.oauth.refresh_tokens);
    reply::json(
        200,
        &json!({
            "access_token": access_token,
            "account_id": subject.account_id,
            "expires_in": state.scenario.token_lifetime_secs,
            "organization_id": subject.organization_id,
            "refresh_token": refresh_token,
            "scope": scope_text(&subject.scopes),
            "token_type": "Bearer",
        }),
    )
}

fn scope_text(scopes: &[String]) -> String {
    let parsed: Vec<Scope> = scopes.iter().map(|s| Scope::parse(s)).collect();
    format_scope_list(&parsed)
}

/// `DELETE /v2/token`: revokes the bearer token (or a `token` parameter)
/// and refresh tokens born with it.
fn revoke(state: &mut MockState, request: &HttpRequest) -> HttpResponse {
    let from_query = request
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v);
    let Some(token) = bearer(request).map(str::to_owned).or(from_query) else {
        return reply::unauthorized("an Authorization: Bearer access token is required");
    };
    let Some(index) = state
        .oauth
        .tokens
        .iter()
        .position(|t| t.access_token == token)
    else {
        state
            .oauth
            .refresh_tokens
            .retain(|t| t.refresh_token != token);
        return reply::json(200, &json!({}));
    };
    let removed = state.oauth.tokens.remove(index);
    if let Some(code) = removed.from_code {
        state
            .oauth
            .refresh_tokens
            .retain(|t| t.from_code.as_deref() != Some(code.as_str()));
    }
    reply::json(200, &json!({}))
}

fn info(state: &MockState, request: &HttpRequest, now_ms: NowMs) -> HttpResponse {
    let grant = match authenticate(state, request, now_ms) {
        Ok(grant) => grant,
        Err(response) => return response,
    };
    let token = bearer(request).unwrap_or_default();
    reply::json(
        200,
        &json!({
            "access_token": token,
            "account_id": grant.account_id,
            "client_id": grant.client_id,
            "expires_in": grant.expires_at_ms.saturating_sub(now_ms) / 1000,
            "organization_id": grant.organization_id,
            "scope": format_scope_list(&grant.scopes),
            "token_type": "Bearer",
        }),
    )
}
