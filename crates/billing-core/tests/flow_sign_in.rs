//! Signing in, both halves, driven through a simulated browser: its tab and
//! browser storage, a window policy and a random source. Each test is one
//! click on "Sign in" or one landing on `/auth/callback`, and where it may
//! and may not lead: never a redirect without the record the way back
//! needs, never a loop, never a token from an answer that was not ours.

mod support;

use billing_core::api::Service;
use std::collections::{HashMap, VecDeque};

use billing_core::api::ApiError;
use billing_core::domain::oauth::{
    AccessToken, AppLocation, AuthorizationCode, CodeVerifier, FlowKind, OAuthClient, PendingFlow,
    PendingSignIn, PendingSignInError, RedirectGuard, SignInError, SignInRandomness, StateError,
    TokenRequest,
};
use billing_core::flow::sign_in::{
    should_hand_off, SignInFlow, StartEvent, StartPhase, StartProblem, REDIRECTS_KEY,
};
use billing_core::flow::sign_in_callback::{
    CallbackEvent, CallbackFlow, CallbackPhase, CallbackProblem, CallbackRequest,
};
use billing_core::flow::{
    Effect, Env, Machine, Place, Randomness, ShellAnswer, ShellEffect, WindowAnswer,
};
use support::{http, url};
use url::Url;

const NOW: u64 = 1_700_000_000_000;
const CLIENT_ID: &str = "abc123";
const REDIRECT: &str = "https://widget.example.com/auth/callback";
/// The `state` drawn from sixteen zero bytes.
const ZERO_STATE: &str = "AAAAAAAAAAAAAAAAAAAAAA";
/// RFC 7636 Appendix B: the verifier of the octets below.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const OCTETS: [u8; 32] = [
    116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77,
    105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
];
const PENDING_KEY: &str = PendingSignIn::STORAGE_KEY;

fn client() -> OAuthClient {
    OAuthClient::new(CLIENT_ID, REDIRECT)
}

fn location(path: &str) -> AppLocation {
    AppLocation::parse(path).expect("an app location")
}

/// What the flows see of the browser, and what they did outside it.
struct Browser {
    tab: HashMap<&'static str, String>,
    local: HashMap<&'static str, String>,
    /// Site data blocked: nothing can be kept.
    storage_blocked: bool,
    windows_blocked: bool,
    has_random: bool,
    /// Effects that reach outside the storage (windows, leaving, routes).
    outside: Vec<ShellEffect>,
}

impl Browser {
    fn new() -> Self {
        Self {
            tab: HashMap::new(),
            local: HashMap::new(),
            storage_blocked: false,
            windows_blocked: false,
            has_random: true,
            outside: Vec::new(),
        }
    }

