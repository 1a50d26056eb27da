//! Buying one catalog item, driven through a simulated shell: a scripted
//! Billing API, a browser that may block windows, and a clock. Each test is
//! one buyer's click and what it may and may not lead to; above all, never
//! a second charge from one purchase.

mod support;

use billing_core::api::Service;
use std::collections::VecDeque;

use billing_core::api::livechat::{NewDirectCharge, NewRecurrentCharge};
use billing_core::api::ApiError;
use billing_core::domain::charge::ChargeKind;
use billing_core::domain::crypto_checkout::ServerClock;
use billing_core::domain::money::Cents;
use billing_core::domain::return_url::{ConfirmationPolicy, UnsafeUrlError};
use billing_core::flow::purchase::{
    create_retry_is_safe, parse_quantity, Event, PendingCharge, PendingCharges, Phase, Problem,
    Product, PurchaseFlow, QuantityError, Request, Shop, Terms, MAX_QUANTITY,
};
use billing_core::flow::{Effect, Env, Machine, ShellEffect, WindowAnswer};
use support::{http, url};
use url::Url;

const NOW_MS: u64 = 1_700_000_000_000;
const RETURN_URL: &str = "https://widget.example.com/return";
const CONFIRM: &str = "https://my.livechatinc.com/billing/confirm/ch-1";
const MINUTE_MS: i64 = 60_000;

fn quantity_refused() -> ApiError {
    ApiError::Validation {
        field: "quantity".into(),
        message: "quantity must be at most 100".into(),
    }
}

fn starter_pack() -> Product {
    Product {
        name: "Starter pack".into(),
        price: Cents::new(1_500),
        terms: Terms::OneTime { per_account: true },
    }
}

fn pro_plan() -> Product {
    Product {
        name: "Pro plan".into(),
        price: Cents::new(2_900),
        terms: Terms::Subscription {
            months: 12,
            trial_days: 14,
            per_account: false,
        },
    }
}

/// A charge waiting for the buyer, stamped `minutes` after the click
/// (server time equal to device time unless a test says otherwise).
fn pending(name: &str, cents: i64, minutes: i64) -> PendingCharge {
    PendingCharge {
        id: format!("ch-{name}-{cents}-{minutes}"),
        name: name.into(),
        price: Cents::new(cents),
        created_at_ms: NOW_MS as i64 + minutes * MINUTE_MS,
        confirmation_url: format!("https://my.livechatinc.com/billing/confirm/{minutes}"),
    }
}

fn listed(charges: Vec<PendingCharge>) -> Result<PendingCharges, ApiError> {
    Ok(PendingCharges {
        charges,
        server_clock: None,
    })
}

/// The shell, simulated: performs the flow's effects until nothing is left.
struct Buyer {
    flow: PurchaseFlow,
    env: Env,
    /// Successive answers to creating a charge.
    creates: VecDeque<Result<String, ApiError>>,
    /// Successive answers to listing the pending charges.
    lists: VecDeque<Result<PendingCharges, ApiError>>,
    /// Answers the test delivers itself (a create still in flight).
    held: Vec<Event>,
    hold_creates: bool,
    windows_allowed: bool,
    window_open: bool,
    sent: Vec<Request>,
    /// Where the buyer was sent: this page (`Leave`) or the window.
    left_for: Option<Url>,
    window_at: Option<Url>,
    sign_in_requests: u32,
}

impl Buyer {
    fn new(product: Product, framed: bool) -> Self {
        let shop = Shop {
            return_url: RETURN_URL.into(),
            test: true,
            confirmation: ConfirmationPolicy {
                allowed_origins: vec!["https://my.livechatinc.com".into()],
                mock_origin: None,
            },
            framed,
        };
        Self {
            flow: PurchaseFlow::new(product, shop),
            env: Env::at(NOW_MS),
            creates: VecDeque::new(),
            lists: VecDeque::new(),
            held: Vec::new(),
            hold_creates: false,
            windows_allowed: true,
            window_open: false,
            sent: Vec::new(),
            left_for: None,
            window_at: None,
            sign_in_requests: 0,
        }
    }

    fn creating(mut self, answer: Result<&str, ApiError>) -> Self {
        self.creates.push_back(answer.map(str::to_owned));
        self
    }

    fn listing(mut self, answer: Result<PendingCharges, ApiError>) -> Self {
        self.lists.push_back(answer);
        self
    }

    fn creates_sent(&self) -> usize {
        self.sent
            .iter()
            .filter(|r| matches!(r, Request::CreateDirect(_) | Request::CreateRecurrent(_)))
            .count()
    }

