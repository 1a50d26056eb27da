//! Sign in with LiveChat: PKCE, state, authorize URLs, every redirect answer
//! shape, error messages, URL cleaning, token types, the pending record and
//! the loop guard.

mod support;

use billing_core::domain::oauth::*;
use billing_core::domain::secret::Secret;
use proptest::prelude::*;
use support::url;

/// RFC 7636 Appendix B: the 32 random octets behind the example verifier.
const RFC7636_OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const RFC7636_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC7636_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const CLIENT_ID: &str = "abc123";
const REDIRECT: &str = "https://widget.example.com/";
/// `OAuthState::from_random_bytes(&[0; 16])`.
const ZERO_STATE: &str = "AAAAAAAAAAAAAAAAAAAAAA";

fn zero_state() -> OAuthState {
    OAuthState::from_random_bytes(&[0; 16])
}

fn callback(href: &str) -> Result<Callback, CallbackError> {
    Callback::parse(href)
}

fn provider_error(href: &str) -> OAuthError {
    match callback(href) {
        Ok(Callback::Error(error)) => error,
        other => panic!("expected an error callback, got {other:?}"),
    }
}

// --- PKCE -----------------------------------------------------------------

#[test]
fn rfc7636_appendix_b_verifier_gives_the_published_s256_challenge() {
    let verifier = CodeVerifier::parse(RFC7636_VERIFIER).unwrap();
    assert_eq!(verifier.code_challenge_s256(), RFC7636_CHALLENGE);
}

#[test]
fn rfc7636_appendix_b_random_octets_encode_to_the_published_verifier() {
    let verifier = CodeVerifier::from_random_bytes(&RFC7636_OCTETS);
    assert_eq!(verifier.as_str(), RFC7636_VERIFIER);
    assert_eq!(verifier.as_str().len(), 43);
}

#[test]
fn verifier_length_must_be_between_43_and_128() {
    assert_eq!(
        CodeVerifier::parse(&"a".repeat(42)),
        Err(CodeVerifierError::TooShort { len: 42 })
    );
    assert!(CodeVerifier::parse(&"a".repeat(43)).is_ok());
    assert!(CodeVerifier::parse(&"a".repeat(128)).is_ok());
    assert_eq!(
        CodeVerifier::parse(&"a".repeat(129)),
        Err(CodeVerifierError::TooLong { len: 129 })
    );
}

#[test]
fn verifier_accepts_only_the_unreserved_alphabet() {
    let all_allowed = format!("{}-._~", "Az09".repeat(10));
    assert!(CodeVerifier::parse(&all_allowed).is_ok());
    for bad in ['+', '/', '=', ' ', '%', 'é'] {
        let value = format!("{}{bad}", "a".repeat(43));
        assert_eq!(
            CodeVerifier::parse(&value),
            Err(CodeVerifierError::InvalidCharacter { position: 43 }),
            "{bad:?} must be refused"
        );
    }
}

#[test]
fn verifier_is_hidden_from_debug_output() {
    let verifier = CodeVerifier::parse(RFC7636_VERIFIER).unwrap();
    assert!(!format!("{verifier:?}").contains(RFC7636_VERIFIER));
}

#[test]
fn verifier_serializes_as_a_string_and_is_validated_when_read_back() {
    let verifier = CodeVerifier::parse(RFC7636_VERIFIER).unwrap();
    let json = serde_json::to_string(&verifier).unwrap();
    assert_eq!(json, format!("\"{RFC7636_VERIFIER}\""));
    assert_eq!(
        serde_json::from_str::<CodeVerifier>(&json).unwrap(),
        verifier
    );
    assert!(serde_json::from_str::<CodeVerifier>("\"too-short\"").is_err());
}

// --- State ----------------------------------------------------------------

#[test]
fn state_is_16_random_bytes_as_22_base64url_characters() {
    assert_eq!(zero_state().as_str(), ZERO_STATE);
    let state = OAuthState::from_random_bytes(&[0xff; 16]);
    assert_eq!(state.as_str(), "_____________________w");
    assert_eq!(OAuthState::parse(state.as_str()), Ok(state));
}

#[test]
fn state_of_any_other_shape_is_refused() {
    for bad in [
        "",
        "AAAAAAAAAAAAAAAAAAAAA",   // 21 characters
        "AAAAAAAAAAAAAAAAAAAAAAA", // 23 characters
        "AAAAAAAAAAAAAAAAAAAAA+",  // standard base64, not base64url
        "AAAAAAAAAAAAAAAAAAAAAB",  // non-canonical: stray low bits
        "AAAAAAAAAAAAAAAAAAAA==",
    ] {
        assert_eq!(
            OAuthState::parse(bad),
            Err(OAuthStateError::Malformed),
            "{bad:?}"
        );
    }
}

#[test]
fn state_matches_only_the_exact_value() {
    let state = zero_state();
    assert!(state.matches(ZERO_STATE));
    assert!(!state.matches("AAAAAAAAAAAAAAAAAAAAAQ"));
    assert!(!state.matches("AAAA"));
    assert!(!state.matches(""));
}

#[test]
fn verify_state_accepts_the_pending_value() {
    assert_eq!(verify_state(Some(&zero_state()), Some(ZERO_STATE)), Ok(()));
}

#[test]
fn verify_state_reports_missing_mismatched_and_unexpected_answers() {
    let state = zero_state();
    assert_eq!(verify_state(Some(&state), None), Err(StateError::Missing));
    assert_eq!(
        verify_state(Some(&state), Some("forged")),
        Err(StateError::Mismatch)
    );
    assert_eq!(
        verify_state(None, Some(ZERO_STATE)),
        Err(StateError::NothingPending)
    );
    assert_eq!(verify_state(None, None), Err(StateError::NothingPending));
}

