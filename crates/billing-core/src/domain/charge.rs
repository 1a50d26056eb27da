//! LiveChat Billing API charges: typed ids, statuses with an `Unknown` arm,
//! and the flows from the API documentation as rules.

use super::locale::{pick_polish, polish_quoted, Locale};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Ids longer than this are refused: real ids are UUIDs (36 characters).
pub const MAX_ID_LEN: usize = 128;

/// Why a charge or ledger id was refused. Ids end up in URL paths and in the
/// page, so anything beyond `[A-Za-z0-9-_]` is rejected rather than escaped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("the id is empty")]
    Empty,
    #[error("the id is {len} characters long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    #[error("the id contains {found:?}; only letters, digits, '-' and '_' are allowed")]
    InvalidCharacter { found: char },
}

impl IdError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon.
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::Empty) => "identyfikator jest pusty".to_owned(),
            (Locale::Pl, Self::TooLong { len, max }) => format!(
                "identyfikator ma {len} {}, a może mieć najwyżej {max}",
                pick_polish(
                    u64::try_from(*len).unwrap_or(u64::MAX),
                    "znak",
                    "znaki",
                    "znaków"
                )
            ),
            (Locale::Pl, Self::InvalidCharacter { found }) => format!(
                "identyfikator zawiera {}; dozwolone są tylko litery, cyfry, \u{201e}-\u{201d} \
                 i \u{201e}_\u{201d}",
                polish_quoted(&found.to_string())
            ),
        }
    }
}

/// Checks an id against the shared rules (also used for Bidali ids).
pub fn validate_id(id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    let len = id.chars().count();
    if len > MAX_ID_LEN {
        return Err(IdError::TooLong {
            len,
            max: MAX_ID_LEN,
        });
    }
    match id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(found) => Err(IdError::InvalidCharacter { found }),
        None => Ok(()),
    }
}

/// Declares an id newtype validated with [`validate_id`]; shared with the
/// Bidali ids in `crypto`.
macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates with `validate_id`.
            pub fn parse(id: impl Into<String>) -> Result<Self, $crate::domain::charge::IdError> {
                let id = id.into();
                $crate::domain::charge::validate_id(&id)?;
                Ok(Self(id))
            }

            /// For ids that already passed `validate_id` inside this crate.
            #[allow(dead_code)]
            pub(crate) fn from_validated(id: String) -> Self {
                Self(id)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::charge::IdError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Server data is validated too: a hostile id never reaches a URL.
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use typed_id;

typed_id!(
    /// Id of a one-time charge (`/v1/direct_charge/:id`).
    DirectChargeId
);
typed_id!(
    /// Id of a subscription (`/v1/recurrent_charge/:id`).
    RecurrentChargeId
);
typed_id!(
    /// Id of a ledger entry (`/v1/ledger`).
    LedgerEntryId
);

/// Which Billing API resource a charge belongs to. The names are those of
/// the `type` URL parameter and of the agent app's payment metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChargeKind {
    Direct,
    Recurrent,
}

impl ChargeKind {
    pub const ALL: [ChargeKind; 2] = [ChargeKind::Direct, ChargeKind::Recurrent];

    /// `direct_charge` or `recurrent_charge`, also the v1 path segment.
    pub const fn param(self) -> &'static str {
        match self {
            ChargeKind::Direct => "direct_charge",
            ChargeKind::Recurrent => "recurrent_charge",
        }
    }

    /// Exact match only: anything else is not a kind this widget knows.
    pub fn from_param(value: &str) -> Option<ChargeKind> {
        match value {
            "direct_charge" => Some(ChargeKind::Direct),
            "recurrent_charge" => Some(ChargeKind::Recurrent),
            _ => None,
        }
    }
}

impl fmt::Display for ChargeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.param())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown charge type {0:?}; expected direct_charge or recurrent_charge")]
pub struct UnknownChargeKind(pub String);

impl FromStr for ChargeKind {
    type Err = UnknownChargeKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChargeKind::from_param(s).ok_or_else(|| UnknownChargeKind(s.chars().take(40).collect()))
    }
}

impl Serialize for ChargeKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.param())
    }
}

impl<'de> Deserialize<'de> for ChargeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde for status-like enums: the wire string in, the same string out,
/// unknown values kept verbatim in `Unknown`.
macro_rules! wire_string_serde {
    ($name:ident) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|raw| Self::from_wire(&raw))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }
    };
}

/// Status of a one-time charge. Flows: pending -> accepted -> processed ->
/// success | failed, and pending -> declined.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DirectChargeStatus {
    Pending,
    Accepted,
    Declined,
    Processed,
    Failed,
    Success,
    /// A value this widget does not know yet, kept as sent. Never success.
    Unknown(String),
}