    fn lists_sent(&self) -> usize {
        self.sent.len() - self.creates_sent()
    }

    fn phase(&self) -> &Phase {
        self.flow.phase()
    }

    fn problem(&self) -> &Problem {
        match self.phase() {
            Phase::Problem(problem) => problem,
            other => panic!("no problem shown, the phase is {other:?}"),
        }
    }

    fn click(&mut self, quantity: u32) {
        self.send(Event::Buy { quantity });
    }

    fn send(&mut self, event: Event) {
        let mut queue = VecDeque::from([event]);
        while let Some(event) = queue.pop_front() {
            for effect in self.flow.update(event, &self.env.clone()) {
                if let Some(answer) = self.perform(effect) {
                    queue.push_back(answer);
                }
            }
        }
    }

    fn perform(&mut self, effect: Effect<Request, Event>) -> Option<Event> {
        match effect {
            Effect::Send(request) => {
                let answer = match &request {
                    Request::CreateDirect(_) | Request::CreateRecurrent(_) => Event::Created(
                        self.creates
                            .pop_front()
                            .expect("the script has a create answer"),
                    ),
                    Request::ListPending(_) => Event::Listed(
                        self.lists
                            .pop_front()
                            .expect("the script has a list answer"),
                    ),
                };
                let hold = self.hold_creates && matches!(answer, Event::Created(_));
                self.sent.push(request);
                if hold {
                    self.held.push(answer);
                    None
                } else {
                    Some(answer)
                }
            }
            Effect::Shell(ShellEffect::OpenWindow { url }) => {
                if !self.windows_allowed {
                    return Some(Event::Window(WindowAnswer::Blocked));
                }
                self.window_open = true;
                self.window_at = url;
                Some(Event::Window(WindowAnswer::Opened))
            }
            Effect::Shell(ShellEffect::ShowInWindow(url)) => {
                assert!(self.window_open, "a window is shown only once opened");
                self.window_at = Some(url);
                None
            }
            Effect::Shell(ShellEffect::CloseWindow) => {
                self.window_open = false;
                self.window_at = None;
                None
            }
            Effect::Shell(ShellEffect::Leave(url)) => {
                self.left_for = Some(url);
                None
            }
            Effect::Shell(ShellEffect::SignInAgain) => {
                self.sign_in_requests += 1;
                None
            }
            other => panic!("buying never asks for {other:?}"),
        }
    }
}

#[test]
fn a_click_creates_one_charge_and_leaves_for_its_confirmation_page() {
    let mut buyer = Buyer::new(starter_pack(), false).creating(Ok(CONFIRM));
    buyer.click(3);

    let mut expected = NewDirectCharge::new("Starter pack", Cents::new(1_500), 3, RETURN_URL);
    expected.per_account = Some(true);
    expected.test = Some(true);
    assert_eq!(buyer.sent, vec![Request::CreateDirect(expected)]);
    assert_eq!(buyer.left_for, Some(url(CONFIRM)));
    // The button stays disabled while the page goes.
    assert_eq!(buyer.phase(), &Phase::Leaving);
    assert!(buyer.phase().is_busy());
}

#[test]
fn a_subscription_is_a_recurrent_charge_with_its_period_and_trial() {
    let mut buyer = Buyer::new(pro_plan(), false).creating(Ok(CONFIRM));
    buyer.click(7);

    let mut expected = NewRecurrentCharge::new("Pro plan", Cents::new(2_900), RETURN_URL);
    expected.months = Some(12);
    expected.trial_days = Some(14);
    expected.test = Some(true);
    assert_eq!(buyer.sent, vec![Request::CreateRecurrent(expected)]);
}

#[test]
fn a_second_click_while_the_first_create_is_in_flight_sends_nothing() {
    let mut buyer = Buyer::new(starter_pack(), false).creating(Ok(CONFIRM));
    buyer.hold_creates = true;
    buyer.click(1);
    buyer.click(1);
    buyer.send(Event::LookAgain);

    assert_eq!(buyer.creates_sent(), 1);
    assert_eq!(buyer.phase(), &Phase::Creating);
    let answer = buyer.held.pop().expect("the create's answer");
    buyer.send(answer);
    assert_eq!(buyer.left_for, Some(url(CONFIRM)));
}

