//! The three HTTP APIs as data: request builders and typed responses.
//!
//! For each API (LiveChat Billing, Bidali charges, recurring billing plans)
//! pure builders turn input into an [`Endpoint`]: the [`HttpRequest`] and
//! the reader of its [`HttpResponse`] (a typed value or an [`ApiError`]).
//! One generic [`Endpoint::send`] sends any of them over any [`Transport`]:
//! the browser's fetch, the offline mock, or [`RecordingTransport`] in
//! tests.

pub mod accounts;
pub mod bidali;
mod endpoint;
pub mod error;
pub mod livechat;
pub mod plans;
pub mod transport;
pub mod wire;

pub use endpoint::{Client, Endpoint, Read};
pub use error::{ApiError, NextStep, OAuthErrorBody, Service};
pub use transport::{
    HttpRequest, HttpResponse, Method, RecordingTransport, Transport, TransportError,
};
pub use wire::{decode_json, parse_json, parse_optional_json, Timestamp, TimestampError};
