//! The payment status polling schedule: backoff with jitter, cap, deadline,
//! pause and resume, errors, 401 and Retry-After.

use billing_core::domain::polling::*;
use proptest::prelude::*;

const NO_JITTER: u32 = 0;
const HALF_JITTER: u32 = 1 << 31;
const FULL_JITTER: u32 = u32::MAX;

fn schedule() -> PollSchedule {
    PollSchedule::with_defaults(0)
}

/// Feeds `outcome` repeatedly, advancing the clock by each wait, until the
/// schedule stops waiting. Returns the waits and the final decision.
fn run(schedule: &mut PollSchedule, outcome: PollOutcome, jitter: u32) -> (Vec<u64>, PollDecision) {
    let mut now = 0;
    let mut waits = Vec::new();
    let PollDecision::WaitMs(first) = schedule.initial() else {
        panic!("expected a first wait");
    };
    now += first;
    waits.push(first);
    loop {
        match schedule.next(outcome, now, jitter) {
            PollDecision::WaitMs(ms) => {
                waits.push(ms);
                now += ms;
            }
            other => return (waits, other),
        }
        assert!(waits.len() < 1_000, "the schedule must end");
    }
}

fn give_up(reason: GiveUpReason) -> PollDecision {
    PollDecision::GiveUp { reason }
}

// --- The normal sequence -----------------------------------------------------

#[test]
fn default_config_is_valid_and_follows_provider_advice() {
    let config = PollConfig::default();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(config.first_delay_ms, 2_000);
    assert_eq!(config.base_interval_ms, 2_500);
    assert_eq!(config.growth_percent, 150);
    assert_eq!(config.cap_ms, 30_000);
    assert_eq!(config.deadline_ms, 180_000);
}

#[test]
fn first_check_is_two_seconds_after_the_return() {
    assert_eq!(schedule().initial(), PollDecision::WaitMs(2_000));
}

#[test]
fn pending_checks_back_off_by_half_each_time_up_to_the_cap() {
    let mut s = schedule();
    let waits: Vec<_> = (0..10)
        .map(|_| s.next(PollOutcome::Pending, 0, NO_JITTER))
        .collect();
    let expected = [
        2_500, 3_750, 5_625, 8_437, 12_655, 18_982, 28_473, 30_000, 30_000, 30_000,
    ];
    assert_eq!(waits, expected.map(PollDecision::WaitMs));
}

#[test]
fn jitter_only_shortens_a_delay_by_up_to_a_fifth() {
    let mut half = schedule();
    let mut full = schedule();
    let half_waits: Vec<_> = (0..9)
        .map(|_| half.next(PollOutcome::Pending, 0, HALF_JITTER))
        .collect();
    let full_waits: Vec<_> = (0..9)
        .map(|_| full.next(PollOutcome::Pending, 0, FULL_JITTER))
        .collect();
    assert_eq!(
        half_waits,
        [2_250, 3_375, 5_063, 7_594, 11_390, 17_084, 25_626, 27_000, 27_000]
            .map(PollDecision::WaitMs)
    );
    assert_eq!(
        full_waits,
        [2_001, 3_001, 4_501, 6_750, 10_125, 15_186, 22_779, 24_001, 24_001]
            .map(PollDecision::WaitMs)
    );
}

#[test]
fn jitter_sample_can_come_from_math_random() {
    assert_eq!(jitter_sample_from_unit(0.0), 0);
    assert_eq!(jitter_sample_from_unit(0.5), HALF_JITTER);
    assert_eq!(jitter_sample_from_unit(0.999_999_999_9), 4_294_967_295);
    assert_eq!(jitter_sample_from_unit(1.0), u32::MAX);
    assert_eq!(jitter_sample_from_unit(-3.0), 0);
    assert_eq!(jitter_sample_from_unit(f64::NAN), 0);
    assert_eq!(jitter_sample_from_unit(f64::INFINITY), u32::MAX);
}

#[test]
fn a_terminal_status_stops_polling_for_good() {
    let mut s = schedule();
    assert_eq!(
        s.next(PollOutcome::Terminal, 2_000, NO_JITTER),
        PollDecision::StopTerminal
    );
    assert!(s.is_finished());
    assert_eq!(
        s.next(PollOutcome::Pending, 5_000, NO_JITTER),
        PollDecision::StopTerminal
    );
    assert_eq!(s.initial(), PollDecision::StopTerminal);
    assert_eq!(s.set_visible(false, 6_000), None);
}

