//! The page's timers for what it shows (a countdown, a settling filter, a
//! "Copied" that fades), each ended with the component that made it, so no
//! timer outlives its page. Flows wait through their runner instead.

use std::time::Duration;

use leptos::prelude::*;

/// Calls `tick` every `period_ms` until [`Ticker::stop`] (which `tick`
/// may call itself) or until the component that made it is gone.
#[derive(Clone, Copy)]
pub struct Ticker(StoredValue<Option<IntervalHandle>>);

pub fn every(period_ms: u64, tick: impl Fn(Ticker) + 'static) -> Ticker {
    let ticker = Ticker(StoredValue::new(None));
    let handle =
        set_interval_with_handle(move || tick(ticker), Duration::from_millis(period_ms)).ok();
    ticker.0.set_value(handle);
    on_cleanup(move || ticker.stop());
    ticker
}

impl Ticker {
    pub fn stop(&self) {
        if let Some(handle) = self.0.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }
}

/// At most one call waiting to happen: a new [`Later::set`] replaces the
/// one waiting, and the component going cancels it.
#[derive(Clone, Copy)]
pub struct Later(StoredValue<Option<TimeoutHandle>>);

impl Later {
    pub fn new() -> Self {
        let later = Self(StoredValue::new(None));
        on_cleanup(move || later.cancel());
        later
    }

    /// Calls `then` after `ms`, instead of what was waiting.
    pub fn set(&self, ms: u64, then: impl FnOnce() + 'static) {
        self.cancel();
        let cell = self.0;
        let handle = set_timeout_with_handle(
            move || {
                cell.try_set_value(None);
                then();
            },
            Duration::from_millis(ms),
        )
        .ok();
        self.0.try_set_value(handle);
    }

    pub fn cancel(&self) {
        if let Some(handle) = self.0.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }

    /// Something is waiting.
    pub fn is_set(&self) -> bool {
        self.0.try_with_value(Option::is_some).unwrap_or(false)
    }
}

impl Default for Later {
    fn default() -> Self {
        Self::new()
    }
}
