//! Cancelling a subscription: the dialog says what comes back, one request
//! per confirmation, and every answer leads somewhere the buyer can act on.

mod support;

use billing_core::api::livechat::RecurrentCharge;
use billing_core::api::ApiError;
use billing_core::api::Service;
use billing_core::domain::money::Cents;
use billing_core::flow::subscription_cancel::{
    refund_outlook, CancelFlow, CancelPhase, Event, RefundOutlook, Request,
};
use billing_core::flow::{Effect, Env, Machine, ShellEffect};
use support::http;

const RECURRENT_FIELDS: &str = include_str!("fixtures/livechat_recurrent_charge_fields.json");
const DAY_MS: u64 = 86_400_000;
/// 2024-01-01T00:00:00Z.
const PERIOD_START_MS: u64 = 1_704_067_200_000;

/// The fixture's subscription (1,900 cents a month) with `status` and
/// the given fields changed.
fn subscription(status: &str, changes: &[(&str, serde_json::Value)]) -> RecurrentCharge {
    let mut value: serde_json::Value =
        serde_json::from_str(&format!("{{{RECURRENT_FIELDS}}}")).expect("fixture");
    value["status"] = status.into();
    for (field, change) in changes {
        value[*field] = change.clone();
    }
    serde_json::from_value(value).expect("a recurrent charge")
}

/// An active subscription in a paid 30-day period from `PERIOD_START_MS`.
fn paid_up() -> RecurrentCharge {
    subscription(
        "active",
        &[
            ("current_charge_at", "2024-01-01T00:00:00Z".into()),
            ("next_charge_at", "2024-01-31T00:00:00Z".into()),
        ],
    )
}

fn at(day: u64) -> Env {
    Env::at(PERIOD_START_MS + day * DAY_MS)
}

fn opened(charge: RecurrentCharge) -> CancelFlow {
    let mut flow = CancelFlow::default();
    assert_eq!(flow.update(Event::Open(Box::new(charge)), &at(10)), vec![]);
    flow
}

fn confirmed(charge: RecurrentCharge) -> CancelFlow {
    let mut flow = opened(charge);
    flow.update(Event::Confirm, &at(10));
    flow
}

#[test]
fn the_refund_is_the_unused_share_of_the_paid_period() {
    // 20 of 30 days left of 19.00: 12.66, rounded down as the gateway does.
    assert_eq!(
        refund_outlook(&paid_up(), PERIOD_START_MS + 10 * DAY_MS),
        RefundOutlook::About {
            amount: Cents::new(1266),
            days_left: 20
        }
    );
}

#[test]
fn a_used_up_period_gives_nothing_back() {
    assert_eq!(
        refund_outlook(&paid_up(), PERIOD_START_MS + 31 * DAY_MS),
        RefundOutlook::NothingLeft
    );
}

#[test]
fn a_free_trial_was_never_charged() {
    let trial = subscription(
        "active",
        &[
            ("trial_days", 14.into()),
            ("trial_ends_at", "2024-01-15T00:00:00Z".into()),
            ("current_charge_at", "2024-01-01T00:00:00Z".into()),
            ("next_charge_at", "2024-01-15T00:00:00Z".into()),
        ],
    );
    assert_eq!(
        refund_outlook(&trial, PERIOD_START_MS + 3 * DAY_MS),
        RefundOutlook::FreeTrial
    );
}

#[test]
fn past_due_and_frozen_periods_were_not_collected() {
    for status in ["past_due", "frozen"] {
        assert_eq!(
            refund_outlook(&subscription(status, &[]), PERIOD_START_MS),
            RefundOutlook::NotCollected,
            "{status}"
        );
    }
}

#[test]
fn missing_period_dates_promise_nothing() {
    assert_eq!(
        refund_outlook(&subscription("active", &[]), PERIOD_START_MS),
        RefundOutlook::NoPaidPeriod
    );
}

#[test]
fn opening_the_dialog_works_out_the_refund_at_that_moment() {
    let flow = opened(paid_up());
    assert_eq!(
        flow.phase(),
        &CancelPhase::Asking {
            id: paid_up().id,
            refund: RefundOutlook::About {
                amount: Cents::new(1266),
                days_left: 20
            },
            failed: None,
        }
    );
    assert!(flow.is_asking());
    assert!(!flow.is_cancelling());
}

