//! The status badge of a charge, a subscription or a crypto payment: colour
//! and shape by what the status means, the status itself as text.

use leptos::prelude::*;

/// What a status badge says by its colour (its text says the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    /// The money was collected, or the subscription runs paid up.
    Paid,
    /// Someone (buyer, seller, gateway) still has to act.
    Waiting,
    /// Declined, failed, frozen, overdue: nothing was (or is being) paid.
    Failed,
    /// Ended on purpose (a cancelled subscription).
    Ended,
    /// A status this widget does not know: never shown as paid.
    Unknown,
}

impl Tone {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Tone::Paid => "paid",
            Tone::Waiting => "waiting",
            Tone::Failed => "failed",
            Tone::Ended => "ended",
            Tone::Unknown => "unknown",
        }
    }

    /// A shape next to the colour, so the meaning never rests on colour.
    fn marker(self) -> &'static str {
        match self {
            Tone::Paid => "✓",
            Tone::Waiting => "…",
            Tone::Failed => "✕",
            Tone::Ended => "–",
            Tone::Unknown => "?",
        }
    }
}

/// A status badge: colour and shape by meaning, the label as text.
#[component]
pub(crate) fn StatusBadge(tone: Tone, #[prop(into)] text: String) -> impl IntoView {
    view! {
        <span
            class=format!("badge status-badge badge-{}", tone.as_str())
            data-testid="status-badge"
            data-tone=tone.as_str()
        >
            <span class="badge-marker" aria-hidden="true">{tone.marker()}</span>
            {text}
        </span>
    }
}
