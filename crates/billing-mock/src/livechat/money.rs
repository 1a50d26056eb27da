//! Money: the developer's share of a collection and the refund of a
//! cancelled period, both rounded down to whole cents.

use billing_core::domain::money::Cents;

/// The developer's share of `total` after commission, rounded down.
pub(super) fn developer_share(total: i64, commission_percent: u32) -> i64 {
    let keep = i128::from(100 - commission_percent.min(100));
    i64::try_from(i128::from(total) * keep / 100).unwrap_or(0)
}

/// `paid x remaining / period`, rounded down: the same function the page
/// uses for its estimate, so both always agree.
pub(super) fn proportional_refund(paid: i64, remaining_ms: u64, period_ms: u64) -> i64 {
    billing_core::domain::checkout::proportional_refund(Cents::new(paid), remaining_ms, period_ms)
        .get()
}
