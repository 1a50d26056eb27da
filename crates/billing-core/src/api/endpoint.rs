//! One API call as a value: the request to send and how its answer reads.
//!
//! Every builder of the three APIs returns an [`Endpoint`], and the one
//! generic [`Endpoint::send`] sends any of them through any [`Transport`]:
//! the services differ only in base URL, auth and error shape, which their
//! builders and readers hold.

use super::{ApiError, HttpRequest, HttpResponse, Service, Transport};

/// Reads a successful or failed answer into `A` or an [`ApiError`].
pub type Read<A> = fn(&HttpResponse) -> Result<A, ApiError>;

/// A request to one endpoint of `service`, and the reader of its answer.
/// Input the builder refused (a bad amount, page 0) is kept as the error:
/// sending it sends nothing and answers with that error.
#[must_use = "an endpoint does nothing until it is sent"]
#[derive(Debug, Clone)]
pub struct Endpoint<A> {
    service: Service,
    request: Result<HttpRequest, ApiError>,
    read: Read<A>,
}

impl<A> Endpoint<A> {
    pub fn new(service: Service, request: HttpRequest, read: Read<A>) -> Self {
        Self::checked(service, Ok(request), read)
    }

    /// A request that may have been refused before sending.
    pub fn checked(
        service: Service,
        request: Result<HttpRequest, ApiError>,
        read: Read<A>,
    ) -> Self {
        Self {
            service,
            request,
            read,
        }
    }

    /// The service this endpoint belongs to; every error it returns names it.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The request that would be sent, or why none would.
    pub fn request(&self) -> Result<&HttpRequest, &ApiError> {
        self.request.as_ref()
    }

    pub fn into_request(self) -> Result<HttpRequest, ApiError> {
        self.request
    }

    /// Reads an answer to this endpoint's request.
    pub fn read(&self, response: &HttpResponse) -> Result<A, ApiError> {
        (self.read)(response).map_err(|error| error.with_service(self.service))
    }

    /// Sends the request through `transport` and reads the answer.
    pub async fn send<T: Transport + ?Sized>(self, transport: &T) -> Result<A, ApiError> {
        let service = self.service;
        let response = transport
            .send(self.request?)
            .await
            .map_err(|error| ApiError::from(error).with_service(service))?;
        (self.read)(&response).map_err(|error| error.with_service(service))
    }
}

/// One API over one transport: the API builds the endpoints, the client
/// sends them. The same client serves the three APIs.
#[derive(Debug, Clone)]
pub struct Client<Api, T> {
    api: Api,
    transport: T,
}

impl<Api, T: Transport> Client<Api, T> {
    pub fn new(api: Api, transport: T) -> Self {
        Self { api, transport }
    }

    pub fn api(&self) -> &Api {
        &self.api
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sends `endpoint` (one of this API's) and reads its answer.
    pub async fn send<A>(&self, endpoint: Endpoint<A>) -> Result<A, ApiError> {
        endpoint.send(&self.transport).await
    }
}
