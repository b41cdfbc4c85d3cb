//! Phase 1: read a spec file (YAML or JSON) into an [`openapiv3::OpenAPI`] document.
