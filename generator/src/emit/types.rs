//! `types.rs`: one Rust type per named schema, with serde and, where the spec constrains
//! something inside it, a check of those constraints.

use super::{Code, Types, lit, type_text};
use crate::model::{
    Constraints, Field, Limit, Model, TagFeatures, TypeDef, TypeKind, TypeRef, UnionVariant,
};
use crate::names::Namespace;

/// Every named type, in name order.
pub fn emit(model: &Model, types: &Types<'_>) -> String {
    let mut code = Code::with_capacity(model.types.len().saturating_mul(1200));
    for (index, def) in model.types.iter().enumerate() {
        if index > 0 {
            code.blank();
        }
        let gate = model
            .features
            .as_ref()
            .and_then(|features| TagFeatures::cfg(features.types.get(&def.name)));
        let serde = Directions::of(def, model.features.is_some());
        match gate {
            None => type_def(&mut code, def, types, serde),
            Some(cfg) => {
                let mut items = Code::default();
                type_def(&mut items, def, types, serde);
                code.gated_lines_of(&items.into_text(), &cfg);
            }
        }
    }
    code.into_text()
}

/// Which serde traits a type implements unconditionally; the others only with the
/// [`TagFeatures::FULL_SERDE`] feature. A crate with features implements only the directions a
/// type travels (a response type is never serialized by the client, a request type never
/// deserialized), which is much of the code rustc checks; one without (plain `generate`)
/// implements both.
#[derive(Clone, Copy)]
struct Directions {
    serialize: bool,
    deserialize: bool,
}

impl Directions {
    fn of(def: &TypeDef, has_features: bool) -> Directions {
        let (serialize, deserialize) = def.usage.serde_directions(has_features);
        Directions {
            serialize,
            deserialize,
        }
    }

    /// The `#[derive(…)]` line with `base` and the unconditional serde derives among `wanted`,
    /// then a `#[cfg_attr(…)]` line deriving the others with the full-serde feature; then the
    /// container attribute `serde` (`#[serde(…)]`'s contents), inside that `cfg_attr` when no
    /// serde derive is unconditional (serde's attributes exist only where one of its derives is).
    fn derive(self, code: &mut Code, base: &str, wanted: &[&str], serde: Option<&str>) {
        let (always, gated): (Vec<&str>, Vec<&str>) =
            wanted.iter().partition(|name| match **name {
                "Serialize" => self.serialize,
                _ => self.deserialize,
            });
        let mut derives = vec![base.to_owned()];
        derives.extend(always.iter().map(|name| format!("::serde::{name}")));
        code.line(format_args!("#[derive({})]", derives.join(", ")));
        let serde_inside = always.is_empty().then_some(serde).flatten();
        if !gated.is_empty() {
            let gated: Vec<String> = gated
                .iter()
                .map(|name| format!("::serde::{name}"))
                .collect();
            let container = serde_inside
                .map(|attr| format!(", serde({attr})"))
                .unwrap_or_default();
            code.line(format_args!(
                "#[cfg_attr(feature = {:?}, derive({}){container})]",
                TagFeatures::FULL_SERDE,
                gated.join(", ")
            ));
        }
        if let (Some(attr), None) = (serde, serde_inside) {
            code.line(format_args!("#[serde({attr})]"));
        }
    }

    /// Puts the full-serde gate before a hand-written impl of one direction, unless the type
    /// always implements it.
    fn gate(code: &mut Code, always: bool) {
        if !always {
            code.line(format_args!(
                "#[cfg(feature = {:?})]",
                TagFeatures::FULL_SERDE
            ));
        }
    }
}

fn type_def(code: &mut Code, def: &TypeDef, types: &Types<'_>, serde: Directions) {
    // Every public item gets a doc, so a crate with `#![deny(missing_docs)]` keeps building
    // whatever the spec leaves undescribed.
    match &def.doc {
        Some(doc) => code.doc(doc),
        None => code.line(format_args!("/// The `{}` schema.", def.name)),
    };
    code.deprecated(def.deprecated);
    match &def.kind {
        TypeKind::Struct { fields, additional } => match &def.usage.same_as {
            None => struct_def(code, def, fields, additional.as_ref(), types, serde),
            Some(canonical) => struct_alias(code, def, canonical, types),
        },
        TypeKind::StringEnum { variants } => match &def.usage.same_as {
            None => string_enum(code, def, variants, serde),
            Some(canonical) => {
                code.line("///").line(format_args!(
                    "/// The same values as [`{canonical}`], whose code it shares."
                ));
                code.line(format_args!("pub type {} = {canonical};", def.name));
            }
        },
        TypeKind::Union { variants, tag } => {
            union_def(code, def, variants, tag.as_deref(), types, serde)
        }
        TypeKind::Alias { target, .. } => {
            code.line(format_args!(
                "pub type {} = {};",
                def.name,
                type_text(target, "")
            ));
        }
    }
}

