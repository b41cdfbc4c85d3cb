//! Generality: every real-world spec in `../shared/specs/` and every fixture spec in
//! `tests/fixtures/specs/` becomes a standalone crate (`generator new`), and all of them pass
//! `cargo clippy -- -D warnings` together: one temporary workspace, one shared target
//! directory (`target/corpus`), so the runtime's dependencies are built once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

fn specs_in(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_spec_generates_a_crate_that_passes_clippy() {
    let root = workspace_root();
    let corpus = specs_in(&root.join("../shared/specs"));
    let fixtures = specs_in(&root.join("tests/fixtures/specs"));
    assert!(
        corpus.len() >= 10,
        "expected the ten dev-corpus specs, found {}",
        corpus.len()
    );

    let workspace = tempfile::tempdir().expect("temporary directory");
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for (prefix, spec) in corpus
        .iter()
        .map(|s| ("corpus", s))
        .chain(fixtures.iter().map(|s| ("fixture", s)))
    {
        let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        let name = format!("{prefix}-{}", stem.replace(['_', '.'], "-"));
        let loaded = match generator::load::load(spec) {
            Ok(loaded) => loaded,
            Err(diagnostics) => {
                failures.push(format!("{}: {diagnostics}", spec.display()));
                continue;
            }
        };
        let files = match generator::standalone::standalone_crate(&loaded, stem, Some(&name)) {
            Ok(generated) => generated.files,
            Err(error) => {
                failures.push(format!("{}: {error}", spec.display()));
                continue;
            }
        };
        generator::write::write_files(
            &workspace.path().join(&name),
            &files,
            generator::write::Mode::Write,
        )
        .unwrap_or_else(|e| panic!("writing the crate for {}: {e}", spec.display()));
        members.push(name);
    }
    assert!(
        failures.is_empty(),
        "specs the generator rejected:\n{}",
        failures.join("\n")
    );

    let manifest = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    std::fs::write(workspace.path().join("Cargo.toml"), manifest).expect("workspace manifest");
    // The project's lock file pins the same dependency versions the runtime is tested with.
    std::fs::copy(root.join("Cargo.lock"), workspace.path().join("Cargo.lock"))
        .expect("copy Cargo.lock");

    let output = Command::new(env!("CARGO"))
        .args(["clippy", "--workspace", "--quiet", "--", "-D", "warnings"])
        .current_dir(workspace.path())
        .env("CARGO_TARGET_DIR", root.join("target/corpus"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo clippy");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the generated crates do not pass `cargo clippy -- -D warnings`:\n{stderr}"
    );
    println!("{} generated crates pass clippy", members.len());
}
