//! Generates the types of a few fixture specs into `OUT_DIR`, so that
//! `tests/client/generated_behaviour.rs` can compile them against the real runtime and check what
//! they do at run time (tagged unions, enum fallbacks, three-state nullables, recursion, maps,
//! constraints), beyond what the snapshots show.

use std::path::Path;

const FIXTURES: &[&str] = &[
    "allof",
    "composition_edge_cases",
    "constraints",
    "maps",
    "media_types",
    "nullable_and_defaults",
    "nullable_items",
    "oneof_anyof",
    "recursive",
    "string_enums",
];

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for fixture in FIXTURES {
        let spec = Path::new(&manifest).join(format!("fixtures/specs/{fixture}.yaml"));
        println!("cargo::rerun-if-changed={}", spec.display());
        let files = generator::generate(&spec, fixture)
            .unwrap_or_else(|error| panic!("fixture {fixture} does not generate:\n{error}"))
            .files;
        let types = files
            .iter()
            .find(|file| file.path == Path::new("types.rs"))
            .unwrap_or_else(|| panic!("fixture {fixture} has no types.rs"));
        // Inner attributes and docs cannot follow `include!`: drop the `//!` lines and the
        // file's `#![...]` attribute (which may span several lines).
        let mut body = String::new();
        let mut in_inner_attribute = false;
        for line in types.contents.lines() {
            if line.starts_with("#![") {
                in_inner_attribute = !line.ends_with(']');
                continue;
            }
            if in_inner_attribute {
                in_inner_attribute = !line.starts_with(")]");
                continue;
            }
            if !line.starts_with("//!") {
                body.push_str(line);
                body.push('\n');
            }
        }
        std::fs::write(Path::new(&out).join(format!("{fixture}_types.rs")), body)
            .unwrap_or_else(|error| panic!("cannot write {fixture}_types.rs: {error}"));
    }
}
