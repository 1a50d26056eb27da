//! The status-following part the watching flows share: one
//! [`PollSchedule`], what the last answer said (429 or not), and the
//! pause while the page is hidden or offline. A flow asks it what to do
//! next and maps the [`Tick`] to its own phase and requests.

use crate::domain::polling::{GiveUpReason, PollDecision, PollOutcome, PollSchedule};

use super::Env;

/// How long a paused flow waits before looking at visibility again.
pub const PAUSED_RECHECK_MS: u64 = 500;

/// What a following flow does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tick {
    /// Wake up after [`Wait::ms`] and ask again.
    Wait(Wait),
    /// Read the status now.
    Check,
    /// The last answer was final.
    Terminal,
    /// The server refused the credentials.
    ReAuthenticate,
    GiveUp(GiveUpReason),
}

/// Why a following flow is waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// The next check, after `checks` so far.
    Next { ms: u64, checks: u32 },
    /// The server answered 429: the next check waits as long as it asked.
    SlowedDown { ms: u64 },
    /// Hidden or offline: no checks until the page is back.
    Paused,
}

impl Wait {
    pub(crate) fn ms(self) -> u64 {
        match self {
            Self::Next { ms, .. } | Self::SlowedDown { ms } => ms,
            Self::Paused => PAUSED_RECHECK_MS,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Poller {
    schedule: Option<PollSchedule>,
    /// The last check was answered with 429.
    slowed_down: bool,
    paused: bool,
}

impl Poller {
    /// Follows afresh on `schedule`, from its first wait.
    pub(crate) fn start(&mut self, schedule: PollSchedule) -> Tick {
        let decision = schedule.initial();
        *self = Self {
            schedule: Some(schedule),
            ..Self::default()
        };
        self.follow(decision)
    }

    /// Forgets the schedule: the next [`Poller::resume`] starts a new one.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    /// Keeps the schedule that is running, or starts the default one now
    /// (its deadline counts from here).
    pub(crate) fn keep_or_start(&mut self, now_ms: u64) {
        self.schedule_at(now_ms);
    }

    /// Goes on following on the running schedule (the default one if none
    /// runs yet): from its first wait, at once after earlier checks, or
    /// not at all once it has ended.
    pub(crate) fn resume(&mut self, now_ms: u64) -> Tick {
        self.slowed_down = false;
        let schedule = self.schedule_at(now_ms);
        let decision = if schedule.is_finished() {
            // Following already ended here; never spin on it.
            PollDecision::GiveUp {
                reason: GiveUpReason::StillProcessing,
            }
        } else if schedule.polls() == 0 {
            schedule.initial()
        } else {
            PollDecision::WaitMs(0)
        };
        self.follow(decision)
    }

    /// A wait ended: check now, unless the page was hidden, shown, taken
    /// offline or online since the last look, or is still paused.
    pub(crate) fn woke(&mut self, env: &Env) -> Tick {
        let Some(schedule) = self.schedule.as_mut() else {
            return Tick::Check;
        };
        let visible = schedule.set_visible(env.visible, env.now_ms);
        let online = schedule.set_online(env.online, env.now_ms);
        match online.or(visible) {
            Some(decision) => self.follow(decision),
            None if self.paused => Tick::Wait(Wait::Paused),
            None => Tick::Check,
        }
    }

    /// A check was answered: what it says for the schedule.
    pub(crate) fn answered(&mut self, outcome: PollOutcome, env: &Env) -> Tick {
        self.slowed_down = matches!(outcome, PollOutcome::RateLimited { .. });
        let decision = self
            .schedule_at(env.now_ms)
            .next(outcome, env.now_ms, env.jitter_sample);
        self.follow(decision)
    }

    fn schedule_at(&mut self, now_ms: u64) -> &mut PollSchedule {
        self.schedule
            .get_or_insert_with(|| PollSchedule::with_defaults(now_ms))
    }

    fn follow(&mut self, decision: PollDecision) -> Tick {
        self.paused = decision == PollDecision::Paused;
        match decision {
            PollDecision::WaitMs(ms) if self.slowed_down => Tick::Wait(Wait::SlowedDown { ms }),
            PollDecision::WaitMs(ms) => Tick::Wait(Wait::Next {
                ms,
                checks: self.schedule.as_ref().map_or(0, PollSchedule::polls),
            }),
            PollDecision::Paused => Tick::Wait(Wait::Paused),
            PollDecision::StopTerminal => Tick::Terminal,
            PollDecision::ReAuthenticate => Tick::ReAuthenticate,
            PollDecision::GiveUp { reason } => Tick::GiveUp(reason),
        }
    }
}
