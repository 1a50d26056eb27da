//! The return page's flow, driven through a simulated shell: a scripted
//! Billing API, this browser's activation log, a cross-tab lock and a clock
//! that jumps to each wait's end. Each test is one buyer's story.

mod support;

use billing_core::api::Service;
use std::collections::VecDeque;

use billing_core::api::livechat::{DirectCharge, RecurrentCharge};
use billing_core::api::ApiError;
use billing_core::domain::charge::ChargeKind;
use billing_core::domain::checkout::{ActivationLog, ActivationState, Outcome};
use billing_core::domain::polling::GiveUpReason;
use billing_core::domain::return_url::parse_charge_return;
use billing_core::flow::charge_return::{
    ChargeRef, ChargeReturnFlow, Event, Phase, Request, ReturnedCharge,
};
use billing_core::flow::{
    ActivationAnswer, ActivationOp, Effect, Env, LockAnswer, Machine, ShellEffect,
    PAUSED_RECHECK_MS,
};
use support::http;

const DIRECT_JSON: &str = include_str!("fixtures/livechat_direct_charge.json");
const RECURRENT_FIELDS: &str = include_str!("fixtures/livechat_recurrent_charge_fields.json");
const DIRECT_ID: &str = "5deab95d-c0c9-4397-9593-436f533e83e5";
const RECURRENT_ID: &str = "1c286f7a-aab8-4384-8e09-dc6749c550cd";
const START_MS: u64 = 1_700_000_000_000;

fn direct(status: &str) -> ReturnedCharge {
    let mut value: serde_json::Value = serde_json::from_str(DIRECT_JSON).expect("fixture");
    value["status"] = status.into();
    ReturnedCharge::Direct(serde_json::from_value::<DirectCharge>(value).expect("direct charge"))
}

fn recurrent(status: &str) -> ReturnedCharge {
    let mut value: serde_json::Value =
        serde_json::from_str(&format!("{{{RECURRENT_FIELDS}}}")).expect("fixture");
    value["status"] = status.into();
    ReturnedCharge::Recurrent(
        serde_json::from_value::<RecurrentCharge>(value).expect("recurrent charge"),
    )
}

fn too_many_requests(retry_after_secs: u64) -> ApiError {
    ApiError::Http {
        service: Service::Billing,
        status: 429,
        body: None,
        snippet: None,
        retry_after_secs: Some(retry_after_secs),
    }
}

/// The Billing API as the test scripts it: one charge, whose successive
/// reads give `reads` (the last one repeats).
struct FakeBilling {
    charge: fn(&str) -> ReturnedCharge,
    reads: VecDeque<Result<&'static str, ApiError>>,
    activations: VecDeque<Result<Option<&'static str>, ApiError>>,
    decline: Result<(), ApiError>,
}