// --- Authorize URL --------------------------------------------------------

#[test]
fn code_flow_authorize_url_carries_the_s256_challenge() {
    let verifier = CodeVerifier::parse(RFC7636_VERIFIER).unwrap();
    let url = AuthorizeRequest::code(CLIENT_ID, REDIRECT, &zero_state(), &verifier)
        .to_url()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://accounts.livechat.com/?response_type=code\
         &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256&client_id=abc123\
         &redirect_uri=https%3A%2F%2Fwidget.example.com%2F&state=AAAAAAAAAAAAAAAAAAAAAA"
    );
}

#[test]
fn implicit_flow_authorize_url_asks_for_a_token() {
    let url = AuthorizeRequest::implicit(CLIENT_ID, REDIRECT, &zero_state())
        .to_url()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://accounts.livechat.com/?response_type=token&client_id=abc123\
         &redirect_uri=https%3A%2F%2Fwidget.example.com%2F&state=AAAAAAAAAAAAAAAAAAAAAA"
    );
}

#[test]
fn authorize_url_uses_a_configured_endpoint_and_optional_scopes() {
    let url = AuthorizeRequest::implicit(
        "id with&space",
        "http://localhost:8080/callback",
        &zero_state(),
    )
    .endpoint("http://localhost:8080/mock/accounts/")
    .scopes(&[Scope::BillingManage, Scope::LedgerRead])
    .to_url()
    .unwrap();
    assert_eq!(
        url.as_str(),
        "http://localhost:8080/mock/accounts/?response_type=token&client_id=id+with%26space\
         &redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback&state=AAAAAAAAAAAAAAAAAAAAAA\
         &scope=billing_manage%2Cledger_read"
    );
}

#[test]
fn authorize_url_refuses_bad_configuration() {
    let state = zero_state();
    assert_eq!(
        AuthorizeRequest::implicit("  ", REDIRECT, &state).to_url(),
        Err(AuthorizeError::MissingClientId)
    );
    for endpoint in [
        "javascript:alert(1)",
        "ftp://accounts.example.com/",
        "not a url",
    ] {
        assert_eq!(
            AuthorizeRequest::implicit(CLIENT_ID, REDIRECT, &state)
                .endpoint(endpoint)
                .to_url(),
            Err(AuthorizeError::InvalidEndpoint(endpoint.to_owned()))
        );
    }
    for redirect in [
        "/relative",
        "https://widget.example.com/#frag",
        "data:text/html,x",
    ] {
        assert_eq!(
            AuthorizeRequest::implicit(CLIENT_ID, redirect, &state).to_url(),
            Err(AuthorizeError::InvalidRedirectUri(redirect.to_owned()))
        );
    }
}

// --- Callback: answers ----------------------------------------------------

#[test]
fn implicit_answer_in_the_fragment_is_decoded_including_the_colon_in_dal_tokens() {
    let href = "https://widget.example.com/#access_token=dal%3Atest_Abc-123_xyz&token_type=Bearer\
                &expires_in=28800&scope=billing_manage%2Cledger_read&state=AAAAAAAAAAAAAAAAAAAAAA";
    let Ok(Callback::Token { grant, state }) = callback(href) else {
        panic!("expected a token answer");
    };
    assert_eq!(grant.access_token, "dal:test_Abc-123_xyz");
    assert_eq!(grant.expires_in_secs, 28_800);
    assert_eq!(grant.scopes, vec![Scope::BillingManage, Scope::LedgerRead]);
    assert_eq!(state.as_deref(), Some(ZERO_STATE));
}

#[test]
fn implicit_answer_accepts_unencoded_commas_lowercase_bearer_and_default_lifetime() {
    let href = "https://widget.example.com/#access_token=dal:tok&token_type=bearer&scope=billing_manage,x--my:ro";
    let Ok(Callback::Token { grant, state }) = callback(href) else {
        panic!("expected a token answer");
    };
    assert_eq!(grant.access_token, "dal:tok");
    assert_eq!(grant.expires_in_secs, DEFAULT_TOKEN_LIFETIME_SECS);
    assert_eq!(
        grant.scopes,
        vec![Scope::BillingManage, Scope::Other("x--my:ro".into())]
    );
    assert_eq!(state, None);
}

#[test]
fn code_answer_in_the_query_is_decoded() {
    let href = "https://widget.example.com/?code=dal%3Atest_7W91a&state=AAAAAAAAAAAAAAAAAAAAAA";
    let Ok(Callback::Code { code, state }) = callback(href) else {
        panic!("expected a code answer");
    };
    assert_eq!(code.as_str(), "dal:test_7W91a");
    assert_eq!(state.as_deref(), Some(ZERO_STATE));
}

#[test]
fn grants_and_codes_are_hidden_from_debug_output() {
    let token = callback("https://w.example.com/#access_token=dal%3Asecret1").unwrap();
    let code = callback("https://w.example.com/?code=secret2").unwrap();
    assert!(!format!("{token:?}").contains("secret1"));
    assert!(!format!("{code:?}").contains("secret2"));
}

#[test]
fn urls_without_oauth_parameters_are_not_callbacks() {
    for href in [
        "https://widget.example.com/",
        "https://widget.example.com/?id=ch_1&type=direct_charge",
        "https://widget.example.com/plans#/settings",
        "https://widget.example.com/?plugin_id=p1&theme=dark#section",
    ] {
        assert_eq!(callback(href), Ok(Callback::None), "{href}");
    }
}

// --- Callback: errors from the server ---------------------------------------

