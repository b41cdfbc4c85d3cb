//! An OpenAPI 3.0 to Rust client generator.
//!
//! The pipeline, one module per phase, data flowing one way:
//! [`load`] (file to document) → [`validate`] (every problem, located) → [`lower`] (our own
//! [`model`]) → [`emit`] (tokens) → [`format`](mod@format) (text with a generated header) → [`write`](mod@write)
//! (write-if-changed, atomic, or check).

pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod load;
pub mod lower;
pub mod model;
pub mod names;
pub mod normalize;
pub mod standalone;
pub mod validate;
pub mod write;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use write::GeneratedFile;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec has problems; every one is listed with its place.
    #[error("{0}")]
    Spec(Diagnostics),
    /// Emitted code did not parse: a bug in the generator, reported rather than panicking.
    #[error("internal error: generated code for {file} does not parse: {message}")]
    Format {
        /// The output file.
        file: String,
        /// What the parser said.
        message: String,
    },
}

/// Runs the pipeline from a spec file to the text of every generated file.
///
/// `source_name` is how the header names the spec (e.g. `spec/metastudio.yaml`); it is part of
/// the output, so pass the same name wherever output is compared.
pub fn generate(spec_path: &Path, source_name: &str) -> Result<Vec<GeneratedFile>, GenerateError> {
    let spec = load::load(spec_path).map_err(GenerateError::Spec)?;
    generate_from_spec(&spec, source_name)
}

/// Runs the pipeline from an already loaded spec.
pub fn generate_from_spec(
    spec: &load::Spec,
    source_name: &str,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    validate::validate(spec).map_err(|d| GenerateError::Spec(spec.locate(d)))?;
    let model = lower::lower(spec).map_err(|d| GenerateError::Spec(spec.locate(d)))?;
    emit::emit(&model)
        .into_iter()
        .map(|file| format::format(&file, source_name))
        .collect()
}
