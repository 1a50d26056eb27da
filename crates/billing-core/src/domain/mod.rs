//! Pure types and rules: no I/O, no browser APIs. Everything here is tested
//! natively with `cargo test`.

pub mod agent_app;
pub mod calendar;
pub mod charge;
pub mod checkout;
pub mod crypto;
pub mod crypto_checkout;
pub mod locale;
pub mod money;
pub mod oauth;
pub mod ordering;
pub mod plan;
pub mod polling;
pub mod qr;
pub mod relay;
pub mod return_url;
pub mod secret;
