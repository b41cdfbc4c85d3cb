//! The generator's tests, in one binary: snapshots of the generated code and of the errors for
//! broken specs, freshness of the committed client, the regeneration report, standalone crates,
//! the corpus (every real-world and fixture spec gives a crate that passes clippy) and mutated
//! fixture specs (every one the generator accepts gives a crate that passes clippy too).

mod corpus;
mod diagnostics;
mod freshness;
mod mutated_specs;
mod regeneration_report;
mod snapshots;
mod standalone;
