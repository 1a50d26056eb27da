//! Runtime configuration: `public/config.json`, parsed and validated here so
//! that every mistake in it becomes a specific message on the page.
//!
//! The file is read at start-up (not compiled in), so the default build
//! serves the offline demo and a live deployment alike. Only harmless
//! settings (`mode`, `theme`, `mock_scenario`) can be overridden from the address bar: base URLs, client ids and
//! allow-lists never come from a link someone else could craft.

use serde::Deserialize;
use thiserror::Error;
use url::Url;

use crate::api::bidali::BidaliApi;
use crate::api::livechat::{ApiVersion, BillingApi};
use crate::api::plans::PlansApi;
use crate::api::ApiError;
use crate::domain::locale::{Locale, LocaleSetting};
use crate::domain::money::Cents;
use crate::i18n::Messages;

/// Where the widget sends its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The bundled offline backend; always shown with a TEST MODE banner.
    Mock,
    /// The real LiveChat, Bidali and plans services.
    Live,
}

impl Mode {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        match raw {
            "mock" => Ok(Self::Mock),
            "live" => Ok(Self::Live),
            other => Err(ConfigError::UnknownMode(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mock => "mock",
            Self::Live => "live",
        }
    }
}

/// Colour scheme of the page. `System` follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// The Agent App passes `theme=light|dark`; anything else is ignored
    /// rather than trusted.
    pub fn from_query_value(raw: &str) -> Option<Self> {
        match raw {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            "system" => Some(Self::System),
            _ => None,
        }
    }

    /// Value of the `data-theme` attribute on `<html>`; `None` removes it.
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::System => None,
            Self::Light => Some("light"),
            Self::Dark => Some("dark"),
        }
    }
}

/// Which OAuth 2.0 grant signs the user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlow {
    /// Authorization code with PKCE (RFC 9700's advice for browser apps).
    #[default]
    Code,
    /// Implicit grant, as LiveChat's own demo widgets use it.
    Implicit,
}

/// One thing the widget sells, from the catalog in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Price of one unit in cents.
    pub price: Cents,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemKind {
    /// A direct charge. With `per_account` the quantity is the number of
    /// accounts in the buyer's organization, decided by LiveChat.
    OneTime { quantity: u32, per_account: bool },
    /// A recurrent charge billed every `months` months after `trial_days`.
    Subscription {
        months: u32,
        trial_days: u32,
        per_account: bool,
    },
}

impl ItemKind {
    /// The billing terms in words, shown next to the price (English).
    pub fn terms(&self) -> String {
        self.terms_in(Messages::of(Locale::En))
    }

    /// The billing terms in the words of a locale's catalog.
    pub fn terms_in(&self, m: &Messages) -> String {
        match *self {
            Self::OneTime {
                per_account: true, ..
            } => m.terms_once_per_agent.to_owned(),
            Self::OneTime { quantity: 1, .. } => m.terms_once.to_owned(),
            Self::OneTime { quantity, .. } => (m.terms_once_for)(quantity),
            Self::Subscription {
                months,
                trial_days,
                per_account,
            } => {
                let mut terms = (m.terms_every_months)(months);
                if per_account {
                    terms.push_str(m.terms_per_agent);
                }
                if trial_days > 0 {
                    terms.push_str(&(m.terms_trial_days)(trial_days));
                }
                terms
            }
        }
    }
}

