//! Previous, the page number and Next under a paged list.

use leptos::prelude::*;

use crate::i18n::t;

/// Previous, the page number and Next under a paged list. `go_to` gets the
/// page to show; Previous is off on page 1 and Next while `has_next` is
/// false (the last page, or a page still loading).
#[component]
pub(super) fn Pager(
    label: &'static str,
    page: Signal<u32>,
    has_next: Signal<bool>,
    go_to: Callback<u32>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label=label>
            <button
                type="button"
                class="button-secondary"
                data-testid="page-prev"
                disabled=move || page.get() <= 1
                on:click=move |_| go_to.run(page.get_untracked().saturating_sub(1).max(1))
            >
                {t().previous}
            </button>
            <span class="page-number" data-testid="page-number">
                {move || (t().page_n)(page.get())}
            </span>
            <button
                type="button"
                class="button-secondary"
                data-testid="page-next"
                disabled=move || !has_next.get()
                on:click=move |_| go_to.run(page.get_untracked().saturating_add(1))
            >
                {t().next}
            </button>
        </nav>
    }
}
