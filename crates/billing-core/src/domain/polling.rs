//! When to check a payment's status again: a pure schedule.
//!
//! First check shortly after the return, then back off (x1.5 with jitter, up
//! to a cap) until a terminal status or a deadline. Polling pauses while the
//! tab is hidden or offline and resumes at once. Network errors and 5xx are
//! retried, 429 honours `Retry-After`, 401 asks for a new sign-in once, other
//! 4xx stop. Time and randomness are parameters; delays are integer
//! milliseconds.

use std::fmt;

use thiserror::Error;

use super::locale::Locale;

/// Tuning of a [`PollSchedule`]. The defaults follow payment providers' advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollConfig {
    /// Wait before the first check (the gateway needs a moment).
    pub first_delay_ms: u64,
    /// Interval after the first check, before any growth.
    pub base_interval_ms: u64,
    /// Growth per check, in percent (150 = x1.5).
    pub growth_percent: u32,
    /// A delay is shortened by up to this share, so clients spread out
    /// without ever exceeding the nominal delay (and so the cap).
    pub jitter_percent: u32,
    /// Longest normal delay.
    pub cap_ms: u64,
    /// Active (visible, online) time after which polling gives up.
    pub deadline_ms: u64,
    /// Longest `Retry-After` honoured.
    pub max_retry_after_ms: u64,
}

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            first_delay_ms: 2_000,
            base_interval_ms: 2_500,
            growth_percent: 150,
            jitter_percent: 20,
            cap_ms: 30_000,
            deadline_ms: 3 * 60 * 1000,
            max_retry_after_ms: 60_000,
        }
    }
}

/// A configuration that would poll wrongly.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PollConfigError {
    #[error("The polling interval must be greater than zero.")]
    ZeroInterval,
    #[error("The polling growth must be at least 100 percent (got {0}).")]
    GrowthTooSmall(u32),
    #[error("The polling jitter of {jitter_percent} percent could shorten a delay below the previous one; at most {max_percent} percent is allowed with this growth.")]
    JitterTooLarge {
        jitter_percent: u32,
        max_percent: u32,
    },
    #[error("The polling cap must be at least the first delay and the base interval.")]
    CapTooSmall,
    #[error("The polling deadline must be greater than zero.")]
    ZeroDeadline,
}

impl PollConfig {
    /// Largest jitter that keeps jittered delays non-decreasing below the cap:
    /// `(100 - j) * growth >= 100 * 100`.
    pub fn max_jitter_percent(growth_percent: u32) -> u32 {
        if growth_percent < 100 {
            return 0;
        }
        100 - 10_000u32.div_ceil(growth_percent)
    }

    pub fn validate(&self) -> Result<(), PollConfigError> {
        if self.base_interval_ms == 0 {
            return Err(PollConfigError::ZeroInterval);
        }
        if self.growth_percent < 100 {
            return Err(PollConfigError::GrowthTooSmall(self.growth_percent));
        }
        let max_percent = Self::max_jitter_percent(self.growth_percent);
        if self.jitter_percent > max_percent {
            return Err(PollConfigError::JitterTooLarge {
                jitter_percent: self.jitter_percent,
                max_percent,
            });
        }
        if self.cap_ms < self.base_interval_ms || self.cap_ms < self.first_delay_ms {
            return Err(PollConfigError::CapTooSmall);
        }
        if self.deadline_ms == 0 {
            return Err(PollConfigError::ZeroDeadline);
        }
        Ok(())
    }
}

/// What the last status check produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollOutcome {
    /// A status that can still change (pending, processing, ...).
    Pending,
    /// A final status (paid, failed, cancelled, ...).
    Terminal,
    /// Network error, timeout, 408, 500, 502, 503 or 504.
    Transient,
    /// 429; `Retry-After` in seconds when the server sent a usable one.
    RateLimited { retry_after_secs: Option<u64> },
    /// 401: the token expired or was revoked.
    Unauthorized,
    /// Any other error status: retrying would not help.
    Rejected { status: u16 },
}

