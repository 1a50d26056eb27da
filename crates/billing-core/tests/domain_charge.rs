//! Charges of the LiveChat Billing API: ids, statuses and their flows.

use billing_core::domain::charge::{
    validate_id, ChargeKind, DirectChargeId, DirectChargeStatus, IdError, LedgerEntryId,
    LedgerEntryType, RecurrentChargeId, RecurrentChargeStatus, MAX_ID_LEN,
};
use serde_json::json;

use DirectChargeStatus as D;
use RecurrentChargeStatus as R;

const SEED_DIRECT_CHARGE: &str = r#"{
  "id": "5deab95d-c0c9-4397-9593-436f533e83e5",
  "buyer_license_id": 100008664,
  "name": "Extension",
  "price": 100,
  "quantity": 2,
  "status": "pending",
  "confirmation_url": "https://billing.livechatinc.com/?id=5deab95d-c0c9-4397-9593-436f533e83e5"
}"#;

// ---- Ids ------------------------------------------------------------------

#[test]
fn seed_ids_are_valid() {
    assert!(DirectChargeId::parse("5deab95d-c0c9-4397-9593-436f533e83e5").is_ok());
    assert!(RecurrentChargeId::parse("1c286f7a-aab8-4384-8e09-dc6749c550cd").is_ok());
    assert!(LedgerEntryId::parse("50af517e-c5aa-4af3-93c2-e60d612c43eb").is_ok());
    assert!(validate_id("sD-R4Fc6e").is_ok());
    assert!(validate_id("under_score").is_ok());
}

#[test]
fn ids_reject_empty_long_and_unsafe_values() {
    assert_eq!(DirectChargeId::parse(""), Err(IdError::Empty));
    let long = "a".repeat(MAX_ID_LEN + 1);
    assert_eq!(
        DirectChargeId::parse(long),
        Err(IdError::TooLong { len: 129, max: 128 })
    );
    assert!(DirectChargeId::parse("a".repeat(MAX_ID_LEN)).is_ok());
    for (bad, found) in [
        ("../admin", '.'),
        ("abc/def", '/'),
        ("<script>", '<'),
        ("a b", ' '),
        ("a?b=c", '?'),
        ("id%2F", '%'),
        ("zażółć", 'ż'),
        ("a\u{0}", '\u{0}'),
    ] {
        assert_eq!(
            DirectChargeId::parse(bad),
            Err(IdError::InvalidCharacter { found }),
            "{bad:?}"
        );
    }
}

#[test]
fn id_errors_read_well() {
    assert_eq!(
        IdError::InvalidCharacter { found: '<' }.to_string(),
        "the id contains '<'; only letters, digits, '-' and '_' are allowed"
    );
}

#[test]
fn ids_are_validated_when_deserialised_from_server_data() {
    let id: DirectChargeId =
        serde_json::from_value(json!("5deab95d-c0c9-4397-9593-436f533e83e5")).unwrap();
    assert_eq!(id.as_str(), "5deab95d-c0c9-4397-9593-436f533e83e5");
    assert_eq!(
        serde_json::to_value(&id).unwrap(),
        json!("5deab95d-c0c9-4397-9593-436f533e83e5")
    );
    assert!(serde_json::from_value::<DirectChargeId>(json!("../../v1/ledger")).is_err());
    assert!(serde_json::from_value::<RecurrentChargeId>(json!("")).is_err());
    assert!(serde_json::from_value::<RecurrentChargeId>(json!(42)).is_err());
}

// ---- Charge kinds ---------------------------------------------------------------

#[test]
fn charge_kinds_use_the_url_parameter_names() {
    assert_eq!(ChargeKind::Direct.param(), "direct_charge");
    assert_eq!(ChargeKind::Recurrent.param(), "recurrent_charge");
    assert_eq!(
        ChargeKind::from_param("direct_charge"),
        Some(ChargeKind::Direct)
    );
    assert_eq!(
        ChargeKind::from_param("recurrent_charge"),
        Some(ChargeKind::Recurrent)
    );
    assert_eq!(ChargeKind::from_param("Direct_Charge"), None);
    assert_eq!(ChargeKind::from_param("direct"), None);
    assert!("subscription".parse::<ChargeKind>().is_err());
    assert_eq!(
        serde_json::to_value(ChargeKind::Recurrent).unwrap(),
        json!("recurrent_charge")
    );
    assert_eq!(
        serde_json::from_value::<ChargeKind>(json!("direct_charge")).unwrap(),
        ChargeKind::Direct
    );
}

// ---- Direct charge statuses -------------------------------------------------------

