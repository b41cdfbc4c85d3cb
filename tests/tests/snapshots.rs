//! Snapshots of the generated code: one per fixture spec in `tests/fixtures/specs/` (each
//! exercises one construct) and one for the real spec, `spec/metastudio.yaml`. Every
//! generated file is concatenated, each under a `// ---- <path> ----` line.

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
    match generator::generate(spec, &name) {
        Ok(files) => {
            let mut out = String::new();
            for file in files {
                out.push_str(&format!("// ---- {} ----\n", file.path.display()));
                out.push_str(&file.contents);
                if !file.contents.ends_with('\n') {
                    out.push('\n');
                }
            }
            out
        }
        Err(error) => format!("generation failed:\n{error}\n"),
    }
}

#[test]
fn fixture_specs() {
    insta::glob!("../fixtures", "specs/*.yaml", |path| {
        insta::assert_snapshot!(render(path));
    });
}

#[test]
fn metastudio_spec() {
    insta::assert_snapshot!(render(&workspace_root().join("spec/metastudio.yaml")));
}
