//! Recurring billing plans (`/api/v01/plans`): the plan as the gateway
//! returns it, the create and modify bodies, and form validation with errors
//! named after the field they belong to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::calendar;
use super::locale::{pick_polish, Locale};
use super::money::{parse_cents, with_decimal_dot, Cents, MoneyInputError, DEFAULT_MAX_CENTS};

/// The gateway's plan id (a `Long`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlanId(pub i64);

/// A merchant account; set once, at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub i64);

impl fmt::Display for PlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

pub const MAX_NAME_LEN: usize = 255;
pub const MAX_CODE_LEN: usize = 60;
/// Cycle codes are one letter today; a little room for what may come.
pub const MAX_CYCLE_CODE_LEN: usize = 8;

/// The billing cycle classifier. `M` (monthly) is the documented default;
/// the other letters are the usual ones but unconfirmed, so any other code
/// is kept verbatim in `Other` and written back unchanged on save.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum BillingCycle {
    Daily,
    Weekly,
    BiWeekly,
    #[default]
    Monthly,
    Quarterly,
    SemiAnnually,
    Annually,
    Other(String),
}

impl BillingCycle {
    pub const KNOWN: [BillingCycle; 7] = [
        BillingCycle::Daily,
        BillingCycle::Weekly,
        BillingCycle::BiWeekly,
        BillingCycle::Monthly,
        BillingCycle::Quarterly,
        BillingCycle::SemiAnnually,
        BillingCycle::Annually,
    ];

    pub fn from_code(code: &str) -> Self {
        match code {
            "D" => Self::Daily,
            "W" => Self::Weekly,
            "B" => Self::BiWeekly,
            "M" => Self::Monthly,
            "Q" => Self::Quarterly,
            "S" => Self::SemiAnnually,
            "A" => Self::Annually,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Daily => "D",
            Self::Weekly => "W",
            Self::BiWeekly => "B",
            Self::Monthly => "M",
            Self::Quarterly => "Q",
            Self::SemiAnnually => "S",
            Self::Annually => "A",
            Self::Other(code) => code,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Self::Daily => "Daily",
            Self::Weekly => "Weekly",
            Self::BiWeekly => "Every two weeks",
            Self::Monthly => "Monthly",
            Self::Quarterly => "Quarterly",
            Self::SemiAnnually => "Every six months",
            Self::Annually => "Yearly",
            Self::Other(_) => "Other cycle",
        }
    }

    /// [`Self::label`] in `locale`.
    pub fn label_in(&self, locale: Locale) -> &str {
        match (locale, self) {
            (Locale::En, _) => self.label(),
            (Locale::Pl, Self::Daily) => "Codziennie",
            (Locale::Pl, Self::Weekly) => "Co tydzień",
            (Locale::Pl, Self::BiWeekly) => "Co dwa tygodnie",
            (Locale::Pl, Self::Monthly) => "Co miesiąc",
            (Locale::Pl, Self::Quarterly) => "Co kwartał",
            (Locale::Pl, Self::SemiAnnually) => "Co pół roku",
            (Locale::Pl, Self::Annually) => "Co rok",
            (Locale::Pl, Self::Other(_)) => "Inny cykl",
        }
    }
}

impl fmt::Display for BillingCycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for BillingCycle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for BillingCycle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|raw| Self::from_code(&raw))
    }
}

/// Why a `createDate` was not `yyyy-MM-dd HH:mm:ss`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0:?} is not a date in the form yyyy-MM-dd HH:mm:ss")]
pub struct PlanDateError(pub String);

