//! Bidali crypto charges: status codes and their ranges, quotes, currency
//! metadata and payment URIs (BIP21, EIP-681).

use super::locale::{pick_polish, polish_quoted, Locale};
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::charge::typed_id;
use super::money::{ExactAmount, UnitsError};

typed_id!(
    /// Id of a Bidali charge (`sD-R4Fc6e`).
    BidaliChargeId
);
typed_id!(
    /// Id of a quote (`GET /quotes/:id` creates its address).
    QuoteId
);

/// A Bidali `statusCode`. The number is the truth: the `status` string next
/// to it is not (the seed's fresh charge says `"success"` with code 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StatusCode(u16);

/// The meaning of a status code's hundreds digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusCategory {
    /// 1xx: waiting for payment, or only part of it arrived.
    Pending,
    /// 2xx: payment seen, confirming on the blockchain.
    Processing,
    /// 300, 310 and 320: paid. Another 3xx is, by the documented range,
    /// a success too, but one this widget cannot describe: it is shown as
    /// unknown and never as paid, and polled until it becomes one it knows
    /// or the polling deadline.
    Paid,
    /// 4xx: failed (expired, late, refunded, under review).
    Failed,
    /// 5xx: the provider reported an error.
    Error,
    /// Outside 100..600, or a 3xx code without a name.
    Unknown,
}

impl StatusCode {
    pub const PENDING: StatusCode = StatusCode(100);
    pub const UNDERPAID: StatusCode = StatusCode(105);
    pub const PROCESSING: StatusCode = StatusCode(200);
    pub const SUCCESS: StatusCode = StatusCode(300);
    pub const OVERPAID: StatusCode = StatusCode(310);
    pub const RESOLVED: StatusCode = StatusCode(320);
    pub const FAILURE: StatusCode = StatusCode(400);
    /// Older documentation: underpaid when the charge expired.
    pub const UNDERPAID_EXPIRED: StatusCode = StatusCode(405);
    pub const TIMEOUT: StatusCode = StatusCode(410);
    pub const UNSETTLED: StatusCode = StatusCode(415);
    /// Overpaid, held for manual review.
    pub const REVIEW: StatusCode = StatusCode(417);
    pub const LATE: StatusCode = StatusCode(420);
    pub const REFUNDED: StatusCode = StatusCode(450);
    pub const ERROR: StatusCode = StatusCode(500);

    /// Every code with a name, for the mock and for documentation.
    pub const NAMED: [StatusCode; 14] = [
        Self::PENDING,
        Self::UNDERPAID,
        Self::PROCESSING,
        Self::SUCCESS,
        Self::OVERPAID,
        Self::RESOLVED,
        Self::FAILURE,
        Self::UNDERPAID_EXPIRED,
        Self::TIMEOUT,
        Self::UNSETTLED,
        Self::REVIEW,
        Self::LATE,
        Self::REFUNDED,
        Self::ERROR,
    ];

    pub const fn new(code: u16) -> Self {
        Self(code)
    }

    pub const fn get(self) -> u16 {
        self.0
    }

    /// By range, so a code added later still lands in the right group,
    /// except that only the named successes count as paid.
    pub const fn category(self) -> StatusCategory {
        match self.0 {
            100..=199 => StatusCategory::Pending,
            200..=299 => StatusCategory::Processing,
            300 | 310 | 320 => StatusCategory::Paid,
            300..=399 => StatusCategory::Unknown,
            400..=499 => StatusCategory::Failed,
            500..=599 => StatusCategory::Error,
            _ => StatusCategory::Unknown,
        }
    }

    /// Only 300 (success), 310 (overpaid) and 320 (resolved) are paid.
    pub const fn is_paid(self) -> bool {
        matches!(self.category(), StatusCategory::Paid)
    }

