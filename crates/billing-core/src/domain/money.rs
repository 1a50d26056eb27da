//! Money as integer cents, and exact decimals for crypto and fiat amounts that
//! arrive as text. Never floating point.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::locale::{group_digits, pick_polish, Locale, NBSP};

/// An amount in cents (minor units), as the LiveChat Billing API and the
/// plans API send it: `9900` is $99.00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(i64);

/// The largest amount a buyer may type by default: $1,000,000.00. Far above
/// any marketplace price, far below anything that could overflow.
pub const DEFAULT_MAX_CENTS: Cents = Cents(100_000_000);

/// Fiat amounts have two decimals (cents); every currency the widget sells in
/// (USD, CAD, EUR, GBP) does.
pub const FIAT_DECIMALS: u32 = 2;

impl Cents {
    pub const ZERO: Cents = Cents(0);

    pub const fn new(cents: i64) -> Self {
        Self(cents)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `price x quantity` for a direct charge; `None` when it would overflow,
    /// so a huge quantity can never wrap into a small or negative total.
    pub fn checked_mul(self, quantity: u64) -> Option<Cents> {
        let quantity = i64::try_from(quantity).ok()?;
        self.0.checked_mul(quantity).map(Cents)
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }

    pub fn checked_sub(self, other: Cents) -> Option<Cents> {
        self.0.checked_sub(other.0).map(Cents)
    }

    /// Plain decimal text without symbol or separators (`1234.50`), as an
    /// input field shows it; [`parse_cents`] reads it back.
    pub fn to_plain_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// The amount as a form field shows it for editing: `1234.50` in
    /// English, `1234,50` in Polish; no grouping and no currency, so the
    /// field's parser reads it back unchanged.
    pub fn to_input_string(self, locale: Locale) -> String {
        let plain = self.to_plain_string();
        match locale {
            Locale::En => plain,
            Locale::Pl => plain.replacen('.', ",", 1),
        }
    }

    /// Display text in a currency: `$1,234.50`, `-€3.00`, `12.00 CHF`.
    /// Unknown or malformed codes are never echoed back to the page.
    pub fn display_in(self, currency_code: &str) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let body = format!("{}.{:02}", group_thousands(abs / 100), abs % 100);
        let code = currency_code.trim().to_ascii_uppercase();
        match fiat_symbol(&code) {
            Some(symbol) => format!("{sign}{symbol}{body}"),
            None if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                format!("{sign}{body} {code}")
            }
            None => format!("{sign}{body}"),
        }
    }
}

impl Cents {
    /// Display text in a currency, the locale's way. English is
    /// [`Cents::display_in`]; Polish (CLDR pl) writes `1234,50 USD`,
    /// `12\u{a0}345,00 zł`, `-3,00 €`: a decimal comma, non-breaking-space
    /// groups from five digits, and the currency after a non-breaking space.
    pub fn display_locale(self, currency_code: &str, locale: Locale) -> String {
        match locale {
            Locale::En => self.display_in(currency_code),
            Locale::Pl => {
                let sign = if self.0 < 0 { "-" } else { "" };
                let abs = self.0.unsigned_abs();
                let body = format!("{}{}{:02}", group_digits(abs / 100, locale), ',', abs % 100);
                let code = currency_code.trim().to_ascii_uppercase();
                match polish_currency_sign(&code) {
                    Some(sign_text) => format!("{sign}{body}{NBSP}{sign_text}"),
                    None if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) => {
                        format!("{sign}{body}{NBSP}{code}")
                    }
                    None => format!("{sign}{body}"),
                }
            }
        }
    }
}

/// The signs CLDR pl uses instead of the code; other codes are written out.
fn polish_currency_sign(code: &str) -> Option<&'static str> {
    match code {
        "PLN" => Some("zł"),
        "EUR" => Some("€"),
        _ => None,
    }
}

/// US dollars with thousands separators: the Billing API prices in USD.
impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_in("USD"))
    }
}

impl From<Cents> for i64 {
    fn from(value: Cents) -> Self {
        value.0
    }
}

