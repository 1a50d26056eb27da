//! Learns the server's clock from the `Date` of each answer, so countdowns
//! to server-given expiry times stay right on a device whose clock is off.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use super::dom;
use crate::api::transport::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::domain::crypto_checkout::ServerClock;

/// The latest estimate of the server's clock; `None` until an answer with a
/// readable `Date` arrives (a cross-origin server must expose the header).
/// Shared (and `Send`) so the page's closures can hold it.
#[derive(Debug, Clone)]
pub struct SampledClock(Arc<AtomicI64>);

/// Stands for "no sample yet" (an offset of 292 million years is no clock).
const UNSET: i64 = i64::MIN;

impl Default for SampledClock {
    fn default() -> Self {
        Self(Arc::new(AtomicI64::new(UNSET)))
    }
}

impl SampledClock {
    pub fn get(&self) -> Option<ServerClock> {
        match self.0.load(Ordering::Relaxed) {
            UNSET => None,
            offset => Some(ServerClock::with_offset_ms(offset)),
        }
    }

    pub fn set(&self, clock: ServerClock) {
        self.0
            .store(clock.offset_ms().max(UNSET + 1), Ordering::Relaxed);
    }
}

/// A transport that samples the server's clock from every answer.
#[derive(Debug, Clone)]
pub struct ClockSampling<T> {
    inner: T,
    clock: SampledClock,
}

impl<T> ClockSampling<T> {
    pub fn new(inner: T, clock: SampledClock) -> Self {
        Self { inner, clock }
    }
}

/// The device's clock as the signed milliseconds the clock maths uses.
pub fn device_now_ms() -> i64 {
    i64::try_from(dom::now_ms()).unwrap_or(i64::MAX)
}

impl<T: Transport> Transport for ClockSampling<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let sent = device_now_ms();
        let response = self.inner.send(request).await?;
        let received = device_now_ms();
        if let Some(clock) = response
            .header("Date")
            .and_then(|date| ServerClock::from_http_date(date, sent, received))
        {
            self.clock.set(clock);
        }
        Ok(response)
    }
}
