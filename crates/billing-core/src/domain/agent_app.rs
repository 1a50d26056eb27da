//! The LiveChat Agent App's postMessage protocol, as plain data in and out.
//!
//! The Agent App loads the widget in an iframe and talks to it with
//! `postMessage`. In trusted mode (the default) every frame is an envelope
//! `{"@@livechat/postmessenger": true, owner, instance, type, request, data}`:
//! the host sends `handshake`, the widget answers with a `response`, and then
//! each side sends `call`s (`data: {method: "handle", args: [payload]}`) that
//! the other answers with a `response` carrying the same `request` id. In
//! plain mode (`?connection=plain`) the payloads travel bare.
//!
//! [`HostLink`] takes one inbound message at a time and says what to post
//! back and which [`HostEvent`] it carried; the browser bridge only moves
//! text. It is stricter than the official SDK because this widget handles
//! money: the handshake is accepted only from `window.parent` at an
//! allow-listed origin, later frames only from that same window, origin,
//! owner and instance; frames go to that exact origin, never `"*"`; oversized
//! frames are dropped unread; and everything the host says is trimmed,
//! capped and stripped of control characters before the page sees it.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};
use url::Url;

use super::charge::validate_id;

pub const ENVELOPE_MARKER: &str = "@@livechat/postmessenger";
/// Frames longer than this (JSON text) are ignored unread.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// The longest `plugin_id` accepted from the query string, in characters.
pub const MAX_PLUGIN_ID_LEN: usize = 100;
/// Caps on the host's strings, in characters.
pub const MAX_NAME_LEN: usize = 200;
pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_TEXT_LEN: usize = 200;
/// The longest event name kept in [`HostEvent::Other`].
pub const MAX_EVENT_NAME_LEN: usize = 64;

/// Host event names all carry this prefix.
const EVENT_PREFIX: &str = "livechat:";
/// What a `transaction_failed` without usable details says.
const UNKNOWN_FAILURE: &str = "the transaction failed (no details given)";

// ---- Embedding parameters --------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionMode {
    Trusted,
    Plain,
}

impl ConnectionMode {
    /// `connection=plain` in the page's query string (with or without leading '?') -> Plain; anything else Trusted.
    ///
    /// Only the first `connection` parameter counts, as with
    /// `URLSearchParams.get`, which the SDK reads it with.
    pub fn from_query(query: &str) -> Self {
        match first_param(query, "connection").as_deref() {
            Some("plain") => ConnectionMode::Plain,
            _ => ConnectionMode::Trusted,
        }
    }
}

/// The page's embedding parameters from its query string: plugin_id (validated: 1..=100 chars of [A-Za-z0-9_.:-]; anything else -> None), mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedding {
    pub plugin_id: Option<String>,
    pub mode: ConnectionMode,
}

impl Embedding {
    pub fn from_query(query: &str) -> Self {
        let plugin_id = first_param(query, "plugin_id").filter(|id| is_valid_plugin_id(id));
        Embedding {
            plugin_id,
            mode: ConnectionMode::from_query(query),
        }
    }
}

