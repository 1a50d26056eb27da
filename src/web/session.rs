//! The signed-in session's life outside memory: the token handed from one
//! page of a tab to the next, the sign-in code's requests, and revoking a
//! token on sign-out.
//!
//! The token lives in memory. It is written to this tab's sessionStorage
//! only while no page runs (on `pagehide`) and read back and removed as the
//! next page starts, so it survives the confirmation round trip and a
//! reload without sitting in storage while the app runs.

use std::rc::Rc;

use leptos::ev;
use leptos::prelude::window_event_listener;
use leptos::task::spawn_local;

use crate::api::accounts;
use crate::domain::oauth::{AccessToken, OAuthClient};
use crate::flow::sign_in_callback::{CallbackEvent, CallbackFlow, CallbackRequest};
use crate::web::backend::AppTransport;
use crate::web::dom;
use crate::web::runner::SendRequest;
use crate::web::storage::{self, Area};

/// sessionStorage key of the token between two pages of the same tab.
pub const HANDOFF_KEY: &str = "billing-widget.oauth.handoff";

/// The token the previous page of this tab handed over, if any (used once).
pub fn take_handed_off() -> Option<AccessToken> {
    storage::take(Area::Session, HANDOFF_KEY)
        .and_then(|json| serde_json::from_str::<AccessToken>(&json).ok())
}

/// Forgets a handed-over token that was not picked up.
pub fn forget_handed_off() {
    storage::remove(Area::Session, HANDOFF_KEY);
}

/// As the page goes, hands `token()` to the next page of this tab (or
/// forgets any earlier one when there is none to hand).
pub fn hand_off_on_page_hide(token: impl Fn() -> Option<AccessToken> + 'static) {
    // The handles are kept for the life of the page, which is the app's.
    let _ = window_event_listener(ev::pagehide, move |_| {
        let json = token().and_then(|token| serde_json::to_string(&token).ok());
        match json {
            Some(json) => {
                storage::set(Area::Session, HANDOFF_KEY, &json);
            }
            None => forget_handed_off(),
        }
    });
    // Back from the back/forward cache: the page runs again, so the stored
    // copy must go.
    let _ = window_event_listener(ev::pageshow, move |_| forget_handed_off());
}

/// Revokes `token` in the background (signing out does not wait for it).
pub fn revoke(transport: AppTransport, client: OAuthClient, token: AccessToken) {
    spawn_local(async move {
        accounts::revoke(&transport, &client, &token).await;
    });
}

/// The callback page's one request: exchanging the code for a token.
pub fn callback_requests(
    transport: AppTransport,
    client: OAuthClient,
) -> SendRequest<CallbackFlow> {
    let shared = Rc::new((transport, client));
    Rc::new(move |request: CallbackRequest| {
        let shared = Rc::clone(&shared);
        Box::pin(async move {
            let (transport, client) = &*shared;
            match request {
                CallbackRequest::ExchangeCode(request) => CallbackEvent::Exchanged(
                    accounts::exchange_code(transport, client, &request, dom::now_ms()).await,
                ),
            }
        })
    })
}
