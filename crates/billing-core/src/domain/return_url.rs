//! What comes back in URLs: the charge return (`?id=..&type=..`) and the
//! server-given `confirmation_url`, which is followed only when it is safe.

use std::borrow::Cow;
use std::fmt;

use thiserror::Error;
use url::{Host, Url};

use super::charge::{validate_id, ChargeKind, DirectChargeId, IdError, RecurrentChargeId};
use super::locale::{polish_quoted, Locale};

/// Longer inputs are refused before any parsing.
pub const MAX_URL_LEN: usize = 4096;

/// Where to look the returned id up, in order.
const DIRECT_THEN_RECURRENT: [ChargeKind; 2] = [ChargeKind::Direct, ChargeKind::Recurrent];
const DIRECT_ONLY: [ChargeKind; 1] = [ChargeKind::Direct];
const RECURRENT_ONLY: [ChargeKind; 1] = [ChargeKind::Recurrent];

/// The buyer came back from the confirmation page with this charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeReturn {
    id: String,
    kind: Option<ChargeKind>,
}

impl ChargeReturn {
    /// The charge id, already validated.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The `type` parameter, when the return URL carried one.
    pub fn kind(&self) -> Option<ChargeKind> {
        self.kind
    }

    pub fn direct_id(&self) -> DirectChargeId {
        DirectChargeId::from_validated(self.id.clone())
    }

    pub fn recurrent_id(&self) -> RecurrentChargeId {
        RecurrentChargeId::from_validated(self.id.clone())
    }

    /// The kinds to try: the given one, or direct then recurrent when `type`
    /// is missing (the docs disagree on where it appears).
    pub fn lookup_order(&self) -> &'static [ChargeKind] {
        match self.kind {
            None => &DIRECT_THEN_RECURRENT,
            Some(ChargeKind::Direct) => &DIRECT_ONLY,
            Some(ChargeKind::Recurrent) => &RECURRENT_ONLY,
        }
    }
}

/// Why a return URL was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChargeReturnError {
    #[error("the return address is too long")]
    TooLong,
    #[error("the return address does not say which charge this is")]
    MissingId,
    #[error("the return address names the {0} parameter more than once")]
    DuplicateParam(&'static str),
    #[error("the return address contains markup in the {0} parameter")]
    Markup(&'static str),
    #[error("the charge id in the return address is not valid: {0}")]
    InvalidId(IdError),
    #[error("the charge type {0:?} is not known")]
    UnknownType(String),
}

impl ChargeReturnError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon.
    pub fn message_in(&self, locale: Locale) -> String {
        match (locale, self) {
            (Locale::En, _) => self.to_string(),
            (Locale::Pl, Self::TooLong) => "adres powrotu jest za długi".to_owned(),
            (Locale::Pl, Self::MissingId) => {
                "adres powrotu nie wskazuje, której płatności dotyczy".to_owned()
            }
            (Locale::Pl, Self::DuplicateParam(name)) => format!(
                "parametr {} występuje w adresie powrotu więcej niż raz",
                polish_quoted(name)
            ),
            (Locale::Pl, Self::Markup(name)) => format!(
                "adres powrotu zawiera znaczniki w parametrze {}",
                polish_quoted(name)
            ),
            (Locale::Pl, Self::InvalidId(error)) => format!(
                "identyfikator płatności w adresie powrotu jest nieprawidłowy: {}",
                error.message_in(locale)
            ),
            (Locale::Pl, Self::UnknownType(raw)) => {
                format!("typ płatności {} jest nieznany", polish_quoted(raw))
            }
        }
    }
}