impl PollOutcome {
    /// Classifies an HTTP status; `None` for 2xx, whose body decides between
    /// [`Pending`](Self::Pending) and [`Terminal`](Self::Terminal).
    pub fn from_http_status(status: u16, retry_after: Option<&str>) -> Option<Self> {
        match status {
            200..=299 => None,
            401 => Some(Self::Unauthorized),
            429 => Some(Self::RateLimited {
                // An unusable header falls back to the normal backoff.
                retry_after_secs: retry_after.and_then(|value| parse_retry_after(value).ok()),
            }),
            408 | 500 | 502 | 503 | 504 => Some(Self::Transient),
            _ => Some(Self::Rejected { status }),
        }
    }
}

/// Why polling stopped without a final status. `Display` is the user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum GiveUpReason {
    #[error("The payment is still processing. Refresh to check its status again.")]
    StillProcessing,
    #[error("The payment status could not be checked: the server is not answering. Check your connection, then refresh.")]
    Unreachable,
    #[error("The server refused the status check (HTTP {status}). Refresh the page; if it keeps failing, contact support.")]
    Rejected { status: u16 },
    #[error("Your sign-in is no longer accepted. Sign in again, then refresh.")]
    NotAuthorized,
}

impl GiveUpReason {
    /// The user message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::StillProcessing) => {
                "Płatność wciąż jest przetwarzana. Odśwież, aby ponownie sprawdzić jej status."
                    .to_owned()
            }
            (Locale::Pl, Self::Unreachable) => "Nie udało się sprawdzić statusu płatności: \
                 serwer nie odpowiada. Sprawdź połączenie, a potem odśwież."
                .to_owned(),
            (Locale::Pl, Self::Rejected { status }) => format!(
                "Serwer odrzucił sprawdzenie statusu (HTTP {status}). Odśwież stronę; jeśli \
                 błąd się powtarza, skontaktuj się z pomocą techniczną."
            ),
            (Locale::Pl, Self::NotAuthorized) => {
                "Twoje logowanie nie jest już akceptowane. Zaloguj się ponownie, a potem odśwież."
                    .to_owned()
            }
        }
    }
}

/// What the shell should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PollDecision {
    /// Check again after this many milliseconds (0: now).
    WaitMs(u64),
    /// Hidden or offline (or signing in again): no checks until resumed.
    Paused,
    /// The status is final.
    StopTerminal,
    /// Sign in again, then call [`PollSchedule::reauthenticated`].
    ReAuthenticate,
    GiveUp {
        reason: GiveUpReason,
    },
}

/// Why a `Retry-After` value was not used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetryAfterError {
    #[error("Retry-After is empty.")]
    Empty,
    #[error("Retry-After as an HTTP date is not supported; the normal delay is used.")]
    HttpDateUnsupported,
    #[error("Retry-After {0:?} is not a number of seconds.")]
    Invalid(String),
}

/// Reads a `Retry-After` header in delta-seconds. Values too large to hold
/// saturate (RFC 9111 allows it); the schedule caps them anyway.
pub fn parse_retry_after(value: &str) -> Result<u64, RetryAfterError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(RetryAfterError::Empty);
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(value.bytes().fold(0u64, |acc, b| {
            acc.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        }));
    }
    if value.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Err(RetryAfterError::HttpDateUnsupported);
    }
    Err(RetryAfterError::Invalid(value.to_owned()))
}

/// Turns a uniform sample in `[0, 1)` (e.g. `Math.random()`) into the `u32`
/// jitter sample [`PollSchedule::next`] takes; anything else is clamped.
pub fn jitter_sample_from_unit(unit: f64) -> u32 {
    if unit.is_nan() || unit <= 0.0 {
        0
    } else if unit >= 1.0 {
        u32::MAX
    } else {
        // In range by the checks above; `as` saturates regardless.
        (unit * 4_294_967_296.0) as u32
    }
}

