//! The mock's own pages as any OAuth client meets them: the sign-in page
//! (code + PKCE and implicit), deny, refusals that redirect nowhere, and the
//! charge confirmation page. Plain HTML forms answered with 303 redirects.

use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::oauth::{CodeVerifier, DEMO_CLIENT_ID};
use billing_mock::clients::RegisteredClient;
use billing_mock::{Fault, MockBackend, MockSettings};
use serde_json::{json, Value};
use url::{form_urlencoded, Url};

mod support;
use support::NOW;

const SERVER: &str = "http://127.0.0.1:8787";
const DEV_TOKEN: &str = "dal:test-developer-token";
/// A third app, not the widget: its own client id and loopback callback.
const APP_CLIENT: &str = "third-party-app";
const APP_CALLBACK: &str = "http://127.0.0.1:5555/callback";
const OLIVIA: &str = "a1f2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01";

fn backend() -> MockBackend {
    MockBackend::with_settings(MockSettings {
        developer_token: Some(DEV_TOKEN.to_owned()),
        loopback_for_unregistered: true,
        ..MockSettings::default()
    })
}

/// [`support::send`] at [`NOW`].
fn send(backend: &mut MockBackend, request: HttpRequest) -> HttpResponse {
    support::send(backend, &request, NOW)
}

fn get(backend: &mut MockBackend, path_and_query: &str) -> HttpResponse {
    let url = Url::parse(SERVER).unwrap().join(path_and_query).unwrap();
    send(backend, HttpRequest::new(Method::Get, url))
}

fn post_form(backend: &mut MockBackend, path: &str, fields: &[(&str, &str)]) -> HttpResponse {
    let url = Url::parse(SERVER).unwrap().join(path).unwrap();
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = HttpRequest::new(Method::Post, url)
        .with_header("Content-Type", "application/x-www-form-urlencoded");
    request.body = Some(body);
    send(backend, request)
}

