//! The return page (`/return?id=..&type=..`) as a state machine.
//!
//! The buyer is back from LiveChat's confirmation page. The flow reads the
//! charge (trying each kind the return URL allows), activates an accepted
//! one exactly once (a cross-tab lock plus the activation log, which
//! survives a reload and is shared by tabs), then polls on the
//! default polling schedule until the status is final, pausing while the tab is
//! hidden or offline.
//!
//! Exactly once, even when answers are lost: a claim is written before the
//! activate request and kept when its answer is lost (the request may have
//! done its work), so no page of this browser sends it again; a 409 is
//! settled by reading the charge, never by assuming.

use crate::api::livechat::{DirectCharge, RecurrentCharge};
use crate::api::{ApiError, Timestamp};
use crate::domain::charge::{
    ChargeKind, DirectChargeId, DirectChargeStatus, RecurrentChargeId, RecurrentChargeStatus,
};
use crate::domain::checkout::{
    direct_action, direct_conflict_means_activated, direct_timeline, in_trial, recurrent_action,
    recurrent_conflict_means_activated, recurrent_timeline, ActivationLog, ActivationState,
    Outcome, ReturnAction, TimelineStep,
};
use crate::domain::polling::{GiveUpReason, PollOutcome};
use crate::domain::return_url::ChargeReturn;

use super::poller::{Poller, Tick, Wait};
use super::{
    poll_outcome_of_error, ActivationAnswer, ActivationChange, ActivationOp, Effect, Env,
    LockAnswer, Machine, ShellAnswer, ShellEffect,
};

/// The charge the buyer came back with, as last read.
#[derive(Debug, Clone, PartialEq)]
pub enum ReturnedCharge {
    Direct(DirectCharge),
    Recurrent(RecurrentCharge),
}

impl ReturnedCharge {
    pub fn kind(&self) -> ChargeKind {
        match self {
            Self::Direct(_) => ChargeKind::Direct,
            Self::Recurrent(_) => ChargeKind::Recurrent,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Direct(c) => c.id.as_str(),
            Self::Recurrent(c) => c.id.as_str(),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Direct(c) => &c.name,
            Self::Recurrent(c) => &c.name,
        }
    }

    pub fn reference(&self) -> ChargeRef {
        match self {
            Self::Direct(c) => ChargeRef::Direct(c.id.clone()),
            Self::Recurrent(c) => ChargeRef::Recurrent(c.id.clone()),
        }
    }

    /// A status this widget does not know (shown with its raw value).
    pub fn is_unknown(&self) -> bool {
        match self {
            Self::Direct(c) => matches!(c.status, DirectChargeStatus::Unknown(_)),
            Self::Recurrent(c) => matches!(c.status, RecurrentChargeStatus::Unknown(_)),
        }
    }

    /// Follow only after the allow-list check.
    pub fn confirmation_url(&self) -> &str {
        match self {
            Self::Direct(c) => &c.confirmation_url,
            Self::Recurrent(c) => &c.confirmation_url,
        }
    }

    /// What the page should do with this charge now.
    pub fn action(&self, activation: Option<ActivationState>, now_ms: u64) -> ReturnAction {
        match self {
            Self::Direct(c) => direct_action(&c.status, activation),
            Self::Recurrent(c) => recurrent_action(
                &c.status,
                millis(c.trial_ends_at.as_ref()),
                now_ms,
                activation,
            ),
        }
    }

    /// After an activate request was refused with 409 and the charge read
    /// again: was it activated (by another page or browser)?
    pub fn conflict_means_activated(&self) -> bool {
        match self {
            Self::Direct(c) => direct_conflict_means_activated(&c.status),
            Self::Recurrent(c) => recurrent_conflict_means_activated(&c.status),
        }
    }

    pub fn timeline(&self, activated: bool, now_ms: u64) -> Vec<TimelineStep> {
        match self {
            Self::Direct(c) => direct_timeline(&c.status, activated),
            Self::Recurrent(c) => recurrent_timeline(
                &c.status,
                activated,
                in_trial(&c.status, millis(c.trial_ends_at.as_ref()), now_ms),
            ),
        }
    }
}

