//! The accounts service's client registry: which redirect URIs each OAuth
//! client may be sent back to (RFC 6749 section 3.1.2: exact match).
//!
//! A client is registered at start-up (`mock-server --client ID=URI`), over
//! `POST /__mock/clients`, or, for the demo's own client, by the origin that
//! serves the mock's pages. An unregistered client may use a loopback
//! redirect URI (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`)
//! when the settings allow it, as local OAuth test servers do; anything else
//! is refused with a page that redirects nowhere.

use serde::{Deserialize, Serialize};
use url::Url;

use super::oauth::AuthorizeError;
use super::MockSettings;
use billing_core::domain::oauth::DEMO_CLIENT_ID;

/// The app route that receives the demo widget's sign-in answer.
pub const DEMO_CALLBACK_PATH: &str = "/auth/callback";

/// One OAuth client and the redirect URIs registered for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredClient {
    pub client_id: String,
    pub redirect_uris: Vec<String>,
}

impl RegisteredClient {
    /// Parses `ID=URI[,URI...]`, the form of `mock-server --client`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let usage = "expected CLIENT_ID=REDIRECT_URI[,REDIRECT_URI...]";
        let (id, uris) = spec.split_once('=').ok_or_else(|| usage.to_owned())?;
        let client = Self {
            client_id: id.trim().to_owned(),
            redirect_uris: uris.split(',').map(|u| u.trim().to_owned()).collect(),
        };
        client.check().map(|()| client)
    }

    /// A usable registration: a client id, and absolute http(s) redirect
    /// URIs without a fragment.
    pub fn check(&self) -> Result<(), String> {
        if self.client_id.is_empty() || self.client_id.len() > 200 {
            return Err("client_id must be 1 to 200 characters".to_owned());
        }
        if self.redirect_uris.is_empty() {
            return Err("at least one redirect URI is needed".to_owned());
        }
        for uri in &self.redirect_uris {
            let usable = Url::parse(uri).is_ok_and(|url| {
                matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.fragment().is_none()
            });
            if !usable {
                return Err(format!(
                    "redirect URI {uri:?} must be an absolute http(s) URL without a fragment"
                ));
            }
        }
        Ok(())
    }
}

/// The redirect URIs `client_id` may use, or `None` when it is unknown.
fn registered_uris(settings: &MockSettings, client_id: &str) -> Option<Vec<String>> {
    let mut uris: Option<Vec<String>> = settings
        .clients
        .iter()
        .find(|client| client.client_id == client_id)
        .map(|client| client.redirect_uris.clone());
    if client_id == DEMO_CLIENT_ID {
        if let Some(origin) = &settings.pages_origin {
            uris.get_or_insert_with(Vec::new)
                .push(format!("{origin}{DEMO_CALLBACK_PATH}"));
        }
    }
    uris
}

/// A plain-http loopback address on any port.
pub fn is_loopback_uri(raw: &str) -> bool {
    Url::parse(raw).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
            && url.fragment().is_none()
    })
}

/// Whether `redirect_uri` is a page on the origin serving the mock's pages.
fn on_pages_origin(settings: &MockSettings, redirect_uri: &str) -> bool {
    let origin_of = |raw: &str| Url::parse(raw).ok().map(|url| url.origin());
    match (
        settings.pages_origin.as_deref().and_then(origin_of),
        origin_of(redirect_uri),
    ) {
        (Some(pages), Some(target)) => pages.is_tuple() && pages == target,
        _ => false,
    }
}

/// Whether the sign-in page may send the browser back to `redirect_uri`
/// for `client_id`.
pub fn check_redirect(
    settings: &MockSettings,
    client_id: &str,
    redirect_uri: &str,
) -> Result<(), AuthorizeError> {
    if settings.any_client_on_pages_origin && on_pages_origin(settings, redirect_uri) {
        return Ok(());
    }
    match registered_uris(settings, client_id) {
        Some(uris) if uris.iter().any(|uri| uri == redirect_uri) => Ok(()),
        Some(_) => Err(AuthorizeError::new(
            "invalid_request",
            "this redirect_uri is not registered for the client (redirect URIs must match exactly)",
        )),
        None if settings.loopback_for_unregistered && is_loopback_uri(redirect_uri) => Ok(()),
        None if settings.loopback_for_unregistered => Err(AuthorizeError::new(
            "unauthorized_client",
            "the client is not registered, and an unregistered client may only use a \
             loopback redirect URI (http://127.0.0.1:PORT/..., http://localhost:PORT/...)",
        )),
        None => Err(AuthorizeError::new(
            "unauthorized_client",
            "the client is not registered with this mock",
        )),
    }
}

/// Adds or replaces a registration; answers whether it replaced one.
pub fn register(settings: &mut MockSettings, client: RegisteredClient) -> bool {
    match settings
        .clients
        .iter_mut()
        .find(|known| known.client_id == client.client_id)
    {
        Some(known) => {
            *known = client;
            true
        }
        None => {
            settings.clients.push(client);
            false
        }
    }
}

/// Whether a page on `origin` (`scheme://host[:port]`) may read the mock's
/// answers across origins (CORS): the origin of a registered redirect URI
/// or of the mock's own pages, and any loopback origin while unregistered
/// loopback clients are allowed. Others get no CORS headers, so a browser
/// keeps a stranger's page from reading tokens or charges.
pub fn allows_origin(settings: &MockSettings, origin: &str) -> bool {
    let origin_of = |raw: &str| {
        Url::parse(raw)
            .ok()
            .map(|url| url.origin().ascii_serialization())
    };
    let Some(origin) = origin_of(origin) else {
        return false;
    };
    let registered = settings
        .clients
        .iter()
        .flat_map(|client| &client.redirect_uris)
        .chain(settings.pages_origin.as_ref())
        .any(|uri| origin_of(uri).as_deref() == Some(origin.as_str()));
    registered || (settings.loopback_for_unregistered && is_loopback_uri(&origin))
}
