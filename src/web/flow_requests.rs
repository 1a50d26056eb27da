//! The requests of each flow, sent through the app's API clients: the one
//! flow-specific half of the runner's work.

use std::rc::Rc;

use crate::api::bidali::BidaliClient;
use crate::api::livechat::{BillingClient, RecurrentAction};
use crate::domain::oauth::AccessToken;
use crate::flow::charge_return::{self, ChargeRef, ChargeReturnFlow, ReturnedCharge};
use crate::flow::crypto_payment::{self, CryptoPaymentFlow};
use crate::web::backend::AppTransport;
use crate::web::runner::SendRequest;
use crate::web::server_clock::ClockSampling;

/// The return page's requests, signed with `token`.
pub fn charge_return(
    client: BillingClient<AppTransport>,
    token: AccessToken,
) -> SendRequest<ChargeReturnFlow> {
    let client = Rc::new(client);
    use charge_return::{Event, Request};
    Rc::new(move |request: Request| {
        let (client, token) = (Rc::clone(&client), token.clone());
        Box::pin(async move {
            match request {
                Request::Get(ChargeRef::Direct(id)) => Event::Read(
                    client
                        .get_direct_charge(&token, &id)
                        .await
                        .map(ReturnedCharge::Direct),
                ),
                Request::Get(ChargeRef::Recurrent(id)) => Event::Read(
                    client
                        .get_recurrent_charge(&token, &id)
                        .await
                        .map(ReturnedCharge::Recurrent),
                ),
                Request::Activate(ChargeRef::Direct(id)) => Event::Activated(
                    client
                        .activate_direct_charge(&token, &id)
                        .await
                        .map(|answer| answer.map(ReturnedCharge::Direct)),
                ),
                Request::Activate(ChargeRef::Recurrent(id)) => Event::Activated(
                    client
                        .recurrent_charge_action(&token, &id, RecurrentAction::Activate)
                        .await
                        .map(|charge| Some(ReturnedCharge::Recurrent(charge))),
                ),
                Request::DeclineSubscription(id) => Event::Declined(
                    client
                        .recurrent_charge_action(&token, &id, RecurrentAction::Decline)
                        .await
                        .map(drop),
                ),
            }
        })
    })
}

/// A crypto payment's requests, learning the server's clock as they go.
pub fn crypto_payment(
    client: BidaliClient<ClockSampling<AppTransport>>,
) -> SendRequest<CryptoPaymentFlow> {
    use crypto_payment::{Event, Request};
    let client = Rc::new(client);
    Rc::new(move |request: Request| {
        let client = Rc::clone(&client);
        Box::pin(async move {
            match request {
                Request::GetCharge(id) => Event::Read(client.get_charge(&id).await),
                Request::GetQuote(protocol, id) => {
                    Event::QuoteRead(protocol, client.get_quote(&id).await)
                }
            }
        })
    })
}
