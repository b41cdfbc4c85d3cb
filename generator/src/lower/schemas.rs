//! Lowering schemas: component and inline schemas become named types or inline type
//! references; `allOf`, unions, maps, constraints and recursion are resolved here.

use super::*;

/// A property of an object schema: its wire name, its schema, whether it is required, and the
/// pointer where it is written (in the `allOf` part or component it came from).
pub(super) type Property = (String, ReferenceOr<Box<Schema>>, bool, String);

const MULTIPART_NOT_OBJECT: &str = "a multipart/form-data body should be an object schema (its properties are the parts); the caller writes this body as raw bytes";

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
    let parts = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any)
            if !any.all_of.is_empty()
                && any.properties.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.additional_properties.is_none() =>
        {
            &any.all_of
        }
        _ => return None,
    };
    // `allOf: [{$ref: X}, {nullable: false}]` or `[{$ref: X}, {maxLength: 10}]`: parts that only
    // annotate or constrain do not change the shape, so the one part with a shape stands alone.
    let mut shaped = parts.iter().filter(|part| !is_annotation_only(part));
    match (shaped.next(), shaped.next()) {
        (Some(part), None) => Some(part),
        _ => None,
    }
}

/// A schema with no shape of its own: no type, properties, items or composition, only
/// annotations (description, nullable, …) or constraints.
fn is_annotation_only(part: &ReferenceOr<Schema>) -> bool {
    match part {
        ReferenceOr::Reference { .. } => false,
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::Any(any) => {
                any.typ.is_none()
                    && any.properties.is_empty()
                    && any.required.is_empty()
                    && any.items.is_none()
                    && any.additional_properties.is_none()
                    && any.enumeration.is_empty()
                    && any.all_of.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.not.is_none()
            }
            _ => false,
        },
    }
}

