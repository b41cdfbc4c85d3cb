//! A complete standalone crate for any supported spec: `Cargo.toml`, `src/lib.rs`, the
//! generated modules, and the hand-written runtime copied from its one source,
//! `generated-client/src/runtime/` (smithy-rs calls such files "inlineable").
//!
//! The crate carries only the runtime parts its spec uses ([`RUNTIME_PARTS`]): without a
//! signing scheme there is no signer and no `hmac`, `sha2` or `hex`; without a multipart body
//! no multipart code; without `x-pagination` no page walker. The files of unused parts are left
//! out and what they gate elsewhere is stripped from the text, so the crate has no features.
//!
//! The crate builds with crates.io dependencies alone. Every file carries the generated marker
//! in its first line, so running `new` again over the same directory updates it, while a file
//! someone wrote by hand is never overwritten.

use crate::model::{AuthScheme, BodyEncoding, Model};
use crate::write::{GENERATED_MARKER, GeneratedFile};
use crate::{GenerateError, load};
use heck::ToKebabCase;
use std::collections::BTreeSet;
use std::path::PathBuf;

mod strip;

pub use crate::runtime_source::RUNTIME_FILES;
pub use strip::{StripError, gated_feature, strip};

/// A part of the runtime that only some specs need: a Cargo feature of `generated-client`, the
/// files only it uses and the dependencies only it brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimePart {
    /// The feature's name, as the runtime's `#[cfg(feature = "…")]` lines name it.
    pub feature: &'static str,
    /// Its files, relative to `src/runtime/`.
    pub files: &'static [&'static str],
    /// Its crates.io dependencies, as `Cargo.toml` lines.
    pub dependencies: &'static [&'static str],
}

