//! Opening a Bidali charge, from the start form (`/crypto`) or as a new
//! quote on the payment page, as a state machine; and the start form
//! itself, checked into the charge to create before anything is sent.
//!
//! The flow creates the charge, keeps what its page needs in this tab (the
//! server's clock, for servers whose `Date` a page cannot read, and the
//! charge as the one to resume) and goes to its page. Creating a Bidali
//! charge moves no money (the buyer pays by sending coins), so a failed
//! create may simply be tried again; one click still sends one request.
//!
//! The form is here rather than in `domain` because what it builds is the
//! API's request body ([`NewBidaliCharge`]), and `domain` names no API.

use crate::api::bidali::{
    BidaliCharge, CustomerRef, NewBidaliCharge, NewCustomer, MAX_DESCRIPTION_LEN,
    MAX_PERSON_NAME_LEN,
};
use crate::api::ApiError;
use crate::domain::crypto::Protocol;
use crate::domain::crypto_checkout::ServerClock;
use crate::domain::locale::Locale;
use crate::domain::money::{parse_fiat_amount_in, Cents, MoneyInputError, DEFAULT_MAX_CENTS};

use super::{Effect, Env, Machine, Place, ShellAnswer, ShellEffect};

/// The start page's route.
pub const START_PATH: &str = "/crypto";
/// sessionStorage: the charge this tab last started, to resume it.
pub const LAST_CHARGE_KEY: &str = "billing-widget.crypto.last";
/// sessionStorage: the server clock offset learnt when the charge was
/// created, for servers whose `Date` a page cannot read.
pub const CLOCK_KEY: &str = "billing-widget.crypto.clock-offset";

/// A charge's payment page, paying in `pay` when given.
pub fn payment_path(id: &str, pay: Option<&Protocol>) -> String {
    match pay {
        Some(protocol) => format!("{START_PATH}/{id}?pay={protocol}"),
        None => format!("{START_PATH}/{id}"),
    }
}

/// A new quote for `old`: the same purchase as a new charge, at today's
/// rate (the same amount, currency, description, metadata and customer).
pub fn requote_of(old: &BidaliCharge) -> NewBidaliCharge {
    let mut charge = NewBidaliCharge::new(old.amount, old.currency.clone());
    charge.description = old.description.clone();
    charge.metadata = old.metadata.clone();
    charge.customer = old.customer.as_ref().map(|c| CustomerRef::Id(c.id.clone()));
    charge
}

// ---------------------------------------------------------------------------
// The start form
// ---------------------------------------------------------------------------

/// Fiat currencies the start form offers (Bidali prices in these).
pub const FIAT_CURRENCIES: [&str; 4] = ["USD", "EUR", "GBP", "CAD"];

/// The form's currency at first: the shop's when Bidali prices in it, else
/// the first one offered.
pub fn start_currency(shop_currency: &str) -> String {
    if FIAT_CURRENCIES.contains(&shop_currency) {
        shop_currency.to_owned()
    } else {
        FIAT_CURRENCIES[0].to_owned()
    }
}

/// A catalog item that can be paid once in crypto, for the total the
/// seller fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: String,
    pub name: String,
    pub total: Cents,
}

/// What a one-time catalog item costs paid in crypto: its price times the
/// quantity the seller fixed (at least one). `None` when LiveChat sets the
/// quantity (per agent), which a Bidali charge cannot follow, or when the
/// total is too large to count.
pub fn offer_total(price: Cents, quantity: u32, per_account: bool) -> Option<Cents> {
    if per_account {
        return None;
    }
    price.checked_mul(u64::from(quantity.max(1)))
}

/// A field of the start form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartField {
    Amount,
    Currency,
    Description,
    Email,
    FirstName,
    LastName,
}

impl StartField {
    pub const ALL: [StartField; 6] = [
        Self::Amount,
        Self::Currency,
        Self::Description,
        Self::Email,
        Self::FirstName,
        Self::LastName,
    ];

    /// The name the charge's own check uses (`customer.email`).
    pub const fn api_name(self) -> &'static str {
        match self {
            Self::Amount => "amount",
            Self::Currency => "currency",
            Self::Description => "description",
            Self::Email => "customer.email",
            Self::FirstName => "customer.firstName",
            Self::LastName => "customer.lastName",
        }
    }

    fn from_api_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.api_name() == name)
    }
}

