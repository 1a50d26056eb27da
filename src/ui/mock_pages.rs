//! Screens of the in-page mock backend: the stand-ins for LiveChat's
//! sign-in page and charge confirmation page (real navigations, the same
//! URL shapes as the real services), and the developer panel that picks
//! scenarios and faults. They exist only in mock mode.

use leptos::prelude::*;

use crate::config::AppConfig;
use crate::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::return_url::parse_charge_return;
use crate::i18n::{locale, t};
use crate::mock::app::{self, NEXT_REQUEST_FAULTS};
use crate::mock::bulk::BENCH_BULK_ENTRIES;
use crate::mock::livechat::{charge_summary, confirm_charge, ChargeSummary};
use crate::mock::oauth::{self, AuthorizeParams, Decision};
use crate::mock::Scenario;
use crate::web::dom;
use crate::web::mock_transport::MockTransport;

/// The seed of the demo's mock: ids and rates repeat from one demo to the next.
pub const DEMO_SEED: u64 = 1;

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

/// The developer panel: scenario, latency, a fault for the next request,
/// sample charges and a reset. Shown in mock mode only.
#[component]
pub fn DevPanel() -> impl IntoView {
    /// Sample charges added at a time: three list pages (20, 20 and 5).
    const SAMPLE_CHARGES: u32 = 45;
    let Some(mock) = use_context::<MockTransport>() else {
        return ().into_any();
    };
    let read =
        move || mock.with_backend(|b| (b.state.scenario.name.clone(), b.state.faults.latency_ms));
    let (current, set_current) = signal(read());
    let (message, set_message) = signal(String::new());
    let refresh = move |said: String| {
        set_current.set(read());
        set_message.set(said);
    };

    let on_scenario = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        if let Some(scenario) = Scenario::named(&name) {
            mock.with_backend(|b| b.state.scenario = scenario);
            refresh((t().dev_scenario_set)(&name));
        }
    };
    let on_latency =
        move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<u64>() {
            Ok(ms) if ms <= 60_000 => {
                mock.with_backend(|b| b.state.faults.latency_ms = ms);
                refresh((t().dev_latency_set)(ms));
            }
            _ => set_message.set(t().dev_latency_invalid.into()),
        };
    let (fault, set_fault) = signal(NEXT_REQUEST_FAULTS[0].0.to_owned());
    let on_fault = move |_| {
        let key = fault.get_untracked();
        if let Some(chosen) = app::fault_by_key(&key) {
            mock.with_backend(|b| app::fail_next_request(b, chosen));
            refresh((t().dev_fault_set)(&key));
        }
    };
    let on_reset = move |_| {
        if dom::confirm(t().dev_reset_confirm) {
            mock.with_backend(|b| app::reset(b, DEMO_SEED, &dom::origin()));
            refresh(t().dev_reset_done.into());
        }
    };
    let on_skip = move |_| {
        let total = mock.with_backend(|b| app::skip_ahead(b, app::SKIP_AHEAD_MS));
        refresh((t().dev_clock_ahead)(total / 60_000));
    };
    let seller = use_context::<AppConfig>()
        .map(|config| config.oauth_client_id().to_owned())
        .unwrap_or_else(|| crate::config::MOCK_CLIENT_ID.to_owned());
    let seller_for_bulk = seller.clone();
    let on_samples = move |_| {
        let added = mock.with_backend(|b| {
            app::add_sample_charges_for(b, &seller, SAMPLE_CHARGES, dom::now_ms())
        });
        refresh((t().dev_samples_added)(added));
    };
    let bulk_seller = seller_for_bulk;
    let on_bulk = move |_| {
        let count = mock.with_backend(|b| {
            app::load_bulk_data(b, &bulk_seller, BENCH_BULK_ENTRIES, dom::now_ms())
        });
        refresh((t().dev_bulk_listed)(count));
    };

    view! {
        <details class="dev-panel card" data-testid="dev-panel">
            <summary>{t().dev_panel}</summary>
            <div class="dev-grid">
                <label>
                    {t().dev_scenario}
                    <select data-testid="dev-scenario" on:change=on_scenario>
                        {Scenario::NAMES
                            .iter()
                            .map(|name| {
                                let selected = move || current.get().0 == *name;
                                view! { <option value=*name selected=selected>{name.replace('_', " ")}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    {t().dev_latency}
                    <input
                        type="number"
                        min="0"
                        max="60000"
                        step="100"
                        data-testid="dev-latency"
                        prop:value=move || current.get().1.to_string()
                        on:change=on_latency
                    />
                </label>
                <label>
                    {t().dev_fault}
                    <select
                        data-testid="dev-fault"
                        on:change=move |ev| set_fault.set(event_target_value(&ev))
                    >
                        {NEXT_REQUEST_FAULTS
                            .iter()
                            .map(|(key, label)| view! { <option value=*key>{*label}</option> })
                            .collect_view()}
                    </select>
                </label>
                <div class="actions">
                    <button type="button" class="button-secondary" data-testid="dev-fault-apply" on:click=on_fault>
                        {t().dev_fail_next}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-skip-ahead" on:click=on_skip>
                        {t().dev_skip}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-sample-charges" on:click=on_samples>
                        {(t().dev_add_samples)(SAMPLE_CHARGES)}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-bulk" on:click=on_bulk>
                        {(t().dev_bulk)(BENCH_BULK_ENTRIES)}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-reset" on:click=on_reset>
                        {t().dev_reset}
                    </button>
                </div>
            </div>
            <p class="hint" role="status" data-testid="dev-message">{move || message.get()}</p>
        </details>
    }
    .into_any()
}
