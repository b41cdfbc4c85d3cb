//! The hand-written runtime that generated code calls: configuration, credentials, signing,
//! transport, retries and errors. Regeneration never touches these files.

pub mod client;
pub mod encode;
pub mod error;
pub mod request;
pub mod response;
pub mod validate;

pub use client::Client;
pub use error::{ApiError, Error};
pub use request::{OperationRequest, RequestBody};
pub use response::{RawResponse, Response};
