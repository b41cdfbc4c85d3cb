//! The command line as users run it: exit codes, what it prints, what it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn generator(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_generator"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the generator binary runs")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn generate_then_check_then_a_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("specs/arrays.yaml");
    let spec = spec.to_str().unwrap();
    let out = dir.path().join("generated");
    let out = out.to_str().unwrap();

    let first = generator(&["generate", "--spec", spec, "--out", out], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("created"),
        "{}",
        text(&first.stdout)
    );

    let check = generator(
        &["generate", "--spec", spec, "--out", out, "--check"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(text(&check.stdout).contains("up to date"));

    let types = dir.path().join("generated/types.rs");
    let edited = std::fs::read_to_string(&types).unwrap() + "\n// an edit\n";
    std::fs::write(&types, &edited).unwrap();
    let stale = generator(
        &["generate", "--spec", spec, "--out", out, "--check"],
        dir.path(),
    );
    assert_eq!(stale.status.code(), Some(1));
    let stderr = text(&stale.stderr);
    assert!(
        stderr.contains("types.rs") && stderr.contains("cargo codegen"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&types).unwrap(),
        edited,
        "--check changes nothing"
    );
}

#[test]
fn a_hand_written_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("specs/arrays.yaml");
    let hand_written = dir.path().join("types.rs");
    std::fs::write(&hand_written, "// mine\n").unwrap();
    let output = generator(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            dir.path().to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("refusing to overwrite"));
    assert_eq!(std::fs::read_to_string(&hand_written).unwrap(), "// mine\n");
    assert!(
        !dir.path().join("operations.rs").exists(),
        "nothing is written when one file is refused"
    );
}

#[test]
fn problems_are_warnings_unless_denied() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("broken/many_problems.yaml");
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        generator(&args, dir.path())
    };

    let denied = run(&["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(2));
    let stderr = text(&denied.stderr);
    assert!(stderr.matches("error: ").count() >= 4, "{stderr}");
    assert!(
        stderr.contains("many_problems.yaml:") && stderr.contains(" at #/"),
        "{stderr}"
    );
    assert!(stderr.contains("--deny-warnings"), "{stderr}");
    assert!(!out.exists(), "nothing written when warnings are denied");

    let allowed = run(&[]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stderr));
    let stderr = text(&allowed.stderr);
    assert!(stderr.matches("warning: ").count() >= 4, "{stderr}");
    assert!(!stderr.contains("error: "), "{stderr}");
    assert!(
        out.join("operations.rs").exists(),
        "the client is generated"
    );
}

#[test]
fn an_unusable_document_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("broken/not_openapi.yaml");
    let output = generator(
        &[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("error: "));
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn usage_errors_exit_2_with_the_usage() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[][..],
        &["generate"][..],
        &["build"][..],
        &["new", "--spec", "x.yaml", "--out", "o", "--name", "9bad"][..],
    ] {
        let output = generator(args, dir.path());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!text(&output.stderr).is_empty(), "{args:?} says why");
    }
}

#[test]
fn new_writes_a_complete_crate_and_updates_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("specs/security_schemes.yaml");
    let out = dir.path().join("client");
    let args = [
        "new",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--name",
        "my-client",
    ];
    let first = generator(&args, dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/generated/mod.rs",
        "src/generated/operations.rs",
        "src/generated/types.rs",
        "src/runtime/mod.rs",
        "src/runtime/transport.rs",
    ] {
        assert!(out.join(file).is_file(), "{file} is written");
    }
    // The spec has no signing scheme: the crate has no signer (a signed spec's crate does,
    // see `a_signed_spec_gets_the_signer`).
    assert!(!out.join("src/runtime/signer.rs").exists());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"my-client\""), "{manifest}");
    assert!(
        !manifest.contains("path ="),
        "crates.io dependencies only:\n{manifest}"
    );

    let again = generator(&args, dir.path());
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("up to date"),
        "{}",
        text(&again.stdout)
    );
}

/// `--check` notices an edit in any file of a spec split over files, not only the entry file.
#[test]
fn check_notices_an_edit_in_a_referenced_file() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("spec");
    let source = fixture("multifile/every-ref-form");
    for relative in [
        "openapi.yaml",
        "paths/pets.yaml",
        "paths/pet_{petId}.yaml",
        "schemas/Pet.yaml",
        "schemas/Owner.yaml",
        "schemas/Error.yaml",
        "schemas/BinaryString.yaml",
        "common/defs.json",
        "parameters/shared.yaml",
    ] {
        let target = tree.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(source.join(relative), &target).unwrap();
    }
    let spec = tree.join("openapi.yaml");
    let spec = spec.to_str().unwrap();
    let out = dir.path().join("generated");
    let out = out.to_str().unwrap();
    let generate = generator(&["generate", "--spec", spec, "--out", out], dir.path());
    assert_eq!(
        generate.status.code(),
        Some(0),
        "{}",
        text(&generate.stderr)
    );
    let check = generator(
        &["generate", "--spec", spec, "--out", out, "--check"],
        dir.path(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    let owner = tree.join("schemas/Owner.yaml");
    let edited = std::fs::read_to_string(&owner)
        .unwrap()
        .replace("  name:\n", "  nickname:\n    type: string\n  name:\n");
    std::fs::write(&owner, edited).unwrap();
    let stale = generator(
        &["generate", "--spec", spec, "--out", out, "--check"],
        dir.path(),
    );
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));
    assert!(
        text(&stale.stderr).contains("types.rs"),
        "{}",
        text(&stale.stderr)
    );
}

