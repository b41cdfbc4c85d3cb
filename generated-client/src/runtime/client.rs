//! The client: configuration, authentication and the transport that sends an
//! [`OperationRequest`](crate::runtime::OperationRequest).
//!
//! Placeholder contract: the runtime issue replaces the bodies; generated code relies only on
//! `Client::execute` and `Client::client_parameter`.

use crate::runtime::{Error, OperationRequest, RawResponse};

/// A MetaStudio client. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Client {
    _private: (),
}

impl Client {
    /// Sends one operation's request (authenticating, retrying and timing out as configured) and
    /// returns the response, whatever its status.
    pub async fn execute(&self, request: OperationRequest) -> Result<RawResponse, Error> {
        let _ = request;
        Err(Error::Config("the transport is not implemented yet".into()))
    }

    /// A value set once on the client and filled into every operation that takes it
    /// (parameters marked `x-client-parameter` in the spec, such as `project_id`).
    pub fn client_parameter(&self, name: &str) -> Result<&str, Error> {
        Err(Error::Config(format!("`{name}` is not set on the client")))
    }
}