impl FakeBilling {
    fn direct(reads: &[&'static str]) -> Self {
        Self {
            charge: direct,
            reads: reads.iter().map(|s| Ok(*s)).collect(),
            activations: VecDeque::from([Ok(Some("processed"))]),
            decline: Ok(()),
        }
    }

    fn recurrent(reads: &[&'static str]) -> Self {
        Self {
            charge: recurrent,
            activations: VecDeque::from([Ok(Some("active"))]),
            ..Self::direct(reads)
        }
    }

    fn then_reads(mut self, answers: Vec<Result<&'static str, ApiError>>) -> Self {
        self.reads.extend(answers);
        self
    }

    fn activation_answers(mut self, answers: Vec<Result<Option<&'static str>, ApiError>>) -> Self {
        self.activations = answers.into();
        self
    }

    fn kind(&self) -> ChargeKind {
        (self.charge)("pending").kind()
    }

    fn next<T: Clone>(queue: &mut VecDeque<T>) -> T {
        if queue.len() > 1 {
            queue.pop_front().expect("not empty")
        } else {
            queue.front().cloned().expect("the script has an answer")
        }
    }

    fn answer(&mut self, request: &Request) -> Event {
        match request {
            Request::Get(charge) if charge.kind() != self.kind() => Event::Read(Err(http(404))),
            Request::Get(_) => Event::Read(Self::next(&mut self.reads).map(self.charge)),
            Request::Activate(_) => Event::Activated(
                Self::next(&mut self.activations).map(|status| status.map(self.charge)),
            ),
            Request::DeclineSubscription(_) => Event::Declined(self.decline.clone()),
        }
    }
}

/// What another tab of this browser does with the lock.
#[derive(Clone, Copy, PartialEq)]
enum OtherTab {
    Absent,
    /// Holds the lock and activates the charge before letting go.
    Activating,
}

/// The shell, simulated: performs the flow's effects until nothing is left.
struct Tab {
    flow: ChargeReturnFlow,
    server: FakeBilling,
    log: ActivationLog,
    env: Env,
    locks_supported: bool,
    other_tab: OtherTab,
    holds_lock: bool,
    /// Every request sent, in order.
    sent: Vec<Request>,
    /// Every phase shown, in order, repeats collapsed.
    phases: Vec<Phase>,
    sign_in_requests: u32,
    /// Hidden from this moment (device time) on, visible again at the second.
    hidden_between: Option<(u64, u64)>,
}

impl Tab {
    fn new(return_url: &str, server: FakeBilling) -> Self {
        let target = parse_charge_return(return_url).expect("a valid return URL");
        Self {
            flow: ChargeReturnFlow::new(target),
            server,
            log: ActivationLog::new(),
            env: Env::at(START_MS),
            locks_supported: true,
            other_tab: OtherTab::Absent,
            holds_lock: false,
            sent: Vec::new(),
            phases: Vec::new(),
            sign_in_requests: 0,
            hidden_between: None,
        }
    }

    fn direct(server: FakeBilling) -> Self {
        Self::new(&format!("?id={DIRECT_ID}&type=direct_charge"), server)
    }

    fn recurrent(server: FakeBilling) -> Self {
        Self::new(&format!("?id={RECURRENT_ID}&type=recurrent_charge"), server)
    }

    fn activations_sent(&self) -> usize {
        self.sent
            .iter()
            .filter(|r| matches!(r, Request::Activate(_)))
            .count()
    }

    fn reads_sent(&self) -> usize {
        self.sent
            .iter()
            .filter(|r| matches!(r, Request::Get(_)))
            .count()
    }

    fn phase(&self) -> &Phase {
        self.flow.phase()
    }

    /// The phases' names, repeats collapsed (the check count aside).
    fn phase_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.phases.iter().map(Phase::name).collect();
        names.dedup();
        names
    }

    fn activation(&self) -> Option<ActivationState> {
        let charge = self.flow.charge().expect("a charge was read");
        self.log
            .state_of(charge.kind(), charge.id(), self.env.now_ms)
    }

    /// Delivers `event`, then performs effects until the flow rests. Waits
    /// end at once, the clock jumping forward by their length.
    fn send(&mut self, event: Event) {
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            let effects = self.flow.update(event, &self.env.clone());
            if self.phases.last() != Some(self.flow.phase()) {
                self.phases.push(self.flow.phase().clone());
            }
            queue.extend(self.perform(effects));
        }
    }

    fn start(mut self) -> Self {
        self.send(Event::Start);
        self
    }

    fn set_clock(&mut self, now_ms: u64) {
        self.env.now_ms = now_ms;
        self.env.visible = match self.hidden_between {
            Some((from, to)) => !(from..to).contains(&now_ms),
            None => true,
        };
    }

    /// Performs `effects`; returns their answers.
    fn perform(&mut self, effects: Vec<Effect<Request, Event>>) -> VecDeque<Event> {
        let mut answers = VecDeque::new();
        for effect in effects {
            match effect {
                Effect::Send(request) => {
                    answers.push_back(self.server.answer(&request));
                    self.sent.push(request);
                }
                Effect::After { ms, then } => {
                    assert!(
                        self.env.now_ms < START_MS + 24 * 3_600_000,
                        "the flow never rests"
                    );
                    self.set_clock(self.env.now_ms + ms);
                    answers.push_back(then);
                }
                Effect::Shell(ShellEffect::TryLock { .. }) => {
                    answers.push_back(Event::Lock(match (self.locks_supported, self.other_tab) {
                        (false, _) => LockAnswer::Unsupported,
                        (true, OtherTab::Activating) => LockAnswer::Busy,
                        (true, OtherTab::Absent) => {
                            self.holds_lock = true;
                            LockAnswer::Held
                        }
                    }))
                }
                Effect::Shell(ShellEffect::WaitForLock { .. }) => {
                    // The other tab finishes its activation and lets go.
                    let charge = self.flow.charge().expect("a charge");
                    self.log
                        .mark_done(charge.kind(), charge.id(), self.env.now_ms);
                    self.other_tab = OtherTab::Absent;
                    answers.push_back(Event::Lock(LockAnswer::Freed));
                }
                Effect::Shell(ShellEffect::ReleaseLock) => self.holds_lock = false,
                Effect::Shell(ShellEffect::Activations(change)) => {
                    let now = self.env.now_ms;
                    let (kind, id) = (change.kind, change.id.as_str());
                    match change.op {
                        ActivationOp::Read => answers.push_back(Event::Activation(
                            ActivationAnswer::State(self.log.state_of(kind, id, now)),
                        )),
                        ActivationOp::Claim => {
                            assert!(
                                self.holds_lock || !self.locks_supported,
                                "a claim is made under the lock"
                            );
                            answers.push_back(Event::Activation(ActivationAnswer::Claimed(
                                self.log.claim(kind, id, now),
                            )))
                        }
                        ActivationOp::MarkDone => self.log.mark_done(kind, id, now),
                        ActivationOp::Release => self.log.release(kind, id),
                    }
                }
                Effect::Shell(ShellEffect::SignInAgain) => self.sign_in_requests += 1,
                other => panic!("the return page never asks for {other:?}"),
            }
        }
        answers
    }
}