/// Every optional part of the runtime. A test checks that these are the features of
/// `generated-client` and that its optional dependencies are theirs.
pub const RUNTIME_PARTS: &[RuntimePart] = &[
    RuntimePart {
        feature: "aksk",
        files: &["signer.rs", "refusal.rs"],
        dependencies: &[r#"hex = "0.4""#, r#"hmac = "0.13""#, r#"sha2 = "0.11""#],
    },
    RuntimePart {
        feature: "multipart",
        files: &["encode/multipart.rs"],
        dependencies: &[],
    },
    RuntimePart {
        feature: "pagination",
        files: &["paginate.rs"],
        dependencies: &[],
    },
    RuntimePart {
        feature: "streaming",
        files: &["stream.rs", "stream/lines.rs", "stream/sse.rs", "upload.rs"],
        dependencies: &[r#"http-body = "1""#],
    },
];

/// The runtime's crates.io dependencies every crate needs, as `Cargo.toml` lines. A test
/// checks that with the parts' this names every dependency of `generated-client`.
pub const RUNTIME_DEPENDENCIES: &[&str] = &[
    r#"bytes = { version = "1", features = ["serde"] }"#,
    r#"chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }"#,
    r#"futures-core = "0.3""#,
    r#"futures-util = { version = "0.3", default-features = false, features = ["std"] }"#,
    r#"http = "1""#,
    r#"percent-encoding = "2""#,
    r#"regex-lite = "0.1""#,
    r#"reqwest = { version = "0.13", default-features = false, features = ["rustls", "http2"] }"#,
    r#"serde = { version = "1", features = ["derive"] }"#,
    r#"serde_json = { version = "1", features = ["preserve_order"] }"#,
    r#"serde_urlencoded = "0.7""#,
    r#"thiserror = "2""#,
    r#"tokio = { version = "1", features = ["time"] }"#,
    r#"tracing = "0.1""#,
    r#"uuid = { version = "1", default-features = false, features = ["serde", "std"] }"#,
];

/// The optional runtime parts `model` needs: `aksk` for a signing scheme, `multipart` for a
/// `multipart/form-data` body, `pagination` for an `x-pagination` operation, `streaming` for
/// an answer read as it arrives or a body sent from a file or a stream.
pub fn parts_used(model: &Model) -> BTreeSet<&'static str> {
    let mut used = BTreeSet::new();
    let signed = model
        .service
        .auth_schemes
        .iter()
        .any(|scheme| matches!(scheme, AuthScheme::SdkHmacSha256 { .. }));
    if signed {
        used.insert("aksk");
    }
    let multipart = model
        .operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .flat_map(|body| &body.media)
        .any(|media| media.encoding == BodyEncoding::Multipart);
    if multipart {
        used.insert("multipart");
    }
    if model.operations.iter().any(|op| op.pagination.is_some()) {
        used.insert("pagination");
    }
    let streams = model.operations.iter().any(|op| {
        op.streamed.is_some()
            || op
                .body
                .as_ref()
                .is_some_and(|body| body.upload.is_some() || body.upload_part.is_some())
    });
    if streams {
        used.insert("streaming");
    }
    used
}

/// The runtime's files for a crate using the parts `used`: the other parts' files left out,
/// and what the others gate in the remaining files stripped ([`strip()`]).
pub fn runtime_for(used: &BTreeSet<&str>) -> Result<Vec<(&'static str, String)>, GenerateError> {
    let known: BTreeSet<&str> = RUNTIME_PARTS.iter().map(|part| part.feature).collect();
    let left_out: BTreeSet<&str> = RUNTIME_PARTS
        .iter()
        .filter(|part| !used.contains(part.feature))
        .flat_map(|part| part.files.iter().copied())
        .collect();
    RUNTIME_FILES
        .iter()
        .filter(|(file, _)| !left_out.contains(file))
        .map(|(file, text)| {
            strip(text, used, &known)
                .map(|stripped| (*file, stripped))
                .map_err(|error| GenerateError::Format {
                    file: format!("runtime/{file}"),
                    message: error.to_string(),
                })
        })
        .collect()
}

/// The `[dependencies]` lines of a crate using the parts `used`, sorted.
pub fn dependencies_for(used: &BTreeSet<&str>) -> Vec<&'static str> {
    let mut lines: Vec<&str> = RUNTIME_DEPENDENCIES.to_vec();
    for part in RUNTIME_PARTS
        .iter()
        .filter(|part| used.contains(part.feature))
    {
        lines.extend(part.dependencies);
    }
    lines.sort_unstable();
    lines
}

/// A crate name from the spec's title when none is given: `Petstore API` → `petstore-api`.
pub fn crate_name(title: &str) -> String {
    let name: String = title
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let name = name.trim_matches('-').to_owned();
    match name.chars().next() {
        None => "api-client".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("api-{name}"),
        Some(_) => name,
    }
}

/// Whether `name` is a valid crate name (ASCII letters, digits, `-`, `_`; starts with a letter).
pub fn is_valid_crate_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Every file of the standalone crate, paths relative to the crate's directory.
pub fn standalone_crate(
    spec: &load::Spec,
    source_name: &str,
    name: Option<&str>,
    options: &crate::Options,
) -> Result<crate::Generated, GenerateError> {
    let title = spec.document.info.title.clone();
    let name = match name {
        Some(name) => name.to_owned(),
        None => crate_name(&title),
    };
    let (mut model, warnings) = crate::model_of(spec)?;
    if options.tag_features {
        model.features = crate::lower::tag_features(&model);
    }
    let features = crate::features_of(&model);
    let webhooks_feature = crate::webhooks_feature_of(&model);
    let generated = crate::files_of(&model, source_name)?;
    let used = parts_used(&model);
    let mut files = Vec::new();
    let header = format!(
        "{GENERATED_MARKER} by the generator (`new`) from {source_name}: do not edit; run `new` again to update."
    );
    let mut dependencies = dependencies_for(&used).join("\n");
    dependencies.push('\n');
    files.push(GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: format!(
            "# {header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\ndescription = \"Async Rust client for {}\"\npublish = false\n\n[dependencies]\n{dependencies}{}",
            title.replace(['"', '\\', '\n'], " "),
            features_section(&features, webhooks_feature.as_deref())
        ),
    });
    files.push(GeneratedFile {
        path: PathBuf::from("src/lib.rs"),
        contents: format!(
            "// {header}\n//! Async Rust client for {}, generated from {source_name}.\n//!\n//! [`types`] holds the request and response bodies, [`operations`] one request type per\n//! operation, and [`Client`] one async method per operation; [`runtime`] is the hand-written\n//! transport, authentication, retries and errors.\n#![warn(missing_docs)]\n\n#[rustfmt::skip]\nmod generated;\npub mod runtime;\n\npub use generated::{{operations, types}};\npub use runtime::{{ApiError, Client, Error, Response}};\n",
            title.replace('\n', " ")
        ),
    });
    for file in generated {
        files.push(GeneratedFile {
            path: PathBuf::from("src/generated").join(&file.path),
            contents: file.contents,
        });
    }
    for (file, text) in runtime_for(&used)? {
        files.push(GeneratedFile {
            path: PathBuf::from("src/runtime").join(file),
            contents: format!("// {header}\n// Copied from the generator's runtime, generated-client/src/runtime/{file}.\n{text}"),
        });
    }
    Ok(crate::Generated {
        files,
        warnings,
        features,
        webhooks_feature,
    })
}