fn authorize_query(fields: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

fn location(response: &HttpResponse) -> Url {
    assert_eq!(response.status, 303, "{}", response.body);
    Url::parse(response.header("location").expect("a Location header")).expect("a URL")
}

fn pairs(text: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn value_of(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

fn code_flow(verifier: &CodeVerifier, state: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".to_owned()),
        ("client_id", APP_CLIENT.to_owned()),
        ("redirect_uri", APP_CALLBACK.to_owned()),
        ("state", state.to_owned()),
        ("code_challenge", verifier.code_challenge_s256()),
        ("code_challenge_method", "S256".to_owned()),
    ]
}

fn borrowed<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn another_app_signs_in_with_code_and_pkce_on_the_mocks_own_page() {
    let mut mock = backend();
    let verifier = CodeVerifier::parse(&("a".repeat(20) + &"b".repeat(30))).expect("a verifier");
    let fields = code_flow(&verifier, "xyz");
    let fields = borrowed(&fields);

    let page = get(
        &mut mock,
        &format!("/mock/authorize?{}", authorize_query(&fields)),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page
        .header("content-type")
        .is_some_and(|ct| ct.starts_with("text/html")));
    assert!(page.body.contains("TEST MODE"));
    assert!(page.body.contains(APP_CLIENT));
    assert!(page.body.contains("Olivia Owner"));
    assert!(
        !page.body.contains("<script"),
        "the page works without JavaScript"
    );

    // The same page at the accounts server's root, as LiveChat serves it.
    let at_root = get(&mut mock, &format!("/?{}", authorize_query(&fields)));
    assert_eq!(at_root.body, page.body);

    let mut form = fields.clone();
    form.push(("account_id", OLIVIA));
    let back = location(&post_form(&mut mock, "/mock/authorize", &form));
    assert_eq!(
        back.as_str().split('?').next(),
        Some(APP_CALLBACK),
        "back to the exact redirect URI"
    );
    let answer = pairs(back.query().unwrap_or_default());
    assert_eq!(value_of(&answer, "state").as_deref(), Some("xyz"));
    let code = value_of(&answer, "code").expect("a code in the query");
    assert!(back.fragment().is_none());

    let token_request = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", APP_CLIENT),
        ("redirect_uri", APP_CALLBACK),
        ("code_verifier", verifier.as_str()),
    ];
    let token = post_form(&mut mock, "/v2/token", &token_request);
    assert_eq!(token.status, 200, "{}", token.body);
    let token: Value = serde_json::from_str(&token.body).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    let access_token = token["access_token"].as_str().expect("a token").to_owned();

    // The token works on the Billing API.
    let list = |mock: &mut MockBackend| {
        let url = Url::parse(SERVER)
            .unwrap()
            .join("/v1/direct_charge")
            .unwrap();
        send(
            mock,
            HttpRequest::new(Method::Get, url)
                .with_header("Authorization", format!("Bearer {access_token}")),
        )
    };
    let listed = list(&mut mock);
    assert_eq!(listed.status, 200, "{}", listed.body);

    // Single use: the same code again is refused, and (RFC 6749 4.1.2) the
    // tokens it gave are revoked.
    let replay = post_form(&mut mock, "/v2/token", &token_request);
    assert_eq!(replay.status, 400, "{}", replay.body);
    assert!(replay.body.contains("invalid_grant"));
    assert_eq!(list(&mut mock).status, 401);

    // No page ever showed a secret.
    for shown in [&page.body, &at_root.body] {
        assert!(!shown.contains(&code) && !shown.contains(&access_token));
        assert!(!shown.contains(verifier.as_str()));
    }
}

#[test]
fn a_wrong_verifier_gets_invalid_grant() {
    let mut mock = backend();
    let verifier = CodeVerifier::parse(&"v".repeat(43)).expect("a verifier");
    let fields = code_flow(&verifier, "s");
    let mut form = borrowed(&fields);
    form.push(("account_id", OLIVIA));
    let back = location(&post_form(&mut mock, "/mock/authorize", &form));
    let code = value_of(&pairs(back.query().unwrap_or_default()), "code").unwrap();
    let wrong = "w".repeat(43);
    let token = post_form(
        &mut mock,
        "/v2/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", APP_CLIENT),
            ("redirect_uri", APP_CALLBACK),
            ("code_verifier", wrong.as_str()),
        ],
    );
    assert_eq!(token.status, 400);
    assert!(token.body.contains("invalid_grant"), "{}", token.body);
}

#[test]
fn the_implicit_grant_answers_in_the_fragment_and_echoes_any_state_exactly() {
    for state in [
        "plain",
        "a b",
        "#frag",
        "1+1=2",
        "100%",
        "zażółć €",
        "&state=forged",
    ] {
        let mut mock = backend();
        let form = [
            ("response_type", "token"),
            ("client_id", APP_CLIENT),
            ("redirect_uri", APP_CALLBACK),
            ("state", state),
            ("account_id", OLIVIA),
        ];
        let back = location(&post_form(&mut mock, "/mock/authorize", &form));
        assert!(back.query().is_none(), "nothing in the query: {back}");
        let answer = pairs(back.fragment().expect("the answer is in the fragment"));
        assert_eq!(value_of(&answer, "state").as_deref(), Some(state), "{back}");
        assert_eq!(value_of(&answer, "token_type").as_deref(), Some("Bearer"));
        assert_eq!(value_of(&answer, "expires_in").as_deref(), Some("28800"));
        assert!(value_of(&answer, "access_token").is_some_and(|t| t.starts_with("dal:")));
        assert_eq!(answer.iter().filter(|(k, _)| k == "state").count(), 1);
    }
}

#[test]
fn deny_goes_back_with_access_denied_and_the_state() {
    let mut mock = backend();
    let form = [
        ("response_type", "code"),
        ("client_id", APP_CLIENT),
        ("redirect_uri", APP_CALLBACK),
        ("state", "keep me"),
        ("code_challenge", &"c".repeat(43)),
        ("deny", "1"),
    ];
    let back = location(&post_form(&mut mock, "/mock/authorize", &form));
    let answer = pairs(back.query().unwrap_or_default());
    assert_eq!(value_of(&answer, "error").as_deref(), Some("access_denied"));
    assert_eq!(value_of(&answer, "state").as_deref(), Some("keep me"));
    assert!(value_of(&answer, "code").is_none());
}

