//! Phase 3: lower a validated spec into the [`Model`].
//!
//! Names are fixed here (through [`crate::names`]), `$ref`s resolved, inline schemas given
//! predictable names (`{Parent}{Field}`, `{Operation}Body`, `{Operation}Response`), and
//! everything sorted. A construct the generator cannot express is reported with its JSON
//! pointer; lowering never panics.

use crate::Diagnostics;
use crate::diagnostic::{escape_token, pointer};
use crate::load::Spec;
use crate::model::*;
use crate::names::{self, Namespace};
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, SecurityScheme, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::{BTreeMap, BTreeSet};

mod operations;
mod schemas;
mod service;

pub use operations::{needs_response_enum, split_path};

/// Method names the hand-written `Client` already uses.
const RESERVED_METHODS: &[&str] = &[
    "builder",
    "builder_for",
    "from_env",
    "execute",
    "client_parameter",
    "endpoint",
    "service",
    "timeout",
    "retry_policy",
    "max_response_size",
    "max_pages",
    "user_agent",
    "clone",
    "fmt",
];

/// Type names the generated modules use for themselves.
const RESERVED_TYPES: &[&str] = &["Client", "Error", "Response", "SERVICE"];

/// Lowers the spec; `Err` lists every unsupported construct with its place.
pub fn lower(spec: &Spec) -> Result<Model, Diagnostics> {
    let mut lowering = Lowering::new(spec);
    lowering.component_schemas();
    let mut operations = lowering.operations();
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    let service = lowering.service(&operations);
    let mut types: Vec<TypeDef> = lowering.types.into_values().collect();
    schemas::box_recursive_fields(&mut types);
    let model = Model {
        service,
        types,
        operations,
    };
    lowering.diagnostics.finish(model)
}

struct Lowering<'a> {
    spec: &'a Spec,
    doc: &'a OpenAPI,
    diagnostics: Diagnostics,
    /// Every type name taken so far.
    type_names: Namespace,
    /// Component schema key → Rust type name (for schemas that become named types).
    component_names: BTreeMap<String, String>,
    /// Named types by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Component schemas being resolved as aliases, to stop `$ref` cycles.
    resolving: BTreeSet<String>,
}

fn doc_text(parts: &[Option<&String>]) -> Option<String> {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if text.is_empty() {
        None
    } else {
        Some(text.join("\n\n"))
    }
}

fn ext_bool(extensions: &indexmap::IndexMap<String, serde_json::Value>, key: &str) -> bool {
    extensions
        .get(key)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn ext_str<'v>(
    extensions: &'v indexmap::IndexMap<String, serde_json::Value>,
    key: &str,
) -> Option<&'v str> {
    extensions.get(key).and_then(|v| v.as_str())
}

/// Splits a local reference `#/components/<section>/<name>` into the unescaped name.
fn ref_name(reference: &str, section: &str) -> Option<String> {
    let prefix = format!("#/components/{section}/");
    reference
        .strip_prefix(&prefix)
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
}

impl<'a> Lowering<'a> {
    fn new(spec: &'a Spec) -> Self {
        Lowering {
            spec,
            doc: &spec.document,
            diagnostics: Diagnostics::default(),
            type_names: Namespace::with_reserved(RESERVED_TYPES),
            component_names: BTreeMap::new(),
            types: BTreeMap::new(),
            resolving: BTreeSet::new(),
        }
    }

    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.diagnostics.push(&self.spec.file, at, message);
    }

    /// The schema a `$ref` (or an inline schema) finally stands for, following alias chains.
    fn resolve<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.resolve_ref(reference),
        }
    }

    fn resolve_boxed<'s>(&self, schema: &'s ReferenceOr<Box<Schema>>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => self.resolve_ref(reference),
        }
    }

    /// An item that may be a `$ref` to `#/components/<section>/<name>`: the item and the pointer
    /// where it is defined, or `None` after reporting a reference that does not resolve to
    /// `noun`.
    fn component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        section: &str,
        select: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
        at: &str,
        noun: &str,
    ) -> Option<(&'a T, String)> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at.to_owned())),
            ReferenceOr::Reference { reference } => reference,
        };
        let key = ref_name(reference, section);
        let found = key
            .as_ref()
            .and_then(|key| self.doc.components.as_ref().map(select)?.get(key));
        match (found, key) {
            (Some(ReferenceOr::Item(item)), Some(key)) => {
                Some((item, pointer(["components", section, &key])))
            }
            _ => {
                self.error(
                    at,
                    format!("`$ref: {reference}` does not resolve to {noun}"),
                );
                None
            }
        }
    }

    fn resolve_ref(&self, reference: &str) -> Option<&'a Schema> {
        let schemas = &self.doc.components.as_ref()?.schemas;
        let mut key = ref_name(reference, "schemas")?;
        for _ in 0..32 {
            match schemas.get(&key)? {
                ReferenceOr::Item(schema) => return Some(schema),
                ReferenceOr::Reference { reference } => key = ref_name(reference, "schemas")?,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_text(text: &str) -> Model {
        let spec = crate::load::load_str(std::path::Path::new("t.yaml"), text).unwrap();
        lower(&spec).unwrap()
    }

    #[test]
    fn operation_names_never_shadow_client_methods() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a: {get: {operationId: execute, responses: {'200': {description: ok}}}}
  /b: {get: {operationId: fromEnv, responses: {'200': {description: ok}}}}
  /c: {get: {operationId: builder, responses: {'200': {description: ok}}}}
",
        );
        let names: Vec<&str> = model
            .operations
            .iter()
            .map(|o| o.method_name.as_str())
            .collect();
        assert_eq!(names, ["builder2", "execute2", "from_env2"]);
    }

    #[test]
    fn environment_defaults_to_the_title() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: Swagger Petstore, version: '1'}
paths: {}
",
        );
        assert_eq!(
            model.service.environment.endpoint,
            ["SWAGGER_PETSTORE_ENDPOINT"]
        );
        assert_eq!(model.service.environment.token, ["SWAGGER_PETSTORE_TOKEN"]);
        assert!(model.service.environment.ak_sk.is_empty());
    }

    #[test]
    fn splits_paths() {
        assert_eq!(
            split_path("/v1/{project_id}/a/{id}"),
            vec![
                PathPart::Literal("/v1/".into()),
                PathPart::Param("project_id".into()),
                PathPart::Literal("/a/".into()),
                PathPart::Param("id".into()),
            ]
        );
        assert_eq!(split_path("/"), vec![PathPart::Literal("/".into())]);
        assert_eq!(
            split_path("/{a}{b}"),
            vec![
                PathPart::Literal("/".into()),
                PathPart::Param("a".into()),
                PathPart::Param("b".into()),
            ]
        );
    }
}
