//! Sample data: finished test direct charges, added on request for
//! pagination and filter demos.

use url::Url;

use super::fields::{confirmation_url, with_charge_params};
use super::gateway::{push_ledger, Entry};
use super::money::developer_share;
use super::{DirectChargeRecord, Product};
use crate::control::GatewayOutcome;
use crate::{MockState, NowMs};
use billing_core::domain::charge::{ChargeKind, DirectChargeStatus, LedgerEntryType};

/// At most this many sample charges are added at once.
pub const MAX_SAMPLE_CHARGES: u32 = 200;

/// What the sample charges sell: `(name, price in cents)`.
pub(crate) const SAMPLE_PRODUCTS: [(&str, i64); 11] = [
    ("Chat transcripts export", 1_900),
    ("Extra agent seat", 2_900),
    ("Canned responses pack", 900),
    ("Priority support", 4_900),
    ("Analytics add-on", 1_500),
    ("Custom branding", 2_500),
    ("Widget themes", 1_200),
    ("Visitor tracking", 3_900),
    ("Translation credits", 700),
    ("Onboarding session", 9_900),
    ("Ticket archive", 1_400),
];

/// The final status of sample item `k` (1-based): every 5th `failed`,
/// else every 7th `declined`, else every 9th `pending`, else `success`.
fn sample_status(k: u32) -> DirectChargeStatus {
    if k.is_multiple_of(5) {
        DirectChargeStatus::Failed
    } else if k.is_multiple_of(7) {
        DirectChargeStatus::Declined
    } else if k.is_multiple_of(9) {
        DirectChargeStatus::Pending
    } else {
        DirectChargeStatus::Success
    }
}

/// Where the buyer of a sample charge returned to: the app's `/return`
/// route on the origin of the confirmation page, with `id` and `type`.
pub(super) fn sample_return_url(state: &MockState, id: &str) -> String {
    match Url::parse(&state.livechat.confirmation_base).and_then(|base| base.join("/return")) {
        Ok(url) => with_charge_params(&url, id, ChargeKind::Direct).to_string(),
        Err(_) => format!("http://127.0.0.1:8080/return?id={id}&type=direct_charge"),
    }
}

/// Adds `count` (at most [`MAX_SAMPLE_CHARGES`]) finished test direct
/// charges sold by `client_id` and bought by the first demo account, for
/// pagination and filter demos; returns how many were added.
///
/// Sample item `k` was created `k` hours before `now_ms` and is named
/// `Sample item k: <product>`, quantity 1, `test: true`; its status follows
/// a fixed pattern by `k` (every 5th `failed`, else every 7th `declined`,
/// else every 9th `pending`, else `success`: 27, 9, 5 and 4 of 45). They are
/// stored by creation time among the charges already there, so the list
/// (newest first) shows item 1, 2, 3... Charges in `success` have their
/// `collection` in the ledger; activated ones count one activate request.
pub fn add_sample_direct_charges(
    state: &mut MockState,
    client_id: &str,
    count: u32,
    now_ms: NowMs,
) -> u32 {
    const HOUR_MS: u64 = 3_600_000;
    /// The buyer answers a minute after the charge is created, the app
    /// activates half a minute later, and the gateway takes two steps.
    const ANSWERED_AFTER_MS: u64 = 60_000;
    const ACTIVATED_AFTER_MS: u64 = 90_000;
    const GATEWAY_MS: u64 = 6_000;

    let count = count.min(MAX_SAMPLE_CHARGES);
    // Sold to whoever signs in with the seller's client: the demo's first
    // account for the widget, the developer token's account for scripts.
    let buyer = if client_id == crate::oauth::DEVELOPER_CLIENT_ID {
        crate::oauth::developer_account()
    } else {
        &crate::oauth::DEMO_ACCOUNTS[0]
    };
    let commission_percent = state.livechat.commission_percent.min(100);
    // Oldest (item `count`) first, so each insertion lands after the last.
    for k in (1..=count).rev() {
        let (product, price) = SAMPLE_PRODUCTS[(k as usize - 1) % SAMPLE_PRODUCTS.len()];
        let created = now_ms.saturating_sub(u64::from(k).saturating_mul(HOUR_MS));
        let activated = created.saturating_add(ACTIVATED_AFTER_MS);
        let done = activated.saturating_add(GATEWAY_MS);
        let status = sample_status(k);
        let (updated, activated_ms, outcome) = match status {
            DirectChargeStatus::Success => (done, Some(activated), Some(GatewayOutcome::Success)),
            DirectChargeStatus::Failed => (done, Some(activated), Some(GatewayOutcome::Failed)),
            DirectChargeStatus::Declined => (created.saturating_add(ANSWERED_AFTER_MS), None, None),
            _ => (created, None, None),
        };
        let id = state.rng.uuid();
        let record = DirectChargeRecord {
            return_url: sample_return_url(state, &id),
            confirmation_url: confirmation_url(state, &id, ChargeKind::Direct),
            id,
            product: Product::Livechat,
            buyer_license_id: buyer.license_id,
            buyer_entity_id: buyer.email.to_owned(),
            order_client_id: client_id.to_owned(),
            seller_client_id: client_id.to_owned(),
            name: format!("Sample item {k}: {product}"),
            price,
            quantity: 1,
            test: true,
            per_account: false,
            status: status.clone(),
            commission_percent,
            created_ms: created,
            updated_ms: updated,
            activated_ms,
            outcome,
            activation_requests: u32::from(activated_ms.is_some()),
        };
        if status == DirectChargeStatus::Success {
            push_ledger(
                &mut state.livechat.ledger,
                &mut state.rng,
                Entry {
                    client_id,
                    name: &record.name,
                    charge_id: &record.id,
                    entry_type: LedgerEntryType::Collection,
                    value: developer_share(price, commission_percent),
                    at_ms: done,
                },
            );
        }
        let charges = &mut state.livechat.direct_charges;
        let at = charges.partition_point(|c| c.created_ms <= created);
        charges.insert(at, record);
    }
    count
}
