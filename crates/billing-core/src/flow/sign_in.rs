//! Leaving for LiveChat's sign-in page as a state machine: the loop guard,
//! the record the callback needs, then the redirect (or, in a frame, the
//! sign-in window). The callback page's half is [`super::sign_in_callback`].
//!
//! Nothing is left half done: the redirect leaves only once its record is
//! saved, and a refused start closes the window it opened.

use url::Url;

use crate::domain::oauth::{
    AccessToken, AppLocation, AuthorizeError, FlowKind, OAuthClient, PendingSignIn, RedirectGuard,
    RedirectGuardError,
};

use super::{Effect, Env, Machine, Place, ShellAnswer, ShellEffect, WindowAnswer};

/// localStorage: the recent sign-in redirects of this browser (the loop
/// guard), shared by its tabs.
pub const REDIRECTS_KEY: &str = "billing-widget.oauth.redirects";

/// Whether a token should be handed to the next page of this tab: only one
/// the servers still accept.
pub fn should_hand_off(token: &AccessToken, rejected: bool, now_ms: u64) -> bool {
    !rejected && !token.is_expired(now_ms)
}

/// Why a sign-in could not start. Nothing was left half done: no record
/// saved without a redirect, no window left open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartProblem {
    /// Framed, and the browser refused the sign-in window.
    WindowBlocked,
    /// The loop guard: too many redirects lately.
    TooManyAttempts(RedirectGuardError),
    /// No `crypto.getRandomValues`: `state` and PKCE need it.
    NoSecureRandom,
    /// The app's OAuth settings cannot make an authorize address.
    Misconfigured(AuthorizeError),
    /// The record the callback needs could not be saved (site data blocked).
    CannotSave,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartPhase {
    Ready,
    /// Checking the guard, drawing randomness, saving the record.
    Preparing,
    /// The page is leaving for the sign-in page.
    Leaving,
    /// The sign-in page is open in its own window; this page stays, and a
    /// click starts again (the buyer may have closed that window).
    InWindow,
    Problem(StartProblem),
}

impl StartPhase {
    /// A click now would do nothing.
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Preparing | Self::Leaving)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum StartEvent {
    /// The user asks to sign in, then to come back to `return_to`; in a
    /// frame (LiveChat's sign-in page refuses to be framed) it opens in a
    /// window of its own.
    SignIn {
        return_to: AppLocation,
        framed: bool,
    },
    Shell(ShellAnswer),
}

impl From<ShellAnswer> for StartEvent {
    fn from(answer: ShellAnswer) -> Self {
        Self::Shell(answer)
    }
}

/// The sign-in flow makes no API request: everything is on this device
/// until the redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRequest {}

pub type StartEffect = Effect<NoRequest, StartEvent>;

/// Where a started sign-in stands between its effects.
#[derive(Debug, Clone)]
enum Step {
    Idle,
    Window,
    Guard,
    Random {
        guard: RedirectGuard,
    },
    Save {
        guard: RedirectGuard,
        authorize_url: Url,
    },
    Done,
}

/// Leaving for LiveChat's sign-in page.
#[derive(Debug, Clone)]
pub struct SignInFlow {
    client: OAuthClient,
    grant: FlowKind,
    phase: StartPhase,
    step: Step,
    return_to: AppLocation,
    framed: bool,
}

impl SignInFlow {
    pub fn new(client: OAuthClient, grant: FlowKind) -> Self {
        Self {
            client,
            grant,
            phase: StartPhase::Ready,
            step: Step::Idle,
            return_to: AppLocation::root(),
            framed: false,
        }
    }

    pub fn phase(&self) -> &StartPhase {
        &self.phase
    }

    fn fail(&mut self, problem: StartProblem) -> Vec<StartEffect> {
        self.phase = StartPhase::Problem(problem);
        self.step = Step::Idle;
        if self.framed {
            vec![ShellEffect::CloseWindow.into()]
        } else {
            Vec::new()
        }
    }

    fn read_guard(&mut self) -> Vec<StartEffect> {
        self.step = Step::Guard;
        vec![ShellEffect::Recall {
            place: Place::Browser,
            key: REDIRECTS_KEY,
            take: false,
        }
        .into()]
    }
}

impl Machine for SignInFlow {
    type Event = StartEvent;
    type Request = NoRequest;

    fn update(&mut self, event: StartEvent, env: &Env) -> Vec<StartEffect> {
        let now = env.now_ms;
        match (event, std::mem::replace(&mut self.step, Step::Idle)) {
            (StartEvent::SignIn { return_to, framed }, Step::Idle | Step::Done)
                if !self.phase.is_busy() =>
            {
                self.phase = StartPhase::Preparing;
                self.return_to = return_to;
                self.framed = framed;
                if framed {
                    self.step = Step::Window;
                    vec![ShellEffect::OpenWindow { url: None }.into()]
                } else {
                    self.read_guard()
                }
            }
            (StartEvent::Shell(ShellAnswer::Window(answer)), Step::Window) => match answer {
                WindowAnswer::Opened => self.read_guard(),
                WindowAnswer::Blocked => {
                    self.framed = false;
                    self.fail(StartProblem::WindowBlocked)
                }
            },
            (StartEvent::Shell(ShellAnswer::Recalled(stored)), Step::Guard) => {
                // A record that cannot be read counts as none: the guard
                // only ever slows sign-in down, it must never block it.
                let mut guard: RedirectGuard = stored
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default();
                match guard.record(now) {
                    Ok(()) => {
                        self.step = Step::Random { guard };
                        vec![ShellEffect::DrawRandomness.into()]
                    }
                    Err(error) => self.fail(StartProblem::TooManyAttempts(error)),
                }
            }
            (StartEvent::Shell(ShellAnswer::Randomness(random)), Step::Random { guard }) => {
                let Some(random) = random else {
                    return self.fail(StartProblem::NoSecureRandom);
                };
                let start = match self.client.begin_sign_in(
                    self.grant,
                    random.bytes(),
                    now,
                    self.return_to.clone(),
                ) {
                    Ok(start) => start,
                    Err(error) => return self.fail(StartProblem::Misconfigured(error)),
                };
                let Ok(record) = start.pending.to_json() else {
                    return self.fail(StartProblem::CannotSave);
                };
                self.step = Step::Save {
                    guard,
                    authorize_url: start.authorize_url,
                };
                vec![ShellEffect::Remember {
                    place: Place::Tab,
                    key: PendingSignIn::STORAGE_KEY,
                    value: record,
                }
                .into()]
            }
            (
                StartEvent::Shell(ShellAnswer::Remembered(saved)),
                Step::Save {
                    guard,
                    authorize_url,
                },
            ) => {
                if !saved {
                    return self.fail(StartProblem::CannotSave);
                }
                self.step = Step::Done;
                let mut effects = Vec::new();
                if let Ok(json) = serde_json::to_string(&guard) {
                    effects.push(
                        ShellEffect::Remember {
                            place: Place::Browser,
                            key: REDIRECTS_KEY,
                            value: json,
                        }
                        .into(),
                    );
                }
                if self.framed {
                    self.phase = StartPhase::InWindow;
                    effects.push(ShellEffect::ShowInWindow(authorize_url).into());
                } else {
                    self.phase = StartPhase::Leaving;
                    effects.push(ShellEffect::Leave(authorize_url).into());
                }
                effects
            }
            // A click while preparing, the guard's own save answered, or an
            // answer this step did not ask for.
            (_, step) => {
                self.step = step;
                Vec::new()
            }
        }
    }
}