/// The validated configuration the app runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    pub mode: Mode,
    pub currency: String,
    pub livechat: LiveChatConfig,
    pub bidali: BidaliConfig,
    pub plans: PlansConfig,
    /// Origins a charge's `confirmation_url` may point at (live mode).
    pub confirmation_origins: Vec<Url>,
    /// Origins of the LiveChat Agent App allowed to talk to the widget.
    pub host_origins: Vec<Url>,
    pub catalog: Vec<CatalogItem>,
    /// The mock's scenario at start-up, by name (the mock checks the name).
    pub mock_scenario: Option<String>,
    /// Live mode may talk to a mock backend (`mock-server`, to test a live
    /// deployment offline): its answers are taken, and the TEST MODE banner
    /// shows. Off, live mode refuses a mock's answers.
    pub allow_mock_backend: bool,
    /// The page's language: `auto` (the `?lang=` parameter, then the
    /// browser's languages) unless fixed to `en` or `pl`.
    pub locale: LocaleSetting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveChatConfig {
    pub accounts_url: Url,
    pub billing_api_url: Url,
    pub billing_api_version: String,
    pub client_id: String,
    /// `None`: the app's own address, as registered in the Developer Console.
    pub redirect_uri: Option<Url>,
    pub oauth_flow: OAuthFlow,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidaliConfig {
    pub api_url: Url,
    pub publishable_key: String,
    /// Ask Bidali's server for currency logos first (the bundled ones are
    /// the fallback either way). Off keeps the page from contacting it.
    pub remote_logos: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlansConfig {
    pub api_url: Url,
}

impl LiveChatConfig {
    /// The Billing API these settings name, or why they cannot be used.
    pub fn billing_api(&self) -> Result<BillingApi, ApiError> {
        let version = ApiVersion::parse(&self.billing_api_version)
            .ok_or_else(|| ApiError::validation("billing_api_version", "must be v1, v2 or v3"))?;
        BillingApi::new(&self.billing_api_url, version)
    }
}

impl BidaliConfig {
    /// Bidali's charges API at this address with this key.
    pub fn charges_api(&self) -> Result<BidaliApi, ApiError> {
        BidaliApi::new(&self.api_url, self.publishable_key.clone())
    }
}

impl PlansConfig {
    /// The recurring billing plans API at this address.
    pub fn plans_api(&self) -> Result<PlansApi, ApiError> {
        PlansApi::new(&self.api_url)
    }
}

/// Everything that can be wrong with the configuration, each with a message
/// that says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    #[error("The configuration file {path} was not found (HTTP {status}). Copy public/config.json next to index.html.")]
    Missing { path: String, status: u16 },
    #[error("The configuration file {path} could not be loaded: {reason}.")]
    Unreachable { path: String, reason: String },
    #[error("The configuration file is not valid JSON: {0}.")]
    InvalidJson(String),
    #[error("The configuration has a wrong or missing setting: {0}.")]
    InvalidShape(String),
    #[error("Unknown mode \"{0}\": use \"mock\" (offline demo) or \"live\" (real LiveChat).")]
    UnknownMode(String),
    #[error("{field} is not a valid URL: \"{value}\".")]
    InvalidUrl { field: String, value: String },
    #[error("{field} must use https in live mode (got \"{value}\"); only loopback addresses may use http.")]
    InsecureUrl { field: String, value: String },
    #[error(
        "{field} must be an origin such as https://example.com, with no path (got \"{value}\")."
    )]
    NotAnOrigin { field: String, value: String },
    #[error("{0} must not be empty in live mode.")]
    MissingValue(String),
    #[error("catalog item \"{id}\": {problem}.")]
    InvalidCatalogItem { id: String, problem: String },
    #[error("catalog item id \"{0}\" is used twice; ids must be unique.")]
    DuplicateCatalogItem(String),
    #[error("\"{0}\" is not a mock scenario name: use lowercase letters, digits and underscores, as in \"card_declined\".")]
    InvalidScenario(String),
    /// The mock backend refused the scenario; `reason` is its own words.
    #[error("The mock backend does not know the scenario \"{given}\" ({reason}).")]
    UnknownScenario { given: String, reason: String },
    #[error("Unknown locale \"{0}\": use \"auto\" (the browser's language), \"en\" or \"pl\".")]
    UnknownLocale(String),
}

pub use crate::domain::oauth::DEMO_CLIENT_ID;

impl AppConfig {
    /// Whether the APIs behind this configuration are a mock backend: the
    /// demo's (mock mode), or one live mode was told to accept.
    pub fn uses_mock_backend(&self) -> bool {
        self.mode == Mode::Mock || self.allow_mock_backend
    }

    /// The OAuth client id to sign in with: the configured one, or
    /// [`DEMO_CLIENT_ID`] in mock mode when none is set.
    pub fn oauth_client_id(&self) -> &str {
        let configured = self.livechat.client_id.trim();
        if configured.is_empty() && self.mode == Mode::Mock {
            DEMO_CLIENT_ID
        } else {
            configured
        }
    }

    /// Parses and validates the JSON text of `config.json`.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|err| {
            if err.is_syntax() || err.is_eof() {
                ConfigError::InvalidJson(err.to_string())
            } else {
                ConfigError::InvalidShape(err.to_string())
            }
        })?;
        raw.validate()
    }

    /// Applies the overrides the address bar may carry (`?mode=`,
    /// `?mock_scenario=`). A live configuration can be switched to the mock
    /// for a demo; the reverse needs live settings, which validation then
    /// checks.
    pub fn with_overrides(self, overrides: &QueryOverrides) -> Result<Self, ConfigError> {
        let mut config = self;
        if let Some(scenario) = &overrides.mock_scenario {
            config.mock_scenario = Some(scenario.clone());
        }
        match overrides.mode {
            Some(mode) if mode != config.mode => {
                config.mode = mode;
                config.check_mode_requirements()?;
                Ok(config)
            }
            _ => Ok(config),
        }
    }

    fn check_mode_requirements(&self) -> Result<(), ConfigError> {
        if self.mode == Mode::Mock {
            return Ok(());
        }
        let lc = &self.livechat;
        require_secure("livechat.accounts_url", &lc.accounts_url)?;
        require_secure("livechat.billing_api_url", &lc.billing_api_url)?;
        if let Some(redirect) = &lc.redirect_uri {
            require_secure("livechat.redirect_uri", redirect)?;
        }
        require_secure("bidali.api_url", &self.bidali.api_url)?;
        require_secure("plans.api_url", &self.plans.api_url)?;
        for origin in &self.confirmation_origins {
            require_secure("confirmation_origins", origin)?;
        }
        if lc.client_id.trim().is_empty() {
            return Err(ConfigError::MissingValue("livechat.client_id".into()));
        }
        Ok(())
    }
}