/// `createDate` as the gateway writes it (`2019-04-09 16:02:38`, no time
/// zone). A small checked struct: the widget only shows and sorts it, which
/// does not justify a date library in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PlanDateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl PlanDateTime {
    pub fn parse(text: &str) -> Result<Self, PlanDateError> {
        let err = || PlanDateError(text.chars().take(40).collect());
        let b = text.as_bytes();
        let shape_ok = b.len() == 19
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b' ',
                13 | 16 => *c == b':',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(err());
        }
        let num = |from: usize, to: usize| -> u16 {
            b[from..to]
                .iter()
                .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'))
        };
        let narrow = |v: u16| u8::try_from(v).map_err(|_| err());
        let value = PlanDateTime {
            year: num(0, 4),
            month: narrow(num(5, 7))?,
            day: narrow(num(8, 10))?,
            hour: narrow(num(11, 13))?,
            minute: narrow(num(14, 16))?,
            second: narrow(num(17, 19))?,
        };
        let valid = value.year >= 1
            && (1..=12).contains(&value.month)
            && value.day >= 1
            && u32::from(value.day)
                <= calendar::days_in_month(i64::from(value.year), u32::from(value.month))
            && value.hour < 24
            && value.minute < 60
            && value.second < 60;
        if valid {
            Ok(value)
        } else {
            Err(err())
        }
    }

    /// `yyyy-MM-dd`, for a compact list.
    pub fn date_string(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for PlanDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl FromStr for PlanDateTime {
    type Err = PlanDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for PlanDateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PlanDateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A plan as `load`, `find`, `create` and `modify` return it. Text fields
/// are kept as sent: a server value the form rules would refuse must still
/// be listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub id: PlanId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub account_id: AccountId,
    pub amount: Cents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Cents>,
    #[serde(default)]
    pub billing_cycle_type: BillingCycle,
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<PlanDateTime>,
}

impl Plan {
    /// Amount plus tax, charged every cycle; `None` on overflow.
    pub fn total_per_cycle(&self) -> Option<Cents> {
        self.amount
            .checked_add(self.tax_amount.unwrap_or(Cents::ZERO))
    }

    /// The plan after a successful `modify`; code and account stay.
    pub fn with_changes(&self, changes: &PlanChanges) -> Plan {
        Plan {
            name: changes.name.as_str().to_owned(),
            amount: changes.amount,
            tax_amount: changes.tax_amount,
            billing_cycle_type: changes.billing_cycle_type.clone(),
            is_active: changes.is_active,
            ..self.clone()
        }
    }
}

/// How a plan is addressed in `/api/v01/plans/<ref>`: its id, or `*<code>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlanRef {
    Id(PlanId),
    Code(PlanCode),
}

impl PlanRef {
    pub fn path_segment(&self) -> String {
        match self {
            PlanRef::Id(id) => id.to_string(),
            PlanRef::Code(code) => format!("*{code}"),
        }
    }
}

/// A plan field, named as in the API; errors point at one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanField {
    Name,
    Code,
    AccountId,
    Amount,
    TaxAmount,
    BillingCycleType,
    IsActive,
}

impl PlanField {
    /// The JSON name (`accountId`).
    pub const fn api_name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Code => "code",
            Self::AccountId => "accountId",
            Self::Amount => "amount",
            Self::TaxAmount => "taxAmount",
            Self::BillingCycleType => "billingCycleType",
            Self::IsActive => "isActive",
        }
    }

    /// The form label.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Name => "Name",
            Self::Code => "Code",
            Self::AccountId => "Account ID",
            Self::Amount => "Amount",
            Self::TaxAmount => "Tax",
            Self::BillingCycleType => "Billing cycle",
            Self::IsActive => "Active",
        }
    }

    /// [`Self::label`] in `locale`.
    pub const fn label_in(self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.label(),
            (Locale::Pl, Self::Name) => "Nazwa",
            (Locale::Pl, Self::Code) => "Kod",
            (Locale::Pl, Self::AccountId) => "Identyfikator konta",
            (Locale::Pl, Self::Amount) => "Kwota",
            (Locale::Pl, Self::TaxAmount) => "Podatek",
            (Locale::Pl, Self::BillingCycleType) => "Cykl rozliczeniowy",
            (Locale::Pl, Self::IsActive) => "Aktywny",
        }
    }

    /// `code` and `accountId` can only be set when the plan is created.
    pub const fn is_immutable_after_creation(self) -> bool {
        matches!(self, Self::Code | Self::AccountId)
    }
}

impl fmt::Display for PlanField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What is wrong with one field's value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanFieldError {
    #[error("is required")]
    Required,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("cannot contain control characters")]
    ControlCharacter,
    #[error("may only use letters, digits, '.', '-' and '_' (found {found:?})")]
    InvalidCharacter { found: char },
    #[error("must be a whole number, like 12345")]
    NotAnInteger,
    #[error("must be a positive number")]
    NotPositive,
    #[error("cannot be negative")]
    Negative,
    #[error("cannot be more than {max}")]
    AboveMaximum { max: Cents },
    #[error("{0}")]
    Money(MoneyInputError),
    #[error("cannot be changed after the plan is created")]
    Immutable,
}