#[test]
fn inside_a_frame_the_window_opened_by_the_click_goes_to_the_confirmation_page() {
    let mut buyer = Buyer::new(starter_pack(), true).creating(Ok(CONFIRM));
    buyer.click(1);

    assert_eq!(buyer.window_at, Some(url(CONFIRM)));
    assert_eq!(buyer.left_for, None, "the framed page stays");
    assert_eq!(
        buyer.phase(),
        &Phase::Away {
            url: url(CONFIRM),
            window_opened: true
        }
    );
    assert!(!buyer.phase().is_busy(), "the buyer may buy again");
}

#[test]
fn inside_a_frame_a_blocked_window_leaves_a_link_to_the_confirmation_page() {
    let mut buyer = Buyer::new(starter_pack(), true).creating(Ok(CONFIRM));
    buyer.windows_allowed = false;
    buyer.click(1);

    assert_eq!(
        buyer.phase(),
        &Phase::Away {
            url: url(CONFIRM),
            window_opened: false
        }
    );
    assert_eq!(buyer.left_for, None);
}

#[test]
fn a_confirmation_page_off_the_allow_list_is_never_followed() {
    let mut buyer =
        Buyer::new(starter_pack(), true).creating(Ok("https://livechat.example.net/pay"));
    buyer.click(1);

    assert!(matches!(
        buyer.problem(),
        Problem::UnsafeConfirmation(UnsafeUrlError::NotAllowed(_))
    ));
    assert_eq!(buyer.left_for, None);
    assert!(!buyer.window_open, "the click's window is closed");
}

#[test]
fn a_refusal_before_any_work_offers_a_plain_retry_and_others_do_not() {
    for (status, safe) in [(429, true), (503, true), (400, false), (403, false)] {
        let mut buyer = Buyer::new(starter_pack(), true).creating(Err(http(status)));
        buyer.click(1);
        assert_eq!(
            buyer.problem(),
            &Problem::Refused {
                error: http(status),
                retry_is_safe: safe
            },
            "status {status}"
        );
        assert_eq!(create_retry_is_safe(&http(status)), safe);
        assert_eq!(buyer.lists_sent(), 0, "a refusal needs no lookup");
        assert!(!buyer.window_open, "the click's window is closed");
    }
}

#[test]
fn a_refused_quantity_is_shown_at_its_field() {
    let mut buyer = Buyer::new(starter_pack(), false).creating(Err(quantity_refused()));
    buyer.click(1);
    assert_eq!(buyer.problem(), &Problem::Quantity(quantity_refused()));
}

#[test]
fn a_refused_token_asks_for_a_new_sign_in() {
    let mut buyer = Buyer::new(starter_pack(), false).creating(Err(http(401)));
    buyer.click(1);
    assert_eq!(buyer.sign_in_requests, 1);
    assert_eq!(buyer.creates_sent(), 1);
    assert_eq!(buyer.lists_sent(), 0);
}

#[test]
fn a_lost_answer_finds_the_charge_it_made_and_the_buyer_continues_to_it() {
    let made = pending("Starter pack", 1_500, 0);
    let mut buyer = Buyer::new(starter_pack(), false)
        .creating(Err(ApiError::Timeout {
            service: Service::Billing,
        }))
        .listing(listed(vec![
            pending("Starter pack", 1_500, -30),
            made.clone(),
            pending("Pro plan", 2_900, 0),
        ]));
    buyer.click(1);

    assert_eq!(buyer.sent[1], Request::ListPending(ChargeKind::Direct));
    assert_eq!(
        buyer.problem(),
        &Problem::Recovered(url(&made.confirmation_url))
    );
    buyer.send(Event::Continue);
    assert_eq!(buyer.left_for, Some(url(&made.confirmation_url)));
    assert_eq!(buyer.creates_sent(), 1, "never a second charge");
}

#[test]
fn a_lost_subscription_is_looked_for_among_the_subscriptions() {
    let mut buyer = Buyer::new(pro_plan(), false)
        .creating(Err(http(502)))
        .listing(listed(vec![pending("Pro plan", 2_900, 0)]));
    buyer.click(1);
    assert_eq!(buyer.sent[1], Request::ListPending(ChargeKind::Recurrent));
    assert!(matches!(buyer.problem(), Problem::Recovered(_)));
}

#[test]
fn when_no_charge_was_made_trying_again_creates_one() {
    let mut buyer = Buyer::new(starter_pack(), false)
        .creating(Err(ApiError::Timeout {
            service: Service::Billing,
        }))
        // Another price, and a charge older than the click: neither is it.
        .listing(listed(vec![
            pending("Starter pack", 1_400, 0),
            pending("Starter pack", 1_500, -30),
        ]))
        .creating(Ok(CONFIRM));
    buyer.click(1);
    assert_eq!(
        buyer.problem(),
        &Problem::NotCreated(ApiError::Timeout {
            service: Service::Billing
        })
    );

    buyer.click(1);
    assert_eq!(buyer.creates_sent(), 2);
    assert_eq!(buyer.left_for, Some(url(CONFIRM)));
}

