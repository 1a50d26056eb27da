//! Signing in with LiveChat: the signed-in state every page reads, the
//! sign-in buttons and the callback page. The flows themselves are
//! `flow::sign_in` and `flow::sign_in_callback`; the token's hand-off
//! between pages is `web::session`.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::components::{router_navigate, set_if_changed};
use super::lazy_pages::ChunkLoadError;
use super::services::Services;
use crate::api::ApiError;
use crate::domain::oauth::{AccessToken, AppLocation};
use crate::flow::sign_in::{should_hand_off, SignInFlow, StartEvent, StartPhase, StartProblem};
use crate::flow::sign_in_callback::{CallbackEvent, CallbackFlow, CallbackPhase, CallbackProblem};
use crate::i18n::{locale, t};
use crate::web::runner::{Drive, Hooks, Runner};
use crate::web::{dom, popup, session};

/// Where the user stands with LiveChat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInStatus {
    SignedOut,
    /// There was a token, but it ran out or the server refused it.
    Expired,
    SignedIn(AccessToken),
}

/// The signed-in state, shared through context.
#[derive(Clone, Copy)]
pub struct Auth {
    token: RwSignal<Option<AccessToken>>,
    /// Set when a server answered 401: the token is no longer accepted.
    rejected: RwSignal<bool>,
}

impl Auth {
    /// Picks up the token the previous page of this tab handed over, and
    /// arranges to hand it to the next one.
    pub fn install() -> Self {
        let auth = Self {
            token: RwSignal::new(session::take_handed_off()),
            rejected: RwSignal::new(false),
        };
        session::hand_off_on_page_hide(move || {
            let token = auth.token.get_untracked()?;
            should_hand_off(&token, auth.rejected.get_untracked(), dom::now_ms()).then_some(token)
        });
        auth
    }

    /// Reactive: re-evaluates when the token changes.
    pub fn status(&self) -> SignInStatus {
        match self.token.get() {
            None => SignInStatus::SignedOut,
            Some(_) if self.rejected.get() => SignInStatus::Expired,
            Some(token) if token.is_expired(dom::now_ms()) => SignInStatus::Expired,
            Some(token) => SignInStatus::SignedIn(token),
        }
    }

    /// A usable token now, untracked: for event handlers and tasks.
    pub fn current(&self) -> Option<AccessToken> {
        if self.rejected.get_untracked() {
            return None;
        }
        self.token
            .get_untracked()
            .filter(|t| !t.is_expired(dom::now_ms()))
    }

    pub fn signed_in(&self, token: AccessToken) {
        self.rejected.set(false);
        self.token.set(Some(token));
    }

    /// A server said 401: ask for a new sign-in wherever a token is needed.
    pub fn reject(&self) {
        self.rejected.set(true);
    }

    /// Inspects an API error: a 401 marks the token as rejected.
    pub fn note_error(&self, error: &ApiError) {
        if error.status() == Some(401) {
            self.reject();
        }
    }

    /// Forgets the token here at once and revokes it in the background.
    pub fn sign_out(&self, services: &Services) {
        let token = self.token.get_untracked();
        self.token.set(None);
        self.rejected.set(false);
        session::forget_handed_off();
        if let Some(token) = token {
            session::revoke(services.transport, services.oauth.clone(), token);
        }
    }
}

/// One sign-in button's flow ([`SignInFlow`]). Its runner is made by the
/// sign-in code, which in the build split by route is a wasm chunk of its
/// own (`sign_in`): fetched once a signed-out page is idle
/// ([`prefetch_sign_in`]), and at the latest by the click. The flow's
/// problems are worded there too, so the first screen holds only
/// [`Shown`].
#[derive(Clone, Copy)]
pub struct SignIn {
    shown: RwSignal<Shown>,
    driver: StoredValue<Option<StartDriver>, LocalStorage>,
    services: StoredValue<Services>,
}

/// What a sign-in button shows of its flow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    busy: bool,
    problem: Option<String>,
}

impl SignIn {
    pub fn new(services: Services) -> Self {
        let sign_in = Self {
            shown: RwSignal::new(Shown::default()),
            driver: StoredValue::new_local(None),
            services: StoredValue::new(services),
        };
        on_cleanup(move || {
            if let Some(Some(driver)) = sign_in.driver.try_get_value() {
                driver.stop();
            }
        });
        sign_in
    }

    /// Reactive: the button is disabled while this is true.
    pub fn is_busy(&self) -> bool {
        self.shown.with(|shown| shown.busy)
    }

    /// Reactive: why the last click could not sign in.
    pub fn problem(&self) -> Option<String> {
        self.shown.with(|shown| shown.problem.clone())
    }

