//! Generates `fuzz/fixtures/response_header_types.yaml` with the generator and keeps,
//! of its `operations.rs`, the `*ResponseHeaders` structs and their `impl` blocks (the
//! generated `from_headers`), so that the `response_headers` target decodes headers with the
//! very code the generator writes. The rest of the file calls into `crate::runtime` and cannot
//! be compiled outside a generated crate.

use std::path::Path;

use quote::ToTokens;

const FIXTURE: &str = "fixtures/response_header_types.yaml";

fn is_headers_type(ident: &str) -> bool {
    ident.ends_with("ResponseHeaders")
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let spec = Path::new(&manifest).join(FIXTURE);
    println!("cargo::rerun-if-changed={}", spec.display());
    let generated = generator::generate(&spec, "response_header_types")
        .unwrap_or_else(|error| panic!("{FIXTURE} does not generate:\n{error}"));
    let operations = generated
        .files
        .iter()
        .find(|file| file.path == Path::new("operations.rs"))
        .expect("the fixture has operations");
    let file = syn::parse_file(&operations.contents).expect("generated code parses");
    let mut kept = headers_items(&file);
    assert!(
        !kept.is_empty(),
        "no *ResponseHeaders type in the generated operations.rs"
    );
    kept.push('\n');
    std::fs::write(Path::new(&out).join("response_headers.rs"), kept)
        .expect("write response_headers.rs");
}

/// The headers structs and their impls, as source text.
fn headers_items(file: &syn::File) -> String {
    let mut text = String::new();
    for item in &file.items {
        let keep = match item {
            syn::Item::Struct(item) => is_headers_type(&item.ident.to_string()),
            syn::Item::Impl(item) if item.trait_.is_none() => match &*item.self_ty {
                syn::Type::Path(path) => path
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| is_headers_type(&segment.ident.to_string())),
                _ => false,
            },
            _ => false,
        };
        if keep {
            text.push_str(&item.to_token_stream().to_string());
            text.push('\n');
        }
    }
    text
}
