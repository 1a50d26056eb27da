//! Signing in with LiveChat: starting the redirect, finishing it on the
//! callback page, and keeping the token.
//!
//! The token lives in memory. It is written to this tab's sessionStorage
//! only while no page runs (on `pagehide`) and read back and removed as the
//! next page starts, so it survives the confirmation round trip and a reload
//! without sitting in storage while the app runs.

use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::lazy_pages::ChunkLoadError;
use super::services::Services;
use crate::api::{accounts, ApiError};
use crate::domain::oauth::{
    clean_callback_url, AccessToken, AppLocation, Callback, PendingSignIn, RedirectGuard,
    SignInError, SignInNext,
};
use crate::i18n::{locale, t};
use crate::web::storage::{self, Area};
use crate::web::{dom, popup, random};

/// sessionStorage key of the token between two pages of the same tab.
pub const HANDOFF_KEY: &str = "billing-widget.oauth.handoff";
/// localStorage key of recent sign-in redirects (the loop guard).
pub const REDIRECTS_KEY: &str = "billing-widget.oauth.redirects";

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
        let restored = storage::take(Area::Session, HANDOFF_KEY)
            .and_then(|json| serde_json::from_str::<AccessToken>(&json).ok());
        let auth = Self {
            token: RwSignal::new(restored),
            rejected: RwSignal::new(false),
        };
        // The handles are kept for the life of the page, which is the app's.
        let _ = window_event_listener(ev::pagehide, move |_| auth.hand_off());
        // Back from the back/forward cache: the page runs again, so the
        // stored copy must go.
        let _ = window_event_listener(ev::pageshow, move |_| {
            storage::remove(Area::Session, HANDOFF_KEY)
        });
        auth
    }

    fn hand_off(&self) {
        let token = self.token.get_untracked();
        match token.filter(|t| !t.is_expired(dom::now_ms())) {
            Some(token) if !self.rejected.get_untracked() => {
                if let Ok(json) = serde_json::to_string(&token) {
                    storage::set(Area::Session, HANDOFF_KEY, &json);
                }
            }
            _ => storage::remove(Area::Session, HANDOFF_KEY),
        }
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
        storage::remove(Area::Session, HANDOFF_KEY);
        if let Some(token) = token {
            let services = services.clone();
            spawn_local(async move {
                accounts::revoke(&services.transport, &services.oauth, &token).await;
            });
        }
    }
}

/// Leaves for the sign-in page, remembering `return_to`; `on_problem` hears
/// why it could not (at most two redirects per 30 s, blocked storage or
/// popup, the sign-in code unreachable), and nothing is left half done.
///
/// The code that prepares the redirect (PKCE, the loop guard, the
/// authorization address) is a chunk of its own, `sign_in` in the build
/// split by route: fetched once a signed-out page is idle, and at the
/// latest by this click.
pub fn start_sign_in(
    services: &Services,
    return_to: AppLocation,
    on_problem: impl FnOnce(String) + 'static,
) {
    // LiveChat's sign-in page refuses to be framed: in a frame it opens in
    // a popup, which only this click may open.
    let popup = if dom::is_framed() {
        match popup::open_blank() {
            Some(popup) => Some(popup),
            None => return on_problem(t().sign_in_window_blocked.to_owned()),
        }
    } else {
        None
    };
    let services = services.clone();
    spawn_local(async move {
        let outcome = match sign_in_flow().await {
            Ok(leave) => leave(&services, return_to, popup.as_ref()),
            Err(ChunkLoadError) => Err(t().sign_in_not_loaded.to_owned()),
        };
        if let Err(message) = outcome {
            if let Some(popup) = &popup {
                popup::close(popup);
            }
            on_problem(message);
        }
    });
}

/// Fetches the sign-in code in the background, so the click does not wait.
pub fn prefetch_sign_in() {
    spawn_local(async {
        let _ = sign_in_flow().await;
    });
}

/// Prepares the redirect and leaves, in `popup` when framed.
type LeaveForSignIn = fn(&Services, AppLocation, Option<&web_sys::Window>) -> Result<(), String>;

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(sign_in, wasm_split_path = ::leptos::wasm_split, fallible)]
fn sign_in_flow() -> Result<LeaveForSignIn, ChunkLoadError> {
    Ok(leave_for_sign_in)
}

#[cfg(not(feature = "split"))]
async fn sign_in_flow() -> Result<LeaveForSignIn, ChunkLoadError> {
    Ok(leave_for_sign_in)
}