    /// Paid, failed or errored: polling stops.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self.category(),
            StatusCategory::Paid | StatusCategory::Failed | StatusCategory::Error
        )
    }

    /// Pending and processing change on their own; unknown codes may too
    /// (the polling deadline bounds them).
    pub const fn should_poll(self) -> bool {
        !self.is_terminal()
    }

    /// The quote's time left matters: while the charge waits for payment,
    /// and once it timed out (the time then reads 0:00).
    pub const fn has_time_left(self) -> bool {
        matches!(self.category(), StatusCategory::Pending) || self.0 == Self::TIMEOUT.0
    }

    /// The API's name for a known code (`underpaid`), as in the seed.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            100 => "pending",
            105 => "underpaid",
            200 => "processing",
            300 => "success",
            310 => "overpaid",
            320 => "resolved",
            400 => "failure",
            405 => "underpaid",
            410 => "timeout",
            415 => "unsettled",
            417 => "review",
            420 => "late",
            450 => "refunded",
            500 => "error",
            _ => return None,
        })
    }

    /// The current code for a status name; `underpaid` is 105 (the old 405
    /// shared its name).
    pub fn from_name(name: &str) -> Option<StatusCode> {
        Self::NAMED
            .into_iter()
            .find(|code| code.name() == Some(name))
    }

    /// Short text for a badge.
    pub const fn label(self) -> &'static str {
        match self.0 {
            100 => "Waiting for payment",
            105 => "Partially paid",
            200 => "Confirming payment",
            300 => "Paid",
            310 => "Paid (overpaid)",
            320 => "Paid (resolved)",
            400 => "Payment failed",
            405 => "Underpaid",
            410 => "Expired",
            415 => "Unsettled",
            417 => "Under review",
            420 => "Paid too late",
            450 => "Refunded",
            500 => "Payment error",
            _ => match self.category() {
                StatusCategory::Pending => "Waiting for payment",
                StatusCategory::Processing => "Confirming payment",
                StatusCategory::Paid => "Paid",
                StatusCategory::Failed => "Payment failed",
                StatusCategory::Error => "Payment error",
                StatusCategory::Unknown => "Status unknown",
            },
        }
    }

    /// One sentence telling the buyer where they stand.
    pub const fn description(self) -> &'static str {
        match self.0 {
            100 => "Send the exact amount shown to the address below.",
            105 => "Part of the payment arrived. Send the remaining amount to complete it.",
            200 => "Your payment was seen on the network and is being confirmed.",
            300 => "Your payment is complete.",
            310 => "Your payment is complete. You sent more than required.",
            320 => "A problem with this payment was resolved and it is now complete.",
            400 => "The payment could not be completed.",
            405 => "The time ran out before the full amount arrived.",
            410 => "The time ran out before any payment arrived.",
            415 => "The payment could not be settled. Please contact support.",
            417 => "You sent more than required; the payment is being reviewed by hand.",
            420 => "The payment arrived after the quote expired.",
            450 => "The payment was refunded.",
            500 => "The payment provider reported an error. Please try again later.",
            _ => match self.category() {
                StatusCategory::Pending => "The payment is waiting for funds.",
                StatusCategory::Processing => "The payment is being confirmed.",
                StatusCategory::Paid => "Your payment is complete.",
                StatusCategory::Failed => "The payment did not go through.",
                StatusCategory::Error => "The payment provider reported an error.",
                StatusCategory::Unknown => "The payment status is not known yet.",
            },
        }
    }
}

