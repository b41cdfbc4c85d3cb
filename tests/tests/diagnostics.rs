//! Snapshots of what a user sees for each broken spec in `tests/fixtures/broken/`: every
//! problem (an error when the document cannot be used, else warnings with the fallback the
//! generator used), its place (file, line, JSON pointer) and what to do. The wording is
//! reviewed like code: a changed message shows up as a snapshot diff.

use generator::{GenerateError, generate_from_spec, load};
use std::path::Path;

/// The path of a fixture as a user in the workspace root would type it, so snapshots do not
/// depend on where the checkout lives.
fn workspace_relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives in the workspace");
    path.strip_prefix(root)
        .expect("fixtures live in the workspace")
        .to_string_lossy()
        .replace('\\', "/")
}

/// Runs the pipeline as `generator::generate` does, naming the spec by its relative path: the
/// error, or the warnings of a spec that still generates.
fn render_problems(path: &Path) -> String {
    let name = workspace_relative(path);
    let text = std::fs::read_to_string(path).expect("fixture is readable");
    let result = load::load_str(Path::new(&name), &text)
        .map_err(GenerateError::Spec)
        .and_then(|spec| generate_from_spec(&spec, &name));
    match result {
        Ok(generated) => {
            assert!(
                !generated.warnings.is_empty(),
                "{name} is meant to be broken, but it generated without a warning"
            );
            generated.warnings.to_string()
        }
        Err(error) => error.to_string(),
    }
}

#[test]
fn broken_specs() {
    insta::glob!("../fixtures", "broken/*", |path| {
        insta::assert_snapshot!(render_problems(path));
    });
}

#[test]
fn every_problem_is_reported_at_once() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rendered = render_problems(&root.join("fixtures/broken/many_problems.yaml"));
    let count =
        rendered.matches("\nwarning: ").count() + usize::from(rendered.starts_with("warning: "));
    assert!(count >= 6, "expected every problem at once:\n{rendered}");
    assert!(
        rendered.ends_with(&format!("{count} warnings")),
        "{rendered}"
    );
}

#[test]
fn an_unreadable_spec_names_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("absent.yaml");
    let error = generator::generate(&path, "absent.yaml").expect_err("no such file");
    let rendered = error.to_string();
    assert!(
        rendered.contains(&format!("cannot read the spec file {}", path.display())),
        "{rendered}"
    );
}