#[test]
fn seed_direct_charge_status_is_pending() {
    let charge: serde_json::Value = serde_json::from_str(SEED_DIRECT_CHARGE).unwrap();
    let status: DirectChargeStatus = serde_json::from_value(charge["status"].clone()).unwrap();
    assert_eq!(status, D::Pending);
    assert!(!status.is_terminal());
    assert!(!status.is_paid());
    let id: DirectChargeId = serde_json::from_value(charge["id"].clone()).unwrap();
    assert_eq!(id.to_string(), "5deab95d-c0c9-4397-9593-436f533e83e5");
}

#[test]
fn all_six_documented_direct_statuses_round_trip_as_lowercase_strings() {
    for (wire, status) in [
        ("pending", D::Pending),
        ("accepted", D::Accepted),
        ("declined", D::Declined),
        ("processed", D::Processed),
        ("failed", D::Failed),
        ("success", D::Success),
    ] {
        assert_eq!(serde_json::from_value::<D>(json!(wire)).unwrap(), status);
        assert_eq!(serde_json::to_value(&status).unwrap(), json!(wire));
        assert_eq!(status.to_string(), wire);
    }
}

#[test]
fn an_unknown_direct_status_is_kept_verbatim_and_never_counts_as_paid() {
    for wire in ["refunded", "Success", "SUCCESS", "", "success "] {
        let status: D = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(status, D::Unknown(wire.to_owned()));
        assert_eq!(serde_json::to_value(&status).unwrap(), json!(wire));
        assert!(!status.is_success());
        assert!(!status.is_paid());
        assert!(!status.is_terminal());
        assert!(!status.can_activate());
        assert_eq!(status.label(), "Status unknown");
    }
}

#[test]
fn direct_rules_follow_the_documented_flows() {
    assert!(D::Success.is_paid());
    assert!(D::Success.is_terminal());
    assert!(D::Failed.is_terminal() && !D::Failed.is_paid());
    assert!(D::Declined.is_terminal() && !D::Declined.is_paid());
    assert!(!D::Processed.is_terminal());

    assert!(D::Accepted.can_activate());
    for other in [D::Pending, D::Processed, D::Success, D::Declined, D::Failed] {
        assert!(!other.can_activate(), "{other}");
    }
}

#[test]
fn direct_charges_are_polled_while_the_gateway_works_on_them() {
    assert!(D::Accepted.should_poll());
    assert!(D::Processed.should_poll());
    assert!(D::Unknown("queued".into()).should_poll());
    assert!(!D::Pending.should_poll(), "pending waits on the buyer");
    for done in [D::Success, D::Failed, D::Declined] {
        assert!(!done.should_poll(), "{done}");
    }
}

#[test]
fn direct_transition_table_matches_the_three_flows() {
    let allowed = [
        (D::Pending, D::Accepted),
        (D::Pending, D::Declined),
        (D::Accepted, D::Processed),
        (D::Processed, D::Failed),
        (D::Processed, D::Success),
    ];
    let all = [
        D::Pending,
        D::Accepted,
        D::Declined,
        D::Processed,
        D::Failed,
        D::Success,
    ];
    // The domain's list of known statuses is this one, and each reads back
    // from its wire name.
    assert_eq!(D::KNOWN, all);
    for status in &D::KNOWN {
        assert_eq!(&D::from_wire(status.as_str()), status);
    }
    for from in &all {
        for to in &all {
            let expected = from == to || allowed.contains(&(from.clone(), to.clone()));
            assert_eq!(from.can_transition_to(to), expected, "{from} -> {to}");
        }
    }
    let unknown = D::Unknown("x".into());
    assert!(!D::Pending.can_transition_to(&unknown));
    assert!(!unknown.can_transition_to(&D::Success));
    assert!(!unknown.can_transition_to(&unknown));
}

#[test]
fn a_poll_may_skip_intermediate_direct_statuses_but_never_go_back() {
    assert!(D::Pending.can_reach(&D::Success));
    assert!(D::Accepted.can_reach(&D::Failed));
    assert!(!D::Success.can_reach(&D::Pending));
    assert!(!D::Declined.can_reach(&D::Accepted));
    assert!(!D::Processed.can_reach(&D::Declined));
}

// ---- Recurrent charge statuses ------------------------------------------------------

#[test]
fn seed_recurrent_charge_status_is_pending() {
    let status: R = serde_json::from_value(json!("pending")).unwrap();
    assert_eq!(status, R::Pending);
    assert!(status.can_accept() && status.can_decline());
}

