//! A crate that `generator new` writes carries only the runtime parts its spec uses: a spec
//! without a signing scheme, a multipart body or `x-pagination` gets no signer (and no `hmac`,
//! `sha2` or `hex`), no multipart code and no page walker, and no word of MetaStudio or of its
//! vendor's conventions anywhere.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

/// Every file of the crate `generator new` writes for `spec`: (path, contents).
fn standalone(spec: &Path) -> Vec<(String, String)> {
    let loaded = generator::load::load(spec).unwrap_or_else(|d| panic!("{}: {d}", spec.display()));
    let options = generator::Options { tag_features: true };
    generator::standalone::standalone_crate(&loaded, "spec.yaml", Some("client"), &options)
        .unwrap_or_else(|error| panic!("{}: {error}", spec.display()))
        .files
        .into_iter()
        .map(|file| {
            (
                file.path.to_string_lossy().replace('\\', "/"),
                file.contents,
            )
        })
        .collect()
}

/// Words that belong to MetaStudio, its vendor's SDK conventions or the AK/SK signer.
const FOREIGN: &[&str] = &[
    "metastudio",
    "huawei",
    "cloud_sdk",
    "project_id",
    "x-project-id",
    "ak/sk",
    "aksk",
    "ak_sk",
    "signer",
    "sdk-hmac",
    "hmac",
    "sha2",
    "x-sdk-date",
    "x-auth-token",
    "paginate",
    "multipart",
    "idle_timeout",
    "open_body",
    "http-body",
];

fn assert_plain(spec: &Path) {
    let files = standalone(spec);
    assert!(
        files
            .iter()
            .any(|(path, _)| path == "src/runtime/transport.rs"),
        "the runtime is there: {:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let mut found = Vec::new();
    for (path, contents) in &files {
        let lower = contents.to_lowercase();
        for word in FOREIGN {
            if lower.contains(word) || path.contains(word) {
                let line = lower
                    .lines()
                    .find(|line| line.contains(word))
                    .unwrap_or(path);
                found.push(format!("{path}: `{word}` in {}", line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the crate for {} mentions what its spec does not use:\n{}",
        spec.display(),
        found.join("\n")
    );
}

#[test]
fn a_petstore_shaped_spec_gets_a_plain_runtime() {
    assert_plain(&workspace_root().join("tests/fixtures/specs/petstore_shape.yaml"));
}

#[test]
fn the_shared_petstore_gets_a_plain_runtime() {
    let spec = workspace_root().join("../shared/specs/petstore.yaml");
    if !spec.exists() {
        eprintln!("skipped: {} is not there (CI has it)", spec.display());
        return;
    }
    assert_plain(&spec);
}

#[test]
fn the_parts_a_spec_uses_are_there() {
    let root = workspace_root();
    let has = |files: &[(String, String)], path: &str| files.iter().any(|(p, _)| p == path);
    let manifest = |files: &[(String, String)]| {
        files
            .iter()
            .find(|(p, _)| p == "Cargo.toml")
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    };

    let metastudio = standalone(&root.join("spec/metastudio.yaml"));
    assert!(has(&metastudio, "src/runtime/signer.rs"));
    assert!(has(&metastudio, "src/runtime/paginate.rs"));
    assert!(!has(&metastudio, "src/runtime/encode/multipart.rs"));
    assert!(!has(&metastudio, "src/runtime/stream.rs"));
    let cargo = manifest(&metastudio);
    assert!(!cargo.contains("http-body"), "{cargo}");
    for dependency in ["hmac =", "sha2 =", "hex ="] {
        assert!(cargo.contains(dependency), "{dependency} in:\n{cargo}");
    }
    // The runtime needs no features; the one tag of the spec is one, on by default, and
    // `full-serde` (both serde directions for every type) is there, off.
    assert!(
        cargo.ends_with("[features]\ndefault = [\"active-code\"]\n# The operations tagged `ActiveCode`.\nactive-code = []\n# Every type implements both `Serialize` and `Deserialize` (without it, only the\n# directions it travels: a response type is not serialized, a request type not read).\nfull-serde = []\n"),
        "{cargo}"
    );

    let streaming = standalone(&root.join("tests/fixtures/specs/streaming.yaml"));
    for file in ["stream.rs", "stream/sse.rs", "stream/lines.rs"] {
        assert!(has(&streaming, &format!("src/runtime/{file}")), "{file}");
    }
    assert!(!has(&streaming, "src/runtime/signer.rs"));
    assert!(manifest(&streaming).contains("http-body = \"1\""));

    let media = standalone(&root.join("tests/fixtures/specs/media_types.yaml"));
    assert!(has(&media, "src/runtime/encode/multipart.rs"));
    assert!(!has(&media, "src/runtime/signer.rs"));
    assert!(!manifest(&media).contains("hmac"));
    for (path, contents) in &media {
        assert!(
            !contents.contains("cfg(feature"),
            "{path} keeps a feature gate"
        );
    }
}