fn fiat_symbol(code: &str) -> Option<&'static str> {
    match code {
        "USD" => Some("$"),
        "CAD" => Some("CA$"),
        "AUD" => Some("A$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        _ => None,
    }
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Why a typed amount was refused; each message tells the buyer what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MoneyInputError {
    #[error("Enter an amount.")]
    Empty,
    #[error("The amount cannot be negative.")]
    Negative,
    #[error("The amount must be more than zero.")]
    Zero,
    #[error("Write the amount in full digits, like 1000, not 1e3.")]
    Exponent,
    #[error("Enter a number, like 12.50.")]
    NotANumber,
    #[error("Use a dot for decimals and no thousands separators, like 1234.50.")]
    Comma,
    #[error("The character '{found}' is not allowed; use digits and a dot, like 12.50.")]
    InvalidCharacter { found: char },
    #[error("Enter an amount like 12.50, with digits on both sides of the dot.")]
    Malformed,
    #[error("Use at most {max} decimal places.")]
    TooManyDecimals { max: u32 },
    #[error("That amount is far too large.")]
    TooLarge,
    #[error("The amount cannot be more than {max}.")]
    AboveMaximum { max: Cents },
}

impl MoneyInputError {
    /// The message in `locale`; English is the `Display` text.
    pub fn message(&self, locale: Locale) -> String {
        if locale == Locale::En {
            return self.to_string();
        }
        match self {
            Self::Empty => "Wpisz kwotę.".to_owned(),
            Self::Negative => "Kwota nie może być ujemna.".to_owned(),
            Self::Zero => "Kwota musi być większa od zera.".to_owned(),
            Self::Exponent => "Wpisz kwotę pełnymi cyframi, np. 1000, a nie 1e3.".to_owned(),
            Self::NotANumber => "Wpisz liczbę, np. 12,50.".to_owned(),
            Self::Comma => "Użyj jednego przecinka dla części dziesiętnej i nie oddzielaj \
                            tysięcy, np. 1234,50."
                .to_owned(),
            Self::InvalidCharacter { found } => format!(
                "Znak \u{201e}{found}\u{201d} jest niedozwolony; użyj cyfr i przecinka, np. 12,50."
            ),
            Self::Malformed => {
                "Wpisz kwotę taką jak 12,50, z cyframi po obu stronach przecinka.".to_owned()
            }
            Self::TooManyDecimals { max } => format!(
                "Podaj nie więcej niż {max} {} po przecinku.",
                pick_polish(u64::from(*max), "miejsce", "miejsca", "miejsc")
            ),
            Self::TooLarge => "Ta kwota jest zdecydowanie za duża.".to_owned(),
            Self::AboveMaximum { max } => format!(
                "Kwota nie może przekraczać {}.",
                max.display_locale("USD", locale)
            ),
        }
    }
}

/// Reads a buyer's amount (`12.34`, `12`, `12.3`, `0.05`) into cents, up to
/// [`DEFAULT_MAX_CENTS`].
pub fn parse_cents(input: &str) -> Result<Cents, MoneyInputError> {
    parse_cents_with_max(input, DEFAULT_MAX_CENTS)
}

/// Like [`parse_cents`] with the API's own upper bound. Zero is accepted
/// (free plans, no tax); callers that need a positive price check it.
pub fn parse_cents_with_max(input: &str, max: Cents) -> Result<Cents, MoneyInputError> {
    let scanned = scan_user_amount(input)?;
    let cents = scanned.to_cents()?;
    if cents > max {
        return Err(MoneyInputError::AboveMaximum { max });
    }
    Ok(cents)
}

/// Reads a positive fiat amount for a crypto checkout (`150`, `49.99`) into an
/// exact decimal, keeping the digits as typed.
pub fn parse_fiat_amount(input: &str) -> Result<ExactAmount, MoneyInputError> {
    parse_fiat_amount_with_max(input, DEFAULT_MAX_CENTS)
}

pub fn parse_fiat_amount_with_max(input: &str, max: Cents) -> Result<ExactAmount, MoneyInputError> {
    let scanned = scan_user_amount(input)?;
    let cents = scanned.to_cents()?;
    if cents == Cents::ZERO {
        return Err(MoneyInputError::Zero);
    }
    if cents > max {
        return Err(MoneyInputError::AboveMaximum { max });
    }
    // The scanned text is plain digits with an optional short fraction, so
    // the exact parse only fails on values already refused above.
    Decimal::from_str_exact(scanned.text)
        .map(ExactAmount)
        .map_err(|_| MoneyInputError::TooLarge)
}

/// [`parse_cents_with_max`] for a buyer writing in `locale`. In Polish the
/// decimal separator is a comma (`12,50`); a dot is read the same way, but
/// text with both, or with more than one comma, is refused as ambiguous
/// (`1.234,50` might be a thousands separator) rather than guessed.
pub fn parse_cents_in(input: &str, max: Cents, locale: Locale) -> Result<Cents, MoneyInputError> {
    parse_cents_with_max(&with_decimal_dot(input, locale)?, max)
}

/// [`parse_fiat_amount_with_max`] for a buyer writing in `locale`.
pub fn parse_fiat_amount_in(
    input: &str,
    max: Cents,
    locale: Locale,
) -> Result<ExactAmount, MoneyInputError> {
    parse_fiat_amount_with_max(&with_decimal_dot(input, locale)?, max)
}

/// The typed amount with a dot for decimals, as the parsers read it: a
/// Polish `12,50` becomes `12.50`; mixed or repeated separators are
/// refused ([`MoneyInputError::Comma`]).
pub fn with_decimal_dot(input: &str, locale: Locale) -> Result<String, MoneyInputError> {
    if locale == Locale::En || !input.contains(',') {
        return Ok(input.to_owned());
    }
    if input.contains('.') || input.matches(',').count() > 1 {
        return Err(MoneyInputError::Comma);
    }
    Ok(input.replacen(',', ".", 1))
}

/// A typed amount that passed the character checks: `int[.frac]`.
struct Scanned<'a> {
    text: &'a str,
    int: &'a str,
    frac: &'a str,
}

