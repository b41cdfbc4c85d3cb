//! Phase 4: tokens from the model. Pure functions; nothing here can fail.
//!
//! Generated code uses absolute paths (`::std::string::String`, `::serde::Serialize`) so that a
//! schema named `String` or `Result` cannot shadow anything, and reaches the hand-written
//! runtime through `crate::runtime`.

mod operations;
mod service;
mod types;

use crate::model::{Model, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The named types of a model, by name, for what emitting one item needs to know of others.
pub(crate) struct Types<'m> {
    by_name: BTreeMap<&'m str, &'m TypeDef>,
}

impl<'m> Types<'m> {
    fn new(model: &'m Model) -> Self {
        Types {
            by_name: model.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        }
    }

    /// The type called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&'m TypeDef> {
        self.by_name.get(name).copied()
    }

    /// Whether a value of `ty` holds something to check (a named type that implements
    /// `Validate`), so the generated code calls `validate_at` on it.
    pub(crate) fn validated(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(name) => self.get(name).is_some_and(|t| t.usage.validated),
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Boxed(inner) => {
                self.validated(inner)
            }
            TypeRef::Tuple(items) => items.iter().any(|item| self.validated(item)),
            _ => false,
        }
    }
}

/// One output file as tokens.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path, e.g. `types.rs`.
    pub path: PathBuf,
    /// An inner doc line for the file (`//!`).
    pub doc: String,
    /// The items.
    pub tokens: TokenStream,
}

/// Emits every output file, in a fixed order.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let types = Types::new(model);
    vec![
        OutputFile {
            path: PathBuf::from("mod.rs"),
            doc: format!("Generated from the spec of {}.", model.service.title),
            tokens: service::emit(&model.service),
        },
        OutputFile {
            path: PathBuf::from("operations.rs"),
            doc: "One request type and one client method per operation.".to_owned(),
            tokens: with_file_attrs(operations::emit(model, &types)),
        },
        OutputFile {
            path: PathBuf::from("types.rs"),
            doc: "Request and response bodies: one type per schema.".to_owned(),
            tokens: with_file_attrs(types::emit(model, &types)),
        },
    ]
}

/// Generated code may use what the spec marks deprecated without warnings (callers still get
/// them), and the spec's descriptions are prose, not documentation written for rustdoc.
fn with_file_attrs(items: TokenStream) -> TokenStream {
    quote! {
        #![allow(
            deprecated,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags,
            reason = "generated code may use what the spec deprecates; doc text is the spec's prose"
        )]
        #items
    }
}

/// `#[doc = "..."]` attributes, one per line, made safe for rustdoc: code fences become
/// `text` blocks and indentation is dropped, so no description ever becomes a doctest.
pub(crate) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let mut in_fence = false;
    let lines = text.trim().lines().map(|line| {
        let trimmed = line.trim();
        let line = if trimmed.starts_with("```") {
            in_fence = !in_fence;
            if in_fence { "```text" } else { "```" }.to_owned()
        } else {
            trimmed.to_owned()
        };
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    let lines: Vec<String> = lines.collect();
    let mut tokens = quote! { #(#[doc = #lines])* };
    if in_fence {
        let close = " ```";
        tokens.extend(quote! { #[doc = #close] });
    }
    tokens
}

/// The Rust type for a type reference; `types_path` is how named types are reached.
pub(crate) fn type_tokens(ty: &TypeRef, types_path: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote! { ::std::string::String },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::F32 => quote! { f32 },
        TypeRef::F64 => quote! { f64 },
        TypeRef::Bool => quote! { bool },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::Bytes => quote! { ::bytes::Bytes },
        TypeRef::DateTime => quote! { ::chrono::DateTime<::chrono::FixedOffset> },
        TypeRef::Date => quote! { ::chrono::NaiveDate },
        TypeRef::Uuid => quote! { ::uuid::Uuid },
        TypeRef::Named(name) => {
            let ident = format_ident!("{}", name);
            quote! { #types_path #ident }
        }
        TypeRef::Array(inner) => {
            let inner = type_tokens(inner, types_path);
            quote! { ::std::vec::Vec<#inner> }
        }
        TypeRef::Tuple(items) => {
            let items = items.iter().map(|item| type_tokens(item, types_path));
            quote! { (#(#items,)*) }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, types_path);
            quote! { ::std::collections::BTreeMap<::std::string::String, #inner> }
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner, types_path);
            quote! { ::std::boxed::Box<#inner> }
        }
    }
}

/// `#[deprecated]` when the spec marks the item deprecated.
pub(crate) fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    }
}

/// On generated enums: a variant's size is the spec's business, and boxing the large one would
/// cost every caller an indirection.
pub(crate) fn enum_size_allow() -> TokenStream {
    quote! {
        #[allow(
            clippy::large_enum_variant,
            reason = "variants are the spec's alternatives; boxing one would burden every caller"
        )]
    }
}

/// An identifier from a name the lowering already made valid; keyword-escaped names end in `_`.
pub(crate) fn ident(name: &str) -> proc_macro2::Ident {
    format_ident!("{}", name)
}
