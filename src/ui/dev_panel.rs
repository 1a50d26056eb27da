//! The developer panel of mock mode: scenario, latency, a fault for the next
//! request, the mock's clock, sample data and a reset. Every control is a
//! request to the mock's control API (`/__mock/*`) through the app's
//! transport, exactly as a script would send it with curl.
//!
//! Only the panel's closed outline is part of the first screen: its
//! controls are a wasm chunk of their own, fetched when it is first opened.

use leptos::prelude::*;
use leptos::task::spawn_local;

use std::future::Future;
use std::pin::Pin;

use super::lazy_pages::{ChunkLoadError, RenderPage};
use super::services::Services;
use super::shell::Loading;
use crate::api::ApiError;
use crate::config::AppConfig;
use crate::i18n::t;
use crate::web::backend::{FaultPreset, MockControl};
use crate::web::dom;

/// Sample charges added at a time: three list pages (20, 20 and 5).
const SAMPLE_CHARGES: u32 = 45;
/// The generated data set for paging and benchmarks.
const BULK_ENTRIES: u32 = 10_000;
/// How far "skip ahead" moves the mock's clock.
const SKIP_AHEAD_MS: u64 = 5 * 60 * 1000;
/// The highest latency the field accepts (the mock's own limit).
const MAX_LATENCY_MS: u64 = 60_000;

/// The choices the mock offers, read when the panel first opens.
#[derive(Debug, Clone, PartialEq)]
struct Choices {
    scenarios: Vec<String>,
    faults: Vec<FaultPreset>,
}

type Call = Pin<Box<dyn Future<Output = Result<String, ApiError>>>>;

/// Shown in mock mode only: closed, until the developer opens it.
#[component]
pub fn DevPanel() -> impl IntoView {
    let controls = RwSignal::new(None::<Result<RenderPage, ChunkLoadError>>);
    let loading = RwSignal::new(false);
    // On the first opening, and again on request after a failed load.
    let load = move || {
        if loading.get_untracked() || matches!(controls.get_untracked(), Some(Ok(_))) {
            return;
        }
        loading.set(true);
        spawn_local(async move {
            controls.set(Some(dev_controls().await));
            loading.set(false);
        });
    };
    let body = move || match controls.get() {
        Some(Ok(render)) => render(),
        Some(Err(ChunkLoadError)) => {
            view! { <ControlsNotLoaded loading retry=Callback::new(move |_: ()| load())/> }
                .into_any()
        }
        None => view! { <Loading label=t().page_load_retrying/> }.into_any(),
    };
    view! {
        <details
            class="dev-panel card"
            data-testid="dev-panel"
            on:toggle=move |event| {
                if dom::details_open(&event) {
                    load();
                }
            }
        >
            <summary>{t().dev_panel}</summary>
            {body}
        </details>
    }
}

/// The controls' code did not arrive: says so, with a retry.
#[component]
fn ControlsNotLoaded(loading: RwSignal<bool>, retry: Callback<()>) -> impl IntoView {
    view! {
        <div role="alert" data-testid="dev-load-failed">
            <p class="hint">{t().page_load_failed_body}</p>
            <button
                type="button"
                class="button-secondary"
                data-testid="dev-load-retry"
                disabled=move || loading.get()
                on:click=move |_| retry.run(())
            >
                {move || if loading.get() { t().page_load_retrying } else { t().page_load_retry }}
            </button>
        </div>
    }
}

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(dev, wasm_split_path = ::leptos::wasm_split, fallible)]
fn dev_controls() -> Result<RenderPage, ChunkLoadError> {
    Ok(|| view! { <DevControls/> }.into_any())
}

#[cfg(not(feature = "split"))]
async fn dev_controls() -> Result<RenderPage, ChunkLoadError> {
    Ok(|| view! { <DevControls/> }.into_any())
}

