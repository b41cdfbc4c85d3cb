//! Snapshots of the generated code: one per fixture spec (each exercises one construct), of
//! what that fixture is about: the warnings, the service constant and the items of
//! `operations.rs` and `types.rs`, each file under a `// ---- <path> ----` line. What every
//! output has alike (file headers, the file-level `allow`, `Client::builder`) and the public-API
//! listing (the regeneration-report tests pin it) are left out; the real spec's client is
//! checked whole by the freshness test.

use std::path::Path;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives in the workspace")
}

/// All generated files of one spec, or the rendered error if it does not generate.
fn render(spec: &Path) -> String {
    let name = spec
        .strip_prefix(workspace_root())
        .expect("specs live in the workspace")
        .to_string_lossy()
        .replace('\\', "/");
    // `tags*.yaml` fixtures are about per-tag features, so they are generated with them.
    let options = generator::Options {
        tag_features: spec
            .file_name()
            .is_some_and(|file| file.to_string_lossy().starts_with("tags")),
    };
    match generator::generate_with(spec, &name, &options) {
        Ok(generated) => {
            let mut out = String::new();
            if !generated.features.is_empty() || generated.webhooks_feature.is_some() {
                out.push_str("// ---- features ----\n");
                for (feature, tag) in &generated.features {
                    out.push_str(&format!("{feature}: {tag}\n"));
                }
                if let Some(feature) = &generated.webhooks_feature {
                    out.push_str(&format!(
                        "{feature}: the webhook payloads, off by default\n"
                    ));
                }
            }
            if !generated.warnings.is_empty() {
                // Warnings name files as given; show them relative to the workspace.
                let root = format!("{}/", workspace_root().display());
                let warnings = generated.warnings.to_string().replace(&root, "");
                out.push_str(&format!("// ---- warnings ----\n{warnings}\n"));
            }
            for file in generated.files {
                let Some(items) = fixture_part(&file.path, &file.contents) else {
                    continue;
                };
                out.push_str(&format!("// ---- {} ----\n", file.path.display()));
                out.push_str(&items);
            }
            out
        }
        Err(error) => format!("generation failed:\n{error}\n"),
    }
}

/// The part of a generated file that differs from fixture to fixture: the items after the
/// header and the file-level `#![allow(…)]`; of `mod.rs`, only the `SERVICE` constant.
fn fixture_part(path: &Path, contents: &str) -> Option<String> {
    let name = path.to_string_lossy();
    if name == generator::api::LISTING_FILE {
        return None;
    }
    let mut lines = contents.lines().peekable();
    while lines
        .peek()
        .is_some_and(|line| line.starts_with("//") || line.is_empty())
    {
        lines.next();
    }
    if lines.peek() == Some(&"#![allow(") {
        for line in lines.by_ref() {
            if line == ")]" {
                break;
            }
        }
    }
    let mut items: Vec<&str> = lines.skip_while(|line| line.is_empty()).collect();
    if name == "mod.rs" {
        let start = items
            .iter()
            .position(|line| line.starts_with("/// What the spec says"));
        let end = items.iter().position(|line| *line == "};");
        items = match (start, end) {
            (Some(start), Some(end)) if start < end => items[start..=end].to_vec(),
            _ => items,
        };
    }
    let mut text = items.join("\n");
    text.push('\n');
    Some(text)
}

#[test]
fn fixture_specs() {
    insta::glob!("../../fixtures", "specs/*.yaml", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// Swagger 2.0 fixtures, converted to OpenAPI 3.0 before anything else sees them.
#[test]
fn swagger2_specs() {
    insta::glob!("../../fixtures", "swagger2/*.yaml", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// OpenAPI 3.1 fixtures, converted to the OpenAPI 3.0 shape before anything else sees them.
#[test]
fn openapi31_specs() {
    insta::glob!("../../fixtures", "openapi31/*.yaml", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// Specs split over files, one tree per folder, read from its `openapi.yaml`.
#[test]
fn multifile_specs() {
    insta::glob!(
        "../../fixtures",
        "multifile/*/{openapi,swagger}.yaml",
        |path| {
            insta::assert_snapshot!(render(path));
        }
    );
}

/// Every committed snapshot belongs to a spec that still exists, so a renamed or deleted
/// fixture cannot leave a stale snapshot behind (what `--unreferenced=reject` does in
/// `cargo insta test`).
#[test]
fn no_snapshot_is_orphaned() {
    let dir = workspace_root().join("tests/tests/pipeline/snapshots");
    // The regeneration report's cases are a table in its test file.
    let report_cases = std::fs::read_to_string(
        workspace_root().join("tests/tests/pipeline/regeneration_report.rs"),
    )
    .expect("tests/tests/pipeline/regeneration_report.rs");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the snapshots folder") {
        let name = entry.expect("a directory entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let source = if let Some(spec) = stem.strip_prefix("pipeline__snapshots__fixture_specs@") {
            workspace_root().join("tests/fixtures/specs").join(spec)
        } else if let Some(spec) = stem.strip_prefix("pipeline__snapshots__swagger2_specs@") {
            workspace_root().join("tests/fixtures/swagger2").join(spec)
        } else if let Some(spec) = stem.strip_prefix("pipeline__snapshots__openapi31_specs@") {
            workspace_root().join("tests/fixtures/openapi31").join(spec)
        } else if let Some(tree) = stem.strip_prefix("pipeline__snapshots__multifile_specs@") {
            workspace_root()
                .join("tests/fixtures/multifile")
                .join(tree.replace("__", "/"))
        } else if let Some(tree) =
            stem.strip_prefix("pipeline__diagnostics__problems_in_referenced_files@")
        {
            workspace_root()
                .join("tests/fixtures/broken-multifile")
                .join(tree.replace("__", "/"))
        } else if let Some(spec) = stem.strip_prefix("pipeline__diagnostics__broken_specs@") {
            workspace_root().join("tests/fixtures/broken").join(spec)
        } else if let Some(case) = stem.strip_prefix("pipeline__regeneration_report__") {
            if !report_cases.contains(&format!("name: \"{case}\",")) {
                orphans.push(format!(
                    "{name} (no case `{case}` in regeneration_report.rs)"
                ));
            }
            continue;
        } else {
            orphans.push(format!("{name} (unknown test)"));
            continue;
        };
        if !source.exists() {
            orphans.push(format!("{name} (no {})", source.display()));
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a spec; delete them:\n{}",
        orphans.join("\n")
    );
}
