//! The return page after LiveChat's confirmation page: the next action for
//! every status, the status timeline, the exactly-once activation log shared
//! by tabs, and cancellation refunds (the same function as the mock's).

use billing_core::domain::calendar::DAY_MS;
use billing_core::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use billing_core::domain::checkout::*;
use billing_core::domain::money::Cents;
use proptest::prelude::*;

use DirectChargeStatus as D;
use RecurrentChargeStatus as R;
use StepState::{Current, Done, Failed, Upcoming};

const NOW: u64 = 1_700_000_000_000;
const ID: &str = "5deab95d-c0c9-4397-9593-436f533e83e5";
const OTHER_ID: &str = "1c286f7a-aab8-4384-8e09-dc6749c550cd";
const IN_FLIGHT: Option<ActivationState> = Some(ActivationState::InFlight { since_ms: NOW });
const DONE: Option<ActivationState> = Some(ActivationState::Done { at_ms: NOW });

fn all_direct() -> Vec<DirectChargeStatus> {
    D::KNOWN
        .into_iter()
        .chain([
            D::Unknown("refunded".to_owned()),
            D::Unknown("Success".to_owned()),
        ])
        .collect()
}

fn all_recurrent() -> Vec<RecurrentChargeStatus> {
    R::KNOWN
        .into_iter()
        .chain([
            R::Unknown("paused".to_owned()),
            R::Unknown("Active".to_owned()),
        ])
        .collect()
}

fn states(steps: &[TimelineStep]) -> Vec<StepState> {
    steps.iter().map(|s| s.state).collect()
}

fn keys(steps: &[TimelineStep]) -> Vec<&'static str> {
    steps.iter().map(|s| s.key).collect()
}

fn label_of(steps: &[TimelineStep], key: &str) -> &'static str {
    steps
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.label)
        .unwrap_or_else(|| panic!("no step {key}"))
}

// ---- Next action: one-time charges ----------------------------------------

#[test]
fn pending_direct_charge_waits_for_the_buyer() {
    assert_eq!(direct_action(&D::Pending, None), ReturnAction::AwaitBuyer);
    assert_eq!(direct_action(&D::Pending, DONE), ReturnAction::AwaitBuyer);
}

#[test]
fn accepted_direct_charge_is_activated_only_when_nobody_holds_it() {
    assert_eq!(direct_action(&D::Accepted, None), ReturnAction::Activate);
    assert_eq!(
        direct_action(&D::Accepted, IN_FLIGHT),
        ReturnAction::Poll,
        "another tab is activating it"
    );
    assert_eq!(
        direct_action(&D::Accepted, DONE),
        ReturnAction::Poll,
        "the gateway keeps it accepted for a few seconds after activation"
    );
}

/// A 409 on activate means "activated already" only when the charge, read
/// again, is accepted or past it; a declined or unknown charge never was.
#[test]
fn a_refused_activation_counts_as_done_only_if_the_charge_got_past_accepted() {
    let activated_direct: Vec<_> = all_direct()
        .into_iter()
        .filter(direct_conflict_means_activated)
        .collect();
    assert_eq!(
        activated_direct,
        vec![D::Accepted, D::Processed, D::Failed, D::Success]
    );
    let activated_recurrent: Vec<_> = all_recurrent()
        .into_iter()
        .filter(recurrent_conflict_means_activated)
        .collect();
    assert_eq!(
        activated_recurrent,
        vec![
            R::Accepted,
            R::Processed,
            R::Active,
            R::Frozen,
            R::Cancelled,
            R::PastDue
        ]
    );
}

#[test]
fn processed_direct_charge_is_polled() {
    for activation in [None, IN_FLIGHT, DONE] {
        assert_eq!(direct_action(&D::Processed, activation), ReturnAction::Poll);
    }
}

#[test]
fn final_direct_statuses_finish_with_their_outcome() {
    for activation in [None, IN_FLIGHT, DONE] {
        assert_eq!(
            direct_action(&D::Success, activation),
            ReturnAction::Finished(Outcome::Paid)
        );
        assert_eq!(
            direct_action(&D::Failed, activation),
            ReturnAction::Finished(Outcome::PaymentFailed)
        );
        assert_eq!(
            direct_action(&D::Declined, activation),
            ReturnAction::Finished(Outcome::Declined)
        );
    }
}

#[test]
fn unknown_direct_status_is_polled_never_paid() {
    for raw in ["refunded", "Success", "SUCCESS", "success ", ""] {
        let status = D::from_wire(raw);
        for activation in [None, IN_FLIGHT, DONE] {
            assert_eq!(
                direct_action(&status, activation),
                ReturnAction::Poll,
                "{raw:?}"
            );
        }
    }
}

#[test]
fn only_accepted_direct_charges_are_ever_activated() {
    for status in all_direct() {
        let activates = direct_action(&status, None) == ReturnAction::Activate;
        assert_eq!(activates, status.can_activate(), "{status:?}");
        assert_ne!(
            direct_action(&status, IN_FLIGHT),
            ReturnAction::Activate,
            "{status:?}"
        );
        assert_ne!(
            direct_action(&status, DONE),
            ReturnAction::Activate,
            "{status:?}"
        );
    }
}