/// The settings the address bar may override, parsed from `location.search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOverrides {
    pub mode: Option<Mode>,
    pub theme: Option<Theme>,
    pub mock_scenario: Option<String>,
}

impl QueryOverrides {
    /// Reads `mode` and `theme` from a query string (with or without `?`).
    /// An unknown `mode` is an error (someone asked for something that does
    /// not exist); an unknown `theme` is ignored, as the Agent App may add
    /// values this widget does not know.
    pub fn parse(query: &str) -> Result<Self, ConfigError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut overrides = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "mode" => overrides.mode = Some(Mode::parse(&value)?),
                "mock_scenario" => overrides.mock_scenario = Some(check_scenario(&value)?),
                "theme" => overrides.theme = Theme::from_query_value(&value).or(overrides.theme),
                _ => {}
            }
        }
        Ok(overrides)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    mode: String,
    #[serde(default = "default_currency")]
    currency: String,
    livechat: RawLiveChat,
    bidali: RawBidali,
    plans: RawPlans,
    #[serde(default)]
    confirmation_origins: Vec<String>,
    #[serde(default)]
    host_origins: Vec<String>,
    #[serde(default)]
    catalog: Vec<RawItem>,
    #[serde(default)]
    mock_scenario: Option<String>,
    #[serde(default)]
    allow_mock_backend: bool,
    #[serde(default)]
    locale: Option<String>,
}