#[test]
fn query_error_carries_code_description_and_state() {
    let error = provider_error(
        "https://widget.example.com/?error=access_denied&error_description=The+user+denied+access&state=S1",
    );
    assert_eq!(error.code, OAuthErrorCode::AccessDenied);
    assert_eq!(error.description.as_deref(), Some("The user denied access"));
    assert_eq!(error.state.as_deref(), Some("S1"));
    assert_eq!(
        error.to_string(),
        "You declined access. Sign in again to continue."
    );
}

#[test]
fn fragment_error_of_the_implicit_flow_is_read() {
    let error =
        provider_error("https://widget.example.com/#error=temporarily_unavailable&state=S1");
    assert_eq!(error.code, OAuthErrorCode::TemporarilyUnavailable);
    assert_eq!(error.state.as_deref(), Some("S1"));
}

#[test]
fn oauth_exception_page_is_read() {
    let error = provider_error("https://accounts.livechat.com/ooops?oauth_exception=invalid_scope");
    assert_eq!(error.code, OAuthErrorCode::InvalidScope);
    assert_eq!(error.next_step(), NextStep::CheckAppSettings);
}

#[test]
fn exception_details_naming_too_many_redirects_is_the_reported_code() {
    let error = provider_error(
        "https://widget.example.com/?oauth_exception=invalid_request&exception_details=too_many_redirects",
    );
    assert_eq!(error.code, OAuthErrorCode::TooManyRedirects);
    assert_eq!(error.details.as_deref(), Some("too_many_redirects"));
    assert_eq!(error.next_step(), NextStep::WaitAndRetry);
    assert!(error.to_string().contains("Wait 30 seconds"));
}

#[test]
fn free_text_exception_details_keep_the_primary_code() {
    let error = provider_error(
        "https://w.example.com/?oauth_exception=invalid_request&exception_details=bad+uri",
    );
    assert_eq!(error.code, OAuthErrorCode::InvalidRequest);
    assert_eq!(error.details.as_deref(), Some("bad uri"));
}

#[test]
fn identity_exception_is_read() {
    let error = provider_error("https://widget.example.com/?identity_exception=unauthorized");
    assert_eq!(error.code, OAuthErrorCode::Unauthorized);
    assert_eq!(error.next_step(), NextStep::SignInAgain);
}

#[test]
fn an_error_wins_over_a_token_in_the_same_url() {
    let error = provider_error("https://w.example.com/?error=server_error#access_token=dal%3Ax");
    assert_eq!(error.code, OAuthErrorCode::ServerError);
}

#[test]
fn unknown_error_codes_are_kept_and_named_in_the_message() {
    let error = provider_error("https://w.example.com/?error=weird_new_thing");
    assert_eq!(error.code, OAuthErrorCode::Other("weird_new_thing".into()));
    assert!(error.to_string().contains("weird_new_thing"));
    assert_eq!(error.next_step(), NextStep::SignInAgain);
}

#[test]
fn every_known_error_code_has_a_message_with_a_way_forward() {
    let cases = [
        (
            "access_denied",
            OAuthErrorCode::AccessDenied,
            NextStep::SignInAgain,
        ),
        (
            "invalid_scope",
            OAuthErrorCode::InvalidScope,
            NextStep::CheckAppSettings,
        ),
        (
            "invalid_request",
            OAuthErrorCode::InvalidRequest,
            NextStep::SignInAgain,
        ),
        (
            "unauthorized_client",
            OAuthErrorCode::UnauthorizedClient,
            NextStep::CheckAppSettings,
        ),
        (
            "invalid_grant",
            OAuthErrorCode::InvalidGrant,
            NextStep::SignInAgain,
        ),
        (
            "too_many_redirects",
            OAuthErrorCode::TooManyRedirects,
            NextStep::WaitAndRetry,
        ),
        (
            "unauthorized",
            OAuthErrorCode::Unauthorized,
            NextStep::SignInAgain,
        ),
        (
            "server_error",
            OAuthErrorCode::ServerError,
            NextStep::WaitAndRetry,
        ),
        (
            "temporarily_unavailable",
            OAuthErrorCode::TemporarilyUnavailable,
            NextStep::WaitAndRetry,
        ),
    ];
    for (raw, code, step) in cases {
        assert_eq!(OAuthErrorCode::parse(raw), code);
        assert_eq!(code.as_str(), raw);
        assert_eq!(code.next_step(), step, "{raw}");
        let message = OAuthError::new(raw, None).to_string();
        let offers_a_way = [
            "Sign in again",
            "sign in again",
            "Try again",
            "Check",
            "Wait",
        ]
        .iter()
        .any(|hint| message.contains(hint));
        assert!(offers_a_way, "{raw}: {message}");
        assert!(!message.contains(raw), "{raw}: the message speaks plainly");
    }
}

// --- Callback: broken answers ---------------------------------------------

