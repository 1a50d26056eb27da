//! The billing widget's pure core, shared by the widget and its mock backend.
//!
//! - [`domain`]: money, charges, crypto payments, plans, OAuth, polling and
//!   the return page's rules, as plain types and functions;
//! - [`api`]: the three HTTP APIs (LiveChat Billing and accounts, Bidali
//!   charges, recurring billing plans) as data: request builders, typed
//!   answers, errors, and the [`api::Transport`] seam that carries them;
//! - [`flow`]: the multi-step flows (the return page, ...) as state
//!   machines whose effects the shell performs.
//!
//! No browser crate and no I/O: everything here is tested natively.

pub mod api;
pub mod domain;
pub mod flow;