#[test]
fn direct_return_page_finishes_exactly_on_terminal_statuses() {
    for status in all_direct() {
        let finished = matches!(direct_action(&status, None), ReturnAction::Finished(_));
        assert_eq!(finished, status.is_terminal(), "{status:?}");
    }
}

// ---- Next action: subscriptions -------------------------------------------

#[test]
fn pending_and_accepted_subscriptions_behave_like_one_time_charges() {
    assert_eq!(
        recurrent_action(&R::Pending, None, NOW, None),
        ReturnAction::AwaitBuyer
    );
    assert_eq!(
        recurrent_action(&R::Accepted, None, NOW, None),
        ReturnAction::Activate
    );
    assert_eq!(
        recurrent_action(&R::Accepted, None, NOW, IN_FLIGHT),
        ReturnAction::Poll
    );
    assert_eq!(
        recurrent_action(&R::Accepted, None, NOW, DONE),
        ReturnAction::Poll
    );
    assert_eq!(
        recurrent_action(&R::Processed, None, NOW, DONE),
        ReturnAction::Poll
    );
}

#[test]
fn active_subscription_is_a_trial_until_the_trial_ends() {
    let ends = NOW + 7 * DAY_MS;
    assert_eq!(
        recurrent_action(&R::Active, Some(ends), NOW, DONE),
        ReturnAction::Finished(Outcome::Trial { ends_at_ms: ends })
    );
    assert_eq!(
        recurrent_action(&R::Active, Some(ends), ends, DONE),
        ReturnAction::Finished(Outcome::Active),
        "the trial is over at its end instant"
    );
    assert_eq!(
        recurrent_action(&R::Active, None, NOW, DONE),
        ReturnAction::Finished(Outcome::Active)
    );
    assert!(in_trial(&R::Active, Some(ends), NOW));
    assert!(
        !in_trial(&R::PastDue, Some(ends), NOW),
        "only a running subscription is in its trial"
    );
}

#[test]
fn running_or_stuck_subscriptions_stop_the_return_page() {
    // They live on, but the return page has nothing more to wait for.
    assert_eq!(
        recurrent_action(&R::PastDue, None, NOW, DONE),
        ReturnAction::Finished(Outcome::PastDue)
    );
    assert_eq!(
        recurrent_action(&R::Frozen, None, NOW, DONE),
        ReturnAction::Finished(Outcome::Frozen)
    );
    assert_eq!(
        recurrent_action(&R::Cancelled, None, NOW, DONE),
        ReturnAction::Finished(Outcome::Cancelled)
    );
    assert_eq!(
        recurrent_action(&R::Declined, None, NOW, None),
        ReturnAction::Finished(Outcome::Declined)
    );
}

#[test]
fn unknown_subscription_status_is_polled_never_active() {
    for raw in ["paused", "Active", "trialing", ""] {
        let status = R::from_wire(raw);
        for activation in [None, IN_FLIGHT, DONE] {
            assert_eq!(
                recurrent_action(&status, Some(NOW + DAY_MS), NOW, activation),
                ReturnAction::Poll,
                "{raw:?}"
            );
        }
    }
}

#[test]
fn only_accepted_subscriptions_are_ever_activated() {
    for status in all_recurrent() {
        let activates = recurrent_action(&status, None, NOW, None) == ReturnAction::Activate;
        assert_eq!(activates, status.can_activate(), "{status:?}");
    }
}

// ---- Outcomes --------------------------------------------------------------

fn all_outcomes() -> Vec<Outcome> {
    vec![
        Outcome::Paid,
        Outcome::PaymentFailed,
        Outcome::Declined,
        Outcome::Active,
        Outcome::Trial {
            ends_at_ms: NOW + 7 * DAY_MS,
        },
        Outcome::PastDue,
        Outcome::Frozen,
        Outcome::Cancelled,
    ]
}

#[test]
fn only_paid_active_and_trial_are_good() {
    let good: Vec<Outcome> = all_outcomes()
        .into_iter()
        .filter(Outcome::is_good)
        .collect();
    assert_eq!(
        good,
        vec![
            Outcome::Paid,
            Outcome::Active,
            Outcome::Trial {
                ends_at_ms: NOW + 7 * DAY_MS
            }
        ]
    );
}

#[test]
fn every_outcome_has_a_distinct_title_and_a_full_sentence() {
    let outcomes = all_outcomes();
    for (i, outcome) in outcomes.iter().enumerate() {
        let message = outcome.message();
        assert!(!outcome.title().is_empty());
        assert!(message.ends_with('.'), "{outcome:?}: {message}");
        assert!(
            message.chars().next().is_some_and(char::is_uppercase),
            "{message}"
        );
        for other in &outcomes[i + 1..] {
            assert_ne!(outcome.title(), other.title());
        }
    }
}