impl DirectChargeStatus {
    /// Every status this widget knows, in the order of the flows.
    pub const KNOWN: [Self; 6] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Processed,
        Self::Failed,
        Self::Success,
    ];

    /// Exact, case-sensitive: `"Success"` is not `success`.
    pub fn from_wire(value: &str) -> Self {
        match value {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "declined" => Self::Declined,
            "processed" => Self::Processed,
            "failed" => Self::Failed,
            "success" => Self::Success,
            other => Self::Unknown(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Processed => "processed",
            Self::Failed => "failed",
            Self::Success => "success",
            Self::Unknown(raw) => raw,
        }
    }

    /// Nothing will change any more.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Declined | Self::Failed | Self::Success)
    }

    /// The money was collected.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Success)
    }

    pub fn is_paid(&self) -> bool {
        self.is_success()
    }

    /// The buyer accepted; the seller must activate before the gateway
    /// charges.
    pub fn can_activate(&self) -> bool {
        matches!(self, Self::Accepted)
    }

    /// Worth polling: accepted (after activation, until the gateway picks it
    /// up), processed, and unknown values (they may be transitional; the
    /// polling deadline bounds them). Pending waits on the buyer instead.
    pub fn should_poll(&self) -> bool {
        matches!(self, Self::Accepted | Self::Processed | Self::Unknown(_))
    }

    /// One step of the documented flows. Staying put is allowed; nothing
    /// leads to or from an unknown status.
    pub fn can_transition_to(&self, next: &Self) -> bool {
        if self == next {
            return !matches!(self, Self::Unknown(_));
        }
        matches!(
            (self, next),
            (Self::Pending, Self::Accepted)
                | (Self::Pending, Self::Declined)
                | (Self::Accepted, Self::Processed)
                | (Self::Processed, Self::Failed)
                | (Self::Processed, Self::Success)
        )
    }

    /// Reachable through one or more steps: what a poll may see, since it can
    /// miss intermediate statuses.
    pub fn can_reach(&self, next: &Self) -> bool {
        reachable(self, next, Self::known(), |a, b| a.can_transition_to(b))
    }

    fn known() -> &'static [Self] {
        &[
            Self::Pending,
            Self::Accepted,
            Self::Declined,
            Self::Processed,
            Self::Failed,
            Self::Success,
        ]
    }

    /// Short text for a badge.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Pending => "Waiting for confirmation",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Processed => "Processing payment",
            Self::Failed => "Payment failed",
            Self::Success => "Paid",
            Self::Unknown(_) => "Status unknown",
        }
    }

    /// [`Self::label`] in `locale`.
    pub fn label_in(&self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.label(),
            (Locale::Pl, Self::Pending) => "Oczekuje na potwierdzenie",
            (Locale::Pl, Self::Accepted) => "Zaakceptowana",
            (Locale::Pl, Self::Declined) => "Odrzucona",
            (Locale::Pl, Self::Processed) => "Przetwarzanie płatności",
            (Locale::Pl, Self::Failed) => "Płatność nieudana",
            (Locale::Pl, Self::Success) => "Opłacona",
            (Locale::Pl, Self::Unknown(_)) => "Nieznany status",
        }
    }
}

wire_string_serde!(DirectChargeStatus);

/// Status of a subscription. Flows: pending -> accepted -> processed ->
/// active -> cancelled | frozen, and pending -> declined; `past_due` (2025)
/// is an active subscription with unpaid invoices.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RecurrentChargeStatus {
    Pending,
    Accepted,
    Declined,
    Processed,
    Active,
    Frozen,
    Cancelled,
    PastDue,
    /// A value this widget does not know yet, kept as sent. Never success.
    Unknown(String),
}

