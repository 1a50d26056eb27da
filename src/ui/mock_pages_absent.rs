//! The mock's pages in a build without the `mock` feature: the routes say
//! plainly that they are not part of this build.

use leptos::prelude::*;

#[component]
fn NotInThisBuild() -> impl IntoView {
    view! {
        <section class="card error-card" role="alert" data-testid="mock-only">
            <h1>{crate::i18n::t().not_available_title}</h1>
            <p>{crate::i18n::t().mock_not_built}</p>
        </section>
    }
}

#[component]
pub fn MockSignIn() -> impl IntoView {
    view! { <NotInThisBuild/> }
}

#[component]
pub fn MockConfirm() -> impl IntoView {
    view! { <NotInThisBuild/> }
}
