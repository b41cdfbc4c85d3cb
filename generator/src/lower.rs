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
    let service = lowering.service();
    let mut types: Vec<TypeDef> = lowering.types.into_values().collect();
    box_recursive_fields(&mut types);
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

/// Whether a schema becomes a named Rust type (struct, enum, union) or is used inline.
fn is_named_kind(schema: &Schema) -> bool {
    if single_all_of(schema).is_some() {
        return false;
    }
    match &schema.schema_kind {
        // An object with no properties is a map (free-form or typed), unless it allows nothing.
        SchemaKind::Type(Type::Object(object)) => {
            !object.properties.is_empty()
                || matches!(
                    object.additional_properties,
                    Some(AdditionalProperties::Any(false))
                )
        }
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().next().is_some(),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => {
            !any.properties.is_empty()
                || !any.all_of.is_empty()
                || !any.one_of.is_empty()
                || !any.any_of.is_empty()
        }
        _ => false,
    }
}

/// `allOf` with exactly one part and nothing else (a common way to attach a description or a
/// title to a `$ref`) stands for that part.
fn single_all_of(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => all_of.first(),
        SchemaKind::Any(any)
            if any.all_of.len() == 1
                && any.properties.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.additional_properties.is_none() =>
        {
            any.all_of.first()
        }
        _ => None,
    }
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

    // ---- schemas ---------------------------------------------------------------------------

    fn component_schemas(&mut self) {
        let Some(components) = &self.doc.components else {
            return;
        };
        // Names first, in spec order, so references resolve whatever order types are lowered in.
        for (key, schema) in &components.schemas {
            let named = match schema {
                ReferenceOr::Item(schema) => is_named_kind(schema),
                ReferenceOr::Reference { .. } => false,
            };
            if named {
                let name = self.type_names.claim(names::type_name(key));
                self.component_names.insert(key.clone(), name);
            }
        }
        for (key, schema) in &components.schemas {
            let at = pointer(["components", "schemas", key]);
            match (schema, self.component_names.get(key).cloned()) {
                (ReferenceOr::Item(schema), Some(name)) => self.define(&name, schema, &at),
                (ReferenceOr::Item(schema), None) => {
                    // A primitive or array schema: used inline where referenced; also a public alias.
                    let target = self.inline_type(schema, &names::type_name(key), &at);
                    let name = self.type_names.claim(names::type_name(key));
                    let constraints = self.constraints(schema);
                    self.types.insert(
                        name.clone(),
                        TypeDef {
                            name,
                            doc: doc_text(&[schema.schema_data.description.as_ref()]),
                            deprecated: schema.schema_data.deprecated,
                            kind: TypeKind::Alias {
                                target,
                                constraints,
                            },
                            multipart: false,
                        },
                    );
                }
                (ReferenceOr::Reference { reference }, _) => {
                    // `A: {$ref: B}`: an alias of B.
                    let target = self.reference_type(reference, &at);
                    let name = self.type_names.claim(names::type_name(key));
                    self.types.insert(
                        name.clone(),
                        TypeDef {
                            name,
                            doc: None,
                            deprecated: false,
                            kind: TypeKind::Alias {
                                target,
                                constraints: Constraints::default(),
                            },
                            multipart: false,
                        },
                    );
                }
            }
        }
    }

    /// The type a `$ref` to a component schema stands for.
    fn reference_type(&mut self, reference: &str, at: &str) -> TypeRef {
        let Some(key) = ref_name(reference, "schemas") else {
            self.error(
                at,
                format!("`$ref: {reference}` does not point into #/components/schemas"),
            );
            return TypeRef::Json;
        };
        if let Some(name) = self.component_names.get(&key) {
            return TypeRef::Named(name.clone());
        }
        let Some(target) = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&key))
        else {
            self.error(at, format!("`$ref: {reference}` does not resolve"));
            return TypeRef::Json;
        };
        if !self.resolving.insert(key.clone()) {
            self.error(
                at,
                format!("`$ref: {reference}` refers to itself through aliases only"),
            );
            return TypeRef::Json;
        }
        let target_at = pointer(["components", "schemas", &key]);
        let ty = match target {
            ReferenceOr::Reference { reference } => self.reference_type(reference, &target_at),
            ReferenceOr::Item(schema) => {
                self.inline_type(schema, &names::type_name(&key), &target_at)
            }
        };
        self.resolving.remove(&key);
        ty
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

    /// The type of a schema used in place; inline objects, enums and unions become named types
    /// called `hint`.
    fn schema_type(&mut self, schema: &ReferenceOr<Schema>, hint: &str, at: &str) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, at),
            ReferenceOr::Item(schema) => self.inline_type(schema, hint, at),
        }
    }

    fn boxed_schema_type(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        at: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, at),
            ReferenceOr::Item(schema) => self.inline_type(schema, hint, at),
        }
    }

    fn inline_type(&mut self, schema: &Schema, hint: &str, at: &str) -> TypeRef {
        if let Some(part) = single_all_of(schema) {
            return self.schema_type(part, hint, &format!("{at}/allOf/0"));
        }
        if is_named_kind(schema) {
            let name = self.type_names.claim(names::type_name(hint));
            self.define(&name, schema, at);
            return TypeRef::Named(name);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
                    TypeRef::DateTime
                }
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => TypeRef::Bytes,
                VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                _ => TypeRef::F64,
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Object(object)) => match &object.additional_properties {
                Some(additional) => self
                    .map_type(additional, hint, at)
                    .unwrap_or(TypeRef::Map(Box::new(TypeRef::Json))),
                None => TypeRef::Map(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.boxed_schema_type(
                        items,
                        &format!("{hint}Item"),
                        &format!("{at}/items"),
                    );
                    TypeRef::Array(Box::new(item))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Any(any) => {
                if let Some(additional) = &any.additional_properties {
                    return self.map_type(additional, hint, at).unwrap_or(TypeRef::Json);
                }
                if let Some(items) = &any.items {
                    let item = self.boxed_schema_type(
                        items,
                        &format!("{hint}Item"),
                        &format!("{at}/items"),
                    );
                    return TypeRef::Array(Box::new(item));
                }
                match any.typ.as_deref() {
                    Some("string") => TypeRef::String,
                    Some("integer") => TypeRef::I64,
                    Some("number") => TypeRef::F64,
                    Some("boolean") => TypeRef::Bool,
                    _ => TypeRef::Json,
                }
            }
            // `not` only forbids shapes; a client reads and writes whatever remains as JSON.
            SchemaKind::Not { .. } => TypeRef::Json,
            // Named kinds were handled above.
            _ => TypeRef::Json,
        }
    }

    /// The map type for `additionalProperties`, or `None` when it is `false`.
    fn map_type(
        &mut self,
        additional: &AdditionalProperties,
        hint: &str,
        at: &str,
    ) -> Option<TypeRef> {
        match additional {
            AdditionalProperties::Any(true) => Some(TypeRef::Map(Box::new(TypeRef::Json))),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(schema) => {
                let value = self.schema_type(
                    schema,
                    &format!("{hint}Value"),
                    &format!("{at}/additionalProperties"),
                );
                Some(TypeRef::Map(Box::new(value)))
            }
        }
    }

    /// Lowers a named schema into `self.types[name]`.
    fn define(&mut self, name: &str, schema: &Schema, at: &str) {
        let doc = doc_text(&[
            schema.schema_data.title.as_ref(),
            schema.schema_data.description.as_ref(),
        ]);
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let mut variant_names = Namespace::default();
                let variants = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|wire| EnumVariant {
                        name: variant_names.claim(names::variant_name(wire)),
                        wire: wire.clone(),
                        doc: None,
                    })
                    .collect();
                TypeKind::StringEnum { variants }
            }
            SchemaKind::Type(Type::Object(object)) => {
                let fields = self.fields(name, &object.properties, &object.required, at);
                let additional = match &object.additional_properties {
                    Some(additional) => {
                        self.map_type(additional, name, at)
                            .and_then(|map| match map {
                                TypeRef::Map(value) => Some(*value),
                                _ => None,
                            })
                    }
                    None => None,
                };
                TypeKind::Struct { fields, additional }
            }
            SchemaKind::AllOf { all_of } => self.all_of(name, all_of, &[], at),
            SchemaKind::OneOf { one_of } => match self.enum_union(one_of) {
                Some(variants) => TypeKind::StringEnum { variants },
                None => self.union(name, one_of, schema, &format!("{at}/oneOf")),
            },
            SchemaKind::AnyOf { any_of } => {
                self.union(name, any_of, schema, &format!("{at}/anyOf"))
            }
            SchemaKind::Any(any) => {
                if !any.all_of.is_empty() {
                    let own = Self::own_properties(&any.properties, &any.required);
                    self.all_of(name, &any.all_of, &own, at)
                } else if !any.one_of.is_empty() {
                    self.union(name, &any.one_of, schema, &format!("{at}/oneOf"))
                } else if !any.any_of.is_empty() {
                    self.union(name, &any.any_of, schema, &format!("{at}/anyOf"))
                } else {
                    let fields = self.fields(name, &any.properties, &any.required, at);
                    TypeKind::Struct {
                        fields,
                        additional: None,
                    }
                }
            }
            _ => TypeKind::Alias {
                target: TypeRef::Json,
                constraints: Constraints::default(),
            },
        };
        self.types.insert(
            name.to_owned(),
            TypeDef {
                name: name.to_owned(),
                doc,
                deprecated: schema.schema_data.deprecated,
                kind,
                multipart: false,
            },
        );
    }

    fn own_properties(
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
    ) -> Vec<(String, ReferenceOr<Box<Schema>>, bool)> {
        properties
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), required.contains(k)))
            .collect()
    }

    fn fields(
        &mut self,
        parent: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &str,
    ) -> Vec<Field> {
        let list = Self::own_properties(properties, required);
        self.fields_from(parent, &list, at)
    }

    fn fields_from(
        &mut self,
        parent: &str,
        list: &[(String, ReferenceOr<Box<Schema>>, bool)],
        at: &str,
    ) -> Vec<Field> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, schema, required) in list {
            let field_at = format!("{at}/properties/{}", escape_token(wire));
            let hint = format!("{parent}{}", names::type_name(wire));
            let ty = self.boxed_schema_type(schema, &hint, &field_at);
            let resolved = self.resolve_boxed(schema);
            let field_schema = match schema {
                ReferenceOr::Item(item) => Some(&**item),
                ReferenceOr::Reference { .. } => None,
            };
            // Docs and flags of the property itself win over those of the schema it refers to.
            let data = |get: fn(&openapiv3::SchemaData) -> bool| {
                field_schema.is_some_and(|s| get(&s.schema_data))
                    || resolved.is_some_and(|s| get(&s.schema_data))
            };
            let doc = field_schema
                .and_then(|s| doc_text(&[s.schema_data.description.as_ref()]))
                .or_else(|| resolved.and_then(|s| doc_text(&[s.schema_data.description.as_ref()])));
            let constraints = resolved.map(|s| self.constraints(s)).unwrap_or_default();
            let default = resolved
                .and_then(|s| s.schema_data.default.as_ref())
                .map(|value| value.to_string());
            let (nullable, deprecated, read_only, write_only) = (
                data(|d| d.nullable),
                data(|d| d.deprecated),
                data(|d| d.read_only),
                data(|d| d.write_only),
            );
            fields.push(Field {
                name: field_names.claim(names::field_name(wire)),
                wire: wire.clone(),
                doc,
                ty,
                // A read-only or write-only property is absent in one direction.
                required: *required && !read_only && !write_only,
                nullable,
                deprecated,
                constraints,
                read_only,
                write_only,
                default,
                flatten: false,
            });
        }
        fields
    }

    /// `allOf`: every part's properties merged into one struct.
    fn all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        own: &[(String, ReferenceOr<Box<Schema>>, bool)],
        at: &str,
    ) -> TypeKind {
        let mut merged: Vec<(String, ReferenceOr<Box<Schema>>, bool)> = Vec::new();
        let mut flattened: Vec<(ReferenceOr<Schema>, String)> = Vec::new();
        self.collect_all_of(parts, at, &mut merged, &mut flattened, 0);
        merge_properties(&mut merged, own.iter().cloned());
        let mut fields = self.fields_from(name, &merged, at);
        // Union parts (`allOf: [Base, {oneOf: [...]}]`) are flattened next to the properties.
        let mut field_names = Namespace::default();
        for field in &fields {
            field_names.claim(field.name.clone());
        }
        for (index, (part, part_at)) in flattened.into_iter().enumerate() {
            let ty = self.schema_type(&part, &format!("{name}Part{index}"), &part_at);
            let base = match &ty {
                TypeRef::Named(type_name) => names::field_name(type_name),
                _ => "variant".to_owned(),
            };
            fields.push(Field {
                name: field_names.claim(base),
                wire: String::new(),
                doc: Some(
                    "The shapes this value may also take (an `allOf` part that is a union)."
                        .to_owned(),
                ),
                ty,
                required: true,
                nullable: false,
                deprecated: false,
                constraints: Constraints::default(),
                read_only: false,
                write_only: false,
                default: None,
                flatten: true,
            });
        }
        TypeKind::Struct {
            fields,
            additional: None,
        }
    }

    /// Adds the properties of every `allOf` part (following `$ref`s and nested `allOf`s).
    fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        at: &str,
        merged: &mut Vec<(String, ReferenceOr<Box<Schema>>, bool)>,
        flattened: &mut Vec<(ReferenceOr<Schema>, String)>,
        depth: usize,
    ) {
        if depth > 16 {
            self.error(
                at,
                "`allOf` nests more than 16 levels deep; is it circular?",
            );
            return;
        }
        for (index, part) in parts.iter().enumerate() {
            let part_at = format!("{at}/allOf/{index}");
            let Some(schema) = self.resolve(part) else {
                self.error(&part_at, "this `allOf` part does not resolve to a schema");
                continue;
            };
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => merge_properties(
                    merged,
                    Self::own_properties(&object.properties, &object.required),
                ),
                SchemaKind::AllOf { all_of } => {
                    self.collect_all_of(all_of, &part_at, merged, flattened, depth + 1)
                }
                SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                    flattened.push((part.clone(), part_at))
                }
                SchemaKind::Any(any) if any.properties.is_empty() && (!any.one_of.is_empty() || !any.any_of.is_empty()) => {
                    flattened.push((part.clone(), part_at))
                }
                SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                    if !any.all_of.is_empty() {
                        self.collect_all_of(&any.all_of, &part_at, merged, flattened, depth + 1);
                    }
                    merge_properties(merged, Self::own_properties(&any.properties, &any.required));
                    // `required` alone (no properties) tightens earlier parts.
                    for key in &any.required {
                        if let Some(existing) = merged.iter_mut().find(|(k, _, _)| k == key) {
                            existing.2 = true;
                        }
                    }
                }
                _ => self.error(
                    &part_at,
                    "an `allOf` part must be an object schema (or a $ref to one) to be merged into a struct",
                ),
            }
        }
    }

    /// A `oneOf` whose every part is a string enum (one value each, usually with its own
    /// description, as dropshot writes them) is one string enum.
    fn enum_union(&self, parts: &[ReferenceOr<Schema>]) -> Option<Vec<EnumVariant>> {
        let mut variant_names = Namespace::default();
        let mut variants = Vec::new();
        for part in parts {
            let schema = self.resolve(part)?;
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
                return None;
            };
            if string.enumeration.is_empty() {
                return None;
            }
            for wire in string.enumeration.iter().flatten() {
                variants.push(EnumVariant {
                    name: variant_names.claim(names::variant_name(wire)),
                    wire: wire.clone(),
                    doc: doc_text(&[schema.schema_data.description.as_ref()]),
                });
            }
        }
        Some(variants)
    }

    /// Marks a multipart body's type so that it can be written part by part; `false` (and an
    /// error) when it is not an object.
    fn mark_multipart(&mut self, ty: &TypeRef, at: &str) -> bool {
        match ty {
            TypeRef::Map(_) | TypeRef::Json => true,
            TypeRef::Named(name) => match self.types.get_mut(name) {
                Some(def) if matches!(def.kind, TypeKind::Struct { .. }) => {
                    def.multipart = true;
                    true
                }
                _ => {
                    self.error(
                        &format!("{at}/schema"),
                        "a multipart/form-data body must be an object schema (its properties are the parts)",
                    );
                    false
                }
            },
            _ => {
                self.error(
                    &format!("{at}/schema"),
                    "a multipart/form-data body must be an object schema (its properties are the parts)",
                );
                false
            }
        }
    }

    /// `oneOf` / `anyOf`.
    fn union(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        schema: &Schema,
        at: &str,
    ) -> TypeKind {
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variant_names = Namespace::default();
        let mut variants = Vec::new();
        let mut all_objects = true;
        for (index, part) in parts.iter().enumerate() {
            let part_at = format!("{at}/{index}");
            let (variant_base, tag_value) = match part {
                ReferenceOr::Reference { reference } => {
                    let key = ref_name(reference, "schemas").unwrap_or_default();
                    let tag = discriminator.map(|d| {
                        d.mapping
                            .iter()
                            // Mapping targets are `$ref`s or, as the spec allows, bare schema names.
                            .find(|(_, target)| *target == reference || **target == key)
                            .map(|(value, _)| value.clone())
                            .unwrap_or_else(|| key.clone())
                    });
                    (names::type_name(&key), tag)
                }
                ReferenceOr::Item(item) => {
                    // Untitled inline variants are named after their type once it is known.
                    let base = item.schema_data.title.as_deref().map(names::type_name);
                    (base.unwrap_or_default(), None)
                }
            };
            let hint = if variant_base.is_empty() {
                format!("{name}Variant{index}")
            } else {
                format!("{name}{variant_base}")
            };
            let ty = self.schema_type(part, &hint, &part_at);
            let variant_base = if variant_base.is_empty() {
                ty.word().to_owned()
            } else {
                variant_base
            };
            let is_object = self.resolve(part).is_some_and(|s| {
                matches!(s.schema_kind, SchemaKind::Type(Type::Object(_)))
                    || matches!(&s.schema_kind, SchemaKind::Any(a) if !a.properties.is_empty())
                    || matches!(s.schema_kind, SchemaKind::AllOf { .. })
            });
            all_objects &= is_object;
            variants.push(UnionVariant {
                name: variant_names.claim(variant_base),
                tag_value,
                ty,
            });
        }
        let tag = match discriminator {
            Some(d) if all_objects && variants.iter().all(|v| v.tag_value.is_some()) => {
                Some(d.property_name.clone())
            }
            _ => {
                for variant in &mut variants {
                    variant.tag_value = None;
                }
                None
            }
        };
        TypeKind::Union { variants, tag }
    }

    fn constraints(&self, schema: &Schema) -> Constraints {
        self.constraints_nested(schema, 0)
    }

    /// Constraints of a schema and, for arrays, of its items (a self-referencing array schema
    /// stops after a few levels).
    fn constraints_nested(&self, schema: &Schema, depth: usize) -> Constraints {
        let mut c = Constraints::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                c.min_length = s.min_length.map(|v| v as u64);
                c.max_length = s.max_length.map(|v| v as u64);
                c.pattern = s.pattern.clone();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                c.minimum = i.minimum.map(|v| Bound {
                    value: v as f64,
                    exclusive: i.exclusive_minimum,
                });
                c.maximum = i.maximum.map(|v| Bound {
                    value: v as f64,
                    exclusive: i.exclusive_maximum,
                });
                c.multiple_of = i.multiple_of.map(|v| v as f64);
            }
            SchemaKind::Type(Type::Number(n)) => {
                c.minimum = n.minimum.map(|v| Bound {
                    value: v,
                    exclusive: n.exclusive_minimum,
                });
                c.maximum = n.maximum.map(|v| Bound {
                    value: v,
                    exclusive: n.exclusive_maximum,
                });
                c.multiple_of = n.multiple_of;
            }
            SchemaKind::Type(Type::Array(a)) => {
                c.min_items = a.min_items.map(|v| v as u64);
                c.max_items = a.max_items.map(|v| v as u64);
                c.unique_items = a.unique_items;
                c.items = a
                    .items
                    .as_ref()
                    .filter(|_| depth < 4)
                    .and_then(|items| self.resolve_boxed(items))
                    .map(|items| self.constraints_nested(items, depth + 1))
                    .filter(|items| !items.is_empty())
                    .map(Box::new);
            }
            _ => {}
        }
        c
    }

    // ---- operations ------------------------------------------------------------------------

    fn operations(&mut self) -> Vec<Operation> {
        let mut method_names = Namespace::with_reserved(RESERVED_METHODS);
        let mut operations = Vec::new();
        for (path, item) in self.doc.paths.iter() {
            let item_at = pointer(["paths", path]);
            let ReferenceOr::Item(item) = item else {
                self.error(&item_at, "a `$ref` path item is not supported; inline it");
                continue;
            };
            for (method, operation) in item.iter() {
                let at = format!("{item_at}/{method}");
                if let Some(op) =
                    self.operation(path, method, item, operation, &at, &mut method_names)
                {
                    operations.push(op);
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &openapiv3::PathItem,
        operation: &openapiv3::Operation,
        at: &str,
        method_names: &mut Namespace,
    ) -> Option<Operation> {
        let id = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method}{}", path.replace(['{', '}'], "")));
        let method_name = method_names.claim(names::field_name(&id));
        let base = names::type_name(&id);
        let request_type = self.type_names.claim(format!("{base}Request"));

        // Path-item parameters first, then the operation's, which override by (name, in).
        let mut params: Vec<Param> = Vec::new();
        let mut param_names = Namespace::with_reserved(&["body", "new", "validate"]);
        let sources = item
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, pointer(["paths", path, "parameters"]) + &format!("/{i}")))
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{at}/parameters/{i}"))),
            )
            .collect::<Vec<_>>();
        for (parameter, param_at) in sources {
            if let Some(param) = self.parameter(parameter, &base, &param_at, &mut param_names) {
                if let Some(existing) = params
                    .iter_mut()
                    .find(|p| p.wire == param.wire && p.location == param.location)
                {
                    *existing = Param {
                        name: existing.name.clone(),
                        ..param
                    };
                } else {
                    params.push(param);
                }
            }
        }

        let body = match &operation.request_body {
            Some(body) => self.request_body(body, &base, &format!("{at}/requestBody")),
            None => None,
        };
        let responses = self.responses(operation, &base, &format!("{at}/responses"));
        let response_type = format!("{base}Response");
        let response_type = if needs_response_enum(&responses) {
            self.type_names.claim(response_type)
        } else {
            response_type
        };
        let headers_type = responses
            .iter()
            .any(|r| !r.headers.is_empty())
            .then(|| self.type_names.claim(format!("{base}ResponseHeaders")));

        let http_method = method.to_ascii_uppercase();
        let idempotent = matches!(
            http_method.as_str(),
            "GET" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE"
        ) || ext_bool(&operation.extensions, "x-idempotent");

        let pagination =
            self.pagination(operation, &params, &responses, at)
                .map(|mut pagination| {
                    pagination.stream_method = method_names.claim(format!("{method_name}_stream"));
                    pagination
                });

        Some(Operation {
            id,
            method_name,
            request_type,
            response_type,
            headers_type,
            http_method,
            path: path.to_owned(),
            path_parts: split_path(path),
            doc: doc_text(&[operation.summary.as_ref(), operation.description.as_ref()]),
            deprecated: operation.deprecated,
            params,
            body,
            responses,
            idempotent,
            pagination,
        })
    }

    fn parameter(
        &mut self,
        parameter: &ReferenceOr<Parameter>,
        op_base: &str,
        at: &str,
        param_names: &mut Namespace,
    ) -> Option<Param> {
        let (parameter, at) = match parameter {
            ReferenceOr::Item(p) => (p, at.to_owned()),
            ReferenceOr::Reference { reference } => {
                let key = ref_name(reference, "parameters");
                let found = key.as_ref().and_then(|key| {
                    self.doc
                        .components
                        .as_ref()
                        .and_then(|c| c.parameters.get(key))
                });
                match (found, key) {
                    (Some(ReferenceOr::Item(p)), Some(key)) => {
                        (p, pointer(["components", "parameters", &key]))
                    }
                    _ => {
                        self.error(
                            at,
                            format!("`$ref: {reference}` does not resolve to a parameter"),
                        );
                        return None;
                    }
                }
            }
        };
        let data = parameter.parameter_data_ref();
        if ext_bool(&data.extensions, "x-auth-header") {
            return None;
        }
        let (location, explode) = match parameter {
            Parameter::Path { .. } => (ParamLocation::Path, false),
            Parameter::Query { .. } => (ParamLocation::Query, data.explode.unwrap_or(true)),
            Parameter::Header { .. } => (ParamLocation::Header, false),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, false),
        };
        if location == ParamLocation::Header
            && (data.name.eq_ignore_ascii_case("accept")
                || data.name.eq_ignore_ascii_case("content-type"))
        {
            return None;
        }
        let deep_object = match parameter {
            Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => false,
                openapiv3::QueryStyle::DeepObject => true,
                other => {
                    self.error(
                        &at,
                        format!(
                            "query parameter style `{}` is not supported; use `form` or `deepObject`",
                            match other {
                                openapiv3::QueryStyle::SpaceDelimited => "spaceDelimited",
                                _ => "pipeDelimited",
                            }
                        ),
                    );
                    return None;
                }
            },
            _ => false,
        };
        let hint = format!("{op_base}{}", names::type_name(&data.name));
        let (ty, constraints) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let ty = self.schema_type(schema, &hint, &format!("{at}/schema"));
                let constraints = self
                    .resolve(schema)
                    .map(|s| self.constraints(s))
                    .unwrap_or_default();
                (ty, constraints)
            }
            ParameterSchemaOrContent::Content(_) => (TypeRef::String, Constraints::default()),
        };
        let ty = match self.parameter_type(ty) {
            // Raw bytes in a parameter can only be text.
            TypeRef::Bytes => TypeRef::String,
            other => other,
        };
        // Objects go only in the query (`form` or `deepObject`), where serde writes them.
        if !self.is_parameter_type(&ty) && location != ParamLocation::Query {
            self.error(
                &format!("{at}/schema"),
                format!(
                    "parameter `{}` has an object or free-form type; in {} parameters only strings, numbers, booleans, string enums and arrays of them are supported",
                    data.name,
                    match location {
                        ParamLocation::Path => "path",
                        ParamLocation::Header => "header",
                        _ => "cookie",
                    }
                ),
            );
            return None;
        }
        let simple = self.is_parameter_type(&ty);
        Some(Param {
            name: param_names.claim(names::field_name(&data.name)),
            wire: data.name.clone(),
            location,
            doc: doc_text(&[data.description.as_ref()]),
            ty,
            required: data.required,
            deprecated: data.deprecated.unwrap_or(false),
            constraints,
            from_client: ext_bool(&data.extensions, "x-client-parameter"),
            explode,
            deep_object,
            simple,
        })
    }

    /// A union of simple types in a parameter (`oneOf: [string, array of string]`) is sent as its
    /// widest variant: an array if there is one, else the first simple type.
    fn parameter_type(&self, ty: TypeRef) -> TypeRef {
        let TypeRef::Named(name) = &ty else {
            return ty;
        };
        let Some(TypeKind::Union { variants, .. }) = self.types.get(name).map(|t| &t.kind) else {
            return ty;
        };
        let simple: Vec<&TypeRef> = variants
            .iter()
            .map(|v| &v.ty)
            .filter(|t| self.is_parameter_type(t))
            .collect();
        simple
            .iter()
            .find(|t| matches!(t, TypeRef::Array(_)))
            .or(simple.first())
            .map(|t| (*t).clone())
            .unwrap_or(ty)
    }

    /// Whether a value of this type can be written as a path, query or header value.
    fn is_parameter_type(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Bool
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid => true,
            TypeRef::Named(name) => matches!(
                self.types.get(name).map(|t| &t.kind),
                Some(TypeKind::StringEnum { .. })
            ),
            TypeRef::Array(inner) => {
                !matches!(**inner, TypeRef::Array(_)) && self.is_parameter_type(inner)
            }
            _ => false,
        }
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        op_base: &str,
        at: &str,
    ) -> Option<Body> {
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b, at.to_owned()),
            ReferenceOr::Reference { reference } => {
                let key = ref_name(reference, "requestBodies");
                let found = key.as_ref().and_then(|key| {
                    self.doc
                        .components
                        .as_ref()
                        .and_then(|c| c.request_bodies.get(key))
                });
                match (found, key) {
                    (Some(ReferenceOr::Item(b)), Some(key)) => {
                        (b, pointer(["components", "requestBodies", &key]))
                    }
                    _ => {
                        self.error(
                            at,
                            format!("`$ref: {reference}` does not resolve to a request body"),
                        );
                        return None;
                    }
                }
            }
        };
        let mut media = Vec::new();
        let mut variant_names = Namespace::default();
        for (content_type, media_type) in &body.content {
            let encoding = classify_media(content_type);
            let media_at = format!("{at}/content/{}", escape_token(content_type));
            let ty = match (encoding, &media_type.schema) {
                (BodyEncoding::Bytes, _) => TypeRef::Bytes,
                (BodyEncoding::Text, _) => TypeRef::String,
                (_, Some(schema)) => self.schema_type(
                    schema,
                    &format!("{op_base}Body"),
                    &format!("{media_at}/schema"),
                ),
                (_, None) => TypeRef::Json,
            };
            if encoding == BodyEncoding::Multipart && !self.mark_multipart(&ty, &media_at) {
                continue;
            }
            media.push(BodyMedia {
                variant: variant_names.claim(encoding_variant(encoding).to_owned()),
                content_type: content_type.clone(),
                encoding,
                ty,
            });
        }
        if media.is_empty() {
            // `content: {}` describes no body at all.
            return None;
        }
        let choice_type = if media.len() > 1 {
            self.type_names.claim(format!("{op_base}Body"))
        } else {
            String::new()
        };
        Some(Body {
            media,
            choice_type,
            required: body.required,
            doc: doc_text(&[body.description.as_ref()]),
        })
    }

    fn responses(
        &mut self,
        operation: &openapiv3::Operation,
        op_base: &str,
        at: &str,
    ) -> Vec<ResponseCase> {
        let mut success: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, String)> = Vec::new();
        for (status, response) in &operation.responses.responses {
            let (matcher, key) = match status {
                openapiv3::StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
                openapiv3::StatusCode::Range(range) => {
                    (StatusMatch::Range(*range), format!("{range}XX"))
                }
            };
            let is_success = match matcher {
                StatusMatch::Code(code) => (200..300).contains(&code),
                StatusMatch::Range(range) => range == 2,
                StatusMatch::Default => false,
            };
            if is_success {
                success.push((matcher, response, format!("{at}/{key}")));
            }
        }
        if success.is_empty()
            && let Some(default) = &operation.responses.default
        {
            success.push((StatusMatch::Default, default, format!("{at}/default")));
        }
        let several = success.len() > 1;
        let mut variant_names = Namespace::default();
        let mut cases = Vec::new();
        for (status, response, response_at) in success {
            let (response, response_at) = match response {
                ReferenceOr::Item(r) => (r, response_at),
                ReferenceOr::Reference { reference } => {
                    let key = ref_name(reference, "responses");
                    let found = key.as_ref().and_then(|key| {
                        self.doc
                            .components
                            .as_ref()
                            .and_then(|c| c.responses.get(key))
                    });
                    match (found, key) {
                        (Some(ReferenceOr::Item(r)), Some(key)) => {
                            (r, pointer(["components", "responses", &key]))
                        }
                        _ => {
                            self.error(
                                &response_at,
                                format!("`$ref: {reference}` does not resolve to a response"),
                            );
                            continue;
                        }
                    }
                }
            };
            let variant = variant_names.claim(status_variant(status));
            let hint = if several {
                format!("{op_base}{variant}Body")
            } else {
                format!("{op_base}ResponseBody")
            };
            let body = pick_media(&response.content).map(|(content_type, encoding, media)| {
                let ty = match (encoding, &media.schema) {
                    (BodyEncoding::Bytes, _) => TypeRef::Bytes,
                    (BodyEncoding::Text, _) => TypeRef::String,
                    (_, Some(schema)) => self.schema_type(
                        schema,
                        &hint,
                        &format!(
                            "{response_at}/content/{}/schema",
                            escape_token(content_type)
                        ),
                    ),
                    (_, None) => TypeRef::Json,
                };
                (encoding, ty)
            });
            let headers = self.response_headers(response, &response_at);
            cases.push(ResponseCase {
                status,
                variant,
                doc: doc_text(&[Some(&response.description)]),
                body,
                headers,
            });
        }
        cases.sort_by_key(|case| case.status);
        cases
    }

    /// The headers a response declares, `$ref`s to `components.headers` resolved; scalars keep
    /// their type, anything else is read as text.
    fn response_headers(
        &mut self,
        response: &openapiv3::Response,
        at: &str,
    ) -> Vec<ResponseHeader> {
        let mut names = Namespace::default();
        let mut headers = Vec::new();
        for (wire, header) in &response.headers {
            let header_at = format!("{at}/headers/{}", escape_token(wire));
            let header = match header {
                ReferenceOr::Item(header) => header,
                ReferenceOr::Reference { reference } => {
                    let found = ref_name(reference, "headers").and_then(|key| {
                        self.doc
                            .components
                            .as_ref()
                            .and_then(|c| c.headers.get(&key))
                    });
                    match found {
                        Some(ReferenceOr::Item(header)) => header,
                        _ => {
                            self.error(
                                &header_at,
                                format!("`$ref: {reference}` does not resolve to a header"),
                            );
                            continue;
                        }
                    }
                }
            };
            if wire.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => match self.resolve(schema) {
                    Some(schema) => match &schema.schema_kind {
                        SchemaKind::Type(Type::Integer(i)) => match i.format {
                            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                            _ => TypeRef::I64,
                        },
                        SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
                        SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
                        _ => TypeRef::String,
                    },
                    None => TypeRef::String,
                },
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            headers.push(ResponseHeader {
                name: names.claim(names::field_name(wire)),
                wire: wire.clone(),
                doc: doc_text(&[header.description.as_ref()]),
                ty,
            });
        }
        headers
    }

    fn pagination(
        &mut self,
        operation: &openapiv3::Operation,
        params: &[Param],
        responses: &[ResponseCase],
        at: &str,
    ) -> Option<Pagination> {
        let spec = operation.extensions.get("x-pagination")?;
        let at = format!("{at}/x-pagination");
        let field = |key: &str| spec.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let (Some(offset), Some(limit), Some(count), Some(items)) = (
            field("offset"),
            field("limit"),
            field("count"),
            field("items"),
        ) else {
            self.error(
                &at,
                "`x-pagination` needs string fields `offset`, `limit`, `count` and `items`",
            );
            return None;
        };
        let param = |wire: &str| {
            params
                .iter()
                .find(|p| p.wire == wire && p.location == ParamLocation::Query)
        };
        let (Some(offset_param), Some(_)) = (param(&offset), param(&limit)) else {
            self.error(
                &at,
                format!(
                    "`x-pagination` names query parameters `{offset}` and `{limit}`, which the operation does not have"
                ),
            );
            return None;
        };
        if !matches!(offset_param.ty, TypeRef::I32 | TypeRef::I64) {
            self.error(
                &at,
                format!("`x-pagination`: the offset parameter `{offset}` must be an integer"),
            );
            return None;
        }
        let (offset_name, offset_type) = (offset_param.name.clone(), offset_param.ty.clone());
        let body_type = match responses {
            [
                ResponseCase {
                    body: Some((BodyEncoding::Json, TypeRef::Named(name))),
                    ..
                },
            ] => name.clone(),
            _ => {
                self.error(&at, "`x-pagination` needs exactly one success response with a named JSON object body");
                return None;
            }
        };
        let fields = match self.types.get(&body_type).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.clone(),
            _ => {
                self.error(
                    &at,
                    format!("`x-pagination`: the response body `{body_type}` is not an object"),
                );
                return None;
            }
        };
        let count_field = fields.iter().find(|f| f.wire == count);
        let items_field = fields.iter().find(|f| f.wire == items);
        match (count_field, items_field) {
            (
                Some(count_field),
                Some(Field {
                    ty: TypeRef::Array(item),
                    name,
                    required,
                    nullable,
                    ..
                }),
            ) if matches!(count_field.ty, TypeRef::I32 | TypeRef::I64) => Some(Pagination {
                stream_method: String::new(),
                offset_param: offset_name,
                offset_type,
                count_field: count_field.name.clone(),
                count_required: count_field.required && !count_field.nullable,
                items_field: name.clone(),
                items_required: *required && !*nullable,
                item_type: (**item).clone(),
            }),
            _ => {
                self.error(&at, format!("`x-pagination`: the response needs an integer field `{count}` and an array field `{items}`"));
                None
            }
        }
    }

    // ---- service ---------------------------------------------------------------------------

    fn service(&mut self) -> Service {
        let doc = self.doc;
        let (server_url, server_variables) = match doc.servers.first() {
            Some(server) => (
                server.url.clone(),
                server
                    .variables
                    .iter()
                    .flatten()
                    .map(|(name, variable)| ServerVariable {
                        name: name.clone(),
                        default: variable.default.clone(),
                        allowed: variable.enumeration.clone(),
                    })
                    .collect(),
            ),
            None => (String::new(), Vec::new()),
        };
        let mut auth_schemes = Vec::new();
        if let Some(components) = &doc.components {
            for (key, scheme) in &components.security_schemes {
                let at = pointer(["components", "securitySchemes", key]);
                let ReferenceOr::Item(scheme) = scheme else {
                    continue;
                };
                match scheme {
                    SecurityScheme::APIKey { extensions, .. }
                        if ext_str(extensions, "x-signer") == Some("sdk-hmac-sha256") =>
                    {
                        auth_schemes.push(AuthScheme::SdkHmacSha256)
                    }
                    SecurityScheme::APIKey { location, name, .. } => match location {
                        openapiv3::APIKeyLocation::Header => {
                            auth_schemes.push(AuthScheme::ApiKeyHeader(name.clone()))
                        }
                        openapiv3::APIKeyLocation::Query => {
                            auth_schemes.push(AuthScheme::ApiKeyQuery(name.clone()))
                        }
                        openapiv3::APIKeyLocation::Cookie => self.error(
                            &at,
                            "API keys in cookies are not supported; the scheme is ignored",
                        ),
                    },
                    SecurityScheme::HTTP { scheme, .. }
                        if scheme.eq_ignore_ascii_case("bearer") =>
                    {
                        auth_schemes.push(AuthScheme::Bearer)
                    }
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                        auth_schemes.push(AuthScheme::Basic)
                    }
                    // OAuth2, OpenID Connect and other HTTP schemes yield a bearer token in the end.
                    SecurityScheme::HTTP { .. }
                    | SecurityScheme::OAuth2 { .. }
                    | SecurityScheme::OpenIDConnect { .. } => {
                        if !auth_schemes.contains(&AuthScheme::Bearer) {
                            auth_schemes.push(AuthScheme::Bearer)
                        }
                    }
                }
            }
        }
        Service {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            server_url,
            server_variables,
            region_env_prefix: ext_str(&doc.extensions, "x-region-env-prefix").map(str::to_owned),
            request_id_header: ext_str(&doc.extensions, "x-request-id-header")
                .unwrap_or("X-Request-Id")
                .to_owned(),
            environment: environment(doc),
            auth_schemes,
        }
    }
}

