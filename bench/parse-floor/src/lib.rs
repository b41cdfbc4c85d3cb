//! The parse floor: the least work any generator built on `openapiv3` must do with a spec.
//!
//! `bench/run` times this crate's binary against the generator, whole process against whole
//! process, so the generator's cost is read as a multiple of "read the file and deserialize it
//! into [`openapiv3::OpenAPI`]". It deliberately does nothing more: no `$ref` resolution, no
//! validation, no Swagger 2.0 or OpenAPI 3.1 conversion, no located error messages.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a spec could not be read or deserialized; its `Display` names the file.
#[derive(Debug)]
pub enum Error {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The file is not JSON that deserializes into an OpenAPI 3.0 document.
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's reason, with line and column.
        source: serde_json::Error,
    },
    /// The file is not YAML that deserializes into an OpenAPI 3.0 document.
    Yaml {
        /// The file.
        path: PathBuf,
        /// The parser's reason, with line and column where it knows them.
        source: serde_yaml::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Error::Json { path, source } => {
                write!(
                    f,
                    "{} is not an OpenAPI 3.0 document: {source}",
                    path.display()
                )
            }
            Error::Yaml { path, source } => {
                write!(
                    f,
                    "{} is not an OpenAPI 3.0 document: {source}",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. } => Some(source),
            Error::Json { source, .. } => Some(source),
            Error::Yaml { source, .. } => Some(source),
        }
    }
}

/// Whether `path` is read as JSON: a `.json` extension, in any case. Everything else is read as
/// YAML, as the generator does.
pub fn is_json(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
}

/// Reads `path` and deserializes it into an [`openapiv3::OpenAPI`], as JSON or YAML by extension.
pub fn parse_file(path: &Path) -> Result<openapiv3::OpenAPI, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    if is_json(path) {
        serde_json::from_slice(&bytes).map_err(|source| Error::Json {
            path: path.to_owned(),
            source,
        })
    } else {
        serde_yaml::from_slice(&bytes).map_err(|source| Error::Yaml {
            path: path.to_owned(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_chosen_by_extension_in_any_case() {
        assert!(is_json(Path::new("a/nexus.json")));
        assert!(is_json(Path::new("NEXUS.JSON")));
        assert!(!is_json(Path::new("petstore.yaml")));
        assert!(!is_json(Path::new("petstore.yml")));
        assert!(!is_json(Path::new("no-extension")));
    }
}
