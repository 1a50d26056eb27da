//! Helpers shared by the mock's integration tests: the clock and demo
//! identities they use, sending a request to the mock and reading its
//! answer, signing in, and a signed-in Billing API client.

// Every test file is a crate of its own and uses only some of these; the
// rest would be dead code there.
#![allow(dead_code)]

use billing_core::api::livechat::BillingApi;
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::oauth::{AccessToken, Callback};
use billing_mock::oauth::{authorize, AuthorizeParams, Decision};
use billing_mock::MockBackend;
use serde_json::Value;
use url::Url;

/// 2023-11-14T22:13:20Z.
pub const NOW: u64 = 1_700_000_000_000;
/// Default scenario step (`gateway_step_ms`).
pub const STEP: u64 = 3_000;
pub const CLIENT: &str = "1e2cb91de0b15e99a7f4502b900e907e";
pub const OWNER: &str = "a1f2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01";
pub const AGENT: &str = "a1f2c3d4-0002-4e5f-8a9b-0c1d2e3f4a02";

/// The mock's answer to `request` at `now_ms`; panics if it never answers.
pub fn send(backend: &mut MockBackend, request: &HttpRequest, now_ms: u64) -> HttpResponse {
    backend
        .handle(request, now_ms)
        .response()
        .cloned()
        .expect("the mock answers")
}

pub fn body(response: &HttpResponse) -> Value {
    serde_json::from_str(&response.body).expect("a JSON body")
}

pub fn error_description(response: &HttpResponse) -> String {
    body(response)["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A request to the Billing API's host (where the mock's control endpoints
/// are too), with `body` as JSON when there is one.
pub fn request(method: Method, path: &str, body: Option<Value>) -> HttpRequest {
    let url = Url::parse("https://billing.livechatinc.com")
        .and_then(|base| base.join(path))
        .expect("a valid test URL");
    let request = HttpRequest::new(method, url);
    match body {
        Some(body) => request.with_json_body(body.to_string()),
        None => request,
    }
}

/// `account` signs in to `client` with the implicit grant, as on the mock's
/// sign-in page; the answer is the token the redirect carries.
pub fn sign_in(backend: &mut MockBackend, account: &str, client: &str) -> AccessToken {
    let params = AuthorizeParams {
        response_type: "token".to_owned(),
        client_id: client.to_owned(),
        redirect_uri: "http://127.0.0.1:8080/".to_owned(),
        state: Some("s".to_owned()),
        ..AuthorizeParams::default()
    };
    let decision = Decision::Allow {
        account_id: account.to_owned(),
    };
    let back = authorize(&mut backend.state, &params, decision, NOW).expect("signed in");
    let Callback::Token { grant, .. } = Callback::from_url(&back).expect("a callback") else {
        panic!("expected a token in {back}");
    };
    grant.into_access_token(NOW)
}

/// A mock, a Billing API client and a signed-in token; each test file adds
/// the calls it makes.
pub struct World {
    pub backend: MockBackend,
    pub api: BillingApi,
    pub token: AccessToken,
}

impl World {
    pub fn send(&mut self, request: HttpRequest, now: u64) -> HttpResponse {
        send(&mut self.backend, &request, now)
    }
}