/// The polling state machine of one payment status page.
#[derive(Clone, PartialEq, Eq)]
pub struct PollSchedule {
    config: PollConfig,
    started_at_ms: u64,
    paused_total_ms: u64,
    paused_since_ms: Option<u64>,
    hidden: bool,
    offline: bool,
    awaiting_auth: bool,
    reauth_tried: bool,
    last_failed: bool,
    next_interval_ms: u64,
    polls: u32,
    finished: Option<PollDecision>,
}

impl fmt::Debug for PollSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollSchedule")
            .field("deadline_at_ms", &self.deadline_at_ms())
            .field("paused", &self.is_paused())
            .field("next_interval_ms", &self.next_interval_ms)
            .field("polls", &self.polls)
            .field("finished", &self.finished)
            .finish()
    }
}

impl PollSchedule {
    pub fn new(config: PollConfig, now_ms: u64) -> Result<Self, PollConfigError> {
        config.validate()?;
        Ok(Self::build(config, now_ms))
    }

    /// The default configuration, which is valid.
    pub fn with_defaults(now_ms: u64) -> Self {
        Self::build(PollConfig::default(), now_ms)
    }

    fn build(config: PollConfig, now_ms: u64) -> Self {
        Self {
            config,
            started_at_ms: now_ms,
            paused_total_ms: 0,
            paused_since_ms: None,
            hidden: false,
            offline: false,
            awaiting_auth: false,
            reauth_tried: false,
            last_failed: false,
            next_interval_ms: config.base_interval_ms,
            polls: 0,
            finished: None,
        }
    }

    pub fn config(&self) -> &PollConfig {
        &self.config
    }

    /// The wait before the first check (no jitter: it is a single event).
    pub fn initial(&self) -> PollDecision {
        if let Some(done) = self.finished {
            return done;
        }
        if self.is_paused() {
            return PollDecision::Paused;
        }
        PollDecision::WaitMs(self.config.first_delay_ms)
    }

    /// Feeds the result of a check; returns what to do next. After a final
    /// decision, returns it again for any further call.
    pub fn next(&mut self, outcome: PollOutcome, now_ms: u64, jitter_sample: u32) -> PollDecision {
        if let Some(done) = self.finished {
            return done;
        }
        self.polls = self.polls.saturating_add(1);
        let mut retry_after_ms = 0;
        match outcome {
            PollOutcome::Terminal => return self.finish(PollDecision::StopTerminal),
            PollOutcome::Rejected { status } => {
                return self.finish(PollDecision::GiveUp {
                    reason: GiveUpReason::Rejected { status },
                })
            }
            PollOutcome::Unauthorized => {
                if self.awaiting_auth {
                    return PollDecision::ReAuthenticate;
                }
                if self.reauth_tried {
                    return self.finish(PollDecision::GiveUp {
                        reason: GiveUpReason::NotAuthorized,
                    });
                }
                self.reauth_tried = true;
                self.update_pause(now_ms, |s| s.awaiting_auth = true);
                return PollDecision::ReAuthenticate;
            }
            PollOutcome::Pending => {
                self.reauth_tried = false;
                self.last_failed = false;
            }
            PollOutcome::Transient => self.last_failed = true,
            PollOutcome::RateLimited { retry_after_secs } => {
                self.last_failed = true;
                retry_after_ms = retry_after_secs
                    .unwrap_or(0)
                    .saturating_mul(1000)
                    .min(self.config.max_retry_after_ms);
            }
        }
        if self.is_paused() {
            return PollDecision::Paused;
        }

        let deadline = self.deadline_at_ms();
        if now_ms >= deadline {
            return self.give_up_at_deadline();
        }
        let remaining = deadline - now_ms;
        if retry_after_ms > remaining {
            // The server asks us to wait past the deadline.
            return self.give_up_at_deadline();
        }
        let delay = self.take_interval(jitter_sample).max(retry_after_ms);
        // The last check lands on the deadline rather than past it.
        PollDecision::WaitMs(delay.min(remaining))
    }