impl Scanned<'_> {
    fn to_cents(&self) -> Result<Cents, MoneyInputError> {
        if self.frac.len() > FIAT_DECIMALS as usize {
            return Err(MoneyInputError::TooManyDecimals { max: FIAT_DECIMALS });
        }
        let mut whole: i64 = 0;
        for digit in self.int.bytes() {
            whole = whole
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(digit - b'0')))
                .ok_or(MoneyInputError::TooLarge)?;
        }
        let mut fraction: i64 = 0;
        for i in 0..FIAT_DECIMALS as usize {
            let digit = self.frac.as_bytes().get(i).map_or(0, |d| d - b'0');
            fraction = fraction * 10 + i64::from(digit);
        }
        whole
            .checked_mul(100)
            .and_then(|v| v.checked_add(fraction))
            .map(Cents)
            .ok_or(MoneyInputError::TooLarge)
    }
}

/// Classifies the typed text, most specific mistake first, so the message
/// names the actual problem (`1e3` is an exponent, not a stray letter).
fn scan_user_amount(input: &str) -> Result<Scanned<'_>, MoneyInputError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(MoneyInputError::Empty);
    }
    let lower = text.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "nan" | "inf" | "infinity") {
        return Err(MoneyInputError::NotANumber);
    }
    if text.starts_with('-') {
        return Err(MoneyInputError::Negative);
    }
    if text.contains(',') {
        return Err(MoneyInputError::Comma);
    }
    if text.contains(['e', 'E']) && text.bytes().any(|b| b.is_ascii_digit()) {
        return Err(MoneyInputError::Exponent);
    }
    if let Some(found) = text.chars().find(|c| !c.is_ascii_digit() && *c != '.') {
        return Err(MoneyInputError::InvalidCharacter { found });
    }
    let (int, frac) = match text.split_once('.') {
        None => (text, ""),
        Some((int, frac)) => {
            if frac.is_empty() || frac.contains('.') {
                return Err(MoneyInputError::Malformed);
            }
            (int, frac)
        }
    };
    if int.is_empty() {
        return Err(MoneyInputError::Malformed);
    }
    Ok(Scanned { text, int, frac })
}

/// Why an amount sent by a server could not be read exactly.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AmountError {
    #[error("the amount is empty")]
    Empty,
    #[error("the amount uses an exponent, which is not accepted")]
    Exponent,
    #[error("the amount is not a finite number")]
    NotFinite,
    #[error("the amount {0:?} is not a plain decimal number")]
    Invalid(String),
    #[error("the amount has more digits than can be kept exactly")]
    OutOfRange,
}

/// Why an exact amount cannot be expressed in whole minor or base units.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnitsError {
    #[error("the amount is negative")]
    Negative,
    #[error("the amount has more than {decimals} decimal places")]
    TooPrecise { decimals: u32 },
    #[error("the amount is too large")]
    Overflow,
}

/// An exact decimal amount (crypto quote, rate or fiat total as the Bidali
/// API sends it). Keeps the scale it arrived with, so `"0.86392000"` displays
/// and serialises as `0.86392000`; comparison is numeric (`1.50 == 1.5`).
///
/// Deserialises from a JSON string (exact, preferred) or a JSON number. As
/// serde_json is built without `arbitrary_precision`, a non-integer number
/// reaches us as an `f64`: it is turned into text with Rust's shortest
/// round-trip formatting and parsed from that text, never computed with, so
/// `0.1` stays `0.1`. Numbers of up to 15 significant digits arrive exactly;
/// trailing zeros, and digits beyond that (serde_json's default float parser
/// may be one ulp off), are lost before we see them, which is why the APIs
/// send amounts as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ExactAmount(Decimal);

impl ExactAmount {
    pub const ZERO: ExactAmount = ExactAmount(Decimal::ZERO);

