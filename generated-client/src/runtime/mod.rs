//! The hand-written runtime that generated code calls. Regeneration never touches these files.
//!
//! The modules are layered, each using only those listed before it (a test checks it):
//!
//! 1. [`service`]: what the generated code tells the runtime about the API (plain data);
//! 2. [`credentials`] (and the providers that give them), and, where the spec has a scheme
//!    that signs requests, its pure functions and `refusal` (reading a server's refusal of a
//!    signature: the clock offset, and where its canonical request differs from ours);
//! 3. [`error`], [`deserialize`] (reading generated structs), [`nullable`], [`validate`], [`retry`], `upload` (bodies read as they are
//!    sent, where the spec streams), [`request`], [`encode`], [`response`], and the page
//!    walker where the spec pages;
//! 4. `endpoint` and `auth` (resolving the endpoint and the credentials), `refresh` (fixed
//!    credentials, or a provider's, refreshed before they expire), then `settings`: the
//!    resolved configuration, with the one constructor that checks it;
//! 5. [`transport`]: sends one operation request with the settings (retries, authentication,
//!    tracing);
//! 6. [`config`] (the builder), then [`client`] (a cheap handle to the settings), then
//!    [`call`] (one call of one operation: the builder generated methods return);
//! 7. where the spec has streamed answers, `stream` (events, JSON lines and downloads read
//!    as they arrive).
//!
//! Parts that only some specs need are behind Cargo features of this crate and left out of
//! crates generated for specs that do not use them.

pub mod service;

pub mod credentials;
#[cfg(feature = "aksk")]
pub mod refusal;
#[cfg(feature = "aksk")]
pub mod signer;

pub mod deserialize;
pub mod encode;
pub mod error;
pub mod nullable;
#[cfg(feature = "pagination")]
pub mod paginate;
pub mod request;
pub mod response;
pub mod retry;
#[cfg(feature = "streaming")]
pub mod upload;
pub mod validate;

mod auth;
mod endpoint;
mod refresh;
mod settings;

pub mod transport;

pub mod client;
pub mod config;

pub mod call;

#[cfg(feature = "streaming")]
pub mod stream;

pub use call::{Call, Operation};
pub use client::Client;
pub use config::ClientBuilder;
pub use credentials::{
    Credentials, EnvironmentProvider, ProvideCredentials, ProvidedCredentials, ProviderError,
};
pub use error::{ApiError, Error, Undocumented};
#[cfg(feature = "aksk")]
pub use refusal::{ClockOffset, SignatureDiagnosis};
pub use request::CallOptions;
#[doc(hidden)]
pub use request::{OperationRequest, RequestBody};
#[doc(hidden)]
pub use response::RawResponse;
pub use response::Response;
pub use retry::RetryPolicy;
#[cfg(feature = "aksk")]
pub use service::{AkSkVariables, CanonicalRequestEcho, ParameterHeader, SignatureErrors};
pub use service::{
    AuthScheme, ClientParameter, Environment, ErrorFields, ParameterVariables, ServerVariable,
    ServiceInfo,
};
