//! The return page's rules against the mock backend: a subscription bought,
//! activated once, cancelled, and its refund in the ledger matching the
//! estimate the page shows.

use billing_core::domain::charge::ChargeKind;
use billing_core::domain::checkout::*;
use billing_core::domain::money::Cents;
use billing_mock::livechat::confirm_charge;
use billing_mock::MockBackend;

use billing_core::api::livechat::{
    parse_ledger, parse_recurrent_charge, ApiVersion, BillingApi, NewRecurrentCharge,
    RecurrentAction, RecurrentCharge,
};
use billing_core::domain::charge::{LedgerEntryType, RecurrentChargeId};
use url::Url;

mod support;
use support::{sign_in, World, CLIENT, NOW, OWNER, STEP};

impl World {
    fn new() -> Self {
        let mut backend = MockBackend::new(7);
        backend.state.scenario.token_lifetime_secs = 3_650 * 86_400;
        let token = sign_in(&mut backend, OWNER, CLIENT);
        let base = Url::parse("https://billing.livechatinc.com").unwrap();
        World {
            backend,
            api: BillingApi::new(&base, ApiVersion::V1).unwrap(),
            token,
        }
    }

    fn get(&mut self, id: &RecurrentChargeId, now: u64) -> RecurrentCharge {
        let request = self
            .api
            .get_recurrent_charge(&self.token, id)
            .into_request()
            .unwrap();
        parse_recurrent_charge(&self.send(request, now)).unwrap()
    }

    fn act(&mut self, id: &RecurrentChargeId, action: RecurrentAction, now: u64) -> u16 {
        let request = self
            .api
            .recurrent_charge_action(&self.token, id, action)
            .into_request()
            .unwrap();
        self.send(request, now).status
    }
}

fn ms(timestamp: &Option<billing_core::api::wire::Timestamp>) -> Option<u64> {
    timestamp
        .as_ref()
        .and_then(|t| u64::try_from(t.unix_millis()).ok())
}

/// The return page's loop, as the shell runs it: read, decide, act.
#[test]
fn return_page_flow_then_cancel_refund_matches_the_ledger() {
    let mut w = World::new();
    let mut new = NewRecurrentCharge::new(
        "Pro plan",
        Cents::new(3_000),
        "https://app.example.com/return",
    );
    new.trial_days = Some(7);
    let request = w
        .api
        .create_recurrent_charge(&w.token, &new)
        .into_request()
        .unwrap();
    let created = parse_recurrent_charge(&w.send(request, NOW)).unwrap();
    let id = created.id.clone();
    let mut storage = String::new();
    let mut activations = 0;
    let mut now = NOW;

    let charge = w.get(&id, now);
    assert_eq!(
        recurrent_action(&charge.status, None, now, None),
        ReturnAction::AwaitBuyer
    );
    confirm_charge(
        &mut w.backend.state,
        id.as_str(),
        Some(ChargeKind::Recurrent),
        true,
        now,
    )
    .unwrap();

    let outcome = loop {
        assert!(now < NOW + 60_000, "the flow must finish");
        let charge = w.get(&id, now);
        let mut log = ActivationLog::from_json(&storage);
        let held = log.state_of(ChargeKind::Recurrent, id.as_str(), now);
        let trial_end = ms(&charge.trial_ends_at);
        let action = recurrent_action(&charge.status, trial_end, now, held);
        let steps = recurrent_timeline(
            &charge.status,
            held.is_some(),
            in_trial(&charge.status, trial_end, now),
        );
        assert_eq!(steps.len(), 5);
        match action {
            ReturnAction::Activate => {
                log.claim(ChargeKind::Recurrent, id.as_str(), now).unwrap();
                storage = log.to_json();
                activations += 1;
                assert_eq!(w.act(&id, RecurrentAction::Activate, now), 200);
                let mut log = ActivationLog::from_json(&storage);
                log.mark_done(ChargeKind::Recurrent, id.as_str(), now);
                storage = log.to_json();
            }
            ReturnAction::Poll => now += 1_000,
            ReturnAction::AwaitBuyer => panic!("the buyer already accepted"),
            ReturnAction::Finished(outcome) => break outcome,
        }
    };
    assert_eq!(activations, 1);
    let Outcome::Trial { ends_at_ms } = outcome else {
        panic!("expected a trial, got {outcome:?}");
    };
    assert!(
        now >= NOW + STEP,
        "the gateway takes one step after activation"
    );

    // During the trial nothing was collected, so nothing is refunded.
    let charge = w.get(&id, now);
    let estimate = refund_estimate(
        &charge.status,
        charge.price,
        ms(&charge.current_charge_at),
        ms(&charge.next_charge_at),
        ms(&charge.trial_ends_at),
        now,
    );
    assert_eq!(estimate, None);

    // A third into the first paid period, the page's estimate of the
    // developer's share equals the refund the mock writes to the ledger.
    let paid_start = ends_at_ms;
    let charge = w.get(&id, paid_start);
    let start = ms(&charge.current_charge_at).unwrap();
    let end = ms(&charge.next_charge_at).unwrap();
    let cancel_at = start + (end - start) / 3 + 12_345;
    let share = Cents::new(3_000 * 80 / 100);
    let estimate = refund_estimate(
        &charge.status,
        share,
        Some(start),
        Some(end),
        ms(&charge.trial_ends_at),
        cancel_at,
    )
    .unwrap();
    assert_eq!(w.act(&id, RecurrentAction::Cancel, cancel_at), 200);
    let request = w.api.get_ledger(&w.token, None).into_request().unwrap();
    let ledger = parse_ledger(&w.send(request, cancel_at)).unwrap();
    assert_eq!(ledger[0].entry_type, LedgerEntryType::Refund);
    assert_eq!(ledger[0].value, estimate.amount);
    assert!(estimate.amount > Cents::ZERO && estimate.amount < share);

    let charge = w.get(&id, cancel_at);
    assert_eq!(
        recurrent_action(&charge.status, ms(&charge.trial_ends_at), cancel_at, None),
        ReturnAction::Finished(Outcome::Cancelled)
    );
}
