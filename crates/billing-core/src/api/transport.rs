//! HTTP as plain data. Request builders produce an [`HttpRequest`], parsers
//! read an [`HttpResponse`], and a [`Transport`] carries one to the other: the
//! browser's `fetch`, the offline mock, or the [`RecordingTransport`] of the
//! tests. Nothing here performs I/O.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::rc::Rc;

use thiserror::Error;
use url::Url;

/// The HTTP methods the three APIs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    /// Exact upper-case names only, as they appear on the wire.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "GET" => Some(Self::Get),
            "POST" => Some(Self::Post),
            "PUT" => Some(Self::Put),
            "PATCH" => Some(Self::Patch),
            "DELETE" => Some(Self::Delete),
            _ => None,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Finds a header by name, ignoring ASCII case as HTTP does.
fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A request ready to send. Plain data, so a test can compare it field by
/// field and the mock backend can answer it without a network.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets a JSON body and its content type.
    pub fn with_json_body(mut self, body: String) -> Self {
        self.headers
            .push(("Content-Type".to_owned(), "application/json".to_owned()));
        self.body = Some(body);
        self
    }

    /// The first header with this name, any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Decoded query parameters, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.url.query_pairs().into_owned().collect()
    }

    /// The body parsed as JSON, when there is one and it parses.
    pub fn json_body(&self) -> Option<serde_json::Value> {
        self.body
            .as_deref()
            .and_then(|body| serde_json::from_str(body).ok())
    }
}

/// Bearer tokens must not end up in logs: `Debug` redacts `Authorization`.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                if name.eq_ignore_ascii_case("authorization") {
                    (name.as_str(), "<redacted>")
                } else {
                    (name.as_str(), value.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// What came back: any status, any body. Classifying it is the parsers' job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// A JSON answer, as servers send them.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status, body.to_string()).with_header("Content-Type", "application/json")
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The request never got an answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransportError {
    /// Offline, DNS, TLS, CORS, connection reset: the message is for logs.
    #[error("network error: {0}")]
    Network(String),
    #[error("the request timed out")]
    Timeout,
}

/// The header the bundled mock backend puts on every answer, in the page and
/// over HTTP alike, so live mode can tell it from a real server.
pub const MOCK_BACKEND_HEADER: &str = "X-Mock-Backend";

/// What live mode makes of an answer: one from the mock backend becomes a
/// refusal (421, Misdirected Request), so a live configuration that points
/// at the mock (`mock-server` on loopback, say) fails loudly instead of
/// passing test charges off as real ones.
pub fn refuse_mock_backend(response: HttpResponse) -> HttpResponse {
    if response.header(MOCK_BACKEND_HEADER).is_none() {
        return response;
    }
    HttpResponse::json(
        421,
        &serde_json::json!({
            "error": "mock_backend",
            "error_description": "this address is the widget's mock backend, which live mode \
                                  does not use; point config.json at the real service or use \
                                  mock mode",
        }),
    )
}

/// Waits before repeating a read that failed fast, by attempt.
pub const READ_RETRY_DELAYS_MS: [u64; 2] = [400, 1_200];

/// Whether a request is worth repeating by itself after `outcome`, and after
/// how many milliseconds (`attempt` counts repeats already made; `jitter`,
/// from 0 to 1000, shortens the wait by up to a quarter so clients spread
/// out). Only reads (`GET`), and only failures that say "again soon": a
/// network error, 502, 503 or 504. Never a write (a repeated create could
/// charge twice), never a timeout (the buyer already waited for it), never
/// an answer the server meant.
pub fn read_retry_delay(
    method: Method,
    outcome: &Result<HttpResponse, TransportError>,
    attempt: usize,
    jitter: u32,
) -> Option<u64> {
    if method != Method::Get {
        return None;
    }
    let transient = match outcome {
        Err(TransportError::Network(_)) => true,
        Err(TransportError::Timeout) => false,
        Ok(response) => matches!(response.status, 502..=504),
    };
    let delay = *READ_RETRY_DELAYS_MS.get(attempt).filter(|_| transient)?;
    Some(delay - delay * u64::from(jitter.min(1000)) / 4000)
}

/// Sends one request and yields its response.
///
/// No `Send` bound: in the browser futures hold JS values and are `!Send`,
/// and the native mock server drives each request on one thread. An
/// implementation may write `async fn send`.
pub trait Transport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
}

impl<T: Transport + ?Sized> Transport for Rc<T> {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> {
        (**self).send(request)
    }
}

/// The test double: answers from a queue of canned responses and records
/// every request it was given. Synchronous, so its futures are ready at once
/// and a test needs no async runtime.
///
/// With nothing queued it answers with a network error rather than panic,
/// so a test that sends one request too many fails on its assertions.
#[derive(Debug, Default)]
pub struct RecordingTransport {
    responses: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    requests: RefCell<Vec<HttpRequest>>,
}

impl RecordingTransport {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a response (builder style).
    pub fn with_response(self, response: HttpResponse) -> Self {
        self.push_response(response);
        self
    }

    pub fn push_response(&self, response: HttpResponse) {
        self.responses.borrow_mut().push_back(Ok(response));
    }

    pub fn push_json(&self, status: u16, body: &serde_json::Value) {
        self.push_response(HttpResponse::json(status, body));
    }

    pub fn push_error(&self, error: TransportError) {
        self.responses.borrow_mut().push_back(Err(error));
    }

    /// Every request sent so far, oldest first.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }

    pub fn last_request(&self) -> Option<HttpRequest> {
        self.requests.borrow().last().cloned()
    }

    /// Responses queued but not used yet.
    pub fn pending_responses(&self) -> usize {
        self.responses.borrow().len()
    }
}

impl Transport for RecordingTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> {
        self.requests.borrow_mut().push(request);
        let next = self.responses.borrow_mut().pop_front().unwrap_or_else(|| {
            Err(TransportError::Network(
                "RecordingTransport has no response queued".to_owned(),
            ))
        });
        std::future::ready(next)
    }
}
