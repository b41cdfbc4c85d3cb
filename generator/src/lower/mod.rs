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

mod features;
mod operations;
mod schemas;
mod service;
mod usage;
mod webhooks;

pub use features::{feature_name, tag_features};
pub use operations::needs_response_enum;
pub use usage::traveled_types;

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
    plain_aliases_in_place(&mut types, &mut operations);
    schemas::binary_in_json_as_text(&mut types);
    schemas::box_recursive_fields(&mut types);
    let mut webhook_payloads = std::mem::take(&mut lowering.webhook_payloads);
    webhook_payloads.sort();
    webhook_payloads.dedup();
    let mut model = Model {
        service,
        types,
        operations,
        features: None,
        webhook_payloads,
    };
    usage::compute(&mut model, &mut lowering.type_names);
    (model, lowering.problems)
}

/// A named schema that lowered to an alias of a plain type (an `allOf` of strings, an `allOf`
/// no value can satisfy, typed as JSON) keeps its public alias, but every use of it names the
/// aliased type, as uses of a primitive component schema do: the alias is the same type, and
/// only types the generator defines have checks to run.
fn plain_aliases_in_place(types: &mut [TypeDef], operations: &mut [Operation]) {
    fn substitute(ty: &mut TypeRef, plain: &BTreeMap<String, TypeRef>) {
        match ty {
            TypeRef::Named(name) => {
                if let Some(target) = plain.get(name) {
                    *ty = target.clone();
                }
            }
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::Nullable(inner) => substitute(inner, plain),
            TypeRef::Tuple(items) => items.iter_mut().for_each(|item| substitute(item, plain)),
            _ => {}
        }
    }
    // An alias of an alias of a plain type is plain too: one round per link of the chain.
    let mut plain: BTreeMap<String, TypeRef> = BTreeMap::new();
    for _ in 0..=types.len() {
        let mut found = false;
        for def in types.iter_mut() {
            if let TypeKind::Alias { target, .. } = &mut def.kind {
                substitute(target, &plain);
                if !target.contains_named() && !plain.contains_key(&def.name) {
                    plain.insert(def.name.clone(), target.clone());
                    found = true;
                }
            }
        }
        if !found {
            break;
        }
    }
    if plain.is_empty() {
        return;
    }
    for def in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields, additional } => {
                fields
                    .iter_mut()
                    .for_each(|field| substitute(&mut field.ty, &plain));
                additional.iter_mut().for_each(|ty| substitute(ty, &plain));
            }
            TypeKind::Union { variants, .. } => variants
                .iter_mut()
                .for_each(|variant| substitute(&mut variant.ty, &plain)),
            TypeKind::StringEnum { .. } | TypeKind::Alias { .. } => {}
        }
    }
    for operation in operations {
        for param in &mut operation.params {
            substitute(&mut param.ty, &plain);
        }
        if let Some(body) = &mut operation.body {
            for media in &mut body.media {
                substitute(&mut media.ty, &plain);
            }
        }
        for case in operation.responses.iter_mut().chain(&mut operation.errors) {
            if let Some((_, ty)) = &mut case.body {
                substitute(ty, &plain);
            }
            for header in &mut case.headers {
                substitute(&mut header.ty, &plain);
            }
        }
        if let Some(pagination) = &mut operation.pagination {
            substitute(&mut pagination.offset_type, &plain);
            substitute(&mut pagination.item_type, &plain);
        }
    }
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
    /// Schemas referred to by a pointer that is not a component, lowered once each (by the
    /// pointer, written as [`crate::diagnostic::join`] writes it).
    deep_refs: BTreeMap<String, TypeRef>,
    /// The pointers such references name: a schema lowered in place there is the same type.
    deep_targets: BTreeSet<String>,
    /// Patterns already reported as uncheckable.
    bad_patterns: BTreeSet<String>,
    /// The named types webhook payloads mention.
    webhook_payloads: Vec<String>,
}

/// The doc text of a spec item from its summary, description…: the non-empty parts, a blank line
/// apart; tabs (which rustdoc and clippy reject in doc comments) are four spaces.
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
        Some(text.join("\n\n").replace('\t', "    "))
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

/// A local pointer as [`crate::diagnostic::join`] writes it (`#/a~1b/c`), whatever escapes the
/// reference used.
fn canonical_pointer(reference: &str) -> Option<String> {
    let tokens = crate::load::pointer_tokens(reference)?;
    Some(tokens.iter().fold("#".to_owned(), |at, token| {
        crate::diagnostic::join(&at, token)
    }))
}

