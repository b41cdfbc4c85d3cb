//! The hand-written runtime that generated code calls: configuration, credentials, signing,
//! transport, retries and errors. Regeneration never touches these files.

pub mod client;
pub mod config;
pub mod credentials;
pub mod encode;
pub mod error;
pub mod nullable;
pub mod paginate;
pub mod request;
pub mod response;
pub mod retry;
pub mod signer;
pub mod transport;
pub mod validate;

pub use client::{
    AkSkVariables, AuthScheme, Client, Environment, ParameterVariables, ServerVariable, ServiceInfo,
};
pub use config::ClientBuilder;
pub use credentials::Credentials;
pub use error::{ApiError, Error};
pub use request::{OperationRequest, RequestBody};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
