//! The mock's own pages, standing in for LiveChat's: the sign-in and consent
//! page of the accounts service and the charge confirmation page. Plain,
//! escaped HTML that works without JavaScript: each form POSTs back here
//! and is answered with a `303 See Other` to where the real service would
//! send the browser, with the same URL shapes.
//!
//! - `GET /` (with `response_type`) and `GET /mock/authorize`: sign in
//!   (`POST /mock/authorize` takes the choice)
//! - `GET /mock/confirm?id=..&type=..`: accept or decline a charge
//!   (`POST /mock/confirm` takes the choice)
//! - `GET /`: what this service is, and its routes
//!
//! A request that cannot be answered by redirecting back (an unknown
//! client, a redirect URI not registered for it, a malformed request) gets
//! a page that says what is wrong and redirects nowhere (RFC 6749 4.1.2.1).
//! No page shows an access token, a code or a verifier: a page is rendered
//! before any is issued, and an answer only travels in a `Location` header.

use std::fmt::Write as _;

use url::{form_urlencoded, Url};

use super::clients::check_redirect;
use super::livechat::{charge_summary, confirm_charge, ChargeSummary, ConfirmError};
use super::oauth::{self, AuthorizeError, AuthorizeParams, Decision, DEMO_ACCOUNTS};
use super::{MockState, NowMs};
use billing_core::api::transport::{HttpRequest, HttpResponse, Method};
use billing_core::domain::charge::ChargeKind;

