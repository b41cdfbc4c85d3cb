//! An OpenAPI 3.0 to Rust client generator.
//!
//! The pipeline, one module per phase, data flowing one way:
//! [`load`] (file to document) → [`validate`] (every problem, located) → [`lower`] (our own
//! [`model`]) → [`emit`] (tokens) → [`format`] (text with a generated header) → [`write`]
//! (write-if-changed, atomic, or check).

pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod load;
pub mod lower;
pub mod model;
pub mod names;
pub mod validate;
pub mod write;

pub use diagnostic::{Diagnostic, Diagnostics};
