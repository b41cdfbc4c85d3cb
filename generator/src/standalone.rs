//! A complete standalone crate for any supported spec: `Cargo.toml`, `src/lib.rs`, the
//! generated modules, and the hand-written runtime copied from its one source,
//! `generated-client/src/runtime/` (smithy-rs calls such files "inlineable").
//!
//! The crate builds with crates.io dependencies alone. Every file carries the generated marker
//! in its first line, so running `new` again over the same directory updates it, while a file
//! someone wrote by hand is never overwritten.

use crate::write::{GENERATED_MARKER, GeneratedFile};
use crate::{GenerateError, load};
use heck::ToKebabCase;
use std::path::PathBuf;

pub use crate::runtime_source::RUNTIME_FILES;

/// The runtime's crates.io dependencies, as `Cargo.toml` lines. A test checks that this list
/// names every dependency of `generated-client`.
pub const RUNTIME_DEPENDENCIES: &[&str] = &[
    r#"bytes = { version = "1", features = ["serde"] }"#,
    r#"chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }"#,
    r#"futures-core = "0.3""#,
    r#"futures-util = { version = "0.3", default-features = false, features = ["std"] }"#,
    r#"hex = "0.4""#,
    r#"hmac = "0.13""#,
    r#"http = "1""#,
    r#"percent-encoding = "2""#,
    r#"regex-lite = "0.1""#,
    r#"reqwest = { version = "0.13", default-features = false, features = ["rustls", "http2"] }"#,
    r#"serde = { version = "1", features = ["derive"] }"#,
    r#"serde_json = { version = "1", features = ["preserve_order"] }"#,
    r#"serde_urlencoded = "0.7""#,
    r#"sha2 = "0.11""#,
    r#"thiserror = "2""#,
    r#"tokio = { version = "1", features = ["time"] }"#,
    r#"tracing = "0.1""#,
    r#"uuid = { version = "1", default-features = false, features = ["serde", "std"] }"#,
];

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
) -> Result<crate::Generated, GenerateError> {
    let title = spec.document.info.title.clone();
    let name = match name {
        Some(name) => name.to_owned(),
        None => crate_name(&title),
    };
    let generated = crate::generate_from_spec(spec, source_name)?;
    let mut files = Vec::new();
    let header = format!(
        "{GENERATED_MARKER} by the generator (`new`) from {source_name}: do not edit; run `new` again to update."
    );
    let mut dependencies = RUNTIME_DEPENDENCIES.join("\n");
    dependencies.push('\n');
    files.push(GeneratedFile {
        path: PathBuf::from("Cargo.toml"),
        contents: format!(
            "# {header}\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\ndescription = \"Async Rust client for {}\"\npublish = false\n\n[dependencies]\n{dependencies}",
            title.replace(['"', '\\', '\n'], " ")
        ),
    });
    files.push(GeneratedFile {
        path: PathBuf::from("src/lib.rs"),
        contents: format!(
            "// {header}\n//! Async Rust client for {}, generated from {source_name}.\n//!\n//! [`types`] holds the request and response bodies, [`operations`] one request type per\n//! operation, and [`Client`] one async method per operation; [`runtime`] is the hand-written\n//! transport, authentication, retries and errors.\n#![warn(missing_docs)]\n\n#[rustfmt::skip]\nmod generated;\npub mod runtime;\n\npub use generated::{{operations, types}};\npub use runtime::{{ApiError, Client, Error, Response}};\n",
            title.replace('\n', " ")
        ),
    });
    for file in generated.files {
        files.push(GeneratedFile {
            path: PathBuf::from("src/generated").join(&file.path),
            contents: file.contents,
        });
    }
    for (file, text) in RUNTIME_FILES {
        files.push(GeneratedFile {
            path: PathBuf::from("src/runtime").join(file),
            contents: format!("// {header}\n// Copied from the generator's runtime, generated-client/src/runtime/{file}.\n{text}"),
        });
    }
    Ok(crate::Generated {
        files,
        warnings: generated.warnings,
    })
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

    #[test]
    fn runtime_list_matches_the_runtime_directory() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../generated-client/src/runtime"
        );
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = RUNTIME_FILES.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            on_disk, listed,
            "RUNTIME_FILES must list every runtime source file"
        );
    }

    #[test]
    fn dependency_list_covers_the_runtime_crate() {
        let manifest = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../generated-client/Cargo.toml"
        ))
        .unwrap();
        let section = manifest
            .split("[dependencies]")
            .nth(1)
            .unwrap()
            .split("\n[")
            .next()
            .unwrap();
        for line in section.lines().filter(|l| l.contains(".workspace")) {
            let dep = line.split('.').next().unwrap().trim();
            assert!(
                RUNTIME_DEPENDENCIES
                    .iter()
                    .any(|d| d.starts_with(&format!("{dep} "))),
                "generated-client depends on `{dep}`, which standalone crates lack: add it to RUNTIME_DEPENDENCIES"
            );
        }
    }
}