    /// The tab became hidden (`false`) or visible (`true`). `Some` when the
    /// shell must act: cancel its timer (`Paused`) or check now (`WaitMs(0)`).
    pub fn set_visible(&mut self, visible: bool, now_ms: u64) -> Option<PollDecision> {
        self.update_pause(now_ms, |s| s.hidden = !visible)
    }

    /// The browser went offline (`false`) or online (`true`); as [`set_visible`](Self::set_visible).
    pub fn set_online(&mut self, online: bool, now_ms: u64) -> Option<PollDecision> {
        self.update_pause(now_ms, |s| s.offline = !online)
    }

    /// A new token is in place after [`PollDecision::ReAuthenticate`].
    pub fn reauthenticated(&mut self, now_ms: u64) -> Option<PollDecision> {
        if !self.awaiting_auth {
            return None;
        }
        self.update_pause(now_ms, |s| s.awaiting_auth = false)
            .or(Some(PollDecision::Paused))
    }

    /// Manual refresh after giving up: a fresh schedule that checks now.
    pub fn restart(&mut self, now_ms: u64) -> PollDecision {
        self.started_at_ms = now_ms;
        self.paused_total_ms = 0;
        self.awaiting_auth = false;
        self.paused_since_ms = self.is_paused().then_some(now_ms);
        self.reauth_tried = false;
        self.last_failed = false;
        self.next_interval_ms = self.config.base_interval_ms;
        self.polls = 0;
        self.finished = None;
        if self.is_paused() {
            PollDecision::Paused
        } else {
            PollDecision::WaitMs(0)
        }
    }

    pub fn is_paused(&self) -> bool {
        self.hidden || self.offline || self.awaiting_auth
    }

    pub fn is_finished(&self) -> bool {
        self.finished.is_some()
    }

    /// Checks answered so far.
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// The nominal (unjittered) delay the next normal wait will use.
    pub fn nominal_interval_ms(&self) -> u64 {
        self.next_interval_ms
    }

    /// When polling gives up, paused time excluded (as of the last resume).
    pub fn deadline_at_ms(&self) -> u64 {
        self.started_at_ms
            .saturating_add(self.config.deadline_ms)
            .saturating_add(self.paused_total_ms)
    }

    fn finish(&mut self, decision: PollDecision) -> PollDecision {
        self.finished = Some(decision);
        decision
    }

    fn give_up_at_deadline(&mut self) -> PollDecision {
        let reason = if self.last_failed {
            GiveUpReason::Unreachable
        } else {
            GiveUpReason::StillProcessing
        };
        self.finish(PollDecision::GiveUp { reason })
    }

    /// The current nominal delay minus jitter; grows the next one.
    fn take_interval(&mut self, jitter_sample: u32) -> u64 {
        let nominal = self.next_interval_ms;
        let grown = u128::from(nominal) * u128::from(self.config.growth_percent) / 100;
        self.next_interval_ms = u64::try_from(grown)
            .unwrap_or(u64::MAX)
            .min(self.config.cap_ms);
        let cut = u128::from(nominal)
            * u128::from(self.config.jitter_percent)
            * u128::from(jitter_sample)
            / (100 * (1u128 << 32));
        // `cut` < nominal since jitter_percent < 100 and the sample < 2^32.
        nominal - u64::try_from(cut).unwrap_or(0)
    }

    fn update_pause(
        &mut self,
        now_ms: u64,
        change: impl FnOnce(&mut Self),
    ) -> Option<PollDecision> {
        let was_paused = self.is_paused();
        change(self);
        if self.finished.is_some() {
            return None;
        }
        match (was_paused, self.is_paused()) {
            (false, true) => {
                self.paused_since_ms = Some(now_ms);
                Some(PollDecision::Paused)
            }
            (true, false) => {
                let since = self.paused_since_ms.take().unwrap_or(now_ms);
                self.paused_total_ms = self
                    .paused_total_ms
                    .saturating_add(now_ms.saturating_sub(since));
                Some(PollDecision::WaitMs(0))
            }
            _ => None,
        }
    }
}