#[test]
fn requests_it_cannot_answer_get_a_page_that_redirects_nowhere() {
    let mut mock = backend();
    mock.state.settings.clients.push(RegisteredClient {
        client_id: "registered-app".to_owned(),
        redirect_uris: vec!["https://app.example.com/callback".to_owned()],
    });
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "an unregistered client off loopback",
            &[
                ("response_type", "token"),
                ("client_id", "stranger"),
                ("redirect_uri", "https://evil.example.net/steal"),
            ],
        ),
        (
            "a registered client with another redirect URI",
            &[
                ("response_type", "token"),
                ("client_id", "registered-app"),
                ("redirect_uri", "https://app.example.com/callback/other"),
            ],
        ),
        (
            "a registered client on loopback it did not register",
            &[
                ("response_type", "token"),
                ("client_id", "registered-app"),
                ("redirect_uri", APP_CALLBACK),
            ],
        ),
        (
            "no client id",
            &[("response_type", "token"), ("redirect_uri", APP_CALLBACK)],
        ),
        (
            "an unknown response type",
            &[
                ("response_type", "magic"),
                ("client_id", APP_CLIENT),
                ("redirect_uri", APP_CALLBACK),
            ],
        ),
    ];
    for (case, fields) in cases {
        let page = get(
            &mut mock,
            &format!("/mock/authorize?{}", authorize_query(fields)),
        );
        assert_eq!(page.status, 400, "{case}: {}", page.body);
        assert!(page.header("location").is_none(), "{case}: no redirect");
        assert!(page.body.contains("mock-refused"), "{case}");
        // Choosing an account on a forged form is refused the same way, and
        // nothing is issued.
        let mut form = fields.to_vec();
        form.push(("account_id", OLIVIA));
        let posted = post_form(&mut mock, "/mock/authorize", &form);
        assert_eq!(posted.status, 400, "{case}");
        assert!(posted.header("location").is_none(), "{case}");
        assert!(
            !posted.body.contains("dal:"),
            "{case}: no token on the page"
        );
    }
    assert!(mock.state.oauth.tokens.is_empty() && mock.state.oauth.codes.is_empty());

    // The exact registered URI works.
    let ok = get(
        &mut mock,
        &format!(
            "/mock/authorize?{}",
            authorize_query(&[
                ("response_type", "token"),
                ("client_id", "registered-app"),
                ("redirect_uri", "https://app.example.com/callback"),
            ])
        ),
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
}

#[test]
fn without_the_loopback_setting_only_registered_clients_sign_in() {
    let mut mock = MockBackend::new(1);
    let query = authorize_query(&[
        ("response_type", "token"),
        ("client_id", APP_CLIENT),
        ("redirect_uri", APP_CALLBACK),
    ]);
    let page = get(&mut mock, &format!("/mock/authorize?{query}"));
    assert_eq!(page.status, 400);
    assert!(page.body.contains("unauthorized_client"), "{}", page.body);

    // The demo's own client is registered by the origin serving the pages.
    let mut demo = MockBackend::with_settings(MockSettings {
        pages_origin: Some("http://127.0.0.1:8080".to_owned()),
        ..MockSettings::default()
    });
    let query = authorize_query(&[
        ("response_type", "token"),
        ("client_id", DEMO_CLIENT_ID),
        ("redirect_uri", "http://127.0.0.1:8080/auth/callback"),
    ]);
    assert_eq!(
        get(&mut demo, &format!("/mock/authorize?{query}")).status,
        200
    );
}