fn default_currency() -> String {
    "USD".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLiveChat {
    accounts_url: String,
    billing_api_url: String,
    #[serde(default = "default_api_version")]
    billing_api_version: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    oauth_flow: OAuthFlow,
}

fn default_api_version() -> String {
    "v1".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBidali {
    api_url: String,
    #[serde(default)]
    publishable_key: String,
    #[serde(default = "default_true")]
    remote_logos: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlans {
    api_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    name: String,
    #[serde(default)]
    description: String,
    /// Cents, as the Billing API takes them.
    price: i64,
    kind: RawItemKind,
    #[serde(default)]
    quantity: Option<u32>,
    #[serde(default)]
    per_account: bool,
    #[serde(default)]
    months: Option<u32>,
    #[serde(default)]
    trial_days: Option<u32>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawItemKind {
    OneTime,
    Subscription,
}

impl RawConfig {
    fn validate(self) -> Result<AppConfig, ConfigError> {
        let mode = Mode::parse(&self.mode)?;
        let currency = self.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ConfigError::InvalidShape(format!(
                "currency must be a three-letter ISO 4217 code such as USD (got \"{}\")",
                self.currency
            )));
        }
        let version = self.livechat.billing_api_version;
        if !matches!(version.as_str(), "v1" | "v2" | "v3") {
            return Err(ConfigError::InvalidShape(format!(
                "livechat.billing_api_version must be v1, v2 or v3 (got \"{version}\")"
            )));
        }
        let livechat = LiveChatConfig {
            accounts_url: parse_url("livechat.accounts_url", &self.livechat.accounts_url)?,
            billing_api_url: parse_url("livechat.billing_api_url", &self.livechat.billing_api_url)?,
            billing_api_version: version,
            client_id: self.livechat.client_id,
            redirect_uri: self
                .livechat
                .redirect_uri
                .as_deref()
                .map(|raw| parse_url("livechat.redirect_uri", raw))
                .transpose()?,
            oauth_flow: self.livechat.oauth_flow,
        };
        let config = AppConfig {
            mode,
            currency,
            livechat,
            bidali: BidaliConfig {
                api_url: parse_url("bidali.api_url", &self.bidali.api_url)?,
                publishable_key: self.bidali.publishable_key,
                remote_logos: self.bidali.remote_logos,
            },
            plans: PlansConfig {
                api_url: parse_url("plans.api_url", &self.plans.api_url)?,
            },
            confirmation_origins: parse_origins(
                "confirmation_origins",
                &self.confirmation_origins,
            )?,
            host_origins: parse_origins("host_origins", &self.host_origins)?,
            catalog: validate_catalog(self.catalog)?,
            allow_mock_backend: self.allow_mock_backend,
            mock_scenario: self
                .mock_scenario
                .as_deref()
                .map(check_scenario)
                .transpose()?,
            locale: match self.locale.as_deref() {
                None => LocaleSetting::Auto,
                Some(raw) => LocaleSetting::parse(raw)
                    .ok_or_else(|| ConfigError::UnknownLocale(raw.to_owned()))?,
            },
        };
        config.check_mode_requirements()?;
        Ok(config)
    }
}

/// A well-formed scenario name. Which names exist is the mock backend's to
/// say: it refuses an unknown one when the widget starts in mock mode.
fn check_scenario(raw: &str) -> Result<String, ConfigError> {
    let well_formed = (1..=64).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if well_formed {
        Ok(raw.to_owned())
    } else {
        Err(ConfigError::InvalidScenario(raw.to_owned()))
    }
}

fn parse_url(field: &str, raw: &str) -> Result<Url, ConfigError> {
    let invalid = || ConfigError::InvalidUrl {
        field: field.to_owned(),
        value: raw.to_owned(),
    };
    let url = Url::parse(raw.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(invalid());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid());
    }
    Ok(url)
}

fn parse_origins(field: &str, raws: &[String]) -> Result<Vec<Url>, ConfigError> {
    raws.iter()
        .map(|raw| {
            let url = parse_url(field, raw)?;
            let is_bare_origin =
                url.path() == "/" && url.query().is_none() && url.fragment().is_none();
            if !is_bare_origin {
                return Err(ConfigError::NotAnOrigin {
                    field: field.to_owned(),
                    value: raw.clone(),
                });
            }
            Ok(url)
        })
        .collect()
}

/// Live traffic carries tokens and money: https only, except on this
/// machine's loopback addresses where a developer runs a local server.
fn require_secure(field: &str, url: &Url) -> Result<(), ConfigError> {
    if url.scheme() == "https" || is_loopback(url) {
        return Ok(());
    }
    Err(ConfigError::InsecureUrl {
        field: field.to_owned(),
        value: url.as_str().to_owned(),
    })
}

/// `localhost`, 127.0.0.0/8 and `[::1]`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The largest price one catalog line may carry: a sanity bound that
/// catches a price typed in dollars where cents were meant.
const MAX_ITEM_PRICE_CENTS: i64 = 100_000_000;

fn validate_catalog(items: Vec<RawItem>) -> Result<Vec<CatalogItem>, ConfigError> {
    let mut seen = Vec::with_capacity(items.len());
    let mut catalog = Vec::with_capacity(items.len());
    for item in items {
        let bad = |problem: &str| ConfigError::InvalidCatalogItem {
            id: item.id.clone(),
            problem: problem.to_owned(),
        };
        let id_ok = !item.id.is_empty()
            && item.id.len() <= 64
            && item
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok {
            return Err(bad("the id must be 1 to 64 letters, digits, '-' or '_'"));
        }
        if seen.contains(&item.id) {
            return Err(ConfigError::DuplicateCatalogItem(item.id));
        }
        if item.name.trim().is_empty() {
            return Err(bad("the name must not be empty"));
        }
        if item.price <= 0 {
            return Err(bad("the price must be a positive number of cents"));
        }
        if item.price > MAX_ITEM_PRICE_CENTS {
            return Err(bad(
                "the price is too large; prices are in cents (9900 is 99.00)",
            ));
        }
        let kind = match item.kind {
            RawItemKind::OneTime => {
                if item.months.is_some() || item.trial_days.is_some() {
                    return Err(bad("months and trial_days apply to subscriptions only"));
                }
                let quantity = item.quantity.unwrap_or(1);
                if quantity == 0 {
                    return Err(bad("the quantity must be at least 1"));
                }
                ItemKind::OneTime {
                    quantity,
                    per_account: item.per_account,
                }
            }
            RawItemKind::Subscription => {
                if item.quantity.is_some() {
                    return Err(bad("a subscription has no quantity; use months"));
                }
                let months = item.months.unwrap_or(1);
                if !(1..=12).contains(&months) {
                    return Err(bad("months must be between 1 and 12"));
                }
                let trial_days = item.trial_days.unwrap_or(0);
                if trial_days > 365 {
                    return Err(bad("trial_days must be at most 365"));
                }
                ItemKind::Subscription {
                    months,
                    trial_days,
                    per_account: item.per_account,
                }
            }
        };
        seen.push(item.id.clone());
        catalog.push(CatalogItem {
            id: item.id,
            name: item.name.trim().to_owned(),
            description: item.description,
            price: Cents::new(item.price),
            kind,
        });
    }
    Ok(catalog)
}