impl<'a> Lowering<'a> {
    pub(super) fn component_schemas(&mut self) {
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
                    let constraints = self.checkable(constraints, &at);
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
                            usage: Usage::default(),
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
                            usage: Usage::default(),
                        },
                    );
                }
            }
        }
    }

    /// The type a `$ref` to a schema stands for; a JSON value when it leads to none
    /// (validation has warned about it).
    pub(super) fn reference_type(&mut self, reference: &str, at: &str) -> TypeRef {
        let Some(key) = ref_name(reference, "schemas") else {
            return self.deep_reference_type(reference);
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
            return TypeRef::Json;
        };
        // An alias chain that loops back (validation reported the cycle).
        if !self.resolving.insert(key.clone()) {
            return TypeRef::Json;
        }
        let _ = at;
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

    /// The type of a `$ref` to a schema that is not a component (`#/paths/…/schema`), named after
    /// the pointer's last token; each such schema is lowered once.
    fn deep_reference_type(&mut self, reference: &str) -> TypeRef {
        let Some(key) = canonical_pointer(reference) else {
            return TypeRef::Json;
        };
        if let Some(ty) = self.deep_refs.get(&key) {
            return ty.clone();
        }
        let schema = crate::load::value_at(&self.spec.raw, reference)
            .and_then(|value| serde_json::from_value::<Schema>(value.clone()).ok());
        let Some(schema) = schema else {
            return TypeRef::Json;
        };
        let hint = crate::load::pointer_tokens(reference)
            .and_then(|tokens| tokens.last().cloned())
            .unwrap_or_default();
        if is_named_kind(&schema) {
            // Lowered in place: the type is registered under the pointer there.
            return self.inline_type(&schema, &names::type_name(&hint), &key);
        }
        // A placeholder first, so that a schema referring to itself ends here.
        self.deep_refs.insert(key.clone(), TypeRef::Json);
        let ty = self.inline_type(&schema, &names::type_name(&hint), &key);
        self.deep_refs.insert(key, ty.clone());
        ty
    }

    /// The type of a schema used in place; inline objects, enums and unions become named types
    /// called `hint`.
    pub(super) fn schema_type(
        &mut self,
        schema: &ReferenceOr<Schema>,
        hint: &str,
        at: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.reference_type(reference, at),
            ReferenceOr::Item(schema) => self.inline_type(schema, hint, at),
        }
    }

    pub(super) fn boxed_schema_type(
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

    pub(super) fn inline_type(&mut self, schema: &Schema, hint: &str, at: &str) -> TypeRef {
        if let Some(tuple) = self.tuple_type(schema, hint, at) {
            return tuple;
        }
        if let Some(part) = single_all_of(schema) {
            return self.schema_type(part, hint, &format!("{at}/allOf/0"));
        }
        if is_named_kind(schema) {
            // A schema that references elsewhere name by its pointer is one type, whichever
            // place lowers it first.
            let shared = self.deep_targets.contains(at);
            if shared && let Some(ty) = self.deep_refs.get(at) {
                return ty.clone();
            }
            let name = self.type_names.claim(names::type_name(hint));
            if shared {
                self.deep_refs
                    .insert(at.to_owned(), TypeRef::Named(name.clone()));
            }
            self.define(&name, schema, at);
            return TypeRef::Named(name);
        }
        match &schema.schema_kind {
            // `type: string, enum: [null]` (dropshot's "Null") admits only `null`.
            SchemaKind::Type(Type::String(string))
                if !string.enumeration.is_empty()
                    && string.enumeration.iter().all(Option::is_none) =>
            {
                TypeRef::Json
            }
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
                    TypeRef::Array(Box::new(or_null(
                        item,
                        self.resolve_boxed(items).is_some_and(may_be_null),
                    )))
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
                    return TypeRef::Array(Box::new(or_null(
                        item,
                        self.resolve_boxed(items).is_some_and(may_be_null),
                    )));
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

    /// An array with one schema per position (`x-prefix-items`, from JSON Schema's
    /// `prefixItems`) is a tuple, when nothing may follow those positions or what follows is
    /// not typed; `None` for any other schema.
    fn tuple_type(&mut self, schema: &Schema, hint: &str, at: &str) -> Option<TypeRef> {
        let prefix = schema.schema_data.extensions.get("x-prefix-items")?;
        let prefix_at = format!("{at}/x-prefix-items");
        let Ok(items) = serde_json::from_value::<Vec<ReferenceOr<Schema>>>(prefix.clone()) else {
            self.warn(
                &prefix_at,
                "`prefixItems` must be a list of schemas; the array's items are JSON values",
            );
            return Some(TypeRef::Array(Box::new(TypeRef::Json)));
        };
        let rest = match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
            SchemaKind::Any(any) => any.items.as_ref(),
            _ => None,
        };
        // Items after the tuple's positions: none (`items: false`), or not typed (`items: {}`).
        let untyped_rest = rest.is_none_or(|rest| match rest {
            ReferenceOr::Item(rest) => match &rest.schema_kind {
                SchemaKind::Any(any) => *any == openapiv3::AnySchema::default(),
                SchemaKind::Not { .. } => true,
                _ => false,
            },
            ReferenceOr::Reference { .. } => false,
        });
        if items.is_empty() || !untyped_rest {
            self.warn(
                &prefix_at,
                "an array with typed leading positions (`prefixItems`) and typed further items cannot be one Rust type; its items are JSON values",
            );
            return Some(TypeRef::Array(Box::new(TypeRef::Json)));
        }
        let positions = items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                self.schema_type(
                    item,
                    &format!("{hint}{index}"),
                    &format!("{prefix_at}/{index}"),
                )
            })
            .collect();
        Some(TypeRef::Tuple(positions))
    }

    /// The map type for `additionalProperties`, or `None` when it is `false`.
    pub(super) fn map_type(
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
                Some(TypeRef::Map(Box::new(or_null(
                    value,
                    self.resolve(schema).is_some_and(may_be_null),
                ))))
            }
        }
    }

    /// Lowers a named schema into `self.types[name]`.
    pub(super) fn define(&mut self, name: &str, schema: &Schema, at: &str) {
        let doc = doc_text(&[
            schema.schema_data.title.as_ref(),
            schema.schema_data.description.as_ref(),
        ]);
        let kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let mut variants: Vec<EnumVariant> = Vec::new();
                let mut variant_names = Namespace::default();
                for wire in string.enumeration.iter().flatten() {
                    // A value listed twice is one value.
                    if !variants.iter().any(|v| v.wire == *wire) {
                        variants.push(EnumVariant {
                            name: variant_names.claim(names::variant_name(wire)),
                            wire: wire.clone(),
                            doc: None,
                        });
                    }
                }
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
                    let own = Self::own_properties(&any.properties, &any.required, at);
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
                usage: Usage::default(),
            },
        );
    }

    /// The properties of the object schema at `at`.
    pub(super) fn own_properties(
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &str,
    ) -> Vec<Property> {
        properties
            .iter()
            .map(|(k, v)| {
                let property_at = format!("{at}/properties/{}", escape_token(k));
                (k.clone(), v.clone(), required.contains(k), property_at)
            })
            .collect()
    }

    pub(super) fn fields(
        &mut self,
        parent: &str,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &str,
    ) -> Vec<Field> {
        let list = Self::own_properties(properties, required, at);
        self.fields_from(parent, &list)
    }

    pub(super) fn fields_from(&mut self, parent: &str, list: &[Property]) -> Vec<Field> {
        let mut field_names = Namespace::default();
        let mut fields = Vec::new();
        for (wire, schema, required, field_at) in list {
            let field_at = field_at.as_str();
            let hint = format!("{parent}{}", names::type_name(wire));
            let ty = self.boxed_schema_type(schema, &hint, field_at);
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
            let constraints = self.checkable(constraints, field_at);
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
    pub(super) fn all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        own: &[Property],
        at: &str,
    ) -> TypeKind {
        if own.is_empty()
            && let Some((index, part)) = self.primitive_all_of(parts)
        {
            // `allOf: [{type: string}, {type: string, format: date}]`: one value of that type.
            let target = self.schema_type(part, name, &format!("{at}/allOf/{index}"));
            let constraints = self
                .resolve(part)
                .map(|schema| self.constraints(schema))
                .unwrap_or_default();
            let constraints = self.checkable(constraints, at);
            return TypeKind::Alias {
                target,
                constraints,
            };
        }
        let mut merged: Vec<Property> = Vec::new();
        let mut flattened: Vec<(ReferenceOr<Schema>, String)> = Vec::new();
        let mut incompatible = None;
        self.collect_all_of(parts, at, &mut merged, &mut flattened, &mut incompatible, 0);
        if let Some(part_at) = incompatible {
            self.warn(
                &part_at,
                "this `allOf` part is not an object, and the others do not share its type, so no value can be typed as all of them; the whole schema is a JSON value",
            );
            return TypeKind::Alias {
                target: TypeRef::Json,
                constraints: Constraints::default(),
            };
        }
        merge_properties(&mut merged, own.iter().cloned());
        let mut fields = self.fields_from(name, &merged);
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
    #[allow(
        clippy::too_many_arguments,
        reason = "one accumulator per outcome of the walk"
    )]
    pub(super) fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        at: &str,
        merged: &mut Vec<Property>,
        flattened: &mut Vec<(ReferenceOr<Schema>, String)>,
        incompatible: &mut Option<String>,
        depth: usize,
    ) {
        if depth > 16 {
            self.warn(
                at,
                "`allOf` nests more than 16 levels deep; is it circular? The deeper parts are left out",
            );
            return;
        }
        for (index, part) in parts.iter().enumerate() {
            let part_at = format!("{at}/allOf/{index}");
            // A part that does not resolve was reported by validation.
            let Some(schema) = self.resolve(part) else {
                continue;
            };
            // Where the part's own keywords are written: in place, or in the component it names.
            let schema_at = self.resolved_at(part).unwrap_or_else(|| part_at.clone());
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => merge_properties(
                    merged,
                    Self::own_properties(&object.properties, &object.required, &schema_at),
                ),
                SchemaKind::AllOf { all_of } => self.collect_all_of(
                    all_of,
                    &schema_at,
                    merged,
                    flattened,
                    incompatible,
                    depth + 1,
                ),
                SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                    flattened.push((part.clone(), part_at))
                }
                SchemaKind::Any(any)
                    if any.properties.is_empty()
                        && (!any.one_of.is_empty() || !any.any_of.is_empty()) =>
                {
                    flattened.push((part.clone(), part_at))
                }
                SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                    if !any.all_of.is_empty() {
                        self.collect_all_of(
                            &any.all_of,
                            &schema_at,
                            merged,
                            flattened,
                            incompatible,
                            depth + 1,
                        );
                    }
                    merge_properties(
                        merged,
                        Self::own_properties(&any.properties, &any.required, &schema_at),
                    );
                    // `required` alone (no properties) tightens earlier parts.
                    for key in &any.required {
                        if let Some(existing) = merged.iter_mut().find(|(k, ..)| k == key) {
                            existing.2 = true;
                        }
                    }
                }
                _ => *incompatible = Some(part_at),
            }
        }
    }

    /// The first part of an `allOf` whose parts (annotations aside) are all values of one
    /// primitive type (string, number, integer, boolean or array), with its index.
    fn primitive_all_of<'p>(
        &self,
        parts: &'p [ReferenceOr<Schema>],
    ) -> Option<(usize, &'p ReferenceOr<Schema>)> {
        let mut first: Option<(usize, &'p ReferenceOr<Schema>, std::mem::Discriminant<Type>)> =
            None;
        for (index, part) in parts.iter().enumerate() {
            if is_annotation_only(part) {
                continue;
            }
            let SchemaKind::Type(ty) = &self.resolve(part)?.schema_kind else {
                return None;
            };
            if matches!(ty, Type::Object(_)) {
                return None;
            }
            let kind = std::mem::discriminant(ty);
            match &first {
                None => first = Some((index, part, kind)),
                Some((_, _, seen)) if *seen == kind => {}
                Some(_) => return None,
            }
        }
        first.map(|(index, part, _)| (index, part))
    }

    /// A `oneOf` whose every part is a string enum (one value each, usually with its own
    /// description, as dropshot writes them) is one string enum.
    pub(super) fn enum_union(&self, parts: &[ReferenceOr<Schema>]) -> Option<Vec<EnumVariant>> {
        if parts.is_empty() {
            return None;
        }
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
                if variants.iter().any(|v: &EnumVariant| v.wire == *wire) {
                    continue;
                }
                variants.push(EnumVariant {
                    name: variant_names.claim(names::variant_name(wire)),
                    wire: wire.clone(),
                    doc: doc_text(&[schema.schema_data.description.as_ref()]),
                });
            }
        }
        Some(variants)
    }

    /// The type of a multipart body, marked so that it can be written part by part: the body's
    /// own type when it is an object; for a `oneOf`/`anyOf` of objects, one struct with the
    /// properties of every variant (with a warning); `None` (and a warning) when it has no
    /// parts to name.
    pub(super) fn multipart_type(&mut self, ty: TypeRef, at: &str) -> Option<TypeRef> {
        let schema_at = format!("{at}/schema");
        let name = match &ty {
            TypeRef::Map(_) | TypeRef::Json => return Some(ty),
            TypeRef::Named(name) => name.clone(),
            _ => {
                self.warn(&schema_at, MULTIPART_NOT_OBJECT);
                return None;
            }
        };
        let variants = match self.types.get_mut(&name) {
            Some(def) if matches!(def.kind, TypeKind::Struct { .. }) => {
                def.multipart = true;
                return Some(ty);
            }
            Some(TypeDef {
                kind: TypeKind::Union { variants, .. },
                ..
            }) => variants.clone(),
            _ => {
                self.warn(&schema_at, MULTIPART_NOT_OBJECT);
                return None;
            }
        };
        let Some(fields) = self.variant_parts(&variants) else {
            self.warn(&schema_at, MULTIPART_NOT_OBJECT);
            return None;
        };
        let parts_name = self.type_names.claim(format!("{name}Parts"));
        self.types.insert(
            parts_name.clone(),
            TypeDef {
                name: parts_name.clone(),
                doc: Some(format!(
                    "The parts of a multipart body that is one of several shapes (`{name}`): every \
                     shape's properties; set those of one."
                )),
                deprecated: false,
                kind: TypeKind::Struct {
                    fields,
                    additional: None,
                },
                multipart: true,
                usage: Usage::default(),
            },
        );
        self.warn(
            &schema_at,
            format!(
                "a multipart/form-data body that is one of several objects is sent as one struct, \
                 `{parts_name}`, with the properties of every variant (required only where every \
                 variant requires them); set those of one variant"
            ),
        );
        Some(TypeRef::Named(parts_name))
    }

    /// The properties of every variant of a union whose variants are all plain structs (no map,
    /// no flattened union), merged by wire name; `None` for any other union.
    fn variant_parts(&self, variants: &[UnionVariant]) -> Option<Vec<Field>> {
        let mut structs = Vec::new();
        for variant in variants {
            let TypeRef::Named(variant_name) = &variant.ty else {
                return None;
            };
            match &self.types.get(variant_name)?.kind {
                TypeKind::Struct {
                    fields,
                    additional: None,
                } if fields.iter().all(|field| !field.flatten) => structs.push(fields),
                _ => return None,
            }
        }
        let mut names = Namespace::default();
        let mut merged: Vec<Field> = Vec::new();
        for fields in &structs {
            for field in fields.iter() {
                if merged.iter().any(|seen| seen.wire == field.wire) {
                    continue;
                }
                let everywhere = structs
                    .iter()
                    .all(|other| other.iter().any(|f| f.wire == field.wire && f.required));
                merged.push(Field {
                    name: names.claim(field.name.clone()),
                    required: everywhere,
                    ..field.clone()
                });
            }
        }
        (!merged.is_empty()).then_some(merged)
    }

    /// `oneOf` / `anyOf`.
    pub(super) fn union(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        schema: &Schema,
        at: &str,
    ) -> TypeKind {
        if parts.is_empty() {
            // No value matches none of no parts; what the service sends is kept as it comes.
            self.warn(
                at,
                "a `oneOf`/`anyOf` without any schema admits no value; a JSON value is used here",
            );
            return TypeKind::Alias {
                target: TypeRef::Json,
                constraints: Constraints::default(),
            };
        }
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
                // A union is never a multipart body: a binary variant is text (see
                // `binary_in_json_as_text`), and named so.
                match ty {
                    TypeRef::Bytes => TypeRef::String.word(),
                    _ => ty.word(),
                }
                .to_owned()
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

    pub(super) fn constraints(&self, schema: &Schema) -> Constraints {
        self.constraints_nested(schema, 0)
    }

    /// `constraints` without the patterns the client cannot check (lookahead, backreferences:
    /// what `regex-lite` does not compile), each reported once, at the first place it is used.
    pub(super) fn checkable(&mut self, mut constraints: Constraints, at: &str) -> Constraints {
        if let Some(pattern) = &constraints.pattern
            && let Err(error) = regex_lite::Regex::new(pattern)
        {
            if self.bad_patterns.insert(pattern.clone()) {
                let error = error.to_string().replace('\n', " ");
                self.warn(
                    at,
                    format!(
                        "the pattern `{pattern}` cannot be checked by the client ({error}); values are sent without checking it"
                    ),
                );
            }
            constraints.pattern = None;
        }
        if let Some(items) = constraints.items.take() {
            let items = self.checkable(*items, &format!("{at}/items"));
            constraints.items = (!items.is_empty()).then(|| Box::new(items));
        }
        constraints
    }

    /// Constraints of a schema and, for arrays, of its items (a self-referencing array schema
    /// stops after a few levels).
    pub(super) fn constraints_nested(&self, schema: &Schema, depth: usize) -> Constraints {
        let mut c = Constraints::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                c.min_length = s.min_length.map(|v| v as u64);
                c.max_length = s.max_length.map(|v| v as u64);
                c.pattern = s.pattern.clone();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                c.minimum = i.minimum.map(|v| Bound {
                    value: Limit::Integer(v),
                    exclusive: i.exclusive_minimum,
                });
                c.maximum = i.maximum.map(|v| Bound {
                    value: Limit::Integer(v),
                    exclusive: i.exclusive_maximum,
                });
                // Normalizing dropped factors that are not positive.
                c.multiple_of = i.multiple_of.filter(|v| *v > 0).map(Limit::Integer);
            }
            SchemaKind::Type(Type::Number(n)) => {
                c.minimum = n.minimum.map(|v| Bound {
                    value: Limit::Float(v),
                    exclusive: n.exclusive_minimum,
                });
                c.maximum = n.maximum.map(|v| Bound {
                    value: Limit::Float(v),
                    exclusive: n.exclusive_maximum,
                });
                c.multiple_of = n.multiple_of.filter(|v| *v > 0.0).map(Limit::Float);
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
            // `allOf: [{$ref: X}, {maxLength: 10}]`: X's constraints, then the annotating parts'.
            SchemaKind::AllOf { all_of } | SchemaKind::Any(openapiv3::AnySchema { all_of, .. })
                if depth < 4 && single_all_of(schema).is_some() =>
            {
                if let Some(shaped) = single_all_of(schema).and_then(|part| self.resolve(part)) {
                    c = self.constraints_nested(shaped, depth + 1);
                }
                for part in all_of.iter().filter(|part| is_annotation_only(part)) {
                    if let ReferenceOr::Item(Schema {
                        schema_kind: SchemaKind::Any(any),
                        ..
                    }) = part
                    {
                        annotate(&mut c, any);
                    }
                }
            }
            SchemaKind::Any(any) => annotate(&mut c, any),
            _ => {}
        }
        c
    }
}

