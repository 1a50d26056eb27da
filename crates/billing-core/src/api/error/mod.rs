//! One error type for the three APIs, classified so that the UI can say what
//! happened in a buyer's words, pick the right button, and know whether
//! retrying could help. No response body can make this code panic.

use std::fmt;

use serde_json::Value;
use thiserror::Error;

use super::transport::{HttpResponse, TransportError};
use crate::domain::polling::parse_retry_after;

mod wording;

/// Longest piece of a non-JSON error body kept for the logs.
pub const SNIPPET_LEN: usize = 200;
/// Longest server-written description shown to a buyer.
const DESCRIPTION_LEN: usize = 300;

/// An error body in OAuth style (`{"error": "invalid_request",
/// "error_description": "..."}`), as the LiveChat APIs send them. Bidali's
/// `{"name": "NotFound", "message": "..."}` and a bare `{"message": "..."}`
/// are read into the same two fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthErrorBody {
    pub error: String,
    pub error_description: Option<String>,
}

impl OAuthErrorBody {
    /// `None` when the body is not a JSON object with an error in it.
    pub fn parse(body: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(body.trim()).ok()?;
        let object = value.as_object()?;
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| clip(s, DESCRIPTION_LEN))
        };
        match object.get("error") {
            Some(Value::String(code)) if !code.trim().is_empty() => {
                return Some(Self {
                    error: clip(code.trim(), DESCRIPTION_LEN),
                    error_description: text("error_description").or_else(|| text("message")),
                });
            }
            // `{"error": {"type": "...", "message": "..."}}`
            Some(Value::Object(inner)) => {
                let inner_text = |key: &str| {
                    inner
                        .get(key)
                        .and_then(Value::as_str)
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| clip(s.trim(), DESCRIPTION_LEN))
                };
                let description = inner_text("message").or_else(|| inner_text("description"));
                let code = inner_text("type")
                    .or_else(|| inner_text("code"))
                    .or_else(|| inner_text("name"));
                if code.is_some() || description.is_some() {
                    return Some(Self {
                        error: code.unwrap_or_else(|| "error".to_owned()),
                        error_description: description,
                    });
                }
            }
            _ => {}
        }
        let message = text("message")?;
        Some(Self {
            error: text("className")
                .or_else(|| text("name"))
                .unwrap_or_else(|| "error".to_owned()),
            error_description: Some(message),
        })
    }

    /// Error code and description together, lower-cased, for matching.
    fn haystack(&self) -> String {
        format!(
            "{} {}",
            self.error,
            self.error_description.as_deref().unwrap_or("")
        )
        .to_ascii_lowercase()
    }
}

/// What the buyer can do about an error; the UI picks its button from it.
/// Broader than `oauth::NextStep`, which covers sign-in errors only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Try the same thing again now.
    Retry,
    /// Wait, then try again; the seconds when the server said how long.
    WaitAndRetry { after_secs: Option<u64> },
    /// The network failed: check the connection, then retry.
    CheckConnection,
    /// The sign-in expired or was revoked.
    SignInAgain,
    /// Correct an input; the field when it is known (API name).
    FixField { field: Option<String> },
    /// The data changed meanwhile: reload it before going on.
    Reload,
    /// Nothing the buyer can fix: the app's owner must change a setting.
    ContactAppOwner,
}

/// Any failure of an API call, naming the service it came from (every
/// variant but [`ApiError::Validation`], which is caught before sending).
/// `Display` is for logs; show [`user_message_in`](ApiError::user_message_in)
/// to people.
///
/// Readers of answers and the transport make errors about the billing
/// service; [`Endpoint::send`](super::Endpoint::send) names the service of
/// its API on every error it returns ([`ApiError::with_service`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    /// No answer: offline, DNS, TLS, CORS.
    #[error("network error from the {}: {message}", service.name_en())]
    Network { service: Service, message: String },
    #[error("the {} timed out", service.name_en())]
    Timeout { service: Service },
    /// A non-2xx answer. `body` when it was an error object, `snippet` (the
    /// start of the body) when it was anything else.
    #[error("HTTP {status} from the {}{}", service.name_en(), http_detail(.body.as_ref(), .snippet.as_deref()))]
    Http {
        service: Service,
        status: u16,
        body: Option<OAuthErrorBody>,
        snippet: Option<String>,
        /// `Retry-After` in seconds, kept on 429 and 503.
        retry_after_secs: Option<u64>,
    },
    /// An HTML page where JSON was expected: a proxy error page, a login
    /// wall, or a base URL pointing at a website.
    #[error("HTTP {status} from the {}: an HTML page instead of JSON{}", service.name_en(), title_detail(.title.as_deref()))]
    HtmlBody {
        service: Service,
        status: u16,
        title: Option<String>,
        retry_after_secs: Option<u64>,
    },
    /// A 2xx answer whose body does not fit the model. `path` names the
    /// field (`result[2].status`); empty for the body as a whole.
    #[error("unreadable response from the {} at {}: {message}", service.name_en(), display_path(.path))]
    Decode {
        service: Service,
        path: String,
        message: String,
    },
    /// Bad input caught before sending; `field` is the API's name for it.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },
}