/// A string enum: the known values, and one variant that keeps a value this version does not
/// know. Serde reads and writes it as the plain string (no derive: the derived code for an
/// enum with a catch-all variant is many times longer).
fn string_enum(
    code: &mut Code,
    def: &TypeDef,
    variants: &[crate::model::EnumVariant],
    serde: Directions,
) {
    let name = &def.name;
    let mut names = Namespace::default();
    for variant in variants {
        names.claim(variant.name.clone());
    }
    let fallback = names.claim("Unknown".to_owned());
    code.line("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {name} {{"));
    for variant in variants {
        match &variant.doc {
            Some(doc) => code.doc(&format!("`{}`: {doc}", variant.wire)),
            None => code.doc(&format!("`{}`", variant.wire)),
        };
        code.line(format_args!("{},", variant.name));
    }
    code.line("/// A value this version of the client does not know; kept as received.");
    code.line(format_args!("{fallback}(::std::string::String),"));
    code.close("}");
    code.blank();
    code.open(format_args!("impl {name} {{"));
    code.line("/// The value as sent on the wire.");
    code.open("pub fn as_str(&self) -> &str {")
        .open("match self {");
    for variant in variants {
        code.line(format_args!(
            "Self::{} => {},",
            variant.name,
            lit(&variant.wire)
        ));
    }
    code.line(format_args!("Self::{fallback}(value) => value.as_str(),"));
    code.close("}").close("}");
    code.blank();
    Directions::gate(code, serde.deserialize);
    code.open("fn from_wire(value: ::std::string::String) -> Self {")
        .open("match value.as_str() {");
    for variant in variants {
        code.line(format_args!(
            "{} => Self::{},",
            lit(&variant.wire),
            variant.name
        ));
    }
    code.line(format_args!("_ => Self::{fallback}(value),"));
    code.close("}").close("}");
    code.close("}");
    code.blank();
    code.open(format_args!("impl ::std::fmt::Display for {name} {{"))
        .open("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {")
        .line("f.write_str(self.as_str())")
        .close("}")
        .close("}");
    code.blank();
    Directions::gate(code, serde.serialize);
    code.open(format_args!("impl ::serde::Serialize for {name} {{"))
        .open("fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {")
        .line("serializer.serialize_str(self.as_str())")
        .close("}")
        .close("}");
    code.blank();
    Directions::gate(code, serde.deserialize);
    code.open(format_args!("impl<'de> ::serde::Deserialize<'de> for {name} {{"))
        .open("fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {")
        .line("<::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from_wire)")
        .close("}")
        .close("}");
    // Only an enum used as a parameter is written as parameter text.
    if def.usage.param {
        code.blank();
        code.open(format_args!(
            "impl crate::runtime::encode::ParamValue for {name} {{"
        ))
        .open("fn to_param(&self) -> ::std::string::String {")
        .line("self.as_str().to_owned()")
        .close("}")
        .close("}");
    }
}

