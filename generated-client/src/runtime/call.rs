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
use crate::runtime::request::CallOptions;
use crate::runtime::retry::RetryPolicy;
use std::time::Duration;

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
