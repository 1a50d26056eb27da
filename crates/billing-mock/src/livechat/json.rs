//! The JSON shapes of direct charges, recurrent charges and ledger lines,
//! as the Billing API answers them.

use serde_json::{json, Value};

use super::{DirectChargeRecord, LedgerRecord, RecurrentChargeRecord};
use billing_core::domain::calendar;

fn date_or_null(ms: Option<u64>) -> Value {
    ms.map_or(Value::Null, |ms| {
        Value::String(calendar::rfc3339_seconds(ms))
    })
}

pub(super) fn direct_json(c: &DirectChargeRecord) -> Value {
    json!({
        "id": c.id,
        "buyer_license_id": c.buyer_license_id,
        "buyer_entity_id": c.buyer_entity_id,
        "order_client_id": c.order_client_id,
        "seller_client_id": c.seller_client_id,
        "name": c.name,
        "price": c.price,
        "quantity": c.quantity,
        "return_url": c.return_url,
        "test": c.test,
        "per_account": c.per_account,
        "status": c.status.as_str(),
        "confirmation_url": c.confirmation_url,
        "commission_percent": c.commission_percent,
        "created_at": calendar::rfc3339_seconds(c.created_ms),
        "updated_at": calendar::rfc3339_seconds(c.updated_ms),
    })
}

pub(super) fn recurrent_json(c: &RecurrentChargeRecord) -> Value {
    let mut value = json!({
        "id": c.id,
        "buyer_license_id": c.buyer_license_id,
        "buyer_entity_id": c.buyer_entity_id,
        "seller_client_id": c.seller_client_id,
        "order_client_id": c.order_client_id,
        "order_license_id": c.order_license_id,
        "order_entity_id": c.order_entity_id,
        "name": c.name,
        "price": c.price,
        "trial_days": c.trial_days,
        "months": c.months,
        "return_url": c.return_url,
        "test": c.test,
        "per_account": c.per_account,
        "status": c.status.as_str(),
        "confirmation_url": c.confirmation_url,
        "commission_percent": c.commission_percent,
        "trial_ends_at": date_or_null(c.trial_ends_ms),
        "cancelled_at": date_or_null(c.cancelled_ms),
        "current_charge_at": date_or_null(c.current_charge_ms),
        "next_charge_at": date_or_null(c.next_charge_ms),
        "updated_at": calendar::rfc3339_seconds(c.updated_ms),
        "created_at": calendar::rfc3339_seconds(c.created_ms),
    });
    if let (Some(external_id), Some(object)) = (&c.external_id, value.as_object_mut()) {
        object.insert("external_id".to_owned(), json!(external_id));
    }
    value
}

pub(super) fn ledger_json(e: &LedgerRecord) -> Value {
    json!({
        "id": e.id,
        "name": e.name,
        "type": e.entry_type.as_str(),
        "value": e.value,
        "created_at": calendar::rfc3339_seconds(e.created_ms),
    })
}
