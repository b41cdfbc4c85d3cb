//! Phase 1: read a spec file (YAML or JSON) into an [`openapiv3::OpenAPI`] document.
//! CONTRACT STUB.

use crate::Diagnostics;
use std::path::{Path, PathBuf};

/// A loaded spec: the document, the raw JSON value (for pointers) and the text (for lines).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file it came from.
    pub file: PathBuf,
    /// The file's text.
    pub text: String,
    /// The document as plain JSON, for walking `$ref`s and extensions by pointer.
    pub raw: serde_json::Value,
    /// The typed document.
    pub document: openapiv3::OpenAPI,
}

impl Spec {
    /// Fills in the line of every diagnostic whose pointer can be found in the text.
    pub fn locate(&self, diagnostics: Diagnostics) -> Diagnostics {
        diagnostics
    }
}

/// Reads and parses a spec file.
pub fn load(path: &Path) -> Result<Spec, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(path, "#", format!("cannot read the spec: {error}"));
            return Err(diagnostics);
        }
    };
    load_str(path, &text)
}

/// Parses spec text; `file` is only used to name the place of problems.
pub fn load_str(file: &Path, text: &str) -> Result<Spec, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let raw: serde_json::Value = match serde_yaml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => {
            diagnostics.push(file, "#", error.to_string());
            return Err(diagnostics);
        }
    };
    match serde_json::from_value(raw.clone()) {
        Ok(document) => Ok(Spec {
            file: file.to_path_buf(),
            text: text.to_owned(),
            raw,
            document,
        }),
        Err(error) => {
            diagnostics.push(file, "#", error.to_string());
            Err(diagnostics)
        }
    }
}
