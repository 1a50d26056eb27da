//! Stable sorting by a whole-number key (a time in milliseconds), shared by
//! every list the widget and its mock put in order. Each `sort_by_key` call
//! site instantiates the standard library's sort for its own element type;
//! here the sort runs once, over `(key, position)` pairs, and only the small
//! reordering step is generic.

/// Which way a key orders a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest key first (oldest first, for times).
    Ascending,
    /// Largest key first (newest first, for times).
    Descending,
}

/// Sorts `items` by `key` in `direction`. The sort is stable: items with
/// equal keys keep their order.
pub fn sort_by_key<T>(items: &mut Vec<T>, direction: Direction, key: impl Fn(&T) -> i64) {
    let mut order: Vec<(i64, usize)> = items
        .iter()
        .enumerate()
        .map(|(position, item)| {
            let key = key(item);
            // `!key` (that is, -key - 1) reverses the order of every i64
            // without overflowing, as negation would for i64::MIN.
            let key = match direction {
                Direction::Ascending => key,
                Direction::Descending => !key,
            };
            (key, position)
        })
        .collect();
    sort_pairs(&mut order);
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&(_, position)| slots.get_mut(position).and_then(Option::take)),
    );
}

/// The one instance of the sort. Positions are distinct, so the order of
/// the pairs is total and an unstable sort gives the stable result.
#[inline(never)]
fn sort_pairs(pairs: &mut [(i64, usize)]) {
    pairs.sort_unstable();
}

/// A time in milliseconds as a sort key (times past `i64::MAX` ms, some
/// 292 million years away, sort as the largest).
pub fn millis_key(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}