#[test]
fn clients_registered_over_the_control_api_survive_a_reset() {
    let mut mock = backend();
    let url = Url::parse(SERVER).unwrap().join("/__mock/clients").unwrap();
    let register = HttpRequest::new(Method::Post, url).with_json_body(
        json!({"client_id": "my-app", "redirect_uris": ["https://my.example.com/cb"]}).to_string(),
    );
    assert_eq!(send(&mut mock, register).status, 201);
    let reset_url = Url::parse(SERVER).unwrap().join("/__mock/reset").unwrap();
    send(&mut mock, HttpRequest::new(Method::Post, reset_url));
    let query = authorize_query(&[
        ("response_type", "token"),
        ("client_id", "my-app"),
        ("redirect_uri", "https://my.example.com/cb"),
    ]);
    assert_eq!(
        get(&mut mock, &format!("/mock/authorize?{query}")).status,
        200
    );

    let url = Url::parse(SERVER).unwrap().join("/__mock/clients").unwrap();
    let bad = HttpRequest::new(Method::Post, url).with_json_body(
        json!({"client_id": "x", "redirect_uris": ["javascript:alert(1)"]}).to_string(),
    );
    assert_eq!(send(&mut mock, bad).status, 422);
}

fn create_charge(mock: &mut MockBackend, name: &str) -> Value {
    let url = Url::parse(SERVER)
        .unwrap()
        .join("/v1/direct_charge")
        .unwrap();
    let body = json!({
        "name": name, "price": 1900, "quantity": 2,
        "return_url": "https://app.example.com/return"
    });
    let created = send(
        mock,
        HttpRequest::new(Method::Post, url)
            .with_header("Authorization", format!("Bearer {DEV_TOKEN}"))
            .with_json_body(body.to_string()),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    serde_json::from_str(&created.body).unwrap()
}

#[test]
fn the_confirmation_page_shows_the_charge_escaped_and_accepting_returns_to_the_app() {
    let mut mock = backend();
    let charge = create_charge(&mut mock, "Export <script>alert(1)</script> & more");
    let id = charge["id"].as_str().unwrap().to_owned();
    let page = get(
        &mut mock,
        &format!("/mock/confirm?id={id}&type=direct_charge"),
    );
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page
        .body
        .contains("Export &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
    assert!(!page.body.contains("<script>"));
    assert!(
        page.body.contains("$38.00"),
        "price x quantity: {}",
        page.body
    );
    assert!(page.body.contains("TEST MODE"));

    let back = location(&post_form(
        &mut mock,
        "/mock/confirm",
        &[
            ("id", &id),
            ("type", "direct_charge"),
            ("decision", "accept"),
        ],
    ));
    assert_eq!(
        back.as_str(),
        format!("https://app.example.com/return?id={id}&type=direct_charge")
    );
    assert_eq!(
        mock.state.livechat.direct_charges[0].status.to_string(),
        "accepted"
    );

    // Confirming again is explained, not redirected.
    let again = post_form(
        &mut mock,
        "/mock/confirm",
        &[
            ("id", &id),
            ("type", "direct_charge"),
            ("decision", "decline"),
        ],
    );
    assert_eq!(again.status, 409);
    assert!(again.header("location").is_none());
    let shown = get(
        &mut mock,
        &format!("/mock/confirm?id={id}&type=direct_charge"),
    );
    assert!(shown.body.contains("already accepted"), "{}", shown.body);
}

#[test]
fn a_bad_confirmation_link_is_explained() {
    let mut mock = backend();
    assert_eq!(get(&mut mock, "/mock/confirm").status, 400);
    assert_eq!(
        get(&mut mock, "/mock/confirm?id=nope&type=weird").status,
        400
    );
    let missing = get(
        &mut mock,
        "/mock/confirm?id=5deab95d-c0c9-4397-9593-436f533e83e5",
    );
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("No such charge"));
}

#[test]
fn pages_are_not_api_calls_so_injected_faults_wait_for_the_api() {
    let mut mock = backend();
    mock.state
        .faults
        .faults
        .push(billing_mock::control::ScheduledFault {
            path_prefix: None,
            fault: Fault::Status { status: 503 },
            times: 1,
        });
    assert_eq!(get(&mut mock, "/").status, 200);
    assert!(mock.state.request_counts.is_empty());
    assert_eq!(mock.state.faults.faults.len(), 1, "the fault still waits");
}