#[test]
fn broken_answers_give_specific_errors() {
    let cases: [(&str, CallbackError); 11] = [
        (
            "https://w.example.com/#token_type=Bearer&state=S",
            CallbackError::MissingAccessToken,
        ),
        (
            "https://w.example.com/#access_token=&state=S",
            CallbackError::InvalidAccessToken,
        ),
        (
            "https://w.example.com/#access_token=dal+x",
            CallbackError::InvalidAccessToken,
        ),
        (
            "https://w.example.com/#access_token=t&token_type=mac",
            CallbackError::UnsupportedTokenType("mac".into()),
        ),
        (
            "https://w.example.com/#access_token=t&expires_in=soon",
            CallbackError::InvalidExpiresIn("soon".into()),
        ),
        (
            "https://w.example.com/#access_token=t&expires_in=0",
            CallbackError::InvalidExpiresIn("0".into()),
        ),
        (
            "https://w.example.com/#access_token=t&expires_in=-5",
            CallbackError::InvalidExpiresIn("-5".into()),
        ),
        ("https://w.example.com/?state=S", CallbackError::MissingCode),
        (
            "https://w.example.com/?code=&state=S",
            CallbackError::InvalidCode,
        ),
        (
            "https://w.example.com/?code=c#access_token=t",
            CallbackError::Ambiguous,
        ),
        (
            "https://w.example.com/?code=c&state=A&state=B",
            CallbackError::DuplicateParameter("state".into()),
        ),
    ];
    for (href, expected) in cases {
        assert_eq!(callback(href), Err(expected), "{href}");
    }
    assert_eq!(callback("not a url"), Err(CallbackError::InvalidUrl));
}

#[test]
fn broken_answer_messages_tell_the_user_to_sign_in_again() {
    assert_eq!(
        CallbackError::MissingAccessToken.to_string(),
        "The sign-in answer carries no access token. Sign in again."
    );
}

// --- Clean URL --------------------------------------------------------------

#[test]
fn clean_url_drops_the_token_fragment_and_keeps_the_charge_return_query() {
    let dirty = url(
        "https://w.example.com/return?id=ch_1&type=direct_charge#access_token=dal%3Ax\
                     &token_type=Bearer&expires_in=28800&scope=billing_manage&state=S",
    );
    assert_eq!(
        clean_callback_url(&dirty).as_str(),
        "https://w.example.com/return?id=ch_1&type=direct_charge"
    );
}

#[test]
fn clean_url_drops_code_and_state_from_the_query() {
    let dirty = url("https://w.example.com/?code=dal%3Ac&id=ch_1&state=S");
    assert_eq!(
        clean_callback_url(&dirty).as_str(),
        "https://w.example.com/?id=ch_1"
    );
}

#[test]
fn clean_url_drops_every_error_parameter_from_query_and_fragment() {
    let dirty = url(
        "https://w.example.com/?oauth_exception=access_denied&exception_details=too_many_redirects\
                     &theme=dark&identity_exception=unauthorized&error=e&error_description=d\
                     #tab=plans&error=access_denied&state=S",
    );
    assert_eq!(
        clean_callback_url(&dirty).as_str(),
        "https://w.example.com/?theme=dark#tab=plans"
    );
}

#[test]
fn clean_url_keeps_other_parameters_byte_for_byte() {
    let dirty =
        url("https://w.example.com/?q=a%20b+c&state=x&plugin_id=p%2F1#%2Froute&access_token=t");
    assert_eq!(
        clean_callback_url(&dirty).as_str(),
        "https://w.example.com/?q=a%20b+c&plugin_id=p%2F1#%2Froute"
    );
}

#[test]
fn clean_url_leaves_urls_without_oauth_parameters_alone() {
    for href in [
        "https://w.example.com/",
        "https://w.example.com/plans?page=2#/settings",
        "https://w.example.com/?id=ch_1&type=recurrent_charge",
    ] {
        assert_eq!(clean_callback_url(&url(href)).as_str(), href);
    }
}

// --- Token endpoint ---------------------------------------------------------

fn exchange_request() -> TokenRequest {
    TokenRequest::AuthorizationCode {
        code: AuthorizationCode::parse("dal:test_code").unwrap(),
        client_id: CLIENT_ID.into(),
        redirect_uri: REDIRECT.into(),
        code_verifier: CodeVerifier::parse(RFC7636_VERIFIER).unwrap(),
    }
}

#[test]
fn code_exchange_body_is_form_encoded_without_a_secret() {
    let request = exchange_request();
    assert_eq!(
        request.to_form_body(),
        "grant_type=authorization_code&code=dal%3Atest_code&client_id=abc123\
         &redirect_uri=https%3A%2F%2Fwidget.example.com%2F\
         &code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    );
    let keys: Vec<_> = request.form_pairs().into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        [
            "grant_type",
            "code",
            "client_id",
            "redirect_uri",
            "code_verifier"
        ]
    );
    assert_eq!(
        TokenRequest::CONTENT_TYPE,
        "application/x-www-form-urlencoded"
    );
}

#[test]
fn refresh_body_sends_the_rotating_refresh_token() {
    let request = TokenRequest::RefreshToken {
        refresh_token: "dal:refresh".into(),
        client_id: CLIENT_ID.into(),
    };
    assert_eq!(
        request.to_form_body(),
        "grant_type=refresh_token&refresh_token=dal%3Arefresh&client_id=abc123"
    );
    assert!(!format!("{request:?}").contains("dal:refresh"));
}

#[test]
fn token_request_debug_hides_code_and_verifier() {
    let debug = format!("{:?}", exchange_request());
    assert!(!debug.contains("dal:test_code"));
    assert!(!debug.contains(RFC7636_VERIFIER));
    assert!(debug.contains(CLIENT_ID));
}

const TOKEN_RESPONSE: &str = r#"{
    "access_token": "dal:test_at",
    "account_id": "bbf01a2c-1234",
    "expires_in": 28800,
    "organization_id": "390e44e6-f1e6",
    "refresh_token": "dal:test_rt",
    "scope": "billing_manage,billing_admin,ledger_read,agents--my:ro",
    "token_type": "Bearer"
}"#;

