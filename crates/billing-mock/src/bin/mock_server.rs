//! `mock-server`: the offline backend over real HTTP, for other clients,
//! manual exploration with curl, and end-to-end tests. The same pure core
//! answers as in the browser's mock mode.
//!
//! ```text
//! cargo run -p billing-mock --bin mock-server -- [--port 8787] [--seed 1]
//!     [--dev-token TOKEN] [--client CLIENT_ID=REDIRECT_URI[,URI...]]...
//!     [--no-loopback-clients]
//! ```
//!
//! It listens on 127.0.0.1 only and prints its address on the first line and
//! the developer token (every scope, never expires; `MOCK_DEV_TOKEN` or
//! `--dev-token` sets it, default `dal:mock-developer-token`) on the second.
//! Its sign-in page serves any OAuth client registered with `--client`
//! (exact redirect URIs), and any other client whose redirect URI is on
//! loopback, unless `--no-loopback-clients`.

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
    use std::io::Read;
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use billing_core::api::transport::{HttpRequest, Method};
    use billing_mock::clients::RegisteredClient;
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
    }

    const DEFAULT_DEV_TOKEN: &str = "dal:mock-developer-token";

    const USAGE: &str = "usage: mock-server [--port 8787] [--seed 1] [--dev-token TOKEN] \
                         [--client CLIENT_ID=REDIRECT_URI[,REDIRECT_URI...]]... \
                         [--no-loopback-clients]";

    fn parse_options(args: Vec<String>) -> Result<Options, String> {
        let mut options = Options {
            port: 8787,
            seed: 1,
            dev_token: std::env::var("MOCK_DEV_TOKEN")
                .unwrap_or_else(|_| DEFAULT_DEV_TOKEN.to_owned()),
            clients: Vec::new(),
            loopback_clients: true,
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

    /// Any page may call the mock (it holds no real data), as the widget
    /// served by Trunk on another port does.
    fn cors_headers() -> Vec<Header> {
        [
            ("Access-Control-Allow-Origin", "*"),
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
        });

        for mut incoming in server.incoming_requests() {
            let mut response_headers = cors_headers();
            let method = incoming.method().as_str().to_owned();
            if method == "OPTIONS" {
                let mut preflight = Response::empty(204);
                for h in response_headers {
                    preflight.add_header(h);
                }
                let _ = incoming.respond(preflight);
                continue;
            }
            let Some(method) = Method::parse(&method) else {
                let _ = incoming
                    .respond(Response::from_string("method not allowed").with_status_code(405));
                continue;
            };
            let Ok(url) = url::Url::parse(&format!("http://{address}{}", incoming.url())) else {
                let _ = incoming
                    .respond(Response::from_string("bad request target").with_status_code(400));
                continue;
            };
            let mut body = String::new();
            let read = incoming
                .as_reader()
                .take(MAX_BODY)
                .read_to_string(&mut body);
            if read.is_err() {
                let _ = incoming
                    .respond(Response::from_string("the body must be UTF-8").with_status_code(400));
                continue;
            }
            let mut request = HttpRequest::new(method, url);
            for h in incoming.headers() {
                request = request.with_header(h.field.as_str().as_str(), h.value.as_str());
            }
            request.body = (!body.is_empty()).then_some(body);

            match backend.handle(&request, now_ms()) {
                MockReply::Hang => {
                    // Hold the connection without answering, off the main loop.
                    std::thread::spawn(move || {
                        std::thread::sleep(HANG);
                        drop(incoming);
                    });
                }
                MockReply::Respond { response, delay_ms } => {
                    std::thread::sleep(Duration::from_millis(delay_ms));
                    for (name, value) in &response.headers {
                        if let Some(h) = header(name, value) {
                            response_headers.push(h);
                        }
                    }
                    let mut reply =
                        Response::from_string(response.body).with_status_code(response.status);
                    for h in response_headers {
                        reply.add_header(h);
                    }
                    let _ = incoming.respond(reply);
                }
            }
        }
        Ok(())
    }
}
