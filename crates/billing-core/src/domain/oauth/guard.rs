//! The sign-in loop guard: limits sign-in redirects so the app never loops
//! into LiveChat's redirect limit.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::domain::locale::{pick_polish, Locale};

/// Refusal to start another sign-in redirect.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RedirectGuardError {
    #[error("Too many sign-in attempts. Wait {} s, then try again.", .wait_ms.div_ceil(1000))]
    TooManyAttempts { wait_ms: u64 },
}

impl RedirectGuardError {
    /// The message in `locale` (`Display` is the English one).
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::TooManyAttempts { wait_ms }) => {
                let secs = wait_ms.div_ceil(1000);
                format!(
                    "Zbyt wiele prób logowania. Odczekaj {secs} {}, a potem spróbuj ponownie.",
                    pick_polish(secs, "sekundę", "sekundy", "sekund")
                )
            }
        }
    }
}

/// Remembers recent sign-in redirects (persist [`timestamps`](Self::timestamps)
/// across page loads) so the app never loops: LiveChat allows 3 redirects per
/// 30 s per client and user, and the guard stops earlier.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RedirectGuard {
    recent_ms: Vec<u64>,
}

impl RedirectGuard {
    pub const WINDOW_MS: u64 = 30_000;
    /// LiveChat's own limit; never configurable above it.
    pub const SERVER_LIMIT: usize = 3;
    /// Stop one short of the server limit.
    pub const DEFAULT_MAX: usize = 2;

    pub fn new(recent_ms: Vec<u64>) -> Self {
        Self { recent_ms }
    }

    pub fn timestamps(&self) -> &[u64] {
        &self.recent_ms
    }

    /// Timestamps inside the window, oldest first. Slightly future ones (clock
    /// moved back) still count; those beyond a window ahead are bogus and
    /// dropped, so a clock change can never block sign-in for long.
    fn in_window(&self, now_ms: u64) -> Vec<u64> {
        let mut kept: Vec<u64> = self
            .recent_ms
            .iter()
            .copied()
            .filter(|&t| {
                t <= now_ms.saturating_add(Self::WINDOW_MS)
                    && t.saturating_add(Self::WINDOW_MS) > now_ms
            })
            .collect();
        kept.sort_unstable();
        kept
    }

    /// May a redirect leave now? At most `max` (1 to 3) within the window.
    pub fn check_with_max(&self, now_ms: u64, max: usize) -> Result<(), RedirectGuardError> {
        let max = max.clamp(1, Self::SERVER_LIMIT);
        let recent = self.in_window(now_ms);
        if recent.len() < max {
            return Ok(());
        }
        // The attempt that must leave the window before another is allowed.
        let blocking = recent[recent.len() - max];
        Err(RedirectGuardError::TooManyAttempts {
            wait_ms: blocking
                .saturating_add(Self::WINDOW_MS)
                .saturating_sub(now_ms),
        })
    }

    pub fn check(&self, now_ms: u64) -> Result<(), RedirectGuardError> {
        self.check_with_max(now_ms, Self::DEFAULT_MAX)
    }

    /// Checks, then records the redirect and forgets old ones.
    pub fn record(&mut self, now_ms: u64) -> Result<(), RedirectGuardError> {
        self.check(now_ms)?;
        self.recent_ms = self.in_window(now_ms);
        self.recent_ms.push(now_ms);
        Ok(())
    }
}
