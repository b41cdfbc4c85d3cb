//! OpenAPI 3.1 (and 3.2 documents that use only 3.1 constructs) → OpenAPI 3.0.

use super::Converted;
use serde_json::Value;

/// Rewrites an OpenAPI 3.1 or 3.2 document into the OpenAPI 3.0 shape.
pub fn convert(document: Value) -> Converted {
    Converted {
        document,
        ..Converted::default()
    }
}
