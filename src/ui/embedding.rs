//! The widget inside the LiveChat Agent App: the link to the host (its
//! postMessage protocol, spoken by `domain::agent_app`), the customer the
//! agent has selected, the host's theme, and toasts for payment outcomes.
//! Outside a frame there is no host and nothing here runs.
//!
//! The protocol's code is a chunk of its own (`host_link`, in the build
//! split by route), fetched at start only when the page is framed: a
//! visitor of the standalone demo never downloads it. The host repeats its
//! handshake until it is answered, so listening a moment later loses
//! nothing.

use leptos::prelude::*;
use serde_json::json;

use super::shell::ThemeState;
use crate::config::{AppConfig, Theme};
use crate::domain::agent_app::{
    ConnectionMode, CustomerProfile, Embedding, HostEvent, HostLink, HostOrigins, HostTheme,
};
use crate::web::{agent_app, dom};

/// Sends a widget message to the connected host (the protocol chunk's).
type SendToHost = fn(&Host, &str, Option<serde_json::Value>);

/// What the host has told the widget, and the way to talk back. Provided
/// as context.
#[derive(Clone, Copy)]
pub struct Host {
    link: StoredValue<Option<HostLink>>,
    /// How messages reach the host, once the protocol's code is here.
    sender: StoredValue<Option<SendToHost>>,
    /// The customer selected in the Agent App, once the host says.
    pub customer: RwSignal<Option<CustomerProfile>>,
    /// The host answered the handshake (trusted) or is known (plain).
    pub connected: RwSignal<bool>,
    /// The last answer of the host's own payment window:
    /// `transaction_accepted`, `_declined` or `_failed`.
    pub transaction: RwSignal<Option<HostEvent>>,
    /// Framed with a `plugin_id`: how the Agent App loads widgets.
    has_plugin_id: bool,
}

/// A toast's kind, as the Agent App shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
}

impl Host {
    fn detached() -> Self {
        Self {
            link: StoredValue::new(None),
            sender: StoredValue::new(None),
            customer: RwSignal::new(None),
            connected: RwSignal::new(false),
            transaction: RwSignal::new(None),
            has_plugin_id: false,
        }
    }

    /// Inside the Agent App: framed with a `plugin_id`, or a host answered.
    pub fn is_embedded(&self) -> bool {
        self.has_plugin_id || self.connected.get()
    }

    /// Sends a widget message; dropped when no host is connected.
    pub fn send(&self, message: &str, data: Option<serde_json::Value>) {
        if let Some(send) = self.sender.get_value() {
            send(self, message, data);
        }
    }

    /// A short note in the Agent App's own toast area.
    pub fn toast(&self, kind: ToastKind, content: &str) {
        let kind = match kind {
            ToastKind::Success => "success",
            ToastKind::Error => "error",
        };
        self.send(
            "set_toast",
            Some(json!({ "content": content, "kind": kind })),
        );
    }
}

/// Starts listening for the host when the page is framed. Frames are
/// accepted only from the parent window and an origin in `host_origins`.
pub fn connect(config: &AppConfig, theme: Option<ThemeState>) -> Host {
    let host = Host::detached();
    if !dom::is_framed() {
        return host;
    }
    let embedding = agent_app::embedding();
    let host = Host {
        has_plugin_id: embedding.plugin_id.is_some(),
        ..host
    };
    let origins: Vec<String> = config
        .host_origins
        .iter()
        .map(|origin| origin.origin().ascii_serialization())
        .collect();
    // The listener's cleanup belongs to the app, not to the task.
    let owner = Owner::current();
    leptos::task::spawn_local(async move {
        match host_link().await {
            Ok(link_to_host) => {
                let start = move || link_to_host(host, &embedding, origins, theme);
                match owner {
                    Some(owner) => owner.with(start),
                    None => start(),
                }
            }
            Err(_) => web_sys::console::warn_1(
                &"the Agent App link could not be loaded: the widget runs without its host".into(),
            ),
        }
    });
    host
}

/// Starts the protocol: the link to the host, and the listener of its frames.
type LinkToHost = fn(Host, &Embedding, Vec<String>, Option<ThemeState>);