// --- Deadline ------------------------------------------------------------------

#[test]
fn a_payment_still_pending_at_the_deadline_gives_up_with_still_processing() {
    let mut s = schedule();
    let (waits, end) = run(&mut s, PollOutcome::Pending, NO_JITTER);
    assert_eq!(
        waits,
        [
            2_000, 2_500, 3_750, 5_625, 8_437, 12_655, 18_982, 28_473, 30_000, 30_000, 30_000,
            7_578
        ]
    );
    assert_eq!(
        waits.iter().sum::<u64>(),
        180_000,
        "the last check lands on the deadline"
    );
    assert_eq!(end, give_up(GiveUpReason::StillProcessing));
    assert_eq!(
        GiveUpReason::StillProcessing.to_string(),
        "The payment is still processing. Refresh to check its status again."
    );
    assert_eq!(s.polls(), 12);
}

#[test]
fn errors_until_the_deadline_give_up_as_unreachable() {
    let (waits, end) = run(&mut schedule(), PollOutcome::Transient, NO_JITTER);
    assert_eq!(waits.iter().sum::<u64>(), 180_000);
    assert_eq!(end, give_up(GiveUpReason::Unreachable));
}

#[test]
fn errors_back_off_like_pending_checks() {
    let mut s = schedule();
    assert_eq!(
        s.next(PollOutcome::Transient, 2_000, NO_JITTER),
        PollDecision::WaitMs(2_500)
    );
    assert_eq!(
        s.next(PollOutcome::Transient, 4_500, NO_JITTER),
        PollDecision::WaitMs(3_750)
    );
    assert_eq!(
        s.next(PollOutcome::Pending, 8_250, NO_JITTER),
        PollDecision::WaitMs(5_625)
    );
}

#[test]
fn manual_refresh_after_giving_up_starts_a_fresh_schedule_at_once() {
    let mut s = schedule();
    run(&mut s, PollOutcome::Pending, NO_JITTER);
    assert!(s.is_finished());
    assert_eq!(s.restart(500_000), PollDecision::WaitMs(0));
    assert!(!s.is_finished());
    assert_eq!(s.deadline_at_ms(), 680_000);
    assert_eq!(
        s.next(PollOutcome::Pending, 500_000, NO_JITTER),
        PollDecision::WaitMs(2_500)
    );
}

// --- HTTP errors ------------------------------------------------------------------