/// Constraints written on a schema without a `type` (as annotating `allOf` parts are); each
/// one given replaces what was there.
fn annotate(c: &mut Constraints, any: &openapiv3::AnySchema) {
    if let Some(v) = any.min_length {
        c.min_length = Some(v as u64);
    }
    if let Some(v) = any.max_length {
        c.max_length = Some(v as u64);
    }
    if let Some(pattern) = &any.pattern {
        c.pattern = Some(pattern.clone());
    }
    if let Some(value) = any.minimum {
        c.minimum = Some(Bound {
            value: limit_of(value),
            exclusive: any.exclusive_minimum.unwrap_or(false),
        });
    }
    if let Some(value) = any.maximum {
        c.maximum = Some(Bound {
            value: limit_of(value),
            exclusive: any.exclusive_maximum.unwrap_or(false),
        });
    }
    if let Some(v) = any.multiple_of.filter(|v| *v > 0.0) {
        c.multiple_of = Some(limit_of(v));
    }
    if let Some(v) = any.min_items {
        c.min_items = Some(v as u64);
    }
    if let Some(v) = any.max_items {
        c.max_items = Some(v as u64);
    }
    if any.unique_items == Some(true) {
        c.unique_items = true;
    }
}

/// A number read as a float, as an integer when it is one (and fits).
fn limit_of(value: f64) -> Limit {
    if value.fract() == 0.0 && (-9.0e18..=9.0e18).contains(&value) {
        // Integral and well within i64.
        Limit::Integer(value as i64)
    } else {
        Limit::Float(value)
    }
}

