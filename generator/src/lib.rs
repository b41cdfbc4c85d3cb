//! A Swagger 2.0 / OpenAPI 3.0 / OpenAPI 3.1 to Rust client generator.
//!
//! The pipeline, one module per phase, data flowing one way:
//! [`read`] (YAML or JSON to a value) → [`bundle`] (files to one document) → [`normalize`] (any
//! version to the OpenAPI 3.0 shape) → [`parse`] (to `openapiv3`), orchestrated by [`load`] →
//! [`validate`] (every problem, located; what it proved) → [`lower`] (our own [`model`]) →
//! [`emit`] (tokens) → [`format`](mod@format) (text with a generated header) →
//! [`write`](mod@write) (write-if-changed, atomic, or check). [`source`] maps every problem back
//! to the file, pointer and line the user wrote. Beside the code, [`api`] lists the public API
//! of the model (`public-api.txt`) and [`report`] compares two listings: what a regeneration
//! changed, breaking or not.

pub mod api;
pub mod bundle;
pub mod diagnostic;
pub mod emit;
pub mod format;
pub mod load;
pub mod locate;
pub mod lower;
pub mod model;
pub mod names;
pub mod normalize;
pub mod parse;
pub mod read;
pub mod refs;
pub mod report;
pub mod runtime_source;
pub mod source;
pub mod standalone;
pub mod validate;
pub mod write;

use std::path::Path;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use write::GeneratedFile;

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec cannot be used; every problem found is listed with its place (warnings too).
    #[error("{0}")]
    Spec(Diagnostics),
    /// Code that should parse did not (the runtime, stripped of parts a spec does not use): a
    /// bug in the generator, reported rather than panicking.
    #[error("internal error: generated code for {file} does not parse: {message}")]
    Format {
        /// The output file.
        file: String,
        /// What the parser said.
        message: String,
    },
}

/// What generation produced: the files, and the warnings about constructs it could not type
/// well (each with its place and the fallback it used).
#[derive(Debug, Clone)]
pub struct Generated {
    /// The text of every generated file.
    pub files: Vec<GeneratedFile>,
    /// Located warnings, sorted.
    pub warnings: Diagnostics,
    /// The Cargo features the code is gated by (feature, tag), sorted; empty without
    /// [`Options::tag_features`].
    pub features: Vec<(String, String)>,
    /// The feature that gates the webhook payload types, off by default, when the spec has
    /// webhooks and [`Options::tag_features`] is on.
    pub webhooks_feature: Option<String>,
}

/// Runs the pipeline from a spec file (and the files it refers to) to the text of every
/// generated file.
///
/// `source_name` is how the header names the spec (e.g. `spec/metastudio.yaml`); it is part of
/// the output, so pass the same name wherever output is compared.
pub fn generate(spec_path: &Path, source_name: &str) -> Result<Generated, GenerateError> {
    generate_with(spec_path, source_name, &Options::default())
}

/// What a run may do beyond the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Gate each operation, and the types only it reaches, behind a Cargo feature per tag
    /// ([`model::TagFeatures`]); the crate must declare those features.
    pub tag_features: bool,
}

/// [`generate`] with `options`.
pub fn generate_with(
    spec_path: &Path,
    source_name: &str,
    options: &Options,
) -> Result<Generated, GenerateError> {
    let spec = load::load(spec_path).map_err(GenerateError::Spec)?;
    generate_from_spec_with(&spec, source_name, options)
}

/// Runs the pipeline from an already loaded spec.
pub fn generate_from_spec(
    spec: &load::Spec,
    source_name: &str,
) -> Result<Generated, GenerateError> {
    generate_from_spec_with(spec, source_name, &Options::default())
}

/// [`generate_from_spec`] with `options`.
pub fn generate_from_spec_with(
    spec: &load::Spec,
    source_name: &str,
    options: &Options,
) -> Result<Generated, GenerateError> {
    let (mut model, warnings) = model_of(spec)?;
    if options.tag_features {
        model.features = lower::tag_features(&model);
    }
    Ok(Generated {
        files: files_of(&model, source_name)?,
        warnings,
        features: features_of(&model),
        webhooks_feature: webhooks_feature_of(&model),
    })
}

/// The (feature, tag) pairs that gate `model`'s items.
pub fn features_of(model: &model::Model) -> Vec<(String, String)> {
    model
        .features
        .as_ref()
        .map(|features| features.features.clone())
        .unwrap_or_default()
}

/// The feature that gates `model`'s webhook payload types, if any.
pub fn webhooks_feature_of(model: &model::Model) -> Option<String> {
    model.features.as_ref()?.webhooks.clone()
}

/// Validates and lowers a loaded spec: the model, and every warning so far (loading's too).
pub fn model_of(spec: &load::Spec) -> Result<(model::Model, Diagnostics), GenerateError> {
    let (proven, problems) = validate::validate(spec);
    let mut diagnostics = spec.warnings.clone();
    diagnostics.extend(spec.locate(problems));
    if diagnostics.has_errors() {
        return Err(GenerateError::Spec(diagnostics));
    }
    let (model, problems) = lower::lower(spec, &proven);
    diagnostics.extend(spec.locate(problems));
    Ok((model, diagnostics))
}

/// The generated files of a model, formatted, and the listing of its public API (next to the
/// code, so that its diff shows what a regeneration changed; [`report`] classifies it).
pub fn files_of(
    model: &model::Model,
    source_name: &str,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut files: Vec<GeneratedFile> = emit::emit(model)
        .into_iter()
        .map(|file| format::format(file, source_name))
        .collect();
    files.push(api::listing_file(model, source_name));
    Ok(files)
}