fn http_detail(body: Option<&OAuthErrorBody>, snippet: Option<&str>) -> String {
    match (body, snippet) {
        (Some(body), _) => match &body.error_description {
            Some(description) => format!(": {} ({description})", body.error),
            None => format!(": {}", body.error),
        },
        (None, Some(snippet)) => format!(": {snippet}"),
        (None, None) => String::new(),
    }
}

fn title_detail(title: Option<&str>) -> String {
    title.map(|t| format!(" ({t})")).unwrap_or_default()
}

fn display_path(path: &str) -> &str {
    if path.is_empty() {
        "the top level"
    } else {
        path
    }
}

/// At most `max` characters, control characters replaced by spaces.
fn clip(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// Whether a response is an HTML page (by content type or by its start).
pub(crate) fn is_html(response: &HttpResponse) -> bool {
    let by_type = response
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("text/html"));
    let start: String = response
        .body
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    by_type
        || ["<!doctype html", "<html", "<head", "<body", "<title"]
            .iter()
            .any(|tag| start.starts_with(tag))
}

/// The text of `<title>`, if the page has one.
fn html_title(body: &str) -> Option<String> {
    let lower = body.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower.get(open..)?.find('>')? + 1;
    let end = start + lower.get(start..)?.find("</title")?;
    let title = body
        .get(start..end)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| clip(&title, 120))
}

/// Scopes a 403 body may name, with what each lets the app do.
const SCOPES: [(&str, &str); 3] = [
    ("billing_manage", "create and manage charges"),
    ("billing_admin", "manage charges for other apps"),
    ("ledger_read", "read the earnings ledger and balance"),
];

/// Request fields an error description may name, matched as whole words.
const FIELD_NAMES: [&str; 18] = [
    "return_url",
    "trial_days",
    "per_account",
    "quantity",
    "months",
    "price",
    "name",
    "amount",
    "currency",
    "description",
    "customer",
    "email",
    "metadata",
    "accountId",
    "taxAmount",
    "billingCycleType",
    "isActive",
    "code",
];

/// The first word of `text` that is a request field's name.
fn named_field(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find_map(|word| {
            FIELD_NAMES
                .iter()
                .find(|field| word.eq_ignore_ascii_case(field))
        })
        .map(|field| (*field).to_owned())
}

/// Which service answered, so that a message names the one the buyer was
/// dealing with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Service {
    /// LiveChat's Billing API and the plans API, reached with the LiveChat
    /// sign-in.
    #[default]
    Billing,
    /// Bidali's crypto payments, reached with the app's publishable key.
    CryptoPayments,
    /// LiveChat's accounts service: the sign-in's token exchange.
    Accounts,
}

impl Service {
    /// The service's name after "the".
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Billing => "billing service",
            Self::CryptoPayments => "crypto payment service",
            Self::Accounts => "sign-in service",
        }
    }

    /// What follows "usługa" in Polish; it does not decline.
    fn kind_pl(self) -> &'static str {
        match self {
            Self::Billing => "rozliczeń",
            Self::CryptoPayments => "płatności kryptowalutami",
            Self::Accounts => "logowania",
        }
    }

    /// A refused token (401) means the LiveChat sign-in must be renewed.
    pub fn signs_in_with_livechat(self) -> bool {
        matches!(self, Self::Billing | Self::Accounts)
    }
}

impl From<TransportError> for ApiError {
    fn from(error: TransportError) -> Self {
        match error {
            TransportError::Network(message) => Self::Network {
                service: Service::Billing,
                message,
            },
            TransportError::Timeout => Self::Timeout {
                service: Service::Billing,
            },
        }
    }
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Classifies a response that is not a usable success: an error status,
    /// or an HTML page whatever its status.
    pub fn from_response(response: &HttpResponse) -> Self {
        let status = response.status;
        let retry_after_secs = if matches!(status, 429 | 503) {
            response
                .header("retry-after")
                .and_then(|value| parse_retry_after(value).ok())
        } else {
            None
        };
        if is_html(response) {
            return Self::HtmlBody {
                service: Service::Billing,
                status,
                title: html_title(&response.body),
                retry_after_secs,
            };
        }
        let body = OAuthErrorBody::parse(&response.body);
        let snippet = match body {
            Some(_) => None,
            None => {
                let trimmed = response.body.trim();
                (!trimmed.is_empty()).then(|| clip(trimmed, SNIPPET_LEN))
            }
        };
        Self::Http {
            service: Service::Billing,
            status,
            body,
            snippet,
            retry_after_secs,
        }
    }

    /// An answer of `status` with no body: how a test or a shell speaks of
    /// a bare refusal (a token it does not have is refused as 401).
    pub fn status_only(service: Service, status: u16) -> Self {
        Self::Http {
            service,
            status,
            body: None,
            snippet: None,
            retry_after_secs: None,
        }
    }