/// Adds properties, keeping the first schema of a repeated name and or-ing `required`.
fn merge_properties(merged: &mut Vec<Property>, more: impl IntoIterator<Item = Property>) {
    for (key, schema, required, at) in more {
        if let Some(existing) = merged.iter_mut().find(|(k, ..)| *k == key) {
            existing.2 |= required;
        } else {
            merged.push((key, schema, required, at));
        }
    }
}

/// Whether a schema says its value may be `null` (`nullable: true`, which 3.1's
/// `type: [T, "null"]` is normalized into).
pub(super) fn may_be_null(schema: &Schema) -> bool {
    schema.schema_data.nullable
}

/// `ty` with every `Option` inside it removed (parameters, whose text has no `null`).
pub(super) fn without_null(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(inner) => without_null(*inner),
        TypeRef::Array(inner) => TypeRef::Array(Box::new(without_null(*inner))),
        TypeRef::Map(inner) => TypeRef::Map(Box::new(without_null(*inner))),
        other => other,
    }
}

/// `ty`, or `Option<ty>` when the value may be `null` (a JSON value holds `null` itself).
pub(super) fn or_null(ty: TypeRef, nullable: bool) -> TypeRef {
    match ty {
        TypeRef::Json | TypeRef::Nullable(_) => ty,
        ty if nullable => TypeRef::Nullable(Box::new(ty)),
        ty => ty,
    }
}