/// The `x-environment` root extension (validation has checked its shape), or variables named
/// after the title without it: `SWAGGER_PETSTORE_ENDPOINT`, `SWAGGER_PETSTORE_TOKEN`.
fn environment(doc: &OpenAPI) -> Environment {
    let Some(value) = doc.extensions.get("x-environment") else {
        let prefix = heck::ToShoutySnakeCase::to_shouty_snake_case(
            names::type_name(&doc.info.title).as_str(),
        );
        return Environment {
            endpoint: vec![format!("{prefix}_ENDPOINT")],
            token: vec![format!("{prefix}_TOKEN")],
            ..Environment::default()
        };
    };
    let list = |value: Option<&serde_json::Value>| -> Vec<String> {
        match value {
            Some(serde_json::Value::String(name)) => vec![name.clone()],
            Some(serde_json::Value::Array(names)) => names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let client_parameters = value
        .get("client_parameters")
        .and_then(|v| v.as_object())
        .map(|map| {
            map.iter()
                .map(|(name, variables)| (name.clone(), list(Some(variables))))
                .collect()
        })
        .unwrap_or_default();
    let ak_sk = value
        .get("ak_sk")
        .and_then(|v| v.as_array())
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let text =
                        |key: &str| pair.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                    Some((text("ak")?, text("sk")?, text("security_token")))
                })
                .collect()
        })
        .unwrap_or_default();
    Environment {
        region: list(value.get("region")),
        endpoint: list(value.get("endpoint")),
        client_parameters,
        ak_sk,
        token: list(value.get("token")),
    }
}

