//! Finishing a sign-in on `/auth/callback` as a state machine: the answer
//! leaves the address bar at once, the saved record is taken (used once, so
//! a replayed answer finds nothing pending), `state` is checked, a code is
//! exchanged, and the user goes back where the sign-in started.

use url::Url;

use crate::api::ApiError;
use crate::domain::oauth::{
    clean_callback_url, AccessToken, AppLocation, Callback, CallbackError, OAuthClient,
    PendingSignIn, SignInError, SignInNext, TokenRequest,
};

use super::{Effect, Env, Machine, Place, ShellAnswer, ShellEffect};

/// Why the callback could not sign in.
#[derive(Debug, Clone, PartialEq)]
pub enum CallbackProblem {
    /// The answer, the record or their match (state, flow) was wrong.
    SignIn(SignInError),
    /// The accounts server refused the code (400 or 401).
    CodeRefused,
    /// The code could not be exchanged (network, server error).
    Exchange(ApiError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallbackPhase {
    Working,
    /// The page was opened without a sign-in answer.
    NothingToDo,
    /// Signed in: the page hands the token over, and the flow goes back.
    SignedIn(AccessToken),
    Failed {
        problem: CallbackProblem,
        /// Where the sign-in was started, to go back or try again from.
        return_to: Option<AppLocation>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackRequest {
    /// Answered with [`CallbackEvent::Exchanged`].
    ExchangeCode(TokenRequest),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CallbackEvent {
    /// The page loaded at `url` (`None`: the address could not be read).
    Arrived(Option<Url>),
    Exchanged(Result<AccessToken, ApiError>),
    Shell(ShellAnswer),
}

impl From<ShellAnswer> for CallbackEvent {
    fn from(answer: ShellAnswer) -> Self {
        Self::Shell(answer)
    }
}

pub type CallbackEffect = Effect<CallbackRequest, CallbackEvent>;

/// `/auth/callback`: reads the answer and removes it from the address bar
/// at once, takes the saved record (used once), checks `state`, exchanges
/// a code, and goes back where the user was.
#[derive(Debug, Clone)]
pub struct CallbackFlow {
    client: OAuthClient,
    phase: CallbackPhase,
    /// The answer read from the address, until the record arrives.
    callback: Option<Result<Callback, CallbackError>>,
    return_to: Option<AppLocation>,
    /// The page's address was read: a second arrival is ignored.
    arrived: bool,
}

impl CallbackFlow {
    pub fn new(client: OAuthClient) -> Self {
        Self {
            client,
            phase: CallbackPhase::Working,
            callback: None,
            return_to: None,
            arrived: false,
        }
    }

    pub fn phase(&self) -> &CallbackPhase {
        &self.phase
    }

    fn signed_in(&mut self, token: AccessToken, return_to: AppLocation) -> Vec<CallbackEffect> {
        self.phase = CallbackPhase::SignedIn(token);
        // The callback page only passes through: Back must not return to it.
        vec![ShellEffect::Redirect(return_to.as_str().to_owned()).into()]
    }

    fn failed(
        &mut self,
        problem: CallbackProblem,
        return_to: Option<AppLocation>,
    ) -> Vec<CallbackEffect> {
        self.phase = CallbackPhase::Failed { problem, return_to };
        Vec::new()
    }

    /// What the answer and the saved record mean together.
    fn decide(
        &self,
        callback: Result<Callback, CallbackError>,
        stored: Option<String>,
        now: u64,
    ) -> SignInNext {
        let stored = stored.map(|json| PendingSignIn::from_json(&json, now));
        match (callback, stored) {
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
                self.client.finish_sign_in(callback, Some(&pending), now)
            }
            (Ok(callback), None) => self.client.finish_sign_in(callback, None, now),
        }
    }
}

impl Machine for CallbackFlow {
    type Event = CallbackEvent;
    type Request = CallbackRequest;

    fn update(&mut self, event: CallbackEvent, env: &Env) -> Vec<CallbackEffect> {
        match event {
            CallbackEvent::Arrived(url) if self.callback.is_none() && !self.arrived => {
                self.arrived = true;
                let mut effects = Vec::new();
                let callback = match &url {
                    Some(url) => {
                        let clean = clean_callback_url(url);
                        let path = match clean.query() {
                            Some(query) => format!("{}?{query}", clean.path()),
                            None => clean.path().to_owned(),
                        };
                        effects.push(ShellEffect::ReplaceAddress(path).into());
                        Callback::from_url(url)
                    }
                    None => Err(CallbackError::InvalidUrl),
                };
                if callback == Ok(Callback::None) {
                    // No answer here: a sign-in that is under way elsewhere
                    // keeps its record until it expires.
                    self.phase = CallbackPhase::NothingToDo;
                    return effects;
                }
                self.callback = Some(callback);
                effects.push(
                    ShellEffect::Recall {
                        place: Place::Tab,
                        key: PendingSignIn::STORAGE_KEY,
                        take: true,
                    }
                    .into(),
                );
                effects
            }
            CallbackEvent::Shell(ShellAnswer::Recalled(stored)) if self.callback.is_some() => {
                let Some(callback) = self.callback.take() else {
                    return Vec::new();
                };
                match self.decide(callback, stored, env.now_ms) {
                    SignInNext::NothingToDo => {
                        self.phase = CallbackPhase::NothingToDo;
                        Vec::new()
                    }
                    SignInNext::SignedIn { token, return_to } => self.signed_in(token, return_to),
                    SignInNext::Failed { error, return_to } => {
                        self.failed(CallbackProblem::SignIn(error), return_to)
                    }
                    SignInNext::ExchangeCode { request, return_to } => {
                        self.return_to = Some(return_to);
                        vec![Effect::Send(CallbackRequest::ExchangeCode(request))]
                    }
                }
            }
            CallbackEvent::Exchanged(answer) if self.phase == CallbackPhase::Working => {
                let Some(return_to) = self.return_to.clone() else {
                    return Vec::new();
                };
                match answer {
                    Ok(token) => self.signed_in(token, return_to),
                    Err(error) => {
                        let problem = match error.status() {
                            Some(400 | 401) => CallbackProblem::CodeRefused,
                            _ => CallbackProblem::Exchange(error),
                        };
                        self.failed(problem, Some(return_to))
                    }
                }
            }
            _ => Vec::new(),
        }
    }
}
