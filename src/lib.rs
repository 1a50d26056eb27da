//! LiveChat billing widget.
//!
//! The rules and the API models live in the `billing-core` crate (re-exported
//! here as [`domain`] and [`api`]); this crate holds the widget's runtime
//! configuration, texts and route table, which compile and are tested on the host, and
//! its browser shell (`web`, `ui`), compiled only for wasm32.

pub use billing_core::{api, domain, flow};

pub mod config;
pub mod i18n;
pub mod routes;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub use ui::mount;