/// Wraps in `Box` every struct field through which a struct can contain itself without an
/// indirection (`Vec` and maps already are one).
/// `format: binary` inside a JSON value (a property of an object no multipart body sends, a
/// union's variant) is text: JSON has no bytes, and `bytes::Bytes` would be written as an array
/// of numbers. Only the parts of a multipart body (file parts) and whole bodies of other media
/// types (octet-stream, images, aliases used as such) stay raw bytes.
pub(super) fn binary_in_json_as_text(types: &mut [TypeDef]) {
    fn text(ty: &mut TypeRef) {
        match ty {
            TypeRef::Bytes => *ty = TypeRef::String,
            TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Boxed(inner)
            | TypeRef::Nullable(inner) => text(inner),
            TypeRef::Tuple(items) => items.iter_mut().for_each(text),
            _ => {}
        }
    }
    for def in types.iter_mut().filter(|def| !def.multipart) {
        match &mut def.kind {
            TypeKind::Struct { fields, additional } => {
                fields.iter_mut().for_each(|field| text(&mut field.ty));
                additional.iter_mut().for_each(text);
            }
            TypeKind::Union { variants, .. } => {
                variants
                    .iter_mut()
                    .for_each(|variant| text(&mut variant.ty));
            }
            TypeKind::StringEnum { .. } | TypeKind::Alias { .. } => {}
        }
    }
}