#[test]
fn bad_outcomes_say_what_to_do_next() {
    assert!(Outcome::Frozen.message().contains(
        "Update the payment method in LiveChat's billing settings, then subscribe again"
    ));
    assert!(Outcome::PastDue
        .message()
        .contains("Access continues for now"));
    assert!(Outcome::PaymentFailed.message().contains("then buy again"));
    assert!(Outcome::Declined.message().contains("nothing was charged"));
}

#[test]
fn trial_message_names_the_end_date() {
    // 2023-11-14T22:13:20Z plus 7 days.
    let trial = Outcome::Trial {
        ends_at_ms: NOW + 7 * DAY_MS,
    };
    assert!(
        trial.message().contains("until 21 November 2023 (UTC)"),
        "{}",
        trial.message()
    );
}

// ---- Timeline: one-time charges -------------------------------------------

#[test]
fn direct_timeline_has_five_steps_in_order() {
    for status in all_direct() {
        for activated in [false, true] {
            assert_eq!(
                keys(&direct_timeline(&status, activated)),
                ["created", "confirmed", "activated", "processing", "paid"]
            );
        }
    }
}

#[test]
fn direct_timeline_follows_the_charge() {
    let cases = [
        (
            D::Pending,
            false,
            [Done, Current, Upcoming, Upcoming, Upcoming],
        ),
        (
            D::Declined,
            false,
            [Done, Failed, Upcoming, Upcoming, Upcoming],
        ),
        (
            D::Accepted,
            false,
            [Done, Done, Current, Upcoming, Upcoming],
        ),
        (D::Accepted, true, [Done, Done, Done, Current, Upcoming]),
        (D::Processed, false, [Done, Done, Done, Current, Upcoming]),
        (D::Processed, true, [Done, Done, Done, Current, Upcoming]),
        (D::Success, true, [Done, Done, Done, Done, Done]),
        (D::Failed, true, [Done, Done, Done, Done, Failed]),
    ];
    for (status, activated, expected) in cases {
        assert_eq!(
            states(&direct_timeline(&status, activated)),
            expected,
            "{status:?} activated={activated}"
        );
    }
}

#[test]
fn direct_timeline_labels_name_the_outcome() {
    let paid = direct_timeline(&D::Success, true);
    assert_eq!(label_of(&paid, "confirmed"), "Confirmed by you");
    assert_eq!(label_of(&paid, "paid"), "Paid");
    assert_eq!(
        label_of(&direct_timeline(&D::Failed, true), "paid"),
        "Payment failed"
    );
    assert_eq!(
        label_of(&direct_timeline(&D::Declined, false), "confirmed"),
        "Declined by you"
    );
}

#[test]
fn unknown_direct_status_shows_only_what_is_certain() {
    let unknown = D::Unknown("refunded".to_owned());
    assert_eq!(
        states(&direct_timeline(&unknown, false)),
        [Done, Upcoming, Upcoming, Upcoming, Upcoming]
    );
    assert_eq!(
        states(&direct_timeline(&unknown, true)),
        [Done, Done, Done, Upcoming, Upcoming],
        "this browser activated it, so it was confirmed"
    );
    assert_eq!(label_of(&direct_timeline(&unknown, true), "paid"), "Paid");
}

#[test]
fn direct_timeline_has_one_current_step_until_finished_and_never_shows_unknown_as_paid() {
    for status in all_direct() {
        for activated in [false, true] {
            let steps = direct_timeline(&status, activated);
            let current = steps.iter().filter(|s| s.state == Current).count();
            let known_and_running = !status.is_terminal() && !matches!(status, D::Unknown(_));
            assert_eq!(
                current,
                usize::from(known_and_running),
                "{status:?} {activated}"
            );
            let paid_done = steps.last().is_some_and(|s| s.state == Done);
            assert_eq!(paid_done, status.is_paid(), "{status:?}");
        }
    }
}

// ---- Timeline: subscriptions ----------------------------------------------

#[test]
fn recurrent_timeline_follows_the_subscription() {
    let cases = [
        (
            R::Pending,
            false,
            [Done, Current, Upcoming, Upcoming, Upcoming],
        ),
        (
            R::Declined,
            false,
            [Done, Failed, Upcoming, Upcoming, Upcoming],
        ),
        (
            R::Accepted,
            false,
            [Done, Done, Current, Upcoming, Upcoming],
        ),
        (R::Accepted, true, [Done, Done, Done, Current, Upcoming]),
        (R::Processed, true, [Done, Done, Done, Current, Upcoming]),
        (R::Active, true, [Done, Done, Done, Done, Done]),
        (R::Cancelled, true, [Done, Done, Done, Done, Done]),
        (R::PastDue, true, [Done, Done, Done, Done, Failed]),
        (R::Frozen, true, [Done, Done, Done, Done, Failed]),
    ];
    for (status, activated, expected) in cases {
        assert_eq!(
            states(&recurrent_timeline(&status, activated, false)),
            expected,
            "{status:?} activated={activated}"
        );
    }
}

