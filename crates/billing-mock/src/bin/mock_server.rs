//! `mock-server`: the offline backend over real HTTP, for other clients,
//! manual exploration with curl, and end-to-end tests. The same pure core
//! answers as in the browser's mock mode.
//!
//! ```text
//! cargo run -p billing-mock --bin mock-server -- [--port 8787] [--seed 1]
//!     [--dev-token TOKEN] [--client CLIENT_ID=REDIRECT_URI[,URI...]]...
//!     [--no-loopback-clients] [--quiet]
//! ```
//!
//! It listens on 127.0.0.1 only and prints its address on the first line and
//! the developer token (every scope, never expires; `MOCK_DEV_TOKEN` or
//! `--dev-token` sets it, default `dal:mock-developer-token`) on the second.
//! Its sign-in page serves any OAuth client registered with `--client`
//! (exact redirect URIs), and any other client whose redirect URI is on
//! loopback, unless `--no-loopback-clients`. Each request is logged on
//! stdout as `METHOD /path STATUS N ms` (no query, no secrets) unless
//! `--quiet`; bodies over 1 MiB are refused with 413 before they are read.
//!
//! Requests change the state one at a time, in the order they arrive. An
//! answer held back by injected latency (`PATCH /__mock/faults`) or a hang
//! waits on a thread of its own, so it never delays other connections.
//! Every 50 ms it connects to itself with a probe that wakes connections
//! the HTTP library's thread pool left waiting (see
//! `keep_connections_moving`); probes never reach the backend or the log.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    if let Err(message) = native::run(std::env::args().skip(1).collect()) {
        eprintln!("mock-server: {message}");
        std::process::exit(2);
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::io::{ErrorKind, Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use billing_core::api::transport::{HttpRequest, HttpResponse, Method, MOCK_BACKEND_HEADER};
    use billing_mock::clients::{self, RegisteredClient};
    use billing_mock::{MockBackend, MockReply, MockSettings};
    use tiny_http::{Header, Response, Server};

    /// How long a hung request is held before the connection is dropped.
    const HANG: Duration = Duration::from_secs(120);
    /// How often a probe wakes connections left waiting by the listener's
    /// thread pool (see [`keep_connections_moving`]).
    const POOL_NUDGE: Duration = Duration::from_millis(50);
    /// How long a probe waits for its answer; a pool that is not stuck
    /// answers in well under a millisecond.
    const PROBE_WAIT: Duration = Duration::from_millis(10);
    /// Answered probes per tick after requests came in.
    const BUSY_PROBES: usize = 4;
    /// Probing stops this many ticks (30 s) after the last request.
    const QUIET_TICKS: u32 = 600;
    /// Probes per tick at most, so a server too loaded to answer a probe in
    /// time is not loaded further.
    const MAX_PROBES: usize = 16;
    /// Request bodies larger than this are refused.
    const MAX_BODY: u64 = 1 << 20;

    struct Options {
        port: u16,
        seed: u64,
        dev_token: String,
        clients: Vec<RegisteredClient>,
        loopback_clients: bool,
        /// No access log line per request.
        quiet: bool,
    }

    const DEFAULT_DEV_TOKEN: &str = "dal:mock-developer-token";

    const USAGE: &str = "usage: mock-server [--port 8787] [--seed 1] [--dev-token TOKEN] \
                         [--client CLIENT_ID=REDIRECT_URI[,REDIRECT_URI...]]... \
                         [--no-loopback-clients] [--quiet]";

    fn parse_options(args: Vec<String>) -> Result<Options, String> {
        let mut options = Options {
            port: 8787,
            seed: 1,
            dev_token: std::env::var("MOCK_DEV_TOKEN")
                .unwrap_or_else(|_| DEFAULT_DEV_TOKEN.to_owned()),
            clients: Vec::new(),
            loopback_clients: true,
            quiet: false,
        };
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--port" => {
                    options.port = value()?
                        .parse()
                        .map_err(|_| "--port takes a number from 0 to 65535".to_owned())?;
                }
                "--seed" => {
                    options.seed = value()?
                        .parse()
                        .map_err(|_| "--seed takes a whole number".to_owned())?;
                }
                "--dev-token" => {
                    options.dev_token = value()?;
                    if options.dev_token.trim().is_empty()
                        || options.dev_token.contains(char::is_whitespace)
                    {
                        return Err("--dev-token must be non-empty with no spaces".to_owned());
                    }
                }
                "--client" => {
                    let spec = value()?;
                    let client = RegisteredClient::parse(&spec)
                        .map_err(|problem| format!("--client {spec}: {problem}"))?;
                    options.clients.push(client);
                }
                "--no-loopback-clients" => options.loopback_clients = false,
                "--quiet" => options.quiet = true,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other}; see --help")),
            }
        }
        Ok(options)
    }

    fn now_ms() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }

    fn header(name: &str, value: &str) -> Option<Header> {
        Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
    }

    /// CORS for a page on `origin` when the mock allows it (registered
    /// clients' origins, loopback; see `clients::allows_origin`), as the
    /// widget served on another port needs; none for any other page.
    fn cors_headers(origin: Option<&str>) -> Vec<Header> {
        let Some(origin) = origin else {
            return Vec::new();
        };
        [
            ("Access-Control-Allow-Origin", origin),
            ("Vary", "Origin"),
            (
                "Access-Control-Allow-Methods",
                "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            ),
            (
                "Access-Control-Allow-Headers",
                "Authorization, Content-Type",
            ),
            (
                "Access-Control-Expose-Headers",
                "Retry-After, Date, X-Mock-Backend",
            ),
        ]
        .into_iter()
        .filter_map(|(name, value)| header(name, value))
        .collect()
    }

    /// An error in the shape of every other answer: OAuth style JSON.
    fn refusal(status: u16, error: &str, description: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            serde_json::json!({ "error": error, "error_description": description }).to_string(),
        )
        .with_header("Content-Type", "application/json")
        .with_header(MOCK_BACKEND_HEADER, "billing-widget")
    }

    fn with_headers<R: Read>(mut response: Response<R>, headers: Vec<Header>) -> Response<R> {
        for h in headers {
            response.add_header(h);
        }
        response
    }

    fn respond(incoming: tiny_http::Request, response: HttpResponse, mut headers: Vec<Header>) {
        for (name, value) in &response.headers {
            headers.extend(header(name, value));
        }
        let reply = Response::from_string(response.body).with_status_code(response.status);
        let _ = incoming.respond(with_headers(reply, headers));
    }

    /// The request as the backend takes it; `None` for a CORS preflight;
    /// `Err` for what is refused before the backend sees it.
    fn read_request(
        incoming: &mut tiny_http::Request,
        address: &std::net::SocketAddr,
    ) -> Result<Option<HttpRequest>, HttpResponse> {
        let method = incoming.method().as_str().to_owned();
        if method == "OPTIONS" {
            return Ok(None);
        }
        let method = Method::parse(&method).ok_or_else(|| {
            refusal(
                405,
                "method_not_allowed",
                &format!("{method} is not a method this server answers"),
            )
        })?;
        let url =
            url::Url::parse(&format!("http://{address}{}", incoming.url())).map_err(|_| {
                refusal(
                    400,
                    "invalid_request",
                    "the request target is not a valid path",
                )
            })?;
        let too_large = || {
            refusal(
                413,
                "payload_too_large",
                &format!("request bodies are limited to {MAX_BODY} bytes"),
            )
        };
        if incoming
            .body_length()
            .is_some_and(|length| length as u64 > MAX_BODY)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        incoming
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| refusal(400, "invalid_request", "the request body could not be read"))?;
        if bytes.len() as u64 > MAX_BODY {
            return Err(too_large());
        }
        let body = String::from_utf8(bytes)
            .map_err(|_| refusal(400, "invalid_request", "the request body must be UTF-8"))?;
        let mut request = HttpRequest::new(method, url);
        for h in incoming.headers() {
            request = request.with_header(h.field.as_str().as_str(), h.value.as_str());
        }
        request.body = (!body.is_empty()).then_some(body);
        Ok(Some(request))
    }

    /// One request's access log line, written once it is answered.
    struct AccessLog {
        method: String,
        path: String,
        started: Instant,
    }

    impl AccessLog {
        fn write(&self, outcome: &str) {
            // A closed stdout costs the log line, never the request. One
            // `writeln!` holds the stdout lock, so lines from threads never mix.
            let _ = writeln!(
                std::io::stdout(),
                "{} {} {outcome} {} ms",
                self.method,
                self.path,
                self.started.elapsed().as_millis()
            );
        }
    }

    /// Runs `work` on a thread of its own. When the system has no thread to
    /// give, the request it holds is dropped (tiny_http then answers an empty
    /// 500) rather than the whole server stopping.
    fn off_the_main_loop(work: impl FnOnce() + Send + 'static) {
        if let Err(err) = std::thread::Builder::new().spawn(work) {
            eprintln!("mock-server: no thread to hold a request ({err}); answered 500");
        }
    }

    /// tiny_http hands each new connection to a thread pool that can lose a
    /// wake-up when many clients connect at once: a connection then waits,
    /// unread, until a later connection arrives or a thread frees up (a
    /// keep-alive connection closing, seconds later). Each arrival lets one
    /// waiting connection go on, so this thread keeps arriving: probes that
    /// tiny_http answers itself (400 to an empty request line; they never
    /// reach the backend or the log). One per tick after a request (for 30 s),
    /// a few while it is busy (when bursts happen), and more at once while a
    /// probe goes unanswered, as it does while connections are still waiting.
    fn keep_connections_moving(address: SocketAddr, busy: Arc<AtomicBool>) {
        // Answered, or not worth another try.
        let answered = move || {
            let Ok(mut probe) = TcpStream::connect_timeout(&address, PROBE_WAIT) else {
                return true;
            };
            let _ = probe.set_read_timeout(Some(PROBE_WAIT));
            if probe.write_all(b"\r\n").is_err() {
                return true;
            }
            !matches!(
                probe.read(&mut [0; 1]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
            )
        };
        let nudge = move || {
            // Ticks since the last request: a server left alone is left
            // alone (no probes), once a stalled connection would have been
            // let go by a keep-alive closing anyway.
            let mut quiet_ticks = u32::MAX;
            loop {
                std::thread::sleep(POOL_NUDGE);
                let wanted = if busy.swap(false, Ordering::Relaxed) {
                    quiet_ticks = 0;
                    BUSY_PROBES
                } else {
                    quiet_ticks = quiet_ticks.saturating_add(1);
                    if quiet_ticks > QUIET_TICKS {
                        continue;
                    }
                    1
                };
                let mut answers = 0;
                for _ in 0..MAX_PROBES {
                    if answered() {
                        answers += 1;
                        if answers == wanted {
                            break;
                        }
                    }
                }
            }
        };
        if let Err(err) = std::thread::Builder::new().spawn(nudge) {
            eprintln!("mock-server: no thread to wake waiting connections ({err})");
        }
    }

    pub fn run(args: Vec<String>) -> Result<(), String> {
        let options = parse_options(args)?;
        let server = Server::http(("127.0.0.1", options.port)).map_err(|e| e.to_string())?;
        let address = server
            .server_addr()
            .to_ip()
            .ok_or("the server has no IP address")?;
        println!("mock-server listening on http://{address}");
        println!("developer token (all scopes): {}", options.dev_token);
        let busy = Arc::new(AtomicBool::new(false));
        keep_connections_moving(address, Arc::clone(&busy));
        // Start-up settings: `POST /__mock/reset` builds the state from
        // them again, so the developer token survives a reset.
        let mut backend = MockBackend::with_settings(MockSettings {
            seed: options.seed,
            // Its own sign-in and confirmation pages: charges' confirmation
            // URLs point here.
            pages_origin: Some(format!("http://{address}")),
            developer_token: Some(options.dev_token),
            clients: options.clients,
            loopback_for_unregistered: options.loopback_clients,
            // Other apps may share its origin's port range, never its pages.
            any_client_on_pages_origin: false,
        });

        for mut incoming in server.incoming_requests() {
            busy.store(true, Ordering::Relaxed);
            // The path alone: a query may carry what a log must not hold.
            let log = (!options.quiet).then(|| AccessLog {
                method: incoming.method().as_str().to_owned(),
                path: incoming.url().split('?').next().unwrap_or("").to_owned(),
                started: Instant::now(),
            });
            let origin = incoming
                .headers()
                .iter()
                .find(|h| h.field.equiv("Origin"))
                .map(|h| h.value.as_str().to_owned())
                .filter(|origin| clients::allows_origin(&backend.state.settings, origin));
            let cors = cors_headers(origin.as_deref());
            let outcome = match read_request(&mut incoming, &address) {
                Err(refusal) => {
                    let status = refusal.status;
                    respond(incoming, refusal, cors);
                    status.to_string()
                }
                Ok(None) => {
                    let _ = incoming.respond(with_headers(Response::empty(204), cors));
                    "204".to_owned()
                }
                Ok(Some(request)) => match backend.handle(&request, now_ms()) {
                    MockReply::Hang => {
                        // Hold the connection without answering, off the main loop.
                        off_the_main_loop(move || {
                            std::thread::sleep(HANG);
                            drop(incoming);
                        });
                        "held (hang)".to_owned()
                    }
                    MockReply::Respond {
                        response,
                        delay_ms: 0,
                    } => {
                        let status = response.status;
                        respond(incoming, response, cors);
                        status.to_string()
                    }
                    MockReply::Respond { response, delay_ms } => {
                        // The state has changed already, in request order;
                        // only the wait runs in parallel, so one slow answer
                        // never holds up the other connections.
                        off_the_main_loop(move || {
                            std::thread::sleep(Duration::from_millis(delay_ms));
                            let status = response.status;
                            respond(incoming, response, cors);
                            if let Some(log) = log {
                                log.write(&status.to_string());
                            }
                        });
                        continue;
                    }
                },
            };
            if let Some(log) = log {
                log.write(&outcome);
            }
        }
        Ok(())
    }
}