#[test]
fn http_statuses_are_classified_for_the_schedule() {
    assert_eq!(PollOutcome::from_http_status(200, None), None);
    assert_eq!(PollOutcome::from_http_status(204, None), None);
    assert_eq!(
        PollOutcome::from_http_status(401, None),
        Some(PollOutcome::Unauthorized)
    );
    for status in [408, 500, 502, 503, 504] {
        assert_eq!(
            PollOutcome::from_http_status(status, None),
            Some(PollOutcome::Transient),
            "{status}"
        );
    }
    for status in [400, 403, 404, 409, 422, 501, 302] {
        assert_eq!(
            PollOutcome::from_http_status(status, None),
            Some(PollOutcome::Rejected { status }),
            "{status}"
        );
    }
    assert_eq!(
        PollOutcome::from_http_status(429, Some("7")),
        Some(PollOutcome::RateLimited {
            retry_after_secs: Some(7)
        })
    );
    assert_eq!(
        PollOutcome::from_http_status(429, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
        Some(PollOutcome::RateLimited {
            retry_after_secs: None
        })
    );
    assert_eq!(
        PollOutcome::from_http_status(429, None),
        Some(PollOutcome::RateLimited {
            retry_after_secs: None
        })
    );
}

#[test]
fn other_client_errors_are_never_retried() {
    let mut s = schedule();
    let decision = s.next(PollOutcome::Rejected { status: 404 }, 2_000, NO_JITTER);
    assert_eq!(decision, give_up(GiveUpReason::Rejected { status: 404 }));
    assert!(s.is_finished());
    assert!(GiveUpReason::Rejected { status: 404 }
        .to_string()
        .contains("HTTP 404"));
}

// --- Retry-After --------------------------------------------------------------------

#[test]
fn retry_after_longer_than_the_normal_delay_is_honoured() {
    let mut s = schedule();
    let decision = s.next(
        PollOutcome::RateLimited {
            retry_after_secs: Some(10),
        },
        2_000,
        NO_JITTER,
    );
    assert_eq!(decision, PollDecision::WaitMs(10_000));
}

#[test]
fn retry_after_shorter_than_the_normal_delay_keeps_the_normal_delay() {
    let mut s = schedule();
    let decision = s.next(
        PollOutcome::RateLimited {
            retry_after_secs: Some(1),
        },
        2_000,
        NO_JITTER,
    );
    assert_eq!(decision, PollDecision::WaitMs(2_500));
}

#[test]
fn rate_limit_without_retry_after_uses_the_normal_backoff() {
    let mut s = schedule();
    s.next(PollOutcome::Pending, 2_000, NO_JITTER);
    let decision = s.next(
        PollOutcome::RateLimited {
            retry_after_secs: None,
        },
        4_500,
        NO_JITTER,
    );
    assert_eq!(decision, PollDecision::WaitMs(3_750));
}

#[test]
fn huge_retry_after_is_capped_at_a_minute() {
    let mut s = schedule();
    let decision = s.next(
        PollOutcome::RateLimited {
            retry_after_secs: Some(3_600),
        },
        2_000,
        NO_JITTER,
    );
    assert_eq!(decision, PollDecision::WaitMs(60_000));
}

#[test]
fn retry_after_past_the_deadline_gives_up_instead_of_polling_early() {
    let mut s = schedule();
    let decision = s.next(
        PollOutcome::RateLimited {
            retry_after_secs: Some(30),
        },
        160_000,
        NO_JITTER,
    );
    assert_eq!(decision, give_up(GiveUpReason::Unreachable));
}

#[test]
fn retry_after_header_is_read_in_delta_seconds() {
    assert_eq!(parse_retry_after("120"), Ok(120));
    assert_eq!(parse_retry_after(" 5 "), Ok(5));
    assert_eq!(parse_retry_after("0"), Ok(0));
    assert_eq!(parse_retry_after("99999999999999999999999"), Ok(u64::MAX));
}

#[test]
fn retry_after_http_dates_and_garbage_are_reported() {
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Err(RetryAfterError::HttpDateUnsupported)
    );
    assert_eq!(parse_retry_after(""), Err(RetryAfterError::Empty));
    assert_eq!(parse_retry_after("   "), Err(RetryAfterError::Empty));
    assert_eq!(
        parse_retry_after("-5"),
        Err(RetryAfterError::Invalid("-5".into()))
    );
    assert_eq!(
        parse_retry_after("1.5"),
        Err(RetryAfterError::Invalid("1.5".into()))
    );
}

// --- 401 ----------------------------------------------------------------------------

#[test]
fn unauthorized_asks_to_sign_in_again_and_resumes_at_once_afterwards() {
    let mut s = schedule();
    assert_eq!(
        s.next(PollOutcome::Unauthorized, 2_000, NO_JITTER),
        PollDecision::ReAuthenticate
    );
    assert!(s.is_paused());
    assert_eq!(
        s.next(PollOutcome::Pending, 2_100, NO_JITTER),
        PollDecision::Paused
    );
    assert_eq!(s.reauthenticated(12_000), Some(PollDecision::WaitMs(0)));
    assert_eq!(
        s.deadline_at_ms(),
        190_000,
        "time spent signing in does not count"
    );
    assert_eq!(
        s.next(PollOutcome::Pending, 12_500, NO_JITTER),
        PollDecision::WaitMs(2_500)
    );
}

#[test]
fn a_second_401_right_after_signing_in_again_gives_up() {
    let mut s = schedule();
    s.next(PollOutcome::Unauthorized, 2_000, NO_JITTER);
    s.reauthenticated(3_000);
    let decision = s.next(PollOutcome::Unauthorized, 3_500, NO_JITTER);
    assert_eq!(decision, give_up(GiveUpReason::NotAuthorized));
}

#[test]
fn a_401_after_a_successful_check_may_sign_in_again() {
    let mut s = schedule();
    s.next(PollOutcome::Unauthorized, 2_000, NO_JITTER);
    s.reauthenticated(3_000);
    s.next(PollOutcome::Pending, 3_500, NO_JITTER);
    assert_eq!(
        s.next(PollOutcome::Unauthorized, 6_000, NO_JITTER),
        PollDecision::ReAuthenticate
    );
}

