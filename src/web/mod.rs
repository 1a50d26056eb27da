//! The browser shell: effects only (fetch, DOM attributes, performance
//! marks). Decisions live in `config` and `domain`.

pub mod agent_app;
pub mod backend;
pub mod clipboard;
pub mod config_loader;
pub mod dom;
pub mod flow_requests;
pub mod locks;
pub mod mock_worker;
pub mod popup;
pub mod random;
pub mod runner;
pub mod server_clock;
pub mod session;
pub mod storage;
pub mod tab_memory;
pub mod timers;
pub mod transport;