    fn place(&mut self, place: Place) -> &mut HashMap<&'static str, String> {
        match place {
            Place::Tab => &mut self.tab,
            Place::Browser => &mut self.local,
        }
    }

    /// Performs one shared effect the way the shell's runner does.
    fn perform(&mut self, effect: ShellEffect) -> Option<ShellAnswer> {
        match effect {
            ShellEffect::Remember { place, key, value } => {
                if self.storage_blocked {
                    return Some(ShellAnswer::Remembered(false));
                }
                self.place(place).insert(key, value);
                Some(ShellAnswer::Remembered(true))
            }
            ShellEffect::Recall { place, key, take } => {
                let kept = self.place(place);
                let value = if take {
                    kept.remove(key)
                } else {
                    kept.get(key).cloned()
                };
                Some(ShellAnswer::Recalled(value))
            }
            ShellEffect::DrawRandomness => {
                Some(ShellAnswer::Randomness(self.has_random.then(|| {
                    Randomness::new(SignInRandomness {
                        state: [0; 16],
                        verifier: OCTETS,
                    })
                })))
            }
            ShellEffect::OpenWindow { url } => {
                self.outside.push(ShellEffect::OpenWindow { url });
                Some(ShellAnswer::Window(if self.windows_blocked {
                    WindowAnswer::Blocked
                } else {
                    WindowAnswer::Opened
                }))
            }
            other => {
                self.outside.push(other);
                None
            }
        }
    }

    /// Delivers `event` and every answer the shell knows at once; returns
    /// the requests the flow sent.
    fn drive<M: Machine>(&mut self, flow: &mut M, event: M::Event, now: u64) -> Vec<M::Request> {
        let mut requests = Vec::new();
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            for effect in flow.update(event, &Env::at(now)) {
                match effect {
                    Effect::Send(request) => requests.push(request),
                    Effect::After { .. } => panic!("signing in never waits"),
                    Effect::Shell(effect) => queue.extend(self.perform(effect).map(Into::into)),
                }
            }
        }
        requests
    }

    fn click_sign_in(&mut self, flow: &mut SignInFlow, return_to: &str, framed: bool) {
        let requests = self.drive(
            flow,
            StartEvent::SignIn {
                return_to: location(return_to),
                framed,
            },
            NOW,
        );
        assert!(requests.is_empty());
    }

    fn left_for(&self) -> Option<&Url> {
        self.outside.iter().find_map(|effect| match effect {
            ShellEffect::Leave(url) | ShellEffect::ShowInWindow(url) => Some(url),
            _ => None,
        })
    }

    fn saved_record(&self) -> Option<PendingSignIn> {
        let json = self.tab.get(PENDING_KEY)?;
        Some(PendingSignIn::from_json(json, NOW).expect("a readable record"))
    }

    fn guard(&self) -> RedirectGuard {
        self.local
            .get(REDIRECTS_KEY)
            .map(|json| serde_json::from_str(json).expect("a readable guard"))
            .unwrap_or_default()
    }
}

