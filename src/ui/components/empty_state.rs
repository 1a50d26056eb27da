//! The line a section shows while it has nothing to show (an empty
//! catalog, an empty first page of a list).

use leptos::prelude::*;

/// What a section shows before there is anything to show.
#[component]
pub(crate) fn EmptyState(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="empty-state" data-testid="empty-state">{message}</p> }
}
