//! Async Rust client for Huawei Cloud MetaStudio's active-code API.
//!
//! The request and response types and one method per operation are generated from
//! `spec/metastudio.yaml` (see [`types`] and [`operations`]); everything under [`runtime`] is
//! hand-written.
#![deny(missing_docs)]

mod generated;
pub mod runtime;

pub use generated::{operations, types};
pub use runtime::{ApiError, Client, Error, Response};
