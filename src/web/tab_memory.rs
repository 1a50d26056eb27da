//! What this tab keeps for the pages across page loads (sessionStorage),
//! read back as typed values: a value that does not read is none.

use crate::domain::charge::validate_id;
use crate::domain::crypto_checkout::ServerClock;
use crate::flow::crypto_start::{CLOCK_KEY, LAST_CHARGE_KEY};
use crate::web::storage::{self, Area};

fn typed_quantity_key(item_id: &str) -> String {
    format!("billing-widget.quantity.{item_id}")
}

/// What the buyer last typed as the quantity of `item_id` in this tab: it
/// outlives a sign-in round trip (a 401 while buying sends them away and
/// back).
pub fn typed_quantity(item_id: &str) -> Option<String> {
    storage::get(Area::Session, &typed_quantity_key(item_id))
}

pub fn keep_typed_quantity(item_id: &str, typed: &str) {
    storage::set(Area::Session, &typed_quantity_key(item_id), typed);
}

/// The server clock learnt when this tab last created a crypto charge.
pub fn crypto_clock() -> Option<ServerClock> {
    storage::get(Area::Session, CLOCK_KEY)?
        .parse::<i64>()
        .ok()
        .map(ServerClock::with_offset_ms)
}

/// The crypto charge this tab last started, to offer to resume it.
pub fn last_crypto_charge() -> Option<String> {
    storage::get(Area::Session, LAST_CHARGE_KEY).filter(|id| validate_id(id).is_ok())
}