impl StatusCode {
    /// [`Self::label`] in `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        if locale == Locale::En {
            return self.label();
        }
        match self.0 {
            100 => "Oczekuje na płatność",
            105 => "Częściowo opłacona",
            200 => "Potwierdzanie płatności",
            300 => "Opłacona",
            310 => "Opłacona (nadpłata)",
            320 => "Opłacona (wyjaśniona)",
            400 => "Płatność nieudana",
            405 => "Niedopłata",
            410 => "Wygasła",
            415 => "Nierozliczona",
            417 => "W weryfikacji",
            420 => "Opłacona za późno",
            450 => "Zwrócona",
            500 => "Błąd płatności",
            _ => match self.category() {
                StatusCategory::Pending => "Oczekuje na płatność",
                StatusCategory::Processing => "Potwierdzanie płatności",
                StatusCategory::Paid => "Opłacona",
                StatusCategory::Failed => "Płatność nieudana",
                StatusCategory::Error => "Błąd płatności",
                StatusCategory::Unknown => "Nieznany status",
            },
        }
    }

    /// [`Self::description`] in `locale`.
    pub fn description_in(self, locale: Locale) -> &'static str {
        if locale == Locale::En {
            return self.description();
        }
        match self.0 {
            100 => "Wyślij dokładnie podaną kwotę na adres poniżej.",
            105 => "Dotarła część płatności. Wyślij pozostałą kwotę, aby ją dokończyć.",
            200 => "Twoja płatność pojawiła się w sieci i jest potwierdzana.",
            300 => "Płatność zakończona.",
            310 => "Płatność zakończona. Wysłano więcej, niż było trzeba.",
            320 => "Problem z tą płatnością został wyjaśniony i jest ona zakończona.",
            400 => "Nie udało się zrealizować płatności.",
            405 => "Czas minął, zanim dotarła pełna kwota.",
            410 => "Czas minął, zanim dotarła jakakolwiek płatność.",
            415 => "Nie udało się rozliczyć płatności. Skontaktuj się z pomocą techniczną.",
            417 => "Wysłano więcej, niż było trzeba; płatność jest sprawdzana ręcznie.",
            420 => "Płatność dotarła po wygaśnięciu wyceny.",
            450 => "Płatność została zwrócona.",
            500 => "Operator płatności zgłosił błąd. Spróbuj ponownie później.",
            _ => match self.category() {
                StatusCategory::Pending => "Płatność czeka na środki.",
                StatusCategory::Processing => "Płatność jest potwierdzana.",
                StatusCategory::Paid => "Płatność zakończona.",
                StatusCategory::Failed => "Płatność nie została zrealizowana.",
                StatusCategory::Error => "Operator płatności zgłosił błąd.",
                StatusCategory::Unknown => "Status płatności nie jest jeszcze znany.",
            },
        }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<u16> for StatusCode {
    fn from(value: u16) -> Self {
        Self(value)
    }
}

/// How a currency's payment URI is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriScheme {
    /// BIP21: `<scheme>:<address>?amount=<decimal coins>`.
    Bip21 { scheme: &'static str },
    /// EIP-681 for ether: `ethereum:<address>?value=<wei>`.
    EthereumNative,
    /// EIP-681 token transfer:
    /// `ethereum:<contract>/transfer?address=<address>&uint256=<base units>`.
    Erc20 { contract: Option<&'static str> },
}

/// What the widget knows about a currency Bidali quotes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrencyInfo {
    /// The key in the charge's `quotes` object; names the logo file.
    pub protocol: &'static str,
    pub name: &'static str,
    pub ticker: &'static str,
    /// Digits after the point in one base unit (8 for satoshi, 18 for wei).
    pub decimals: u32,
    pub uri: UriScheme,
}

/// Mainnet (multi-collateral) DAI token contract.
pub const DAI_CONTRACT: &str = "0x6B175474E89094C44Da98b954EedeAC495271d0F";

/// The seed's four currencies, plus bitcoin cash which Bidali also lists.
pub const CURRENCIES: [CurrencyInfo; 5] = [
    CurrencyInfo {
        protocol: "bitcoin",
        name: "Bitcoin",
        ticker: "BTC",
        decimals: 8,
        uri: UriScheme::Bip21 { scheme: "bitcoin" },
    },
    CurrencyInfo {
        protocol: "ethereum",
        name: "Ethereum",
        ticker: "ETH",
        decimals: 18,
        uri: UriScheme::EthereumNative,
    },
    CurrencyInfo {
        protocol: "dai",
        name: "Dai",
        ticker: "DAI",
        decimals: 18,
        uri: UriScheme::Erc20 {
            contract: Some(DAI_CONTRACT),
        },
    },
    CurrencyInfo {
        protocol: "litecoin",
        name: "Litecoin",
        ticker: "LTC",
        decimals: 8,
        uri: UriScheme::Bip21 { scheme: "litecoin" },
    },
    CurrencyInfo {
        protocol: "bitcoincash",
        name: "Bitcoin Cash",
        ticker: "BCH",
        decimals: 8,
        uri: UriScheme::Bip21 {
            scheme: "bitcoincash",
        },
    },
];