/// Reads `?id=..&type=..` from a query string (with or without `?`), a path
/// with a query, or a full URL. Other parameters (`plugin_id`, `theme`, ...)
/// are ignored; an empty `type` counts as missing.
pub fn parse_charge_return(input: &str) -> Result<ChargeReturn, ChargeReturnError> {
    if input.len() > MAX_URL_LEN {
        return Err(ChargeReturnError::TooLong);
    }
    let without_fragment = input.split('#').next().unwrap_or("");
    let query = match without_fragment.split_once('?') {
        Some((_, query)) => query,
        None => without_fragment,
    };
    let mut id: Option<Cow<'_, str>> = None;
    let mut kind: Option<Cow<'_, str>> = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let (slot, name) = match key.as_ref() {
            "id" => (&mut id, "id"),
            "type" => (&mut kind, "type"),
            _ => continue,
        };
        if slot.is_some() {
            return Err(ChargeReturnError::DuplicateParam(name));
        }
        if value.contains(['<', '>', '"', '\'', '`']) {
            return Err(ChargeReturnError::Markup(name));
        }
        *slot = Some(value);
    }
    let id = id.ok_or(ChargeReturnError::MissingId)?;
    validate_id(&id).map_err(ChargeReturnError::InvalidId)?;
    let kind = match kind.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            ChargeKind::from_param(raw)
                .ok_or_else(|| ChargeReturnError::UnknownType(raw.chars().take(40).collect()))?,
        ),
    };
    Ok(ChargeReturn {
        id: id.into_owned(),
        kind,
    })
}

/// Where LiveChat's confirmation and checkout pages live.
pub const DEFAULT_CONFIRMATION_ORIGINS: [&str; 2] = [
    "https://billing.livechatinc.com",
    "https://www.livechat.com",
];

/// Why a configured origin was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OriginConfigError {
    #[error("{0:?} is not a URL")]
    Malformed(String),
    #[error("{0:?} must use https (only a local mock may use http)")]
    NotHttps(String),
    #[error("{0:?} must be an origin only: scheme, host and port, no path, query or user")]
    NotAnOrigin(String),
}

/// An exact origin (scheme, host, port) that payment pages may come from,
/// kept in its ASCII serialisation (`https://billing.livechatinc.com`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    /// A live origin: https, a domain name, nothing after the port.
    pub fn parse(raw: &str) -> Result<Self, OriginConfigError> {
        let url = parse_origin_url(raw)?;
        if url.scheme() != "https" {
            return Err(OriginConfigError::NotHttps(raw.to_owned()));
        }
        Ok(Self(url.origin().ascii_serialization()))
    }

    /// The mock origin: as [`AllowedOrigin::parse`], or http on a loopback
    /// host (`127.0.0.1`, `localhost`, `[::1]`) with any port.
    pub fn parse_mock(raw: &str) -> Result<Self, OriginConfigError> {
        let url = parse_origin_url(raw)?;
        let loopback = match url.host() {
            Some(Host::Domain(domain)) => domain == "localhost",
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return Err(OriginConfigError::NotHttps(raw.to_owned())),
        }
        Ok(Self(url.origin().ascii_serialization()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The configured list, or the first entry that is not an origin.
    pub fn parse_list<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Self>, OriginConfigError> {
        raw.iter().map(|s| Self::parse(s.as_ref())).collect()
    }

    fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, rest)| rest);
        match rest.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => rest,
        }
    }
}

impl AsRef<str> for AllowedOrigin {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_origin_url(raw: &str) -> Result<Url, OriginConfigError> {
    let malformed = || OriginConfigError::Malformed(raw.chars().take(80).collect());
    if raw.is_empty() || !raw.is_ascii() || raw.contains(|c: char| c.is_whitespace() || c == '\\') {
        return Err(malformed());
    }
    let url = Url::parse(raw).map_err(|_| malformed())?;
    let bare = url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.host().is_some()
        && !raw.contains('@');
    if !bare {
        return Err(OriginConfigError::NotAnOrigin(
            raw.chars().take(80).collect(),
        ));
    }
    Ok(url)
}

/// Why a `confirmation_url` was not followed. The page says the payment
/// link looks unsafe; the detail is for the developer console.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UnsafeUrlError {
    #[error("the payment page address is empty")]
    Empty,
    #[error("the payment page address is too long")]
    TooLong,
    #[error("the payment page address contains spaces or control characters")]
    ControlOrWhitespace,
    #[error("the payment page address contains non-ASCII characters")]
    NonAscii,
    #[error("the payment page address contains a backslash")]
    Backslash,
    #[error("the payment page address has no scheme (it starts with //)")]
    ProtocolRelative,
    #[error("the payment page address is not a full https address")]
    NotAbsolute,
    #[error("the payment page address uses the {0:?} scheme; only https is allowed")]
    ForbiddenScheme(String),
    #[error("the payment page address must start with https://")]
    MissingSlashes,
    #[error("the payment page address has no host")]
    MissingHost,
    #[error("the payment page address contains a user name or password")]
    Userinfo,
    #[error("the payment page host is percent-encoded")]
    EncodedHost,
    #[error("the payment page address hides control characters in percent-encoding")]
    EncodedControl,
    #[error("the payment page address could not be read")]
    Malformed,
    #[error("the payment page address is not https")]
    NotHttps,
    #[error("the payment page host uses punycode and is not on the allow-list")]
    Punycode,
    #[error("the payment page host {0:?} only resembles an allowed one")]
    LookalikeHost(String),
    #[error("the payment page uses a port that is not on the allow-list")]
    UnexpectedPort,
    #[error("the payment page origin {0:?} is not on the allow-list")]
    NotAllowed(String),
}

