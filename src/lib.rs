//! LiveChat billing widget.
//!
//! A pure core (`domain`, `api`, `config`) that compiles and is tested on the
//! host, and a browser shell (`web`, `ui`) compiled only for wasm32.

pub mod api;
pub mod config;
pub mod domain;
pub mod i18n;
#[cfg(feature = "mock")]
pub mod mock;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

#[cfg(target_arch = "wasm32")]
pub use ui::mount;