    /// Leaves for the sign-in page, to come back to `return_to`.
    pub fn start(self, return_to: AppLocation) {
        let framed = dom::is_framed();
        let event = StartEvent::SignIn { return_to, framed };
        if let Some(driver) = self.driver.get_value() {
            driver.dispatch(event);
            return;
        }
        // LiveChat's sign-in page refuses to be framed, so in a frame it
        // opens in a window, which only this click may open: open it now,
        // before waiting for the sign-in code.
        let ready_window = if framed { popup::open_blank() } else { None };
        self.shown.set(Shown {
            busy: true,
            problem: None,
        });
        spawn_local(async move {
            let Ok(code) = sign_in_code().await else {
                if let Some(window) = &ready_window {
                    popup::close(window);
                }
                self.shown.try_set(Shown {
                    busy: false,
                    problem: Some(t().sign_in_not_loaded.to_owned()),
                });
                return;
            };
            let Some(services) = self.services.try_get_value() else {
                return;
            };
            let driver = (code.start)(services, self.shown, ready_window);
            self.driver.try_set_value(Some(Rc::clone(&driver)));
            driver.dispatch(event);
        });
    }
}

/// A started sign-in flow.
type StartDriver = Rc<dyn Drive<StartEvent>>;

/// The sign-in code.
#[derive(Clone, Copy)]
struct SignInCode {
    start: fn(Services, RwSignal<Shown>, Option<web_sys::Window>) -> StartDriver,
}

const SIGN_IN_CODE: SignInCode = SignInCode {
    start: |services, shown, ready_window| {
        let hooks = Hooks {
            changed: Box::new(move |flow: &SignInFlow| {
                let phase = flow.phase();
                let problem = match phase {
                    StartPhase::Problem(problem) => Some(start_problem_message(problem)),
                    _ => None,
                };
                set_if_changed(
                    shown,
                    Shown {
                        busy: phase.is_busy(),
                        problem,
                    },
                );
            }),
            sign_in_again: Box::new(|| {}),
            navigate: None,
        };
        let runner = Runner::new(SignInFlow::new(services.oauth, services.flow), hooks);
        if let Some(window) = ready_window {
            runner.with_ready_window(window);
        }
        Rc::new(runner)
    },
};

fn start_problem_message(problem: &StartProblem) -> String {
    let m = t();
    match problem {
        StartProblem::WindowBlocked => m.sign_in_window_blocked.to_owned(),
        StartProblem::TooManyAttempts(refusal) => refusal.message_in(locale()),
        StartProblem::NoSecureRandom => m.no_secure_random.to_owned(),
        StartProblem::Misconfigured(error) => error.to_string(),
        StartProblem::CannotSave => m.site_data_blocked.to_owned(),
    }
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(sign_in, wasm_split_path = ::leptos::wasm_split, fallible)]
fn sign_in_code() -> Result<SignInCode, ChunkLoadError> {
    Ok(SIGN_IN_CODE)
}

#[cfg(not(feature = "split"))]
async fn sign_in_code() -> Result<SignInCode, ChunkLoadError> {
    Ok(SIGN_IN_CODE)
}

/// Fetches the sign-in code in the background, so the click does not wait.
pub fn prefetch_sign_in() {
    spawn_local(async {
        let _ = sign_in_code().await;
    });
}

/// The current page as a place to come back to after signing in.
pub fn here() -> AppLocation {
    dom::current_url()
        .map(|url| AppLocation::from_url(&url))
        .unwrap_or_else(AppLocation::root)
}

/// Shown where a page needs a sign-in: why, and a button that starts one and
/// comes back here.
#[component]
pub fn SignInPrompt(
    /// What signing in gives access to, e.g. "to buy", "to see your charges".
    #[prop(into)]
    purpose: String,
) -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let sign_in = SignIn::new(services);
    let expired = move || auth.status() == SignInStatus::Expired;
    view! {
        <section class="card sign-in-prompt" data-testid="sign-in-prompt">
            <h2>{move || if expired() { t().sign_in_expired } else { t().sign_in_with_livechat }}</h2>
            <p>
                {move || if expired() { t().sign_in_again_to } else { t().sign_in_with_account_to }}
                {purpose.clone()}
                "."
            </p>
            <button
                type="button"
                class="button-primary"
                data-testid="sign-in"
                disabled=move || sign_in.is_busy()
                on:click=move |_| sign_in.start(here())
            >
                {move || if sign_in.is_busy() { t().opening_sign_in } else { t().sign_in_with_livechat }}
            </button>
            <SignInProblem sign_in/>
        </section>
    }
}