impl UnsafeUrlError {
    /// The reason in `locale` (`Display` is the English one), a clause to
    /// put after a colon.
    pub fn message_in(&self, locale: Locale) -> String {
        let text = match (locale, self) {
            (Locale::En, _) => return self.to_string(),
            (Locale::Pl, Self::Empty) => "adres strony płatności jest pusty",
            (Locale::Pl, Self::TooLong) => "adres strony płatności jest za długi",
            (Locale::Pl, Self::ControlOrWhitespace) => {
                "adres strony płatności zawiera spacje lub znaki sterujące"
            }
            (Locale::Pl, Self::NonAscii) => "adres strony płatności zawiera znaki spoza ASCII",
            (Locale::Pl, Self::Backslash) => "adres strony płatności zawiera ukośnik wsteczny",
            (Locale::Pl, Self::ProtocolRelative) => {
                "adres strony płatności nie ma schematu (zaczyna się od //)"
            }
            (Locale::Pl, Self::NotAbsolute) => {
                "adres strony płatności nie jest pełnym adresem https"
            }
            (Locale::Pl, Self::ForbiddenScheme(scheme)) => {
                return format!(
                    "adres strony płatności używa schematu {}; dozwolony jest tylko https",
                    polish_quoted(scheme)
                )
            }
            (Locale::Pl, Self::MissingSlashes) => {
                "adres strony płatności musi zaczynać się od https://"
            }
            (Locale::Pl, Self::MissingHost) => "adres strony płatności nie ma nazwy hosta",
            (Locale::Pl, Self::Userinfo) => {
                "adres strony płatności zawiera nazwę użytkownika lub hasło"
            }
            (Locale::Pl, Self::EncodedHost) => {
                "nazwa hosta strony płatności jest zakodowana procentowo"
            }
            (Locale::Pl, Self::EncodedControl) => {
                "adres strony płatności ukrywa znaki sterujące w kodowaniu procentowym"
            }
            (Locale::Pl, Self::Malformed) => "nie udało się odczytać adresu strony płatności",
            (Locale::Pl, Self::NotHttps) => "adres strony płatności nie używa https",
            (Locale::Pl, Self::Punycode) => {
                "nazwa hosta strony płatności używa punycode i nie ma jej na liście dozwolonych"
            }
            (Locale::Pl, Self::LookalikeHost(host)) => {
                return format!(
                    "host strony płatności {} tylko przypomina dozwolony",
                    polish_quoted(host)
                )
            }
            (Locale::Pl, Self::UnexpectedPort) => {
                "strona płatności używa portu spoza listy dozwolonych"
            }
            (Locale::Pl, Self::NotAllowed(origin)) => {
                return format!(
                    "adres {} strony płatności nie jest na liście dozwolonych",
                    polish_quoted(origin)
                )
            }
        };
        text.to_owned()
    }
}

/// The confirmation pages this widget follows: the configured origins and,
/// in mock mode, the mock backend's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfirmationPolicy {
    pub allowed_origins: Vec<String>,
    /// Where a mock backend serves its confirmation page (may be http on a
    /// loopback host).
    pub mock_origin: Option<String>,
}

impl ConfirmationPolicy {
    /// [`check_confirmation_url`] against this policy.
    pub fn check(&self, raw: &str) -> Result<Url, UnsafeUrlError> {
        check_confirmation_url(raw, &self.allowed_origins, self.mock_origin.as_deref())
    }
}