/// Why the start form cannot become a charge; each names its field
/// ([`StartProblem::field`]), the page words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartProblem {
    /// The amount as typed is not an amount.
    AmountUnreadable(MoneyInputError),
    /// The charge's own check refused the amount, or a field the form does
    /// not have (said at the amount), in the check's English words
    /// (`must be more than zero`).
    AmountRefused {
        problem: String,
    },
    /// Not a three-letter code such as USD.
    CurrencyNotACode,
    DescriptionTooLong {
        max: usize,
    },
    /// A name without an email: Bidali keeps a customer by their email.
    EmailNeeded,
    EmailInvalid,
    /// The first or last name is too long, or has control characters.
    NameTooLong {
        field: StartField,
        max: usize,
    },
    /// The check failed in a way it never does; said at the amount, so no
    /// failure goes unsaid.
    Unchecked(ApiError),
}

impl StartProblem {
    /// The field the problem is shown at.
    pub fn field(&self) -> StartField {
        match self {
            Self::AmountUnreadable(_) | Self::AmountRefused { .. } | Self::Unchecked(_) => {
                StartField::Amount
            }
            Self::CurrencyNotACode => StartField::Currency,
            Self::DescriptionTooLong { .. } => StartField::Description,
            Self::EmailNeeded | Self::EmailInvalid => StartField::Email,
            Self::NameTooLong { field, .. } => *field,
        }
    }

    /// What a refusal of [`NewBidaliCharge::validate`] means for the form.
    pub fn of_check(error: ApiError) -> Self {
        let (field, problem) = match error {
            ApiError::Validation { field, message } => (field, message),
            other => return Self::Unchecked(other),
        };
        match StartField::from_api_name(&field) {
            Some(StartField::Currency) => Self::CurrencyNotACode,
            Some(StartField::Description) => Self::DescriptionTooLong {
                max: MAX_DESCRIPTION_LEN,
            },
            Some(StartField::Email) => Self::EmailInvalid,
            Some(field @ (StartField::FirstName | StartField::LastName)) => Self::NameTooLong {
                field,
                max: MAX_PERSON_NAME_LEN,
            },
            Some(StartField::Amount) | None => Self::AmountRefused { problem },
        }
    }
}

/// The start form's field a refusal from Bidali names (by Bidali's own
/// names: `email`), if the form has it; the refusal is then said there.
pub fn refused_field(error: &ApiError) -> Option<StartField> {
    match error.field_at_fault()?.as_str() {
        "amount" => Some(StartField::Amount),
        "description" => Some(StartField::Description),
        "email" => Some(StartField::Email),
        _ => None,
    }
}

/// The start form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartForm {
    /// The chosen offer's id; empty for another amount.
    pub offer: String,
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl StartForm {
    /// The form as the page first shows it: the first offer chosen, in the
    /// shop's currency when Bidali prices in it.
    pub fn new(offers: &[Offer], shop_currency: &str, locale: Locale) -> Self {
        let mut form = Self {
            currency: start_currency(shop_currency),
            ..Self::default()
        };
        if let Some(first) = offers.first() {
            form.choose_offer(&first.id, offers, locale);
        }
        form
    }

    /// The buyer picks offer `id` (empty: another amount); a known offer's
    /// total and name fill the amount and the description.
    pub fn choose_offer(&mut self, id: &str, offers: &[Offer], locale: Locale) {
        self.offer = id.to_owned();
        if let Some(offer) = offers.iter().find(|offer| offer.id == id) {
            self.amount = offer.total.to_input_string(locale);
            self.description = offer.name.clone();
        }
    }

    /// The buyer types an amount: it is no longer the offer's, so the
    /// charge names no item.
    pub fn type_amount(&mut self, amount: String) {
        self.amount = amount;
        self.offer.clear();
    }

    /// The customer selected in the Agent App fills the buyer's fields, but
    /// only while all three are empty: what the buyer typed stays.
    pub fn prefill_buyer(&mut self, email: String, first: Option<String>, last: Option<String>) {
        if self.email.trim().is_empty()
            && self.first_name.trim().is_empty()
            && self.last_name.trim().is_empty()
        {
            self.email = email;
            self.first_name = first.unwrap_or_default();
            self.last_name = last.unwrap_or_default();
        }
    }

    /// The charge to create, with the amount read the way `locale` writes
    /// it, or the problem and its field. Nothing is sent until this passes.
    pub fn to_charge(&self, locale: Locale) -> Result<NewBidaliCharge, StartProblem> {
        let amount = parse_fiat_amount_in(&self.amount, DEFAULT_MAX_CENTS, locale)
            .map_err(StartProblem::AmountUnreadable)?;
        let mut charge = NewBidaliCharge::new(amount, self.currency.trim().to_ascii_uppercase());
        charge.description = optional(&self.description);
        let (email, first, last) = (
            optional(&self.email),
            optional(&self.first_name),
            optional(&self.last_name),
        );
        charge.customer = match email {
            Some(email) => Some(CustomerRef::New(NewCustomer {
                email,
                first_name: first,
                last_name: last,
            })),
            None if first.is_some() || last.is_some() => return Err(StartProblem::EmailNeeded),
            None => None,
        };
        if !self.offer.is_empty() {
            let mut metadata = serde_json::Map::new();
            metadata.insert("item".to_owned(), self.offer.clone().into());
            charge.metadata = Some(metadata);
        }
        charge.validate().map_err(StartProblem::of_check)?;
        Ok(charge)
    }
}