/// Adds properties, keeping the first schema of a repeated name and or-ing `required`.
fn merge_properties(
    merged: &mut Vec<(String, ReferenceOr<Box<Schema>>, bool)>,
    more: impl IntoIterator<Item = (String, ReferenceOr<Box<Schema>>, bool)>,
) {
    for (key, schema, required) in more {
        if let Some(existing) = merged.iter_mut().find(|(k, _, _)| *k == key) {
            existing.2 |= required;
        } else {
            merged.push((key, schema, required));
        }
    }
}

/// Whether success responses differ in body, so the operation needs a response enum.
pub fn needs_response_enum(responses: &[ResponseCase]) -> bool {
    let mut bodies = responses.iter().map(|r| &r.body);
    match bodies.next() {
        Some(first) => bodies.any(|b| b != first),
        None => false,
    }
}

fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok".to_owned(),
            201 => "Created".to_owned(),
            202 => "Accepted".to_owned(),
            203 => "NonAuthoritativeInformation".to_owned(),
            204 => "NoContent".to_owned(),
            205 => "ResetContent".to_owned(),
            206 => "PartialContent".to_owned(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(range) => format!("Status{range}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

/// How a media type is read or written.
fn classify_media(media_type: &str) -> BodyEncoding {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        // XML, images, PDFs, octet-stream…: raw bytes the caller provides or receives.
        BodyEncoding::Bytes
    }
}

fn encoding_variant(encoding: BodyEncoding) -> &'static str {
    match encoding {
        BodyEncoding::Json => "Json",
        BodyEncoding::Form => "Form",
        BodyEncoding::Multipart => "Multipart",
        BodyEncoding::Bytes => "Bytes",
        BodyEncoding::Text => "Text",
    }
}

