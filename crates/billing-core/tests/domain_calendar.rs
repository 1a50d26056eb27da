//! The shared UTC calendar: every date format the three APIs use comes from
//! the same arithmetic.

use billing_core::domain::calendar::{
    civil_from_days, days_from_civil, days_in_month, gateway_datetime, rfc3339_millis,
    rfc3339_seconds, UtcParts, MAX_MS,
};
use proptest::prelude::*;

#[test]
fn each_api_gets_its_own_format_of_the_same_instant() {
    let instant = 1_554_825_758_835; // 2019-04-09T16:02:38.835Z, the Bidali seed's createdAt
    assert_eq!(rfc3339_millis(instant), "2019-04-09T16:02:38.835Z");
    assert_eq!(rfc3339_seconds(instant), "2019-04-09T16:02:38Z");
    assert_eq!(gateway_datetime(instant), "2019-04-09 16:02:38");
}

#[test]
fn leap_years_follow_the_gregorian_rules() {
    assert_eq!(days_in_month(2024, 2), 29);
    assert_eq!(days_in_month(2023, 2), 28);
    assert_eq!(days_in_month(2000, 2), 29);
    assert_eq!(days_in_month(2100, 2), 28);
    assert_eq!(days_in_month(2024, 4), 30);
}

#[test]
fn instants_past_year_9999_are_clamped_not_wrapped() {
    assert_eq!(rfc3339_seconds(u64::MAX), "9999-12-31T23:59:59Z");
    assert_eq!(UtcParts::from_unix_ms(MAX_MS).year, 9999);
}

proptest! {
    #[test]
    fn day_numbers_and_dates_convert_both_ways(days in -1_000_000i64..3_000_000) {
        let (year, month, day) = civil_from_days(days);
        prop_assert!((1..=12).contains(&month));
        prop_assert!(day >= 1 && day <= days_in_month(year, month));
        prop_assert_eq!(days_from_civil(year, month, day), days);
    }
}
