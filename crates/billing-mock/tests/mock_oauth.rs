//! The mock LiveChat accounts server: sign-in redirects, the token endpoint
//! and token info, driven through `MockBackend::handle` with fixed clocks,
//! and read back with the widget's own parsers.

use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::oauth::{
    AuthorizationCode, AuthorizeRequest, Callback, CodeVerifier, OAuthErrorCode,
    OAuthState as WidgetState, Scope, TokenInfo, TokenRequest, TokenResponse,
};
use billing_mock::oauth::{
    authenticate, authorize, demo_accounts, AuthorizeParams, Decision, CODE_LIFETIME_MS,
};
use billing_mock::{MockBackend, Scenario};
use serde_json::Value;
use url::Url;

mod support;
use support::{AGENT, CLIENT, NOW, OWNER};

const REDIRECT: &str = "http://127.0.0.1:8080/";

fn verifier() -> CodeVerifier {
    CodeVerifier::from_random_bytes(&[7; 32])
}

fn widget_state() -> WidgetState {
    WidgetState::from_random_bytes(&[3; 16])
}

/// The authorize URL exactly as the widget builds it, read back as the
/// mock sign-in page reads its own address.
fn code_params() -> AuthorizeParams {
    let url = AuthorizeRequest::code(CLIENT, REDIRECT, &widget_state(), &verifier())
        .endpoint("http://127.0.0.1:8080/mock/sign-in")
        .to_url()
        .expect("valid authorize request");
    AuthorizeParams::from_url(&url).expect("readable authorize params")
}

fn implicit_params() -> AuthorizeParams {
    let url = AuthorizeRequest::implicit(CLIENT, REDIRECT, &widget_state())
        .endpoint("http://127.0.0.1:8080/mock/sign-in")
        .to_url()
        .expect("valid authorize request");
    AuthorizeParams::from_url(&url).expect("readable authorize params")
}

fn allow(account: &str) -> Decision {
    Decision::Allow {
        account_id: account.to_owned(),
    }
}

/// [`support::send`], the request taken by value.
fn send(backend: &mut MockBackend, request: HttpRequest, now: u64) -> HttpResponse {
    support::send(backend, &request, now)
}

fn token_request(body: String) -> HttpRequest {
    let mut request = HttpRequest::new(
        Method::Post,
        Url::parse("https://accounts.livechat.com/v2/token").unwrap(),
    )
    .with_header("Content-Type", TokenRequest::CONTENT_TYPE);
    request.body = Some(body);
    request
}

fn code_exchange(code: &str, verifier: &CodeVerifier) -> HttpRequest {
    token_request(
        TokenRequest::AuthorizationCode {
            code: AuthorizationCode::parse(code).unwrap(),
            client_id: CLIENT.to_owned(),
            redirect_uri: REDIRECT.to_owned(),
            code_verifier: verifier.clone(),
        }
        .to_form_body(),
    )
}

fn info_request(token: &str) -> HttpRequest {
    HttpRequest::new(
        Method::Get,
        Url::parse("https://accounts.livechat.com/v2/info").unwrap(),
    )
    .with_header("Authorization", format!("Bearer {token}"))
}

