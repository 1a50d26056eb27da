//! Screens of the in-page mock backend: the stand-ins for LiveChat's
//! sign-in page and charge confirmation page (real navigations, the same
//! URL shapes as the real services), and the developer panel that picks
//! scenarios and faults. They exist only in mock mode.

use leptos::prelude::*;

use crate::config::AppConfig;
use crate::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::return_url::parse_charge_return;
use crate::i18n::{locale, t};
use billing_mock::app;
use billing_mock::livechat::{charge_summary, confirm_charge, ChargeSummary};
use billing_mock::oauth::{self, AuthorizeParams, Decision};

use crate::web::dom;
use crate::web::mock_transport::MockTransport;

/// Sends the browser to `target` if it is inside this app; otherwise
/// explains, rather than opening a redirect to anywhere.
fn leave_for(target: &url::Url) -> Result<(), String> {
    if app::stays_in_app(target, &dom::origin()) {
        dom::navigate_to(target);
        Ok(())
    } else {
        Err((t().outside_app)(target.as_str()))
    }
}

#[component]
fn OnlyInMockMode() -> impl IntoView {
    view! {
        <section class="card error-card" role="alert" data-testid="mock-only">
            <h1>{t().not_available_title}</h1>
            <p>{t().mock_only}</p>
        </section>
    }
}

