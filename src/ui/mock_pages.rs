//! Screens of the in-page mock backend: the stand-ins for LiveChat's
//! sign-in page and charge confirmation page (real navigations, the same
//! URL shapes as the real services), and the developer panel that picks
//! scenarios and faults. They exist only in mock mode.

use leptos::prelude::*;

use crate::config::AppConfig;
use crate::domain::return_url::parse_charge_return;
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
        Err(format!(
            "The return address {target} is outside this app, so the test-mode page does not go there."
        ))
    }
}

#[component]
fn OnlyInMockMode() -> impl IntoView {
    view! {
        <section class="card error-card" role="alert" data-testid="mock-only">
            <h1>"Not available"</h1>
            <p>"This page belongs to the offline mock backend and exists only in mock mode."</p>
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
        .ok_or_else(|| "The page address could not be read.".to_owned())
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
                    <h1>"This sign-in request cannot be answered"</h1>
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
    let scope = params.with_value(|p| {
        p.scope
            .clone()
            .unwrap_or_else(|| "every scope your account has".into())
    });
    view! {
        <section class="card mock-page" data-testid="mock-sign-in">
            <p class="badge">"Test mode · mock LiveChat accounts"</p>
            <h1>"Sign in with LiveChat"</h1>
            <p>
                "The app " <code>{client}</code> " asks for: " <strong>{scope}</strong> "."
            </p>
            <h2 id="accounts-heading">"Choose an account"</h2>
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
                "Deny access"
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
        .map_err(|e| e.to_string())
        .and_then(|target| {
            let id = target.id().to_owned();
            mock.with_backend(|b| charge_summary(&b.state, &id, target.kind()))
                .map(|summary| (target, summary))
                .ok_or_else(|| "There is no charge with this id in the mock backend.".to_owned())
        });
    let (target, summary) = match summary {
        Ok(found) => found,
        Err(problem) => {
            return view! {
                <section class="card error-card" role="alert" data-testid="mock-confirm-error">
                    <h1>"This charge cannot be shown"</h1>
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
            <p class="badge">"Test mode · mock LiveChat billing"</p>
            <h1>"Confirm your purchase"</h1>
            <ChargeDetails summary=summary.clone() currency/>
            {(!pending).then(|| view! {
                <p class="field-error" role="status" data-testid="mock-confirm-not-pending">
                    "This charge is already " {summary.status.clone()} "; there is nothing to confirm."
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
                    "Accept and pay"
                </button>
                <button
                    type="button"
                    class="button-secondary"
                    data-testid="mock-decline"
                    disabled=move || !pending || busy.get()
                    on:click=move |_| decide(false)
                >
                    "Decline"
                </button>
            </div>
            <Show when=move || problem.get().is_some()>
                <p class="field-error" role="alert">{move || problem.get()}</p>
            </Show>
        </section>
    }
    .into_any()
}

#[component]
fn ChargeDetails(summary: ChargeSummary, currency: String) -> impl IntoView {
    let unit = summary.price.display_in(&currency);
    let total = summary
        .total
        .map(|t| t.display_in(&currency))
        .unwrap_or_else(|| "too large to show".to_owned());
    let period = summary.months.map(|months| match months {
        1 => "every month".to_owned(),
        12 => "every year".to_owned(),
        n => format!("every {n} months"),
    });
    let trial = summary
        .trial_days
        .filter(|days| *days > 0)
        .map(|days| format!("{days}-day free trial first"));
    view! {
        <dl class="details" data-testid="mock-charge-details">
            <dt>"Item"</dt>
            <dd data-testid="mock-charge-name">{summary.name.clone()}</dd>
            <dt>"Price"</dt>
            <dd>{unit} " × " {summary.quantity} {summary.per_account.then_some(" accounts")}</dd>
            <dt>"Total"</dt>
            <dd data-testid="mock-charge-total"><strong>{total}</strong> {period.map(|p| format!(" {p}"))}</dd>
            {trial.map(|t| view! { <dt>"Trial"</dt><dd>{t}</dd> })}
            <dt>"Status"</dt>
            <dd>{summary.status.clone()}</dd>
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
            refresh(format!("Scenario: {name}."));
        }
    };
    let on_latency =
        move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<u64>() {
            Ok(ms) if ms <= 60_000 => {
                mock.with_backend(|b| b.state.faults.latency_ms = ms);
                refresh(format!("Every answer now takes {ms} ms longer."));
            }
            _ => set_message
                .set("Latency must be a whole number of milliseconds up to 60000.".into()),
        };
    let (fault, set_fault) = signal(NEXT_REQUEST_FAULTS[0].0.to_owned());
    let on_fault = move |_| {
        let key = fault.get_untracked();
        if let Some(chosen) = app::fault_by_key(&key) {
            mock.with_backend(|b| app::fail_next_request(b, chosen));
            refresh(format!("The next request will get: {key}."));
        }
    };
    let on_reset = move |_| {
        if dom::confirm("Forget every mock charge, token and plan change?") {
            mock.with_backend(|b| app::reset(b, DEMO_SEED, &dom::origin()));
            refresh("The mock backend starts afresh.".into());
        }
    };
    let on_skip = move |_| {
        let total = mock.with_backend(|b| app::skip_ahead(b, app::SKIP_AHEAD_MS));
        refresh(format!(
            "The mock's clock is now {} minutes ahead of this device.",
            total / 60_000
        ));
    };
    let seller = use_context::<AppConfig>()
        .map(|config| config.oauth_client_id().to_owned())
        .unwrap_or_else(|| crate::config::MOCK_CLIENT_ID.to_owned());
    let seller_for_bulk = seller.clone();
    let on_samples = move |_| {
        let added = mock.with_backend(|b| {
            app::add_sample_charges_for(b, &seller, SAMPLE_CHARGES, dom::now_ms())
        });
        refresh(format!("Added {added} sample charges."));
    };
    let bulk_seller = seller_for_bulk;
    let on_bulk = move |_| {
        let count = mock.with_backend(|b| {
            app::load_bulk_data(b, &bulk_seller, BENCH_BULK_ENTRIES, dom::now_ms())
        });
        refresh(format!(
            "Listing {count} generated charges and ledger lines."
        ));
    };

    view! {
        <details class="dev-panel card" data-testid="dev-panel">
            <summary>"Mock backend (developer panel)"</summary>
            <div class="dev-grid">
                <label>
                    "Scenario"
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
                    "Added latency (ms)"
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
                    "Fault for the next request"
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
                        "Fail next request"
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-skip-ahead" on:click=on_skip>
                        "Skip 5 minutes ahead"
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-sample-charges" on:click=on_samples>
                        {format!("Add {SAMPLE_CHARGES} sample charges")}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-bulk" on:click=on_bulk>
                        {format!("List {BENCH_BULK_ENTRIES} generated entries")}
                    </button>
                    <button type="button" class="button-secondary" data-testid="dev-reset" on:click=on_reset>
                        "Reset mock data"
                    </button>
                </div>
            </div>
            <p class="hint" role="status" data-testid="dev-message">{move || message.get()}</p>
        </details>
    }
    .into_any()
}