/// The plugin id is echoed in every frame we send, so only a short, plain
/// token is kept: nothing that could smuggle markup or separators.
fn is_valid_plugin_id(id: &str) -> bool {
    let len = id.chars().count();
    (1..=MAX_PLUGIN_ID_LEN).contains(&len)
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// The first value of `name`, percent-decoded.
fn first_param(query: &str, name: &str) -> Option<String> {
    let query = query.strip_prefix('?').unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

// ---- Host origins ----------------------------------------------------------------

/// Exact allowed host origins, ASCII-serialised like "https://my.livechatinc.com" (no trailing slash). Comparison is exact (scheme, host, port). "null" and "*" are never allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostOrigins(Vec<String>);

impl HostOrigins {
    /// Each entry is normalised the way a browser serialises `event.origin`
    /// (lower-case host, default port and a trailing `/` dropped), so
    /// `Url::as_str()` of a configured origin works too. Entries that are not
    /// a bare http(s) origin (a path, query, credentials, `"null"`, `"*"`,
    /// garbage) are dropped rather than loosened.
    pub fn new(origins: impl IntoIterator<Item = String>) -> Self {
        let mut kept: Vec<String> = Vec::new();
        for origin in origins.into_iter().filter_map(|raw| normalise_origin(&raw)) {
            if !kept.contains(&origin) {
                kept.push(origin);
            }
        }
        HostOrigins(kept)
    }

    pub fn allows(&self, origin: &str) -> bool {
        // Opaque origins serialise as "null" and "*" is a wildcard, not an
        // origin: neither can ever be in the list, but say so explicitly.
        origin != "null" && origin != "*" && self.0.iter().any(|allowed| allowed == origin)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The kept origins, normalised.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

fn normalise_origin(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    let bare = matches!(url.scheme(), "https" | "http")
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    let origin = url.origin();
    (bare && origin.is_tuple()).then(|| origin.ascii_serialization())
}

// ---- What the host says ----------------------------------------------------------

/// What the host says. Every field optional; strings trimmed and capped (names 200 chars, emails 254, others 200), control characters removed; an email without exactly one '@' with text on both sides and a '.' in the domain is dropped (None).
///
/// An email longer than 254 characters is dropped rather than cut, since a
/// cut address is a different address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerProfile {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
    pub city: Option<String>,
    pub chat_id: Option<String>,
}

impl CustomerProfile {
    /// The `customer_profile` event data: `{id, name, email,
    /// geolocation: {country, city, ..}, chat: {id, ..}, ..}`. Anything
    /// missing or of the wrong type is left out.
    pub fn from_event_data(data: &Map<String, Value>) -> Self {
        let geolocation = data.get("geolocation").and_then(Value::as_object);
        let chat = data.get("chat").and_then(Value::as_object);
        CustomerProfile {
            id: clean_field(data.get("id"), MAX_TEXT_LEN),
            name: clean_field(data.get("name"), MAX_NAME_LEN),
            email: data
                .get("email")
                .and_then(Value::as_str)
                .and_then(clean_email),
            country: clean_field(geolocation.and_then(|g| g.get("country")), MAX_TEXT_LEN),
            city: clean_field(geolocation.and_then(|g| g.get("city")), MAX_TEXT_LEN),
            chat_id: clean_field(chat.and_then(|c| c.get("id")), MAX_TEXT_LEN),
        }
    }

    /// "Ada King Lovelace" -> (Some("Ada"), Some("King Lovelace")); one word -> (Some(word), None).
    pub fn first_and_last_name(&self) -> (Option<String>, Option<String>) {
        let Some(name) = self.name.as_deref() else {
            return (None, None);
        };
        let mut words = name.split_whitespace();
        let first = words.next().map(str::to_owned);
        let rest = words.collect::<Vec<_>>().join(" ");
        (first, (!rest.is_empty()).then_some(rest))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostTheme {
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    CustomerProfile(CustomerProfile),
    ChangeTheme(HostTheme),
    TransactionAccepted {
        charge_id: String,
    },
    TransactionDeclined {
        charge_id: String,
    },
    TransactionFailed {
        error: String,
    },
    /// Any other `livechat:<name>` event, by name (capped at 64 chars).
    Other {
        name: String,
    },
}

impl HostEvent {
    /// The event a host payload `{event_name: "livechat:<name>", event_data}`
    /// carries. None when it is not such a payload, or when a known event's
    /// data is unusable (a theme other than light/dark, a charge id that is
    /// not a valid id, a profile that is not an object): acting on half an
    /// event is worse than ignoring it.
    pub fn from_payload(payload: &Value) -> Option<Self> {
        let name = payload
            .get("event_name")?
            .as_str()?
            .strip_prefix(EVENT_PREFIX)?;
        let data = payload.get("event_data");
        match name {
            "customer_profile" => Some(HostEvent::CustomerProfile(
                CustomerProfile::from_event_data(data?.as_object()?),
            )),
            "change_theme" => match data?.get("theme")?.as_str()? {
                "light" => Some(HostEvent::ChangeTheme(HostTheme::Light)),
                "dark" => Some(HostEvent::ChangeTheme(HostTheme::Dark)),
                _ => None,
            },
            "transaction_accepted" => Some(HostEvent::TransactionAccepted {
                charge_id: charge_id(data)?,
            }),
            "transaction_declined" => Some(HostEvent::TransactionDeclined {
                charge_id: charge_id(data)?,
            }),
            "transaction_failed" => Some(HostEvent::TransactionFailed {
                error: failure_text(data.and_then(|d| d.get("error"))),
            }),
            other => clean_str(other, MAX_EVENT_NAME_LEN).map(|name| HostEvent::Other { name }),
        }
    }
}

/// `{chargeId}`: a charge id is matched against our own charges, so it is
/// validated like ours, never repaired.
fn charge_id(data: Option<&Value>) -> Option<String> {
    let id = data?.get("chargeId")?.as_str()?.trim();
    validate_id(id).ok()?;
    Some(id.to_owned())
}

/// `{error}` may be a string or an object; the page shows a short line.
fn failure_text(error: Option<&Value>) -> String {
    let text = match error {
        Some(Value::String(text)) => clean_str(text, MAX_TEXT_LEN),
        Some(Value::Object(fields)) => ["message", "description", "reason", "error", "code"]
            .iter()
            .find_map(|key| clean_field(fields.get(*key), MAX_TEXT_LEN))
            .or_else(|| clean_str(&Value::Object(fields.clone()).to_string(), MAX_TEXT_LEN)),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    text.unwrap_or_else(|| UNKNOWN_FAILURE.to_owned())
}

fn clean_field(value: Option<&Value>, max_chars: usize) -> Option<String> {
    clean_str(value?.as_str()?, max_chars)
}

/// Host text made safe to show on one line: line breaks and tabs become
/// spaces, other control characters and bidi overrides (which could reverse
/// how a name or amount next to them reads) are removed, runs of spaces
/// collapse, and the result is trimmed and cut to `max_chars` characters.
fn clean_str(raw: &str, max_chars: usize) -> Option<String> {
    let mut out = String::new();
    let mut count = 0;
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_hidden(c) {
            continue;
        }
        if pending_space {
            if count + 1 >= max_chars {
                break;
            }
            out.push(' ');
            count += 1;
            pending_space = false;
        }
        if count >= max_chars {
            break;
        }
        out.push(c);
        count += 1;
    }
    (!out.is_empty()).then_some(out)
}

/// Control characters, bidi embeddings/overrides/isolates and the line and
/// paragraph separators.
fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

fn clean_email(raw: &str) -> Option<String> {
    let kept: String = raw.chars().filter(|c| !is_hidden(*c)).collect();
    let email = kept.trim();
    if email.chars().count() > MAX_EMAIL_LEN || email.chars().any(char::is_whitespace) {
        return None;
    }
    let (local, domain) = email.split_once('@')?;
    let well_formed = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    well_formed.then(|| email.to_owned())
}

// ---- The link ----------------------------------------------------------------------

/// A frame to post: `frame` is JSON text (the bridge JSON.parses it and posts the object), `target_origin` the exact origin to post to (never "*").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub target_origin: String,
    pub frame: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    pub replies: Vec<Outgoing>,
    pub event: Option<HostEvent>,
    /// true only the first time a trusted handshake is accepted
    pub connected_now: bool,
    /// the host answered one of our calls (request id)
    pub answered: Option<u64>,
    /// with `answered`: the host's response said `error: true` (its handler
    /// failed), so the call did not take effect.
    pub answer_failed: bool,
}

/// The trusted session the handshake established.
#[derive(Debug, Clone)]
struct Session {
    owner: Value,
    instance: Value,
    origin: String,
}

/// One side of the conversation with the Agent App: a state machine fed
/// inbound frames, producing outbound ones.
#[derive(Debug, Clone)]
pub struct HostLink {
    mode: ConnectionMode,
    plugin_id: Option<String>,
    origins: HostOrigins,
    /// Trusted mode, once the handshake is accepted.
    session: Option<Session>,
    /// Plain mode: where frames go and come from, once known.
    plain_origin: Option<String>,
    next_request: u64,
    /// Our calls the host has not answered yet: each is reported once, and
    /// a response to a call we never made is ignored.
    pending: BTreeSet<u64>,
}

impl HostLink {
    /// `parent_origin`: what the page believes its parent's origin is (location.ancestorOrigins[0] or the referrer's origin), used as the target in plain mode only if allowed.
    ///
    /// Trusted mode does not use it: the handshake's own `event.origin`,
    /// checked against the allow-list, is authoritative.
    pub fn new(embedding: &Embedding, origins: HostOrigins, parent_origin: Option<String>) -> Self {
        let plain_origin = match embedding.mode {
            ConnectionMode::Plain => parent_origin.filter(|origin| origins.allows(origin)),
            ConnectionMode::Trusted => None,
        };
        HostLink {
            mode: embedding.mode,
            plugin_id: embedding.plugin_id.clone(),
            origins,
            session: None,
            plain_origin,
            next_request: 0,
            pending: BTreeSet::new(),
        }
    }

    pub fn mode(&self) -> ConnectionMode {
        self.mode
    }

    pub fn plugin_id(&self) -> Option<&str> {
        self.plugin_id.as_deref()
    }

    /// Trusted: after an accepted handshake. Plain: when a target origin is known and allowed.
    pub fn is_connected(&self) -> bool {
        self.host_origin().is_some()
    }

    /// The origin frames are exchanged with once connected.
    pub fn host_origin(&self) -> Option<&str> {
        match self.mode {
            ConnectionMode::Trusted => self.session.as_ref().map(|s| s.origin.as_str()),
            ConnectionMode::Plain => self.plain_origin.as_deref(),
        }
    }

    /// One inbound message event: its data as JSON text, event.origin, and whether event.source is window.parent.
    ///
    /// Anything not acceptable gives `Received::default()`: no reply, no
    /// event, no state change.
    /// Whether a frame from `origin` (and the parent window or not) could be
    /// for this link at all: checked before the frame is even turned into
    /// text, so a foreign window's message costs nothing.
    pub fn may_hear_from(&self, origin: &str, from_parent: bool) -> bool {
        from_parent && self.origins.allows(origin)
    }

    pub fn receive(&mut self, frame: &str, origin: &str, from_parent: bool) -> Received {
        // The cheap checks come first, so a foreign window or origin never
        // gets its text parsed.
        if frame.len() > MAX_FRAME_BYTES || !self.may_hear_from(origin, from_parent) {
            return Received::default();
        }
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(frame) else {
            return Received::default();
        };
        match self.mode {
            ConnectionMode::Trusted => self.receive_trusted(&object, origin),
            ConnectionMode::Plain => self.receive_plain(object, origin),
        }
    }

    /// A widget message `{plugin_id, message, data}` (data `null` when None): wrapped as a trusted `call` with the next request id (from 0), or raw in plain mode. None when not connected (the caller decides whether to queue).
    pub fn send(&mut self, message: &str, data: Option<Value>) -> Option<Outgoing> {
        let payload = json!({
            "plugin_id": self.plugin_id,
            "message": message,
            "data": data.unwrap_or(Value::Null),
        });
        match self.mode {
            ConnectionMode::Trusted => {
                let session = self.session.as_ref()?;
                let request = self.next_request;
                self.next_request = self.next_request.wrapping_add(1);
                self.pending.insert(request);
                let frame = envelope(
                    session,
                    "call",
                    json!(request),
                    json!({ "method": "handle", "args": [payload] }),
                );
                Some(Outgoing {
                    target_origin: session.origin.clone(),
                    frame: frame.to_string(),
                })
            }
            ConnectionMode::Plain => Some(Outgoing {
                target_origin: self.plain_origin.clone()?,
                frame: payload.to_string(),
            }),
        }
    }

    fn receive_trusted(&mut self, object: &Map<String, Value>, origin: &str) -> Received {
        let Some(frame) = Envelope::parse(object) else {
            return Received::default();
        };
        let Some(session) = &self.session else {
            // Before the handshake nothing else is meaningful.
            if frame.kind != "handshake" {
                return Received::default();
            }
            let session = Session {
                owner: frame.owner.clone(),
                instance: frame.instance.clone(),
                origin: origin.to_owned(),
            };
            let reply = handshake_answer(&session);
            self.session = Some(session);
            return Received {
                replies: vec![reply],
                connected_now: true,
                ..Received::default()
            };
        };
        // One host, one session: a second handshake from elsewhere cannot
        // take the link over.
        if session.origin != origin
            || &session.owner != frame.owner
            || &session.instance != frame.instance
        {
            return Received::default();
        }
        match frame.kind {
            // The host retries until it hears back; our answer may be lost.
            "handshake" => Received {
                replies: vec![handshake_answer(session)],
                ..Received::default()
            },
            "handshake_echo" | "call" => {
                let Some(request @ Value::Number(_)) = frame.request else {
                    return Received::default();
                };
                let reply = Outgoing {
                    target_origin: session.origin.clone(),
                    frame: envelope(
                        session,
                        "response",
                        request.clone(),
                        json!({ "error": false }),
                    )
                    .to_string(),
                };
                // A call is acknowledged even when its payload means
                // nothing to us, so the host never waits on it.
                let event = if frame.kind == "call" {
                    handled_payload(frame.data).and_then(HostEvent::from_payload)
                } else {
                    None
                };
                Received {
                    replies: vec![reply],
                    event,
                    ..Received::default()
                }
            }
            "response" => {
                let Some(id) = frame.request.and_then(Value::as_u64) else {
                    return Received::default();
                };
                if !self.pending.remove(&id) {
                    return Received::default();
                }
                let failed = frame
                    .data
                    .and_then(|d| d.get("error"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                Received {
                    answered: Some(id),
                    answer_failed: failed,
                    ..Received::default()
                }
            }
            _ => Received::default(),
        }
    }

    fn receive_plain(&mut self, object: Map<String, Value>, origin: &str) -> Received {
        if self
            .plain_origin
            .as_deref()
            .is_some_and(|known| known != origin)
        {
            return Received::default();
        }
        let is_host_payload = object
            .get("event_name")
            .and_then(Value::as_str)
            .is_some_and(|name| name.starts_with(EVENT_PREFIX));
        if !is_host_payload {
            return Received::default();
        }
        if self.plain_origin.is_none() {
            self.plain_origin = Some(origin.to_owned());
        }
        Received {
            event: HostEvent::from_payload(&Value::Object(object)),
            ..Received::default()
        }
    }
}

/// A trusted frame's envelope, borrowed from the parsed object.
struct Envelope<'a> {
    owner: &'a Value,
    instance: &'a Value,
    kind: &'a str,
    /// None when `null` or absent.
    request: Option<&'a Value>,
    data: Option<&'a Value>,
}

impl<'a> Envelope<'a> {
    fn parse(object: &'a Map<String, Value>) -> Option<Self> {
        if object.get(ENVELOPE_MARKER) != Some(&Value::Bool(true)) {
            return None;
        }
        let owner = object.get("owner").filter(|v| is_id_value(v))?;
        let instance = object.get("instance").filter(|v| is_id_value(v))?;
        let kind = object.get("type")?.as_str()?;
        let request = match object.get("request") {
            None | Some(Value::Null) => None,
            Some(number @ Value::Number(_)) => Some(number),
            Some(_) => return None,
        };
        Some(Envelope {
            owner,
            instance,
            kind,
            request,
            data: object.get("data"),
        })
    }
}

fn is_id_value(value: &Value) -> bool {
    matches!(value, Value::String(_) | Value::Number(_))
}

/// `data: {method: "handle", args: [payload]}` -> payload.
fn handled_payload(data: Option<&Value>) -> Option<&Value> {
    let data = data?;
    if data.get("method")?.as_str()? != "handle" {
        return None;
    }
    data.get("args")?.as_array()?.first()
}

fn envelope(session: &Session, kind: &str, request: Value, data: Value) -> Value {
    json!({
        ENVELOPE_MARKER: true,
        "owner": session.owner,
        "instance": session.instance,
        "type": kind,
        "request": request,
        "data": data,
    })
}

/// The SDK's own 2-way answer. `result` must be `{}` (host 0.3.5 fails on
/// `null`), and there is no `@@livechat/4way` marker, which would make host
/// 0.3.5 drop our calls until a `handshake_echo` round trip.
fn handshake_answer(session: &Session) -> Outgoing {
    Outgoing {
        target_origin: session.origin.clone(),
        frame: envelope(
            session,
            "response",
            Value::Null,
            json!({ "error": false, "result": {} }),
        )
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_str_collapses_whitespace_and_drops_hidden_characters() {
        assert_eq!(
            clean_str("  Ada\n\t Love\u{0}lace\u{202E} ", 200).as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(clean_str(" \u{1}\u{7f} ", 200), None);
    }

    #[test]
    fn clean_str_counts_characters_not_bytes() {
        assert_eq!(clean_str("żółw żółw", 4).as_deref(), Some("żółw"));
        assert_eq!(clean_str("ab cd", 3).as_deref(), Some("ab"));
        assert_eq!(clean_str("ab cd", 4).as_deref(), Some("ab c"));
    }

    #[test]
    fn origins_are_normalised_like_event_origin() {
        assert_eq!(
            normalise_origin("https://My.LiveChatInc.com:443/").as_deref(),
            Some("https://my.livechatinc.com")
        );
        assert_eq!(normalise_origin("https://a.com/path"), None);
        assert_eq!(normalise_origin("https://user@a.com"), None);
        assert_eq!(normalise_origin("data:text/html,x"), None);
        assert_eq!(normalise_origin("null"), None);
        assert_eq!(normalise_origin("*"), None);
    }

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        assert!(clean_email("ada@example.com").is_some());
        for bad in [
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a@b@c.com",
            "a b@c.com",
            "ada@.com",
            "ada@com.",
        ] {
            assert_eq!(clean_email(bad), None, "{bad}");
        }
    }
}
