//! Opening a Bidali charge from the start form or as a new quote: one
//! request per click, the clock and the charge kept for its page, then off
//! to the page.

use billing_core::api::bidali::{BidaliCharge, CustomerRef, NewBidaliCharge};
use billing_core::api::ApiError;
use billing_core::domain::crypto::Protocol;
use billing_core::domain::crypto_checkout::ServerClock;
use billing_core::flow::crypto_start::{
    payment_path, requote_of, Created, Event, OpenChargeFlow, Opening, Request, CLOCK_KEY,
    LAST_CHARGE_KEY,
};
use billing_core::flow::{Effect, Env, Machine, Place, ShellEffect};

const FULL: &str = include_str!("fixtures/bidali_charge_full.json");
/// The fixture's `createdAt`, 2019-04-09T16:02:38.835Z.
const CREATED_AT_MS: i64 = 1_554_825_758_835;

fn charge() -> BidaliCharge {
    serde_json::from_str(FULL).expect("a Bidali charge")
}

fn new_charge() -> NewBidaliCharge {
    requote_of(&charge())
}

fn bitcoin() -> Protocol {
    Protocol::parse("bitcoin").expect("a protocol")
}

fn created(server_clock: Option<ServerClock>, sent_ms: i64, received_ms: i64) -> Event {
    Event::Created(Ok(Box::new(Created {
        charge: charge(),
        sent_ms,
        received_ms,
        server_clock,
    })))
}

fn open(flow: &mut OpenChargeFlow, pay: Option<Protocol>) -> Vec<Effect<Request, Event>> {
    let event = Event::Open {
        charge: new_charge(),
        pay,
    };
    flow.update(event, &Env::at(0))
}

#[test]
fn a_click_sends_one_create_and_a_second_click_waits_for_it() {
    let mut flow = OpenChargeFlow::default();
    assert_eq!(
        open(&mut flow, None),
        vec![Effect::Send(Request::Create(new_charge()))]
    );
    assert_eq!(flow.opening(), &Opening::Creating);
    assert!(flow.is_busy());
    assert_eq!(open(&mut flow, None), Vec::new());
}

#[test]
fn a_created_charge_keeps_the_servers_clock_and_itself_then_opens_its_page() {
    let mut flow = OpenChargeFlow::default();
    open(&mut flow, Some(bitcoin()));
    let effects = flow.update(
        created(Some(ServerClock::with_offset_ms(-4_000)), 10, 20),
        &Env::at(0),
    );
    assert_eq!(
        effects,
        vec![
            Effect::Shell(ShellEffect::Remember {
                place: Place::Tab,
                key: CLOCK_KEY,
                value: "-4000".into()
            }),
            Effect::Shell(ShellEffect::Remember {
                place: Place::Tab,
                key: LAST_CHARGE_KEY,
                value: "sD-R4Fc6e".into()
            }),
            Effect::Shell(ShellEffect::Navigate(
                "/crypto/sD-R4Fc6e?pay=bitcoin".into()
            )),
        ]
    );
    assert_eq!(flow.opening(), &Opening::Opened);
    assert!(flow.is_busy(), "no second charge while the page goes");
}

#[test]
fn without_a_readable_date_the_charges_own_stamp_sets_the_clock() {
    let mut flow = OpenChargeFlow::default();
    open(&mut flow, None);
    // The device is a minute behind: the request was in flight from 60 s to
    // 59.8 s before the server's stamp; the middle is the best guess.
    let sent = CREATED_AT_MS - 60_200;
    let effects = flow.update(created(None, sent, sent + 400), &Env::at(0));
    assert_eq!(
        effects[0],
        Effect::Shell(ShellEffect::Remember {
            place: Place::Tab,
            key: CLOCK_KEY,
            value: "60000".into()
        })
    );
    assert_eq!(
        effects[2],
        Effect::Shell(ShellEffect::Navigate("/crypto/sD-R4Fc6e".into()))
    );
}

#[test]
fn a_failed_create_is_shown_and_the_next_click_tries_again() {
    let mut flow = OpenChargeFlow::default();
    open(&mut flow, None);
    let refused = ApiError::Validation {
        field: "amount".into(),
        message: "amount must be positive".into(),
    };
    assert_eq!(
        flow.update(Event::Created(Err(refused.clone())), &Env::at(0)),
        Vec::new()
    );
    assert_eq!(flow.opening(), &Opening::Failed(refused));
    assert!(!flow.is_busy());
    assert_eq!(open(&mut flow, None).len(), 1, "a new create");
}

#[test]
fn an_answer_with_no_create_in_flight_changes_nothing() {
    let mut flow = OpenChargeFlow::default();
    assert_eq!(flow.update(created(None, 0, 0), &Env::at(0)), Vec::new());
    assert_eq!(flow.opening(), &Opening::Idle);
}

#[test]
fn a_new_quote_is_the_same_purchase_for_the_same_customer() {
    let old = charge();
    let new = requote_of(&old);
    assert_eq!(new.amount, old.amount);
    assert_eq!(new.currency, "USD");
    assert_eq!(new.description.as_deref(), Some("1 gift card - $150 USD"));
    assert_eq!(new.metadata, old.metadata);
    assert_eq!(
        new.customer,
        Some(CustomerRef::Id(
            "426f9526-0279-4438-826d-b38bc3b53973".into()
        ))
    );
}

#[test]
fn a_payment_page_names_its_currency_in_the_address_when_one_is_chosen() {
    assert_eq!(payment_path("sD-R4Fc6e", None), "/crypto/sD-R4Fc6e");
    assert_eq!(
        payment_path("sD-R4Fc6e", Some(&bitcoin())),
        "/crypto/sD-R4Fc6e?pay=bitcoin"
    );
}