#[test]
fn recurrent_timeline_last_step_names_the_subscription_state() {
    let last = |status: &RecurrentChargeStatus, in_trial: bool| {
        label_of(&recurrent_timeline(status, true, in_trial), "subscription")
    };
    assert_eq!(last(&R::Active, false), "Active");
    assert_eq!(last(&R::Active, true), "Free trial");
    assert_eq!(last(&R::PastDue, false), "Payment overdue");
    assert_eq!(last(&R::Frozen, false), "Frozen");
    assert_eq!(last(&R::Cancelled, false), "Cancelled");
    assert_eq!(
        keys(&recurrent_timeline(&R::Pending, false, false)),
        [
            "created",
            "confirmed",
            "activated",
            "processing",
            "subscription"
        ]
    );
}

#[test]
fn recurrent_timeline_never_shows_an_unknown_status_as_active() {
    for status in all_recurrent() {
        for activated in [false, true] {
            for in_trial in [false, true] {
                let steps = recurrent_timeline(&status, activated, in_trial);
                let last_done = steps.last().is_some_and(|s| s.state == Done);
                if matches!(status, R::Unknown(_)) {
                    assert!(!last_done, "{status:?}");
                    assert!(steps.iter().all(|s| s.state != Current));
                }
                let running = matches!(status, R::Pending | R::Accepted | R::Processed);
                let current = steps.iter().filter(|s| s.state == Current).count();
                assert_eq!(current, usize::from(running), "{status:?}");
            }
        }
    }
}

// ---- Activation log: exactly once ------------------------------------------

#[test]
fn first_claim_wins_and_a_second_is_refused_while_in_flight() {
    let mut log = ActivationLog::new();
    assert_eq!(log.state_of(ChargeKind::Direct, ID, NOW), None);
    assert_eq!(log.claim(ChargeKind::Direct, ID, NOW), Ok(()));
    assert_eq!(
        log.state_of(ChargeKind::Direct, ID, NOW + 1),
        Some(ActivationState::InFlight { since_ms: NOW })
    );
    assert_eq!(
        log.claim(ChargeKind::Direct, ID, NOW + 1_000),
        Err(ClaimRefused::InFlight { since_ms: NOW })
    );
}

#[test]
fn a_finished_activation_is_never_claimed_again() {
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    log.mark_done(ChargeKind::Direct, ID, NOW + 500);
    let later = NOW + ActivationLog::IN_FLIGHT_TTL_MS * 10;
    assert_eq!(
        log.claim(ChargeKind::Direct, ID, later),
        Err(ClaimRefused::AlreadyActivated { at_ms: NOW + 500 })
    );
    log.release(ChargeKind::Direct, ID);
    assert_eq!(
        log.state_of(ChargeKind::Direct, ID, later),
        Some(ActivationState::Done { at_ms: NOW + 500 }),
        "release never undoes a finished activation"
    );
}

#[test]
fn an_abandoned_claim_is_taken_over_after_its_ttl() {
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    let just_before = NOW + ActivationLog::IN_FLIGHT_TTL_MS - 1;
    assert!(log.claim(ChargeKind::Direct, ID, just_before).is_err());
    let expired = NOW + ActivationLog::IN_FLIGHT_TTL_MS;
    assert_eq!(log.state_of(ChargeKind::Direct, ID, expired), None);
    assert_eq!(log.claim(ChargeKind::Direct, ID, expired), Ok(()));
    assert_eq!(
        log.state_of(ChargeKind::Direct, ID, expired),
        Some(ActivationState::InFlight { since_ms: expired })
    );
}

#[test]
fn a_finished_activation_is_forgotten_after_a_week() {
    let mut log = ActivationLog::new();
    log.mark_done(ChargeKind::Recurrent, ID, NOW);
    assert!(log
        .state_of(
            ChargeKind::Recurrent,
            ID,
            NOW + ActivationLog::DONE_TTL_MS - 1
        )
        .is_some());
    assert_eq!(
        log.state_of(ChargeKind::Recurrent, ID, NOW + ActivationLog::DONE_TTL_MS),
        None
    );
    assert_eq!(ActivationLog::DONE_TTL_MS, 7 * DAY_MS);
}

#[test]
fn release_after_a_refused_request_allows_a_new_claim() {
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    log.release(ChargeKind::Direct, ID);
    assert_eq!(log.state_of(ChargeKind::Direct, ID, NOW), None);
    assert_eq!(log.claim(ChargeKind::Direct, ID, NOW + 1), Ok(()));
}

#[test]
fn other_charges_and_kinds_are_independent() {
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    assert_eq!(log.claim(ChargeKind::Direct, OTHER_ID, NOW), Ok(()));
    assert_eq!(
        log.claim(ChargeKind::Recurrent, ID, NOW),
        Ok(()),
        "the same id of the other kind is another charge"
    );
    log.release(ChargeKind::Direct, OTHER_ID);
    assert!(log.state_of(ChargeKind::Direct, ID, NOW).is_some());
    assert!(log.state_of(ChargeKind::Recurrent, ID, NOW).is_some());
}

