//! LiveChat permissions (scopes) and their comma-separated list form.

use std::fmt;

/// A LiveChat permission. Unknown scopes are kept, never dropped, so a token
/// is described faithfully.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Create and manage the app's own charges.
    BillingManage,
    /// Charges for other clients, commission.
    BillingAdmin,
    /// Ledger and balance.
    LedgerRead,
    Other(String),
}

impl Scope {
    pub fn parse(value: &str) -> Self {
        match value {
            "billing_manage" => Self::BillingManage,
            "billing_admin" => Self::BillingAdmin,
            "ledger_read" => Self::LedgerRead,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::BillingManage => "billing_manage",
            Self::BillingAdmin => "billing_admin",
            Self::LedgerRead => "ledger_read",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Splits LiveChat's comma-separated scope list; spaces (the RFC 6749 form)
/// are accepted too, empty entries skipped.
pub fn parse_scope_list(value: &str) -> Vec<Scope> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(Scope::parse)
        .collect()
}

/// Joins scopes the way LiveChat writes them (comma-separated).
pub fn format_scope_list(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) mod scope_list {
    use super::{format_scope_list, parse_scope_list, Scope};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(scopes: &[Scope], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_scope_list(scopes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Scope>, D::Error> {
        let raw = Option::<String>::deserialize(deserializer)?;
        Ok(raw.as_deref().map(parse_scope_list).unwrap_or_default())
    }
}