/// Remote logos, per the seed's (unconfirmed) pattern.
pub const LOGO_BASE_URL: &str = "https://assets.bidali.com/currencies/";
/// Local logos, relative to `public/` (served at the site root).
pub const LOCAL_LOGO_DIR: &str = "currencies/";
/// Shown for a currency without its own local logo, or when all else fails.
pub const GENERIC_LOGO_PATH: &str = "currencies/generic.svg";

pub fn currency_info(protocol: &str) -> Option<&'static CurrencyInfo> {
    CURRENCIES.iter().find(|c| c.protocol == protocol)
}

/// By ticker (`"BTC"`, case-insensitive), as a quote's `currency` field.
pub fn currency_by_ticker(ticker: &str) -> Option<&'static CurrencyInfo> {
    CURRENCIES
        .iter()
        .find(|c| c.ticker.eq_ignore_ascii_case(ticker))
}

/// Why a protocol name (a `quotes` key) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("the currency name is empty")]
    Empty,
    #[error("the currency name {0:?} is not a lowercase name")]
    Invalid(String),
}

/// A currency protocol name (`bitcoin`, `dai`). It comes from a JSON key and
/// goes into logo URLs, so it is held to `[a-z0-9_-]{1,32}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Protocol(String);

impl Protocol {
    pub fn parse(raw: &str) -> Result<Self, ProtocolError> {
        if raw.is_empty() {
            return Err(ProtocolError::Empty);
        }
        let ok = raw.len() <= 32
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !ok {
            return Err(ProtocolError::Invalid(raw.chars().take(40).collect()));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn info(&self) -> Option<&'static CurrencyInfo> {
        currency_info(&self.0)
    }

    /// The currency's name, or the protocol itself when unknown.
    pub fn display_name(&self) -> &str {
        self.info().map_or(self.0.as_str(), |c| c.name)
    }

    /// `https://assets.bidali.com/currencies/<protocol>.png`
    pub fn logo_url(&self) -> String {
        format!("{LOGO_BASE_URL}{}.png", self.0)
    }

    /// `https://assets.bidali.com/currencies/small/<protocol>.png`
    pub fn small_logo_url(&self) -> String {
        format!("{LOGO_BASE_URL}small/{}.png", self.0)
    }

    /// `currencies/<protocol>.svg` for known currencies (shipped in
    /// `public/currencies/`), otherwise [`GENERIC_LOGO_PATH`].
    pub fn local_logo_path(&self) -> String {
        match self.info() {
            Some(info) => format!("{LOCAL_LOGO_DIR}{}.svg", info.protocol),
            None => GENERIC_LOGO_PATH.to_owned(),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Longest address accepted (bech32 allows 90; with room to spare).
pub const MAX_ADDRESS_LEN: usize = 128;

/// Why an address cannot be put in a payment URI.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AddressError {
    #[error("the payment address is missing")]
    Empty,
    #[error("the payment address is too long")]
    TooLong,
    #[error("the payment address contains spaces or control characters")]
    Whitespace,
    #[error("the payment address contains {0:?}, which would change the payment link")]
    UriDelimiter(char),
    #[error("the payment address contains {0:?}, which no address uses")]
    InvalidCharacter(char),
    #[error("the payment address is not an Ethereum address (0x and 40 hex digits)")]
    NotEthereum,
}

impl AddressError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon or in brackets.
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::Empty) => "brak adresu płatności".to_owned(),
            (Locale::Pl, Self::TooLong) => "adres płatności jest za długi".to_owned(),
            (Locale::Pl, Self::Whitespace) => {
                "adres płatności zawiera spacje lub znaki sterujące".to_owned()
            }
            (Locale::Pl, Self::UriDelimiter(c)) => format!(
                "adres płatności zawiera znak {}, który zmieniłby link płatności",
                polish_quoted(&c.to_string())
            ),
            (Locale::Pl, Self::InvalidCharacter(c)) => format!(
                "adres płatności zawiera znak {}, którego nie używa żaden adres",
                polish_quoted(&c.to_string())
            ),
            (Locale::Pl, Self::NotEthereum) => {
                "adres płatności nie jest adresem Ethereum (0x i 40 cyfr szesnastkowych)".to_owned()
            }
        }
    }
}