#[test]
fn mark_done_without_a_claim_still_records_the_activation() {
    // Another tab took the claim over meanwhile; the server has activated.
    let mut log = ActivationLog::new();
    log.mark_done(ChargeKind::Direct, ID, NOW);
    assert_eq!(
        log.claim(ChargeKind::Direct, ID, NOW),
        Err(ClaimRefused::AlreadyActivated { at_ms: NOW })
    );
}

#[test]
fn entries_from_the_future_do_not_block_forever() {
    // Written before the clock was moved back by an hour.
    let mut log = ActivationLog::new();
    let hour = 3_600_000;
    log.claim(ChargeKind::Direct, ID, NOW + hour).unwrap();
    assert_eq!(log.state_of(ChargeKind::Direct, ID, NOW), None);
    assert_eq!(log.claim(ChargeKind::Direct, ID, NOW), Ok(()));

    // Slightly ahead (another tab's clock) still counts.
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW + 5_000).unwrap();
    assert!(log.claim(ChargeKind::Direct, ID, NOW).is_err());

    // A finished one far ahead is forgotten too.
    let mut log = ActivationLog::new();
    log.mark_done(ChargeKind::Direct, ID, NOW + 30 * DAY_MS);
    assert_eq!(log.state_of(ChargeKind::Direct, ID, NOW), None);
    log.mark_done(ChargeKind::Direct, OTHER_ID, NOW + DAY_MS);
    assert!(log.state_of(ChargeKind::Direct, OTHER_ID, NOW).is_some());
}

#[test]
fn invalid_ids_are_refused_rather_than_stored() {
    let mut log = ActivationLog::new();
    assert_eq!(
        log.claim(ChargeKind::Direct, "", NOW),
        Err(ClaimRefused::InvalidId)
    );
    assert_eq!(
        log.claim(ChargeKind::Direct, "../v1/ledger", NOW),
        Err(ClaimRefused::InvalidId)
    );
    log.mark_done(ChargeKind::Direct, "<script>", NOW);
    assert!(log.is_empty());
}

#[test]
fn the_log_round_trips_through_json() {
    let mut log = ActivationLog::new();
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    log.mark_done(ChargeKind::Recurrent, OTHER_ID, NOW + 1);
    let text = log.to_json();
    let back = ActivationLog::from_json(&text);
    assert_eq!(back, log);
    assert_eq!(
        back.state_of(ChargeKind::Direct, ID, NOW + 2),
        Some(ActivationState::InFlight { since_ms: NOW })
    );
    assert_eq!(
        back.state_of(ChargeKind::Recurrent, OTHER_ID, NOW + 2),
        Some(ActivationState::Done { at_ms: NOW + 1 })
    );
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(value["entries"][0]["charge_kind"], "direct_charge");
    assert_eq!(value["entries"][1]["charge_kind"], "recurrent_charge");
    assert_eq!(ActivationLog::STORAGE_KEY, "billing-widget.activations");
}

#[test]
fn corrupt_storage_reads_as_an_empty_log() {
    for text in [
        "",
        "null",
        "not json",
        "[]",
        "{}",
        r#"{"v":2,"entries":[]}"#,
        r#"{"v":1,"entries":{}}"#,
        r#"{"v":1,"entries":"#,
        "\u{feff}{}",
    ] {
        assert!(ActivationLog::from_json(text).is_empty(), "{text:?}");
    }
}

#[test]
fn bad_entries_are_skipped_and_good_ones_kept() {
    let text = format!(
        r#"{{"v":1,"entries":[
            {{"charge_kind":"direct_charge","charge_id":"{ID}","at_ms":{NOW},"done":true}},
            {{"charge_kind":"bidali_charge","charge_id":"{ID}","at_ms":{NOW},"done":true}},
            {{"charge_kind":"direct_charge","charge_id":"../x","at_ms":{NOW},"done":true}},
            {{"charge_kind":"direct_charge","charge_id":"{OTHER_ID}","at_ms":-1,"done":true}},
            {{"charge_kind":"direct_charge","charge_id":"{OTHER_ID}","done":true}},
            42
        ]}}"#
    );
    let log = ActivationLog::from_json(&text);
    assert_eq!(log.len(), 1);
    assert_eq!(
        log.state_of(ChargeKind::Direct, ID, NOW),
        Some(ActivationState::Done { at_ms: NOW })
    );
}

#[test]
fn duplicated_entries_keep_the_newest() {
    let text = format!(
        r#"{{"v":1,"entries":[
            {{"charge_kind":"direct_charge","charge_id":"{ID}","at_ms":{NOW},"done":false}},
            {{"charge_kind":"direct_charge","charge_id":"{ID}","at_ms":{},"done":true}}
        ]}}"#,
        NOW + 10
    );
    let log = ActivationLog::from_json(&text);
    assert_eq!(log.len(), 1);
    assert_eq!(
        log.state_of(ChargeKind::Direct, ID, NOW + 20),
        Some(ActivationState::Done { at_ms: NOW + 10 })
    );
}

