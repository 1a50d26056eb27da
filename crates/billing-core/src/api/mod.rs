//! The three HTTP APIs as data: request builders and typed responses.
//!
//! For each API (LiveChat Billing, Bidali charges, recurring billing plans)
//! pure builders turn input into an [`HttpRequest`], pure parsers turn an
//! [`HttpResponse`] into a typed value or an [`ApiError`], and a thin async
//! client joins the two over any [`Transport`]: the browser's fetch, the
//! offline mock, or [`RecordingTransport`] in tests.

pub mod accounts;
pub mod bidali;
pub mod error;
pub mod livechat;
pub mod plans;
pub mod transport;
pub mod wire;

pub use error::{ApiError, NextStep, OAuthErrorBody, Service};
pub use transport::{
    HttpRequest, HttpResponse, Method, RecordingTransport, Transport, TransportError,
};
pub use wire::{decode_json, parse_json, parse_optional_json, Timestamp, TimestampError};
