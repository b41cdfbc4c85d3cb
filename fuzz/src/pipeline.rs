//! The whole generator on one spec text: `load_str` (read, bundle, normalize, parse), then what
//! `generator new` does: `generate_from_spec` (validate, lower, emit, format) plus the crate's
//! `Cargo.toml`, `lib.rs` and stripped runtime. A spec may be refused (`Err` with
//! diagnostics); anything else must hold:
//!
//! * nothing panics, and no phase takes unbounded time (libFuzzer's `-timeout`);
//! * the generator never reports its own bug, `GenerateError::Format` (emitted code that does
//!   not parse, runtime markup that does not strip);
//! * every generated `.rs` file parses with `syn::parse_file` (the formatted text, not the
//!   tokens the formatter was given), and `Cargo.toml` is TOML naming a valid package.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use generator::GenerateError;

/// Larger inputs are skipped: every real construct fits, and the fuzzer's time goes to variety.
pub const MAX_SPEC_BYTES: usize = 256 * 1024;

/// Where the spec is said to be: a folder that does not exist, so a relative `$ref` to another
/// file is an unreadable file (a located warning), never a file of this machine.
const JSON_FILE: &str = "/nonexistent-fuzz-dir/spec.json";
const YAML_FILE: &str = "/nonexistent-fuzz-dir/spec.yaml";

/// Runtime sources already checked (they depend only on which optional parts a spec uses).
static CHECKED_RUNTIME: Mutex<Option<HashSet<u64>>> = Mutex::new(None);

/// Runs the pipeline on `text` and checks what it produced; panics on a broken invariant.
pub fn check_text(text: &str, json: bool) {
    if text.len() > MAX_SPEC_BYTES || names_device_file(text) {
        return;
    }
    let file = Path::new(if json { JSON_FILE } else { YAML_FILE });
    let Ok(spec) = generator::load::load_str(file, text) else {
        return;
    };
    let options = generator::Options { tag_features: true };
    let generated =
        match generator::standalone::standalone_crate(&spec, "fuzz.yaml", None, &options) {
            Ok(generated) => generated,
            Err(GenerateError::Spec(_)) => return,
            Err(error @ GenerateError::Format { .. }) => panic!("{error}"),
        };
    for file in &generated.files {
        let path = file.path.to_string_lossy();
        if path.starts_with("src/runtime/") && !first_time(&file.contents) {
            continue;
        }
        if path.ends_with(".rs") {
            if let Err(error) = syn::parse_file(&file.contents) {
                panic!("{path} does not parse: {error}\n{}", file.contents);
            }
        } else if path == "Cargo.toml" {
            check_manifest(&file.contents);
        }
    }
}

/// A `$ref` to `/dev/zero` or `/proc/…` would read a device forever: the fuzzer is kept away
/// from the machine's special files (a user who points a spec at one gets what they asked for).
fn names_device_file(text: &str) -> bool {
    ["/dev/", "/proc/", "/sys/"]
        .iter()
        .any(|prefix| text.contains(prefix))
}

fn first_time(contents: &str) -> bool {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    contents.hash(&mut hasher);
    let mut checked = CHECKED_RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    checked
        .get_or_insert_with(HashSet::new)
        .insert(hasher.finish())
}

fn check_manifest(text: &str) {
    let manifest: toml::Table = match text.parse() {
        Ok(manifest) => manifest,
        Err(error) => panic!("Cargo.toml is not TOML: {error}\n{text}"),
    };
    let name = manifest
        .get("package")
        .and_then(|package| package.get("name"))
        .and_then(|name| name.as_str())
        .unwrap_or_else(|| panic!("Cargo.toml names no package:\n{text}"));
    assert!(
        generator::standalone::is_valid_crate_name(name),
        "Cargo.toml names the package {name:?}"
    );
}