fn millis(timestamp: Option<&Timestamp>) -> Option<u64> {
    timestamp.and_then(|t| u64::try_from(t.unix_millis()).ok())
}

/// Where the page stands: what it shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Loading,
    NotFound,
    /// The buyer has not confirmed (or came back without confirming).
    AwaitingBuyer,
    Activating,
    /// Another tab of this browser holds the activation lock.
    ActivatingElsewhere,
    Checking {
        checks: u32,
    },
    /// The server answered 429: the next check waits as long as it asked.
    SlowedDown {
        next_check_secs: u64,
    },
    /// The tab is hidden or offline: no checks until it is back.
    Paused,
    Finished(Outcome),
    GaveUp(GiveUpReason),
    Failed(ApiError),
    /// The server refused the token: the sign-in prompt takes over.
    NeedsSignIn,
}

impl Phase {
    /// A stable name for the markup (`data-phase`) and the tests.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::NotFound => "not-found",
            Self::AwaitingBuyer => "awaiting-buyer",
            Self::Activating => "activating",
            Self::ActivatingElsewhere => "activating-elsewhere",
            Self::Checking { .. } => "checking",
            Self::SlowedDown { .. } => "slowed-down",
            Self::Paused => "paused",
            Self::Finished(_) => "finished",
            Self::GaveUp(_) => "gave-up",
            Self::Failed(_) => "failed",
            Self::NeedsSignIn => "needs-sign-in",
        }
    }
}

/// A charge of either kind, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeRef {
    Direct(DirectChargeId),
    Recurrent(RecurrentChargeId),
}

impl ChargeRef {
    pub fn kind(&self) -> ChargeKind {
        match self {
            Self::Direct(_) => ChargeKind::Direct,
            Self::Recurrent(_) => ChargeKind::Recurrent,
        }
    }
}

/// The requests the return page makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Read the charge; answered with [`Event::Read`].
    Get(ChargeRef),
    /// Activate it; answered with [`Event::Activated`].
    Activate(ChargeRef),
    /// Decline a pending subscription; answered with [`Event::Declined`].
    DeclineSubscription(RecurrentChargeId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// (Re)start: read the charge afresh and carry on from what it says.
    Start,
    /// The buyer declines the pending subscription.
    Decline,
    Read(Result<ReturnedCharge, ApiError>),
    /// The activate request's answer; `Ok(None)` when it carried no charge.
    Activated(Result<Option<ReturnedCharge>, ApiError>),
    Declined(Result<(), ApiError>),
    /// A wait ended.
    Woke,
    Lock(LockAnswer),
    Activation(ActivationAnswer),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        match answer {
            ShellAnswer::Lock(answer) => Self::Lock(answer),
            ShellAnswer::Activation(answer) => Self::Activation(answer),
            other => Self::Unasked(other),
        }
    }
}

pub type ReturnEffect = Effect<Request, Event>;

/// What the flow is waiting for; an answer that does not fit is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Nothing in flight: the page waits for the buyer's next move.
    Idle,
    /// Reading the charge as the `n`th kind of the lookup order.
    LookingUp(usize),
    /// Reading the activation log, to decide what the charge needs.
    Deciding,
    TakingLock,
    WaitingForOtherTab,
    ReadingAfterOtherTab,
    Claiming,
    Activating,
    /// The activate request was refused with 409: reading what happened.
    ReadingAfterConflict,
    /// Waiting for the next check, or (hidden or offline) to look again.
    Waiting,
    Checking,
    /// A check read the charge; reading the log to judge it.
    JudgingCheck,
    Declining,
}

/// The return page's flow.
#[derive(Debug, Clone)]
pub struct ChargeReturnFlow {
    target: ChargeReturn,
    charge: Option<ReturnedCharge>,
    activated: bool,
    phase: Phase,
    step: Step,
    poller: Poller,
}