#[test]
fn the_log_keeps_at_most_max_entries_dropping_the_oldest() {
    let mut log = ActivationLog::new();
    let total = ActivationLog::MAX_ENTRIES + 5;
    for i in 0..total {
        log.mark_done(ChargeKind::Direct, &format!("charge-{i}"), NOW + i as u64);
    }
    assert_eq!(log.len(), ActivationLog::MAX_ENTRIES);
    let now = NOW + total as u64;
    for i in 0..5 {
        assert_eq!(
            log.state_of(ChargeKind::Direct, &format!("charge-{i}"), now),
            None,
            "charge-{i} was among the oldest"
        );
    }
    for i in 5..total {
        assert!(log
            .state_of(ChargeKind::Direct, &format!("charge-{i}"), now)
            .is_some());
    }
    let back = ActivationLog::from_json(&log.to_json());
    assert_eq!(back.len(), ActivationLog::MAX_ENTRIES);
}

#[test]
fn a_new_claim_is_kept_even_when_its_time_is_the_oldest() {
    // Other tabs' clocks run a few seconds ahead.
    let mut log = ActivationLog::new();
    for i in 0..ActivationLog::MAX_ENTRIES {
        log.mark_done(ChargeKind::Direct, &format!("charge-{i}"), NOW + 10_000);
    }
    assert_eq!(log.claim(ChargeKind::Direct, ID, NOW), Ok(()));
    assert_eq!(log.len(), ActivationLog::MAX_ENTRIES);
    assert!(log.state_of(ChargeKind::Direct, ID, NOW).is_some());
}