fn error_code(response: &HttpResponse) -> String {
    let body: Value = serde_json::from_str(&response.body).expect("JSON error body");
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// Signs in with the code flow and returns the redirect's code.
fn code_for(backend: &mut MockBackend, account: &str) -> String {
    let back = authorize(&mut backend.state, &code_params(), allow(account), NOW).unwrap();
    match Callback::from_url(&back).unwrap() {
        Callback::Code { code, .. } => code.as_str().to_owned(),
        other => panic!("expected a code, got {other:?}"),
    }
}

#[test]
fn code_flow_with_pkce_round_trips_authorize_token_and_info() {
    let mut backend = MockBackend::new(1);
    let back = authorize(&mut backend.state, &code_params(), allow(OWNER), NOW).unwrap();
    assert!(back.as_str().starts_with(REDIRECT));
    assert!(back.fragment().is_none(), "codes come back in the query");
    let Callback::Code { code, state } = Callback::from_url(&back).unwrap() else {
        panic!("expected a code in {back}");
    };
    assert_eq!(state.as_deref(), Some(widget_state().as_str()));

    let response = send(
        &mut backend,
        code_exchange(code.as_str(), &verifier()),
        NOW + 1_000,
    );
    assert_eq!(response.status, 200, "{}", response.body);
    let body: Value = serde_json::from_str(&response.body).unwrap();
    for field in [
        "access_token",
        "account_id",
        "expires_in",
        "organization_id",
        "refresh_token",
        "scope",
        "token_type",
    ] {
        assert!(body.get(field).is_some(), "token answer lacks {field}");
    }
    assert_eq!(body["scope"], "billing_manage,ledger_read");
    let token: TokenResponse = serde_json::from_str(&response.body).unwrap();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 28_800);
    assert_eq!(token.account_id.as_deref(), Some(OWNER));
    assert_eq!(token.scope, vec![Scope::BillingManage, Scope::LedgerRead]);
    assert!(token.access_token.expose().starts_with("dal:"));

    let info = send(
        &mut backend,
        info_request(token.access_token.expose()),
        NOW + 61_000,
    );
    assert_eq!(info.status, 200, "{}", info.body);
    let info: TokenInfo = serde_json::from_str(&info.body).unwrap();
    assert_eq!(info.access_token, token.access_token);
    assert_eq!(info.client_id.as_deref(), Some(CLIENT));
    assert_eq!(info.account_id.as_deref(), Some(OWNER));
    assert_eq!(
        info.expires_in,
        28_800 - 60,
        "info reports the remaining lifetime"
    );
    assert_eq!(info.scope, vec![Scope::BillingManage, Scope::LedgerRead]);
}

#[test]
fn implicit_flow_puts_a_percent_encoded_token_in_the_fragment() {
    let mut backend = MockBackend::new(2);
    let back = authorize(&mut backend.state, &implicit_params(), allow(AGENT), NOW).unwrap();
    let fragment = back.fragment().expect("implicit answers use the fragment");
    assert!(fragment.starts_with("access_token=dal%3A"), "{fragment}");
    assert!(fragment.contains("&token_type=Bearer&expires_in=28800&scope=billing_manage&state="));
    assert!(back.query().is_none(), "nothing leaks into the query");

    let Callback::Token { grant, state } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token in {back}");
    };
    assert!(
        grant.access_token.expose().starts_with("dal:"),
        "decoded back to a ':'"
    );
    assert_eq!(grant.expires_in_secs, 28_800);
    assert_eq!(grant.scopes, vec![Scope::BillingManage]);
    assert_eq!(state.as_deref(), Some(widget_state().as_str()));

    let info = send(&mut backend, info_request(grant.access_token.expose()), NOW);
    assert_eq!(
        info.status, 200,
        "the implicit token is usable: {}",
        info.body
    );
}

#[test]
fn state_is_echoed_only_when_sent_and_unknown_parameters_are_ignored() {
    let mut backend = MockBackend::new(3);
    let url = Url::parse(&format!(
        "http://127.0.0.1:8080/mock/sign-in?response_type=token&client_id={CLIENT}\
         &redirect_uri={REDIRECT}&utm_source=sdk&utm_medium=button&flow=button"
    ))
    .unwrap();
    let params = AuthorizeParams::from_url(&url).unwrap();
    assert_eq!(params.state, None);
    let back = authorize(&mut backend.state, &params, allow(OWNER), NOW).unwrap();
    let fragment = back.fragment().unwrap();
    assert!(
        !fragment.contains("state="),
        "no state invented: {fragment}"
    );
    assert!(!fragment.contains("utm_"), "{fragment}");
}

#[test]
fn requested_scopes_narrow_what_the_account_grants() {
    let mut backend = MockBackend::new(4);
    let mut params = implicit_params();
    params.scope = Some("billing_manage".to_owned());
    let back = authorize(&mut backend.state, &params, allow(OWNER), NOW).unwrap();
    let Callback::Token { grant, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token");
    };
    assert_eq!(grant.scopes, vec![Scope::BillingManage]);
}

