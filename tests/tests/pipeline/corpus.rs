//! Generality: every real-world description in `../shared/specs/` (OpenAPI 3.0 at the top,
//! Swagger 2.0 in `swagger2/`, OpenAPI 3.1 in `openapi31/`, specs split over files in
//! `multifile/<name>/`) and every fixture of ours becomes a standalone crate (`generator new`),
//! and all of them pass `cargo clippy -- -D warnings` together: one temporary workspace, one
//! shared target directory (`target/corpus`), so the runtime's dependencies are built once.
//!
//! Without `../shared` beside the checkout (a clone of the repository alone), the shared specs
//! are skipped with a line saying so; `REQUIRE_SHARED=1` (set by `.ci/run`) makes that a
//! failure, so CI always compiles them.

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

/// The entry file of each spec split over files in `dir/<name>/`: the one file named
/// `openapi.*` or `swagger.*` in it or below.
fn multifile_entries(dir: &Path) -> Vec<PathBuf> {
    fn find(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                find(&path, out);
            } else if matches!(stem, "openapi" | "swagger") {
                out.push(path);
            }
        }
    }
    let mut entries = Vec::new();
    find(dir, &mut entries);
    entries
}

/// Every spec of a corpus folder: the files at its top, `swagger2/` and `openapi31/`, and the
/// entry file of each tree in `multifile/`.
fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut specs = specs_in(dir);
    for sub in ["swagger2", "openapi31"] {
        if dir.join(sub).is_dir() {
            specs.extend(specs_in(&dir.join(sub)));
        }
    }
    specs.extend(multifile_entries(&dir.join("multifile")));
    specs
}

/// The shared real-world specs, or `None` (after saying so) when they are not beside the checkout
/// and not required.
fn shared_specs(root: &Path) -> Option<Vec<PathBuf>> {
    let dir = root.join("../shared/specs");
    if dir.is_dir() {
        return Some(corpus(&dir));
    }
    let required = std::env::var_os("REQUIRE_SHARED").is_some_and(|v| v != "0");
    assert!(
        !required,
        "REQUIRE_SHARED is set, but {} does not exist",
        dir.display()
    );
    println!(
        "skipped: the real-world specs of {} (not beside this checkout; set REQUIRE_SHARED=1 to require them)",
        dir.display()
    );
    None
}

/// A name for the crate of `spec`: its file stem, with its folder's name for specs in
/// `swagger2/`, `openapi31/` and multi-file trees (whose entry files are all `openapi.yaml`).
fn crate_stem(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let components: Vec<String> = spec
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(at) = components.iter().position(|c| c == "multifile")
        && let Some(tree) = components.get(at + 1)
    {
        return format!("multifile-{tree}");
    }
    match spec
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
    {
        Some(folder @ ("swagger2" | "openapi31")) => format!("{folder}-{stem}"),
        _ => stem.to_owned(),
    }
}

/// Code written against an older client keeps compiling after additive spec edits: the clients
/// of `tests/fixtures/compat/base.yaml` and of `edited.yaml` (the same spec after additive
/// edits, which the regeneration report must call `minor`), and for each a crate holding the
/// same user code, `user.rs`, written against the first. Returns the crates' names.
fn compat_crates(root: &Path, workspace: &Path) -> Vec<String> {
    let fixtures = root.join("tests/fixtures/compat");
    let mut listings = Vec::new();
    let mut names = Vec::new();
    for version in ["base", "edited"] {
        let spec = fixtures.join(format!("{version}.yaml"));
        let loaded = generator::load::load(&spec).unwrap_or_else(|d| panic!("{d}"));
        let client = format!("compat-{version}");
        let files = generator::standalone::standalone_crate(
            &loaded,
            "spec.yaml",
            Some(&client),
            &generator::Options { tag_features: true },
        )
        .unwrap_or_else(|error| panic!("{}: {error}", spec.display()))
        .files;
        let listing = files
            .iter()
            .find(|file| file.path.ends_with("public-api.txt"))
            .map(|file| file.contents.clone())
            .expect("the crate lists its public API");
        listings.push(listing);
        generator::write::write_files(
            &workspace.join(&client),
            &files,
            generator::write::Mode::Write,
        )
        .unwrap_or_else(|e| panic!("writing {client}: {e}"));
        let user = format!("compat-user-of-{version}");
        user_crate(workspace, &user, &client, &fixtures.join("user.rs"));
        names.push(client);
        names.push(user);
    }
    let report = generator::report::compare(&listings[0], &listings[1]);
    assert_eq!(
        report.verdict(),
        Some(generator::report::Verdict::Minor),
        "base.yaml → edited.yaml must be additive:\n{report}"
    );
    names
}

/// The crate of `tags_webhooks.yaml` as generated, with its webhook payload types off (the
/// corpus compiles its copy with them on).
fn webhooks_off_crate(root: &Path, workspace: &Path) -> String {
    let spec = root.join("tests/fixtures/specs/tags_webhooks.yaml");
    let loaded = generator::load::load(&spec).unwrap_or_else(|d| panic!("{d}"));
    let name = "tags-webhooks-off";
    let generated = generator::standalone::standalone_crate(
        &loaded,
        "tags_webhooks.yaml",
        Some(name),
        &generator::Options { tag_features: true },
    )
    .unwrap_or_else(|error| panic!("{}: {error}", spec.display()));
    assert_eq!(generated.webhooks_feature.as_deref(), Some("webhooks"));
    let cargo = generated
        .files
        .iter()
        .find(|file| file.path.as_os_str() == "Cargo.toml")
        .expect("a manifest");
    assert!(
        cargo.contents.contains("default = [\"menu\", \"repos\"]\n")
            && cargo.contents.contains("\nwebhooks = []\n"),
        "{}",
        cargo.contents
    );
    generator::write::write_files(
        &workspace.join(name),
        &generated.files,
        generator::write::Mode::Write,
    )
    .unwrap_or_else(|e| panic!("writing {name}: {e}"));
    name.to_owned()
}