#[test]
fn while_the_outcome_is_unknown_a_click_looks_again_instead_of_creating() {
    let made = pending("Starter pack", 1_500, 0);
    let mut buyer = Buyer::new(starter_pack(), false)
        .creating(Err(ApiError::Timeout {
            service: Service::Billing,
        }))
        .listing(Err(http(500)))
        .listing(listed(vec![made.clone()]));
    buyer.click(1);
    assert_eq!(
        buyer.problem(),
        &Problem::Unknown(ApiError::Timeout {
            service: Service::Billing
        })
    );
    assert!(buyer.phase().next_click_looks_again());

    // Even a Buy click: the flow never creates while it may have created.
    buyer.click(1);
    assert_eq!(buyer.creates_sent(), 1);
    assert_eq!(buyer.lists_sent(), 2);
    assert_eq!(
        buyer.problem(),
        &Problem::Recovered(url(&made.confirmation_url))
    );
}

#[test]
fn the_lost_charge_is_found_by_the_servers_clock_when_the_device_runs_fast() {
    // The device is 10 minutes ahead: the charge, stamped by the server at
    // the click, looks 10 minutes older than the click by the device.
    let made = pending("Starter pack", 1_500, -10);
    let fast_device = |clock| {
        Buyer::new(starter_pack(), false)
            .creating(Err(ApiError::Timeout {
                service: Service::Billing,
            }))
            .listing(Ok(PendingCharges {
                charges: vec![made.clone()],
                server_clock: clock,
            }))
    };

    let mut knows_the_server = fast_device(Some(ServerClock::with_offset_ms(-10 * MINUTE_MS)));
    knows_the_server.click(1);
    assert!(matches!(knows_the_server.problem(), Problem::Recovered(_)));

    let mut device_only = fast_device(None);
    device_only.click(1);
    assert!(matches!(device_only.problem(), Problem::NotCreated(_)));
}

#[test]
fn a_found_charge_with_an_unsafe_confirmation_page_is_not_offered() {
    let mut made = pending("Starter pack", 1_500, 0);
    made.confirmation_url = "javascript:alert(1)".into();
    let mut buyer = Buyer::new(starter_pack(), false)
        .creating(Err(ApiError::Timeout {
            service: Service::Billing,
        }))
        .listing(listed(vec![made]));
    buyer.click(1);
    assert!(matches!(buyer.problem(), Problem::UnsafeConfirmation(_)));
    buyer.send(Event::Continue);
    assert_eq!(buyer.left_for, None);
}

#[test]
fn inside_a_frame_continuing_opens_a_window_or_else_this_page_goes() {
    let made = pending("Starter pack", 1_500, 0);
    let found = url(&made.confirmation_url);
    for allowed in [true, false] {
        let mut buyer = Buyer::new(starter_pack(), true)
            .creating(Err(ApiError::Timeout {
                service: Service::Billing,
            }))
            .listing(listed(vec![made.clone()]));
        buyer.click(1);
        buyer.windows_allowed = allowed;
        buyer.send(Event::Continue);
        if allowed {
            assert_eq!(buyer.window_at, Some(found.clone()));
            assert_eq!(buyer.left_for, None);
        } else {
            assert_eq!(buyer.left_for, Some(found.clone()));
        }
    }
}

#[test]
fn a_late_create_answer_changes_nothing() {
    let mut buyer = Buyer::new(starter_pack(), false).creating(Err(http(429)));
    buyer.click(1);
    buyer.send(Event::Created(Ok(CONFIRM.into())));
    assert_eq!(buyer.left_for, None);
    assert!(matches!(buyer.problem(), Problem::Refused { .. }));
}

#[test]
fn the_quantity_is_a_whole_number_from_one_to_the_maximum() {
    assert_eq!(parse_quantity(" 3 "), Ok(3));
    assert_eq!(parse_quantity("100"), Ok(MAX_QUANTITY));
    for out_of_range in ["0", "101"] {
        assert_eq!(
            parse_quantity(out_of_range),
            Err(QuantityError::OutOfRange { max: MAX_QUANTITY })
        );
    }
    for not_whole in ["", "1.5", "-1", "two"] {
        assert_eq!(parse_quantity(not_whole), Err(QuantityError::NotWhole));
    }
}
