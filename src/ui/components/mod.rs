//! The kit the pages are built from: headings, notices, money and date
//! text, status badges, the paged list, the detail page frame and the
//! sign-in gate. What several pages show the same way is drawn here once.

mod detail_card;
mod detail_page;
mod empty_state;
mod format;
mod hooks;
mod notice;
mod page_header;
mod paged_list;
mod pager;
mod sign_in_gate;
mod status_badge;

pub(crate) use detail_card::{confirmation_view, status_help, unknown_help, yes_no};
pub(crate) use detail_page::{
    detail_page, detail_problem, loaded_detail, DetailSpec, Refresh, RefreshButton,
};
pub(crate) use empty_state::EmptyState;
pub(crate) use format::{date_or_dash, date_text, money, shown_clipped, shown_raw, time_view};
pub(crate) use hooks::{router_navigate, set_if_changed};
pub(crate) use notice::ErrorNotice;
pub use notice::MAX_RETRY_WAIT_SECS;
pub(crate) use page_header::PageHeader;
pub(crate) use paged_list::{
    list_page, paged_list, status_list, ListNav, ListQuery, ListSpec, ListWords, NextPage,
    PageQuery, PagedList, PAGE_SIZE,
};
pub(crate) use sign_in_gate::{LoadError, RequireScope, RequireSignIn, SignedInLoader};
pub(crate) use status_badge::{StatusBadge, Tone};