impl PlanFieldError {
    /// The whole sentence for `field` in `locale`: English reads
    /// "Amount cannot be negative."; Polish names the field first.
    pub fn sentence_in(&self, field: PlanField, locale: Locale) -> String {
        let label = field.label_in(locale);
        match (locale, self) {
            // Money messages are sentences of their own ("Enter an
            // amount."): they follow the field's name, as in Polish.
            (Locale::En, Self::Money(error)) => format!("{label}: {error}"),
            (Locale::En, _) => format!("{label} {self}."),
            (Locale::Pl, _) => format!("{label}: {}", self.polish_problem()),
        }
    }

    /// The problem alone in `locale`, without a full stop, to follow the
    /// thing it is about ("The plan code is required."; "Kod planu: pole
    /// jest wymagane."). English is the `Display` text.
    pub fn problem_in(&self, locale: Locale) -> String {
        match locale {
            Locale::En => self.to_string(),
            Locale::Pl => self.polish_problem().trim_end_matches('.').to_owned(),
        }
    }

    /// The Polish problem, ending with a full stop.
    fn polish_problem(&self) -> String {
        match self {
            Self::Required => "pole jest wymagane.".to_owned(),
            Self::TooLong { max } => format!(
                "najwyżej {max} {}.",
                pick_polish(
                    u64::try_from(*max).unwrap_or(u64::MAX),
                    "znak",
                    "znaki",
                    "znaków"
                )
            ),
            Self::ControlCharacter => "nie może zawierać znaków sterujących.".to_owned(),
            Self::InvalidCharacter { found } => format!(
                "dozwolone są tylko litery, cyfry, \u{201e}.\u{201d}, \u{201e}-\u{201d} i \
                 \u{201e}_\u{201d} (znaleziono \u{201e}{found}\u{201d})."
            ),
            Self::NotAnInteger => "wpisz liczbę całkowitą, np. 12345.".to_owned(),
            Self::NotPositive => "wartość musi być dodatnia.".to_owned(),
            Self::Negative => "wartość nie może być ujemna.".to_owned(),
            Self::AboveMaximum { max } => format!(
                "wartość nie może przekraczać {}.",
                max.display_locale("USD", Locale::Pl)
            ),
            Self::Money(error) => error.message(Locale::Pl),
            Self::Immutable => "nie można zmienić po utworzeniu planu.".to_owned(),
        }
    }
}

/// One field's problem, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {error}")]
pub struct FieldError {
    pub field: PlanField,
    pub error: PlanFieldError,
}

/// Every problem found in a form at once, so the buyer fixes them together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", display_errors(.0))]
pub struct PlanValidationErrors(pub Vec<FieldError>);

fn display_errors(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl PlanValidationErrors {
    /// The first problem with `field`, for the message under that input.
    pub fn for_field(&self, field: PlanField) -> Option<&PlanFieldError> {
        self.0.iter().find(|e| e.field == field).map(|e| &e.error)
    }

    pub fn fields(&self) -> impl Iterator<Item = PlanField> + '_ {
        self.0.iter().map(|e| e.field)
    }
}

/// A plan name: trimmed, 1 to 255 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PlanName(String);

