//! Phase 5: tokens to formatted text with the generated header.

use crate::GenerateError;
use crate::emit::OutputFile;
use crate::write::{GENERATED_MARKER, GeneratedFile};

/// Formats one file with prettyplease and prepends the header.
pub fn format(file: &OutputFile, source_name: &str) -> Result<GeneratedFile, GenerateError> {
    let syntax: syn::File =
        syn::parse2(file.tokens.clone()).map_err(|error| GenerateError::Format {
            file: file.path.display().to_string(),
            message: error.to_string(),
        })?;
    let body = prettyplease::unparse(&syntax);
    let contents = format!(
        "// {GENERATED_MARKER} by the generator from {source_name}: do not edit.\n// Edit the spec and regenerate with `cargo codegen`.\n//! {}\n\n{body}",
        file.doc
    );
    Ok(GeneratedFile {
        path: file.path.clone(),
        contents,
    })
}