#[test]
fn token_response_splits_comma_separated_scopes() {
    let response: TokenResponse = serde_json::from_str(TOKEN_RESPONSE).unwrap();
    assert_eq!(response.access_token, "dal:test_at");
    assert_eq!(response.account_id.as_deref(), Some("bbf01a2c-1234"));
    assert_eq!(response.organization_id.as_deref(), Some("390e44e6-f1e6"));
    assert_eq!(
        response.refresh_token.as_ref().map(Secret::expose),
        Some("dal:test_rt")
    );
    assert_eq!(response.expires_in, 28_800);
    assert_eq!(response.token_type, "Bearer");
    assert_eq!(
        response.scope,
        vec![
            Scope::BillingManage,
            Scope::BillingAdmin,
            Scope::LedgerRead,
            Scope::Other("agents--my:ro".into())
        ]
    );
}

#[test]
fn token_response_debug_hides_both_tokens() {
    let response: TokenResponse = serde_json::from_str(TOKEN_RESPONSE).unwrap();
    let debug = format!("{response:?}");
    assert!(!debug.contains("dal:test_at"));
    assert!(!debug.contains("dal:test_rt"));
    assert!(debug.contains("bbf01a2c-1234"));
}

#[test]
fn token_response_without_optional_fields_still_reads() {
    let response: TokenResponse =
        serde_json::from_str(r#"{"access_token":"t","expires_in":60,"token_type":"Bearer"}"#)
            .unwrap();
    assert_eq!(response.scope, vec![]);
    assert_eq!(response.refresh_token, None);
    assert!(
        serde_json::from_str::<TokenResponse>(r#"{"access_token":"t","token_type":"Bearer"}"#)
            .is_err()
    );
}

#[test]
fn token_info_reads_the_v2_info_answer() {
    let info: TokenInfo = serde_json::from_str(
        r#"{"access_token":"dal:x","account_id":"a1","client_id":"abc123","expires_in":27000,
            "organization_id":"o1","scope":"billing_manage","token_type":"Bearer"}"#,
    )
    .unwrap();
    assert_eq!(info.client_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(info.expires_in, 27_000);
    assert_eq!(info.scope, vec![Scope::BillingManage]);
    assert!(!format!("{info:?}").contains("dal:x"));
}

#[test]
fn scope_lists_round_trip_and_tolerate_spaces() {
    assert_eq!(
        parse_scope_list(" billing_manage, ledger_read billing_admin,,"),
        vec![Scope::BillingManage, Scope::LedgerRead, Scope::BillingAdmin]
    );
    assert_eq!(
        format_scope_list(&[Scope::LedgerRead, Scope::Other("x".into())]),
        "ledger_read,x"
    );
}

// --- Access token -----------------------------------------------------------

const NOW: u64 = 1_700_000_000_000;

#[test]
fn access_token_expiry_comes_from_expires_in_and_now() {
    let token = AccessToken::new("dal:t", 28_800, NOW, vec![Scope::BillingManage]);
    assert_eq!(token.expires_at_ms(), NOW + 28_800_000);
    assert_eq!(token.authorization_header(), "Bearer dal:t");
    assert_eq!(token.secret(), "dal:t");
    assert!(token.has_scope(&Scope::BillingManage));
    assert!(!token.has_scope(&Scope::LedgerRead));
}

#[test]
fn access_token_counts_as_expired_a_minute_early() {
    let token = AccessToken::new("dal:t", 28_800, NOW, vec![]);
    let end = NOW + 28_800_000;
    assert!(!token.is_expired(NOW));
    assert!(!token.is_expired(end - AccessToken::EXPIRY_MARGIN_MS - 1));
    assert!(token.is_expired(end - AccessToken::EXPIRY_MARGIN_MS));
    assert!(token.is_expired(end + 1));
    assert_eq!(token.remaining_ms(NOW), 28_800_000 - 60_000);
    assert_eq!(token.remaining_ms(end), 0);
}

#[test]
fn short_lived_tokens_keep_half_their_lifetime_usable() {
    let token = AccessToken::new("t", 60, NOW, vec![]);
    assert!(!token.is_expired(NOW + 29_999));
    assert!(token.is_expired(NOW + 30_000));
}

#[test]
fn absurd_lifetimes_saturate_instead_of_overflowing() {
    let token = AccessToken::new("t", u64::MAX, NOW, vec![]);
    assert_eq!(token.expires_at_ms(), u64::MAX);
    assert!(!token.is_expired(NOW));
}

#[test]
fn access_token_debug_never_prints_the_token() {
    let token = AccessToken::new("dal:very-secret", 100, NOW, vec![]);
    assert!(!format!("{token:?}").contains("very-secret"));
}

#[test]
fn grants_and_token_responses_become_access_tokens_at_now() {
    let Ok(Callback::Token { grant, .. }) =
        callback("https://w.example.com/#access_token=dal%3Ag&expires_in=100")
    else {
        panic!("expected a token answer");
    };
    assert_eq!(grant.into_access_token(NOW).expires_at_ms(), NOW + 100_000);
    let response: TokenResponse = serde_json::from_str(TOKEN_RESPONSE).unwrap();
    let token = response.into_access_token(NOW);
    assert_eq!(token.secret(), "dal:test_at");
    assert!(token.has_scope(&Scope::LedgerRead));
}

// --- App location and pending sign-in ---------------------------------------

#[test]
fn app_location_is_the_path_and_query_without_oauth_parameters() {
    let here =
        url("https://w.example.com/return?id=ch_1&type=direct_charge&state=S#access_token=t");
    assert_eq!(
        AppLocation::from_url(&here).as_str(),
        "/return?id=ch_1&type=direct_charge"
    );
    assert_eq!(
        AppLocation::from_url(&url("https://w.example.com/plans")).as_str(),
        "/plans"
    );
}

#[test]
fn app_location_refuses_anything_that_could_leave_the_app() {
    assert!(AppLocation::parse("/?id=ch_1&type=direct_charge").is_ok());
    for bad in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "relative/path",
        "/a\nb",
        "",
    ] {
        assert_eq!(
            AppLocation::parse(bad),
            Err(AppLocationError::NotAppPath),
            "{bad:?}"
        );
    }
}

fn pending_code() -> PendingSignIn {
    PendingSignIn::new(
        zero_state(),
        PendingFlow::Code {
            code_verifier: CodeVerifier::parse(RFC7636_VERIFIER).unwrap(),
        },
        NOW,
        AppLocation::parse("/?id=ch_1&type=direct_charge").unwrap(),
    )
}

#[test]
fn pending_sign_in_round_trips_through_json() {
    let pending = pending_code();
    let json = pending.to_json().unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["state"], ZERO_STATE);
    assert_eq!(value["flow"]["kind"], "code");
    assert_eq!(value["flow"]["code_verifier"], RFC7636_VERIFIER);
    assert_eq!(value["created_at_ms"], NOW);
    assert_eq!(value["return_to"], "/?id=ch_1&type=direct_charge");
    assert_eq!(PendingSignIn::from_json(&json, NOW + 1_000), Ok(pending));
}