#[test]
fn deny_redirects_with_access_denied_and_the_state() {
    let mut backend = MockBackend::new(5);
    let back = authorize(&mut backend.state, &code_params(), Decision::Deny, NOW).unwrap();
    let query = back.query().unwrap_or_default();
    assert!(query.starts_with("error=access_denied"), "{query}");
    let Callback::Error(error) = Callback::from_url(&back).unwrap() else {
        panic!("expected an error in {back}");
    };
    assert_eq!(error.code, OAuthErrorCode::parse("access_denied"));
    assert_eq!(error.state.as_deref(), Some(widget_state().as_str()));

    let back = authorize(&mut backend.state, &implicit_params(), Decision::Deny, NOW).unwrap();
    assert!(
        back.fragment()
            .unwrap_or_default()
            .starts_with("error=access_denied"),
        "the implicit flow answers in the fragment (RFC 6749 4.2.2.1)"
    );
    assert!(backend.state.oauth.codes.is_empty());
    assert!(backend.state.oauth.tokens.is_empty());
}

#[test]
fn requests_that_cannot_redirect_are_refused_on_the_page() {
    let mut backend = MockBackend::new(6);
    let mut bad_redirect = code_params();
    bad_redirect.redirect_uri = "javascript:alert(1)".to_owned();
    let error = authorize(&mut backend.state, &bad_redirect, allow(OWNER), NOW).unwrap_err();
    assert_eq!(error.oauth_exception, "invalid_request");

    let mut bad_type = code_params();
    bad_type.response_type = "id_token".to_owned();
    let error = authorize(&mut backend.state, &bad_type, allow(OWNER), NOW).unwrap_err();
    assert_eq!(error.oauth_exception, "unsupported_response_type");

    let mut no_challenge = code_params();
    no_challenge.code_challenge = None;
    assert!(authorize(&mut backend.state, &no_challenge, allow(OWNER), NOW).is_err());

    let mut bad_method = code_params();
    bad_method.code_challenge_method = Some("S512".to_owned());
    assert!(authorize(&mut backend.state, &bad_method, allow(OWNER), NOW).is_err());

    let error = authorize(&mut backend.state, &code_params(), allow("nobody"), NOW).unwrap_err();
    assert_eq!(error.oauth_exception, "unauthorized");
}

#[test]
fn plain_challenge_is_the_default_method() {
    let mut backend = MockBackend::new(7);
    let mut params = code_params();
    params.code_challenge = Some(verifier().as_str().to_owned());
    params.code_challenge_method = None;
    let back = authorize(&mut backend.state, &params, allow(OWNER), NOW).unwrap();
    let Callback::Code { code, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a code");
    };
    let response = send(&mut backend, code_exchange(code.as_str(), &verifier()), NOW);
    assert_eq!(response.status, 200, "{}", response.body);
}

#[test]
fn token_endpoint_accepts_a_json_body() {
    let mut backend = MockBackend::new(8);
    let code = code_for(&mut backend, OWNER);
    let body = serde_json::json!({
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier().as_str(),
    });
    let request = HttpRequest::new(
        Method::Post,
        Url::parse("https://accounts.livechat.com/v2/token").unwrap(),
    )
    .with_json_body(body.to_string());
    let response = send(&mut backend, request, NOW);
    assert_eq!(response.status, 200, "{}", response.body);
}

#[test]
fn a_code_is_single_use_and_a_replay_revokes_its_tokens() {
    let mut backend = MockBackend::new(9);
    let code = code_for(&mut backend, OWNER);
    let first = send(&mut backend, code_exchange(&code, &verifier()), NOW);
    assert_eq!(first.status, 200);
    let token: TokenResponse = serde_json::from_str(&first.body).unwrap();

    let replay = send(&mut backend, code_exchange(&code, &verifier()), NOW + 1);
    assert_eq!(replay.status, 400);
    assert_eq!(error_code(&replay), "invalid_grant");
    let info = send(
        &mut backend,
        info_request(token.access_token.expose()),
        NOW + 2,
    );
    assert_eq!(info.status, 401, "tokens from a replayed code are revoked");
}