#[test]
fn reauthenticated_without_a_pending_sign_in_changes_nothing() {
    assert_eq!(schedule().reauthenticated(1_000), None);
}

#[test]
fn reauthenticated_while_hidden_stays_paused() {
    let mut s = schedule();
    s.next(PollOutcome::Unauthorized, 2_000, NO_JITTER);
    s.set_visible(false, 2_500);
    assert_eq!(s.reauthenticated(3_000), Some(PollDecision::Paused));
    assert_eq!(s.set_visible(true, 4_000), Some(PollDecision::WaitMs(0)));
}

// --- Pause and resume ---------------------------------------------------------------

#[test]
fn hidden_tab_pauses_and_visible_again_polls_at_once() {
    let mut s = schedule();
    assert_eq!(s.set_visible(false, 1_000), Some(PollDecision::Paused));
    assert_eq!(s.initial(), PollDecision::Paused);
    assert_eq!(
        s.next(PollOutcome::Pending, 2_000, NO_JITTER),
        PollDecision::Paused
    );
    assert_eq!(s.set_visible(true, 50_000), Some(PollDecision::WaitMs(0)));
    assert_eq!(
        s.set_visible(true, 50_001),
        None,
        "already visible: keep the current timer"
    );
}

#[test]
fn going_offline_pauses_until_both_visible_and_online() {
    let mut s = schedule();
    assert_eq!(s.set_online(false, 1_000), Some(PollDecision::Paused));
    assert_eq!(s.set_visible(false, 2_000), None, "already paused");
    assert_eq!(s.set_online(true, 3_000), None, "still hidden");
    assert!(s.is_paused());
    assert_eq!(s.set_visible(true, 4_000), Some(PollDecision::WaitMs(0)));
    assert!(!s.is_paused());
}

#[test]
fn paused_time_does_not_count_towards_the_deadline() {
    let mut s = schedule();
    assert_eq!(s.deadline_at_ms(), 180_000);
    s.set_visible(false, 10_000);
    s.set_visible(true, 100_000);
    assert_eq!(s.deadline_at_ms(), 270_000);
    assert_eq!(
        s.next(PollOutcome::Pending, 200_000, NO_JITTER),
        PollDecision::WaitMs(2_500)
    );
}

#[test]
fn a_final_status_arriving_while_hidden_still_stops() {
    let mut s = schedule();
    s.set_visible(false, 1_000);
    assert_eq!(
        s.next(PollOutcome::Terminal, 2_000, NO_JITTER),
        PollDecision::StopTerminal
    );
    assert_eq!(s.set_visible(true, 3_000), None);
}

#[test]
fn restart_while_hidden_waits_for_the_tab() {
    let mut s = schedule();
    s.set_visible(false, 1_000);
    assert_eq!(s.restart(2_000), PollDecision::Paused);
    assert_eq!(s.set_visible(true, 5_000), Some(PollDecision::WaitMs(0)));
    assert_eq!(s.deadline_at_ms(), 185_000);
}

// --- Configuration ------------------------------------------------------------------

#[test]
fn bad_configurations_are_refused() {
    let base = PollConfig::default();
    let cases = [
        (
            PollConfig {
                base_interval_ms: 0,
                ..base
            },
            PollConfigError::ZeroInterval,
        ),
        (
            PollConfig {
                growth_percent: 90,
                ..base
            },
            PollConfigError::GrowthTooSmall(90),
        ),
        (
            PollConfig {
                jitter_percent: 34,
                ..base
            },
            PollConfigError::JitterTooLarge {
                jitter_percent: 34,
                max_percent: 33,
            },
        ),
        (
            PollConfig {
                cap_ms: 2_000,
                ..base
            },
            PollConfigError::CapTooSmall,
        ),
        (
            PollConfig {
                first_delay_ms: 40_000,
                ..base
            },
            PollConfigError::CapTooSmall,
        ),
        (
            PollConfig {
                deadline_ms: 0,
                ..base
            },
            PollConfigError::ZeroDeadline,
        ),
    ];
    for (config, error) in cases {
        assert_eq!(PollSchedule::new(config, 0).err(), Some(error));
    }
    assert_eq!(PollConfig::max_jitter_percent(150), 33);
    assert_eq!(PollConfig::max_jitter_percent(200), 50);
    assert_eq!(PollConfig::max_jitter_percent(100), 0);
}