#[test]
fn an_accepted_charge_is_activated_once_then_polled_to_success() {
    let tab = Tab::direct(FakeBilling::direct(&["accepted", "processed", "success"])).start();

    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert_eq!(tab.activations_sent(), 1);
    assert!(matches!(
        tab.activation(),
        Some(ActivationState::Done { .. })
    ));
    assert!(tab.flow.activated());
    assert!(
        !tab.holds_lock,
        "the lock is let go once the activation is settled"
    );
    assert_eq!(
        tab.phase_names(),
        ["loading", "activating", "checking", "finished"]
    );
}

#[test]
fn the_first_check_waits_for_the_gateway_then_backs_off() {
    let mut tab = Tab::direct(FakeBilling::direct(&[
        "processed",
        "processed",
        "processed",
        "success",
    ]));
    tab.send(Event::Start);
    // Four reads: the lookup and three checks, each after a longer wait.
    assert_eq!(tab.reads_sent(), 4);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert!(tab.env.now_ms - START_MS >= 2_000 + 2_000 + 3_000);
}

#[test]
fn a_pending_charge_waits_for_the_buyer_and_is_never_activated() {
    let tab = Tab::direct(FakeBilling::direct(&["pending"])).start();
    assert_eq!(*tab.phase(), Phase::AwaitingBuyer);
    assert_eq!(tab.activations_sent(), 0);
    assert_eq!(tab.reads_sent(), 1, "polling would only wait on a person");
}

#[test]
fn without_a_type_the_direct_charge_is_tried_first_then_the_subscription() {
    let tab = Tab::new(
        &format!("?id={RECURRENT_ID}"),
        FakeBilling::recurrent(&["active"]),
    )
    .start();
    let tried: Vec<(ChargeKind, &str)> = tab.sent[..2]
        .iter()
        .map(|request| match request {
            Request::Get(ChargeRef::Direct(id)) => (ChargeKind::Direct, id.as_str()),
            Request::Get(ChargeRef::Recurrent(id)) => (ChargeKind::Recurrent, id.as_str()),
            other => panic!("not a read: {other:?}"),
        })
        .collect();
    assert_eq!(
        tried,
        [
            (ChargeKind::Direct, RECURRENT_ID),
            (ChargeKind::Recurrent, RECURRENT_ID)
        ]
    );
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Active));
}

#[test]
fn a_charge_neither_kind_knows_is_not_found() {
    let mut server = FakeBilling::direct(&["pending"]);
    server.reads = VecDeque::from([Err(http(404))]);
    let tab = Tab::new(&format!("?id={DIRECT_ID}"), server).start();
    assert_eq!(*tab.phase(), Phase::NotFound);
    assert_eq!(tab.reads_sent(), 2);
}

#[test]
fn a_lost_activate_answer_keeps_the_claim_so_nothing_is_sent_twice() {
    let server = FakeBilling::direct(&["accepted"])
        .then_reads(vec![Ok("accepted"), Ok("processed"), Ok("success")])
        .activation_answers(vec![Err(ApiError::Network {
            service: Service::Billing,
            message: "connection reset".into(),
        })]);
    let mut tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert_eq!(tab.activations_sent(), 1);
    // The claim is still there: a reload within its lifetime polls too.
    assert!(matches!(
        tab.activation(),
        Some(ActivationState::InFlight { .. })
    ));
    tab.server.reads = VecDeque::from([Ok("accepted"), Ok("processed"), Ok("success")]);
    tab.send(Event::Start);
    assert_eq!(
        tab.activations_sent(),
        1,
        "the reload does not activate again"
    );
}