impl PlanName {
    pub fn parse(raw: &str) -> Result<Self, PlanFieldError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(PlanFieldError::Required);
        }
        if name.chars().count() > MAX_NAME_LEN {
            return Err(PlanFieldError::TooLong { max: MAX_NAME_LEN });
        }
        if name.chars().any(char::is_control) {
            return Err(PlanFieldError::ControlCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for PlanName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A plan code: 1 to 60 of `[A-Za-z0-9._-]`. It stands in for the id as
/// `*<code>` in URL paths, so nothing else is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PlanCode(String);

impl PlanCode {
    pub fn parse(raw: &str) -> Result<Self, PlanFieldError> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(PlanFieldError::Required);
        }
        if code.chars().count() > MAX_CODE_LEN {
            return Err(PlanFieldError::TooLong { max: MAX_CODE_LEN });
        }
        if let Some(found) = code
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        {
            return Err(PlanFieldError::InvalidCharacter { found });
        }
        Ok(Self(code.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PlanCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// The `create` body. Name and code are validated by type; amounts are
/// checked by [`NewPlan::validate`] (also when a server reads one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPlan {
    pub name: PlanName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<PlanCode>,
    pub account_id: AccountId,
    pub amount: Cents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Cents>,
    #[serde(default)]
    pub billing_cycle_type: BillingCycle,
    pub is_active: bool,
}

impl NewPlan {
    pub fn validate(&self) -> Result<(), PlanValidationErrors> {
        let mut errors = Vec::new();
        if self.account_id.0 <= 0 {
            errors.push(FieldError {
                field: PlanField::AccountId,
                error: PlanFieldError::NotPositive,
            });
        }
        check_amounts(self.amount, self.tax_amount, &mut errors);
        check_cycle(&self.billing_cycle_type, &mut errors);
        finish(errors)
    }
}

/// The `modify` body. `code` and `accountId` are not in it: they cannot
/// change after creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanChanges {
    pub name: PlanName,
    pub amount: Cents,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<Cents>,
    #[serde(default)]
    pub billing_cycle_type: BillingCycle,
    pub is_active: bool,
}

impl PlanChanges {
    pub fn validate(&self) -> Result<(), PlanValidationErrors> {
        let mut errors = Vec::new();
        check_amounts(self.amount, self.tax_amount, &mut errors);
        check_cycle(&self.billing_cycle_type, &mut errors);
        finish(errors)
    }
}

fn check_amounts(amount: Cents, tax: Option<Cents>, errors: &mut Vec<FieldError>) {
    for (field, value) in [
        (PlanField::Amount, Some(amount)),
        (PlanField::TaxAmount, tax),
    ] {
        let error = match value {
            Some(v) if v.is_negative() => Some(PlanFieldError::Negative),
            Some(v) if v > DEFAULT_MAX_CENTS => Some(PlanFieldError::AboveMaximum {
                max: DEFAULT_MAX_CENTS,
            }),
            _ => None,
        };
        if let Some(error) = error {
            errors.push(FieldError { field, error });
        }
    }
}

fn check_cycle(cycle: &BillingCycle, errors: &mut Vec<FieldError>) {
    if let Err(error) = validate_cycle_code(cycle.code()) {
        errors.push(FieldError {
            field: PlanField::BillingCycleType,
            error,
        });
    }
}

fn validate_cycle_code(code: &str) -> Result<(), PlanFieldError> {
    if code.is_empty() {
        return Err(PlanFieldError::Required);
    }
    if code.chars().count() > MAX_CYCLE_CODE_LEN {
        return Err(PlanFieldError::TooLong {
            max: MAX_CYCLE_CODE_LEN,
        });
    }
    match code.chars().find(|c| !c.is_ascii_alphanumeric()) {
        Some(found) => Err(PlanFieldError::InvalidCharacter { found }),
        None => Ok(()),
    }
}

fn finish(errors: Vec<FieldError>) -> Result<(), PlanValidationErrors> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PlanValidationErrors(errors))
    }
}

/// The plan form as typed: amounts in dollars (`12.50`), empty tax and code
/// meaning "none", an empty cycle meaning monthly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanForm {
    pub name: String,
    pub code: String,
    pub account_id: String,
    pub amount: String,
    pub tax_amount: String,
    pub billing_cycle: String,
    pub is_active: bool,
}

impl PlanForm {
    /// The form with its amounts read the way `locale` writes them
    /// (`12,50` in Polish). Text with mixed separators is left as typed, so
    /// validation refuses it with the separator message.
    pub fn with_decimal_dots(&self, locale: Locale) -> PlanForm {
        let dotted = |raw: &String| with_decimal_dot(raw, locale).unwrap_or_else(|_| raw.clone());
        PlanForm {
            amount: dotted(&self.amount),
            tax_amount: dotted(&self.tax_amount),
            ..self.clone()
        }
    }

    /// Prefills the edit form; amounts shown as `12.50`.
    pub fn from_plan(plan: &Plan) -> Self {
        Self::from_plan_in(plan, Locale::En)
    }

    /// Prefills the edit form with amounts written the way `locale` writes
    /// them (`12,50` in Polish).
    pub fn from_plan_in(plan: &Plan, locale: Locale) -> Self {
        PlanForm {
            name: plan.name.clone(),
            code: plan.code.clone().unwrap_or_default(),
            account_id: plan.account_id.to_string(),
            amount: plan.amount.to_input_string(locale),
            tax_amount: plan
                .tax_amount
                .map(|tax| tax.to_input_string(locale))
                .unwrap_or_default(),
            billing_cycle: plan.billing_cycle_type.code().to_owned(),
            is_active: plan.is_active,
        }
    }