pub(super) fn box_recursive_fields(types: &mut [TypeDef]) {
    /// The named types a value of `ty` holds without an indirection.
    fn direct_names(ty: &TypeRef, out: &mut Vec<String>) {
        match ty {
            TypeRef::Named(name) => out.push(name.clone()),
            TypeRef::Tuple(items) => {
                for item in items {
                    direct_names(item, out);
                }
            }
            _ => {}
        }
    }
    let direct: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|t| {
            let mut targets = Vec::new();
            match &t.kind {
                TypeKind::Struct { fields, .. } => {
                    for field in fields {
                        direct_names(&field.ty, &mut targets);
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for variant in variants {
                        direct_names(&variant.ty, &mut targets);
                    }
                }
                _ => {}
            }
            (t.name.clone(), targets)
        })
        .collect();
    let component = strongly_connected(&direct);
    // A field needs a box when what it holds can hold its owner again: the two are in one
    // strongly connected component of the "holds without indirection" graph.
    let reaches = |from: &str, to: &str| {
        from == to
            || matches!((component.get(from), component.get(to)), (Some(a), Some(b)) if a == b)
    };
    for t in types.iter_mut() {
        let owner = t.name.clone();
        let slots: Vec<&mut TypeRef> = match &mut t.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union { variants, .. } => variants.iter_mut().map(|v| &mut v.ty).collect(),
            _ => Vec::new(),
        };
        for slot in slots {
            let mut held = Vec::new();
            direct_names(slot, &mut held);
            if held.iter().any(|target| reaches(target, &owner)) {
                *slot = TypeRef::Boxed(Box::new(slot.clone()));
            }
        }
    }
}