/// A receiving address. Every supported coin writes addresses in ASCII
/// letters and digits (base58, bech32, hex), so that is all that is allowed:
/// a hostile address cannot add parameters to or redirect a payment URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CryptoAddress(String);

impl CryptoAddress {
    pub fn parse(raw: &str) -> Result<Self, AddressError> {
        if raw.is_empty() {
            return Err(AddressError::Empty);
        }
        if raw.chars().count() > MAX_ADDRESS_LEN {
            return Err(AddressError::TooLong);
        }
        for c in raw.chars() {
            if c.is_whitespace() || c.is_control() {
                return Err(AddressError::Whitespace);
            }
            if matches!(
                c,
                '?' | '&' | '#' | ':' | '/' | '%' | '=' | '+' | '@' | '\\'
            ) {
                return Err(AddressError::UriDelimiter(c));
            }
            if !c.is_ascii_alphanumeric() {
                return Err(AddressError::InvalidCharacter(c));
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_ethereum(&self) -> bool {
        let hex = self.0.strip_prefix("0x").unwrap_or("");
        hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

impl fmt::Display for CryptoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why no payment URI could be built; the checkout then shows the address
/// and amount with copy buttons only.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PaymentUriError {
    #[error("no payment link is known for {0}")]
    UnsupportedCurrency(String),
    #[error("the quote has no address yet")]
    MissingAddress,
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error("the amount to pay must be more than zero")]
    NotPositive,
    #[error("the amount has more than the {decimals} decimal places {ticker} allows")]
    TooPrecise { ticker: &'static str, decimals: u32 },
    #[error("the amount is too large")]
    Overflow,
}

impl PaymentUriError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon.
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::UnsupportedCurrency(name)) => {
                format!("format linku płatności dla {name} nie jest znany")
            }
            (Locale::Pl, Self::MissingAddress) => "wycena nie ma jeszcze adresu".to_owned(),
            (Locale::Pl, Self::Address(error)) => error.message_in(locale),
            (Locale::Pl, Self::NotPositive) => {
                "kwota do zapłaty musi być większa od zera".to_owned()
            }
            (Locale::Pl, Self::TooPrecise { ticker, decimals }) => format!(
                "{ticker} pozwala najwyżej na {decimals} {} po przecinku, a kwota ma ich więcej",
                pick_polish(u64::from(*decimals), "miejsce", "miejsca", "miejsc")
            ),
            (Locale::Pl, Self::Overflow) => "kwota jest za duża".to_owned(),
        }
    }
}

/// What a payment URI carries, so the page can say whether the wallet will
/// fill in the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentUriKind {
    Bip21,
    Eip681Ether,
    Eip681Token,
    /// An ERC-20 token without a known contract: `ethereum:<address>` only.
    /// Putting the amount in `value=` would send ether instead of the token,
    /// so the buyer types the amount shown on the page.
    AddressOnly,
}

/// A URI for a QR code and a "open in wallet" link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentUri {
    pub uri: String,
    pub kind: PaymentUriKind,
}

impl PaymentUri {
    /// Whether scanning fills in the amount.
    pub fn includes_amount(&self) -> bool {
        self.kind != PaymentUriKind::AddressOnly
    }
}

impl fmt::Display for PaymentUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)
    }
}