/// The sign-in page's path (LiveChat's is the accounts server's root).
pub const SIGN_IN_PATH: &str = "/mock/authorize";
/// The confirmation page's path.
pub const CONFIRM_PATH: &str = "/mock/confirm";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `text`, marked when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(max).collect();
        short.push('…');
        short
    }
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f6f7;color:#1b1b20}\
main{max-width:30rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem}h2{font-size:1.15rem}\
.test-mode{background:#ffd23f;color:#1b1b20;text-align:center;font-weight:700;padding:.4rem;margin:0}\
section{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin-top:1rem;box-shadow:0 1px 3px #0002}\
button{font:inherit;padding:.6rem 1rem;margin:.25rem 0;border-radius:6px;border:1px solid #1d5bd6;\
background:#1d5bd6;color:#fff;width:100%;text-align:left;cursor:pointer}\
button.secondary{background:#fff;color:#1b1b20;border-color:#8d8d95}\
button:focus-visible{outline:3px solid #1b1b20;outline-offset:2px}\
code{word-break:break-all}dt{font-weight:600}dd{margin:0 0 .5rem}\
.error{border-left:4px solid #d64646}";

/// `sha256-...` of [`STYLE`], so the policy allows that block and no other.
fn style_hash() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(STYLE.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// A whole page: TEST MODE banner, heading, body.
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} · Mock LiveChat (test mode)</title><style>{STYLE}</style></head><body>\
         <header><p class=\"test-mode\" role=\"note\" data-testid=\"mock-test-mode\">TEST MODE: a \
         mock of LiveChat's services; nothing here is real</p></header>\
         <main>{body}</main></body></html>",
        title = escape(title),
    )
}

/// An HTML answer. The pages carry no script and ask for none, and may not
/// be framed (a sign-in page in a frame invites clickjacking).
fn html(status: u16, title: &str, body: &str) -> HttpResponse {
    HttpResponse::new(status, page(title, body))
        .with_header("Content-Type", "text/html; charset=utf-8")
        .with_header("Cache-Control", "no-store")
        .with_header(
            "Content-Security-Policy",
            format!(
                "default-src 'none'; style-src '{}'; frame-ancestors 'none'; base-uri 'none'",
                style_hash()
            ),
        )
        .with_header("X-Frame-Options", "DENY")
        .with_header("Referrer-Policy", "no-referrer")
}

/// The browser goes on to `target`; nothing is shown.
fn see_other(target: &Url) -> HttpResponse {
    HttpResponse::new(303, "")
        .with_header("Location", target.as_str())
        .with_header("Cache-Control", "no-store")
        .with_header("Referrer-Policy", "no-referrer")
}

/// The refusal page: what is wrong, and no way onward to the client.
fn refused(error: &AuthorizeError, params: Option<&AuthorizeParams>) -> HttpResponse {
    let mut body = format!(
        "<section class=\"error\" role=\"alert\" data-testid=\"mock-refused\">\
         <h1>This sign-in request cannot be answered</h1>\
         <p data-testid=\"mock-refused-reason\">{}</p>\
         <p>Error code: <code data-testid=\"mock-refused-code\">{}</code></p>",
        escape(&error.description),
        escape(error.oauth_exception),
    );
    if let Some(params) = params {
        let _ = write!(
            body,
            "<dl><dt>Client</dt><dd><code>{}</code></dd><dt>Redirect URI asked for</dt>\
             <dd><code>{}</code></dd></dl>",
            escape(&cut(&params.client_id, 200)),
            escape(&cut(&params.redirect_uri, 300)),
        );
    }
    body.push_str(
        "<p>The browser is not sent back to the app: an address that is not registered \
         could belong to anyone. Register the client and its exact redirect URI \
         (<code>mock-server --client ID=URI</code> or <code>POST /__mock/clients</code>), \
         or use a loopback redirect URI.</p></section>",
    );
    html(400, "Sign-in refused", &body)
}

/// The parameters of an authorize request, from the page's query (GET) or
/// its form (POST), checked against the request rules and the registry.
fn checked_params(state: &MockState, url: &Url) -> Result<AuthorizeParams, HttpResponse> {
    let params = AuthorizeParams::from_url(url).map_err(|error| refused(&error, None))?;
    oauth::validate_request(&params).map_err(|error| refused(&error, Some(&params)))?;
    check_redirect(&state.settings, &params.client_id, &params.redirect_uri)
        .map_err(|error| refused(&error, Some(&params)))?;
    Ok(params)
}

/// The form's fields as a URL query, so one parser reads both.
fn form_as_url(request: &HttpRequest) -> Url {
    let mut url = request.url.clone();
    url.set_query(request.body.as_deref());
    url
}

fn field(request: &HttpRequest, name: &str) -> Option<String> {
    let body = request.body.as_deref()?;
    form_urlencoded::parse(body.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The sign-in and consent page.
fn sign_in_page(params: &AuthorizeParams) -> HttpResponse {
    let mut hidden = String::new();
    let pairs = [
        ("response_type", Some(params.response_type.as_str())),
        ("client_id", Some(params.client_id.as_str())),
        ("redirect_uri", Some(params.redirect_uri.as_str())),
        ("state", params.state.as_deref()),
        ("code_challenge", params.code_challenge.as_deref()),
        (
            "code_challenge_method",
            params.code_challenge_method.as_deref(),
        ),
        ("scope", params.scope.as_deref()),
    ];
    for (name, value) in pairs {
        if let Some(value) = value {
            let _ = write!(
                hidden,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(value)
            );
        }
    }
    let scope = params
        .scope
        .as_deref()
        .map(escape)
        .unwrap_or_else(|| "every scope the account holds".to_owned());
    let mut accounts = String::new();
    for account in DEMO_ACCOUNTS {
        let _ = write!(
            accounts,
            "<button type=\"submit\" name=\"account_id\" value=\"{id}\" \
             data-testid=\"mock-account-{email}\">{name} <small>({email}; {scopes})</small></button>",
            id = escape(account.account_id),
            name = escape(account.name),
            email = escape(account.email),
            scopes = escape(&account.scopes.join(", ")),
        );
    }
    let body = format!(
        "<section data-testid=\"mock-sign-in\"><h1>Sign in with LiveChat</h1>\
         <p>The app <code data-testid=\"mock-client\">{client}</code> asks for \
         <strong>{scope}</strong>, and will get the answer at <code>{redirect}</code>.</p>\
         <form method=\"post\" action=\"{SIGN_IN_PATH}\">{hidden}\
         <h2 id=\"accounts\">Choose a demo account</h2>\
         <div role=\"group\" aria-labelledby=\"accounts\">{accounts}</div>\
         <button type=\"submit\" name=\"deny\" value=\"1\" class=\"secondary\" \
         data-testid=\"mock-deny\">Deny access</button></form></section>",
        client = escape(&cut(&params.client_id, 200)),
        redirect = escape(&cut(&params.redirect_uri, 300)),
    );
    html(200, "Sign in with LiveChat", &body)
}

fn sign_in(state: &mut MockState, request: &HttpRequest, now_ms: NowMs) -> HttpResponse {
    match request.method {
        Method::Get => match checked_params(state, &request.url) {
            Ok(params) => sign_in_page(&params),
            Err(page) => page,
        },
        Method::Post => {
            let params = match checked_params(state, &form_as_url(request)) {
                Ok(params) => params,
                Err(page) => return page,
            };
            let decision = if field(request, "deny").is_some() {
                Decision::Deny
            } else {
                match field(request, "account_id") {
                    Some(account_id) => Decision::Allow { account_id },
                    None => {
                        let error = AuthorizeError::new(
                            "invalid_request",
                            "choose an account or deny access",
                        );
                        return refused(&error, Some(&params));
                    }
                }
            };
            match oauth::authorize(state, &params, decision, now_ms) {
                Ok(target) => see_other(&target),
                Err(error) => refused(&error, Some(&params)),
            }
        }
        _ => not_allowed("GET, POST"),
    }
}

fn not_allowed(allow: &str) -> HttpResponse {
    let mut page = html(
        405,
        "Method not allowed",
        "<section class=\"error\" role=\"alert\"><h1>Method not allowed</h1></section>",
    );
    page.headers.push(("Allow".to_owned(), allow.to_owned()));
    page
}

/// The charge's id and kind from the query (GET) or the form (POST).
fn charge_target(url: &Url) -> Result<(String, Option<ChargeKind>), String> {
    let mut id = None;
    let mut kind = None;
    for (key, value) in url.query_pairs() {
        match key.as_ref() {
            "id" => id = Some(value.into_owned()),
            "type" => {
                kind = Some(ChargeKind::from_param(&value).ok_or_else(|| {
                    format!(
                        "type {:?} is neither direct_charge nor recurrent_charge",
                        cut(&value, 40)
                    )
                })?);
            }
            _ => {}
        }
    }
    let id = id
        .filter(|id| !id.is_empty())
        .ok_or("the link names no charge (id is missing)")?;
    Ok((id, kind))
}

fn charge_problem(status: u16, title: &str, why: &str) -> HttpResponse {
    let body = format!(
        "<section class=\"error\" role=\"alert\" data-testid=\"mock-confirm-problem\">\
         <h1>{}</h1><p>{}</p></section>",
        escape(title),
        escape(why),
    );
    html(status, title, &body)
}

fn money(cents: Option<billing_core::domain::money::Cents>) -> String {
    cents.map_or_else(|| "too large to show".to_owned(), |c| c.display_in("USD"))
}

fn confirmation_page(summary: &ChargeSummary) -> HttpResponse {
    let kind = match summary.kind {
        ChargeKind::Direct => "direct_charge",
        ChargeKind::Recurrent => "recurrent_charge",
    };
    let period = summary
        .months
        .map(|months| match months {
            1 => " every month".to_owned(),
            n => format!(" every {n} months"),
        })
        .unwrap_or_default();
    let trial = summary
        .trial_days
        .filter(|days| *days > 0)
        .map(|days| format!("<dt>Trial</dt><dd>{days} days free first</dd>"))
        .unwrap_or_default();
    let per = if summary.per_account { " accounts" } else { "" };
    let pending = summary.status == "pending";
    let actions = if pending {
        format!(
            "<form method=\"post\" action=\"{CONFIRM_PATH}\">\
             <input type=\"hidden\" name=\"id\" value=\"{id}\">\
             <input type=\"hidden\" name=\"type\" value=\"{kind}\">\
             <button type=\"submit\" name=\"decision\" value=\"accept\" data-testid=\"mock-accept\">Accept and pay</button>\
             <button type=\"submit\" name=\"decision\" value=\"decline\" class=\"secondary\" \
             data-testid=\"mock-decline\">Decline</button></form>",
            id = escape(&summary.id),
        )
    } else {
        format!(
            "<p role=\"status\" data-testid=\"mock-confirm-not-pending\">This charge is already {}; \
             there is nothing to confirm.</p>",
            escape(&summary.status)
        )
    };
    let body = format!(
        "<section data-testid=\"mock-confirm\"><h1>Confirm your purchase</h1>\
         <dl data-testid=\"mock-charge-details\">\
         <dt>Item</dt><dd data-testid=\"mock-charge-name\">{name}</dd>\
         <dt>Price</dt><dd>{unit} × {quantity}{per}</dd>\
         <dt>Total</dt><dd data-testid=\"mock-charge-total\"><strong>{total}</strong>{period}</dd>{trial}\
         <dt>Status</dt><dd data-testid=\"mock-charge-status\">{status}</dd>{test}</dl>{actions}</section>",
        name = escape(&summary.name),
        unit = money(Some(summary.price)),
        quantity = summary.quantity,
        total = money(summary.total),
        status = escape(&summary.status),
        test = if summary.test { "<dt>Test charge</dt><dd>yes</dd>" } else { "" },
    );
    html(200, "Confirm your purchase", &body)
}

fn confirm(state: &mut MockState, request: &HttpRequest, now_ms: NowMs) -> HttpResponse {
    let url = match request.method {
        Method::Get => request.url.clone(),
        Method::Post => form_as_url(request),
        _ => return not_allowed("GET, POST"),
    };
    let (id, kind) = match charge_target(&url) {
        Ok(target) => target,
        Err(why) => return charge_problem(400, "This confirmation link is not valid", &why),
    };
    if request.method == Method::Get {
        return match charge_summary(state, &id, kind) {
            Some(summary) => confirmation_page(&summary),
            None => charge_problem(404, "No such charge", "there is no charge with this id"),
        };
    }
    let accept = match field(request, "decision").as_deref() {
        Some("accept") => true,
        Some("decline") => false,
        _ => return charge_problem(400, "Choose accept or decline", "the form sent no decision"),
    };
    match confirm_charge(state, &id, kind, accept, now_ms) {
        Ok(return_url) => see_other(&return_url),
        Err(ConfirmError::NotFound) => {
            charge_problem(404, "No such charge", "there is no charge with this id")
        }
        Err(error) => charge_problem(409, "This charge cannot be confirmed", &error.to_string()),
    }
}

/// What `GET /` shows without an authorize request: what this is.
fn index() -> HttpResponse {
    let body = "<section><h1>Mock LiveChat accounts, Billing API, Bidali and plans</h1>\
        <p>A test double of LiveChat's services for offline development: it keeps \
        no real data and moves no money. Never point a production app at it.</p>\
        <ul><li><code>GET /mock/authorize?response_type=code|token&amp;client_id=..&amp;redirect_uri=..</code>: sign in</li>\
        <li><code>POST /v2/token</code>, <code>GET /v2/info</code>: tokens</li>\
        <li><code>/v1/direct_charge</code>, <code>/v1/recurrent_charge</code>, <code>/v1/ledger</code>: the Billing API</li>\
        <li><code>GET /mock/confirm?id=..&amp;type=..</code>: the charge confirmation page</li>\
        <li><code>/charges</code>, <code>/quotes</code>: Bidali; <code>/api/v01/plans</code>: billing plans</li>\
        <li><code>/__mock/*</code>: the control API (scenarios, faults, clients, reset)</li></ul></section>";
    html(200, "Mock LiveChat", body)
}

/// Answers the mock's pages; `None` for every other path.
pub fn handle(
    state: &mut MockState,
    request: &HttpRequest,
    path: &str,
    now_ms: NowMs,
) -> Option<HttpResponse> {
    Some(match path {
        SIGN_IN_PATH => sign_in(state, request, now_ms),
        CONFIRM_PATH => confirm(state, request, now_ms),
        // LiveChat's authorize endpoint is the accounts server's root.
        "/" if request.method == Method::Get
            && request
                .url
                .query_pairs()
                .any(|(key, _)| key == "response_type") =>
        {
            sign_in(state, request, now_ms)
        }
        "/" if request.method == Method::Get => index(),
        _ => return None,
    })
}
