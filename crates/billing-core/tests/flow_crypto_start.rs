//! Opening a Bidali charge from the start form or as a new quote: one
//! request per click, the clock and the charge kept for its page, then off
//! to the page; and the start form's check, which builds the charge.

mod support;

use billing_core::api::bidali::{
    parse_charge, BidaliCharge, CustomerRef, NewBidaliCharge, NewCustomer,
};
use billing_core::api::Service;
use billing_core::api::{ApiError, HttpResponse};
use billing_core::domain::crypto::Protocol;
use billing_core::domain::crypto_checkout::ServerClock;
use billing_core::domain::locale::Locale;
use billing_core::domain::money::{Cents, ExactAmount, MoneyInputError, DEFAULT_MAX_CENTS};
use billing_core::flow::crypto_start::{
    offer_total, payment_path, refused_field, requote_of, start_currency, Created, Event, Offer,
    OpenChargeFlow, Opening, Request, StartField, StartForm, StartProblem, CLOCK_KEY,
    FIAT_CURRENCIES, LAST_CHARGE_KEY,
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

// ---- The start form ---------------------------------------------------------

fn offers() -> Vec<Offer> {
    vec![
        Offer {
            id: "pro".into(),
            name: "Pro add-on".into(),
            total: Cents::new(4_900),
        },
        Offer {
            id: "seats".into(),
            name: "Ten seats".into(),
            total: Cents::new(125_050),
        },
    ]
}

fn typed(amount: &str) -> StartForm {
    StartForm {
        amount: amount.into(),
        currency: "USD".into(),
        ..StartForm::default()
    }
}

fn problem_of(form: &StartForm) -> StartProblem {
    form.to_charge(Locale::En).expect_err("a refused form")
}

#[test]
fn an_offer_costs_its_price_times_the_fixed_quantity_and_none_when_livechat_counts() {
    assert_eq!(
        offer_total(Cents::new(1_999), 3, false),
        Some(Cents::new(5_997))
    );
    // A quantity of zero is one item, never a free one.
    assert_eq!(
        offer_total(Cents::new(1_999), 0, false),
        Some(Cents::new(1_999))
    );
    assert_eq!(offer_total(Cents::new(1_999), 3, true), None, "per agent");
    assert_eq!(
        offer_total(Cents::new(i64::MAX), 2, false),
        None,
        "overflow"
    );
}

#[test]
fn the_form_starts_with_the_first_offer_in_a_currency_bidali_prices_in() {
    let form = StartForm::new(&offers(), "EUR", Locale::En);
    assert_eq!(form.offer, "pro");
    assert_eq!(form.amount, "49.00");
    assert_eq!(form.description, "Pro add-on");
    assert_eq!(form.currency, "EUR");
    // Bidali does not price in PLN: the first currency offered instead,
    // and the amount is written the Polish way.
    let form = StartForm::new(&offers(), "PLN", Locale::Pl);
    assert_eq!(form.currency, FIAT_CURRENCIES[0]);
    assert_eq!(form.amount, "49,00");
    assert_eq!(start_currency("CAD"), "CAD");
    // Without offers, another amount.
    let form = StartForm::new(&[], "USD", Locale::En);
    assert_eq!((form.offer.as_str(), form.amount.as_str()), ("", ""));
}

#[test]
fn choosing_an_offer_fills_the_amount_and_typing_one_drops_the_offer() {
    let list = offers();
    let mut form = StartForm::new(&list, "USD", Locale::En);
    form.choose_offer("seats", &list, Locale::En);
    assert_eq!(
        (
            form.offer.as_str(),
            form.amount.as_str(),
            form.description.as_str()
        ),
        ("seats", "1250.50", "Ten seats")
    );
    // "Another amount" keeps what is there, to be changed.
    form.choose_offer("", &list, Locale::En);
    assert_eq!((form.offer.as_str(), form.amount.as_str()), ("", "1250.50"));
    form.choose_offer("pro", &list, Locale::En);
    form.type_amount("12".into());
    assert_eq!((form.offer.as_str(), form.amount.as_str()), ("", "12"));
    let charge = form.to_charge(Locale::En).expect("a charge");
    assert_eq!(charge.metadata, None, "a typed amount names no item");
}

#[test]
fn the_agent_apps_customer_fills_only_empty_buyer_fields() {
    let mut form = typed("5");
    form.prefill_buyer("ana@example.com".into(), Some("Ana".into()), None);
    assert_eq!(
        (
            form.email.as_str(),
            form.first_name.as_str(),
            form.last_name.as_str()
        ),
        ("ana@example.com", "Ana", "")
    );
    let mut form = typed("5");
    form.last_name = "Kowalska".into();
    form.prefill_buyer("ana@example.com".into(), Some("Ana".into()), None);
    assert_eq!(
        form.email, "",
        "what the buyer typed stays, with nothing added"
    );
}

#[test]
fn a_checked_form_is_the_charge_to_create() {
    let mut form = StartForm::new(&offers(), "USD", Locale::En);
    form.currency = " eur ".into();
    form.description = "  Pro add-on  ".into();
    form.email = " ana@example.com ".into();
    form.first_name = "Ana".into();
    let charge = form.to_charge(Locale::En).expect("a charge");
    assert_eq!(charge.amount, ExactAmount::parse("49.00").unwrap());
    assert_eq!(charge.currency, "EUR");
    assert_eq!(charge.description.as_deref(), Some("Pro add-on"));
    assert_eq!(
        charge.customer,
        Some(CustomerRef::New(NewCustomer {
            email: "ana@example.com".into(),
            first_name: Some("Ana".into()),
            last_name: None,
        }))
    );
    let metadata = charge.metadata.expect("the offer as metadata");
    assert_eq!(metadata.get("item"), Some(&serde_json::json!("pro")));

    // No email, no customer; a Polish amount with a comma.
    let charge = typed("12,50").to_charge(Locale::Pl).expect("a charge");
    assert_eq!(charge.amount, ExactAmount::parse("12.50").unwrap());
    assert_eq!((charge.customer, charge.description), (None, None));
}

#[test]
fn an_unreadable_amount_is_refused_at_the_amount_with_the_money_reason() {
    for (typed_amount, reason) in [
        ("12.345", MoneyInputError::TooManyDecimals { max: 2 }),
        ("0", MoneyInputError::Zero),
        ("", MoneyInputError::Empty),
        (
            "1000000.01",
            MoneyInputError::AboveMaximum {
                max: DEFAULT_MAX_CENTS,
            },
        ),
    ] {
        let problem = problem_of(&typed(typed_amount));
        assert_eq!(
            problem,
            StartProblem::AmountUnreadable(reason),
            "{typed_amount:?}"
        );
        assert_eq!(problem.field(), StartField::Amount);
    }
}

#[test]
fn each_field_the_charges_check_refuses_is_named_with_its_reason() {
    let with = |change: fn(&mut StartForm)| {
        let mut form = typed("5");
        change(&mut form);
        problem_of(&form)
    };
    let cases = [
        (
            with(|f| f.first_name = "Ana".into()),
            StartField::Email,
            StartProblem::EmailNeeded,
        ),
        (
            with(|f| f.last_name = "Nowak".into()),
            StartField::Email,
            StartProblem::EmailNeeded,
        ),
        (
            with(|f| f.email = "not-an-email".into()),
            StartField::Email,
            StartProblem::EmailInvalid,
        ),
        (
            with(|f| f.currency = "US".into()),
            StartField::Currency,
            StartProblem::CurrencyNotACode,
        ),
        (
            with(|f| f.description = "x".repeat(501)),
            StartField::Description,
            StartProblem::DescriptionTooLong { max: 500 },
        ),
        (
            with(|f| {
                f.email = "a@example.com".into();
                f.first_name = "x".repeat(101);
            }),
            StartField::FirstName,
            StartProblem::NameTooLong {
                field: StartField::FirstName,
                max: 100,
            },
        ),
        (
            with(|f| {
                f.email = "a@example.com".into();
                f.last_name = "a\u{7}b".into();
            }),
            StartField::LastName,
            StartProblem::NameTooLong {
                field: StartField::LastName,
                max: 100,
            },
        ),
    ];
    for (problem, field, expected) in cases {
        assert_eq!(problem, expected);
        assert_eq!(problem.field(), field, "{problem:?}");
    }
}

#[test]
fn a_check_refusal_the_form_cannot_place_is_said_at_the_amount() {
    let refused = |field: &str| {
        StartProblem::of_check(ApiError::Validation {
            field: field.into(),
            message: "must be more than zero".into(),
        })
    };
    let expected = StartProblem::AmountRefused {
        problem: "must be more than zero".into(),
    };
    assert_eq!(refused("amount"), expected);
    assert_eq!(refused("customer.id"), expected, "a field the form lacks");
    let odd = StartProblem::of_check(ApiError::Timeout {
        service: Service::Billing,
    });
    assert_eq!(
        odd,
        StartProblem::Unchecked(ApiError::Timeout {
            service: Service::Billing
        })
    );
    assert_eq!(odd.field(), StartField::Amount);
}

#[test]
fn bidalis_refusal_of_a_field_is_placed_at_that_field() {
    // Bidali's (Feathers') error body.
    let refusal = |message: &str| {
        let body = format!(r#"{{"name":"BadRequest","message":"{message}","code":400}}"#);
        parse_charge(&HttpResponse::new(400, body)).unwrap_err()
    };
    assert_eq!(
        refused_field(&refusal("amount is below the minimum of 5.00")),
        Some(StartField::Amount)
    );
    assert_eq!(
        refused_field(&refusal("email is not valid")),
        Some(StartField::Email)
    );
    assert_eq!(
        refused_field(&refusal("description is too long")),
        Some(StartField::Description)
    );
    assert_eq!(refused_field(&refusal("something went wrong")), None);
    assert_eq!(refused_field(&support::http(500)), None);
    // The form's own check names `customer.email`, already passed before
    // anything is sent: it is no refusal of Bidali's.
    let own = ApiError::Validation {
        field: "customer.email".into(),
        message: "must be an email address".into(),
    };
    assert_eq!(refused_field(&own), None);
}

#[test]
fn the_fields_carry_the_names_the_charges_check_uses() {
    let names: Vec<&str> = StartField::ALL.iter().map(|f| f.api_name()).collect();
    assert_eq!(
        names,
        [
            "amount",
            "currency",
            "description",
            "customer.email",
            "customer.firstName",
            "customer.lastName"
        ]
    );
}