/// The panel's controls, read from the mock as they appear.
#[component]
fn DevControls() -> impl IntoView {
    let Some(services) = use_context::<Services>() else {
        return ().into_any();
    };
    let control = MockControl::new(services.transport);
    let seller = use_context::<AppConfig>()
        .map(|config| config.oauth_client_id().to_owned())
        .unwrap_or_else(|| crate::config::DEMO_CLIENT_ID.to_owned());
    let seller = StoredValue::new(seller);

    // The lists are drawn once; the values follow the mock in place, so a
    // change never redraws the control the user is on.
    let choices = RwSignal::new(None::<Result<Choices, String>>);
    let scenario = RwSignal::new(String::new());
    let latency = RwSignal::new(0_u64);
    let fault = RwSignal::new(None::<String>);
    let message = RwSignal::new(String::new());

    let read = move || {
        spawn_local(async move {
            let read = async {
                let scenarios = control.scenarios().await?;
                let faults = control.faults().await?;
                Ok::<_, ApiError>((scenarios, faults))
            };
            match read.await {
                Ok((scenarios, faults)) => {
                    scenario.set(scenarios.current);
                    latency.set(faults.latency_ms);
                    if choices.get_untracked().is_none_or(|c| c.is_err()) {
                        choices.set(Some(Ok(Choices {
                            scenarios: scenarios.names,
                            faults: faults.presets,
                        })));
                    }
                }
                Err(error) => choices.set(Some(Err(error.to_string()))),
            }
        });
    };

    // Runs one control call, then says what happened or why it did not.
    let run = move |call: Call| {
        spawn_local(async move {
            match call.await {
                Ok(said) => message.set(said),
                Err(error) => message.set((t().dev_control_failed)(&error.to_string())),
            }
        });
    };

    let on_scenario = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        run(Box::pin(async move {
            control.set_scenario(&name).await?;
            scenario.set(name.clone());
            Ok((t().dev_scenario_set)(&name))
        }));
    };
    let on_latency =
        move |ev: leptos::ev::Event| match event_target_value(&ev).trim().parse::<u64>() {
            Ok(ms) if ms <= MAX_LATENCY_MS => run(Box::pin(async move {
                control.set_latency(ms).await?;
                latency.set(ms);
                Ok((t().dev_latency_set)(ms))
            })),
            _ => message.set(t().dev_latency_invalid.into()),
        };
    let on_fault = move |_| {
        let chosen = fault.get_untracked().or_else(|| {
            choices
                .get_untracked()
                .and_then(Result::ok)
                .and_then(|c| c.faults.first().map(|preset| preset.key.clone()))
        });
        if let Some(key) = chosen {
            run(Box::pin(async move {
                control.fail_next_request(&key).await?;
                Ok((t().dev_fault_set)(&key))
            }));
        }
    };
    let on_reset = move |_| {
        if dom::confirm(t().dev_reset_confirm) {
            run(Box::pin(async move {
                control.reset().await?;
                read();
                Ok(t().dev_reset_done.into())
            }));
        }
    };
    let on_skip = move |_| {
        run(Box::pin(async move {
            let offset = control.advance(SKIP_AHEAD_MS).await?;
            Ok((t().dev_clock_ahead)(offset.clock_offset_ms / 60_000))
        }));
    };
    let on_samples = move |_| {
        run(Box::pin(async move {
            let added = control
                .add_sample_charges(SAMPLE_CHARGES, &seller.get_value())
                .await?;
            Ok((t().dev_samples_added)(added.added))
        }));
    };
    let on_bulk = move |_| {
        run(Box::pin(async move {
            let set = control
                .load_bulk_data(BULK_ENTRIES, &seller.get_value())
                .await?;
            Ok((t().dev_bulk_listed)(set.count))
        }));
    };

    let controls = move || {
        choices.get().map(|loaded| match loaded {
            Err(why) => view! {
                <p class="hint" role="alert" data-testid="dev-unavailable">
                    {(t().dev_control_failed)(&why)}
                </p>
            }
            .into_any(),
            Ok(Choices { scenarios, faults }) => view! {
                <div class="dev-grid">
                    <label>
                        {t().dev_scenario}
                        <select data-testid="dev-scenario" on:change=on_scenario>
                            {scenarios
                                .into_iter()
                                .map(|name| {
                                    let label = name.replace('_', " ");
                                    let value = name.clone();
                                    let selected = move || scenario.get() == name;
                                    view! { <option value=value selected=selected>{label}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {t().dev_latency}
                        <input
                            type="number"
                            min="0"
                            max=MAX_LATENCY_MS
                            step="100"
                            data-testid="dev-latency"
                            prop:value=move || latency.get().to_string()
                            on:change=on_latency
                        />
                    </label>
                    <label>
                        {t().dev_fault}
                        <select
                            data-testid="dev-fault"
                            on:change=move |ev| fault.set(Some(event_target_value(&ev)))
                        >
                            {faults
                                .into_iter()
                                .map(|preset| view! { <option value=preset.key>{preset.label}</option> })
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
                            {(t().dev_bulk)(BULK_ENTRIES)}
                        </button>
                        <button type="button" class="button-secondary" data-testid="dev-reset" on:click=on_reset>
                            {t().dev_reset}
                        </button>
                    </div>
                </div>
            }
            .into_any(),
        })
    };

    read();
    view! {
        {controls}
        <p class="hint" role="status" data-testid="dev-message">{move || message.get()}</p>
    }
    .into_any()
}
