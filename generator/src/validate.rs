//! Phase 2: find every problem in a loaded spec, each with its JSON pointer.
