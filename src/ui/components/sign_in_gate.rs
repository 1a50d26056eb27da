//! What stands between a page and the Billing API: the sign-in (or the
//! prompt for it), the permissions the token carries, and the loads made
//! with its token, whose failures say which of these is missing.

use std::future::Future;

use leptos::prelude::*;

use super::notice::ErrorNotice;
use crate::api::livechat::BillingApi;
use crate::api::{ApiError, Endpoint};
use crate::domain::oauth::AccessToken;
use crate::i18n::t;
use crate::ui::auth::{here, Auth, SignIn, SignInProblem, SignInPrompt, SignInStatus};
use crate::ui::services::Services;

/// Why a list or a detail could not be shown.
#[derive(Debug, Clone)]
pub(crate) enum LoadError {
    /// No usable token when the request was due.
    SignedOut,
    Api(ApiError),
}

/// The Billing API with the sign-in's token: what the signed-in pages load
/// through.
#[derive(Clone)]
pub(crate) struct SignedInLoader {
    services: Services,
    auth: Auth,
}

impl SignedInLoader {
    pub(crate) fn from_context() -> Self {
        Self {
            services: expect_context::<Services>(),
            auth: expect_context::<Auth>(),
        }
    }

    /// Sends the request `endpoint` builds with the current token. Without
    /// a usable token nothing is sent: the answer is `SignedOut`.
    pub(crate) fn load<A>(
        &self,
        endpoint: impl FnOnce(&BillingApi, &AccessToken) -> Endpoint<A>,
    ) -> impl Future<Output = Result<A, LoadError>> {
        let request = self
            .auth
            .current()
            .map(|token| endpoint(&self.services.billing, &token));
        let services = self.services.clone();
        async move {
            match request {
                Some(request) => services.send(request).await.map_err(LoadError::Api),
                None => Err(LoadError::SignedOut),
            }
        }
    }
}

/// Shows `children` when signed in, else the sign-in prompt saying why.
#[component]
pub(crate) fn RequireSignIn(
    /// "to see your charges".
    #[prop(into)]
    purpose: String,
    children: ChildrenFn,
) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let signed_in = Memo::new(move |_| matches!(auth.status(), SignInStatus::SignedIn(_)));
    view! {
        <Show
            when=move || signed_in.get()
            fallback=move || view! { <SignInPrompt purpose=purpose.clone()/> }
        >
            {children()}
        </Show>
    }
}

/// Shows `children` while `allowed`, else which permission is missing.
#[component]
pub(crate) fn RequireScope(
    scope: &'static str,
    #[prop(into)] allowed: Signal<bool>,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <Show
            when=move || allowed.get()
            fallback=move || view! { <MissingScope scope/> }
        >
            {children()}
        </Show>
    }
}

/// What a scope lets the app do, in the words of the permission screen.
fn scope_purpose(scope: &str) -> &'static str {
    match scope {
        "ledger_read" => t().scope_ledger_read,
        "billing_manage" => t().scope_billing_manage,
        "billing_admin" => t().scope_billing_admin,
        _ => t().scope_other,
    }
}

/// The sign-in lacks a permission: which, who can grant it, and the way
/// out (another account). Shown before any request when the token says so,
/// and after a 403 that names the scope.
#[component]
fn MissingScope(scope: &'static str) -> impl IntoView {
    let sign_in = SignIn::new(expect_context::<Services>());
    view! {
        <section class="card notice missing-scope" data-testid="missing-scope" data-scope=scope>
            <h2>{t().missing_scope_title}</h2>
            <p>
                {t().missing_scope_needs} <code>{scope}</code> {t().missing_scope_to}
                {scope_purpose(scope)} {t().missing_scope_not_included}
            </p>
            <p>{t().missing_scope_owner}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button-primary"
                    data-testid="sign-in-other"
                    disabled=move || sign_in.is_busy()
                    on:click=move |_| sign_in.start(here())
                >
                    {move || {
                        if sign_in.is_busy() { t().opening_sign_in } else { t().sign_in_other }
                    }}
                </button>
            </div>
            <SignInProblem sign_in/>
        </section>
    }
}

/// The error of a load, with its way forward.
pub(super) fn load_error_view(
    error: LoadError,
    purpose: &'static str,
    retry: Callback<()>,
) -> AnyView {
    match error {
        LoadError::SignedOut => view! { <SignInPrompt purpose=purpose/> }.into_any(),
        LoadError::Api(error) => match error.missing_scope() {
            Some(scope) => view! { <MissingScope scope/> }.into_any(),
            None => view! { <ErrorNotice error retry reading=true/> }.into_any(),
        },
    }
}