    /// A 2xx answer that does not fit the model at `path`.
    pub fn decode(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Decode {
            service: Service::Billing,
            path: path.into(),
            message: message.into(),
        }
    }

    /// The service the error came from; `None` for input refused before
    /// sending.
    pub fn service(&self) -> Option<Service> {
        match self {
            Self::Network { service, .. }
            | Self::Timeout { service }
            | Self::Http { service, .. }
            | Self::HtmlBody { service, .. }
            | Self::Decode { service, .. } => Some(*service),
            Self::Validation { .. } => None,
        }
    }

    /// The same error, as coming from `service`.
    pub fn with_service(mut self, from: Service) -> Self {
        match &mut self {
            Self::Network { service, .. }
            | Self::Timeout { service }
            | Self::Http { service, .. }
            | Self::HtmlBody { service, .. }
            | Self::Decode { service, .. } => *service = from,
            Self::Validation { .. } => {}
        }
        self
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { status, .. } | Self::HtmlBody { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the same request may succeed later: network failures,
    /// timeouts, 408, 425, 429 and 5xx. Never other 4xx, bad bodies or bad
    /// input.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Network { .. } | Self::Timeout { .. } => true,
            Self::Http { status, .. } | Self::HtmlBody { status, .. } => {
                matches!(status, 408 | 425 | 429 | 500..=599)
            }
            Self::Decode { .. } | Self::Validation { .. } => false,
        }
    }

    /// The request field a refusal (400, 422, or input checked before
    /// sending) names, by its API name (`quantity`), so a form can mark it.
    pub fn field_at_fault(&self) -> Option<String> {
        match self {
            Self::Validation { field, .. } => Some(field.clone()),
            Self::Http {
                status: 400 | 422,
                body: Some(body),
                ..
            } => named_field(&body.haystack()),
            _ => None,
        }
    }

    /// Whether a write that failed this way may still have been carried
    /// out: no answer, an unreadable success, or a server error that can
    /// come after the work (500, or a gateway's 502 or 504 while the server
    /// went on). A refusal (4xx, or 503 before any work) means it was not.
    /// Before a write like this is tried again, look for what it made.
    pub fn write_may_have_happened(&self) -> bool {
        match self {
            Self::Network { .. } | Self::Timeout { .. } | Self::Decode { .. } => true,
            Self::Http { status, .. } | Self::HtmlBody { status, .. } => {
                matches!(status, 200..=299 | 500 | 502 | 504)
            }
            Self::Validation { .. } => false,
        }
    }

    /// Seconds the server asked to wait (`Retry-After` on 429 or 503).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Http {
                retry_after_secs, ..
            }
            | Self::HtmlBody {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }

    /// The 403 body names a scope the sign-in lacks.
    pub fn missing_scope(&self) -> Option<&'static str> {
        let Self::Http {
            status: 403,
            body: Some(body),
            ..
        } = self
        else {
            return None;
        };
        let haystack = body.haystack();
        SCOPES
            .iter()
            .find(|(scope, _)| haystack.contains(scope))
            .map(|(scope, _)| *scope)
    }

    /// What the buyer can do next.
    pub fn next_step(&self) -> NextStep {
        match self {
            Self::Network { .. } => NextStep::CheckConnection,
            Self::Timeout { .. } => NextStep::Retry,
            Self::Http { status, body, .. } => self.status_step(*status, body.as_ref()),
            Self::HtmlBody { status, .. } if *status >= 400 => self.status_step(*status, None),
            Self::HtmlBody { .. } | Self::Decode { .. } => NextStep::ContactAppOwner,
            Self::Validation { field, .. } => NextStep::FixField {
                field: Some(field.clone()),
            },
        }
    }

    /// [`Self::next_step`] when the request only read data: an answer that
    /// could not be read (cut off, or a proxy's page) may read fine next
    /// time, and repeating a read cannot charge anyone.
    pub fn next_step_of_read(&self) -> NextStep {
        match self {
            Self::Decode { .. } => NextStep::Retry,
            Self::HtmlBody { status, .. } if *status < 400 => NextStep::Retry,
            _ => self.next_step(),
        }
    }

    fn status_step(&self, status: u16, body: Option<&OAuthErrorBody>) -> NextStep {
        match status {
            400 | 422 => NextStep::FixField {
                field: body.and_then(|b| named_field(&b.haystack())),
            },
            401 => NextStep::SignInAgain,
            409 => NextStep::Reload,
            408 => NextStep::Retry,
            425 | 429 | 503 => NextStep::WaitAndRetry {
                after_secs: self.retry_after_secs(),
            },
            500..=599 => NextStep::Retry,
            _ => NextStep::ContactAppOwner,
        }
    }
}

impl fmt::Display for NextStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self {
            Self::Retry | Self::WaitAndRetry { .. } => "Try again",
            Self::CheckConnection => "Check connection and retry",
            Self::SignInAgain => "Sign in again",
            Self::FixField { .. } => "Fix and resend",
            Self::Reload => "Reload",
            Self::ContactAppOwner => "Contact the app owner",
        };
        f.write_str(label)
    }
}
