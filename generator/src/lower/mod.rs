//! Phase 3: lower a validated spec into the [`Model`].
//!
//! Names are fixed here (through [`crate::names`]), `$ref`s resolved, inline schemas given
//! predictable names (`{Parent}{Field}`, `{Operation}Body`, `{Operation}Response`), and
//! everything sorted. Lowering reads what validation proved ([`Proven`]: operations, their
//! path templates and effective parameters, parsed extensions) rather than those parts of the
//! spec, and falls back quietly where validation already warned (a reference that does not
//! resolve is a JSON value). A construct the generator cannot type well is a warning with its
//! JSON pointer and an honest fallback; lowering never panics and never refuses the spec.

use crate::diagnostic::{Problems, escape_token, pointer};
use crate::load::Spec;
use crate::model::*;
use crate::names::{self, Namespace};
use crate::validate::{ParameterSource, Proven, ProvenOperation};
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, SecurityScheme, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod operations;
mod schemas;
mod service;
mod usage;
mod webhooks;

pub use operations::needs_response_enum;

/// Method names generated operations must not take: every method the hand-written runtime's
/// `Client` has (read from the runtime's source, so the list cannot fall behind it), the ones
/// the generated `mod.rs` adds, and the methods of the traits `Client` implements.
fn reserved_methods() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = crate::runtime_source::client_methods()
        .iter()
        .map(String::as_str)
        .collect();
    names.extend(["builder", "from_env", "clone", "clone_from", "fmt"]);
    names
}

/// Lowers the spec into the model, with a warning for every construct that could not be typed
/// well.
pub fn lower(spec: &Spec, proven: &Proven) -> (Model, Problems) {
    let mut lowering = Lowering::new(spec, proven);
    lowering.component_schemas();
    let mut operations = lowering.operations();
    lowering.webhooks();
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    let service = lowering.service(&operations);
    let mut types: Vec<TypeDef> = std::mem::take(&mut lowering.types).into_values().collect();
    schemas::box_recursive_fields(&mut types);
    let mut model = Model {
        service,
        types,
        operations,
    };
    usage::compute(&mut model, &mut lowering.type_names);
    (model, lowering.problems)
}

struct Lowering<'a> {
    spec: &'a Spec,
    doc: &'a OpenAPI,
    proven: &'a Proven,
    problems: Problems,
    /// The type names taken in `types` (schemas and inline types). Generated code reaches
    /// everything else by absolute paths, so only a real collision in the module renames.
    type_names: Namespace,
    /// The type names taken in `operations` (request, response, header and error types).
    operation_names: Namespace,
    /// Component schema key → Rust type name (for schemas that become named types).
    component_names: BTreeMap<String, String>,
    /// Named types by Rust name.
    types: BTreeMap<String, TypeDef>,
    /// Component schemas being resolved as aliases, to stop `$ref` cycles.
    resolving: BTreeSet<String>,
    /// Schemas referred to by a pointer that is not a component, lowered once each.
    deep_refs: BTreeMap<String, TypeRef>,
    /// Patterns already reported as uncheckable.
    bad_patterns: BTreeSet<String>,
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
    fn new(spec: &'a Spec, proven: &'a Proven) -> Self {
        Lowering {
            spec,
            doc: &spec.document,
            proven,
            problems: Problems::default(),
            type_names: Namespace::default(),
            operation_names: Namespace::default(),
            component_names: BTreeMap::new(),
            types: BTreeMap::new(),
            resolving: BTreeSet::new(),
            deep_refs: BTreeMap::new(),
            bad_patterns: BTreeSet::new(),
        }
    }

    /// A construct that could not be typed well; the message says what was generated instead.
    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.problems.warn(at, message);
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
    /// where it is defined, or `None` when the reference does not lead to one (validation has
    /// warned about it).
    fn component<T>(
        &self,
        item: &'a ReferenceOr<T>,
        section: &str,
        select: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Option<(&'a T, String)> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at.to_owned())),
            ReferenceOr::Reference { reference } => reference,
        };
        let key = ref_name(reference, section)?;
        match self.doc.components.as_ref().map(select)?.get(&key)? {
            ReferenceOr::Item(item) => Some((item, pointer(["components", section, &key]))),
            ReferenceOr::Reference { .. } => None,
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
        let (proven, _) = crate::validate::validate(&spec);
        lower(&spec, &proven).0
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
    fn tuples_and_webhook_payloads_become_types() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
x-webhooks:
  newPet:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                at:
                  type: array
                  x-prefix-items: [{type: number}, {type: number}, {$ref: '#/components/schemas/Label'}]
                  items: {}
      responses: {'200': {description: ok}}
components:
  schemas:
    Label: {type: string, enum: [a, b]}
    Loose:
      type: array
      x-prefix-items: [{type: string}]
      items: {type: integer}
",
        );
        let payload = model
            .types
            .iter()
            .find(|t| t.name == "NewPetPayload")
            .expect("the webhook's payload is a type");
        assert!(
            payload
                .doc
                .as_deref()
                .unwrap_or_default()
                .contains("`newPet` webhook")
        );
        let TypeKind::Struct { fields, .. } = &payload.kind else {
            panic!("{payload:?}");
        };
        assert_eq!(
            fields[0].ty,
            TypeRef::Tuple(vec![
                TypeRef::F64,
                TypeRef::F64,
                TypeRef::Named("Label".into())
            ])
        );
        let loose = model.types.iter().find(|t| t.name == "Loose").unwrap();
        assert!(matches!(
            &loose.kind,
            TypeKind::Alias { target: TypeRef::Array(item), .. } if **item == TypeRef::Json
        ));
    }

    #[test]
    fn names_differ_from_the_spec_only_on_a_real_collision() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets:
    post:
      operationId: createPet
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/CreatePetRequest'}
      responses:
        '400':
          description: bad
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Error'}
components:
  schemas:
    Error: {type: object, properties: {message: {type: string}}}
    Response: {type: object, properties: {ok: {type: boolean}}}
    Client: {type: object, properties: {id: {type: string}}}
    CreatePetRequest: {type: object, properties: {name: {type: string}}}
",
        );
        let types: Vec<&str> = model.types.iter().map(|t| t.name.as_str()).collect();
        // Schemas keep their names, even those of runtime items, in their own module.
        assert_eq!(types, ["Client", "CreatePetRequest", "Error", "Response"]);
        let op = &model.operations[0];
        // The operation's own types live in `operations`: no clash with the schema of the same name.
        assert_eq!(op.request_type, "CreatePetRequest");
        assert_eq!(op.error_type.as_deref(), Some("CreatePetError"));
    }
}