/// Builds the payment URI for `amount` coins of `protocol` to `address`.
/// Amounts are exact: more decimals than the coin has is an error, never
/// rounded.
pub fn payment_uri(
    protocol: &str,
    address: &str,
    amount: &ExactAmount,
) -> Result<PaymentUri, PaymentUriError> {
    let info = currency_info(protocol)
        .ok_or_else(|| PaymentUriError::UnsupportedCurrency(protocol.chars().take(40).collect()))?;
    if !amount.is_positive() {
        return Err(PaymentUriError::NotPositive);
    }
    let units = amount.to_base_units(info.decimals).map_err(|e| match e {
        UnitsError::Negative => PaymentUriError::NotPositive,
        UnitsError::TooPrecise { decimals } => PaymentUriError::TooPrecise {
            ticker: info.ticker,
            decimals,
        },
        UnitsError::Overflow => PaymentUriError::Overflow,
    })?;
    match info.uri {
        UriScheme::Bip21 { scheme } => {
            // CashAddr addresses are often written with their prefix.
            let bare = strip_scheme_prefix(address, scheme);
            let address = CryptoAddress::parse(bare)?;
            Ok(PaymentUri {
                uri: format!("{scheme}:{address}?amount={}", amount.normalized()),
                kind: PaymentUriKind::Bip21,
            })
        }
        UriScheme::EthereumNative => {
            let address = ethereum_address(address)?;
            Ok(PaymentUri {
                uri: format!("ethereum:{address}?value={units}"),
                kind: PaymentUriKind::Eip681Ether,
            })
        }
        UriScheme::Erc20 { contract } => {
            let address = ethereum_address(address)?;
            Ok(match contract {
                Some(contract) => PaymentUri {
                    uri: format!("ethereum:{contract}/transfer?address={address}&uint256={units}"),
                    kind: PaymentUriKind::Eip681Token,
                },
                None => PaymentUri {
                    uri: format!("ethereum:{address}"),
                    kind: PaymentUriKind::AddressOnly,
                },
            })
        }
    }
}

fn strip_scheme_prefix<'a>(address: &'a str, scheme: &str) -> &'a str {
    match address.split_once(':') {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case(scheme) => rest,
        _ => address,
    }
}

fn ethereum_address(raw: &str) -> Result<CryptoAddress, AddressError> {
    let address = CryptoAddress::parse(raw)?;
    if address.is_ethereum() {
        Ok(address)
    } else {
        Err(AddressError::NotEthereum)
    }
}

/// A quote's `status`; only `ACTIVE` is documented.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QuoteStatus {
    Active,
    Other(String),
}

impl QuoteStatus {
    pub fn as_str(&self) -> &str {
        match self {
            QuoteStatus::Active => "ACTIVE",
            QuoteStatus::Other(raw) => raw,
        }
    }
}

impl Serialize for QuoteStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for QuoteStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(if raw == "ACTIVE" {
            QuoteStatus::Active
        } else {
            QuoteStatus::Other(raw)
        })
    }
}

/// A price in one currency for a charge. The address is `null` until the
/// quote is fetched on its own (`GET /quotes/:id`). Read from the wire by
/// `api::bidali`, field by field, so that a decode error names its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    pub id: QuoteId,
    /// Coins per unit of the charge's fiat currency.
    pub rate: ExactAmount,
    /// Coins to send.
    pub amount: ExactAmount,
    pub index: Option<String>,
    pub extra_id: Option<String>,
    pub status: QuoteStatus,
    pub address: Option<String>,
    /// Ticker, e.g. `BTC`.
    pub currency: String,
}

impl Quote {
    /// The payment URI for this quote, `protocol` being its key in `quotes`.
    pub fn payment_uri(&self, protocol: &str) -> Result<PaymentUri, PaymentUriError> {
        let address = self
            .address
            .as_deref()
            .ok_or(PaymentUriError::MissingAddress)?;
        payment_uri(protocol, address, &self.amount)
    }
}

/// Quotes in the order buyers know best (the widget's currency list), then
/// any others by name.
pub fn ordered_quotes<'a>(
    quotes: impl IntoIterator<Item = (&'a Protocol, &'a Quote)>,
) -> Vec<(Protocol, Quote)> {
    let rank = |p: &Protocol| {
        CURRENCIES
            .iter()
            .position(|c| c.protocol == p.as_str())
            .unwrap_or(usize::MAX)
    };
    let mut list: Vec<(Protocol, Quote)> = quotes
        .into_iter()
        .map(|(p, q)| (p.clone(), q.clone()))
        .collect();
    list.sort_by(|(a, _), (b, _)| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    list
}
