//! One crypto payment's page, driven through a simulated shell: a scripted
//! Bidali API and a clock that jumps to each wait's end.

use billing_core::api::Service;
use std::collections::VecDeque;

use billing_core::api::bidali::BidaliCharge;
use billing_core::api::ApiError;
use billing_core::domain::crypto::{BidaliChargeId, Protocol, Quote, StatusCode};
use billing_core::domain::crypto_checkout::NextStep;
use billing_core::domain::locale::Locale;
use billing_core::domain::polling::GiveUpReason;
use billing_core::flow::crypto_payment::{
    charge_verdict_in, paying, CryptoPaymentFlow, Event, QuoteState, Request, Watch,
};
use billing_core::flow::{Effect, Env, Machine, ShellEffect, PAUSED_RECHECK_MS};

const FULL: &str = include_str!("fixtures/bidali_charge_full.json");
const QUOTE: &str = include_str!("fixtures/bidali_quote.json");
const START_MS: u64 = 1_700_000_000_000;
const PENDING: u16 = 100;
const PROCESSING: u16 = 200;
const SUCCESS: u16 = 300;

fn charge(status_code: u16) -> BidaliCharge {
    let mut value: serde_json::Value = serde_json::from_str(FULL).expect("fixture");
    value["statusCode"] = status_code.into();
    serde_json::from_value(value).expect("a Bidali charge")
}

fn quote() -> Quote {
    serde_json::from_str(QUOTE).expect("a quote")
}

fn protocol(name: &str) -> Protocol {
    Protocol::parse(name).expect("a protocol")
}

fn http(status: u16, retry_after_secs: Option<u64>) -> ApiError {
    ApiError::Http {
        service: Service::Billing,
        status,
        body: None,
        snippet: None,
        retry_after_secs,
    }
}

struct Page {
    flow: CryptoPaymentFlow,
    /// Successive answers to reading the charge (the last one repeats).
    reads: VecDeque<Result<u16, ApiError>>,
    quote_answer: Result<Quote, ApiError>,
    env: Env,
    /// Answers the test delivers itself (a quote still in flight).
    held_quotes: Vec<Event>,
    hold_quotes: bool,
    sent: Vec<Request>,
    watches: Vec<Watch>,
    hidden_between: Option<(u64, u64)>,
    /// The page's address, when the flow replaced it.
    address: Option<String>,
}

impl Page {
    fn new(wanted: Option<&str>, reads: Vec<Result<u16, ApiError>>) -> Self {
        Self {
            flow: CryptoPaymentFlow::new(
                BidaliChargeId::parse("sD-R4Fc6e").expect("an id"),
                wanted.map(protocol),
            ),
            reads: reads.into(),
            quote_answer: Ok(quote()),
            env: Env::at(START_MS),
            held_quotes: Vec::new(),
            hold_quotes: false,
            sent: Vec::new(),
            watches: Vec::new(),
            hidden_between: None,
            address: None,
        }
    }

    fn reads_sent(&self) -> usize {
        self.sent
            .iter()
            .filter(|r| matches!(r, Request::GetCharge(_)))
            .count()
    }

    fn quotes_sent(&self) -> usize {
        self.sent.len() - self.reads_sent()
    }

    fn send(&mut self, event: Event) {
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            for effect in self.flow.update(event, &self.env.clone()) {
                match effect {
                    Effect::Send(request) => {
                        let answer = match &request {
                            Request::GetCharge(_) => {
                                let read = if self.reads.len() > 1 {
                                    self.reads.pop_front()
                                } else {
                                    self.reads.front().cloned()
                                };
                                Event::Read(read.expect("a scripted read").map(charge))
                            }
                            Request::GetQuote(protocol, _) => {
                                Event::QuoteRead(protocol.clone(), self.quote_answer.clone())
                            }
                        };
                        if self.hold_quotes && matches!(request, Request::GetQuote(..)) {
                            self.held_quotes.push(answer);
                        } else {
                            queue.push_back(answer);
                        }
                        self.sent.push(request);
                    }
                    Effect::After { ms, then } => {
                        assert!(self.env.now_ms < START_MS + 24 * 3_600_000, "never rests");
                        self.env.now_ms += ms;
                        self.env.visible = !self
                            .hidden_between
                            .is_some_and(|(from, to)| (from..to).contains(&self.env.now_ms));
                        queue.push_back(then);
                    }
                    Effect::Shell(ShellEffect::ReplaceAddress(path)) => self.address = Some(path),
                    other => panic!("a crypto payment never asks for {other:?}"),
                }
            }
            if self.watches.last() != Some(&self.flow.watch()) {
                self.watches.push(self.flow.watch());
            }
        }
    }
}

#[test]
fn a_paid_charge_is_read_once_and_not_watched() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.send(Event::Start);
    assert_eq!(page.flow.watch(), Watch::Done);
    assert_eq!(page.reads_sent(), 1);
}