    /// Strict wire grammar: `-?digits(.digits)?`. No exponent, sign `+`,
    /// underscores or whitespace (rust_decimal alone would accept some).
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        if text.is_empty() {
            return Err(AmountError::Empty);
        }
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let lower = unsigned.to_ascii_lowercase();
        if matches!(lower.as_str(), "nan" | "inf" | "infinity") {
            return Err(AmountError::NotFinite);
        }
        let (int, frac) = match unsigned.split_once('.') {
            None => (unsigned, None),
            Some((int, frac)) => (int, Some(frac)),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            if lower.contains('e') && lower.bytes().any(|b| b.is_ascii_digit()) {
                return Err(AmountError::Exponent);
            }
            return Err(AmountError::Invalid(text.chars().take(40).collect()));
        }
        Decimal::from_str_exact(text)
            .map(ExactAmount)
            .map_err(|_| AmountError::OutOfRange)
    }

    pub const fn from_decimal(value: Decimal) -> Self {
        Self(value)
    }

    pub const fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// Cents as a two-decimal amount (`1234` is `12.34`).
    pub fn from_cents(cents: Cents) -> Self {
        Self(Decimal::new(cents.get(), FIAT_DECIMALS))
    }

    /// Digits after the decimal point, as sent (`"0.86392000"` has 8).
    pub const fn scale(&self) -> u32 {
        self.0.scale()
    }

    pub const fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Strictly below zero (`-0` is not negative).
    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn is_positive(&self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// The same value without trailing zeros (`0.86392000` becomes `0.86392`).
    pub fn normalized(&self) -> Self {
        Self(self.0.normalize())
    }

    pub fn checked_add(&self, other: &ExactAmount) -> Option<ExactAmount> {
        self.0.checked_add(other.0).map(ExactAmount)
    }

    /// What is still owed after a partial payment ("send X more").
    pub fn checked_sub(&self, other: &ExactAmount) -> Option<ExactAmount> {
        self.0.checked_sub(other.0).map(ExactAmount)
    }

    /// The amount as an integer count of `10^-decimals` units (cents for 2,
    /// satoshis for 8, wei for 18), refusing any rounding. Trailing zeros
    /// beyond `decimals` are fine (`1.500` in cents is 150).
    pub fn to_scaled_integer(&self, decimals: u32) -> Result<i128, UnitsError> {
        let value = if self.0.scale() > decimals {
            self.0.normalize()
        } else {
            self.0
        };
        if value.scale() > decimals {
            return Err(UnitsError::TooPrecise { decimals });
        }
        let factor = 10_i128
            .checked_pow(decimals - value.scale())
            .ok_or(UnitsError::Overflow)?;
        value
            .mantissa()
            .checked_mul(factor)
            .ok_or(UnitsError::Overflow)
    }

    /// Non-negative base units for a payment URI (satoshis, wei).
    pub fn to_base_units(&self, decimals: u32) -> Result<u128, UnitsError> {
        if self.is_negative() {
            return Err(UnitsError::Negative);
        }
        let scaled = self.to_scaled_integer(decimals)?;
        u128::try_from(scaled).map_err(|_| UnitsError::Negative)
    }

    /// Exact cents for a fiat amount (`"150"` is 15000 cents).
    pub fn to_cents(&self) -> Result<Cents, UnitsError> {
        let scaled = self.to_scaled_integer(FIAT_DECIMALS)?;
        i64::try_from(scaled)
            .map(Cents::new)
            .map_err(|_| UnitsError::Overflow)
    }
}

impl fmt::Display for ExactAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl ExactAmount {
    /// Every digit as sent, with the locale's decimal separator (`0,86392000`
    /// in Polish); never rounded.
    pub fn display_locale(&self, locale: Locale) -> String {
        let text = self.0.to_string();
        match locale {
            Locale::En => text,
            Locale::Pl => text.replacen('.', ",", 1),
        }
    }
}

impl FromStr for ExactAmount {
    type Err = AmountError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<Cents> for ExactAmount {
    fn from(value: Cents) -> Self {
        Self::from_cents(value)
    }
}

/// Always a JSON string, so no client reads it back through a float.
impl Serialize for ExactAmount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ExactAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExactAmountVisitor)
    }
}

struct ExactAmountVisitor;

impl Visitor<'_> for ExactAmountVisitor {
    type Value = ExactAmount;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        ExactAmount::parse(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(ExactAmount(Decimal::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(ExactAmount(Decimal::from(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        ExactAmount::parse(&v.to_string()).map_err(E::custom)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        ExactAmount::parse(&v.to_string()).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(AmountError::NotFinite));
        }
        // `Display` for f64 is the shortest text that reads back to the same
        // f64, and never uses an exponent.
        ExactAmount::parse(&v.to_string()).map_err(E::custom)
    }
}