impl RecurrentChargeStatus {
    /// Every status this widget knows, in the order of the flows.
    pub const KNOWN: [Self; 8] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Processed,
        Self::Active,
        Self::Frozen,
        Self::Cancelled,
        Self::PastDue,
    ];

    pub fn from_wire(value: &str) -> Self {
        match value {
            "pending" => Self::Pending,
            "accepted" => Self::Accepted,
            "declined" => Self::Declined,
            "processed" => Self::Processed,
            "active" => Self::Active,
            "frozen" => Self::Frozen,
            "cancelled" => Self::Cancelled,
            "past_due" => Self::PastDue,
            other => Self::Unknown(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Processed => "processed",
            Self::Active => "active",
            Self::Frozen => "frozen",
            Self::Cancelled => "cancelled",
            Self::PastDue => "past_due",
            Self::Unknown(raw) => raw,
        }
    }

    /// Nothing can follow. Frozen is not terminal: it can still be
    /// cancelled (with a refund).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Declined | Self::Cancelled)
    }

    /// The subscription is running and paid up.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Active)
    }

    pub fn is_paid(&self) -> bool {
        self.is_success()
    }

    /// The buyer keeps access: active, or active with unpaid invoices.
    pub fn grants_access(&self) -> bool {
        matches!(self, Self::Active | Self::PastDue)
    }

    pub fn can_accept(&self) -> bool {
        matches!(self, Self::Pending)
    }

    pub fn can_decline(&self) -> bool {
        matches!(self, Self::Pending)
    }

    pub fn can_activate(&self) -> bool {
        matches!(self, Self::Accepted)
    }

    /// A running or stuck subscription can be ended.
    pub fn can_cancel(&self) -> bool {
        matches!(self, Self::Active | Self::PastDue | Self::Frozen)
    }

    /// Worth polling: accepted (after activation), processed, and unknown
    /// values (bounded by the polling deadline).
    pub fn should_poll(&self) -> bool {
        matches!(self, Self::Accepted | Self::Processed | Self::Unknown(_))
    }

    /// One step of the documented flows plus `past_due` around `active`.
    /// Staying put is allowed; nothing leads to or from an unknown status.
    pub fn can_transition_to(&self, next: &Self) -> bool {
        if self == next {
            return !matches!(self, Self::Unknown(_));
        }
        matches!(
            (self, next),
            (Self::Pending, Self::Accepted)
                | (Self::Pending, Self::Declined)
                | (Self::Accepted, Self::Processed)
                | (Self::Processed, Self::Active)
                | (Self::Active, Self::Cancelled)
                | (Self::Active, Self::Frozen)
                | (Self::Active, Self::PastDue)
                | (Self::PastDue, Self::Active)
                | (Self::PastDue, Self::Frozen)
                | (Self::PastDue, Self::Cancelled)
                | (Self::Frozen, Self::Cancelled)
        )
    }

    /// Reachable through one or more steps.
    pub fn can_reach(&self, next: &Self) -> bool {
        reachable(self, next, Self::known(), |a, b| a.can_transition_to(b))
    }

    fn known() -> &'static [Self] {
        &[
            Self::Pending,
            Self::Accepted,
            Self::Declined,
            Self::Processed,
            Self::Active,
            Self::Frozen,
            Self::Cancelled,
            Self::PastDue,
        ]
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Pending => "Waiting for confirmation",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Processed => "Processing payment",
            Self::Active => "Active",
            Self::Frozen => "Frozen: payment could not be collected",
            Self::Cancelled => "Cancelled",
            Self::PastDue => "Past due",
            Self::Unknown(_) => "Status unknown",
        }
    }

    /// [`Self::label`] in `locale`.
    pub fn label_in(&self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.label(),
            (Locale::Pl, Self::Pending) => "Oczekuje na potwierdzenie",
            (Locale::Pl, Self::Accepted) => "Zaakceptowana",
            (Locale::Pl, Self::Declined) => "Odrzucona",
            (Locale::Pl, Self::Processed) => "Przetwarzanie płatności",
            (Locale::Pl, Self::Active) => "Aktywna",
            (Locale::Pl, Self::Frozen) => "Zamrożona: nie udało się pobrać płatności",
            (Locale::Pl, Self::Cancelled) => "Anulowana",
            (Locale::Pl, Self::PastDue) => "Zaległa płatność",
            (Locale::Pl, Self::Unknown(_)) => "Nieznany status",
        }
    }
}

wire_string_serde!(RecurrentChargeStatus);

/// Breadth-first search over a small status graph.
fn reachable<T: PartialEq>(from: &T, to: &T, all: &[T], step: impl Fn(&T, &T) -> bool) -> bool {
    if from == to {
        return step(from, to);
    }
    let mut seen: Vec<&T> = vec![from];
    let mut frontier: Vec<&T> = vec![from];
    while let Some(current) = frontier.pop() {
        for next in all {
            if next != current && step(current, next) && !seen.contains(&next) {
                if next == to {
                    return true;
                }
                seen.push(next);
                frontier.push(next);
            }
        }
    }
    false
}

/// Kind of a ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LedgerEntryType {
    /// Money added to the balance.
    Collection,
    /// Money deducted (a refund to a buyer).
    Refund,
    /// Money paid out to the developer.
    Withdrawal,
    Unknown(String),
}

impl LedgerEntryType {
    pub fn from_wire(value: &str) -> Self {
        match value {
            "collection" => Self::Collection,
            "refund" => Self::Refund,
            "withdrawal" => Self::Withdrawal,
            other => Self::Unknown(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Collection => "collection",
            Self::Refund => "refund",
            Self::Withdrawal => "withdrawal",
            Self::Unknown(raw) => raw,
        }
    }

    /// +1 adds to the balance, -1 deducts, `None` for unknown kinds (shown
    /// as sent, never guessed).
    pub fn balance_sign(&self) -> Option<i8> {
        match self {
            Self::Collection => Some(1),
            Self::Refund | Self::Withdrawal => Some(-1),
            Self::Unknown(_) => None,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Collection => "Collection",
            Self::Refund => "Refund",
            Self::Withdrawal => "Withdrawal",
            Self::Unknown(_) => "Other",
        }
    }

    /// [`Self::label`] in `locale`.
    pub fn label_in(&self, locale: Locale) -> &'static str {
        match (locale, self) {
            (Locale::En, _) => self.label(),
            (Locale::Pl, Self::Collection) => "Wpływ",
            (Locale::Pl, Self::Refund) => "Zwrot",
            (Locale::Pl, Self::Withdrawal) => "Wypłata",
            (Locale::Pl, Self::Unknown(_)) => "Inne",
        }
    }
}

wire_string_serde!(LedgerEntryType);