#[test]
fn implicit_pending_sign_in_has_no_verifier() {
    let pending = PendingSignIn::new(
        zero_state(),
        PendingFlow::Implicit,
        NOW,
        AppLocation::parse("/").unwrap(),
    );
    let json = pending.to_json().unwrap();
    assert!(json.contains(r#""flow":{"kind":"implicit"}"#), "{json}");
    assert_eq!(pending.flow.kind(), FlowKind::Implicit);
    assert_eq!(PendingSignIn::from_json(&json, NOW), Ok(pending));
}

#[test]
fn pending_sign_in_expires_after_its_max_age() {
    let json = pending_code().to_json().unwrap();
    assert!(PendingSignIn::from_json(&json, NOW + PendingSignIn::MAX_AGE_MS).is_ok());
    assert_eq!(
        PendingSignIn::from_json(&json, NOW + PendingSignIn::MAX_AGE_MS + 1),
        Err(PendingSignInError::Expired)
    );
    assert_eq!(
        PendingSignIn::from_json(&json, NOW - 10 * 60_000),
        Err(PendingSignInError::Expired),
        "dated far in the future"
    );
}

#[test]
fn tampered_or_damaged_pending_records_are_refused() {
    let good = pending_code().to_json().unwrap();
    for bad in [
        "not json".to_owned(),
        good.replace("/?id=ch_1", "//evil.example/?id=ch_1"),
        good.replace(RFC7636_VERIFIER, "short"),
        good.replace(ZERO_STATE, "forged"),
        r#"{"state":"AAAAAAAAAAAAAAAAAAAAAA","flow":{"kind":"code"},"created_at_ms":1,"return_to":"/"}"#.to_owned(),
    ] {
        assert_eq!(PendingSignIn::from_json(&bad, NOW), Err(PendingSignInError::Corrupt), "{bad}");
    }
}

// --- The whole round trip ---------------------------------------------------

fn client() -> OAuthClient {
    OAuthClient::new(CLIENT_ID, REDIRECT)
}

fn randomness() -> SignInRandomness {
    SignInRandomness {
        state: [0; 16],
        verifier: RFC7636_OCTETS,
    }
}

#[test]
fn endpoints_hang_off_the_accounts_url() {
    assert_eq!(
        client().token_endpoint().unwrap().as_str(),
        "https://accounts.livechat.com/v2/token"
    );
    assert_eq!(
        client().info_endpoint().unwrap().as_str(),
        "https://accounts.livechat.com/v2/info"
    );
    let mock = client().with_accounts_url("http://localhost:8080/mock/accounts");
    assert_eq!(
        mock.token_endpoint().unwrap().as_str(),
        "http://localhost:8080/mock/accounts/v2/token"
    );
    assert!(client().with_accounts_url("nope").token_endpoint().is_err());
}

#[test]
fn begin_code_sign_in_saves_the_verifier_and_sends_its_challenge() {
    let return_to = AppLocation::parse("/?id=ch_1&type=direct_charge").unwrap();
    let start = client()
        .begin_sign_in(FlowKind::Code, &randomness(), NOW, return_to.clone())
        .unwrap();
    assert_eq!(start.pending, pending_code());
    assert_eq!(start.pending.return_to, return_to);
    assert_eq!(
        start.authorize_url.as_str(),
        AuthorizeRequest::code(
            CLIENT_ID,
            REDIRECT,
            &zero_state(),
            &CodeVerifier::parse(RFC7636_VERIFIER).unwrap()
        )
        .to_url()
        .unwrap()
        .as_str()
    );
}

#[test]
fn a_separate_sign_in_page_changes_only_where_the_browser_goes() {
    let demo = client()
        .with_authorize_endpoint("http://127.0.0.1:8080/mock/authorize")
        .with_scopes(vec![Scope::BillingManage, Scope::LedgerRead]);
    let start = demo
        .begin_sign_in(
            FlowKind::Code,
            &randomness(),
            NOW,
            AppLocation::parse("/").unwrap(),
        )
        .unwrap();
    let url = start.authorize_url;
    assert_eq!(url.origin().ascii_serialization(), "http://127.0.0.1:8080");
    assert_eq!(url.path(), "/mock/authorize");
    let scope = url
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned());
    assert_eq!(scope.as_deref(), Some("billing_manage,ledger_read"));
    // Tokens are still exchanged with the accounts server.
    assert_eq!(
        demo.token_endpoint().unwrap().as_str(),
        "https://accounts.livechat.com/v2/token"
    );
}

#[test]
fn code_round_trip_ends_with_an_exchange_request() {
    let start = client()
        .begin_sign_in(
            FlowKind::Code,
            &randomness(),
            NOW,
            AppLocation::parse("/plans").unwrap(),
        )
        .unwrap();
    let answer = callback(&format!(
        "{REDIRECT}?code=dal%3Atest_code&state={ZERO_STATE}"
    ))
    .unwrap();
    let next = client().finish_sign_in(answer, Some(&start.pending), NOW + 5_000);
    assert_eq!(
        next,
        SignInNext::ExchangeCode {
            request: exchange_request(),
            return_to: AppLocation::parse("/plans").unwrap(),
        }
    );
}

#[test]
fn implicit_round_trip_ends_signed_in() {
    let start = client()
        .begin_sign_in(
            FlowKind::Implicit,
            &randomness(),
            NOW,
            AppLocation::parse("/").unwrap(),
        )
        .unwrap();
    assert!(!start.authorize_url.as_str().contains("code_challenge"));
    let answer = callback(&format!(
        "{REDIRECT}#access_token=dal%3Aimplicit&token_type=Bearer&expires_in=28800&state={ZERO_STATE}"
    ))
    .unwrap();
    let SignInNext::SignedIn { token, return_to } =
        client().finish_sign_in(answer, Some(&start.pending), NOW + 5_000)
    else {
        panic!("expected to be signed in");
    };
    assert_eq!(token.secret(), "dal:implicit");
    assert_eq!(token.expires_at_ms(), NOW + 5_000 + 28_800_000);
    assert_eq!(return_to.as_str(), "/");
}

#[test]
fn finish_refuses_forged_unexpected_expired_and_crossed_answers() {
    let pending = pending_code();
    let code = |state: &str| callback(&format!("{REDIRECT}?code=c&state={state}")).unwrap();
    let failure = |next: SignInNext| match next {
        SignInNext::Failed { error, .. } => error,
        other => panic!("expected a failure, got {other:?}"),
    };

    assert_eq!(
        failure(client().finish_sign_in(code("forged"), Some(&pending), NOW)),
        SignInError::State(StateError::Mismatch)
    );
    assert_eq!(
        failure(client().finish_sign_in(
            callback(&format!("{REDIRECT}?code=c")).unwrap(),
            Some(&pending),
            NOW
        )),
        SignInError::State(StateError::Missing)
    );
    assert_eq!(
        failure(client().finish_sign_in(code(ZERO_STATE), None, NOW)),
        SignInError::State(StateError::NothingPending)
    );
    assert_eq!(
        failure(client().finish_sign_in(
            code(ZERO_STATE),
            Some(&pending),
            NOW + PendingSignIn::MAX_AGE_MS + 1
        )),
        SignInError::Pending(PendingSignInError::Expired)
    );
    let token = callback(&format!("{REDIRECT}#access_token=t&state={ZERO_STATE}")).unwrap();
    assert_eq!(
        failure(client().finish_sign_in(token, Some(&pending), NOW)),
        SignInError::FlowMismatch
    );
}

#[test]
fn finish_reports_provider_errors_and_keeps_where_to_return() {
    let answer = callback(&format!(
        "{REDIRECT}?error=access_denied&state={ZERO_STATE}"
    ))
    .unwrap();
    let SignInNext::Failed { error, return_to } =
        client().finish_sign_in(answer, Some(&pending_code()), NOW)
    else {
        panic!("expected a failure");
    };
    assert_eq!(
        error.to_string(),
        "You declined access. Sign in again to continue."
    );
    assert_eq!(
        return_to.map(|r| r.as_str().to_owned()).as_deref(),
        Some("/?id=ch_1&type=direct_charge")
    );
}

#[test]
fn finish_does_nothing_on_an_ordinary_page_load() {
    assert_eq!(
        client().finish_sign_in(Callback::None, Some(&pending_code()), NOW),
        SignInNext::NothingToDo
    );
}

// --- Redirect guard ----------------------------------------------------------

#[test]
fn guard_allows_two_redirects_in_30_seconds_then_asks_to_wait() {
    let mut guard = RedirectGuard::default();
    assert_eq!(guard.record(NOW), Ok(()));
    assert_eq!(guard.record(NOW + 1_000), Ok(()));
    let refused = guard.record(NOW + 2_000);
    assert_eq!(
        refused,
        Err(RedirectGuardError::TooManyAttempts { wait_ms: 28_000 })
    );
    assert_eq!(
        refused.unwrap_err().to_string(),
        "Too many sign-in attempts. Wait 28 s, then try again."
    );
    assert_eq!(
        guard.timestamps(),
        &[NOW, NOW + 1_000],
        "a refused attempt is not recorded"
    );
}

#[test]
fn guard_allows_again_once_the_oldest_attempt_leaves_the_window() {
    let mut guard = RedirectGuard::new(vec![NOW, NOW + 1_000]);
    assert!(guard.check(NOW + 29_999).is_err());
    assert_eq!(guard.record(NOW + 30_000), Ok(()));
    assert_eq!(
        guard.timestamps(),
        &[NOW + 1_000, NOW + 30_000],
        "old entries are forgotten"
    );
}

#[test]
fn guard_rounds_the_wait_up_to_whole_seconds() {
    let guard = RedirectGuard::new(vec![NOW, NOW + 500]);
    let error = guard.check(NOW + 1_500).unwrap_err();
    assert_eq!(
        error,
        RedirectGuardError::TooManyAttempts { wait_ms: 28_500 }
    );
    assert!(error.to_string().contains("Wait 29 s"));
}

#[test]
fn guard_never_allows_more_than_livechats_limit_of_three() {
    let guard = RedirectGuard::new(vec![NOW, NOW + 1, NOW + 2]);
    assert!(RedirectGuard::new(vec![NOW, NOW + 1])
        .check_with_max(NOW + 3, 3)
        .is_ok());
    assert!(guard.check_with_max(NOW + 3, 3).is_err());
    assert!(
        guard.check_with_max(NOW + 3, 10).is_err(),
        "configured above the limit, still 3"
    );
}

#[test]
fn guard_bounds_the_wait_when_the_clock_moved_back() {
    let slightly_ahead = RedirectGuard::new(vec![NOW + 10_000, NOW + 10_000]);
    assert_eq!(
        slightly_ahead.check(NOW),
        Err(RedirectGuardError::TooManyAttempts { wait_ms: 40_000 })
    );
    let far_ahead = RedirectGuard::new(vec![NOW + 3_600_000, NOW + 3_600_000]);
    assert_eq!(
        far_ahead.check(NOW),
        Ok(()),
        "bogus timestamps cannot block sign-in for an hour"
    );
}

#[test]
fn guard_persists_as_a_plain_json_array() {
    let guard = RedirectGuard::new(vec![NOW, NOW + 1]);
    let json = serde_json::to_string(&guard).unwrap();
    assert_eq!(json, format!("[{NOW},{}]", NOW + 1));
    assert_eq!(serde_json::from_str::<RedirectGuard>(&json).unwrap(), guard);
}

// --- Properties --------------------------------------------------------------

proptest! {
    #[test]
    fn any_32_random_bytes_make_a_valid_43_char_verifier(bytes in any::<[u8; 32]>()) {
        let verifier = CodeVerifier::from_random_bytes(&bytes);
        prop_assert_eq!(verifier.as_str().len(), 43);
        prop_assert_eq!(CodeVerifier::parse(verifier.as_str()), Ok(verifier.clone()));
        prop_assert_eq!(verifier.code_challenge_s256().len(), 43);
    }

    #[test]
    fn any_16_random_bytes_make_a_state_that_parses_and_matches_itself(bytes in any::<[u8; 16]>()) {
        let state = OAuthState::from_random_bytes(&bytes);
        prop_assert_eq!(OAuthState::parse(state.as_str()), Ok(state.clone()));
        prop_assert!(verify_state(Some(&state), Some(state.as_str())).is_ok());
    }

    #[test]
    fn verifier_parsing_agrees_with_rfc7636(value in "[A-Za-z0-9._~+/= -]{0,140}") {
        let valid = (43..=128).contains(&value.len())
            && value.chars().all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c));
        prop_assert_eq!(CodeVerifier::parse(&value).is_ok(), valid);
    }

    #[test]
    fn any_visible_ascii_token_survives_the_fragment_round_trip(token in "[!-~]{1,80}") {
        let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let href = format!("https://w.example.com/#access_token={encoded}&token_type=Bearer&state=S");
        let parsed = callback(&href);
        let Ok(Callback::Token { grant, .. }) = parsed else {
            return Err(TestCaseError::fail(format!("not a token answer: {parsed:?}")));
        };
        prop_assert_eq!(grant.access_token.expose(), token.as_str());
    }

    #[test]
    fn cleaning_removes_every_oauth_parameter_keeps_the_rest_and_is_idempotent(
        query in proptest::collection::vec((0usize..14, "[a-z0-9]{0,6}"), 0..6),
        fragment in proptest::collection::vec((0usize..14, "[a-z0-9]{0,6}"), 0..6),
    ) {
        const KEYS: [&str; 14] = [
            "access_token", "token_type", "expires_in", "scope", "state", "code", "error",
            "error_description", "oauth_exception", "exception_details", "identity_exception",
            "id", "type", "theme",
        ];
        let join = |pairs: &[(usize, String)]| {
            pairs.iter().map(|(k, v)| format!("{}={v}", KEYS[*k])).collect::<Vec<_>>().join("&")
        };
        let kept = |pairs: &[(usize, String)]| {
            pairs.iter().filter(|(k, _)| *k >= 11).map(|(k, v)| format!("{}={v}", KEYS[*k])).collect::<Vec<_>>()
        };
        let dirty = url(&format!("https://w.example.com/p?{}#{}", join(&query), join(&fragment)));
        let clean = clean_callback_url(&dirty);
        let expected_query = kept(&query).join("&");
        let expected_fragment = kept(&fragment).join("&");
        prop_assert_eq!(clean.query().unwrap_or(""), expected_query.as_str());
        prop_assert_eq!(clean.fragment().unwrap_or(""), expected_fragment.as_str());
        prop_assert_eq!(Callback::from_url(&clean), Ok(Callback::None));
        prop_assert_eq!(clean_callback_url(&clean), clean);
    }

    #[test]
    fn callback_parsing_never_panics_on_arbitrary_addresses(tail in "[ -~]{0,120}") {
        let _ = callback(&format!("https://w.example.com/{tail}"));
    }

    #[test]
    fn the_guard_never_lets_three_redirects_through_any_30_second_window(
        gaps in proptest::collection::vec(0u64..40_000, 1..30),
    ) {
        let mut guard = RedirectGuard::default();
        let mut now = NOW;
        let mut sent: Vec<u64> = Vec::new();
        for gap in gaps {
            now += gap;
            if guard.record(now).is_ok() {
                sent.push(now);
            }
        }
        for window in sent.windows(3) {
            prop_assert!(window[2] - window[0] >= RedirectGuard::WINDOW_MS);
        }
    }
}
