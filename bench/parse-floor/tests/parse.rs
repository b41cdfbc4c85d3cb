//! The parse floor on specs the repository owns: the library deserializes them, and the binary
//! exits 0 for a good spec and non-zero, naming the file, for a missing or broken one.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/specs")
        .join(name)
}

/// A path for a file a test writes, in Cargo's scratch directory for integration tests.
fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parse-floor-{name}"))
}

#[test]
fn parses_a_yaml_fixture() {
    let spec =
        parse_floor::parse_file(&fixture("petstore_shape.yaml")).expect("the fixture parses");
    assert_eq!(spec.info.title, "Pet Shop");
    assert!(
        spec.paths.paths.contains_key("/pets"),
        "paths: {:?}",
        spec.paths.paths.keys()
    );
}

#[test]
fn parses_a_json_spec() {
    let path = scratch("tiny.json");
    std::fs::write(
        &path,
        r#"{"openapi":"3.0.3","info":{"title":"Tiny","version":"1"},"paths":{}}"#,
    )
    .expect("write the spec");
    let spec = parse_floor::parse_file(&path).expect("the spec parses");
    assert_eq!(spec.info.title, "Tiny");
}

#[test]
fn binary_succeeds_silently_on_a_good_spec() {
    let output = Command::new(env!("CARGO_BIN_EXE_parse-floor"))
        .arg(fixture("petstore_shape.yaml"))
        .output()
        .expect("run parse-floor");
    assert!(output.status.success(), "status: {}", output.status);
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
}

#[test]
fn binary_fails_with_the_path_on_a_missing_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_parse-floor"))
        .arg("no/such/spec.yaml")
        .output()
        .expect("run parse-floor");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot read no/such/spec.yaml"),
        "stderr: {stderr}"
    );
}

#[test]
fn binary_fails_on_a_document_that_is_not_openapi() {
    let path = scratch("not-openapi.json");
    std::fs::write(&path, r#"{"swagger":"2.0"}"#).expect("write the spec");
    let output = Command::new(env!("CARGO_BIN_EXE_parse-floor"))
        .arg(&path)
        .output()
        .expect("run parse-floor");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not an OpenAPI 3.0 document"),
        "stderr: {stderr}"
    );
}

#[test]
fn binary_reports_a_usage_error_without_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_parse-floor"))
        .output()
        .expect("run parse-floor");
    assert_eq!(output.status.code(), Some(2));
}
