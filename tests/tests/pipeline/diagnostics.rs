//! Snapshots of what a user sees for each broken spec in `tests/fixtures/broken/`: every
//! problem (an error when the document cannot be used, else warnings with the fallback the
//! generator used), its place (file, line, JSON pointer) and what to do. The wording is
//! reviewed like code: a changed message shows up as a snapshot diff.

use generator::{GenerateError, generate_from_spec, load};
use std::path::Path;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives in the workspace")
}

/// Runs the pipeline as `generator::generate` does: the error, or the warnings of a spec that
/// still generates, with paths as a user in the workspace root would type them, so snapshots do
/// not depend on where the checkout lives.
fn render_problems(path: &Path) -> String {
    let result = load::load(path)
        .map_err(GenerateError::Spec)
        .and_then(|spec| generate_from_spec(&spec, "spec"));
    let rendered = match result {
        Ok(generated) => {
            assert!(
                !generated.warnings.is_empty(),
                "{} is meant to be broken, but it generated without a warning",
                path.display()
            );
            generated.warnings.to_string()
        }
        Err(error) => error.to_string(),
    };
    rendered.replace(&format!("{}/", workspace_root().display()), "")
}

#[test]
fn broken_specs() {
    insta::glob!("../../fixtures", "broken/*", |path| {
        insta::assert_snapshot!(render_problems(path));
    });
}

/// Problems inside the files a spec refers to name those files and their lines.
#[test]
fn problems_in_referenced_files() {
    insta::glob!(
        "../../fixtures",
        "broken-multifile/*/{openapi,swagger}.yaml",
        |path| {
            insta::assert_snapshot!(render_problems(path));
        }
    );
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
