//! Reactive helpers the flows' pages share: writing a signal only when its
//! value changes, and the router's navigation as a flow runner's hook.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::web::runner::Navigate;

/// Sets `signal` only when the value changed, so views do not redraw at
/// every step of a flow. Does nothing once the page is gone.
pub(crate) fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.try_with_untracked(|current| *current != value) == Some(true) {
        signal.try_set(value);
    }
}

/// The router's navigation as a flow runner's hook.
pub(crate) fn router_navigate() -> Navigate {
    let navigate = use_navigate();
    Rc::new(move |path: &str, replace: bool| {
        navigate(
            path,
            NavigateOptions {
                replace,
                ..Default::default()
            },
        );
    })
}
