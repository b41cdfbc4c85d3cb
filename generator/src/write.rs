//! Last phase: write generated files (only when changed, atomically, never over a hand-written
//! file) or check that the committed ones are fresh.
//! CONTRACT STUB.

use std::path::PathBuf;

/// The marker every generated file carries in its first line; a file without it is
/// hand-written and is never overwritten.
pub const GENERATED_MARKER: &str = "@generated";

/// One output file: its path relative to the output directory, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, e.g. `types.rs`.
    pub path: PathBuf,
    /// The formatted text, header included.
    pub contents: String,
}
