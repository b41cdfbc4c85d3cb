//! Phase 5: the text of each file with the generated header.

use crate::emit::OutputFile;
use crate::write::{GENERATED_MARKER, GeneratedFile};

/// Prepends the header (the generated marker, where the file comes from, its doc line).
pub fn format(file: OutputFile, source_name: &str) -> GeneratedFile {
    let header = format!(
        "// {GENERATED_MARKER} by the generator from {source_name}: do not edit.\n// Edit the spec and regenerate with `cargo codegen`.\n//! {}\n\n",
        file.doc
    );
    let mut contents = String::with_capacity(header.len().saturating_add(file.text.len()));
    contents.push_str(&header);
    contents.push_str(&file.text);
    GeneratedFile {
        path: file.path,
        contents,
    }
}