fn code_flow() -> SignInFlow {
    SignInFlow::new(client(), FlowKind::Code)
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

// --- Leaving for the sign-in page ------------------------------------------

#[test]
fn a_click_saves_the_record_and_the_redirect_then_leaves_with_pkce() {
    let mut browser = Browser::new();
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/plans?page=2", false);

    assert_eq!(flow.phase(), &StartPhase::Leaving);
    let authorize = browser.left_for().expect("the page leaves");
    assert!(matches!(browser.outside[..], [ShellEffect::Leave(_)]));
    assert_eq!(query(authorize, "response_type").as_deref(), Some("code"));
    assert_eq!(query(authorize, "state").as_deref(), Some(ZERO_STATE));
    assert_eq!(
        query(authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(query(authorize, "redirect_uri").as_deref(), Some(REDIRECT));

    let record = browser
        .saved_record()
        .expect("the record the way back needs");
    assert_eq!(record.return_to, location("/plans?page=2"));
    assert_eq!(record.created_at_ms, NOW);
    assert_eq!(
        record.flow,
        PendingFlow::Code {
            code_verifier: CodeVerifier::parse(VERIFIER).unwrap()
        }
    );
    assert_eq!(browser.guard().timestamps(), [NOW]);
}

#[test]
fn the_implicit_fallback_asks_for_a_token_and_saves_no_verifier() {
    let mut browser = Browser::new();
    let mut flow = SignInFlow::new(client(), FlowKind::Implicit);
    browser.click_sign_in(&mut flow, "/", false);
    let authorize = browser.left_for().expect("the page leaves");
    assert_eq!(query(authorize, "response_type").as_deref(), Some("token"));
    assert_eq!(query(authorize, "code_challenge"), None);
    assert_eq!(browser.saved_record().unwrap().flow, PendingFlow::Implicit);
}

#[test]
fn a_third_redirect_within_thirty_seconds_is_refused_before_anything_is_saved() {
    let mut browser = Browser::new();
    browser.local.insert(
        REDIRECTS_KEY,
        serde_json::to_string(&RedirectGuard::new(vec![NOW - 20_000, NOW - 5_000])).unwrap(),
    );
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", false);

    let StartPhase::Problem(StartProblem::TooManyAttempts(refusal)) = flow.phase() else {
        panic!("expected the loop guard, got {:?}", flow.phase());
    };
    assert_eq!(
        refusal.to_string(),
        "Too many sign-in attempts. Wait 10 s, then try again."
    );
    assert!(browser.outside.is_empty(), "nothing leaves");
    assert!(browser.saved_record().is_none());
    assert_eq!(browser.guard().timestamps(), [NOW - 20_000, NOW - 5_000]);
}

#[test]
fn an_unreadable_guard_never_blocks_sign_in() {
    let mut browser = Browser::new();
    browser.local.insert(REDIRECTS_KEY, "{not json".into());
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", false);
    assert_eq!(flow.phase(), &StartPhase::Leaving);
    assert_eq!(browser.guard().timestamps(), [NOW]);
}

#[test]
fn without_secure_randomness_no_sign_in_starts() {
    let mut browser = Browser::new();
    browser.has_random = false;
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", false);
    assert_eq!(
        flow.phase(),
        &StartPhase::Problem(StartProblem::NoSecureRandom)
    );
    assert!(browser.left_for().is_none());
    assert!(browser.local.is_empty(), "the attempt is not counted");
}

#[test]
fn blocked_site_data_stops_the_redirect_that_could_not_come_back() {
    let mut browser = Browser::new();
    browser.storage_blocked = true;
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", false);
    assert_eq!(flow.phase(), &StartPhase::Problem(StartProblem::CannotSave));
    assert!(browser.left_for().is_none());
}

#[test]
fn a_bad_accounts_address_is_a_configuration_problem() {
    let mut browser = Browser::new();
    let mut flow = SignInFlow::new(client().with_accounts_url("not a url"), FlowKind::Code);
    browser.click_sign_in(&mut flow, "/", false);
    assert!(matches!(
        flow.phase(),
        StartPhase::Problem(StartProblem::Misconfigured(_))
    ));
    assert!(browser.saved_record().is_none());
}

#[test]
fn a_second_click_while_preparing_does_nothing() {
    let mut flow = code_flow();
    let click = || StartEvent::SignIn {
        return_to: location("/"),
        framed: false,
    };
    let first = flow.update(click(), &Env::at(NOW));
    assert_eq!(first.len(), 1, "the guard is read");
    assert_eq!(flow.phase(), &StartPhase::Preparing);
    assert!(flow.update(click(), &Env::at(NOW)).is_empty());
}

#[test]
fn in_a_frame_the_sign_in_page_opens_in_its_own_window() {
    let mut browser = Browser::new();
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", true);

    assert_eq!(flow.phase(), &StartPhase::InWindow);
    assert!(matches!(
        &browser.outside[..],
        [
            ShellEffect::OpenWindow { url: None },
            ShellEffect::ShowInWindow(_)
        ]
    ));
    assert!(browser.saved_record().is_some());
    // The buyer closed that window: a new click starts again.
    browser.outside.clear();
    browser.click_sign_in(&mut flow, "/", true);
    assert!(matches!(
        &browser.outside[..],
        [
            ShellEffect::OpenWindow { url: None },
            ShellEffect::ShowInWindow(_)
        ]
    ));
}

#[test]
fn a_blocked_window_is_a_problem_of_its_own() {
    let mut browser = Browser::new();
    browser.windows_blocked = true;
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", true);
    assert_eq!(
        flow.phase(),
        &StartPhase::Problem(StartProblem::WindowBlocked)
    );
    assert!(browser.saved_record().is_none());
    assert!(browser.local.is_empty());
}

#[test]
fn a_refused_start_in_a_frame_closes_the_window_it_opened() {
    let mut browser = Browser::new();
    browser.has_random = false;
    let mut flow = code_flow();
    browser.click_sign_in(&mut flow, "/", true);
    assert_eq!(
        flow.phase(),
        &StartPhase::Problem(StartProblem::NoSecureRandom)
    );
    assert!(matches!(
        &browser.outside[..],
        [
            ShellEffect::OpenWindow { url: None },
            ShellEffect::CloseWindow
        ]
    ));
}

#[test]
fn only_a_token_the_servers_still_accept_is_handed_to_the_next_page() {
    let token = AccessToken::new("dal:t", 3_600, NOW, Vec::new());
    assert!(should_hand_off(&token, false, NOW));
    assert!(!should_hand_off(&token, true, NOW), "a 401 was seen");
    assert!(!should_hand_off(&token, false, NOW + 3_600_000), "expired");
}

// --- Finishing on the callback page ----------------------------------------

/// The browser after a code-flow click on "Sign in" from `/plans`.
fn browser_after_click() -> Browser {
    let mut browser = Browser::new();
    browser.click_sign_in(&mut code_flow(), "/plans", false);
    browser.outside.clear();
    browser
}

fn arrive(browser: &mut Browser, flow: &mut CallbackFlow, href: &str) -> Vec<CallbackRequest> {
    browser.drive(flow, CallbackEvent::Arrived(Some(url(href))), NOW + 5_000)
}

fn exchange_of(code: &str) -> TokenRequest {
    TokenRequest::AuthorizationCode {
        code: AuthorizationCode::parse(code).unwrap(),
        client_id: CLIENT_ID.into(),
        redirect_uri: REDIRECT.into(),
        code_verifier: CodeVerifier::parse(VERIFIER).unwrap(),
    }
}

#[test]
fn a_code_is_exchanged_with_the_saved_verifier_then_the_user_goes_back() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    let requests = arrive(
        &mut browser,
        &mut flow,
        &format!("{REDIRECT}?code=dal%3Acode&state={ZERO_STATE}"),
    );

    assert_eq!(
        requests,
        [CallbackRequest::ExchangeCode(exchange_of("dal:code"))]
    );
    // The code left the address bar before anything else, and the record
    // is used up.
    assert_eq!(
        browser.outside,
        [ShellEffect::ReplaceAddress("/auth/callback".into())]
    );
    assert!(!browser.tab.contains_key(PENDING_KEY));
    assert_eq!(flow.phase(), &CallbackPhase::Working);

    let token = AccessToken::new("dal:token", 28_800, NOW, Vec::new());
    let requests = browser.drive(
        &mut flow,
        CallbackEvent::Exchanged(Ok(token.clone())),
        NOW + 6_000,
    );
    assert!(requests.is_empty());
    assert_eq!(flow.phase(), &CallbackPhase::SignedIn(token));
    assert_eq!(
        browser.outside.last(),
        Some(&ShellEffect::Redirect("/plans".into()))
    );
}

#[test]
fn an_implicit_token_signs_in_without_a_request() {
    let mut browser = Browser::new();
    browser.click_sign_in(
        &mut SignInFlow::new(client(), FlowKind::Implicit),
        "/ledger",
        false,
    );
    browser.outside.clear();
    let mut flow = CallbackFlow::new(client());
    let requests = arrive(
        &mut browser,
        &mut flow,
        &format!("{REDIRECT}#access_token=dal%3Aimplicit&token_type=Bearer&expires_in=28800&state={ZERO_STATE}"),
    );
    assert!(requests.is_empty());
    let CallbackPhase::SignedIn(token) = flow.phase() else {
        panic!("expected to be signed in, got {:?}", flow.phase());
    };
    assert_eq!(token.secret(), "dal:implicit");
    assert_eq!(
        browser.outside,
        [
            ShellEffect::ReplaceAddress("/auth/callback".into()),
            ShellEffect::Redirect("/ledger".into())
        ]
    );
}

#[test]
fn a_forged_state_is_refused_and_offers_the_way_back() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    let requests = arrive(
        &mut browser,
        &mut flow,
        &format!("{REDIRECT}?code=c&state=forged"),
    );
    assert!(
        requests.is_empty(),
        "no code from a forged answer is exchanged"
    );
    assert_eq!(
        flow.phase(),
        &CallbackPhase::Failed {
            problem: CallbackProblem::SignIn(SignInError::State(StateError::Mismatch)),
            return_to: Some(location("/plans")),
        }
    );
}

#[test]
fn a_replayed_answer_finds_nothing_pending() {
    let mut browser = browser_after_click();
    let href = format!("{REDIRECT}?code=c&state={ZERO_STATE}");
    assert_eq!(
        arrive(&mut browser, &mut CallbackFlow::new(client()), &href).len(),
        1
    );

    let mut replay = CallbackFlow::new(client());
    assert!(arrive(&mut browser, &mut replay, &href).is_empty());
    assert_eq!(
        replay.phase(),
        &CallbackPhase::Failed {
            problem: CallbackProblem::SignIn(SignInError::State(StateError::NothingPending)),
            return_to: None,
        }
    );
}

#[test]
fn an_answer_after_the_record_expired_is_refused() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    let late = NOW + PendingSignIn::MAX_AGE_MS + 1;
    let requests = browser.drive(
        &mut flow,
        CallbackEvent::Arrived(Some(url(&format!("{REDIRECT}?code=c&state={ZERO_STATE}")))),
        late,
    );
    assert!(requests.is_empty());
    assert!(matches!(
        flow.phase(),
        CallbackPhase::Failed {
            problem: CallbackProblem::SignIn(SignInError::Pending(PendingSignInError::Expired)),
            ..
        }
    ));
}