#[test]
fn a_subscription_that_cannot_be_cancelled_opens_no_dialog() {
    for status in [
        "pending",
        "accepted",
        "processed",
        "cancelled",
        "declined",
        "paused",
    ] {
        let flow = opened(subscription(status, &[]));
        assert_eq!(flow.phase(), &CancelPhase::Idle, "{status}");
    }
}

#[test]
fn confirming_sends_one_cancel_however_often_it_is_pressed() {
    let mut flow = opened(paid_up());
    assert_eq!(
        flow.update(Event::Confirm, &at(10)),
        vec![Effect::Send(Request::Cancel(paid_up().id))]
    );
    assert!(flow.is_cancelling());
    assert_eq!(flow.update(Event::Confirm, &at(10)), vec![]);
}

#[test]
fn the_dialog_cannot_be_closed_or_reopened_under_a_request_in_flight() {
    let mut flow = confirmed(paid_up());
    flow.update(Event::Keep, &at(10));
    flow.update(Event::Open(Box::new(paid_up())), &at(10));
    assert!(flow.is_cancelling());
}

#[test]
fn keeping_the_subscription_closes_the_dialog_without_a_request() {
    let mut flow = opened(paid_up());
    assert_eq!(flow.update(Event::Keep, &at(10)), vec![]);
    assert_eq!(flow.phase(), &CancelPhase::Idle);
    assert_eq!(flow.update(Event::Confirm, &at(10)), vec![]);
}

#[test]
fn the_server_answer_is_the_subscription_shown_afterwards() {
    let mut flow = confirmed(paid_up());
    let cancelled = subscription(
        "cancelled",
        &[("cancelled_at", "2024-01-11T00:00:00Z".into())],
    );
    assert_eq!(
        flow.update(Event::Answered(Ok(Box::new(cancelled.clone()))), &at(10)),
        vec![]
    );
    assert_eq!(flow.phase(), &CancelPhase::Cancelled(Box::new(cancelled)));
    assert!(!flow.is_asking());
}

#[test]
fn the_dialog_closing_after_the_cancel_keeps_what_it_led_to() {
    let mut flow = confirmed(paid_up());
    let cancelled = subscription("cancelled", &[]);
    flow.update(Event::Answered(Ok(Box::new(cancelled.clone()))), &at(10));
    flow.update(Event::Keep, &at(10));
    assert_eq!(flow.phase(), &CancelPhase::Cancelled(Box::new(cancelled)));

    let mut flow = confirmed(paid_up());
    flow.update(Event::Answered(Err(http(409))), &at(10));
    flow.update(Event::Keep, &at(10));
    assert_eq!(flow.phase(), &CancelPhase::ChangedMeanwhile);
}

#[test]
fn a_conflict_means_it_changed_meanwhile_and_is_reloaded() {
    let mut flow = confirmed(paid_up());
    flow.update(Event::Answered(Err(http(409))), &at(10));
    assert_eq!(flow.phase(), &CancelPhase::ChangedMeanwhile);
}

#[test]
fn a_failure_stays_in_the_dialog_and_a_new_confirmation_tries_again() {
    for error in [
        ApiError::Timeout {
            service: Service::Billing,
        },
        http(503),
        http(500),
    ] {
        let mut flow = confirmed(paid_up());
        assert_eq!(
            flow.update(Event::Answered(Err(error.clone())), &at(10)),
            vec![]
        );
        assert!(
            matches!(flow.phase(), CancelPhase::Asking { failed: Some(e), .. } if *e == error),
            "{error:?}"
        );
        assert_eq!(
            flow.update(Event::Confirm, &at(10)),
            vec![Effect::Send(Request::Cancel(paid_up().id))]
        );
    }
}

#[test]
fn a_refused_token_asks_for_a_new_sign_in() {
    let mut flow = confirmed(paid_up());
    assert_eq!(
        flow.update(Event::Answered(Err(http(401))), &at(10)),
        vec![Effect::Shell(ShellEffect::SignInAgain)]
    );
}

#[test]
fn an_answer_nobody_waits_for_changes_nothing() {
    let mut flow = opened(paid_up());
    flow.update(
        Event::Answered(Ok(Box::new(subscription("cancelled", &[])))),
        &at(10),
    );
    assert!(matches!(
        flow.phase(),
        CancelPhase::Asking { failed: None, .. }
    ));
}