#[test]
fn an_open_charge_is_followed_until_its_status_is_final() {
    let mut page = Page::new(
        None,
        vec![Ok(PENDING), Ok(PENDING), Ok(PROCESSING), Ok(SUCCESS)],
    );
    page.send(Event::Start);
    assert_eq!(page.flow.watch(), Watch::Done);
    assert_eq!(page.reads_sent(), 4);
    assert_eq!(
        page.flow.charge().map(|c| c.status_code.is_paid()),
        Some(true)
    );
}

#[test]
fn the_currency_in_the_address_has_its_quote_fetched_with_the_charge() {
    let mut page = Page::new(Some("ethereum"), vec![Ok(SUCCESS)]);
    page.send(Event::Start);
    assert!(matches!(page.flow.quote(), QuoteState::Ready(p, _) if p.as_str() == "ethereum"));
}

#[test]
fn a_currency_the_charge_does_not_offer_is_ignored() {
    let mut page = Page::new(Some("dogecoin"), vec![Ok(SUCCESS)]);
    page.send(Event::Start);
    assert_eq!(*page.flow.quote(), QuoteState::None);
    assert_eq!(page.quotes_sent(), 0);
}

#[test]
fn choosing_twice_while_a_quote_loads_sends_one_request() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.hold_quotes = true;
    page.send(Event::Start);
    page.send(Event::Choose(protocol("bitcoin")));
    page.send(Event::Choose(protocol("litecoin")));
    assert_eq!(page.quotes_sent(), 1);
    // The address names the currency being fetched, so a reload shows it.
    assert_eq!(
        page.address.as_deref(),
        Some("/crypto/sD-R4Fc6e?pay=bitcoin")
    );
    for answer in std::mem::take(&mut page.held_quotes) {
        page.send(answer);
    }
    assert!(matches!(page.flow.quote(), QuoteState::Ready(p, _) if p.as_str() == "bitcoin"));
}

#[test]
fn a_failed_quote_is_kept_with_its_currency_for_a_retry() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.quote_answer = Err(http(503, None));
    page.send(Event::Start);
    page.send(Event::Choose(protocol("bitcoin")));
    assert!(matches!(page.flow.quote(), QuoteState::Failed(p, _) if p.as_str() == "bitcoin"));
    page.quote_answer = Ok(quote());
    page.send(Event::Choose(protocol("bitcoin")));
    assert!(matches!(page.flow.quote(), QuoteState::Ready(..)));
}

#[test]
fn a_charge_that_cannot_be_read_shows_the_error_and_loads_again_on_start() {
    let mut page = Page::new(None, vec![Err(http(404, None)), Ok(SUCCESS)]);
    page.send(Event::Start);
    assert_eq!(page.flow.load_error().and_then(ApiError::status), Some(404));
    page.send(Event::Start);
    assert_eq!(page.flow.load_error(), None);
    assert_eq!(page.flow.watch(), Watch::Done);
}

#[test]
fn a_rate_limited_check_slows_down_as_asked() {
    let mut page = Page::new(
        None,
        vec![Ok(PENDING), Err(http(429, Some(30))), Ok(SUCCESS)],
    );
    page.send(Event::Start);
    assert!(page.watches.contains(&Watch::SlowedDown {
        next_check_secs: 30
    }));
    assert_eq!(page.flow.watch(), Watch::Done);
}

#[test]
fn refused_keys_give_up_instead_of_asking_for_a_sign_in() {
    let mut page = Page::new(None, vec![Ok(PENDING), Err(http(401, None))]);
    page.send(Event::Start);
    assert_eq!(
        page.flow.watch(),
        Watch::GaveUp(GiveUpReason::NotAuthorized)
    );
}

#[test]
fn a_charge_that_stays_open_is_given_up_at_the_deadline_and_can_be_watched_again() {
    let mut page = Page::new(None, vec![Ok(PENDING)]);
    page.send(Event::Start);
    assert_eq!(
        page.flow.watch(),
        Watch::GaveUp(GiveUpReason::StillProcessing)
    );
    // The quote lives 15 minutes; the watch outlasts it.
    assert!(page.env.now_ms - START_MS >= 30 * 60_000);
    let reads = page.reads_sent();
    page.reads = VecDeque::from([Ok(SUCCESS)]);
    page.send(Event::WatchAgain);
    assert_eq!(page.flow.watch(), Watch::Done);
    assert_eq!(page.reads_sent(), reads + 1);
}

#[test]
fn watch_again_does_nothing_while_the_checks_still_run() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.send(Event::Start);
    let reads = page.reads_sent();
    page.send(Event::WatchAgain);
    assert_eq!(page.reads_sent(), reads);
}

