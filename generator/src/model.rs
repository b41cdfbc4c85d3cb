//! The intermediate model: plain data, names fixed, `$ref`s resolved.

/// Everything the emitters need.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {}