impl ChargeReturnFlow {
    /// A flow for the charge the return URL names; it starts on
    /// [`Event::Start`].
    pub fn new(target: ChargeReturn) -> Self {
        Self {
            target,
            charge: None,
            activated: false,
            phase: Phase::Loading,
            step: Step::Idle,
            poller: Poller::default(),
        }
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    pub fn charge(&self) -> Option<&ReturnedCharge> {
        self.charge.as_ref()
    }

    /// This browser recorded the charge's activation as done.
    pub fn activated(&self) -> bool {
        self.activated
    }

    /// The buyer may decline from here (a pending subscription, no decline
    /// in flight).
    pub fn can_decline(&self) -> bool {
        self.phase == Phase::AwaitingBuyer
            && self.step == Step::Idle
            && matches!(self.charge, Some(ReturnedCharge::Recurrent(_)))
    }

    fn get(&self, kind: ChargeKind) -> ReturnEffect {
        Effect::Send(Request::Get(match kind {
            ChargeKind::Direct => ChargeRef::Direct(self.target.direct_id()),
            ChargeKind::Recurrent => ChargeRef::Recurrent(self.target.recurrent_id()),
        }))
    }

    fn reread(&self) -> ReturnEffect {
        match &self.charge {
            Some(charge) => Effect::Send(Request::Get(charge.reference())),
            None => self.get(ChargeKind::Direct),
        }
    }

    fn log(&self, op: ActivationOp) -> ReturnEffect {
        let (kind, id) = match &self.charge {
            Some(charge) => (charge.kind(), charge.id().to_owned()),
            None => (ChargeKind::Direct, self.target.id().to_owned()),
        };
        Effect::Shell(ShellEffect::Activations(ActivationChange { op, kind, id }))
    }

    fn lock_name(&self) -> String {
        match &self.charge {
            Some(charge) => ActivationLog::lock_name(charge.kind(), charge.id()),
            None => ActivationLog::lock_name(ChargeKind::Direct, self.target.id()),
        }
    }

    /// Reads the log, then decides what the charge needs.
    fn decide(&mut self) -> Vec<ReturnEffect> {
        self.step = Step::Deciding;
        vec![self.log(ActivationOp::Read)]
    }

    fn stop(&mut self, phase: Phase) -> Vec<ReturnEffect> {
        self.step = Step::Idle;
        self.phase = phase;
        Vec::new()
    }

    /// An error ends the flow: a refused token asks for a new sign-in.
    fn fail(&mut self, error: ApiError) -> Vec<ReturnEffect> {
        self.step = Step::Idle;
        if error.status() == Some(401) {
            self.phase = Phase::NeedsSignIn;
            vec![Effect::Shell(ShellEffect::SignInAgain)]
        } else {
            self.phase = Phase::Failed(error);
            Vec::new()
        }
    }

    fn act_on(&mut self, activation: Option<ActivationState>, env: &Env) -> Vec<ReturnEffect> {
        self.activated = matches!(activation, Some(ActivationState::Done { .. }));
        let Some(charge) = &self.charge else {
            return self.stop(Phase::NotFound);
        };
        match charge.action(activation, env.now_ms) {
            ReturnAction::AwaitBuyer => self.stop(Phase::AwaitingBuyer),
            ReturnAction::Finished(outcome) => self.stop(Phase::Finished(outcome)),
            ReturnAction::Activate => {
                // Held until the activation is settled, so a second tab of
                // this browser waits for it instead of racing it.
                self.step = Step::TakingLock;
                vec![Effect::Shell(ShellEffect::TryLock {
                    name: self.lock_name(),
                })]
            }
            ReturnAction::Poll => {
                let tick = self.poller.resume(env.now_ms);
                self.follow(tick)
            }
        }
    }

    fn follow(&mut self, tick: Tick) -> Vec<ReturnEffect> {
        match tick {
            Tick::Wait(wait) => {
                self.phase = match wait {
                    Wait::Next { checks, .. } => Phase::Checking { checks },
                    Wait::SlowedDown { ms } => Phase::SlowedDown {
                        next_check_secs: ms.div_ceil(1000),
                    },
                    Wait::Paused => Phase::Paused,
                };
                self.step = Step::Waiting;
                vec![Effect::After {
                    ms: wait.ms(),
                    then: Event::Woke,
                }]
            }
            Tick::Check => {
                self.step = Step::Checking;
                vec![self.reread()]
            }
            Tick::Terminal => self.decide(),
            Tick::ReAuthenticate => {
                self.step = Step::Idle;
                self.phase = Phase::NeedsSignIn;
                vec![Effect::Shell(ShellEffect::SignInAgain)]
            }
            Tick::GiveUp(reason) => self.stop(Phase::GaveUp(reason)),
        }
    }

    fn check_outcome(&mut self, outcome: PollOutcome, env: &Env) -> Vec<ReturnEffect> {
        let tick = self.poller.answered(outcome, env);
        self.follow(tick)
    }

    /// The charge was read again while activating or after another tab did.
    fn after_activation(&mut self, env: &Env) -> Vec<ReturnEffect> {
        // From here on the schedule decides when to look again.
        self.poller.keep_or_start(env.now_ms);
        let mut effects = vec![Effect::Shell(ShellEffect::ReleaseLock)];
        effects.extend(self.decide());
        effects
    }
}

impl Machine for ChargeReturnFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, env: &Env) -> Vec<ReturnEffect> {
        match (self.step, event) {
            (_, Event::Start) => {
                // A fresh run: the charge shown stays until it is read again.
                self.poller.reset();
                self.phase = Phase::Loading;
                self.step = Step::LookingUp(0);
                match self.target.lookup_order().first() {
                    Some(kind) => vec![Effect::Shell(ShellEffect::ReleaseLock), self.get(*kind)],
                    None => self.stop(Phase::NotFound),
                }
            }

            (Step::LookingUp(_), Event::Read(Ok(found))) => {
                self.charge = Some(found);
                self.decide()
            }
            (Step::LookingUp(n), Event::Read(Err(error))) if error.status() == Some(404) => {
                match self.target.lookup_order().get(n + 1) {
                    Some(kind) => {
                        self.step = Step::LookingUp(n + 1);
                        vec![self.get(*kind)]
                    }
                    None => self.stop(Phase::NotFound),
                }
            }
            (Step::LookingUp(_), Event::Read(Err(error))) => self.fail(error),

            (Step::Deciding, Event::Activation(ActivationAnswer::State(state))) => {
                self.act_on(state, env)
            }

            (Step::TakingLock, Event::Lock(LockAnswer::Held | LockAnswer::Unsupported)) => {
                self.step = Step::Claiming;
                vec![self.log(ActivationOp::Claim)]
            }
            (Step::TakingLock, Event::Lock(LockAnswer::Busy)) => {
                self.phase = Phase::ActivatingElsewhere;
                self.step = Step::WaitingForOtherTab;
                vec![Effect::Shell(ShellEffect::WaitForLock {
                    name: self.lock_name(),
                })]
            }
            (Step::WaitingForOtherTab, Event::Lock(LockAnswer::Freed)) => {
                // The other tab is done: read what it did.
                self.step = Step::ReadingAfterOtherTab;
                vec![self.reread()]
            }
            (Step::ReadingAfterOtherTab, Event::Read(Ok(fresh))) => {
                self.charge = Some(fresh);
                self.decide()
            }
            (Step::ReadingAfterOtherTab, Event::Read(Err(error))) => self.fail(error),

            (Step::Claiming, Event::Activation(ActivationAnswer::Claimed(Ok(())))) => {
                let Some(charge) = &self.charge else {
                    return self.stop(Phase::NotFound);
                };
                let request = Request::Activate(charge.reference());
                self.phase = Phase::Activating;
                self.step = Step::Activating;
                vec![Effect::Send(request)]
            }
            (Step::Claiming, Event::Activation(ActivationAnswer::Claimed(Err(_)))) => {
                // Another tab took it in the meantime: just follow along.
                let mut effects = vec![Effect::Shell(ShellEffect::ReleaseLock)];
                effects.extend(self.decide());
                effects
            }

            (Step::Activating, Event::Activated(Ok(answer))) => {
                let mut effects = vec![self.log(ActivationOp::MarkDone)];
                if let Some(answer) = answer {
                    self.charge = Some(answer);
                }
                effects.extend(self.after_activation(env));
                effects
            }
            // 409: somebody (another browser, an earlier page) activated it,
            // or the charge moved on. Read which, rather than assume.
            (Step::Activating, Event::Activated(Err(error))) if error.status() == Some(409) => {
                self.step = Step::ReadingAfterConflict;
                vec![self.reread()]
            }
            // The request may have done its work: keep the claim and poll.
            (Step::Activating, Event::Activated(Err(error))) if error.write_may_have_happened() => {
                self.after_activation(env)
            }
            (Step::Activating, Event::Activated(Err(error))) => {
                let mut effects = vec![
                    self.log(ActivationOp::Release),
                    Effect::Shell(ShellEffect::ReleaseLock),
                ];
                effects.extend(self.fail(error));
                effects
            }

            (Step::ReadingAfterConflict, Event::Read(Ok(fresh))) => {
                let activated = fresh.conflict_means_activated();
                self.charge = Some(fresh);
                if activated {
                    let mut effects = vec![self.log(ActivationOp::MarkDone)];
                    effects.extend(self.after_activation(env));
                    effects
                } else {
                    // Never activated (declined, say): the status read now
                    // decides what follows.
                    let mut effects = vec![
                        self.log(ActivationOp::Release),
                        Effect::Shell(ShellEffect::ReleaseLock),
                    ];
                    effects.extend(self.decide());
                    effects
                }
            }
            (Step::ReadingAfterConflict, Event::Read(Err(error))) => {
                let mut effects = vec![
                    self.log(ActivationOp::Release),
                    Effect::Shell(ShellEffect::ReleaseLock),
                ];
                effects.extend(self.fail(error));
                effects
            }

            (Step::Waiting, Event::Woke) => {
                let tick = self.poller.woke(env);
                self.follow(tick)
            }
            (Step::Checking, Event::Read(Ok(fresh))) => {
                self.charge = Some(fresh);
                self.step = Step::JudgingCheck;
                vec![self.log(ActivationOp::Read)]
            }
            (Step::Checking, Event::Read(Err(error))) => {
                let outcome = poll_outcome_of_error(&error);
                self.check_outcome(outcome, env)
            }
            (Step::JudgingCheck, Event::Activation(ActivationAnswer::State(state))) => {
                let still_polling = self
                    .charge
                    .as_ref()
                    .is_some_and(|c| c.action(state, env.now_ms) == ReturnAction::Poll);
                if still_polling {
                    self.check_outcome(PollOutcome::Pending, env)
                } else {
                    // Final, back with the buyer, or (a stale claim) to be
                    // activated: the state just read decides. The schedule
                    // is not told "terminal": polling may go on after an
                    // activation, on the same deadline.
                    self.act_on(state, env)
                }
            }

            (Step::Idle, Event::Decline) if self.can_decline() => {
                let Some(ReturnedCharge::Recurrent(charge)) = &self.charge else {
                    return Vec::new();
                };
                let id = charge.id.clone();
                self.step = Step::Declining;
                vec![Effect::Send(Request::DeclineSubscription(id))]
            }
            (Step::Declining, Event::Declined(Ok(()))) => self.update(Event::Start, env),
            (Step::Declining, Event::Declined(Err(error))) => self.fail(error),

            // Late, repeated or out-of-place answers change nothing.
            _ => Vec::new(),
        }
    }
}