    /// Everything `create` needs, or every field that is wrong.
    pub fn validate_new(&self) -> Result<NewPlan, PlanValidationErrors> {
        let mut errors = Vec::new();
        let name = self.name(&mut errors);
        let code = match self.code.trim() {
            "" => None,
            raw => record(PlanField::Code, PlanCode::parse(raw), &mut errors),
        };
        let account_id = record(
            PlanField::AccountId,
            parse_account_id(&self.account_id),
            &mut errors,
        );
        let (amount, tax_amount, billing_cycle_type) = self.common(&mut errors);
        match (name, account_id, amount, tax_amount, billing_cycle_type) {
            (Some(name), Some(account_id), Some(amount), Some(tax_amount), Some(cycle))
                if errors.is_empty() =>
            {
                Ok(NewPlan {
                    name,
                    code,
                    account_id,
                    amount,
                    tax_amount,
                    billing_cycle_type: cycle,
                    is_active: self.is_active,
                })
            }
            _ => Err(PlanValidationErrors(errors)),
        }
    }

    /// The `modify` body for `existing`; a changed code or account is an
    /// error on that field, not silently dropped.
    pub fn validate_changes(&self, existing: &Plan) -> Result<PlanChanges, PlanValidationErrors> {
        let mut errors = Vec::new();
        let name = self.name(&mut errors);
        if self.code.trim() != existing.code.as_deref().unwrap_or("").trim() {
            errors.push(FieldError {
                field: PlanField::Code,
                error: PlanFieldError::Immutable,
            });
        }
        if self.account_id.trim() != existing.account_id.to_string() {
            errors.push(FieldError {
                field: PlanField::AccountId,
                error: PlanFieldError::Immutable,
            });
        }
        let (amount, tax_amount, billing_cycle_type) = self.common(&mut errors);
        match (name, amount, tax_amount, billing_cycle_type) {
            (Some(name), Some(amount), Some(tax_amount), Some(cycle)) if errors.is_empty() => {
                Ok(PlanChanges {
                    name,
                    amount,
                    tax_amount,
                    billing_cycle_type: cycle,
                    is_active: self.is_active,
                })
            }
            _ => Err(PlanValidationErrors(errors)),
        }
    }

    fn name(&self, errors: &mut Vec<FieldError>) -> Option<PlanName> {
        record(PlanField::Name, PlanName::parse(&self.name), errors)
    }

    #[allow(clippy::type_complexity)]
    fn common(
        &self,
        errors: &mut Vec<FieldError>,
    ) -> (Option<Cents>, Option<Option<Cents>>, Option<BillingCycle>) {
        let amount = record(PlanField::Amount, parse_plan_amount(&self.amount), errors);
        let tax_amount = match self.tax_amount.trim() {
            "" => Some(None),
            raw => record(PlanField::TaxAmount, parse_plan_amount(raw), errors).map(Some),
        };
        let cycle = match self.billing_cycle.trim() {
            "" => Some(BillingCycle::Monthly),
            raw => record(
                PlanField::BillingCycleType,
                validate_cycle_code(raw).map(|()| BillingCycle::from_code(raw)),
                errors,
            ),
        };
        (amount, tax_amount, cycle)
    }
}

fn record<T>(
    field: PlanField,
    result: Result<T, PlanFieldError>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(FieldError { field, error });
            None
        }
    }
}

fn parse_plan_amount(raw: &str) -> Result<Cents, PlanFieldError> {
    if raw.trim().is_empty() {
        return Err(PlanFieldError::Required);
    }
    parse_cents(raw).map_err(|e| match e {
        MoneyInputError::Negative => PlanFieldError::Negative,
        MoneyInputError::AboveMaximum { max } => PlanFieldError::AboveMaximum { max },
        other => PlanFieldError::Money(other),
    })
}

fn parse_account_id(raw: &str) -> Result<AccountId, PlanFieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(PlanFieldError::Required);
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PlanFieldError::NotAnInteger);
    }
    let id: i64 = raw.parse().map_err(|_| PlanFieldError::NotAnInteger)?;
    if id <= 0 {
        return Err(PlanFieldError::NotPositive);
    }
    Ok(AccountId(id))
}
