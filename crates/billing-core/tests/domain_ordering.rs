//! The shared stable sort by a time key: the same order as the standard
//! library's stable `sort_by_key`, ties kept as they came.

use billing_core::domain::ordering::{millis_key, sort_by_key, Direction};
use proptest::prelude::*;

#[test]
fn newest_first_keeps_entries_of_the_same_millisecond_in_their_order() {
    let mut entries = vec![(10, "a"), (30, "b"), (20, "c"), (30, "d"), (10, "e")];
    sort_by_key(&mut entries, Direction::Descending, |e| e.0);
    assert_eq!(
        entries,
        vec![(30, "b"), (30, "d"), (20, "c"), (10, "a"), (10, "e")]
    );
}

#[test]
fn oldest_first_keeps_ties_in_their_order() {
    let mut events = vec![(5, 'x'), (1, 'y'), (5, 'z'), (-3, 'w')];
    sort_by_key(&mut events, Direction::Ascending, |e| e.0);
    assert_eq!(events, vec![(-3, 'w'), (1, 'y'), (5, 'x'), (5, 'z')]);
}

#[test]
fn the_extreme_keys_sort_without_overflow() {
    let mut keys = vec![0, i64::MIN, i64::MAX, -1];
    sort_by_key(&mut keys, Direction::Descending, |k| *k);
    assert_eq!(keys, vec![i64::MAX, 0, -1, i64::MIN]);
    sort_by_key(&mut keys, Direction::Ascending, |k| *k);
    assert_eq!(keys, vec![i64::MIN, -1, 0, i64::MAX]);
}

#[test]
fn an_empty_list_stays_empty() {
    let mut nothing: Vec<String> = Vec::new();
    sort_by_key(&mut nothing, Direction::Ascending, |s| s.len() as i64);
    assert!(nothing.is_empty());
}

#[test]
fn times_beyond_the_key_range_sort_as_the_largest() {
    assert_eq!(millis_key(1_700_000_000_000), 1_700_000_000_000);
    assert_eq!(millis_key(u64::MAX), i64::MAX);
}

proptest! {
    #[test]
    fn the_order_is_the_standard_stable_sort(keys in proptest::collection::vec(-5i64..5, 0..40)) {
        let tagged: Vec<(i64, usize)> = keys.iter().copied().zip(0..).collect();

        let mut ours = tagged.clone();
        sort_by_key(&mut ours, Direction::Ascending, |t| t.0);
        let mut std_order = tagged.clone();
        std_order.sort_by_key(|t| t.0);
        prop_assert_eq!(ours, std_order);

        let mut ours = tagged.clone();
        sort_by_key(&mut ours, Direction::Descending, |t| t.0);
        let mut std_order = tagged;
        std_order.sort_by_key(|t| std::cmp::Reverse(t.0));
        prop_assert_eq!(ours, std_order);
    }
}