#[test]
fn a_custom_configuration_drives_the_schedule() {
    let config = PollConfig {
        first_delay_ms: 1_000,
        base_interval_ms: 1_000,
        growth_percent: 200,
        jitter_percent: 0,
        cap_ms: 5_000,
        deadline_ms: 12_000,
        max_retry_after_ms: 10_000,
    };
    let mut s = PollSchedule::new(config, 0).unwrap();
    let (waits, end) = run(&mut s, PollOutcome::Pending, FULL_JITTER);
    assert_eq!(waits, [1_000, 1_000, 2_000, 4_000, 4_000]);
    assert_eq!(end, give_up(GiveUpReason::StillProcessing));
}

// --- Properties -------------------------------------------------------------------

fn outcome() -> impl Strategy<Value = PollOutcome> {
    prop_oneof![
        4 => Just(PollOutcome::Pending),
        2 => Just(PollOutcome::Transient),
        1 => proptest::option::of(0u64..100_000).prop_map(|retry_after_secs| PollOutcome::RateLimited { retry_after_secs }),
    ]
}

proptest! {
    #[test]
    fn normal_delays_never_exceed_the_cap(
        jitters in proptest::collection::vec(any::<u32>(), 1..40),
        transient in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let mut s = schedule();
        let mut now = 2_000;
        for (i, jitter) in jitters.into_iter().enumerate() {
            let outcome = if transient[i] { PollOutcome::Transient } else { PollOutcome::Pending };
            match s.next(outcome, now, jitter) {
                PollDecision::WaitMs(ms) => {
                    prop_assert!(ms <= 30_000);
                    now += ms;
                }
                PollDecision::GiveUp { .. } => break,
                other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
            }
        }
    }

    #[test]
    fn jittered_delays_never_decrease_before_the_cap(jitters in proptest::collection::vec(any::<u32>(), 7)) {
        // With the defaults the nominal delay stays under the 30 s cap for 7 steps.
        let mut s = schedule();
        let mut previous = 2_000;
        for jitter in jitters {
            let PollDecision::WaitMs(ms) = s.next(PollOutcome::Pending, 0, jitter) else {
                return Err(TestCaseError::fail("expected a wait"));
            };
            prop_assert!(ms >= previous, "{ms} after {previous}");
            previous = ms;
        }
    }

    #[test]
    fn the_nominal_delay_is_non_decreasing_and_capped(
        outcomes in proptest::collection::vec(outcome(), 1..60),
        jitter in any::<u32>(),
    ) {
        let mut s = schedule();
        let mut previous = s.nominal_interval_ms();
        for outcome in outcomes {
            s.next(outcome, 0, jitter);
            let nominal = s.nominal_interval_ms();
            prop_assert!(nominal >= previous);
            prop_assert!(nominal <= 30_000);
            previous = nominal;
        }
    }

    #[test]
    fn any_run_ends_by_the_deadline_and_waits_at_most_the_retry_after_cap(
        outcomes in proptest::collection::vec(outcome(), 1..200),
        jitters in proptest::collection::vec(any::<u32>(), 200),
    ) {
        let mut s = schedule();
        let mut now = 2_000;
        for (i, outcome) in outcomes.into_iter().enumerate() {
            match s.next(outcome, now, jitters[i]) {
                PollDecision::WaitMs(ms) => {
                    prop_assert!(ms <= 60_000);
                    now += ms;
                    prop_assert!(now <= 180_000, "a check was scheduled past the deadline");
                }
                PollDecision::GiveUp { reason } => {
                    prop_assert!(matches!(reason, GiveUpReason::StillProcessing | GiveUpReason::Unreachable));
                    prop_assert_eq!(s.next(PollOutcome::Pending, now, 0), PollDecision::GiveUp { reason });
                    break;
                }
                other => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
            }
        }
    }

    #[test]
    fn retry_after_is_never_undercut(secs in 0u64..=60, pending_before in 0usize..6) {
        let mut s = schedule();
        let mut now = 2_000;
        for _ in 0..pending_before {
            if let PollDecision::WaitMs(ms) = s.next(PollOutcome::Pending, now, 0) {
                now += ms;
            }
        }
        if let PollDecision::WaitMs(ms) = s.next(PollOutcome::RateLimited { retry_after_secs: Some(secs) }, now, u32::MAX) {
            prop_assert!(ms >= secs * 1_000);
        }
    }
}
