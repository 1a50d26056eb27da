//! The heading every page starts with; it also names the browser tab.

use leptos::prelude::*;

use crate::web::dom;

/// Heading and one-line purpose shared by every page.
#[component]
pub(crate) fn PageHeader(#[prop(into)] title: String, #[prop(into)] lead: String) -> impl IntoView {
    // The tab and the history list name the page, not only the app.
    dom::set_title(&format!("{title} · LiveChat Billing"));
    view! {
        <header class="page-header">
            <h1>{title}</h1>
            <p class="lead">{lead}</p>
        </header>
    }
}