#[test]
fn a_refusal_from_the_provider_is_shown_with_the_way_back() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    arrive(
        &mut browser,
        &mut flow,
        &format!("{REDIRECT}?error=access_denied&state={ZERO_STATE}"),
    );
    let CallbackPhase::Failed { problem, return_to } = flow.phase() else {
        panic!("expected a failure, got {:?}", flow.phase());
    };
    assert!(matches!(
        problem,
        CallbackProblem::SignIn(SignInError::Provider(_))
    ));
    assert_eq!(return_to, &Some(location("/plans")));
}

#[test]
fn a_page_without_an_answer_leaves_a_sign_in_under_way_alone() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    arrive(&mut browser, &mut flow, REDIRECT);
    assert_eq!(flow.phase(), &CallbackPhase::NothingToDo);
    assert!(browser.tab.contains_key(PENDING_KEY), "the record is kept");
}

#[test]
fn an_unreadable_address_is_a_callback_error() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    browser.drive(&mut flow, CallbackEvent::Arrived(None), NOW);
    assert!(matches!(
        flow.phase(),
        CallbackPhase::Failed {
            problem: CallbackProblem::SignIn(SignInError::Callback(_)),
            return_to: Some(_),
        }
    ));
}

#[test]
fn a_refused_code_and_an_unreachable_server_read_differently() {
    for (error, expected) in [
        (http(400), CallbackProblem::CodeRefused),
        (http(401), CallbackProblem::CodeRefused),
        (http(503), CallbackProblem::Exchange(http(503))),
        (
            ApiError::Timeout {
                service: Service::Billing,
            },
            CallbackProblem::Exchange(ApiError::Timeout {
                service: Service::Billing,
            }),
        ),
    ] {
        let mut browser = browser_after_click();
        let mut flow = CallbackFlow::new(client());
        arrive(
            &mut browser,
            &mut flow,
            &format!("{REDIRECT}?code=c&state={ZERO_STATE}"),
        );
        browser.drive(&mut flow, CallbackEvent::Exchanged(Err(error)), NOW);
        assert_eq!(
            flow.phase(),
            &CallbackPhase::Failed {
                problem: expected,
                return_to: Some(location("/plans")),
            }
        );
        assert!(
            !browser
                .outside
                .iter()
                .any(|e| matches!(e, ShellEffect::Redirect(_))),
            "a failed sign-in stays on the page"
        );
    }
}

#[test]
fn a_second_arrival_and_a_late_answer_change_nothing() {
    let mut browser = browser_after_click();
    let mut flow = CallbackFlow::new(client());
    let href = format!("{REDIRECT}?code=c&state={ZERO_STATE}");
    arrive(&mut browser, &mut flow, &href);
    assert!(arrive(&mut browser, &mut flow, &href).is_empty());
    browser.drive(&mut flow, CallbackEvent::Exchanged(Err(http(503))), NOW);
    let failed = flow.phase().clone();
    let token = AccessToken::new("dal:late", 60, NOW, Vec::new());
    browser.drive(&mut flow, CallbackEvent::Exchanged(Ok(token)), NOW);
    assert_eq!(flow.phase(), &failed);
}
