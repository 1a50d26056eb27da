//! Multi-step flows as pure state machines.
//!
//! A flow is a [`Machine`]: `update(&mut self, event, &env) -> effects`.
//! The machine decides; the shell's one runner performs the [`Effect`]s
//! (requests, waits, cross-tab locks, the activation log, a new sign-in)
//! and feeds their answers back as events. Time, randomness, visibility and
//! connectivity arrive in [`Env`] with every event, so a test drives a
//! whole flow, faults included, with no browser and no clock.

pub mod charge_return;
pub mod crypto_payment;
pub mod crypto_start;
pub mod plan_save;
mod poller;
pub mod purchase;
pub mod sign_in;
pub mod sign_in_callback;
pub mod subscription_cancel;

pub use poller::PAUSED_RECHECK_MS;

use url::Url;

use crate::api::ApiError;
use crate::domain::charge::ChargeKind;
use crate::domain::checkout::{ActivationState, ClaimRefused};
use crate::domain::oauth::SignInRandomness;
use crate::domain::polling::PollOutcome;

/// What the shell observed when it delivered an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Env {
    /// Device time, in milliseconds since the Unix epoch.
    pub now_ms: u64,
    /// A uniform random sample for the polling jitter.
    pub jitter_sample: u32,
    /// The page is visible (not a background tab).
    pub visible: bool,
    /// The browser believes it is online.
    pub online: bool,
}

impl Env {
    /// A visible, online page at `now_ms` with no jitter.
    pub fn at(now_ms: u64) -> Self {
        Self {
            now_ms,
            jitter_sample: 0,
            visible: true,
            online: true,
        }
    }
}

/// A flow the shell's runner can drive.
pub trait Machine {
    /// What happens to the flow: the page's input and the effects' answers.
    type Event: From<ShellAnswer> + 'static;
    /// The API requests this flow makes.
    type Request: 'static;

    fn update(&mut self, event: Self::Event, env: &Env) -> Vec<Effect<Self::Request, Self::Event>>;
}

/// Work for the shell: a flow's own request, a wait that ends in one of
/// its events, or one of the effects every flow shares.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect<Request, Event> {
    /// Send an API request; its answer comes back as an event.
    Send(Request),
    /// Deliver `then` after `ms` milliseconds (never, once the page is left
    /// or the flow restarted).
    After {
        ms: u64,
        then: Event,
    },
    Shell(ShellEffect),
}

impl<Request, Event> From<ShellEffect> for Effect<Request, Event> {
    fn from(effect: ShellEffect) -> Self {
        Self::Shell(effect)
    }
}

/// The effects that are the same for every flow; those that are answered
/// come back as a [`ShellAnswer`].
#[derive(Debug, Clone, PartialEq)]
pub enum ShellEffect {
    /// Take the cross-tab lock `name` without waiting; answered with
    /// [`LockAnswer::Held`], [`LockAnswer::Busy`] or
    /// [`LockAnswer::Unsupported`]. A held lock is kept until
    /// [`ShellEffect::ReleaseLock`], a restart or the page is left.
    TryLock { name: String },
    /// Wait until no tab holds the lock `name`; answered with
    /// [`LockAnswer::Freed`].
    WaitForLock { name: String },
    /// Let go of the lock this flow holds, if any.
    ReleaseLock,
    /// Read or change this browser's activation log (shared by its tabs);
    /// see [`ActivationChange`] for which changes are answered.
    Activations(ActivationChange),
    /// The server refused the token: ask for a new sign-in.
    SignInAgain,
    /// Open a window now, while the buyer's click still allows one: at
    /// `url`, or empty to be sent somewhere later. Answered with a
    /// [`WindowAnswer`]; the flow keeps it until [`ShellEffect::CloseWindow`].
    OpenWindow { url: Option<Url> },
    /// Send the window this run opened to `url`.
    ShowInWindow(Url),
    /// Close the window this run opened.
    CloseWindow,
    /// This page leaves for `url`, outside the widget.
    Leave(Url),
    /// Go to the widget's route `path` (a new history entry).
    Navigate(String),
    /// Go to the widget's route `path` in place of this page, which only
    /// passes through (Back skips it).
    Redirect(String),
    /// Show `path` as this page's address (no new history entry), so a
    /// reload comes back to the same view.
    ReplaceAddress(String),
    /// Keep `value` under `key` in `place`; answered with
    /// [`ShellAnswer::Remembered`].
    Remember {
        place: Place,
        key: &'static str,
        value: String,
    },
    /// Read what `place` keeps under `key`, and with `take` remove it
    /// (a value used once); answered with [`ShellAnswer::Recalled`].
    Recall {
        place: Place,
        key: &'static str,
        take: bool,
    },
    /// Draw fresh secure randomness for a sign-in; answered with
    /// [`ShellAnswer::Randomness`].
    DrawRandomness,
}