/// The places schema `$ref`s name that are not component schemas (`#/paths/…/schema`).
fn deep_schema_targets(proven: &Proven) -> BTreeSet<String> {
    proven
        .schema_references
        .iter()
        .filter(|reference| ref_name(reference, "schemas").is_none())
        .filter_map(|reference| canonical_pointer(reference))
        .collect()
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
            deep_targets: deep_schema_targets(proven),
            bad_patterns: BTreeSet::new(),
            webhook_payloads: Vec::new(),
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

    /// The pointer of the component a schema `$ref` finally names, following alias chains
    /// (`None` for an inline schema, or a reference that does not lead to a component).
    fn resolved_at(&self, schema: &ReferenceOr<Schema>) -> Option<String> {
        let ReferenceOr::Reference { reference } = schema else {
            return None;
        };
        let schemas = &self.doc.components.as_ref()?.schemas;
        let mut key = ref_name(reference, "schemas")?;
        for _ in 0..32 {
            match schemas.get(&key)? {
                ReferenceOr::Item(_) => return Some(pointer(["components", "schemas", &key])),
                ReferenceOr::Reference { reference } => key = ref_name(reference, "schemas")?,
            }
        }
        None
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
    fn a_kubernetes_watch_answer_is_read_line_by_line() {
        let spec = |media: &str| {
            format!(
                "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /pods:
    get:
      operationId: watchPods
      responses:
        '200':
          description: ok
          content:
            application/json: {{schema: {{type: object}}}}
            '{media}': {{schema: {{type: object, properties: {{type: {{type: string}}}}}}}}
"
            )
        };
        for media in [
            "application/json;stream=watch",
            "application/json; stream=\"watch\"",
            "application/vnd.kubernetes+json;stream=watch",
        ] {
            let model = lower_text(&spec(media));
            let streamed = model.operations[0].streamed.as_ref();
            assert_eq!(
                streamed.map(|s| (&s.kind, s.media_type.as_str())),
                Some((&crate::model::StreamKind::Lines, media)),
                "{media}"
            );
        }
        // Other parameters leave a JSON answer one body.
        let model = lower_text(&spec("application/json;charset=utf-8"));
        assert!(model.operations[0].streamed.is_none());
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

    fn lower_with_warnings(text: &str) -> (Model, crate::Diagnostics) {
        let spec = crate::load::load_str(std::path::Path::new("t.yaml"), text).unwrap();
        crate::model_of(&spec).unwrap()
    }

    fn struct_fields<'m>(model: &'m Model, name: &str) -> &'m [Field] {
        let def = model.types.iter().find(|t| t.name == name);
        match def.map(|def| &def.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields,
            other => panic!("{name}: {other:?}"),
        }
    }

    fn field<'m>(model: &'m Model, name: &str, wire: &str) -> &'m Field {
        let fields = struct_fields(model, name);
        fields
            .iter()
            .find(|f| f.wire == wire)
            .unwrap_or_else(|| panic!("{name}.{wire} in {fields:?}"))
    }

    #[test]
    fn binary_inside_json_is_text_and_stays_bytes_in_multipart_parts() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json: {schema: {$ref: '#/components/schemas/Doc'}}
      responses: {'204': {description: ok}}
  /b:
    post:
      requestBody:
        content:
          multipart/form-data: {schema: {$ref: '#/components/schemas/Upload'}}
      responses: {'204': {description: ok}}
  /c:
    put:
      requestBody:
        content:
          application/octet-stream: {schema: {type: string, format: binary}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Doc:
      type: object
      properties:
        content: {type: string, format: binary}
        chunks: {type: array, items: {type: string, format: binary}}
    Upload:
      type: object
      properties:
        file: {type: string, format: binary}
",
        );
        assert_eq!(field(&model, "Doc", "content").ty, TypeRef::String);
        assert_eq!(
            field(&model, "Doc", "chunks").ty,
            TypeRef::Array(Box::new(TypeRef::String))
        );
        assert_eq!(field(&model, "Upload", "file").ty, TypeRef::Bytes);
        let put = model
            .operations
            .iter()
            .find(|o| o.http_method == "PUT")
            .unwrap();
        assert_eq!(put.body.as_ref().unwrap().media[0].ty, TypeRef::Bytes);
    }

    #[test]
    fn uses_of_named_schemas_that_are_plain_aliases_name_the_aliased_type() {
        let (model, warnings) = lower_with_warnings(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a/{day}:
    get:
      parameters:
        - {name: day, in: path, required: true, schema: {$ref: '#/components/schemas/Day'}}
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/Currency'}}
components:
  schemas:
    Day:
      allOf: [{type: string}, {type: string, format: date}]
    Currency:
      allOf: [{type: string}, {type: integer}]
    Invoice:
      type: object
      properties:
        day: {$ref: '#/components/schemas/Day'}
        currency: {$ref: '#/components/schemas/Currency'}
        history: {type: array, items: {$ref: '#/components/schemas/Currency'}}
",
        );
        assert_eq!(warnings.0.len(), 1, "{warnings}");
        assert_eq!(
            warnings.0[0].pointer,
            "#/components/schemas/Currency/allOf/1"
        );
        assert_eq!(field(&model, "Invoice", "day").ty, TypeRef::String);
        assert_eq!(field(&model, "Invoice", "currency").ty, TypeRef::Json);
        assert_eq!(
            field(&model, "Invoice", "history").ty,
            TypeRef::Array(Box::new(TypeRef::Json))
        );
        // The aliases themselves stay public.
        assert!(model.types.iter().any(|t| t.name == "Currency"));
        let op = &model.operations[0];
        assert_eq!(op.params[0].ty, TypeRef::String);
        assert_eq!(op.responses[0].body.as_ref().unwrap().1, TypeRef::Json);
    }

    #[test]
    fn a_multipart_body_that_is_one_of_several_objects_is_one_struct_of_their_parts() {
        let (model, warnings) = lower_with_warnings(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /s:
    patch:
      requestBody:
        content:
          multipart/form-data: {schema: {$ref: '#/components/schemas/Settings'}}
      responses: {'204': {description: ok}}
components:
  schemas:
    Settings:
      oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]
    A:
      type: object
      required: [id, mute]
      properties: {id: {type: string}, mute: {type: boolean}, logo: {type: string, format: binary}}
    B:
      type: object
      required: [id]
      properties: {id: {type: string}, room: {type: boolean}}
",
        );
        let media = &model.operations[0].body.as_ref().unwrap().media[0];
        assert_eq!(media.encoding, BodyEncoding::Multipart);
        assert_eq!(media.ty, TypeRef::Named("SettingsParts".into()));
        let parts = model
            .types
            .iter()
            .find(|t| t.name == "SettingsParts")
            .unwrap();
        assert!(parts.multipart);
        let fields: Vec<(&str, bool)> = struct_fields(&model, "SettingsParts")
            .iter()
            .map(|f| (f.wire.as_str(), f.required))
            .collect();
        assert_eq!(
            fields,
            [
                ("id", true),
                ("mute", false),
                ("logo", false),
                ("room", false)
            ]
        );
        assert_eq!(field(&model, "SettingsParts", "logo").ty, TypeRef::Bytes);
        assert_eq!(warnings.0.len(), 1, "{warnings}");
        assert!(
            warnings.0[0].message.contains("`SettingsParts`"),
            "{warnings}"
        );
    }

    #[test]
    fn merged_all_of_properties_are_located_where_they_are_written() {
        let (_, warnings) = lower_with_warnings(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                allOf:
                  - properties:
                      region: {allOf: [{type: string}, {properties: {slug: {type: string}}}]}
                  - $ref: '#/components/schemas/Paged'
components:
  schemas:
    Paged:
      properties:
        next: {type: string, pattern: '(?<=a)b'}
",
        );
        let places: Vec<(&str, Option<usize>)> = warnings
            .0
            .iter()
            .map(|w| (w.pointer.as_str(), w.line))
            .collect();
        assert_eq!(
            places,
            [
                (
                    "#/paths/~1a/get/responses/200/content/application~1json/schema/allOf/0/properties/region/allOf/0",
                    Some(14)
                ),
                ("#/components/schemas/Paged/properties/next", Some(20)),
            ],
            "{warnings}"
        );
    }

    #[test]
    fn tabs_in_descriptions_are_spaces_in_doc_text() {
        let model = lower_text(
            "openapi: 3.0.3
info: {title: T, version: '1', description: \"a\\tb\"}
paths:
  /a:
    get:
      description: \"**Scope:** `read`\\t<br>\"
      responses: {'204': {description: ok}}
",
        );
        assert_eq!(model.service.description.as_deref(), Some("a    b"));
        assert_eq!(
            model.operations[0].doc.as_deref(),
            Some("**Scope:** `read`    <br>")
        );
    }
}
