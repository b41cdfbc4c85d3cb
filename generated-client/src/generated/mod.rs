//! Placeholder until the first `cargo codegen`.
/// Operations.
pub mod operations {}
/// Types.
pub mod types {}