#[test]
fn oversized_stored_logs_are_trimmed_on_read() {
    let entries: Vec<String> = (0..ActivationLog::MAX_ENTRIES * 2)
        .map(|i| {
            format!(
                r#"{{"charge_kind":"direct_charge","charge_id":"c{i}","at_ms":{},"done":true}}"#,
                NOW + i as u64
            )
        })
        .collect();
    let text = format!(r#"{{"v":1,"entries":[{}]}}"#, entries.join(","));
    let log = ActivationLog::from_json(&text);
    assert_eq!(log.len(), ActivationLog::MAX_ENTRIES);
    let newest = format!("c{}", ActivationLog::MAX_ENTRIES * 2 - 1);
    assert!(log.state_of(ChargeKind::Direct, &newest, NOW).is_some());
    assert!(log.state_of(ChargeKind::Direct, "c0", NOW).is_none());
}

/// Two tabs share one localStorage value; each reads, decides, writes back.
#[test]
fn two_tabs_and_a_reload_activate_once() {
    let mut storage = String::new();
    let mut activate_requests = 0;

    // Tab A sees the accepted charge and claims it.
    let mut log = ActivationLog::from_json(&storage);
    let action = direct_action(&D::Accepted, log.state_of(ChargeKind::Direct, ID, NOW));
    assert_eq!(action, ReturnAction::Activate);
    log.claim(ChargeKind::Direct, ID, NOW).unwrap();
    storage = log.to_json();

    // Tab B opens the same return URL before A's request answers.
    let log_b = ActivationLog::from_json(&storage);
    let action_b = direct_action(
        &D::Accepted,
        log_b.state_of(ChargeKind::Direct, ID, NOW + 200),
    );
    assert_eq!(action_b, ReturnAction::Poll);

    // A's request succeeds.
    activate_requests += 1;
    let mut log = ActivationLog::from_json(&storage);
    log.mark_done(ChargeKind::Direct, ID, NOW + 400);
    storage = log.to_json();

    // A reload while the gateway still says accepted.
    let log = ActivationLog::from_json(&storage);
    let action = direct_action(
        &D::Accepted,
        log.state_of(ChargeKind::Direct, ID, NOW + 2_000),
    );
    assert_eq!(action, ReturnAction::Poll);
    assert_eq!(activate_requests, 1);
}

// ---- Refunds -----------------------------------------------------------------

#[test]
fn refund_is_proportional_and_rounded_down() {
    let paid = Cents::new(2_400);
    assert_eq!(proportional_refund(paid, 0, 30), Cents::ZERO);
    assert_eq!(proportional_refund(paid, 30, 30), paid);
    assert_eq!(proportional_refund(paid, 15, 30), Cents::new(1_200));
    assert_eq!(
        proportional_refund(Cents::new(100), 1, 3),
        Cents::new(33),
        "33.33 rounds down"
    );
    assert_eq!(
        proportional_refund(Cents::new(100), 2, 3),
        Cents::new(66),
        "66.67 rounds down too"
    );
}

#[test]
fn refund_edge_cases_never_exceed_what_was_paid() {
    assert_eq!(proportional_refund(Cents::new(2_400), 10, 0), Cents::ZERO);
    assert_eq!(
        proportional_refund(Cents::new(2_400), 60, 30),
        Cents::new(2_400),
        "more time left than the period is the whole period"
    );
    assert_eq!(proportional_refund(Cents::new(-500), 15, 30), Cents::ZERO);
    assert_eq!(
        proportional_refund(Cents::new(i64::MAX), u64::MAX - 1, u64::MAX),
        Cents::new(i64::MAX - 1),
        "no overflow at the extremes"
    );
}

proptest! {
    #[test]
    fn refund_is_between_zero_and_paid(paid in any::<i64>(), remaining in any::<u64>(), period in any::<u64>()) {
        let refund = proportional_refund(Cents::new(paid), remaining, period).get();
        prop_assert!(refund >= 0);
        prop_assert!(refund <= paid.max(0));
    }

    #[test]
    fn refund_grows_with_the_time_left(
        paid in 0i64..=100_000_000,
        a in any::<u64>(),
        b in any::<u64>(),
        period in 1u64..=400 * DAY_MS,
    ) {
        let (less, more) = if a <= b { (a, b) } else { (b, a) };
        let paid = Cents::new(paid);
        prop_assert!(proportional_refund(paid, less, period) <= proportional_refund(paid, more, period));
    }

    #[test]
    fn refund_is_exact_floor_of_the_ratio(paid in 0i64..=100_000_000, remaining in 0u64..=40 * DAY_MS, period in 1u64..=40 * DAY_MS) {
        let refund = proportional_refund(Cents::new(paid), remaining, period).get();
        let exact = i128::from(paid) * i128::from(remaining.min(period));
        let refund = i128::from(refund);
        // floor: refund x period <= paid x remaining < (refund + 1) x period
        prop_assert!(refund * i128::from(period) <= exact);
        prop_assert!(exact < (refund + 1) * i128::from(period));
    }
}

const MONTH: u64 = 30 * DAY_MS;

#[test]
fn refund_estimate_for_a_third_of_the_period_used() {
    let start = NOW;
    let end = start + MONTH;
    let estimate = refund_estimate(
        &R::Active,
        Cents::new(3_000),
        Some(start),
        Some(end),
        None,
        start + 10 * DAY_MS,
    )
    .unwrap();
    assert_eq!(
        estimate,
        RefundEstimate {
            amount: Cents::new(2_000),
            days_left: 20,
            period_days: 30,
        }
    );
}

#[test]
fn refund_estimate_rounds_days_up_and_money_down() {
    let estimate = refund_estimate(
        &R::Active,
        Cents::new(3_000),
        Some(NOW),
        Some(NOW + MONTH),
        None,
        NOW + 10 * DAY_MS + 1,
    )
    .unwrap();
    assert_eq!(estimate.amount, Cents::new(1_999));
    assert_eq!(estimate.days_left, 20, "19.99 days left reads as 20");
}

#[test]
fn refund_estimate_outside_the_period() {
    let at = |now| {
        refund_estimate(
            &R::Active,
            Cents::new(3_000),
            Some(NOW),
            Some(NOW + MONTH),
            None,
            now,
        )
        .unwrap()
    };
    assert_eq!(
        at(NOW - DAY_MS).amount,
        Cents::new(3_000),
        "a clock behind the period start counts the whole period, like the gateway"
    );
    assert_eq!(at(NOW + MONTH).amount, Cents::ZERO);
    assert_eq!(at(NOW + 2 * MONTH).days_left, 0);
}

#[test]
fn no_refund_estimate_without_a_paid_period() {
    let price = Cents::new(3_000);
    let (start, end) = (Some(NOW), Some(NOW + MONTH));
    let now = NOW + DAY_MS;
    for status in all_recurrent() {
        if status != R::Active {
            assert_eq!(
                refund_estimate(&status, price, start, end, None, now),
                None,
                "{status:?} has no collected period"
            );
        }
    }
    assert_eq!(
        refund_estimate(&R::Active, price, None, end, None, now),
        None
    );
    assert_eq!(
        refund_estimate(&R::Active, price, start, None, None, now),
        None
    );
    assert_eq!(
        refund_estimate(&R::Active, price, end, start, None, now),
        None,
        "inverted dates"
    );
    assert_eq!(
        refund_estimate(&R::Active, price, start, start, None, now),
        None,
        "empty period"
    );
    // The trial is a period of its own: from the start to the trial's end.
    assert_eq!(
        refund_estimate(&R::Active, price, start, end, end, now),
        None,
        "in a free trial"
    );
    assert_eq!(
        refund_estimate(&R::Active, price, end, Some(NOW + 2 * MONTH), end, now),
        None,
        "the first paid period announced while the trial still runs"
    );
    assert!(
        refund_estimate(
            &R::Active,
            price,
            end,
            Some(NOW + 2 * MONTH),
            end,
            now + MONTH
        )
        .is_some(),
        "the first paid period after the trial"
    );
}

mod payment_intent {
    use billing_core::domain::checkout::{IntentTerms, PaymentIntent};
    use billing_core::domain::money::Cents;
    use serde_json::json;

    fn intent(terms: IntentTerms) -> PaymentIntent<'static> {
        PaymentIntent {
            name: "Pro plan",
            description: "Canned responses and reports",
            price: Cents::new(2900),
            per_account: false,
            test: true,
            terms,
            icon: "https://billing.example.com/favicon.svg",
        }
    }

    #[test]
    fn a_one_time_purchase_is_described_as_the_sdk_does() {
        let message = intent(IntentTerms::OneTime { quantity: 2 }).pending_message();
        assert_eq!(
            message,
            json!({"paymentIntent": {
                "name": "Pro plan", "price": 2900, "per_account": false, "test": true,
                "quantity": 2, "return_url": null,
                "metadata": {
                    "type": "direct_charge", "isExternalTransaction": true,
                    "icon": "https://billing.example.com/favicon.svg",
                    "description": "Canned responses and reports",
                    "showBillingCyclePicker": false
                }
            }})
        );
    }

    #[test]
    fn a_subscription_carries_its_months_and_trial_and_no_quantity() {
        let terms = IntentTerms::Subscription {
            months: 12,
            trial_days: 14,
        };
        let charge = intent(terms).charge();
        assert_eq!(charge["months"], 12);
        assert_eq!(charge["trial_days"], 14);
        assert!(charge.get("quantity").is_none());
        let message = intent(terms).pending_message();
        assert_eq!(
            message["paymentIntent"]["metadata"]["type"],
            "recurrent_charge"
        );
    }
}

