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
    use std::io::{Read, Write};
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use billing_core::api::transport::{HttpRequest, HttpResponse, Method, MOCK_BACKEND_HEADER};
    use billing_mock::clients::{self, RegisteredClient};
    use billing_mock::{MockBackend, MockReply, MockSettings};
    use tiny_http::{Header, Response, Server};

    /// How long a hung request is held before the connection is dropped.
    const HANG: Duration = Duration::from_secs(120);
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

    pub fn run(args: Vec<String>) -> Result<(), String> {
        let options = parse_options(args)?;
        let server = Server::http(("127.0.0.1", options.port)).map_err(|e| e.to_string())?;
        let address = server
            .server_addr()
            .to_ip()
            .ok_or("the server has no IP address")?;
        println!("mock-server listening on http://{address}");
        println!("developer token (all scopes): {}", options.dev_token);
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
            let started = Instant::now();
            let method = incoming.method().as_str().to_owned();
            // The path alone: a query may carry what a log must not hold.
            let path = incoming.url().split('?').next().unwrap_or("").to_owned();
            let origin = incoming
                .headers()
                .iter()
                .find(|h| h.field.equiv("Origin"))
                .map(|h| h.value.as_str().to_owned())
                .filter(|origin| clients::allows_origin(&backend.state.settings, origin));
            let cors = cors_headers(origin.as_deref());
            let status = match read_request(&mut incoming, &address) {
                Err(refusal) => {
                    let status = refusal.status;
                    respond(incoming, refusal, cors);
                    status
                }
                Ok(None) => {
                    let _ = incoming.respond(with_headers(Response::empty(204), cors));
                    204
                }
                Ok(Some(request)) => match backend.handle(&request, now_ms()) {
                    MockReply::Hang => {
                        // Hold the connection without answering, off the main loop.
                        std::thread::spawn(move || {
                            std::thread::sleep(HANG);
                            drop(incoming);
                        });
                        0
                    }
                    MockReply::Respond { response, delay_ms } => {
                        std::thread::sleep(Duration::from_millis(delay_ms));
                        let status = response.status;
                        respond(incoming, response, cors);
                        status
                    }
                },
            };
            if !options.quiet {
                let outcome = match status {
                    0 => "held (hang)".to_owned(),
                    status => status.to_string(),
                };
                // A closed stdout costs the log line, never the request.
                let _ = writeln!(
                    std::io::stdout(),
                    "{method} {path} {outcome} {} ms",
                    started.elapsed().as_millis()
                );
            }
        }
        Ok(())
    }
}