/// The crates of `tags.yaml` with only some of its per-tag features on (the corpus compiles
/// every crate with all of them): `pets` alone, and none at all; and with `full-serde` on. And
/// the crate of `shared_structs.yaml` with only the tag whose types are aliases of the other's.
fn tag_subset_crates(root: &Path, workspace: &Path) -> Vec<String> {
    let mut names = tag_subsets(
        root,
        workspace,
        "tags.yaml",
        "[\"pets\", \"users\"]",
        &[
            ("tags-pets-only", "[\"pets\"]"),
            ("tags-none", "[]"),
            // Every type both ways, as the `full-serde` feature gives it.
            ("tags-full-serde", "[\"pets\", \"users\", \"full-serde\"]"),
        ],
    );
    let shared = "shared-structs-imports-only";
    names.extend(tag_subsets(
        root,
        workspace,
        "shared_structs.yaml",
        "[\"boards\", \"imports\"]",
        &[(shared, "[\"imports\"]")],
    ));
    let user = "shared-structs-user";
    user_crate(
        workspace,
        user,
        shared,
        &root.join("tests/fixtures/shared_structs/user.rs"),
    );
    names.push(user.to_owned());
    names
}

/// Writes the crate `user` in `workspace`: the code in `source` as its `lib.rs`, depending on
/// the crate `client` (a sibling) under the name `client`.
fn user_crate(workspace: &Path, user: &str, client: &str, source: &Path) {
    let dir = workspace.join(user);
    std::fs::create_dir_all(dir.join("src")).expect("the user crate's folder");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{user}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nclient = {{ package = \"{client}\", path = \"../{client}\" }}\n"
        ),
    )
    .expect("the user crate's manifest");
    std::fs::copy(source, dir.join("src/lib.rs"))
        .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
}

/// The crate of the fixture `spec` (whose features are `all`) once per `(name, default)`, with
/// `default` as its default features.
fn tag_subsets(
    root: &Path,
    workspace: &Path,
    spec: &str,
    all: &str,
    variants: &[(&str, &str)],
) -> Vec<String> {
    let path = root.join("tests/fixtures/specs").join(spec);
    let loaded = generator::load::load(&path).unwrap_or_else(|d| panic!("{d}"));
    let mut names = Vec::new();
    for (name, default) in variants {
        let mut files = generator::standalone::standalone_crate(
            &loaded,
            spec,
            Some(name),
            &generator::Options { tag_features: true },
        )
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .files;
        for file in &mut files {
            if file.path.as_os_str() == "Cargo.toml" {
                let all = format!("default = {all}");
                assert!(file.contents.contains(&all), "{}", file.contents);
                file.contents = file.contents.replace(&all, &format!("default = {default}"));
            }
        }
        generator::write::write_files(&workspace.join(name), &files, generator::write::Mode::Write)
            .unwrap_or_else(|e| panic!("writing {name}: {e}"));
        names.push((*name).to_owned());
    }
    names
}

/// The crate's files with its webhook payload types, which are off by default, turned on in
/// `default`, so that the corpus compiles them too.
fn with_webhooks_on(generated: generator::Generated) -> Vec<generator::GeneratedFile> {
    let mut files = generated.files;
    let Some(feature) = generated.webhooks_feature else {
        return files;
    };
    for file in &mut files {
        if file.path.as_os_str() == "Cargo.toml" {
            assert!(file.contents.contains("\ndefault = ["), "{}", file.contents);
            file.contents = file.contents.replacen(
                "\ndefault = [",
                &format!("\ndefault = [\"{feature}\", "),
                1,
            );
        }
    }
    files
}

#[test]
fn every_spec_generates_a_crate_that_passes_clippy() {
    let root = workspace_root();
    let corpus = shared_specs(&root).unwrap_or_default();
    if !corpus.is_empty() {
        assert!(
            corpus.len() >= 20,
            "expected the shared specs (3.0, 2.0, 3.1, multi-file), found {}",
            corpus.len()
        );
    }
    let mut fixtures = specs_in(&root.join("tests/fixtures/specs"));
    for dir in ["swagger2", "openapi31"] {
        if root.join("tests/fixtures").join(dir).is_dir() {
            fixtures.extend(specs_in(&root.join("tests/fixtures").join(dir)));
        }
    }
    fixtures.extend(multifile_entries(&root.join("tests/fixtures/multifile")));

    let workspace = tempfile::tempdir().expect("temporary directory");
    let mut members = Vec::new();
    let mut failures = Vec::new();
    for (prefix, spec) in corpus
        .iter()
        .map(|s| ("corpus", s))
        .chain(fixtures.iter().map(|s| ("fixture", s)))
    {
        let stem = crate_stem(spec);
        let name = format!("{prefix}-{}", stem.replace(['_', '.'], "-"));
        let stem = stem.as_str();
        let loaded = match generator::load::load(spec) {
            Ok(loaded) => loaded,
            Err(diagnostics) => {
                failures.push(format!("{}: {diagnostics}", spec.display()));
                continue;
            }
        };
        let options = generator::Options { tag_features: true };
        let files =
            match generator::standalone::standalone_crate(&loaded, stem, Some(&name), &options) {
                Ok(generated) => with_webhooks_on(generated),
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
    members.extend(compat_crates(&root, workspace.path()));
    members.extend(tag_subset_crates(&root, workspace.path()));
    members.push(webhooks_off_crate(&root, workspace.path()));

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
