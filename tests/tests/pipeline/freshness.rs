//! The committed client is what the generator makes from the spec now (rust-analyzer style):
//! `cargo test` fails when someone edits the spec or the generator without regenerating.

use generator::write::{Mode, write_files};
use std::path::Path;

#[test]
fn generated_client_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives in the workspace");
    // The same source name as `cargo codegen` passes, since it is part of the output.
    let generated = generator::generate(&root.join("spec/metastudio.yaml"), "spec/metastudio.yaml")
        .unwrap_or_else(|error| panic!("spec/metastudio.yaml does not generate:\n{error}"));
    // `cargo codegen` denies warnings: our own spec must have none.
    assert!(
        generated.warnings.is_empty(),
        "spec/metastudio.yaml has warnings:\n{}",
        generated.warnings
    );
    let files = generated.files;
    let out = root.join("generated-client/src/generated");
    let outcome = write_files(&out, &files, Mode::Check)
        .unwrap_or_else(|error| panic!("cannot check {}: {error}", out.display()));
    let stale: Vec<String> = outcome
        .changes
        .iter()
        .map(|change| format!("  {change}"))
        .collect();
    assert!(
        outcome.is_up_to_date(),
        "the committed client is stale:\n{}\nrun `cargo codegen` to regenerate it, then commit the result",
        stale.join("\n")
    );
}
