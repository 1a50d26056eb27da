//! The native `mock-server` binary answers real HTTP on loopback with the
//! same core as the browser's mock mode.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

struct Server {
    child: Child,
    address: String,
    dev_token: String,
    /// The rest of its stdout: the access log.
    log: BufReader<ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    start_with(&[])
}

fn start_with(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mock-server"))
        .args(["--port", "0", "--seed", "7"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("mock-server starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout);
    let mut first_line = String::new();
    lines
        .read_line(&mut first_line)
        .expect("mock-server prints its address");
    let mut second_line = String::new();
    lines
        .read_line(&mut second_line)
        .expect("mock-server prints the developer token");
    let dev_token = second_line
        .trim()
        .strip_prefix("developer token (all scopes): ")
        .unwrap_or_else(|| panic!("unexpected second line: {second_line}"))
        .to_owned();
    let address = first_line
        .trim()
        .strip_prefix("mock-server listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {first_line}"))
        .to_owned();
    Server {
        child,
        address,
        dev_token,
        log: lines,
    }
}

/// A page on loopback, as the widget served on another port.
const PAGE: &str = "http://127.0.0.1:8080";

/// A bodiless request sent by a page on `origin`.
fn exchange_from(address: &str, origin: &str, method: &str, path: &str) -> (u16, String, String) {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    send_raw(address, &head, b"")
}

/// One HTTP/1.1 exchange; returns the status code, the head and the body.
fn exchange(address: &str, method: &str, path: &str, body: &str) -> (u16, String, String) {
    exchange_as(address, None, method, path, body)
}

fn exchange_as(
    address: &str,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String, String) {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    send_raw(address, &head, body.as_bytes())
}

/// Sends a request head and body as they are; returns the status code, the
/// head and the body of the answer.
fn send_raw(address: &str, head: &str, body: &[u8]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).expect("connect to mock-server");
    // Far longer than any exchange takes: a server that stalls (waiting out
    // another request's injected delay, say) fails the test instead of
    // hanging it.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a read timeout");
    stream.write_all(head.as_bytes()).expect("send the head");
    // A server may answer (413) before it reads a body it refuses.
    let _ = stream.write_all(body);
    let mut raw = String::new();
    stream
        .read_to_string(&mut raw)
        .expect("an answer before the server is declared stalled");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status code");
    (status, head.to_owned(), body.to_owned())
}

#[test]
fn it_answers_unknown_paths_with_an_oauth_style_404() {
    let server = start();
    let (status, head, body) = exchange_from(&server.address, PAGE, "GET", "/nowhere");
    assert_eq!(status, 404);
    assert!(body.contains("\"error\":\"not_found\""), "{body}");
    assert!(
        head.contains(&format!("Access-Control-Allow-Origin: {PAGE}")),
        "{head}"
    );
}

#[test]
fn control_endpoints_steer_it_over_http() {
    let server = start();
    let (status, _, body) = exchange(
        &server.address,
        "PUT",
        "/__mock/scenario",
        r#"{"name":"card_declined"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let (_, _, state) = exchange(&server.address, "GET", "/__mock/state", "");
    assert!(state.contains("\"direct_charge\":\"failed\""), "{state}");
}

#[test]
fn injected_rate_limits_carry_retry_after_over_the_wire() {
    let server = start();
    exchange(
        &server.address,
        "POST",
        "/__mock/faults",
        r#"{"faults":[{"fault":{"kind":"rate_limited","retry_after_secs":3}}]}"#,
    );
    let (status, head, _) = exchange(&server.address, "GET", "/v1/ledger", "");
    assert_eq!(status, 429);
    assert!(head.contains("Retry-After: 3"), "{head}");
    assert!(head.contains("X-Mock-Backend: billing-widget"), "{head}");
}

#[test]
fn every_answer_says_it_is_the_mock_and_pages_may_read_that() {
    let server = start();
    for path in ["/v1/ledger", "/__mock/state", "/no/such/route"] {
        let (_, head, _) = exchange_from(&server.address, PAGE, "GET", path);
        assert!(
            head.contains("X-Mock-Backend: billing-widget"),
            "{path}: {head}"
        );
        assert!(
            head.contains("Access-Control-Expose-Headers: Retry-After, Date, X-Mock-Backend"),
            "{path}: {head}"
        );
    }
}

#[test]
fn cors_preflight_is_answered() {
    let server = start();
    let (status, head, _) = exchange_from(&server.address, PAGE, "OPTIONS", "/v1/direct_charge");
    assert_eq!(status, 204);
    assert!(
        head.contains(&format!("Access-Control-Allow-Origin: {PAGE}")),
        "{head}"
    );
    assert!(
        head.contains("Access-Control-Allow-Headers: Authorization, Content-Type"),
        "{head}"
    );
}

#[test]
fn a_script_can_sell_with_the_developer_token_and_confirm_without_a_browser() {
    let server = start();
    let token = Some(server.dev_token.as_str());
    let (status, _, created) = exchange_as(
        &server.address,
        token,
        "POST",
        "/v1/direct_charge",
        r#"{"name":"Export","price":1900,"quantity":1,"return_url":"https://app.example.com/return"}"#,
    );
    assert_eq!(status, 201, "{created}");
    let charge: serde_json::Value = serde_json::from_str(&created).expect("JSON");
    assert_eq!(charge["status"], "pending");
    let id = charge["id"].as_str().expect("an id").to_owned();

    let (status, _, confirmed) = exchange(
        &server.address,
        "POST",
        "/__mock/confirm",
        &format!(r#"{{"id":"{id}","type":"direct_charge","accept":true}}"#),
    );
    assert_eq!(status, 200, "{confirmed}");
    assert!(confirmed.contains(&format!("id={id}")), "{confirmed}");

    let (status, _, activated) = exchange_as(
        &server.address,
        token,
        "PUT",
        &format!("/v1/direct_charge/{id}/activate"),
        "",
    );
    assert_eq!(status, 200, "{activated}");
    let (_, _, twice) = exchange_as(
        &server.address,
        token,
        "PUT",
        &format!("/v1/direct_charge/{id}/activate"),
        "",
    );
    assert!(
        twice.contains("invalid_state"),
        "a second activation is refused: {twice}"
    );

    let (status, _, ledger) = exchange_as(&server.address, token, "GET", "/v1/ledger/balance", "");
    assert_eq!(status, 200, "the developer token has ledger_read: {ledger}");
}

#[test]
fn without_a_token_the_billing_api_answers_401() {
    let server = start();
    let (status, head, body) = exchange(&server.address, "GET", "/v1/direct_charge", "");
    assert_eq!(status, 401, "{body}");
    assert!(head.contains("WWW-Authenticate: Bearer"), "{head}");
}

#[test]
fn a_reset_over_http_keeps_the_start_up_developer_token_and_seed() {
    let server = start();
    let create = r#"{"name":"Export","price":1900,"quantity":1,"return_url":"https://app.example.com/return"}"#;
    let (status, _, first) = exchange_as(
        &server.address,
        Some(&server.dev_token),
        "POST",
        "/v1/direct_charge",
        create,
    );
    assert_eq!(status, 201, "{first}");
    let first_charge: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    assert!(
        first_charge["confirmation_url"].as_str().is_some_and(
            |url| url.starts_with(&format!("http://{}/mock/confirm?id=", server.address))
        ),
        "the confirmation page is the server's own: {first}"
    );

    let (status, _, reset) = exchange(&server.address, "POST", "/__mock/reset", "{}");
    assert_eq!(status, 200, "{reset}");
    assert!(reset.contains("\"seed\":7"), "the start-up seed: {reset}");

    // The token still works, and the same seed gives the same first id.
    let (status, _, again) = exchange_as(
        &server.address,
        Some(&server.dev_token),
        "POST",
        "/v1/direct_charge",
        create,
    );
    assert_eq!(
        status, 201,
        "the developer token survived the reset: {again}"
    );
    let id = |body: &str| {
        serde_json::from_str::<serde_json::Value>(body).expect("JSON")["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    };
    assert_eq!(
        id(&first),
        id(&again),
        "a reset starts from the start-up seed"
    );
    let (_, _, list) = exchange_as(
        &server.address,
        Some(&server.dev_token),
        "GET",
        "/v1/direct_charge",
        "",
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&list).expect("JSON")["result"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the charge made before the reset is gone: {list}"
    );
}

#[test]
fn another_app_signs_in_on_its_sign_in_page_over_real_http() {
    let server = start_with(&["--client", "registered-app=https://app.example.com/cb"]);
    let authorize = "response_type=token&client_id=loopback-app\
                     &redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcb&state=a%20b";
    let (status, head, page) = exchange(
        &server.address,
        "GET",
        &format!("/mock/authorize?{authorize}"),
        "",
    );
    assert_eq!(status, 200, "{page}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html"),
        "{head}"
    );
    assert!(page.contains("TEST MODE") && page.contains("loopback-app"));

    // The form POST (form-encoded, as a browser sends it) answers 303.
    let form = format!("{authorize}&account_id=a1f2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01");
    let (status, head, _) = exchange(&server.address, "POST", "/mock/authorize", &form);
    assert_eq!(status, 303, "{head}");
    let location = head
        .lines()
        .find_map(|line| {
            line.strip_prefix("Location: ")
                .or(line.strip_prefix("location: "))
        })
        .expect("a Location header");
    assert!(
        location.starts_with("http://127.0.0.1:5555/cb#access_token=dal%3A"),
        "{location}"
    );
    assert!(location.ends_with("&state=a+b"), "{location}");

    // A registered client is held to its exact redirect URI: no redirect.
    let (status, head, page) = exchange(
        &server.address,
        "GET",
        "/mock/authorize?response_type=token&client_id=registered-app\
         &redirect_uri=https%3A%2F%2Fapp.example.com%2Felsewhere",
        "",
    );
    assert_eq!(status, 400, "{page}");
    assert!(!head.to_ascii_lowercase().contains("location:"), "{head}");
    assert!(page.contains("not registered"), "{page}");
}

#[test]
fn oversized_and_non_utf8_bodies_get_the_same_json_error_shape() {
    let server = start();
    // Refused on its declared length, before a byte of it is read.
    let (status, _, body) = send_raw(
        &server.address,
        &format!(
            "POST /v1/direct_charge HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: 2000000\r\nConnection: close\r\n\r\n",
            server.address
        ),
        b"",
    );
    assert_eq!(status, 413, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(error["error"], "payload_too_large");

    let bad = [0xff_u8, 0xfe, 0x7b];
    let (status, _, body) = send_raw(
        &server.address,
        &format!(
            "POST /v1/direct_charge HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            server.address,
            bad.len()
        ),
        &bad,
    );
    assert_eq!(status, 400, "{body}");
    let error: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
    assert_eq!(error["error"], "invalid_request");
    assert!(error["error_description"]
        .as_str()
        .is_some_and(|d| d.contains("UTF-8")));
}

#[test]
fn each_request_is_one_access_log_line_without_its_query() {
    let mut server = start();
    let (status, _, _) = exchange(
        &server.address,
        "GET",
        "/nowhere?access_token=dal%3Asecret",
        "",
    );
    assert_eq!(status, 404);
    let mut line = String::new();
    server.log.read_line(&mut line).expect("a log line");
    let line = line.trim();
    assert!(line.starts_with("GET /nowhere 404 "), "{line}");
    assert!(line.ends_with(" ms"), "{line}");
    assert!(!line.contains("secret") && !line.contains('?'), "{line}");
}

#[test]
fn pages_of_registered_clients_and_loopback_may_read_answers_and_no_stranger_may() {
    let server = start_with(&["--client", "my-app=https://my-app.example.com/callback"]);
    for allowed in [PAGE, "http://localhost:3000", "https://my-app.example.com"] {
        let (_, head, _) = exchange_from(&server.address, allowed, "POST", "/v2/token");
        assert!(
            head.contains(&format!("Access-Control-Allow-Origin: {allowed}")),
            "{allowed}: {head}"
        );
    }
    for stranger in ["https://evil.example.net", "http://192.0.2.1:8080", "null"] {
        let (_, head, _) = exchange_from(&server.address, stranger, "POST", "/v2/token");
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("access-control-allow-origin"),
            "{stranger}: {head}"
        );
    }
    // With loopback clients off, loopback pages are strangers too.
    let strict = start_with(&["--no-loopback-clients"]);
    let (_, head, _) = exchange_from(&strict.address, PAGE, "GET", "/v1/ledger");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{head}"
    );
}

// ---- Injected latency: a delayed answer waits on its own ---------------------------

const CREATE: &str =
    r#"{"name":"Export","price":1900,"quantity":1,"return_url":"https://app.example.com/return"}"#;

/// Sends a create signed with the developer token on a connection of its
/// own, without reading the answer.
fn send_create(server: &Server) -> TcpStream {
    let mut stream = TcpStream::connect(&server.address).expect("connect to mock-server");
    let head = format!(
        "POST /v1/direct_charge HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.address,
        server.dev_token,
        CREATE.len()
    );
    stream.write_all(head.as_bytes()).expect("send the head");
    stream.write_all(CREATE.as_bytes()).expect("send the body");
    stream
}

fn set_latency(server: &Server, ms: u64) {
    let (status, _, body) = exchange(
        &server.address,
        "PATCH",
        "/__mock/faults",
        &format!(r#"{{"latency_ms":{ms}}}"#),
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_delayed_answer_holds_up_no_other_connection_and_its_work_is_done_first() {
    let server = start_with(&["--quiet"]);
    // Longer than the test may take: the delayed answer is never awaited.
    set_latency(&server, 60_000);
    let mut delayed = send_create(&server);

    // Control answers carry no latency. Once the create has been handled,
    // the next one must come at once, not after the create's wait.
    let state = loop {
        let (status, _, body) = exchange(&server.address, "GET", "/__mock/state", "");
        assert_eq!(status, 200, "{body}");
        let state: Value = serde_json::from_str(&body).expect("JSON");
        if state["request_counts"]["POST /v1/direct_charge"] == 1 {
            break state;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(
        state["livechat"]["direct_charges"].as_array().map(Vec::len),
        Some(1),
        "the charge is stored before its answer is sent: {state}"
    );

    delayed.set_nonblocking(true).expect("a non-blocking read");
    let unanswered = delayed.read(&mut [0; 1]);
    assert!(
        matches!(&unanswered, Err(e) if e.kind() == ErrorKind::WouldBlock),
        "the create's answer is still held back: {unanswered:?}"
    );
}

#[test]
fn a_delayed_answer_arrives_whole_and_is_logged_once_sent() {
    let mut server = start();
    set_latency(&server, 200);
    let (status, head, body) = exchange_as(
        &server.address,
        Some(&server.dev_token),
        "POST",
        "/v1/direct_charge",
        CREATE,
    );
    assert_eq!(status, 201, "{body}");
    assert!(head.contains("X-Mock-Backend: billing-widget"), "{head}");
    assert!(head.contains("Date: "), "{head}");
    let charge: Value = serde_json::from_str(&body).expect("JSON");
    assert!(charge["id"].is_string(), "{body}");

    // The log line is written when the answer has gone, wait included.
    let line = loop {
        let mut line = String::new();
        server.log.read_line(&mut line).expect("a log line");
        if line.starts_with("POST ") {
            break line.trim().to_owned();
        }
    };
    let ms: u64 = line
        .strip_prefix("POST /v1/direct_charge 201 ")
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|ms| ms.parse().ok())
        .unwrap_or_else(|| panic!("unexpected log line: {line}"));
    assert!(ms >= 200, "{line}");

    let (status, _, faults) = exchange(&server.address, "DELETE", "/__mock/faults", "");
    assert_eq!(status, 200, "{faults}");
}