#[test]
fn all_recurrent_statuses_round_trip_including_past_due() {
    for (wire, status) in [
        ("pending", R::Pending),
        ("accepted", R::Accepted),
        ("declined", R::Declined),
        ("processed", R::Processed),
        ("active", R::Active),
        ("frozen", R::Frozen),
        ("cancelled", R::Cancelled),
        ("past_due", R::PastDue),
    ] {
        assert_eq!(serde_json::from_value::<R>(json!(wire)).unwrap(), status);
        assert_eq!(serde_json::to_value(&status).unwrap(), json!(wire));
    }
    let unknown: R = serde_json::from_value(json!("paused")).unwrap();
    assert_eq!(unknown, R::Unknown("paused".into()));
    assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("paused"));
    assert!(!unknown.is_success() && !unknown.grants_access() && !unknown.can_cancel());
}

#[test]
fn recurrent_actions_are_offered_only_where_the_api_allows_them() {
    assert!(R::Pending.can_accept());
    assert!(R::Pending.can_decline());
    assert!(!R::Accepted.can_accept());
    assert!(R::Accepted.can_activate());
    assert!(!R::Pending.can_activate());
    for cancellable in [R::Active, R::PastDue, R::Frozen] {
        assert!(cancellable.can_cancel(), "{cancellable}");
    }
    for not in [
        R::Pending,
        R::Accepted,
        R::Processed,
        R::Cancelled,
        R::Declined,
    ] {
        assert!(!not.can_cancel(), "{not}");
    }
}

#[test]
fn only_an_active_subscription_counts_as_paid_and_past_due_keeps_access() {
    assert!(R::Active.is_paid());
    assert!(!R::PastDue.is_paid());
    assert!(R::PastDue.grants_access());
    assert!(!R::Frozen.grants_access());
    assert!(R::Cancelled.is_terminal());
    assert!(R::Declined.is_terminal());
    assert!(
        !R::Frozen.is_terminal(),
        "a frozen subscription can still be cancelled"
    );
}

#[test]
fn recurrent_charges_are_polled_until_the_gateway_settles_them() {
    assert!(R::Accepted.should_poll());
    assert!(R::Processed.should_poll());
    for settled in [R::Active, R::Frozen, R::Cancelled, R::Declined, R::Pending] {
        assert!(!settled.should_poll(), "{settled}");
    }
}

#[test]
fn recurrent_transition_table_matches_the_documented_flows() {
    let yes = [
        (R::Pending, R::Accepted),
        (R::Pending, R::Declined),
        (R::Accepted, R::Processed),
        (R::Processed, R::Active),
        (R::Active, R::Cancelled),
        (R::Active, R::Frozen),
        (R::Active, R::PastDue),
        (R::PastDue, R::Active),
        (R::Frozen, R::Cancelled),
    ];
    for (from, to) in &yes {
        assert!(from.can_transition_to(to), "{from} -> {to}");
    }
    let no = [
        (R::Pending, R::Active),
        (R::Declined, R::Accepted),
        (R::Cancelled, R::Active),
        (R::Frozen, R::Active),
        (R::Accepted, R::Cancelled),
        (R::Active, R::Pending),
    ];
    for (from, to) in &no {
        assert!(!from.can_transition_to(to), "{from} -> {to}");
    }
    assert!(R::Pending.can_reach(&R::Cancelled));
    assert!(!R::Cancelled.can_reach(&R::Active));
}

#[test]
fn the_known_subscription_statuses_are_the_eight_of_the_flows() {
    assert_eq!(
        R::KNOWN,
        [
            R::Pending,
            R::Accepted,
            R::Declined,
            R::Processed,
            R::Active,
            R::Frozen,
            R::Cancelled,
            R::PastDue,
        ]
    );
    for status in &R::KNOWN {
        assert_eq!(&R::from_wire(status.as_str()), status);
    }
}

// ---- Ledger ----------------------------------------------------------------

#[test]
fn seed_ledger_entry_is_a_collection_that_adds_to_the_balance() {
    let entry = json!({
        "id": "50af517e-c5aa-4af3-93c2-e60d612c43eb",
        "name": "app1",
        "type": "collection",
        "value": 160,
        "created_at": "2017-11-20T15:48:13Z"
    });
    let kind: LedgerEntryType = serde_json::from_value(entry["type"].clone()).unwrap();
    assert_eq!(kind, LedgerEntryType::Collection);
    assert_eq!(kind.balance_sign(), Some(1));
}

#[test]
fn ledger_types_round_trip_and_unknown_ones_are_not_guessed() {
    for (wire, kind, sign) in [
        ("collection", LedgerEntryType::Collection, Some(1)),
        ("refund", LedgerEntryType::Refund, Some(-1)),
        ("withdrawal", LedgerEntryType::Withdrawal, Some(-1)),
        (
            "chargeback",
            LedgerEntryType::Unknown("chargeback".into()),
            None,
        ),
    ] {
        let parsed: LedgerEntryType = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(parsed, kind);
        assert_eq!(parsed.balance_sign(), sign);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!(wire));
    }
}
