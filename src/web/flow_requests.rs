//! The requests of each flow, sent through the app's API clients: the one
//! flow-specific half of the runner's work.

use crate::api::Service;
use std::rc::Rc;

use crate::api::bidali::BidaliClient;
use crate::api::livechat::{
    BillingClient, DirectChargeQuery, RecurrentAction, RecurrentChargeQuery,
};
use crate::api::plans::PlansClient;
use crate::api::ApiError;
use crate::domain::charge::{ChargeKind, DirectChargeStatus, RecurrentChargeStatus};
use crate::domain::oauth::AccessToken;
use crate::domain::plan::PlanRef;
use crate::flow::charge_return::{self, ChargeRef, ChargeReturnFlow, ReturnedCharge};
use crate::flow::crypto_payment::{self, CryptoPaymentFlow};
use crate::flow::crypto_start::{self, OpenChargeFlow};
use crate::flow::plan_save::{self, PlanSaveFlow};
use crate::flow::purchase;
use crate::flow::subscription_cancel::{self, CancelFlow};
use crate::web::backend::AppTransport;
use crate::web::runner::SendRequest;
use crate::web::server_clock::{device_now_ms, ClockSampling, SampledClock};

/// The token current when a request is sent, or `None` when signed out.
pub type CurrentToken = Rc<dyn Fn() -> Option<AccessToken>>;

/// The answer a request gets when there is no token to sign it with: the
/// same as the server's refusal of a bad one, so flows handle both alike.
pub fn signed_out() -> ApiError {
    ApiError::Http {
        service: Service::Billing,
        status: 401,
        body: None,
        snippet: None,
        retry_after_secs: None,
    }
}

/// A subscription page's cancel request, signed with the token current
/// when it is sent.
pub fn subscription_cancel(
    client: BillingClient<AppTransport>,
    token: CurrentToken,
) -> SendRequest<CancelFlow> {
    use subscription_cancel::{Event, Request};
    let client = Rc::new(client);
    Rc::new(move |Request::Cancel(id)| {
        let (client, token) = (Rc::clone(&client), token());
        Box::pin(async move {
            let Some(token) = token else {
                return Event::Answered(Err(signed_out()));
            };
            let cancel = client
                .api()
                .recurrent_charge_action(&token, &id, RecurrentAction::Cancel);
            Event::Answered(client.send(cancel).await.map(Box::new))
        })
    })
}

/// A plan form's saves.
pub fn plan_save(client: PlansClient<AppTransport>) -> SendRequest<PlanSaveFlow> {
    use plan_save::{Event, Request};
    let client = Rc::new(client);
    Rc::new(move |request| {
        let client = Rc::clone(&client);
        Box::pin(async move {
            let endpoint = match &request {
                Request::Create(new) => client.api().create_plan(new),
                Request::Modify(id, changes) => {
                    client.api().modify_plan(&PlanRef::Id(*id), changes)
                }
            };
            Event::Answered(client.send(endpoint).await)
        })
    })
}

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
                        .send(client.api().get_direct_charge(&token, &id))
                        .await
                        .map(ReturnedCharge::Direct),
                ),
                Request::Get(ChargeRef::Recurrent(id)) => Event::Read(
                    client
                        .send(client.api().get_recurrent_charge(&token, &id))
                        .await
                        .map(ReturnedCharge::Recurrent),
                ),
                Request::Activate(ChargeRef::Direct(id)) => Event::Activated(
                    client
                        .send(client.api().activate_direct_charge(&token, &id))
                        .await
                        .map(|answer| answer.map(ReturnedCharge::Direct)),
                ),
                Request::Activate(ChargeRef::Recurrent(id)) => Event::Activated(
                    client
                        .send(client.api().recurrent_charge_action(
                            &token,
                            &id,
                            RecurrentAction::Activate,
                        ))
                        .await
                        .map(|charge| Some(ReturnedCharge::Recurrent(charge))),
                ),
                Request::DeclineSubscription(id) => Event::Declined(
                    client
                        .send(client.api().recurrent_charge_action(
                            &token,
                            &id,
                            RecurrentAction::Decline,
                        ))
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
                Request::GetCharge(id) => {
                    Event::Read(client.send(client.api().get_charge(&id)).await)
                }
                Request::GetQuote(protocol, id) => {
                    Event::QuoteRead(protocol, client.send(client.api().get_quote(&id)).await)
                }
            }
        })
    })
}

/// A purchase's requests, learning the server's clock as they go (a lost
/// create's charge is looked for by the server's time stamps).
pub async fn purchase(
    client: Rc<BillingClient<ClockSampling<AppTransport>>>,
    clock: SampledClock,
    token: AccessToken,
    request: purchase::Request,
) -> purchase::Event {
    use purchase::{Event, PendingCharge, Request};
    match request {
        Request::CreateDirect(charge) => Event::Created(
            client
                .send(client.api().create_direct_charge(&token, &charge))
                .await
                .map(|created| created.confirmation_url),
        ),
        Request::CreateRecurrent(charge) => Event::Created(
            client
                .send(client.api().create_recurrent_charge(&token, &charge))
                .await
                .map(|created| created.confirmation_url),
        ),
        // Only charges still waiting for the buyer can be the lost one,
        // newest first, so the first page holds it however long the
        // history is.
        Request::ListPending(ChargeKind::Direct) => {
            let query = DirectChargeQuery {
                status: Some(DirectChargeStatus::Pending),
                ..Default::default()
            };
            let listed = client
                .send(client.api().list_direct_charges(&token, &query))
                .await;
            pending(listed, PendingCharge::of_direct, &clock)
        }
        Request::ListPending(ChargeKind::Recurrent) => {
            let query = RecurrentChargeQuery {
                status: Some(RecurrentChargeStatus::Pending),
                ..Default::default()
            };
            let listed = client
                .send(client.api().list_recurrent_charges(&token, &query))
                .await;
            pending(listed, PendingCharge::of_recurrent, &clock)
        }
    }
}

fn pending<C>(
    listed: Result<Vec<C>, ApiError>,
    pending_of: fn(C) -> Option<purchase::PendingCharge>,
    clock: &SampledClock,
) -> purchase::Event {
    purchase::Event::Listed(listed.map(|charges| purchase::PendingCharges {
        charges: charges.into_iter().filter_map(pending_of).collect(),
        server_clock: clock.get(),
    }))
}

/// Opening a Bidali charge, noting the device's clock around the create
/// and the server's clock its answer told.
pub fn open_charge(
    client: BidaliClient<ClockSampling<AppTransport>>,
    clock: SampledClock,
) -> SendRequest<OpenChargeFlow> {
    use crypto_start::{Created, Event, Request};
    let client = Rc::new(client);
    Rc::new(move |Request::Create(charge)| {
        let (client, clock) = (Rc::clone(&client), clock.clone());
        Box::pin(async move {
            let sent_ms = device_now_ms();
            let created = client.send(client.api().create_charge(&charge)).await;
            let received_ms = device_now_ms();
            Event::Created(created.map(|charge| {
                Box::new(Created {
                    charge,
                    sent_ms,
                    received_ms,
                    server_clock: clock.get(),
                })
            }))
        })
    })
}