// ---------------------------------------------------------------------------
// Opening the charge
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Answered with [`Event::Created`].
    Create(NewBidaliCharge),
}

/// A created charge, with what the shell saw of the clocks around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub charge: BidaliCharge,
    /// Device time the request left and the answer arrived.
    pub sent_ms: i64,
    pub received_ms: i64,
    /// The server's clock, when the answer's `Date` told it.
    pub server_clock: Option<ServerClock>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The buyer asks for the charge; its page pays in `pay` when given.
    Open {
        charge: NewBidaliCharge,
        pay: Option<Protocol>,
    },
    Created(Result<Box<Created>, ApiError>),
    /// An answer this flow never asks for.
    Unasked(ShellAnswer),
}

impl From<ShellAnswer> for Event {
    fn from(answer: ShellAnswer) -> Self {
        Self::Unasked(answer)
    }
}

pub type OpenEffect = Effect<Request, Event>;

#[derive(Debug, Clone, PartialEq)]
pub enum Opening {
    Idle,
    Creating,
    /// Created: on the way to its page.
    Opened,
    /// The create failed; a new click tries again.
    Failed(ApiError),
}

#[derive(Debug, Clone)]
pub struct OpenChargeFlow {
    opening: Opening,
    pay: Option<Protocol>,
}

impl Default for OpenChargeFlow {
    fn default() -> Self {
        Self {
            opening: Opening::Idle,
            pay: None,
        }
    }
}

impl OpenChargeFlow {
    pub fn opening(&self) -> &Opening {
        &self.opening
    }

    /// A click would do nothing now.
    pub fn is_busy(&self) -> bool {
        matches!(self.opening, Opening::Creating | Opening::Opened)
    }
}

impl Machine for OpenChargeFlow {
    type Event = Event;
    type Request = Request;

    fn update(&mut self, event: Event, _env: &Env) -> Vec<OpenEffect> {
        match event {
            Event::Open { charge, pay } if !self.is_busy() => {
                self.opening = Opening::Creating;
                self.pay = pay;
                vec![Effect::Send(Request::Create(charge))]
            }
            Event::Created(answer) if self.opening == Opening::Creating => match answer {
                Ok(created) => {
                    let Created {
                        charge,
                        sent_ms,
                        received_ms,
                        server_clock,
                    } = *created;
                    // No readable `Date`: the charge's own stamp, made while
                    // the request was in flight, tells the server's time.
                    let clock = server_clock.unwrap_or_else(|| {
                        ServerClock::from_sample(
                            charge.created_at.unix_millis(),
                            sent_ms,
                            received_ms,
                        )
                    });
                    self.opening = Opening::Opened;
                    let id = charge.id.as_str();
                    vec![
                        Effect::Shell(ShellEffect::Remember {
                            place: Place::Tab,
                            key: CLOCK_KEY,
                            value: clock.offset_ms().to_string(),
                        }),
                        Effect::Shell(ShellEffect::Remember {
                            place: Place::Tab,
                            key: LAST_CHARGE_KEY,
                            value: id.to_owned(),
                        }),
                        Effect::Shell(ShellEffect::Navigate(payment_path(id, self.pay.as_ref()))),
                    ]
                }
                Err(error) => {
                    self.opening = Opening::Failed(error);
                    Vec::new()
                }
            },
            // A second click while creating, or a late answer.
            _ => Vec::new(),
        }
    }
}