/// Picks the media type a response is read as: JSON first, then text, then raw bytes.
fn pick_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, BodyEncoding, &openapiv3::MediaType)> {
    let read_as = |encoding| match encoding {
        // A form or multipart answer is rare; its bytes are kept.
        BodyEncoding::Form | BodyEncoding::Multipart => BodyEncoding::Bytes,
        other => other,
    };
    for wanted in [BodyEncoding::Json, BodyEncoding::Text, BodyEncoding::Bytes] {
        for (media_type, media) in content {
            if read_as(classify_media(media_type)) == wanted {
                return Some((media_type.as_str(), wanted, media));
            }
        }
    }
    None
}

/// Splits `/v1/{project_id}/x` into literal and parameter parts.
pub fn split_path(path: &str) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        parts.push(PathPart::Param(rest[open + 1..open + close].to_owned()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    parts
}

/// Wraps in `Box` every struct field through which a struct can contain itself without an
/// indirection (`Vec` and maps already are one).
fn box_recursive_fields(types: &mut [TypeDef]) {
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let targets = match &t.kind {
                TypeKind::Struct { fields, .. } => fields
                    .iter()
                    .filter_map(|f| match &f.ty {
                        TypeRef::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                TypeKind::Union { variants, .. } => variants
                    .iter()
                    .filter_map(|v| match &v.ty {
                        TypeRef::Named(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (t.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(current) = stack.pop() {
            if current == to {
                return true;
            }
            if seen.insert(current.clone())
                && let Some(next) = direct.get(&current)
            {
                stack.extend(next.iter().cloned());
            }
        }
        false
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        let slots: Vec<&mut TypeRef> = match &mut t.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            _ => Vec::new(),
        };
        for slot in slots {
            if let TypeRef::Named(target) = slot
                && reaches(target, &owner)
            {
                *slot = TypeRef::Boxed(Box::new(slot.clone()));
            }
        }
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