mod lost_create {
    use billing_core::domain::checkout::{reconcile_lost_create, SeenCharge, LOST_CREATE_SKEW_MS};
    use billing_core::domain::money::Cents;

    const SENT: i64 = 1_700_000_000_000;

    fn seen(
        id: &'static str,
        name: &'static str,
        cents: i64,
        at: i64,
        pending: bool,
    ) -> SeenCharge<'static> {
        SeenCharge {
            id,
            name,
            price: Cents::new(cents),
            created_at_ms: at,
            pending,
        }
    }

    #[test]
    fn the_newest_matching_pending_charge_is_the_lost_one() {
        let list = [
            seen("older", "Export", 1900, SENT - 60_000, true),
            seen("newest", "Export", 1900, SENT + 300, true),
            seen("other-item", "Pro plan", 1900, SENT + 500, true),
            seen("other-price", "Export", 2900, SENT + 600, true),
            seen("paid", "Export", 1900, SENT + 700, false),
        ];
        assert_eq!(
            reconcile_lost_create(&list, "Export", Cents::new(1900), SENT),
            Some("newest")
        );
    }

    #[test]
    fn a_charge_from_before_the_request_is_not_taken_for_it() {
        let old = [seen(
            "yesterday",
            "Export",
            1900,
            SENT - LOST_CREATE_SKEW_MS - 1,
            true,
        )];
        assert_eq!(
            reconcile_lost_create(&old, "Export", Cents::new(1900), SENT),
            None
        );
        let skewed = [seen(
            "skewed",
            "Export",
            1900,
            SENT - LOST_CREATE_SKEW_MS,
            true,
        )];
        assert_eq!(
            reconcile_lost_create(&skewed, "Export", Cents::new(1900), SENT),
            Some("skewed")
        );
        assert_eq!(
            reconcile_lost_create(&[], "Export", Cents::new(1900), SENT),
            None
        );
    }
}

#[test]
fn a_charge_past_activation_shows_activated_without_asking_the_log() {
    let never_asked = || -> Option<ActivationState> { panic!("the status tells") };
    for status in [D::Processed, D::Success, D::Failed] {
        assert!(direct_activated(&status, never_asked), "{status:?}");
    }
    for status in [D::Pending, D::Declined, D::Unknown("on_hold".into())] {
        assert!(!direct_activated(&status, never_asked), "{status:?}");
    }
    for status in [R::Processed, R::Active, R::PastDue, R::Frozen, R::Cancelled] {
        assert!(recurrent_activated(&status, never_asked), "{status:?}");
    }
    for status in [R::Pending, R::Declined] {
        assert!(!recurrent_activated(&status, never_asked), "{status:?}");
    }
}

#[test]
fn an_accepted_charge_is_activated_only_when_this_browser_finished_activating_it() {
    assert!(direct_activated(&D::Accepted, || DONE));
    assert!(!direct_activated(&D::Accepted, || IN_FLIGHT));
    assert!(!direct_activated(&D::Accepted, || None));
    assert!(recurrent_activated(&R::Accepted, || DONE));
    assert!(!recurrent_activated(&R::Accepted, || None));
    // A status this widget does not know is judged by the log alone.
    assert!(recurrent_activated(&R::Unknown("paused".into()), || DONE));
    assert!(!recurrent_activated(&R::Unknown("paused".into()), || None));
}