/// Accepts `raw` only as an absolute `https:` URL whose exact origin is in
/// `allowed_origins` (each entry parsed with [`AllowedOrigin::parse`];
/// entries that are not https origins never match). `mock_origin` is passed
/// in mock mode only and may be http on a loopback host.
///
/// The raw text is checked before parsing because the URL parser silently
/// repairs tricks (drops tabs, turns `\` into `/`, decodes `%2e` in hosts).
pub fn check_confirmation_url<O: AsRef<str>>(
    raw: &str,
    allowed_origins: &[O],
    mock_origin: Option<&str>,
) -> Result<Url, UnsafeUrlError> {
    check_raw_text(raw)?;
    let scheme_end = raw.find(':').ok_or(UnsafeUrlError::NotAbsolute)?;
    let scheme = &raw[..scheme_end];
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return Err(UnsafeUrlError::NotAbsolute);
    }
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return Err(UnsafeUrlError::ForbiddenScheme(scheme));
    }
    let after_scheme = &raw[scheme_end + 1..];
    let rest = after_scheme
        .strip_prefix("//")
        .ok_or(UnsafeUrlError::MissingSlashes)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() {
        return Err(UnsafeUrlError::MissingHost);
    }
    if authority.contains('@') {
        return Err(UnsafeUrlError::Userinfo);
    }
    if authority.contains('%') {
        return Err(UnsafeUrlError::EncodedHost);
    }
    let url = Url::parse(raw).map_err(|_| UnsafeUrlError::Malformed)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UnsafeUrlError::Userinfo);
    }
    let host = url
        .host_str()
        .ok_or(UnsafeUrlError::MissingHost)?
        .to_owned();
    let origin = url.origin().ascii_serialization();

    let mock = mock_origin.and_then(|m| AllowedOrigin::parse_mock(m).ok());
    if mock.as_ref().is_some_and(|m| m.as_str() == origin) {
        return Ok(url);
    }
    if url.scheme() != "https" {
        return Err(UnsafeUrlError::NotHttps);
    }
    let allowed: Vec<AllowedOrigin> = allowed_origins
        .iter()
        .filter_map(|o| AllowedOrigin::parse(o.as_ref()).ok())
        .collect();
    if allowed.iter().any(|a| a.as_str() == origin) {
        return Ok(url);
    }
    Err(classify_refusal(&host, &origin, &allowed))
}

fn check_raw_text(raw: &str) -> Result<(), UnsafeUrlError> {
    if raw.trim().is_empty() {
        return Err(UnsafeUrlError::Empty);
    }
    if raw.len() > MAX_URL_LEN {
        return Err(UnsafeUrlError::TooLong);
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(UnsafeUrlError::ControlOrWhitespace);
    }
    if !raw.is_ascii() {
        return Err(UnsafeUrlError::NonAscii);
    }
    if raw.contains('\\') {
        return Err(UnsafeUrlError::Backslash);
    }
    if raw.starts_with("//") {
        return Err(UnsafeUrlError::ProtocolRelative);
    }
    if has_encoded_control(raw) {
        return Err(UnsafeUrlError::EncodedControl);
    }
    Ok(())
}

/// `%00`-`%1F`, `%7F` and an encoded backslash (`%5C`).
fn has_encoded_control(raw: &str) -> bool {
    raw.as_bytes().windows(3).any(|w| {
        if w[0] != b'%' {
            return false;
        }
        let hex = |b: u8| (b as char).to_digit(16);
        match (hex(w[1]), hex(w[2])) {
            (Some(hi), Some(lo)) => {
                let byte = hi * 16 + lo;
                byte < 0x20 || byte == 0x7f || byte == 0x5c
            }
            _ => false,
        }
    })
}

fn classify_refusal(host: &str, origin: &str, allowed: &[AllowedOrigin]) -> UnsafeUrlError {
    if allowed.iter().any(|a| a.host() == host) {
        return UnsafeUrlError::UnexpectedPort;
    }
    if host.split('.').any(|label| label.starts_with("xn--")) {
        return UnsafeUrlError::Punycode;
    }
    let resembles = allowed.iter().any(|a| {
        let allowed_host = a.host();
        host.contains(allowed_host) || allowed_host.contains(host)
    });
    if resembles {
        return UnsafeUrlError::LookalikeHost(host.to_owned());
    }
    UnsafeUrlError::NotAllowed(origin.to_owned())
}