fn struct_def(
    code: &mut Code,
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&TypeRef>,
    types: &Types<'_>,
    serde: Directions,
) {
    // A property may itself be called `additional_properties`.
    let map_name = additional.map(|_| {
        let mut taken = Namespace::default();
        for field in fields {
            taken.claim(field.name.clone());
        }
        taken.claim("additional_properties".to_owned())
    });
    // `Default` only where every field may be left out: a default must not invent a value for
    // something the spec requires (an empty `robot_id` would be sent as if it were one).
    let defaultable = fields
        .iter()
        .all(|f| !f.flatten && (!f.required || f.nullable));
    let base = if defaultable {
        "Debug, Clone, PartialEq, Default"
    } else {
        "Debug, Clone, PartialEq"
    };
    // A struct of named fields only reads through the runtime's macro (far less code for
    // rustc than serde's derive); a flattened field or a map of other properties keeps the
    // derive, which knows how to share the object's entries between them.
    let derived = additional.is_some() || fields.iter().any(|field| field.flatten);
    let attrs = if derived {
        serde.derive(code, base, &["Serialize", "Deserialize"], None);
        FieldAttrs::Derived
    } else {
        serde.derive(code, base, &["Serialize"], None);
        FieldAttrs::Serialize {
            gated: !serde.serialize,
        }
    };
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub struct {} {{", def.name));
    for field in fields {
        field_def(code, field, attrs);
    }
    if let (Some(value), Some(map)) = (additional, &map_name) {
        code.line("/// Properties not listed in the schema.");
        code.line("#[serde(flatten)]");
        code.line(format_args!(
            "pub {map}: ::std::collections::BTreeMap<::std::string::String, {}>,",
            type_text(value, "")
        ));
    }
    code.close("}");
    if !derived {
        code.blank();
        Directions::gate(code, serde.deserialize);
        deserialize_struct(code, &def.name, fields);
    }
    if def.usage.input {
        construct(code, def, fields, map_name.as_deref());
    }
    if def.usage.validated {
        struct_validate(code, &def.name, fields, types);
    }
    if def.multipart {
        multipart_impl(code, &def.name, fields, map_name.as_deref());
    }
}

/// A struct with the same fields as `canonical`: an alias of it, and of its struct of required
/// fields when it has one, so both names stay.
fn struct_alias(code: &mut Code, def: &TypeDef, canonical: &str, types: &Types<'_>) {
    code.line("///").line(format_args!(
        "/// The same fields as [`{canonical}`], whose code it shares."
    ));
    code.line(format_args!("pub type {} = {canonical};", def.name));
    let shared = types
        .get(canonical)
        .and_then(|shared| shared.usage.required_type.as_deref());
    if let (Some(required), Some(shared)) = (&def.usage.required_type, shared) {
        code.blank();
        code.line(format_args!(
            "/// The required fields of [`{}`], named: `{}::new({required} {{ … }})`.",
            def.name, def.name
        ));
        code.line(format_args!("pub type {required} = {shared};"));
    }
}

/// The serde attributes a struct's fields carry.
#[derive(Clone, Copy)]
enum FieldAttrs {
    /// For serde's derived `Serialize` and `Deserialize`.
    Derived,
    /// For the derived `Serialize` only (the runtime's macro reads the struct); `gated` when
    /// that derive is itself behind the full-serde feature, so the attributes must be too.
    Serialize { gated: bool },
}

impl FieldAttrs {
    /// The `#[serde(…)]` line with `attr` inside.
    fn line(self, code: &mut Code, attr: &str) {
        match self {
            FieldAttrs::Serialize { gated: true } => code.line(format_args!(
                "#[cfg_attr(feature = {:?}, serde({attr}))]",
                TagFeatures::FULL_SERDE
            )),
            _ => code.line(format_args!("#[serde({attr})]")),
        };
    }
}

/// One field of a struct, with its doc and serde attributes.
fn field_def(code: &mut Code, field: &Field, attrs: FieldAttrs) {
    let mut text = field.doc.clone().unwrap_or_default();
    let mut note = |line: &str| {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(line);
    };
    if field.read_only {
        note("Read-only: set by the server; leave it `None` in requests.");
    }
    if field.write_only {
        note("Write-only: sent in requests; the server does not return it.");
    }
    if let Some(default) = &field.default {
        note(&format!("Default: `{default}`."));
    }
    if three_state(field) {
        note("`None`: not sent; `Some(None)`: sent as `null`; `Some(Some(value))`: sent.");
    }
    if text.is_empty() {
        text = format!("`{}`.", field.wire);
    }
    code.doc(&text);
    let ty = type_text(&field.ty, "");
    if field.flatten {
        code.line("#[serde(flatten)]");
        code.line(format_args!("pub {}: {ty},", field.name));
        return;
    }
    code.deprecated(field.deprecated);
    if field.name != field.wire {
        attrs.line(code, &format!("rename = {}", lit(&field.wire)));
    }
    let derived = matches!(attrs, FieldAttrs::Derived);
    if field.required && !field.nullable {
        code.line(format_args!("pub {}: {ty},", field.name));
    } else if field.required {
        // Required but nullable: always sent, `null` when `None`.
        code.line(format_args!(
            "pub {}: ::std::option::Option<{ty}>,",
            field.name
        ));
    } else if three_state(field) {
        attrs.line(
            code,
            if derived {
                "default, skip_serializing_if = \"::std::option::Option::is_none\", with = \"crate::runtime::nullable\""
            } else {
                "skip_serializing_if = \"::std::option::Option::is_none\", serialize_with = \"crate::runtime::nullable::serialize\""
            },
        );
        code.line(format_args!(
            "pub {}: ::std::option::Option<::std::option::Option<{ty}>>,",
            field.name
        ));
    } else {
        attrs.line(
            code,
            if derived {
                "default, skip_serializing_if = \"::std::option::Option::is_none\""
            } else {
                "skip_serializing_if = \"::std::option::Option::is_none\""
            },
        );
        code.line(format_args!(
            "pub {}: ::std::option::Option<{ty}>,",
            field.name
        ));
    }
}

/// `Deserialize` for a struct of named fields, by the runtime's `deserialize_struct!`: each
/// field with its wire name and what a missing one means. A field's type is never an `Option`
/// of itself (the model keeps that in `required` and `nullable`), so these two decide.
fn deserialize_struct(code: &mut Code, name: &str, fields: &[Field]) {
    code.open("crate::runtime::deserialize::deserialize_struct! {")
        .open(format_args!("{name} {{"));
    for field in fields {
        let kind = if three_state(field) {
            "nullable"
        } else if !field.required || field.nullable {
            "optional"
        } else {
            "required"
        };
        code.line(format_args!(
            "{}: {kind} = {},",
            field.name,
            lit(&field.wire)
        ));
    }
    code.close("}").close("}");
}

/// `Validate` for a struct with something to check inside it.
fn struct_validate(code: &mut Code, type_name: &str, fields: &[Field], types: &Types<'_>) {
    code.blank();
    code.open(format_args!(
        "impl crate::runtime::validate::Validate for {type_name} {{"
    ))
    .open("fn validate_at(&self, at: &str) -> ::std::result::Result<(), crate::runtime::Error> {");
    for field in fields {
        field_checks(code, field, types);
    }
    code.line("::std::result::Result::Ok(())")
        .close("}")
        .close("}");
}

/// The fields a value of the struct cannot do without: the constructor takes them.
fn constructor_fields(fields: &[Field]) -> Vec<&Field> {
    fields
        .iter()
        .filter(|f| f.flatten || (f.required && !f.nullable))
        .collect()
}

/// How callers build a value of an input struct (it is `#[non_exhaustive]`, so a struct
/// literal would break at the next optional property the spec adds): `new` with the required
/// values (one argument for one value; for several, a struct of them, so they are named at the
/// call site), then one setter per optional field. A struct without required fields is
/// `Default`.
fn construct(code: &mut Code, def: &TypeDef, fields: &[Field], additional: Option<&str>) {
    let required = constructor_fields(fields);
    let is_required = |field: &Field| required.iter().any(|r| r.name == field.name);
    let optional_inits = |code: &mut Code| {
        for field in fields.iter().filter(|f| !is_required(f)) {
            code.line(format_args!("{}: ::std::option::Option::None,", field.name));
        }
        if let Some(map) = additional {
            code.line(format_args!("{map}: ::std::default::Default::default(),"));
        }
    };
    let mut new = Code::default();
    match (required.as_slice(), &def.usage.required_type) {
        ([], _) => {}
        ([only], _) => {
            let (arg, conv) = value_arg(&only.ty, "");
            new.line(
                "/// A value with the required field set; set the optional ones with the methods below.",
            );
            new.line("#[inline]");
            new.open(format_args!("pub fn new({}: {arg}) -> Self {{", only.name))
                .open("Self {");
            if conv.is_empty() {
                new.line(format_args!("{},", only.name));
            } else {
                new.line(format_args!("{0}: {0}{conv},", only.name));
            }
            optional_inits(&mut new);
            new.close("}").close("}");
        }
        (several, Some(required_type)) => {
            code.blank();
            code.line(format_args!(
                "/// The required fields of [`{0}`], named: `{0}::new({1} {{ … }})`.",
                def.name, required_type
            ));
            code.line("#[derive(Debug, Clone, PartialEq)]");
            code.open(format_args!("pub struct {required_type} {{"));
            for field in several {
                match &field.doc {
                    Some(doc) => code.doc(doc),
                    None if field.flatten => code.line("/// The shapes the value may also take."),
                    None => code.line(format_args!("/// `{}`.", field.wire)),
                };
                code.line(format_args!(
                    "pub {}: {},",
                    field.name,
                    type_text(&field.ty, "")
                ));
            }
            code.close("}");
            new.line(
                "/// A value with the required fields set; set the optional ones with the methods below.",
            );
            new.line("#[inline]");
            new.open(format_args!(
                "pub fn new(required: {required_type}) -> Self {{"
            ))
            .open("Self {");
            for field in several {
                new.line(format_args!("{0}: required.{0},", field.name));
            }
            optional_inits(&mut new);
            new.close("}").close("}");
        }
        // Lowering names the struct of required fields for every input struct that has
        // several; without one there is no constructor.
        (_, None) => {}
    }
    let new = new.into_text();
    let optional: Vec<&Field> = fields.iter().filter(|f| !is_required(f)).collect();
    if new.is_empty() && optional.is_empty() {
        return;
    }
    code.blank();
    code.open(format_args!("impl {} {{", def.name));
    code.lines_of(&new);
    for (index, field) in optional.iter().enumerate() {
        if index > 0 || !new.is_empty() {
            code.blank();
        }
        setter(code, field);
    }
    code.close("}");
}

/// A caller-facing argument for a value of `ty` and the conversion it needs: `impl Into<String>`
/// for strings.
pub(crate) fn value_arg(ty: &TypeRef, types_path: &str) -> (String, &'static str) {
    match ty {
        TypeRef::String => (
            "impl ::std::convert::Into<::std::string::String>".to_owned(),
            ".into()",
        ),
        other => (type_text(other, types_path), ""),
    }
}

/// The setter of an optional field: `name(value)` sets `Some(value)`; for an optional
/// nullable field, `name(None)` sends `null`.
fn setter(code: &mut Code, field: &Field) {
    // `new` is the constructor.
    let method = if field.name == "new" {
        "with_new"
    } else {
        field.name.as_str()
    };
    if three_state(field) || (field.required && field.nullable) {
        let set = if three_state(field) {
            "::std::option::Option::Some(value)"
        } else {
            "value"
        };
        code.line(format_args!(
            "/// Sets `{}` (`None` sends `null`).",
            field.wire
        ));
        code.deprecated(field.deprecated);
        code.line("#[inline]");
        code.open(format_args!(
            "pub fn {method}(mut self, value: ::std::option::Option<{}>) -> Self {{",
            type_text(&field.ty, "")
        ))
        .line(format_args!("self.{} = {set};", field.name))
        .line("self")
        .close("}");
        return;
    }
    let (arg, conv) = value_arg(&field.ty, "");
    code.line(format_args!("/// Sets `{}`.", field.wire));
    code.deprecated(field.deprecated);
    code.line("#[inline]");
    code.open(format_args!(
        "pub fn {method}(mut self, value: {arg}) -> Self {{"
    ))
    .line(format_args!(
        "self.{} = ::std::option::Option::Some(value{conv});",
        field.name
    ))
    .line("self")
    .close("}");
}

/// `MultipartBody` for a struct sent as `multipart/form-data`: one part per property, binary
/// properties as file parts, arrays as repeated parts.
fn multipart_impl(code: &mut Code, type_name: &str, fields: &[Field], additional: Option<&str>) {
    let part = |wire: &str, value: &str, ty: &TypeRef| match ty {
        TypeRef::Bytes => format!("crate::runtime::encode::Part::file({}, {value})", lit(wire)),
        _ => format!(
            "crate::runtime::encode::Part::value({}, {value})?",
            lit(wire)
        ),
    };
    let push = |code: &mut Code, wire: &str, value: &str, ty: &TypeRef| match ty {
        TypeRef::Array(inner) => {
            code.open(format_args!("for item in {value} {{"))
                .line(format_args!("parts.push({});", part(wire, "item", inner)))
                .close("}");
        }
        _ => {
            code.line(format_args!("parts.push({});", part(wire, value, ty)));
        }
    };
    code.blank();
    code.open(format_args!(
        "impl crate::runtime::encode::MultipartBody for {type_name} {{"
    ))
    .open("fn parts(&self) -> ::std::result::Result<::std::vec::Vec<crate::runtime::encode::Part>, crate::runtime::Error> {");
    let fields: Vec<&Field> = fields.iter().filter(|f| !f.flatten).collect();
    // The required single parts that come first make the vector (pushing them one by one
    // right after creating it is what clippy's `vec_init_then_push` refuses).
    let leading = fields
        .iter()
        .take_while(|f| f.required && !f.nullable && !matches!(f.ty, TypeRef::Array(_)))
        .count();
    let (first, rest) = fields.split_at(leading);
    let more = !rest.is_empty() || additional.is_some();
    let initial: Vec<String> = first
        .iter()
        .map(|f| part(&f.wire, &format!("&self.{}", f.name), &f.ty))
        .collect();
    let binding = if more { "let mut parts" } else { "let parts" };
    if initial.is_empty() {
        code.line(format_args!("{binding} = ::std::vec::Vec::new();"));
    } else {
        code.line(format_args!(
            "{binding} = ::std::vec![{}];",
            initial.join(", ")
        ));
    }
    for field in rest.iter().copied() {
        let value = format!("&self.{}", field.name);
        if field.required && !field.nullable {
            push(code, &field.wire, &value, &field.ty);
            continue;
        }
        let pattern = if three_state(field) {
            "::std::option::Option::Some(::std::option::Option::Some(value))"
        } else {
            "::std::option::Option::Some(value)"
        };
        code.open(format_args!("if let {pattern} = {value} {{"));
        push(code, &field.wire, "value", &field.ty);
        code.close("}");
    }
    if let Some(map) = additional {
        code.open(format_args!("for (key, value) in &self.{map} {{"))
            .line("parts.push(crate::runtime::encode::Part::value(key, value)?);")
            .close("}");
    }
    code.line("::std::result::Result::Ok(parts)")
        .close("}")
        .close("}");
}

/// Optional and nullable: absent, `null` and a value are three different things to send.
fn three_state(field: &Field) -> bool {
    !field.required && field.nullable
}

/// The constraint checks of one field, reading `self.<field>`.
fn field_checks(code: &mut Code, field: &Field, types: &Types<'_>) {
    if !field.constraints.apply_to(&field.ty) && !types.validated(&field.ty) {
        return;
    }
    if field.flatten {
        // A flattened part is validated at the struct's own level.
        code.line(format_args!(
            "crate::runtime::validate::Validate::validate_at(&self.{}, at)?;",
            field.name
        ));
        return;
    }
    let mut checks = Code::default();
    if !value_checks(
        &mut checks,
        &field.ty,
        &field.constraints,
        "value",
        "&name",
        types,
    ) {
        // Constraints that do not apply to the field's type (a `minimum` on a string…).
        return;
    }
    let opening = if three_state(field) {
        format!(
            "if let ::std::option::Option::Some(::std::option::Option::Some(value)) = &self.{} {{",
            field.name
        )
    } else if !field.required || field.nullable {
        format!(
            "if let ::std::option::Option::Some(value) = &self.{} {{",
            field.name
        )
    } else {
        "{".to_owned()
    };
    code.open(opening);
    if field.required && !field.nullable {
        code.line(format_args!("let value = &self.{};", field.name));
    }
    code.line(format_args!(
        "let name = crate::runtime::validate::join(at, {});",
        lit(&field.wire)
    ));
    code.lines_of(&checks.into_text());
    code.close("}");
}

/// Writes the checks of `value` (an expression of a reference to a value of type `ty`), naming
/// it `name` (an expression of a `&str`); whether there was anything to check.
pub(crate) fn value_checks(
    code: &mut Code,
    ty: &TypeRef,
    constraints: &Constraints,
    value: &str,
    name: &str,
    types: &Types<'_>,
) -> bool {
    let v = "crate::runtime::validate";
    let start = code.len();
    if let TypeRef::Nullable(inner) = ty {
        // A null has nothing to check; a value is checked as the type it is.
        let mut inner_checks = Code::default();
        if value_checks(&mut inner_checks, inner, constraints, "value", name, types) {
            code.open(format_args!(
                "if let ::std::option::Option::Some(value) = {value} {{"
            ));
            code.lines_of(&inner_checks.into_text());
            code.close("}");
        }
        return code.len() > start;
    }
    if *ty == TypeRef::String {
        if let Some(min) = constraints.min_length {
            code.line(format_args!("{v}::min_length({name}, {value}, {min})?;"));
        }
        if let Some(max) = constraints.max_length {
            code.line(format_args!("{v}::max_length({name}, {value}, {max})?;"));
        }
        if let Some(pattern) = &constraints.pattern {
            // Compiled on first use and shared by every later call, without a lock.
            code.open("{")
                .line(format_args!(
                    "static PATTERN: {v}::Pattern = {v}::Pattern::new({});",
                    lit(pattern)
                ))
                .line(format_args!("PATTERN.check({name}, {value})?;"))
                .close("}");
        }
    }
    if let Some(numeric) = Numeric::of(ty) {
        for (bound, function) in [
            (constraints.minimum, "minimum"),
            (constraints.maximum, "maximum"),
        ] {
            if let Some(bound) = bound {
                let (value, limit) = numeric.compare(value, bound.value);
                code.line(format_args!(
                    "{v}::{function}({name}, {value}, {limit}, {})?;",
                    bound.exclusive
                ));
            }
        }
        if let Some(factor) = constraints.multiple_of {
            let as_f64 = if *ty == TypeRef::F64 { "" } else { " as f64" };
            code.line(format_args!(
                "{v}::multiple_of({name}, *{value}{as_f64}, {})?;",
                f64_lit(factor.as_f64())
            ));
        }
    }
    if let (TypeRef::Array(item_ty), Some(items)) = (ty, &constraints.items) {
        let mut item_checks = Code::default();
        if value_checks(
            &mut item_checks,
            item_ty,
            items,
            "item",
            "&item_name",
            types,
        ) {
            code.open(format_args!(
                "for (index, item) in {value}.iter().enumerate() {{"
            ));
            code.line(format_args!(
                "let item_name = ::std::format!(\"{{}}[{{}}]\", {name}, index);"
            ));
            code.lines_of(&item_checks.into_text());
            code.close("}");
        }
    }
    if matches!(ty, TypeRef::Array(_)) {
        if let Some(min) = constraints.min_items {
            code.line(format_args!(
                "{v}::min_items({name}, {value}.len(), {min})?;"
            ));
        }
        if let Some(max) = constraints.max_items {
            code.line(format_args!(
                "{v}::max_items({name}, {value}.len(), {max})?;"
            ));
        }
        if constraints.unique_items {
            code.line(format_args!("{v}::unique_items({name}, {value})?;"));
        }
    }
    if let TypeRef::Tuple(items) = ty {
        // Each position of a tuple is checked on its own.
        for (index, item) in items.iter().enumerate() {
            if types.validated(item) {
                code.line(format_args!(
                    "{v}::Validate::validate_at(&{value}.{index}, {name})?;"
                ));
            }
        }
    } else if types.validated(ty) {
        code.line(format_args!(
            "{v}::Validate::validate_at({value}, {name})?;"
        ));
    }
    code.len() > start
}

/// A suffixed `f64` literal (the value is finite).
fn f64_lit(value: f64) -> String {
    format!("{value:?}f64")
}

/// How a numeric value is compared with a bound: integers as `i64` (an `i32` widened), exactly,
/// whatever the bound; floats as `f64` (an `f32` widened), so no bound can overflow a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeric {
    I32,
    I64,
    F32,
    F64,
}

impl Numeric {
    fn of(ty: &TypeRef) -> Option<Numeric> {
        Some(match ty {
            TypeRef::I32 => Numeric::I32,
            TypeRef::I64 => Numeric::I64,
            TypeRef::F32 => Numeric::F32,
            TypeRef::F64 => Numeric::F64,
            _ => return None,
        })
    }

    /// The value (behind the reference `value`) and the limit, as two expressions of one type.
    fn compare(self, value: &str, limit: Limit) -> (String, String) {
        match (self, limit) {
            (Numeric::I32, Limit::Integer(limit)) if let Ok(limit) = i32::try_from(limit) => {
                (format!("*{value}"), format!("{limit}i32"))
            }
            (Numeric::I32, Limit::Integer(limit)) => {
                (format!("i64::from(*{value})"), format!("{limit}i64"))
            }
            (Numeric::I64, Limit::Integer(limit)) => (format!("*{value}"), format!("{limit}i64")),
            (Numeric::I32, Limit::Float(limit)) => (format!("f64::from(*{value})"), f64_lit(limit)),
            (Numeric::I64, Limit::Float(limit)) => (format!("*{value} as f64"), f64_lit(limit)),
            (Numeric::F32, limit) if (limit.as_f64() as f32).is_finite() => (
                format!("*{value}"),
                format!("{:?}f32", limit.as_f64() as f32),
            ),
            // Beyond `f32::MAX`: compared as `f64`, where the bound is a number.
            (Numeric::F32, limit) => (format!("f64::from(*{value})"), f64_lit(limit.as_f64())),
            (Numeric::F64, limit) => (format!("*{value}"), f64_lit(limit.as_f64())),
        }
    }
}

fn union_def(
    code: &mut Code,
    def: &TypeDef,
    variants: &[UnionVariant],
    tag: Option<&str>,
    types: &Types<'_>,
    serde: Directions,
) {
    let name = def.name.as_str();
    // Where each variant's struct also declares the tag property (the usual way specs write
    // it), serde's internal tagging would take the tag away from the struct: then the enum
    // dispatches on the tag by hand when reading, and writes the variant as it is.
    let declares_tag = |tag: &str, variant: &UnionVariant| match &variant.ty {
        TypeRef::Named(n) => types.get(n).is_some_and(|t| match &t.kind {
            TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.wire == tag),
            _ => false,
        }),
        _ => false,
    };
    let internal_tag = tag.filter(|tag| variants.iter().all(|v| !declares_tag(tag, v)));
    let dispatch_tag = tag.filter(|_| internal_tag.is_none());
    match (internal_tag, dispatch_tag) {
        (Some(tag), _) => {
            let tag = format!("tag = {}", lit(tag));
            serde.derive(
                code,
                "Debug, Clone, PartialEq",
                &["Serialize", "Deserialize"],
                Some(&tag),
            );
        }
        (None, Some(_)) => {
            serde.derive(
                code,
                "Debug, Clone, PartialEq",
                &["Serialize"],
                Some("untagged"),
            );
        }
        (None, None) => {
            serde.derive(
                code,
                "Debug, Clone, PartialEq",
                &["Serialize", "Deserialize"],
                Some("untagged"),
            );
        }
    }
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {name} {{"));
    for variant in variants {
        match &variant.tag_value {
            Some(value) if tag.is_some() => code.doc(&format!("`{value}`.")),
            _ => code.doc(&format!("`{}`.", variant_label(&variant.ty))),
        };
        if let (Some(_), Some(value)) = (internal_tag, &variant.tag_value) {
            code.line(format_args!("#[serde(rename = {})]", lit(value)));
        }
        code.line(format_args!(
            "{}({}),",
            variant.name,
            type_text(&variant.ty, "")
        ));
    }
    code.close("}");
    if let Some(tag) = dispatch_tag {
        code.blank();
        Directions::gate(code, serde.deserialize);
        dispatching_deserialize(code, name, variants, tag);
    }
    if def.usage.validated {
        validate_variants(
            code,
            name,
            variants.iter().map(|v| (v.name.as_str(), &v.ty)),
            types,
        );
    }
}

/// `Deserialize` for a union whose variants declare the tag themselves: read the value, then
/// the variant its tag names.
fn dispatching_deserialize(code: &mut Code, name: &str, variants: &[UnionVariant], tag: &str) {
    let unknown = format!("unknown `{tag}` value {{other:?}} for {name}");
    code.open(format_args!("impl<'de> ::serde::Deserialize<'de> for {name} {{"))
        .open("fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {")
        .line("let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;")
        .line(format_args!(
            "let tag = value.get({}).and_then(::serde_json::Value::as_str).map(str::to_owned);",
            lit(tag)
        ))
        .open("match tag.as_deref() {");
    for variant in variants {
        if let Some(value) = &variant.tag_value {
            code.line(format_args!(
                "::std::option::Option::Some({}) => ::serde_json::from_value(value).map(Self::{}).map_err(::serde::de::Error::custom),",
                lit(value),
                variant.name
            ));
        }
    }
    code.line(format_args!(
        "::std::option::Option::Some(other) => ::std::result::Result::Err(::serde::de::Error::custom(::std::format!({}))),",
        lit(&unknown)
    ));
    code.line(format_args!(
        "::std::option::Option::None => ::std::result::Result::Err(::serde::de::Error::missing_field({})),",
        lit(tag)
    ));
    code.close("}").close("}").close("}");
}

/// `Validate` for an enum whose every variant holds one value: each variant checks its value
/// where the value may contain a generated type.
pub(crate) fn validate_variants<'v>(
    code: &mut Code,
    type_name: &str,
    variants: impl Iterator<Item = (&'v str, &'v TypeRef)>,
    types: &Types<'_>,
) {
    let variants: Vec<(&str, &TypeRef)> = variants.collect();
    let uses_at = variants.iter().any(|(_, ty)| types.validated(ty));
    code.blank();
    code.open(format_args!(
        "impl crate::runtime::validate::Validate for {type_name} {{"
    ))
    .open(format_args!(
        "fn validate_at(&self, {}: &str) -> ::std::result::Result<(), crate::runtime::Error> {{",
        if uses_at { "at" } else { "_at" }
    ))
    .open("match self {");
    for (variant, ty) in variants {
        if types.validated(ty) {
            code.line(format_args!(
                "Self::{variant}(value) => crate::runtime::validate::Validate::validate_at(value, at),"
            ));
        } else {
            code.line(format_args!(
                "Self::{variant}(_) => ::std::result::Result::Ok(()),"
            ));
        }
    }
    code.close("}").close("}").close("}");
}

/// How a variant's payload is described in its doc.
fn variant_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Boxed(inner) => variant_label(inner),
        other => other.word().to_owned(),
    }
}