#[test]
fn a_wrong_verifier_gets_invalid_grant_and_spends_the_code() {
    let mut backend = MockBackend::new(10);
    let code = code_for(&mut backend, OWNER);
    let other = CodeVerifier::from_random_bytes(&[9; 32]);
    let wrong = send(&mut backend, code_exchange(&code, &other), NOW);
    assert_eq!(wrong.status, 400);
    assert_eq!(error_code(&wrong), "invalid_grant");
    let retry = send(&mut backend, code_exchange(&code, &verifier()), NOW);
    assert_eq!(error_code(&retry), "invalid_grant");
}

#[test]
fn a_code_expires_after_its_lifetime() {
    let mut backend = MockBackend::new(11);
    let code = code_for(&mut backend, OWNER);
    let late = send(
        &mut backend,
        code_exchange(&code, &verifier()),
        NOW + CODE_LIFETIME_MS,
    );
    assert_eq!(late.status, 400);
    assert_eq!(error_code(&late), "invalid_grant");
}

#[test]
fn a_mismatched_redirect_uri_or_client_is_invalid_grant() {
    let mut backend = MockBackend::new(12);
    let code = code_for(&mut backend, OWNER);
    let body = format!(
        "grant_type=authorization_code&code={}&client_id={CLIENT}&redirect_uri=http%3A%2F%2Fevil.example%2F&code_verifier={}",
        urlencode(&code),
        verifier().as_str()
    );
    let response = send(&mut backend, token_request(body), NOW);
    assert_eq!(error_code(&response), "invalid_grant");
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[test]
fn malformed_token_requests_get_oauth_errors() {
    let mut backend = MockBackend::new(13);
    let missing = send(
        &mut backend,
        token_request("grant_type=authorization_code".into()),
        NOW,
    );
    assert_eq!(
        (missing.status, error_code(&missing)),
        (400, "invalid_request".into())
    );
    let unknown = send(
        &mut backend,
        token_request("grant_type=password".into()),
        NOW,
    );
    assert_eq!(error_code(&unknown), "unsupported_grant_type");
    let repeated = send(
        &mut backend,
        token_request("grant_type=refresh_token&grant_type=refresh_token".into()),
        NOW,
    );
    assert_eq!(error_code(&repeated), "invalid_request");
    let garbage = send(&mut backend, token_request("{not json".into()), NOW);
    assert_eq!(garbage.status, 400);
    let get = send(
        &mut backend,
        HttpRequest::new(
            Method::Get,
            Url::parse("https://accounts.livechat.com/v2/token").unwrap(),
        ),
        NOW,
    );
    assert_eq!(get.status, 405);
}

#[test]
fn refresh_tokens_rotate() {
    let mut backend = MockBackend::new(14);
    let code = code_for(&mut backend, OWNER);
    let first: TokenResponse =
        serde_json::from_str(&send(&mut backend, code_exchange(&code, &verifier()), NOW).body)
            .unwrap();
    let refresh = first.refresh_token.clone().expect("a refresh token");
    let request = |token: &str| {
        token_request(
            TokenRequest::RefreshToken {
                refresh_token: token.into(),
                client_id: CLIENT.to_owned(),
            }
            .to_form_body(),
        )
    };
    let later = NOW + 30_000_000;
    let second = send(&mut backend, request(refresh.expose()), later);
    assert_eq!(second.status, 200, "{}", second.body);
    let second: TokenResponse = serde_json::from_str(&second.body).unwrap();
    assert_ne!(second.access_token, first.access_token);
    let rotated = second.refresh_token.clone().unwrap();
    assert_ne!(rotated, refresh);

    let reused = send(&mut backend, request(refresh.expose()), later + 1);
    assert_eq!(
        error_code(&reused),
        "invalid_grant",
        "the old refresh token is dead"
    );
    assert_eq!(
        send(&mut backend, request(rotated.expose()), later + 2).status,
        200
    );
    assert_eq!(
        send(
            &mut backend,
            info_request(second.access_token.expose()),
            later + 3
        )
        .status,
        200
    );
}

#[test]
fn info_refuses_missing_unknown_and_expired_tokens() {
    let mut backend = MockBackend::new(15);
    backend.state.scenario = Scenario {
        token_lifetime_secs: 60,
        ..Scenario::default()
    };
    let back = authorize(&mut backend.state, &implicit_params(), allow(OWNER), NOW).unwrap();
    let Callback::Token { grant, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token");
    };
    assert_eq!(grant.expires_in_secs, 60, "lifetime follows the scenario");
    assert_eq!(
        send(
            &mut backend,
            info_request(grant.access_token.expose()),
            NOW + 59_999
        )
        .status,
        200
    );
    let expired = send(
        &mut backend,
        info_request(grant.access_token.expose()),
        NOW + 60_000,
    );
    assert_eq!(expired.status, 401);
    assert_eq!(expired.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        send(&mut backend, info_request("dal:nope"), NOW).status,
        401
    );
    let anonymous = HttpRequest::new(
        Method::Get,
        Url::parse("https://accounts.livechat.com/v2/info").unwrap(),
    );
    assert_eq!(send(&mut backend, anonymous, NOW).status, 401);
}

#[test]
fn authenticate_knows_the_account_and_scopes() {
    let mut backend = MockBackend::new(16);
    let back = authorize(&mut backend.state, &implicit_params(), allow(AGENT), NOW).unwrap();
    let Callback::Token { grant, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token");
    };
    let granted = authenticate(
        &backend.state,
        &info_request(grant.access_token.expose()),
        NOW,
    )
    .unwrap();
    assert_eq!(granted.account_id, AGENT);
    assert_eq!(granted.client_id, CLIENT);
    assert!(granted.has_scope(&Scope::BillingManage));
    let refusal = granted.require(&Scope::LedgerRead).unwrap_err();
    assert_eq!(refusal.status, 403);
    assert!(refusal.body.contains("ledger_read"));
}

#[test]
fn revoking_a_token_ends_it() {
    let mut backend = MockBackend::new(17);
    let back = authorize(&mut backend.state, &implicit_params(), allow(OWNER), NOW).unwrap();
    let Callback::Token { grant, .. } = Callback::from_url(&back).unwrap() else {
        panic!("expected a token");
    };
    let revoke = HttpRequest::new(
        Method::Delete,
        Url::parse("https://accounts.livechat.com/v2/token").unwrap(),
    )
    .with_header(
        "Authorization",
        format!("Bearer {}", grant.access_token.expose()),
    );
    assert_eq!(send(&mut backend, revoke, NOW).status, 200);
    assert_eq!(
        send(&mut backend, info_request(grant.access_token.expose()), NOW).status,
        401
    );
}

#[test]
fn demo_accounts_cover_each_scope_situation() {
    let accounts = demo_accounts();
    assert!(accounts.len() >= 3);
    assert!(accounts
        .iter()
        .any(|a| a.scopes.contains(&"billing_manage") && a.scopes.contains(&"ledger_read")));
    assert!(accounts.iter().any(|a| a.scopes == ["billing_manage"]));
    assert!(accounts.iter().any(|a| a.scopes.contains(&"billing_admin")));
}

#[test]
fn oauth_state_survives_a_json_round_trip() {
    let mut backend = MockBackend::new(18);
    let code = code_for(&mut backend, OWNER);
    let mut restored = MockBackend::from_json(&backend.to_json()).unwrap();
    assert_eq!(restored, backend);
    let response = send(&mut restored, code_exchange(&code, &verifier()), NOW);
    assert_eq!(
        response.status, 200,
        "a reload between redirect and exchange still works"
    );
}

#[test]
fn the_sign_in_page_can_refuse_a_malformed_request_before_any_choice() {
    use billing_mock::oauth::{validate_request, AuthorizeParams};
    let good = AuthorizeParams {
        response_type: "token".into(),
        client_id: "demo".into(),
        redirect_uri: "http://127.0.0.1:8080/auth/callback".into(),
        ..AuthorizeParams::default()
    };
    assert!(validate_request(&good).is_ok());
    let no_client = AuthorizeParams {
        client_id: String::new(),
        ..good.clone()
    };
    assert_eq!(
        validate_request(&no_client).map_err(|e| e.oauth_exception),
        Err("invalid_request")
    );
    let code_without_challenge = AuthorizeParams {
        response_type: "code".into(),
        ..good
    };
    assert!(validate_request(&code_without_challenge).is_err());
}
