//! Phase 4: Rust source text from the model. Pure functions; nothing here can fail.
//!
//! The emitters write text directly (the `code` module), each output file on its own thread where
//! there are two. Generated code names the standard library by absolute paths
//! (`::std::string::String`, `::serde::Serialize`) wherever a schema's name could shadow one
//! (`types.rs`), and reaches the hand-written runtime through `crate::runtime`.

mod code;
mod operations;
mod service;
mod types;

use crate::model::{Model, TypeDef, TypeRef};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

pub(crate) use code::{Code, comma_list, lit};

/// The named types of a model, by name, for what emitting one item needs to know of others.
pub(crate) struct Types<'m> {
    by_name: HashMap<&'m str, &'m TypeDef>,
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
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::Nullable(inner) => self.validated(inner),
            TypeRef::Tuple(items) => items.iter().any(|item| self.validated(item)),
            _ => false,
        }
    }
}

/// One output file as text.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path, e.g. `types.rs`.
    pub path: PathBuf,
    /// An inner doc line for the file (`//!`).
    pub doc: String,
    /// The items.
    pub text: String,
}

/// Emits every output file, in a fixed order: `types.rs` on a second thread while this one
/// writes `operations.rs`.
pub fn emit(model: &Model) -> Vec<OutputFile> {
    let types = Types::new(model);
    let (operations, type_items) = std::thread::scope(|scope| {
        let type_items = scope.spawn(|| types::emit(model, &types));
        let operations = operations::emit(model, &types);
        // Emission cannot fail; a panic there is a bug, passed on as it is.
        let type_items = type_items
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (operations, type_items)
    });
    vec![
        OutputFile {
            path: PathBuf::from("mod.rs"),
            doc: format!("Generated from the spec of {}.", model.service.title),
            text: with_file_attrs(&service::emit(&model.service)),
        },
        OutputFile {
            path: PathBuf::from("operations.rs"),
            doc: "One request type and one client method per operation.".to_owned(),
            text: with_file_attrs(&operations),
        },
        OutputFile {
            path: PathBuf::from("types.rs"),
            doc: "Request and response bodies: one type per schema.".to_owned(),
            text: with_file_attrs(&type_items),
        },
    ]
}

/// Generated code may use what the spec marks deprecated without warnings (callers still get
/// them), the spec's descriptions are prose, not documentation written for rustdoc, the size
/// of an enum's variants is the spec's business (boxing the large one would cost every caller
/// an indirection), a documented status comes before the range that contains it, and a setter
/// takes its field's name even when that is an operator's (`add`, `sub`).
fn with_file_attrs(items: &str) -> String {
    let mut text = String::with_capacity(items.len().saturating_add(512));
    text.push_str(
        "#![allow(
    deprecated,
    clippy::large_enum_variant,
    clippy::match_overlapping_arm,
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::should_implement_trait,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    reason = \"generated code may use what the spec deprecates; doc text is the spec's prose; \
variants are the spec's alternatives; a status matches its own arm before its range's; a \
setter is named after its field, `add` or `sub` too\"
)]

",
    );
    text.push_str(items);
    text
}

/// The Rust type for a type reference; `types_path` is how named types are reached (`""` from
/// `types.rs` itself, `super::types::` from elsewhere).
pub(crate) fn type_text(ty: &TypeRef, types_path: &str) -> String {
    let mut text = String::new();
    write_type(&mut text, ty, types_path);
    text
}

fn write_type(text: &mut String, ty: &TypeRef, types_path: &str) {
    match ty {
        TypeRef::String => text.push_str("::std::string::String"),
        TypeRef::I32 => text.push_str("i32"),
        TypeRef::I64 => text.push_str("i64"),
        TypeRef::F32 => text.push_str("f32"),
        TypeRef::F64 => text.push_str("f64"),
        TypeRef::Bool => text.push_str("bool"),
        TypeRef::Json => text.push_str("::serde_json::Value"),
        TypeRef::Bytes => text.push_str("::bytes::Bytes"),
        TypeRef::DateTime => text.push_str("::chrono::DateTime<::chrono::FixedOffset>"),
        TypeRef::Date => text.push_str("::chrono::NaiveDate"),
        TypeRef::Uuid => text.push_str("::uuid::Uuid"),
        TypeRef::Named(name) => {
            text.push_str(types_path);
            text.push_str(name);
        }
        TypeRef::Array(inner) => {
            text.push_str("::std::vec::Vec<");
            write_type(text, inner, types_path);
            text.push('>');
        }
        TypeRef::Tuple(items) => {
            text.push('(');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    text.push_str(", ");
                }
                write_type(text, item, types_path);
            }
            // A one-element tuple needs its comma.
            if items.len() == 1 {
                text.push(',');
            }
            text.push(')');
        }
        TypeRef::Map(inner) => {
            text.push_str("::std::collections::BTreeMap<::std::string::String, ");
            write_type(text, inner, types_path);
            text.push('>');
        }
        TypeRef::Boxed(inner) => {
            text.push_str("::std::boxed::Box<");
            write_type(text, inner, types_path);
            text.push('>');
        }
        TypeRef::Nullable(inner) => {
            text.push_str("::std::option::Option<");
            write_type(text, inner, types_path);
            text.push('>');
        }
    }
}

/// `Some(value)` / `None` as text, for constants of optional values.
pub(crate) fn optional_lit(value: Option<&str>) -> String {
    match value {
        Some(value) => {
            let mut text = String::from("::std::option::Option::Some(");
            let _ = write!(text, "{})", lit(value));
            text
        }
        None => "::std::option::Option::None".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_text_spells_every_shape() {
        let ty = TypeRef::Map(Box::new(TypeRef::Tuple(vec![
            TypeRef::Named("Pet".to_owned()),
            TypeRef::Array(Box::new(TypeRef::Boxed(Box::new(TypeRef::I32)))),
        ])));
        assert_eq!(
            type_text(&ty, "super::types::"),
            "::std::collections::BTreeMap<::std::string::String, (super::types::Pet, \
             ::std::vec::Vec<::std::boxed::Box<i32>>)>"
        );
        assert_eq!(
            type_text(&TypeRef::Tuple(vec![TypeRef::Bool]), ""),
            "(bool,)"
        );
        assert_eq!(type_text(&TypeRef::Tuple(Vec::new()), ""), "()");
    }
}