fn leave_for_sign_in(
    services: &Services,
    return_to: AppLocation,
    popup: Option<&web_sys::Window>,
) -> Result<(), String> {
    let now = dom::now_ms();
    let mut guard: RedirectGuard = storage::get(Area::Local, REDIRECTS_KEY)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    guard.record(now).map_err(|e| e.message_in(locale()))?;
    let random = random::sign_in_randomness().ok_or_else(|| t().no_secure_random.to_owned())?;
    let start = services
        .oauth
        .begin_sign_in(services.flow, &random, now, return_to)
        .map_err(|e| e.to_string())?;
    let saved = start
        .pending
        .to_json()
        .ok()
        .is_some_and(|json| storage::set(Area::Session, PendingSignIn::STORAGE_KEY, &json));
    if !saved {
        return Err(t().site_data_blocked.to_owned());
    }
    if let Ok(json) = serde_json::to_string(&guard) {
        storage::set(Area::Local, REDIRECTS_KEY, &json);
    }
    match popup {
        Some(popup) => popup::send_to(popup, &start.authorize_url),
        None => dom::navigate_to(&start.authorize_url),
    }
    Ok(())
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
    let (problem, set_problem) = signal(None::<String>);
    let (leaving, set_leaving) = signal(false);
    let expired = move || auth.status() == SignInStatus::Expired;
    let on_click = move |_| {
        set_leaving.set(true);
        start_sign_in(&services, here(), move |message| {
            set_problem.set(Some(message));
            set_leaving.set(false);
        });
    };
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
                disabled=move || leaving.get()
                on:click=on_click
            >
                {move || if leaving.get() { t().opening_sign_in } else { t().sign_in_with_livechat }}
            </button>
            <Show when=move || problem.get().is_some()>
                <p class="field-error" role="alert" data-testid="sign-in-problem">
                    {move || problem.get()}
                </p>
            </Show>
        </section>
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

/// What the callback page shows.
#[derive(Debug, Clone, PartialEq)]
enum CallbackState {
    Working,
    /// The page was opened without a sign-in answer.
    Nothing,
    Failed {
        message: String,
        return_to: Option<AppLocation>,
    },
}

/// `/auth/callback`: reads the answer, removes it from the address bar at
/// once, checks `state`, exchanges a code, and goes back where the user was.
#[component]
pub fn SignInCallback() -> impl IntoView {
    let services = expect_context::<Services>();
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let now = dom::now_ms();
    if popup::relay_landing() {
        return view! {
            <p class="card" data-testid="sign-in-relayed">
                {t().signed_in_relayed}
            </p>
        }
        .into_any();
    }

    let url = dom::current_url();
    if let Some(url) = &url {
        let clean = clean_callback_url(url);
        let path = match clean.query() {
            Some(query) => format!("{}?{query}", clean.path()),
            None => clean.path().to_owned(),
        };
        dom::replace_address(&path);
    }
    // Used once: a replayed answer finds nothing pending.
    let stored = storage::take(Area::Session, PendingSignIn::STORAGE_KEY)
        .map(|json| PendingSignIn::from_json(&json, now));

    let callback = match url {
        Some(url) => Callback::from_url(&url),
        None => Err(crate::domain::oauth::CallbackError::InvalidUrl),
    };
    let next = match (callback, stored) {
        (Ok(Callback::None), _) => SignInNext::NothingToDo,
        (Err(error), stored) => SignInNext::Failed {
            error: error.into(),
            return_to: stored.and_then(Result::ok).map(|p| p.return_to),
        },
        (Ok(_), Some(Err(error))) => SignInNext::Failed {
            error: SignInError::Pending(error),
            return_to: None,
        },
        (Ok(callback), Some(Ok(pending))) => {
            services.oauth.finish_sign_in(callback, Some(&pending), now)
        }
        (Ok(callback), None) => services.oauth.finish_sign_in(callback, None, now),
    };

    let state = RwSignal::new(CallbackState::Working);
    let go = move |to: AppLocation| {
        navigate(
            to.as_str(),
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    };
    match next {
        SignInNext::NothingToDo => state.set(CallbackState::Nothing),
        SignInNext::SignedIn { token, return_to } => {
            auth.signed_in(token);
            go(return_to);
        }
        SignInNext::Failed { error, return_to } => state.set(CallbackState::Failed {
            message: error.message_in(locale()),
            return_to,
        }),
        SignInNext::ExchangeCode { request, return_to } => {
            let services = services.clone();
            spawn_local(async move {
                match accounts::exchange_code(
                    &services.transport,
                    &services.oauth,
                    &request,
                    dom::now_ms(),
                )
                .await
                {
                    Ok(token) => {
                        auth.signed_in(token);
                        go(return_to);
                    }
                    Err(error) => state.set(CallbackState::Failed {
                        message: exchange_failure(&error),
                        return_to: Some(return_to),
                    }),
                }
            });
        }
    }

    view! {
        <div data-testid="page-sign-in-callback">
            <header class="page-header">
                <h1>{t().signing_in}</h1>
                <p class="lead">{t().finishing_sign_in}</p>
            </header>
            {move || match state.get() {
                CallbackState::Working => view! {
                    <super::shell::Loading label=t().signing_you_in/>
                }.into_any(),
                CallbackState::Nothing => view! {
                    <p class="empty-state" data-testid="empty-state">{t().no_sign_in}</p>
                    <a href="/">{t().back_to_shop}</a>
                }.into_any(),
                CallbackState::Failed { message, return_to } => view! {
                    <SignInFailed message return_to/>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

fn exchange_failure(error: &ApiError) -> String {
    match error.status() {
        Some(400 | 401) => t().sign_in_rejected.to_owned(),
        _ => error.user_message_in(locale()),
    }
}

#[component]
fn SignInFailed(message: String, return_to: Option<AppLocation>) -> impl IntoView {
    let services = expect_context::<Services>();
    let (problem, set_problem) = signal(None::<String>);
    let back = return_to
        .clone()
        .map(|l| l.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let retry = move |_| {
        let target = return_to.clone().unwrap_or_else(AppLocation::root);
        start_sign_in(&services, target, move |message| {
            set_problem.set(Some(message))
        });
    };
    view! {
        <section class="card error-card" role="alert" data-testid="sign-in-failed">
            <h2>{t().sign_in_failed}</h2>
            <p data-testid="sign-in-failed-message">{message}</p>
            <div class="actions">
                <button type="button" class="button-primary" data-testid="sign-in-again" on:click=retry>
                    {t().sign_in_again}
                </button>
                <a href=back class="button-secondary" data-testid="sign-in-back">{t().go_back}</a>
            </div>
            <Show when=move || problem.get().is_some()>
                <p class="field-error" role="alert" data-testid="sign-in-problem">{move || problem.get()}</p>
            </Show>
        </section>
    }
}