#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(host_link, wasm_split_path = ::leptos::wasm_split, fallible)]
fn host_link() -> Result<LinkToHost, super::lazy_pages::ChunkLoadError> {
    Ok(link_to_host)
}

#[cfg(not(feature = "split"))]
async fn host_link() -> Result<LinkToHost, super::lazy_pages::ChunkLoadError> {
    Ok(link_to_host)
}

fn send_to_host(host: &Host, message: &str, data: Option<serde_json::Value>) {
    let outgoing = host
        .link
        .try_update_value(|link| link.as_mut().and_then(|l| l.send(message, data)))
        .flatten();
    if let Some(outgoing) = outgoing {
        agent_app::post(&outgoing);
    }
}

fn link_to_host(
    host: Host,
    embedding: &Embedding,
    origins: Vec<String>,
    theme: Option<ThemeState>,
) {
    host.sender.set_value(Some(send_to_host));
    let origins = HostOrigins::new(origins);
    let link = HostLink::new(embedding, origins, agent_app::parent_origin_hint());
    let plain_and_ready = embedding.mode == ConnectionMode::Plain && link.is_connected();
    host.link.set_value(Some(link));
    if plain_and_ready {
        host.connected.set(true);
        host.send("plugin_inited", None);
    }

    let handle = window_event_listener(leptos::ev::message, move |event| {
        let from_parent = agent_app::is_from_parent(&event);
        let origin = event.origin();
        let heard = host
            .link
            .try_with_value(|link| {
                link.as_ref()
                    .is_some_and(|link| link.may_hear_from(&origin, from_parent))
            })
            .unwrap_or(false);
        if !heard {
            return;
        }
        let Some(text) = agent_app::frame_text(&event.data()) else {
            return;
        };
        let Some(received) = host
            .link
            .try_update_value(|link| {
                link.as_mut()
                    .map(|link| link.receive(&text, &origin, from_parent))
            })
            .flatten()
        else {
            return;
        };
        for reply in &received.replies {
            agent_app::post(reply);
        }
        if received.connected_now {
            host.connected.set(true);
            host.send("plugin_inited", None);
        } else if !host.connected.get_untracked()
            && host
                .link
                .with_value(|l| l.as_ref().is_some_and(HostLink::is_connected))
        {
            // Plain mode learns the host's origin from its first frame.
            host.connected.set(true);
            host.send("plugin_inited", None);
        }
        match received.event {
            Some(HostEvent::CustomerProfile(profile)) => host.customer.set(Some(profile)),
            Some(HostEvent::ChangeTheme(chosen)) => {
                if let Some(theme) = theme {
                    theme.theme.set(match chosen {
                        HostTheme::Light => Theme::Light,
                        HostTheme::Dark => Theme::Dark,
                    });
                }
            }
            Some(
                event @ (HostEvent::TransactionAccepted { .. }
                | HostEvent::TransactionDeclined { .. }
                | HostEvent::TransactionFailed { .. }),
            ) => host.transaction.set(Some(event)),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// The customer the agent has selected in LiveChat, when there is one.
#[component]
pub fn HostCustomer() -> impl IntoView {
    let host = use_context::<Host>();
    move || {
        let profile = host.and_then(|h| h.customer.get())?;
        let name = profile
            .name
            .clone()
            .unwrap_or_else(|| crate::i18n::t().unnamed_customer.to_owned());
        Some(view! {
            <p class="host-customer" data-testid="host-customer" aria-live="polite">
                <span class="host-customer-label">{crate::i18n::t().customer_label}</span>
                <strong data-testid="host-customer-name">{name}</strong>
                {profile.email.clone().map(|email| view! {
                    " · " <span data-testid="host-customer-email">{email}</span>
                })}
            </p>
        })
    }
}

/// The selected customer's email and first and last name, for prefilling a
/// buyer: `None` unless the host named a customer with an email.
pub fn customer_prefill() -> Option<(String, Option<String>, Option<String>)> {
    let host = use_context::<Host>()?;
    let profile = host.customer.get()?;
    let email = profile.email.clone()?;
    let (first, last) = profile.first_and_last_name();
    Some((email, first, last))
}