#[test]
fn a_hidden_tab_pauses_the_checks() {
    let mut page = Page::new(None, vec![Ok(PENDING), Ok(PENDING), Ok(SUCCESS)]);
    page.hidden_between = Some((START_MS + 1_000, START_MS + 1_000 + 20 * PAUSED_RECHECK_MS));
    page.send(Event::Start);
    assert!(page.watches.contains(&Watch::Paused));
    assert_eq!(page.flow.watch(), Watch::Done);
    assert_eq!(page.reads_sent(), 3, "no check while hidden");
}

#[test]
fn late_answers_change_nothing() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.send(Event::Start);
    page.send(Event::Woke);
    page.send(Event::Read(Ok(charge(PENDING))));
    page.send(Event::QuoteRead(protocol("bitcoin"), Ok(quote())));
    assert_eq!(page.flow.watch(), Watch::Done);
    assert_eq!(
        page.flow.charge().map(|c| c.status_code.is_paid()),
        Some(true)
    );
    assert_eq!(*page.flow.quote(), QuoteState::None);
}

#[test]
fn going_back_to_the_currencies_forgets_the_quote_but_not_while_it_loads() {
    let mut page = Page::new(None, vec![Ok(SUCCESS)]);
    page.hold_quotes = true;
    page.send(Event::Start);
    page.send(Event::Choose(protocol("bitcoin")));
    page.send(Event::Unchoose);
    assert!(matches!(page.flow.quote(), QuoteState::Loading(_)));
    for answer in std::mem::take(&mut page.held_quotes) {
        page.send(answer);
    }
    page.send(Event::Unchoose);
    assert_eq!(*page.flow.quote(), QuoteState::None);
}

// ---- What the page reads from the flow's state --------------------------------

/// The fixture's `expiresAt`, 2019-04-09T16:32:38.830Z.
const EXPIRES_AT_MS: i64 = 1_554_827_558_830;

fn with_ether(status_code: u16, balance: &str, outstanding: &str) -> BidaliCharge {
    let mut charge = charge(status_code);
    let payment = charge
        .payments
        .get_mut(&protocol("ethereum"))
        .expect("an ether payment");
    payment.balance = balance.parse().expect("an amount");
    payment.outstanding = outstanding.parse().expect("an amount");
    charge
}

#[test]
fn the_currency_paid_in_is_the_chosen_one_else_the_one_coins_arrived_in() {
    let bitcoin = protocol("bitcoin");
    let paid = charge(SUCCESS);
    for state in [
        QuoteState::Loading(bitcoin.clone()),
        QuoteState::Ready(bitcoin.clone(), quote()),
        QuoteState::Failed(
            bitcoin.clone(),
            ApiError::Timeout {
                service: Service::Billing,
            },
        ),
    ] {
        assert_eq!(paying(&state, Some(&paid)), Some(bitcoin.clone()));
    }
    // After a reload without `?pay=`: the fixture's coins are ether.
    assert_eq!(
        paying(&QuoteState::None, Some(&paid)),
        Some(protocol("ethereum"))
    );
    let mut unpaid = charge(PENDING);
    unpaid.payments.clear();
    assert_eq!(paying(&QuoteState::None, Some(&unpaid)), None);
    assert_eq!(paying(&QuoteState::None, None), None);
}

#[test]
fn the_verdict_reads_the_quotes_time_by_the_servers_clock() {
    let mut pending = charge(PENDING);
    pending.payments.clear();
    let bitcoin = protocol("bitcoin");
    let before = charge_verdict_in(&pending, Some(&bitcoin), EXPIRES_AT_MS - 1, Locale::En);
    assert_eq!(before.next, NextStep::Pay);
    // The status still says pending; the server's clock says the time is up.
    let after = charge_verdict_in(&pending, Some(&bitcoin), EXPIRES_AT_MS, Locale::En);
    assert_eq!(
        (after.next, after.title.as_str()),
        (NextStep::Requote, "Quote expired")
    );
}

#[test]
fn the_verdict_on_a_part_payment_names_the_coin_and_the_rest() {
    let part = with_ether(105, "0.5", "0.36392");
    let verdict = charge_verdict_in(
        &part,
        Some(&protocol("ethereum")),
        EXPIRES_AT_MS - 60_000,
        Locale::En,
    );
    assert_eq!(
        verdict.detail,
        "0.5 ETH arrived. Send 0.36392 ETH more to the same address to complete the payment."
    );
    assert_eq!(verdict.next, NextStep::Pay);
    // Without a currency, no progress: the status's own words.
    let unchosen = charge_verdict_in(&part, None, EXPIRES_AT_MS - 60_000, Locale::En);
    assert_eq!(unchosen.detail, StatusCode::UNDERPAID.description());
    let paid = charge_verdict_in(&charge(SUCCESS), None, EXPIRES_AT_MS, Locale::En);
    assert_eq!(paid.next, NextStep::Receipt);
}
