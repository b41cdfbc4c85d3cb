//! Naming: the one place identifiers are made.