/// Where the shell keeps a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// This tab, until it closes (sessionStorage).
    Tab,
    /// This browser, shared by its tabs (localStorage).
    Browser,
}

/// Secure random bytes the shell drew for one sign-in; `Debug` does not
/// show them.
#[derive(Clone)]
pub struct Randomness(SignInRandomness);

impl Randomness {
    pub fn new(random: SignInRandomness) -> Self {
        Self(random)
    }

    pub fn bytes(&self) -> &SignInRandomness {
        &self.0
    }
}

impl std::fmt::Debug for Randomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Randomness(<redacted>)")
    }
}

impl PartialEq for Randomness {
    fn eq(&self, other: &Self) -> bool {
        self.0.state == other.0.state && self.0.verifier == other.0.verifier
    }
}

impl Eq for Randomness {}

/// The answer to one of the effects every flow may ask for (the runner
/// turns it into the flow's event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShellAnswer {
    Lock(LockAnswer),
    Activation(ActivationAnswer),
    Window(WindowAnswer),
    /// Whether the value was kept (storage may be blocked or full).
    Remembered(bool),
    /// The value kept under the key, if any.
    Recalled(Option<String>),
    /// `None`: the browser has no secure random source.
    Randomness(Option<Randomness>),
}

/// The answer to [`ShellEffect::OpenWindow`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowAnswer {
    Opened,
    /// The browser refused a new window.
    Blocked,
}

/// The answer to [`ShellEffect::TryLock`] and [`ShellEffect::WaitForLock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockAnswer {
    Held,
    /// Another tab holds it.
    Busy,
    /// No cross-tab locks in this browser: nothing is excluded.
    Unsupported,
    /// The tab that held it let go.
    Freed,
}

/// One step on the activation log, done by the shell in one synchronous
/// read-change-write so two tabs cannot interleave inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationChange {
    pub op: ActivationOp,
    pub kind: ChargeKind,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationOp {
    /// Answered with [`ActivationAnswer::State`].
    Read,
    /// Answered with [`ActivationAnswer::Claimed`].
    Claim,
    /// Not answered.
    MarkDone,
    /// Not answered.
    Release,
}

/// The answer to an [`Effect::Activations`] that reads or claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationAnswer {
    State(Option<ActivationState>),
    Claimed(Result<(), ClaimRefused>),
}

/// How a failed status check counts for the polling schedule.
pub fn poll_outcome_of_error(error: &ApiError) -> PollOutcome {
    match error {
        ApiError::Network { .. } | ApiError::Timeout { .. } => PollOutcome::Transient,
        // A proxy's page or a cut-off body: the next check may read fine.
        ApiError::Decode { .. } => PollOutcome::Transient,
        ApiError::HtmlBody { status, .. } if *status < 400 => PollOutcome::Transient,
        ApiError::Validation { .. } => PollOutcome::Rejected { status: 400 },
        _ => match error.status() {
            Some(429) => PollOutcome::RateLimited {
                retry_after_secs: error.retry_after_secs(),
            },
            Some(status) => PollOutcome::from_http_status(status, None)
                .unwrap_or(PollOutcome::Rejected { status }),
            None => PollOutcome::Transient,
        },
    }
}