/// Why the last click on a sign-in button did not leave, if it did not.
#[component]
pub fn SignInProblem(sign_in: SignIn) -> impl IntoView {
    view! {
        <Show when=move || sign_in.problem().is_some()>
            <p class="field-error" role="alert" data-testid="sign-in-problem">
                {move || sign_in.problem()}
            </p>
        </Show>
    }
}

/// The signed-in line under the header: state and sign-out.
#[component]
pub fn SessionBar() -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    // Signed out, the next click is likely "Sign in": its code comes first.
    if auth.current().is_none() {
        dom::when_idle(prefetch_sign_in);
    }
    let scopes = move || match auth.status() {
        SignInStatus::SignedIn(token) => token
            .scopes()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    };
    view! {
        <Show when=move || matches!(auth.status(), SignInStatus::SignedIn(_))>
            <div class="session-bar" data-testid="session-bar">
                <span>
                    {t().signed_in_with_livechat}
                    <span class="terms" data-testid="session-scopes">" · " {scopes}</span>
                </span>
                <button
                    type="button"
                    class="button-link"
                    data-testid="sign-out"
                    on:click={
                        let services = services.clone();
                        move |_| {
                            auth.sign_out(&services);
                            // The button goes with the session bar.
                            dom::focus_main();
                        }
                    }
                >
                    {t().sign_out}
                </button>
            </div>
        </Show>
    }
}

/// `/auth/callback`: the page of [`CallbackFlow`]. In a sign-in window of
/// the widget it only hands the answer to the widget and closes.
#[component]
pub fn SignInCallback() -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    if popup::relay_landing() {
        return view! {
            <p class="card" data-testid="sign-in-relayed">
                {t().signed_in_relayed}
            </p>
        }
        .into_any();
    }

    let phase = RwSignal::new(CallbackPhase::Working);
    let hooks = Hooks {
        changed: Box::new(move |flow: &CallbackFlow| {
            if let CallbackPhase::SignedIn(token) = flow.phase() {
                // Before the flow goes back: the next page reads it.
                auth.signed_in(token.clone());
            }
            set_if_changed(phase, flow.phase().clone());
        }),
        sign_in_again: Box::new(|| {}),
        navigate: Some(router_navigate()),
    };
    let runner = Runner::new(CallbackFlow::new(services.oauth.clone()), hooks);
    let stored = StoredValue::new_local(runner.clone());
    on_cleanup(move || {
        stored.try_with_value(Runner::stop);
    });
    runner.restart(
        session::callback_requests(services.transport, services.oauth.clone()),
        CallbackEvent::Arrived(dom::current_url()),
    );

    view! {
        <div data-testid="page-sign-in-callback">
            <header class="page-header">
                <h1>{t().signing_in}</h1>
                <p class="lead">{t().finishing_sign_in}</p>
            </header>
            {move || match phase.get() {
                CallbackPhase::Working | CallbackPhase::SignedIn(_) => view! {
                    <super::shell::Loading label=t().signing_you_in/>
                }.into_any(),
                CallbackPhase::NothingToDo => view! {
                    <p class="empty-state" data-testid="empty-state">{t().no_sign_in}</p>
                    <a href="/">{t().back_to_shop}</a>
                }.into_any(),
                CallbackPhase::Failed { problem, return_to } => view! {
                    <SignInFailed message=callback_problem_message(&problem) return_to/>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

fn callback_problem_message(problem: &CallbackProblem) -> String {
    match problem {
        CallbackProblem::SignIn(error) => error.message_in(locale()),
        CallbackProblem::CodeRefused => t().sign_in_rejected.to_owned(),
        CallbackProblem::Exchange(error) => error.user_message_in(locale()),
    }
}

#[component]
fn SignInFailed(message: String, return_to: Option<AppLocation>) -> impl IntoView {
    let services = expect_context::<Services>();
    let sign_in = SignIn::new(services);
    let back = return_to
        .clone()
        .map(|l| l.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let retry = move |_| sign_in.start(return_to.clone().unwrap_or_else(AppLocation::root));
    view! {
        <section class="card error-card" role="alert" data-testid="sign-in-failed">
            <h2>{t().sign_in_failed}</h2>
            <p data-testid="sign-in-failed-message">{message}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button-primary"
                    data-testid="sign-in-again"
                    disabled=move || sign_in.is_busy()
                    on:click=retry
                >
                    {t().sign_in_again}
                </button>
                <a href=back class="button-secondary" data-testid="sign-in-back">{t().go_back}</a>
            </div>
            <SignInProblem sign_in/>
        </section>
    }
}