#[test]
fn a_signed_spec_gets_the_signer() {
    let dir = tempfile::tempdir().unwrap();
    let spec = fixture("specs/extensions.yaml");
    let out = dir.path().join("client");
    let args = [
        "new",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let output = generator(&args, dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(out.join("src/runtime/signer.rs").is_file());
    assert!(out.join("src/runtime/paginate.rs").is_file());
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("hmac = "), "{manifest}");
}

/// A small spec for the regeneration report: one operation, one type with two fields.
const PETS: &str = r#"openapi: 3.0.3
info:
  title: Pets
  version: "1.0"
paths:
  /pets/{pet_id}:
    get:
      operationId: ShowPet
      parameters:
        - name: pet_id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pet'
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name:
          type: string
        tag:
          type: string
"#;

/// Every file under `dir` with its contents, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let contents = std::fs::read(&path).unwrap();
                out.push((path, contents));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn each_regeneration_reports_its_public_api_change() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("pets.yaml");
    std::fs::write(&spec, PETS).unwrap();
    let out = dir.path().join("generated");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        generator(&args, dir.path())
    };

    let first = run(&["--deny-breaking"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stdout = text(&first.stdout);
    assert!(
        stdout.ends_with(
            "public API: first generation (no earlier public-api.txt to compare with)\n"
        ),
        "{stdout}"
    );
    let listing = std::fs::read_to_string(out.join("public-api.txt")).unwrap();
    assert!(
        listing.starts_with("# @generated by the generator from "),
        "{listing}"
    );
    assert!(
        listing.contains("field types::Pet tag: Option<String> optional wire=\"tag\"\n"),
        "{listing}"
    );

    let again = run(&["--check"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).ends_with("up to date (4 files)\npublic API: unchanged\n"),
        "{}",
        text(&again.stdout)
    );

    // Removing an optional field of a response type breaks its readers.
    std::fs::write(
        &spec,
        PETS.replace("        tag:\n          type: string\n", ""),
    )
    .unwrap();
    let before = tree(&out);
    let removed = "breaking  field removed: types::Pet.tag (Option<String>)\n\
                   public API: major (1 breaking, 0 additive, 0 documentation)\n";
    for extra in [
        &["--deny-breaking"][..],
        &["--check", "--deny-breaking"][..],
    ] {
        let denied = run(extra);
        assert_eq!(
            denied.status.code(),
            Some(3),
            "{extra:?}: {}",
            text(&denied.stderr)
        );
        assert_eq!(text(&denied.stdout), removed, "{extra:?}");
        assert!(
            text(&denied.stderr).contains("denied (--deny-breaking): nothing was written"),
            "{}",
            text(&denied.stderr)
        );
        assert_eq!(tree(&out), before, "{extra:?} leaves the files untouched");
    }

    // `--check` names the stale files on stderr and reports on stdout.
    let check = run(&["--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    assert_eq!(text(&check.stdout), removed);
    let stderr = text(&check.stderr);
    assert!(
        stderr.contains("public-api.txt (out of date)") && stderr.contains("types.rs"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before);

    // Without the flag the files are written, then the report follows the usual output.
    let written = run(&[]);
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    let stdout = text(&written.stdout);
    assert!(stdout.starts_with("updated "), "{stdout}");
    assert!(stdout.ends_with(removed), "{stdout}");
    assert_ne!(tree(&out), before);
    let listing = std::fs::read_to_string(out.join("public-api.txt")).unwrap();
    assert!(!listing.contains("types::Pet tag"), "{listing}");

    // A listing someone broke by hand is a one-line note, not a failure.
    std::fs::write(out.join("public-api.txt"), "# @generated\nnonsense here\n").unwrap();
    let note = run(&["--deny-breaking"]);
    assert_eq!(note.status.code(), Some(0), "{}", text(&note.stderr));
    assert!(
        text(&note.stdout).ends_with(
            "public API: the committed listing cannot be read (line 2: no `:` after the item's name); no report\n"
        ),
        "{}",
        text(&note.stdout)
    );
}

#[test]
fn new_reports_against_the_crate_it_updates() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("pets.yaml");
    std::fs::write(&spec, PETS).unwrap();
    let out = dir.path().join("client");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "new",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        generator(&args, dir.path())
    };
    let first = run(&[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(out.join("src/generated/public-api.txt").is_file());
    assert!(
        text(&first.stdout).contains("build it with: ")
            && text(&first.stdout).ends_with(
                "public API: first generation (no earlier public-api.txt to compare with)\n"
            ),
        "{}",
        text(&first.stdout)
    );

    // A new optional field is additive.
    std::fs::write(
        &spec,
        PETS.replace(
            "        tag:\n",
            "        age:\n          type: integer\n        tag:\n",
        ),
    )
    .unwrap();
    let minor = run(&["--deny-breaking"]);
    assert_eq!(minor.status.code(), Some(0), "{}", text(&minor.stderr));
    assert!(
        text(&minor.stdout).ends_with(
            "additive  optional field added: types::Pet.age (Option<i64>)\n\
             public API: minor (0 breaking, 1 additive, 0 documentation)\n"
        ),
        "{}",
        text(&minor.stdout)
    );

    // Back to the first spec (so `age` goes) with an integer `pet_id`: both break callers.
    std::fs::write(
        &spec,
        PETS.replace(
            "          schema:\n            type: string\n",
            "          schema:\n            type: integer\n",
        ),
    )
    .unwrap();
    let before = tree(&out);
    let denied = run(&["--deny-breaking"]);
    assert_eq!(denied.status.code(), Some(3), "{}", text(&denied.stderr));
    assert_eq!(
        text(&denied.stdout),
        "breaking  parameter type changed: Client::show_pet(pet_id) (String -> i64)\n\
         breaking  field removed: types::Pet.age (Option<i64>)\n\
         public API: major (2 breaking, 0 additive, 0 documentation)\n"
    );
    assert_eq!(tree(&out), before, "nothing written");
}