#[test]
fn a_claim_whose_answer_was_lost_is_retried_once_it_is_stale() {
    // Still accepted a minute after a lost answer: the request never
    // arrived. The claim is taken over and the activation sent again (a
    // second arrival would be refused with 409 and settled by a read).
    let server = FakeBilling::direct(&["accepted"])
        .then_reads(vec![Ok("accepted"); 8])
        .then_reads(vec![Ok("processed"), Ok("success")])
        .activation_answers(vec![
            Err(ApiError::Network {
                service: Service::Billing,
                message: "connection reset".into(),
            }),
            Ok(Some("processed")),
        ]);
    let tab = Tab::direct(server).start();
    assert_eq!(tab.activations_sent(), 2);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert!(tab.env.now_ms - START_MS > ActivationLog::IN_FLIGHT_TTL_MS);
}

#[test]
fn a_reload_after_the_activation_polls_instead_of_activating_again() {
    let mut tab = Tab::direct(FakeBilling::direct(&["accepted", "success"])).start();
    assert_eq!(tab.activations_sent(), 1);
    // The gateway is slow: the charge still reads as accepted.
    tab.server.reads = VecDeque::from([Ok("accepted"), Ok("success")]);
    tab.send(Event::Start);
    assert_eq!(tab.activations_sent(), 1);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn a_conflict_whose_reread_shows_progress_counts_as_activated() {
    let server = FakeBilling::direct(&["accepted", "processed", "success"])
        .activation_answers(vec![Err(http(409))]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert_eq!(tab.activations_sent(), 1);
    assert!(matches!(
        tab.activation(),
        Some(ActivationState::Done { .. })
    ));
}

#[test]
fn a_conflict_whose_reread_shows_a_decline_releases_the_claim() {
    let server =
        FakeBilling::direct(&["accepted", "declined"]).activation_answers(vec![Err(http(409))]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Declined));
    assert_eq!(tab.activation(), None, "never activated: the claim is gone");
}

#[test]
fn a_refused_activation_releases_the_claim_and_shows_the_error() {
    let server = FakeBilling::direct(&["accepted"]).activation_answers(vec![Err(http(400))]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::Failed(http(400)));
    assert_eq!(tab.activation(), None, "another attempt may claim at once");
    assert!(!tab.holds_lock);
}

#[test]
fn a_second_tab_waits_for_the_first_and_never_activates() {
    let mut tab = Tab::direct(FakeBilling::direct(&["accepted", "processed", "success"]));
    tab.other_tab = OtherTab::Activating;
    let tab = tab.start();
    assert_eq!(tab.activations_sent(), 0);
    assert!(tab.phase_names().contains(&"activating-elsewhere"));
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    assert!(tab.flow.activated(), "the other tab's activation shows");
}

#[test]
fn a_claim_taken_by_another_tab_meanwhile_is_followed_not_repeated() {
    // No Web Locks in this browser: the log alone excludes the other tab.
    let mut tab = Tab::direct(FakeBilling::direct(&["accepted", "processed", "success"]));
    tab.locks_supported = false;
    tab.log
        .claim(ChargeKind::Direct, DIRECT_ID, START_MS)
        .expect("claim");
    let tab = tab.start();
    assert_eq!(tab.activations_sent(), 0);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn without_web_locks_the_log_still_allows_exactly_one_activation() {
    let mut tab = Tab::direct(FakeBilling::direct(&["accepted", "success"]));
    tab.locks_supported = false;
    let tab = tab.start();
    assert_eq!(tab.activations_sent(), 1);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn a_refused_token_while_reading_asks_for_a_new_sign_in() {
    let mut server = FakeBilling::direct(&["pending"]);
    server.reads = VecDeque::from([Err(http(401))]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::NeedsSignIn);
    assert_eq!(tab.sign_in_requests, 1);
}

#[test]
fn a_refused_token_mid_polling_asks_for_a_new_sign_in_and_stops_checking() {
    let server = FakeBilling::direct(&["processed"]).then_reads(vec![Err(http(401))]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::NeedsSignIn);
    assert_eq!(tab.sign_in_requests, 1);
    assert_eq!(tab.reads_sent(), 2);
}

#[test]
fn a_rate_limited_check_waits_as_long_as_the_server_asks() {
    let server = FakeBilling::direct(&["processed"])
        .then_reads(vec![Err(too_many_requests(20)), Ok("success")]);
    let tab = Tab::direct(server).start();
    assert!(tab.phases.contains(&Phase::SlowedDown {
        next_check_secs: 20
    }));
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn server_errors_and_lost_answers_while_polling_are_retried() {
    let server = FakeBilling::direct(&["processed"]).then_reads(vec![
        Err(http(503)),
        Err(ApiError::Timeout {
            service: Service::Billing,
        }),
        Err(ApiError::Network {
            service: Service::Billing,
            message: "offline".into(),
        }),
        Ok("success"),
    ]);
    let tab = Tab::direct(server).start();
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn a_status_that_never_becomes_final_gives_up_at_the_deadline() {
    let tab = Tab::direct(FakeBilling::direct(&["processed"])).start();
    assert_eq!(*tab.phase(), Phase::GaveUp(GiveUpReason::StillProcessing));
    let elapsed = tab.env.now_ms - START_MS;
    assert!(
        (3 * 60_000..=3 * 60_000 + 1).contains(&elapsed),
        "{elapsed}"
    );
    assert!(
        tab.reads_sent() < 20,
        "backing off: {} reads",
        tab.reads_sent()
    );
}

#[test]
fn an_unknown_status_is_polled_never_read_as_success() {
    let tab = Tab::direct(FakeBilling::direct(&["refunded_partially"])).start();
    assert!(!matches!(tab.phase(), Phase::Finished(_)));
    assert_eq!(*tab.phase(), Phase::GaveUp(GiveUpReason::StillProcessing));
    assert!(tab.flow.charge().is_some_and(ReturnedCharge::is_unknown));
}

#[test]
fn a_hidden_tab_stops_checking_until_it_is_visible_again() {
    let mut tab = Tab::direct(FakeBilling::direct(&["processed", "processed", "success"]));
    // Hidden from the first check's due time for ten minutes.
    tab.hidden_between = Some((START_MS + 2_000, START_MS + 600_000));
    let tab = tab.start();
    assert!(tab.phase_names().contains(&"paused"));
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
    // Hidden time does not count toward the deadline.
    assert!(tab.env.now_ms > START_MS + 600_000);
    let reads_while_hidden = tab.reads_sent();
    assert_eq!(reads_while_hidden, 3, "no check while hidden");
}

#[test]
fn a_paused_flow_looks_again_shortly() {
    let mut tab = Tab::direct(FakeBilling::direct(&["processed", "success"]));
    tab.hidden_between = Some((START_MS + 2_000, START_MS + 2_000 + 3 * PAUSED_RECHECK_MS));
    let tab = tab.start();
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}

#[test]
fn a_trial_subscription_finishes_as_a_trial() {
    let tab = Tab::recurrent(FakeBilling::recurrent(&["accepted", "active"])).start();
    assert_eq!(tab.activations_sent(), 1);
    assert!(matches!(
        tab.phase(),
        Phase::Finished(Outcome::Active | Outcome::Trial { .. })
    ));
}

#[test]
fn declining_a_pending_subscription_reads_it_again() {
    let mut tab = Tab::recurrent(FakeBilling::recurrent(&["pending", "declined"])).start();
    assert!(tab.flow.can_decline());
    tab.send(Event::Decline);
    assert!(tab.sent.iter().any(|request| matches!(
        request,
        Request::DeclineSubscription(id) if id.as_str() == RECURRENT_ID
    )));
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Declined));
    assert!(!tab.flow.can_decline());
}

#[test]
fn a_one_time_charge_cannot_be_declined_from_the_page() {
    let mut tab = Tab::direct(FakeBilling::direct(&["pending"])).start();
    assert!(!tab.flow.can_decline());
    tab.send(Event::Decline);
    assert!(!tab
        .sent
        .iter()
        .any(|r| matches!(r, Request::DeclineSubscription(_))));
}

#[test]
fn late_and_repeated_answers_change_nothing() {
    let mut tab = Tab::direct(FakeBilling::direct(&["pending"])).start();
    let before = (tab.phase().clone(), tab.sent.len());
    tab.send(Event::Woke);
    tab.send(Event::Activated(Ok(Some(direct("processed")))));
    tab.send(Event::Lock(LockAnswer::Freed));
    tab.send(Event::Read(Ok(direct("success"))));
    assert_eq!((tab.phase().clone(), tab.sent.len()), before);
    assert_eq!(tab.activation(), None);
}

#[test]
fn a_restart_reads_the_charge_afresh() {
    let mut tab = Tab::direct(FakeBilling::direct(&["pending"])).start();
    tab.server.reads = VecDeque::from([Ok("accepted"), Ok("success")]);
    tab.send(Event::Start);
    assert_eq!(tab.activations_sent(), 1);
    assert_eq!(*tab.phase(), Phase::Finished(Outcome::Paid));
}