/// The `[features]` section for tag features (empty without them): every tag's feature, all
/// on by default.
pub fn features_section(features: &[(String, String)], webhooks: Option<&str>) -> String {
    if features.is_empty() && webhooks.is_none() {
        return String::new();
    }
    let names: Vec<String> = features.iter().map(|(f, _)| format!("{f:?}")).collect();
    let mut section = format!(
        "\n# One feature per tag of the spec: turn off `default` and pick the parts you use.\n[features]\ndefault = [{}]\n",
        names.join(", ")
    );
    for (feature, tag) in features {
        let tag = tag.replace(['\n', '\r'], " ");
        section.push_str(&format!(
            "# The operations tagged `{tag}`.\n{feature} = []\n"
        ));
    }
    if let Some(feature) = webhooks {
        section.push_str(&format!(
            "# The payload types of the spec's webhooks, to deserialize what the service sends to\n# your endpoint; off by default, since calling the API never needs them.\n{feature} = []\n"
        ));
    }
    section.push_str(&format!(
        "# Every type implements both `Serialize` and `Deserialize` (without it, only the\n# directions it travels: a response type is not serialized, a request type not read).\n{} = []\n",
        crate::model::TagFeatures::FULL_SERDE
    ));
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_titles() {
        assert_eq!(crate_name("Swagger Petstore"), "swagger-petstore");
        assert_eq!(crate_name("Oxide Region API"), "oxide-region-api");
        assert_eq!(crate_name("USPTO Data Set API"), "uspto-data-set-api");
        assert_eq!(crate_name("3D API"), "api-3d-api");
        assert_eq!(crate_name("中文"), "api-client");
        assert!(is_valid_crate_name("petstore_client"));
        assert!(!is_valid_crate_name("9lives"));
        assert!(!is_valid_crate_name("a b"));
    }

    /// Every `.rs` file under `dir`, as paths relative to `root`.
    fn rust_files(root: &std::path::Path, dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(root, &path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn runtime_list_matches_the_runtime_directory() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../generated-client/src/runtime"
        ));
        let mut on_disk = Vec::new();
        rust_files(dir, dir, &mut on_disk);
        on_disk.sort();
        let listed: Vec<&str> = RUNTIME_FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, listed,
            "RUNTIME_FILES must list every runtime source file"
        );
        for part in RUNTIME_PARTS {
            for file in part.files {
                assert!(listed.contains(file), "{} names {file}", part.feature);
            }
        }
    }

    /// The `[section]` of a manifest.
    fn section<'m>(manifest: &'m str, name: &str) -> &'m str {
        manifest
            .split(&format!("\n[{name}]\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no [{name}]"))
            .split("\n[")
            .next()
            .unwrap()
    }

    #[test]
    fn dependency_lists_cover_the_runtime_crate() {
        let manifest = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../generated-client/Cargo.toml"
        ))
        .unwrap();
        let optional_of = |dep: &str| {
            RUNTIME_PARTS.iter().find(|part| {
                part.dependencies
                    .iter()
                    .any(|d| d.starts_with(&format!("{dep} ")))
            })
        };
        for line in section(&manifest, "dependencies")
            .lines()
            .filter(|l| l.contains("workspace"))
        {
            let dep = line.split(['.', ' ']).next().unwrap().trim();
            let common = RUNTIME_DEPENDENCIES
                .iter()
                .any(|d| d.starts_with(&format!("{dep} ")));
            match (line.contains("optional = true"), optional_of(dep)) {
                (false, None) => assert!(
                    common,
                    "generated-client depends on `{dep}`, which standalone crates lack: add it \
                     to RUNTIME_DEPENDENCIES"
                ),
                (true, Some(part)) => assert!(
                    section(&manifest, "features").contains(&format!("\"dep:{dep}\"")),
                    "`{dep}` belongs to the part `{}`; its feature must enable it",
                    part.feature
                ),
                (optional, part) => panic!(
                    "`{dep}` is {} in generated-client but belongs to {part:?}",
                    if optional { "optional" } else { "required" }
                ),
            }
        }
        let features: Vec<&str> = section(&manifest, "features")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with("default"))
            .filter_map(|l| l.split(" =").next())
            .filter(|name| !name.trim().is_empty())
            .collect();
        let parts: Vec<&str> = RUNTIME_PARTS.iter().map(|p| p.feature).collect();
        assert_eq!(features, parts, "the runtime's features are its parts");
    }

    /// Every subset of the optional parts.
    fn every_combination() -> Vec<BTreeSet<&'static str>> {
        let mut combinations = vec![BTreeSet::new()];
        for part in RUNTIME_PARTS {
            let with: Vec<BTreeSet<&str>> = combinations
                .iter()
                .map(|used| {
                    let mut used = used.clone();
                    used.insert(part.feature);
                    used
                })
                .collect();
            combinations.extend(with);
        }
        combinations
    }

    #[test]
    fn every_combination_of_parts_strips_to_code_that_parses() {
        for used in every_combination() {
            let files = runtime_for(&used).unwrap_or_else(|e| panic!("{used:?}: {e}"));
            for part in RUNTIME_PARTS {
                for file in part.files {
                    assert_eq!(
                        files.iter().any(|(name, _)| name == file),
                        used.contains(part.feature),
                        "{file} with {used:?}"
                    );
                }
            }
            for (file, text) in &files {
                assert!(
                    !text.contains("cfg(feature"),
                    "{file} with {used:?} keeps a gate"
                );
                if let Err(error) = syn::parse_file(text) {
                    panic!("{file} with {used:?} does not parse: {error}\n{text}");
                }
                for part in RUNTIME_PARTS.iter().filter(|p| !used.contains(p.feature)) {
                    for module in part.files {
                        let module = module.trim_end_matches(".rs").rsplit('/').next().unwrap();
                        assert!(
                            !text.contains(&format!("mod {module};")),
                            "{file} with {used:?} declares the left-out `{module}`"
                        );
                    }
                }
            }
            let dependencies = dependencies_for(&used).join("\n");
            assert_eq!(
                dependencies.contains("hmac"),
                used.contains("aksk"),
                "{used:?}: {dependencies}"
            );
        }
    }

    #[test]
    fn parts_follow_the_model() {
        let mut model = Model::default();
        assert!(parts_used(&model).is_empty());
        model.service.auth_schemes.push(AuthScheme::SdkHmacSha256 {
            parameter_headers: Vec::new(),
            signature_errors: Default::default(),
        });
        assert_eq!(parts_used(&model), BTreeSet::from(["aksk"]));
    }
}
