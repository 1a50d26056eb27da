//! What every page talks through: the transport (`fetch`, answered by the
//! configured services or, in mock mode, by the demo's mock backend), the Billing API, the OAuth client and the
//! allow-list for confirmation pages. Built once from the configuration and
//! provided as context.

use url::Url;

use crate::api::bidali::{BidaliApi, BidaliClient};
use crate::api::livechat::{BillingApi, BillingClient};
use crate::api::plans::PlansApi;
use crate::api::{ApiError, Endpoint};
use crate::config::{AppConfig, Mode, OAuthFlow};
use crate::domain::oauth::{FlowKind, OAuthClient, Scope};
use crate::domain::return_url::{ConfirmationPolicy, UnsafeUrlError};
pub use crate::web::backend::AppTransport;
use crate::web::backend::MOCK_SIGN_IN_PATH;
use crate::web::dom;
use crate::web::server_clock::{ClockSampling, SampledClock};

/// The app's route that receives the OAuth answer.
pub const CALLBACK_PATH: &str = "auth/callback";
/// The app's route that receives the buyer back from a confirmation page.
pub const RETURN_PATH: &str = "return";

/// Why the plans manager cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlansUnavailable {
    /// `plans.api_url` in config.json cannot be used.
    BadAddress(ApiError),
    /// Live mode: the gateway's management API needs keys a public page
    /// must not hold; the API's address.
    NeedsGatewayKeys(String),
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
    /// The confirmation pages the widget follows. A mock backend's is this
    /// app's own origin in mock mode, the mock's in live mode with
    /// `allow_mock_backend`.
    pub confirmation: ConfirmationPolicy,
    mock_mode: bool,
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
        let billing = config.livechat.billing_api()?;
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
        // The demo signs in on the mock's page; tokens come from the mock.
        let oauth = if mock_mode {
            oauth.with_authorize_endpoint(format!("{}{MOCK_SIGN_IN_PATH}", dom::origin()))
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
            confirmation: ConfirmationPolicy {
                allowed_origins: config
                    .confirmation_origins
                    .iter()
                    .map(|o| o.origin().ascii_serialization())
                    .collect(),
                mock_origin: if mock_mode {
                    Some(dom::origin())
                } else {
                    config.allow_mock_backend.then(|| {
                        config
                            .livechat
                            .billing_api_url
                            .origin()
                            .ascii_serialization()
                    })
                },
            },
            mock_mode,
            plans: config.plans.plans_api(),
            bidali: config.bidali.charges_api(),
            remote_logos: config.bidali.remote_logos,
        })
    }

    /// Sends one request a page names (an endpoint of the Billing or the
    /// plans API: data) through the app's transport, and reads its answer.
    pub async fn send<A>(&self, endpoint: Endpoint<A>) -> Result<A, ApiError> {
        endpoint.send(&self.transport).await
    }

    /// The plans API, or why the plans manager cannot run. The mock's plans
    /// API asks for no credentials, so none is sent in mock mode. A real
    /// gateway's management API needs an API credential that the
    /// configuration has no setting for (and a page anyone can open must
    /// not hold), so live mode explains that instead of sending requests
    /// that would be refused.
    pub fn plans(&self) -> Result<&PlansApi, PlansUnavailable> {
        let api = self
            .plans
            .as_ref()
            .map_err(|error| PlansUnavailable::BadAddress(error.clone()))?;
        if self.is_mock() {
            Ok(api)
        } else {
            Err(PlansUnavailable::NeedsGatewayKeys(
                api.base_url().to_string(),
            ))
        }
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
        self.confirmation.check(raw)
    }

    pub fn is_mock(&self) -> bool {
        self.mock_mode
    }
}