/// The mock of LiveChat's sign-in page: an account picker and a deny button.
#[component]
pub fn MockSignIn() -> impl IntoView {
    let Some(mock) = use_context::<MockTransport>() else {
        return view! { <OnlyInMockMode/> }.into_any();
    };
    let request = dom::current_url()
        .ok_or_else(|| t().address_unreadable.to_owned())
        .and_then(|url| {
            AuthorizeParams::from_url(&url)
                .and_then(|params| oauth::validate_request(&params).map(|()| params))
                .map_err(|e| format!("{} ({})", e.description, e.oauth_exception))
        });
    let params = match request {
        Ok(params) => params,
        Err(problem) => {
            return view! {
                <section class="card error-card" role="alert" data-testid="mock-sign-in-error">
                    <h1>{t().mock_sign_in_refused}</h1>
                    <p>{problem}</p>
                </section>
            }
            .into_any()
        }
    };
    let (problem, set_problem) = signal(None::<String>);
    let params = StoredValue::new(params);
    let answer = move |decision: Decision| {
        let result = mock.with_backend(|backend| {
            params.with_value(|p| oauth::authorize(&mut backend.state, p, decision, dom::now_ms()))
        });
        let outcome = result
            .map_err(|e| format!("{} ({})", e.description, e.oauth_exception))
            .and_then(|target| leave_for(&target));
        if let Err(message) = outcome {
            set_problem.set(Some(message));
        }
    };
    let client = params.with_value(|p| p.client_id.clone());
    let scope = params.with_value(|p| p.scope.clone().unwrap_or_else(|| t().every_scope.into()));
    view! {
        <section class="card mock-page" data-testid="mock-sign-in">
            <p class="badge">{t().mock_accounts_badge}</p>
            <h1>{t().sign_in_with_livechat}</h1>
            <p>
                {t().the_app} <code>{client}</code> {t().asks_for} <strong>{scope}</strong> "."
            </p>
            <h2 id="accounts-heading">{t().choose_account}</h2>
            <ul class="account-list" aria-labelledby="accounts-heading">
                {oauth::demo_accounts()
                    .iter()
                    .map(|account| {
                        let id = account.account_id.to_owned();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="account"
                                    data-testid=format!("mock-account-{}", account.email)
                                    on:click=move |_| answer(Decision::Allow { account_id: id.clone() })
                                >
                                    <strong>{account.name}</strong>
                                    <span>{account.email}</span>
                                    <span class="terms">{account.scopes.join(", ")}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <button
                type="button"
                class="button-secondary"
                data-testid="mock-deny"
                on:click=move |_| answer(Decision::Deny)
            >
                {t().deny_access}
            </button>
            <Show when=move || problem.get().is_some()>
                <p class="field-error" role="alert">{move || problem.get()}</p>
            </Show>
        </section>
    }
    .into_any()
}

/// The mock of LiveChat's charge confirmation page.
#[component]
pub fn MockConfirm() -> impl IntoView {
    let Some(mock) = use_context::<MockTransport>() else {
        return view! { <OnlyInMockMode/> }.into_any();
    };
    let currency = expect_context::<AppConfig>().currency;
    let search = dom::location_search();
    let summary = parse_charge_return(&search)
        .map_err(|e| (t().return_invalid_detail)(&e.message_in(locale())))
        .and_then(|target| {
            let id = target.id().to_owned();
            mock.with_backend(|b| charge_summary(&b.state, &id, target.kind()))
                .map(|summary| (target, summary))
                .ok_or_else(|| t().mock_no_charge.to_owned())
        });
    let (target, summary) = match summary {
        Ok(found) => found,
        Err(problem) => {
            return view! {
                <section class="card error-card" role="alert" data-testid="mock-confirm-error">
                    <h1>{t().mock_charge_unshown}</h1>
                    <p>{problem}</p>
                </section>
            }
            .into_any()
        }
    };
    let (problem, set_problem) = signal(None::<String>);
    let (busy, set_busy) = signal(false);
    let target = StoredValue::new(target);
    let decide = move |accept: bool| {
        if busy.get_untracked() {
            return;
        }
        set_busy.set(true);
        let result = target.with_value(|t| {
            mock.with_backend(|b| {
                confirm_charge(&mut b.state, t.id(), t.kind(), accept, dom::now_ms())
            })
        });
        let outcome = result
            .map_err(|e| e.to_string())
            .and_then(|url| leave_for(&url));
        if let Err(message) = outcome {
            set_problem.set(Some(message));
            set_busy.set(false);
        }
    };
    let pending = summary.status == "pending";
    view! {
        <section class="card mock-page" data-testid="mock-confirm">
            <p class="badge">{t().mock_billing_badge}</p>
            <h1>{t().confirm_your_purchase}</h1>
            <ChargeDetails summary=summary.clone() currency/>
            {(!pending).then(|| view! {
                <p class="field-error" role="status" data-testid="mock-confirm-not-pending">
                    {(t().already_status)(status_label(&summary))}
                </p>
            })}
            <div class="actions">
                <button
                    type="button"
                    class="button-primary"
                    data-testid="mock-accept"
                    disabled=move || !pending || busy.get()
                    on:click=move |_| decide(true)
                >
                    {t().accept_and_pay}
                </button>
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="mock-decline"
                    disabled=move || !pending || busy.get()
                    on:click=move |_| decide(false)
                >
                    {t().decline}
                </button>
            </div>
            <Show when=move || problem.get().is_some()>
                <p class="field-error" role="alert">{move || problem.get()}</p>
            </Show>
        </section>
    }
    .into_any()
}

/// The charge's status in the page's words ("Status unknown" for one the
/// widget does not know).
fn status_label(summary: &ChargeSummary) -> &'static str {
    match summary.kind {
        ChargeKind::Direct => DirectChargeStatus::from_wire(&summary.status).label_in(locale()),
        ChargeKind::Recurrent => {
            RecurrentChargeStatus::from_wire(&summary.status).label_in(locale())
        }
    }
}

#[component]
fn ChargeDetails(summary: ChargeSummary, currency: String) -> impl IntoView {
    let unit = summary.price.display_locale(&currency, locale());
    let total = summary
        .total
        .map(|total| total.display_locale(&currency, locale()))
        .unwrap_or_else(|| t().too_large_lower.to_owned());
    let period = summary.months.map(t().terms_every_months);
    let trial = summary
        .trial_days
        .filter(|days| *days > 0)
        .map(t().trial_first);
    view! {
        <dl class="details" data-testid="mock-charge-details">
            <dt>{t().item}</dt>
            <dd data-testid="mock-charge-name">{summary.name.clone()}</dd>
            <dt>{t().price}</dt>
            <dd>{unit} " × " {summary.quantity} {summary.per_account.then_some(t().accounts_suffix)}</dd>
            <dt>{t().total}</dt>
            <dd data-testid="mock-charge-total"><strong>{total}</strong> {period.map(|p| format!(" {p}"))}</dd>
            {trial.map(|text| view! { <dt>{t().trial}</dt><dd>{text}</dd> })}
            <dt>{t().status}</dt>
            <dd>{status_label(&summary)}</dd>
        </dl>
    }
}
