//! One call of one operation: what a generated operation method returns, to set the
//! operation's parameters by name and then `send()` it.
//!
//! ```text
//! let response = client
//!     .show_pet()                        // the operation
//!     .pet_id("p-1")                     // its parameters, by name
//!     .timeout(Duration::from_secs(5))   // this call only
//!     .send()
//!     .await?;
//! println!("{:?}", response.body());
//! ```
//!
//! The parameters are the operation's (generated, one method per parameter, named as in the
//! spec); [`timeout`](Call::timeout), [`retry`](Call::retry) and [`header`](Call::header)
//! change the client's settings for this call only. A call owns what it needs (a clone of the
//! client is a reference count), so it and the streams it makes can move into spawned tasks.

use crate::runtime::client::Client;
use crate::runtime::error::Error;
use crate::runtime::request::{CallOptions, OperationRequest};
use crate::runtime::response::{RawResponse, Response};
use crate::runtime::retry::RetryPolicy;
use std::time::Duration;

/// What one operation sends and what it answers with: implemented by every operation's
/// parameters type (`<Op>Request`), which is how [`Call::send`] knows the types of the answer.
///
/// ```text
/// impl Operation for ShowPetRequest {
///     type Output = types::Pet;                 // the body of a success
///     type Headers = ShowPetResponseHeaders;    // the typed headers the spec declares, or ()
///     type Error = ShowPetError;                // the documented error bodies, or Undocumented
/// }
/// ```
pub trait Operation {
    /// The body of a success: the documented type, or the operation's response enum when its
    /// successes have different bodies (`()` without a body).
    type Output;
    /// The response headers the spec declares for the operation, typed (`()` for none).
    type Headers;
    /// The error bodies the spec documents, by status ([`Undocumented`] for none): what
    /// [`ApiError::documented`](crate::runtime::ApiError::documented) holds.
    ///
    /// [`Undocumented`]: crate::runtime::Undocumented
    type Error: std::fmt::Debug;

    /// Checks that every required value is set and meets the spec's constraints, then writes
    /// the request (generated code; callers use [`Call::send`]).
    #[doc(hidden)]
    fn request(&self, client: &Client) -> Result<OperationRequest, Error>;

    /// Decodes an answer by its status (generated code; callers use [`Call::send`]).
    #[doc(hidden)]
    fn response(raw: RawResponse) -> Answer<Self>;
}

/// What sending a call of the operation `R` gives: the success with its typed body and headers,
/// or the error, holding the documented error body when the status has one.
pub type Answer<R> = Result<
    Response<<R as Operation>::Output, <R as Operation>::Headers>,
    Error<<R as Operation>::Error>,
>;

/// One call of one operation, before it is sent: `R` holds the operation's parameters and
/// body. Made by the operation's method on [`Client`]; sent with the generated `send()`.
#[must_use = "a call does nothing until it is sent: `.send().await`"]
#[derive(Debug, Clone)]
#[allow(
    dead_code,
    reason = "a crate for a spec without operations makes no call, and reads none of this"
)]
pub struct Call<R> {
    pub(crate) client: Client,
    pub(crate) request: R,
    pub(crate) options: CallOptions,
}

impl<R> Call<R> {
    /// A call of `client` with the parameters in `request` (generated code makes these).
    #[doc(hidden)]
    pub fn new(client: &Client, request: R) -> Self {
        Call {
            client: client.clone(),
            request,
            options: CallOptions::default(),
        }
    }

    /// The longest one attempt of this call may take, instead of the client's
    /// [`timeout`](crate::runtime::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// How this call is retried, instead of the client's
    /// [`retry`](crate::runtime::ClientBuilder::retry) policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options = self.options.retry(policy);
        self
    }

    /// A header sent with this call only (see [`CallOptions::header`]).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options = self.options.header(name, value);
        self
    }

    /// The operation's parameters set so far.
    pub fn parameters(&self) -> &R {
        &self.request
    }

    /// Replaces every option of this call.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

impl<R: Operation> Call<R> {
    /// Sends the call: checks that every required value is set and meets the spec's
    /// constraints (nothing is sent otherwise), sends the request (with the client's
    /// authentication, retries and timeouts, as changed for this call) and decodes the answer:
    /// the documented body and typed headers for a success, the documented error body (in
    /// [`ApiError::documented`](crate::runtime::ApiError::documented)) for an error status.
    pub async fn send(self) -> Answer<R> {
        let Call {
            client,
            request,
            options,
        } = self;
        let mut prepared = request.request(&client).map_err(Error::retype)?;
        drop(request);
        prepared.options = options;
        let raw = client.execute(prepared).await.map_err(Error::retype)?;
        R::response(raw)
    }
}

/// The value of a required parameter, or the validation error that says how to set it.
#[doc(hidden)]
pub fn required<'v, T, E: std::fmt::Debug>(
    value: &'v Option<T>,
    parameter: &str,
    setter: &str,
) -> Result<&'v T, Error<E>> {
    value.as_ref().ok_or_else(|| {
        Error::validation(
            parameter,
            format!("is required: set it with .{setter}(…) before sending"),
        )
    })
}
