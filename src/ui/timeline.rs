//! The status timeline: an ordered list of a charge's steps, each done,
//! current, upcoming or failed. Screen readers hear the state of each step,
//! and the current step is marked with `aria-current`.

use leptos::prelude::*;

use crate::domain::checkout::{StepState, TimelineStep};
use crate::i18n::{locale, t};

fn state_name(state: StepState) -> &'static str {
    match state {
        StepState::Done => "done",
        StepState::Current => "current",
        StepState::Upcoming => "upcoming",
        StepState::Failed => "failed",
    }
}

/// Words read out after each step's label.
fn state_words(state: StepState) -> &'static str {
    match state {
        StepState::Done => t().step_done,
        StepState::Current => t().step_current,
        StepState::Upcoming => t().step_upcoming,
        StepState::Failed => t().step_failed,
    }
}

fn marker(state: StepState) -> &'static str {
    match state {
        StepState::Done => "✓",
        StepState::Current => "●",
        StepState::Upcoming => "○",
        StepState::Failed => "✕",
    }
}

#[component]
pub fn StatusTimeline(
    #[prop(into)] steps: Signal<Vec<TimelineStep>>,
    /// Accessible name of the list, e.g. "Payment progress".
    #[prop(into, default = crate::i18n::t().progress.to_owned())]
    label: String,
) -> impl IntoView {
    view! {
        <ol class="timeline" aria-label=label data-testid="status-timeline">
            <For
                each=move || steps.get()
                key=|step| (step.key, step.label, state_name(step.state))
                let:step
            >
                <li
                    class=format!("timeline-step is-{}", state_name(step.state))
                    data-testid=format!("step-{}", step.key)
                    data-state=state_name(step.state)
                    aria-current=(step.state == StepState::Current).then_some("step")
                >
                    <span class="timeline-marker" aria-hidden="true">{marker(step.state)}</span>
                    <span class="timeline-label">{step.label_in(locale())}</span>
                    <span class="visually-hidden">{format!(": {}", state_words(step.state))}</span>
                </li>
            </For>
        </ol>
    }
}
