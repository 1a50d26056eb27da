//! What every page talks through: the transport (real network or the
//! in-page mock, picked by mode), the Billing API, the OAuth client and the
//! allow-list for confirmation pages. Built once from the configuration and
//! provided as context.

use url::Url;

use crate::api::bidali::{BidaliApi, BidaliClient};
use crate::api::livechat::{BillingApi, BillingClient};
use crate::api::plans::{PlansApi, PlansClient};
use crate::api::transport::{
    read_retry_delay, refuse_mock_backend, HttpRequest, HttpResponse, Transport, TransportError,
};
use crate::api::ApiError;
use crate::config::{AppConfig, Mode, OAuthFlow};
use crate::domain::oauth::{FlowKind, OAuthClient, Scope};
use crate::domain::return_url::{check_confirmation_url, UnsafeUrlError};
use crate::i18n::t;
#[cfg(feature = "mock")]
use crate::mock::app::SIGN_IN_PATH;
use crate::web::dom;
#[cfg(feature = "mock")]
use crate::web::mock_transport::MockTransport;
use crate::web::server_clock::{ClockSampling, SampledClock};
use crate::web::transport::{sleep_ms, FetchTransport};

/// The app's route that receives the OAuth answer.
pub const CALLBACK_PATH: &str = "auth/callback";
/// The app's route that receives the buyer back from a confirmation page.
pub const RETURN_PATH: &str = "return";

/// The real network or the in-page mock: the pages cannot tell them apart.
#[derive(Debug, Clone, Copy)]
pub enum AppTransport {
    Network(FetchTransport),
    #[cfg(feature = "mock")]
    Mock(MockTransport),
}

impl AppTransport {
    async fn send_once(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        match self {
            // Live mode never takes the mock backend's answers.
            Self::Network(network) => network.send(request).await.map(refuse_mock_backend),
            #[cfg(feature = "mock")]
            Self::Mock(mock) => mock.send(request).await,
        }
    }
}

impl Transport for AppTransport {
    /// Reads that fail fast (a dropped connection, 502-504) are repeated
    /// twice, a moment apart, before anyone is bothered; writes never are.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut attempt = 0;
        loop {
            let outcome = self.send_once(request.clone()).await;
            // Math.random() is in [0, 1): a whole number below 1000.
            let jitter = (js_sys::Math::random() * 1000.0) as u32;
            match read_retry_delay(request.method, &outcome, attempt, jitter) {
                Some(wait_ms) => {
                    sleep_ms(u32::try_from(wait_ms).unwrap_or(u32::MAX)).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }
}

/// Shared by every page through context.
#[derive(Debug, Clone)]
pub struct Services {
    pub transport: AppTransport,
    pub billing: BillingApi,
    pub oauth: OAuthClient,
    pub flow: FlowKind,
    /// Where LiveChat sends the buyer after a confirmation page.
    pub return_url: String,
    pub currency: String,
    confirmation_origins: Vec<String>,
    /// This app's own origin in mock mode, where the mock's pages live.
    mock_origin: Option<String>,
    /// The recurring billing plans API, or why its address is unusable.
    plans: Result<PlansApi, ApiError>,
    /// Bidali's charges API, or why its address is unusable.
    bidali: Result<BidaliApi, ApiError>,
    /// Whether currency logos are first asked of Bidali's server.
    pub remote_logos: bool,
}

impl Services {
    /// The scopes the widget asks for: charges, and the ledger if granted.
    pub const SCOPES: [Scope; 2] = [Scope::BillingManage, Scope::LedgerRead];

    pub fn new(config: &AppConfig, transport: AppTransport) -> Result<Self, ApiError> {
        let billing = BillingApi::from_config(&config.livechat)?;
        let redirect_uri = config
            .livechat
            .redirect_uri
            .as_ref()
            .map(Url::to_string)
            .unwrap_or_else(|| dom::resolve_against_base(CALLBACK_PATH));
        let oauth = OAuthClient::new(config.oauth_client_id(), redirect_uri)
            .with_accounts_url(config.livechat.accounts_url.as_str())
            .with_scopes(Self::SCOPES.to_vec());
        let mock_mode = config.mode == Mode::Mock;
        #[cfg(feature = "mock")]
        // The demo signs in on its own page; tokens come from the mock.
        let oauth = if mock_mode {
            oauth.with_authorize_endpoint(format!("{}{SIGN_IN_PATH}", dom::origin()))
        } else {
            oauth
        };
        let flow = match config.livechat.oauth_flow {
            OAuthFlow::Code => FlowKind::Code,
            OAuthFlow::Implicit => FlowKind::Implicit,
        };
        Ok(Self {
            transport,
            billing,
            oauth,
            flow,
            return_url: dom::resolve_against_base(RETURN_PATH),
            currency: config.currency.clone(),
            confirmation_origins: config
                .confirmation_origins
                .iter()
                .map(|o| o.origin().ascii_serialization())
                .collect(),
            mock_origin: mock_mode.then(dom::origin),
            plans: PlansApi::from_config(&config.plans),
            bidali: BidaliApi::from_config(&config.bidali),
            remote_logos: config.bidali.remote_logos,
        })
    }

    pub fn billing_client(&self) -> BillingClient<AppTransport> {
        BillingClient::new(self.billing.clone(), self.transport)
    }

    /// The Billing API, learning the server's clock from each answer into
    /// `clock` (to compare the server's time stamps with the device's).
    pub fn billing_client_sampling(
        &self,
        clock: SampledClock,
    ) -> BillingClient<ClockSampling<AppTransport>> {
        BillingClient::new(
            self.billing.clone(),
            ClockSampling::new(self.transport, clock),
        )
    }

    /// Bidali's API over this app's transport, learning the server's clock
    /// from each answer into `clock`; or why the address is unusable.
    pub fn bidali_client(
        &self,
        clock: SampledClock,
    ) -> Result<BidaliClient<ClockSampling<AppTransport>>, ApiError> {
        let api = self.bidali.clone()?;
        Ok(BidaliClient::new(
            api,
            ClockSampling::new(self.transport, clock),
        ))
    }

    /// Accepts a server-given confirmation page only on an allowed origin
    /// (and, in mock mode, on this app's own origin).
    pub fn check_confirmation_url(&self, raw: &str) -> Result<Url, UnsafeUrlError> {
        check_confirmation_url(raw, &self.confirmation_origins, self.mock_origin.as_deref())
    }

    pub fn is_mock(&self) -> bool {
        self.mock_origin.is_some()
    }

    /// The plans API over this app's transport, or why the plans manager
    /// cannot run. The mock's plans API asks for no credentials, so none is
    /// sent in mock mode. A real gateway's management API needs an API
    /// credential that the configuration has no setting for (and a page
    /// anyone can open must not hold), so live mode explains that instead of
    /// sending requests that would be refused.
    pub fn plans_client(&self) -> Result<PlansClient<AppTransport>, String> {
        let api = self.plans.clone().map_err(|error| {
            format!("The plans API address (plans.api_url in config.json) cannot be used: {error}.")
        })?;
        if self.is_mock() {
            return Ok(PlansClient::new(api, self.transport));
        }
        Err((t().plans_need_gateway_keys)(api.base_url().as_str()))
    }
}