/// The strongly connected component of every node of `graph` (Kosaraju's algorithm, iterative,
/// so a long chain of types cannot overflow the stack); nodes are numbered by component.
fn strongly_connected(graph: &BTreeMap<String, Vec<String>>) -> BTreeMap<&str, usize> {
    // First pass: nodes in order of finishing.
    let mut finished: Vec<&str> = Vec::with_capacity(graph.len());
    let mut visited: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        if !visited.insert(start) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        while let Some((node, next)) = stack.pop() {
            let edges = graph.get(node).map(Vec::as_slice).unwrap_or_default();
            match edges.get(next) {
                Some(target) => {
                    stack.push((node, next + 1));
                    if graph.contains_key(target) && visited.insert(target) {
                        stack.push((target, 0));
                    }
                }
                None => finished.push(node),
            }
        }
    }
    // Second pass, on the reversed graph, in reverse finishing order.
    let mut reversed: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, targets) in graph {
        for target in targets {
            if graph.contains_key(target) {
                reversed
                    .entry(target.as_str())
                    .or_default()
                    .push(from.as_str());
            }
        }
    }
    let mut component: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, start) in finished.iter().rev().enumerate() {
        if component.contains_key(start) {
            continue;
        }
        let mut stack = vec![*start];
        component.insert(start, index);
        while let Some(node) = stack.pop() {
            for source in reversed.get(node).map(Vec::as_slice).unwrap_or_default() {
                if !component.contains_key(source) {
                    component.insert(source, index);
                    stack.push(source);
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_mutually_recursive_types() {
        let graph: BTreeMap<String, Vec<String>> = [
            ("A", vec!["B"]),
            ("B", vec!["A", "C"]),
            ("C", vec!["D"]),
            ("D", vec![]),
            ("E", vec!["E"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
        .collect();
        let component = strongly_connected(&graph);
        assert_eq!(component["A"], component["B"]);
        assert_ne!(component["A"], component["C"]);
        assert_ne!(component["C"], component["D"]);
        assert_ne!(component["E"], component["D"]);
    }
}
