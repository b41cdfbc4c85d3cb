//! The public API of the generated client as a sorted plain-text listing (cargo-public-api's
//! committed listing): a pure function of the [`Model`], written next to the generated code as
//! [`LISTING_FILE`] so that it is committed and its diff in a pull request shows what a
//! regeneration changed. [`crate::report`] compares two listings and classifies each change.
//!
//! One item per line, `kind owner [name]: value…`, self-describing enough that two listings
//! alone can be compared (no spec needed for the old side):
//!
//! ```text
//! operation Client::show_pet: GET path="/pets/{pet_id}" doc=5d0a1c6e3f2b7a90
//! request Client::show_pet: operations::ShowPetRequest
//! param Client::show_pet pet_id: String required path wire="pet_id"
//! body Client::add_pet: Option<types::NewPet> optional
//! body-media Client::add_pet "application/json": types::NewPet
//! returns Client::show_pet: types::Pet
//! response Client::show_pet 200: types::Pet
//! headers Client::show_pet: operations::ShowPetResponseHeaders
//! header Client::show_pet x_request_id: Option<String> wire="X-Request-Id"
//! errors Client::show_pet: operations::ShowPetError
//! error Client::show_pet 404: types::Error
//! stream Client::list_pets: Call::stream item=types::Pet
//! type types::Pet: struct input output
//! field types::Pet name: String required wire="name"
//! additional types::Labels: Map<String>
//! value types::Kind Dog: wire="dog"
//! variant types::Shape Circle: types::Circle tag="circle"
//! ```
//!
//! Values are positional words first (a type, `required`/`optional`, a location, a kind), then
//! flags (`nullable`, `flatten`, `deprecated`, `input`, `output`, and `no-serialize` or
//! `no-deserialize` for a type that implements only one serde direction without the
//! `full-serde` feature), then `key=value` pairs whose
//! free text (paths, wire names, media types) is quoted with JSON escapes. Types are written as
//! users see them, in one spelling: `String`, `i64`, `Option<T>` for what may be absent,
//! `Vec<T>`, `Map<T>` (string keys), `Box<T>`, `types::Pet`, `operations::ShowPetRequest`.
//! `doc=` is the FNV-1a hash of the item's doc text, so an edited description shows up.
//!
//! Operations come first, sorted by method name, each followed by its parts in the order
//! above (parameters by name, statuses in order); then the types, sorted by name, each followed
//! by its fields, values or variants sorted by name. A type's direction is `input` when it is
//! reachable from an operation's parameters or body, `output` when it is reachable from a
//! response, error, header, page or stream item or a webhook payload, following type references
//! transitively.

use crate::lower::{needs_response_enum, traveled_types};
use crate::model::{
    Body, Model, Operation, ParamLocation, ResponseCase, StatusMatch, TypeDef, TypeKind, TypeRef,
};
use crate::write::{GENERATED_MARKER, GeneratedFile};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The listing's file name, next to `mod.rs`, `operations.rs` and `types.rs`.
pub const LISTING_FILE: &str = "public-api.txt";

/// The version of the listing's format, named in its header; [`crate::report`] reads only this
/// one.
pub const FORMAT: u32 = 1;

/// The header line that names the format (the second line of the file).
pub fn format_line() -> String {
    format!(
        "# The public API of the generated client (listing format {FORMAT}), one item per line, \
         compared with the new one on each regeneration."
    )
}

/// The listing as a generated file: [`LISTING_FILE`] with the generated header.
pub fn listing_file(model: &Model, source_name: &str) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(LISTING_FILE),
        contents: format!(
            "# {GENERATED_MARKER} by the generator from {source_name}: do not edit.\n{}\n{}",
            format_line(),
            listing(model)
        ),
    }
}

/// The public API of the client generated from `model`: one item per line, each ending in a
/// newline, in a fixed order (see the module documentation). No header.
pub fn listing(model: &Model) -> String {
    let directions = directions(model);
    let mut out = String::new();
    let mut operations: Vec<&Operation> = model.operations.iter().collect();
    operations.sort_by(|a, b| a.method_name.cmp(&b.method_name));
    for op in operations {
        operation(&mut out, op);
    }
    let mut types: Vec<&TypeDef> = model.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for def in types {
        let direction = directions
            .get(def.name.as_str())
            .copied()
            .unwrap_or_default();
        type_def(&mut out, def, direction, model.features.is_some());
    }
    out
}

/// A type as users see it, in the listing's one spelling.
pub fn type_text(ty: &TypeRef) -> String {
    let mut out = String::new();
    write_type(&mut out, ty);
    out
}

fn write_type(out: &mut String, ty: &TypeRef) {
    let word = match ty {
        TypeRef::String => "String",
        TypeRef::I32 => "i32",
        TypeRef::I64 => "i64",
        TypeRef::F32 => "f32",
        TypeRef::F64 => "f64",
        TypeRef::Bool => "bool",
        TypeRef::Json => "Value",
        TypeRef::Bytes => "Bytes",
        TypeRef::DateTime => "DateTime",
        TypeRef::Date => "NaiveDate",
        TypeRef::Uuid => "Uuid",
        TypeRef::Named(name) => {
            out.push_str("types::");
            out.push_str(name);
            return;
        }
        TypeRef::Tuple(items) => {
            out.push('(');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_type(out, item);
            }
            out.push(')');
            return;
        }
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Boxed(inner)
        | TypeRef::Nullable(inner) => {
            out.push_str(match ty {
                TypeRef::Array(_) => "Vec<",
                TypeRef::Map(_) => "Map<",
                TypeRef::Nullable(_) => "Option<",
                _ => "Box<",
            });
            write_type(out, inner);
            out.push('>');
            return;
        }
    };
    out.push_str(word);
}

/// `Option<…>` around `text`, `layers` times.
fn optional(text: String, layers: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8 * layers);
    for _ in 0..layers {
        out.push_str("Option<");
    }
    out.push_str(&text);
    for _ in 0..layers {
        out.push('>');
    }
    out
}

/// The 64-bit FNV-1a hash of `text`, as 16 hex digits: short, and the same on every machine
/// and in every version (unlike std's randomly seeded hasher).
pub fn doc_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `text` in double quotes with JSON escapes, so that it is one token whatever it holds.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The ` doc=…` and ` deprecated` suffixes.
fn tail(out: &mut String, deprecated: bool, doc: Option<&str>) {
    if deprecated {
        out.push_str(" deprecated");
    }
    if let Some(doc) = doc {
        out.push_str(" doc=");
        out.push_str(&doc_hash(doc));
    }
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// A status as the listing writes it: `200`, `4XX`, `default`.
pub fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn response_type(case: &ResponseCase) -> String {
    match &case.body {
        Some((_, ty)) => type_text(ty),
        None => "()".to_owned(),
    }
}

/// The type of the request's body: the media's type, or the choice enum when there are several.
fn body_type(body: &Body) -> String {
    match body.media.as_slice() {
        [single] => type_text(&single.ty),
        _ => format!("operations::{}", body.choice_type),
    }
}

fn operation(out: &mut String, op: &Operation) {
    let owner = format!("Client::{}", op.method_name);
    let _ = write!(
        out,
        "operation {owner}: {} path={}",
        op.http_method,
        quote(&op.path)
    );
    tail(out, op.deprecated, op.doc.as_deref());
    let _ = writeln!(out, "\nrequest {owner}: operations::{}", op.request_type);

    let mut params: Vec<_> = op.params.iter().filter(|p| !p.from_client).collect();
    params.sort_by(|a, b| a.name.cmp(&b.name));
    for p in params {
        let ty = optional(type_text(&p.ty), usize::from(!p.required));
        let _ = write!(
            out,
            "param {owner} {}: {ty} {} {} wire={}",
            p.name,
            required_word(p.required),
            location_word(p.location),
            quote(&p.wire)
        );
        tail(out, p.deprecated, p.doc.as_deref());
        out.push('\n');
    }

    if let Some(body) = &op.body {
        let ty = optional(body_type(body), usize::from(!body.required));
        let _ = write!(out, "body {owner}: {ty} {}", required_word(body.required));
        tail(out, false, body.doc.as_deref());
        out.push('\n');
        let mut media: Vec<_> = body.media.iter().collect();
        media.sort_by(|a, b| a.content_type.cmp(&b.content_type));
        for m in media {
            let _ = writeln!(
                out,
                "body-media {owner} {}: {}",
                quote(&m.content_type),
                type_text(&m.ty)
            );
        }
        if let Some(method) = &body.upload {
            let _ = writeln!(out, "upload {owner}: Call::{method}");
        }
        if let Some(method) = &body.upload_part {
            let _ = writeln!(out, "upload-part {owner}: Call::{method}");
        }
    }

    let returns = if needs_response_enum(&op.responses) {
        format!("operations::{}", op.response_type)
    } else {
        op.responses
            .first()
            .map(response_type)
            .unwrap_or_else(|| "()".to_owned())
    };
    let _ = writeln!(out, "returns {owner}: {returns}");
    let mut responses: Vec<&ResponseCase> = op.responses.iter().collect();
    responses.sort_by_key(|r| r.status);
    for case in &responses {
        let _ = write!(
            out,
            "response {owner} {}: {}",
            status_text(case.status),
            response_type(case)
        );
        tail(out, false, case.doc.as_deref());
        out.push('\n');
    }

    if let Some(headers_type) = &op.headers_type {
        let _ = writeln!(out, "headers {owner}: operations::{headers_type}");
        // One field per header name (case-insensitive), the first declaration winning, as in
        // the headers struct.
        let mut seen: Vec<String> = Vec::new();
        let mut headers = Vec::new();
        for header in responses.iter().flat_map(|r| &r.headers) {
            let key = header.wire.to_ascii_lowercase();
            if !seen.contains(&key) {
                seen.push(key);
                headers.push(header);
            }
        }
        headers.sort_by(|a, b| a.name.cmp(&b.name));
        for h in headers {
            let _ = write!(
                out,
                "header {owner} {}: {} wire={}",
                h.name,
                optional(type_text(&h.ty), 1),
                quote(&h.wire)
            );
            tail(out, false, h.doc.as_deref());
            out.push('\n');
        }
    }

    if let Some(error_type) = &op.error_type {
        let _ = writeln!(out, "errors {owner}: operations::{error_type}");
    }
    let mut errors: Vec<&ResponseCase> = op.errors.iter().collect();
    errors.sort_by_key(|r| r.status);
    for case in errors {
        let _ = write!(
            out,
            "error {owner} {}: {}",
            status_text(case.status),
            response_type(case)
        );
        tail(out, false, case.doc.as_deref());
        out.push('\n');
    }

    if let Some(pagination) = &op.pagination {
        let _ = writeln!(
            out,
            "stream {owner}: Call::{} item={}",
            pagination.stream_method,
            type_text(&pagination.item_type)
        );
    }
    if let Some(streamed) = &op.streamed {
        let item = match &streamed.keyed {
            Some(keyed) => format!("operations::{}", keyed.name),
            None => type_text(&streamed.item),
        };
        let _ = writeln!(
            out,
            "streamed {owner}: Call::{} {} item={item}",
            streamed.method, streamed.media_type,
        );
        for variant in streamed.keyed.iter().flat_map(|keyed| &keyed.variants) {
            let _ = writeln!(
                out,
                "streamed-event {owner} {}: {} {}",
                quote(&variant.event),
                variant.variant,
                type_text(&variant.ty)
            );
        }
    }
}

fn type_def(out: &mut String, def: &TypeDef, direction: Direction, has_features: bool) {
    let owner = format!("types::{}", def.name);
    let kind = match &def.kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::StringEnum { .. } => "enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Alias { .. } => "alias",
    };
    let _ = write!(out, "type {owner}: {kind}");
    if direction.input {
        out.push_str(" input");
    }
    if direction.output {
        out.push_str(" output");
    }
    let (serialize, deserialize) = def.usage.serde_directions(has_features);
    if !serialize {
        out.push_str(" no-serialize");
    }
    if !deserialize {
        out.push_str(" no-deserialize");
    }
    match &def.kind {
        TypeKind::Alias { target, .. } => {
            let _ = write!(out, " target={}", type_text(target));
        }
        TypeKind::Union { tag: Some(tag), .. } => {
            let _ = write!(out, " tag={}", quote(tag));
        }
        _ => {}
    }
    tail(out, def.deprecated, def.doc.as_deref());
    out.push('\n');

    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let mut fields: Vec<_> = fields.iter().collect();
            fields.sort_by(|a, b| a.name.cmp(&b.name));
            for f in fields {
                // What a reader of the struct sees: `T`, `Option<T>` when it may be absent or
                // null, `Option<Option<T>>` when it may be both. A flattened part is itself.
                let layers = if f.flatten {
                    0
                } else {
                    usize::from(!f.required) + usize::from(f.nullable)
                };
                let _ = write!(
                    out,
                    "field {owner} {}: {} {}",
                    f.name,
                    optional(type_text(&f.ty), layers),
                    required_word(f.required)
                );
                if f.nullable {
                    out.push_str(" nullable");
                }
                if f.flatten {
                    out.push_str(" flatten");
                } else {
                    let _ = write!(out, " wire={}", quote(&f.wire));
                }
                tail(out, f.deprecated, f.doc.as_deref());
                out.push('\n');
            }
            if let Some(value) = additional {
                let _ = writeln!(out, "additional {owner}: Map<{}>", type_text(value));
            }
        }
        TypeKind::StringEnum { variants } => {
            let mut variants: Vec<_> = variants.iter().collect();
            variants.sort_by(|a, b| a.name.cmp(&b.name));
            for v in variants {
                let _ = write!(out, "value {owner} {}: wire={}", v.name, quote(&v.wire));
                tail(out, false, v.doc.as_deref());
                out.push('\n');
            }
        }
        TypeKind::Union { variants, .. } => {
            let mut variants: Vec<_> = variants.iter().collect();
            variants.sort_by(|a, b| a.name.cmp(&b.name));
            for v in variants {
                let _ = write!(out, "variant {owner} {}: {}", v.name, type_text(&v.ty));
                if let Some(tag) = &v.tag_value {
                    let _ = write!(out, " tag={}", quote(tag));
                }
                out.push('\n');
            }
        }
        TypeKind::Alias { .. } => {}
    }
}

/// Whether a type is sent in requests, returned in responses, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Direction {
    /// Reachable from an operation's parameters or body.
    pub input: bool,
    /// Reachable from an operation's responses, errors, headers, page or stream items, or a
    /// webhook payload.
    pub output: bool,
}

/// The direction of every named type reachable from an operation or a webhook, by name (the
/// walk the generated code's serde directions come from, without their "both for the unreached").
pub fn directions(model: &Model) -> HashMap<&str, Direction> {
    let (sent, received) = traveled_types(model);
    model
        .types
        .iter()
        .map(|def| {
            let direction = Direction {
                input: sent.contains(&def.name),
                output: received.contains(&def.name),
            };
            (def.name.as_str(), direction)
        })
        .filter(|(_, direction)| direction.input || direction.output)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: name.to_owned(),
            wire: name.to_owned(),
            doc: None,
            ty,
            required,
            nullable: false,
            deprecated: false,
            constraints: Constraints::default(),
            read_only: false,
            write_only: false,
            default: None,
            flatten: false,
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    fn struct_def(name: &str, fields: Vec<Field>) -> TypeDef {
        TypeDef {
            name: name.to_owned(),
            doc: None,
            deprecated: false,
            kind: TypeKind::Struct {
                fields,
                additional: None,
            },
            multipart: false,
            usage: Default::default(),
        }
    }

    fn param(name: &str, ty: TypeRef, required: bool, location: ParamLocation) -> Param {
        Param {
            name: name.to_owned(),
            wire: name.to_owned(),
            location,
            doc: None,
            ty,
            required,
            deprecated: false,
            constraints: Constraints::default(),
            from_client: false,
            default: None,
            explode: true,
            separator: ",".to_owned(),
            deep_object: false,
            simple: true,
            json: false,
        }
    }

    fn case(status: StatusMatch, ty: Option<TypeRef>) -> ResponseCase {
        ResponseCase {
            status,
            variant: match status {
                StatusMatch::Code(code) => format!("Status{code}"),
                _ => "Other".to_owned(),
            },
            doc: None,
            body: ty.map(|ty| (BodyEncoding::Json, ty)),
            headers: Vec::new(),
        }
    }

    fn operation(method: &str, path: &str) -> Operation {
        let base = heck::ToUpperCamelCase::to_upper_camel_case(method);
        Operation {
            id: method.to_owned(),
            method_name: method.to_owned(),
            request_type: format!("{base}Request"),
            response_type: format!("{base}Response"),
            headers_type: None,
            http_method: "GET".to_owned(),
            path: path.to_owned(),
            path_parts: Vec::new(),
            doc: None,
            deprecated: false,
            params: Vec::new(),
            body: None,
            responses: Vec::new(),
            errors: Vec::new(),
            error_type: None,
            idempotent: true,
            pagination: None,
            streamed: None,
            tags: Vec::new(),
        }
    }

    /// A small pet store: one operation of each shape the listing knows.
    fn pet_store() -> Model {
        let mut show = operation("show_pet", "/pets/{pet_id}");
        show.doc = Some("Shows a pet.".to_owned());
        show.params = vec![
            param("pet_id", TypeRef::String, true, ParamLocation::Path),
            param("verbose", TypeRef::Bool, false, ParamLocation::Query),
            Param {
                from_client: true,
                ..param("project_id", TypeRef::String, true, ParamLocation::Path)
            },
        ];
        let mut ok = case(StatusMatch::Code(200), Some(named("Pet")));
        ok.headers = vec![ResponseHeader {
            name: "x_request_id".to_owned(),
            wire: "X-Request-Id".to_owned(),
            doc: None,
            ty: TypeRef::String,
        }];
        let mut accepted = case(StatusMatch::Code(202), Some(named("Pet")));
        accepted.headers = vec![ResponseHeader {
            name: "x_request_id_2".to_owned(),
            wire: "x-request-id".to_owned(),
            doc: None,
            ty: TypeRef::I64,
        }];
        show.responses = vec![accepted, ok];
        show.headers_type = Some("ShowPetResponseHeaders".to_owned());
        show.errors = vec![case(StatusMatch::Range(4), Some(named("Error")))];
        show.error_type = Some("ShowPetError".to_owned());

        let mut add = operation("add_pet", "/pets");
        add.http_method = "POST".to_owned();
        add.body = Some(Body {
            upload: None,
            upload_part: None,
            media: vec![
                BodyMedia {
                    variant: "Json".to_owned(),
                    content_type: "application/json".to_owned(),
                    encoding: BodyEncoding::Json,
                    ty: named("NewPet"),
                },
                BodyMedia {
                    variant: "Form".to_owned(),
                    content_type: "application/x-www-form-urlencoded".to_owned(),
                    encoding: BodyEncoding::Form,
                    ty: named("NewPet"),
                },
            ],
            choice_type: "AddPetBody".to_owned(),
            required: true,
            doc: None,
        });
        add.responses = vec![
            case(StatusMatch::Code(201), Some(named("Pet"))),
            case(StatusMatch::Code(204), None),
        ];

        let mut list = operation("list_pets", "/pets");
        list.params = vec![param("offset", TypeRef::I32, false, ParamLocation::Query)];
        list.responses = vec![case(StatusMatch::Code(200), Some(named("PetPage")))];
        list.pagination = Some(Pagination {
            stream_method: "stream".to_owned(),
            offset_param: "offset".to_owned(),
            offset_type: TypeRef::I32,
            count_field: "count".to_owned(),
            count_required: true,
            items_field: "items".to_owned(),
            items_required: true,
            item_type: named("Pet"),
        });

        let mut tag = field("tag", TypeRef::String, false);
        tag.nullable = true;
        tag.doc = Some("A \"tag\".".to_owned());
        let mut kind = field("kind", named("Kind"), true);
        kind.wire = "type".to_owned();
        Model {
            service: Service::default(),
            types: vec![
                struct_def("Pet", vec![tag, kind, field("name", TypeRef::String, true)]),
                struct_def(
                    "NewPet",
                    vec![field(
                        "tags",
                        TypeRef::Array(Box::new(TypeRef::String)),
                        false,
                    )],
                ),
                struct_def(
                    "PetPage",
                    vec![
                        field("count", TypeRef::I64, true),
                        field("items", TypeRef::Array(Box::new(named("Pet"))), true),
                    ],
                ),
                struct_def("Error", vec![field("message", TypeRef::String, false)]),
                TypeDef {
                    name: "Kind".to_owned(),
                    doc: None,
                    deprecated: true,
                    kind: TypeKind::StringEnum {
                        variants: vec![
                            EnumVariant {
                                name: "Dog".to_owned(),
                                wire: "dog".to_owned(),
                                doc: None,
                            },
                            EnumVariant {
                                name: "Cat".to_owned(),
                                wire: "cat".to_owned(),
                                doc: Some("Meow.".to_owned()),
                            },
                        ],
                    },
                    multipart: false,
                    usage: Default::default(),
                },
                TypeDef {
                    name: "Unused".to_owned(),
                    doc: None,
                    deprecated: false,
                    kind: TypeKind::Alias {
                        target: TypeRef::Map(Box::new(TypeRef::Boxed(Box::new(named("Pet"))))),
                        constraints: Constraints::default(),
                    },
                    multipart: false,
                    usage: Default::default(),
                },
            ],
            operations: vec![show, add, list],
            features: None,
            webhook_payloads: Vec::new(),
        }
    }

    #[test]
    fn lists_every_item_of_a_model() {
        let expected = "\
operation Client::add_pet: POST path=\"/pets\"
request Client::add_pet: operations::AddPetRequest
body Client::add_pet: operations::AddPetBody required
body-media Client::add_pet \"application/json\": types::NewPet
body-media Client::add_pet \"application/x-www-form-urlencoded\": types::NewPet
returns Client::add_pet: operations::AddPetResponse
response Client::add_pet 201: types::Pet
response Client::add_pet 204: ()
operation Client::list_pets: GET path=\"/pets\"
request Client::list_pets: operations::ListPetsRequest
param Client::list_pets offset: Option<i32> optional query wire=\"offset\"
returns Client::list_pets: types::PetPage
response Client::list_pets 200: types::PetPage
stream Client::list_pets: Call::stream item=types::Pet
operation Client::show_pet: GET path=\"/pets/{pet_id}\" doc=a6c1bc4d9ba8a2c8
request Client::show_pet: operations::ShowPetRequest
param Client::show_pet pet_id: String required path wire=\"pet_id\"
param Client::show_pet verbose: Option<bool> optional query wire=\"verbose\"
returns Client::show_pet: types::Pet
response Client::show_pet 200: types::Pet
response Client::show_pet 202: types::Pet
headers Client::show_pet: operations::ShowPetResponseHeaders
header Client::show_pet x_request_id: Option<String> wire=\"X-Request-Id\"
errors Client::show_pet: operations::ShowPetError
error Client::show_pet 4XX: types::Error
type types::Error: struct output
field types::Error message: Option<String> optional wire=\"message\"
type types::Kind: enum output deprecated
value types::Kind Cat: wire=\"cat\" doc=7baf6b87f0e0cc53
value types::Kind Dog: wire=\"dog\"
type types::NewPet: struct input
field types::NewPet tags: Option<Vec<String>> optional wire=\"tags\"
type types::Pet: struct output
field types::Pet kind: types::Kind required wire=\"type\"
field types::Pet name: String required wire=\"name\"
field types::Pet tag: Option<Option<String>> optional nullable wire=\"tag\" doc=6a3f2e1c5fbe9d7f
type types::PetPage: struct output
field types::PetPage count: i64 required wire=\"count\"
field types::PetPage items: Vec<types::Pet> required wire=\"items\"
type types::Unused: alias target=Map<Box<types::Pet>>
";
        let listing = listing(&pet_store());
        assert_eq!(
            listing
                .replace(&doc_hash("Shows a pet."), "a6c1bc4d9ba8a2c8")
                .replace(&doc_hash("Meow."), "7baf6b87f0e0cc53")
                .replace(&doc_hash("A \"tag\"."), "6a3f2e1c5fbe9d7f"),
            expected,
            "{listing}"
        );
    }

    #[test]
    fn the_file_has_the_generated_header_and_names_its_format() {
        let file = listing_file(&pet_store(), "spec/pets.yaml");
        assert_eq!(file.path, PathBuf::from("public-api.txt"));
        let mut lines = file.contents.lines();
        assert_eq!(
            lines.next(),
            Some("# @generated by the generator from spec/pets.yaml: do not edit.")
        );
        assert_eq!(lines.next(), Some(format_line().as_str()));
        assert!(format_line().contains("listing format 1"));
        assert_eq!(
            lines.next(),
            Some("operation Client::add_pet: POST path=\"/pets\"")
        );
        assert!(file.contents.ends_with('\n'));
    }

    #[test]
    fn direction_follows_references_transitively() {
        let mut model = pet_store();
        // NewPet → Owner (field) → Address (through an alias of a boxed map) ;
        // Error → Problem (union variant).
        model.types.extend([
            struct_def("Address", vec![field("city", TypeRef::String, true)]),
            TypeDef {
                name: "Addresses".to_owned(),
                doc: None,
                deprecated: false,
                kind: TypeKind::Alias {
                    target: TypeRef::Map(Box::new(TypeRef::Boxed(Box::new(named("Address"))))),
                    constraints: Constraints::default(),
                },
                multipart: false,
                usage: Default::default(),
            },
            struct_def("Owner", vec![field("homes", named("Addresses"), false)]),
            TypeDef {
                name: "Problem".to_owned(),
                doc: None,
                deprecated: false,
                kind: TypeKind::Union {
                    variants: vec![UnionVariant {
                        name: "Text".to_owned(),
                        tag_value: None,
                        ty: named("Address"),
                    }],
                    tag: None,
                },
                multipart: false,
                usage: Default::default(),
            },
        ]);
        for def in &mut model.types {
            if let TypeKind::Struct { fields, .. } = &mut def.kind {
                match def.name.as_str() {
                    "NewPet" => fields.push(field("owner", named("Owner"), false)),
                    "Error" => fields.push(field("problem", named("Problem"), false)),
                    _ => {}
                }
            }
        }
        let directions = directions(&model);
        let get = |name: &str| directions.get(name).copied().unwrap_or_default();
        let input = Direction {
            input: true,
            output: false,
        };
        let output = Direction {
            input: false,
            output: true,
        };
        let both = Direction {
            input: true,
            output: true,
        };
        assert_eq!(get("NewPet"), input);
        assert_eq!(get("Owner"), input);
        assert_eq!(get("Addresses"), input);
        assert_eq!(get("Address"), both, "through Owner and through Problem");
        assert_eq!(get("Problem"), output);
        assert_eq!(get("Pet"), output, "responses and stream items");
        assert_eq!(get("Kind"), output, "a field of an output type");
        assert_eq!(get("Unused"), Direction::default());
    }

    #[test]
    fn stream_items_webhook_payloads_and_tuple_items_are_outputs() {
        let mut model = pet_store();
        model.types.extend([
            struct_def("Tick", vec![field("at", named("Stamp"), true)]),
            struct_def("Stamp", Vec::new()),
            struct_def("Hook", Vec::new()),
        ]);
        model.webhook_payloads = vec!["Hook".to_owned()];
        if let Some(op) = model.operations.first_mut() {
            op.streamed = Some(Streamed {
                method: "items".to_owned(),
                kind: StreamKind::Lines,
                media_type: "application/x-ndjson".to_owned(),
                item: TypeRef::Tuple(vec![TypeRef::I64, named("Tick")]),
                keyed: None,
            });
        }
        let directions = directions(&model);
        let output = Direction {
            input: false,
            output: true,
        };
        for name in ["Tick", "Stamp", "Hook"] {
            assert_eq!(directions.get(name), Some(&output), "{name}");
        }
        let listing = listing(&model);
        assert!(
            listing.contains("type types::Tick: struct output\n"),
            "{listing}"
        );
    }

    #[test]
    fn a_parameter_type_makes_its_type_an_input() {
        let mut model = pet_store();
        if let Some(op) = model.operations.first_mut() {
            op.params
                .push(param("kind", named("Kind"), false, ParamLocation::Query));
        }
        let listing = listing(&model);
        assert!(
            listing.contains("type types::Kind: enum input output deprecated\n"),
            "{listing}"
        );
    }

    #[test]
    fn doc_hash_is_fnv1a_64() {
        // The reference values of the FNV-1a specification.
        assert_eq!(doc_hash(""), "cbf29ce484222325");
        assert_eq!(doc_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(doc_hash("foobar"), "85944171f73967e8");
    }

    #[test]
    fn free_text_is_one_quoted_token() {
        assert_eq!(quote("X-Request-Id"), "\"X-Request-Id\"");
        assert_eq!(
            quote("a \"b\"\\c\nd\u{1}: e"),
            "\"a \\\"b\\\"\\\\c\\nd\\u0001: e\""
        );
        for text in ["plain", "with space: and colon", "\"\\\n\t\r\u{7f}é"] {
            let back: String = serde_json::from_str(&quote(text)).unwrap();
            assert_eq!(back, text);
        }
    }

    #[test]
    fn types_have_one_spelling() {
        let cases = [
            (TypeRef::Json, "Value"),
            (TypeRef::DateTime, "DateTime"),
            (TypeRef::Date, "NaiveDate"),
            (
                TypeRef::Array(Box::new(TypeRef::Map(Box::new(TypeRef::Uuid)))),
                "Vec<Map<Uuid>>",
            ),
            (TypeRef::Boxed(Box::new(named("Node"))), "Box<types::Node>"),
        ];
        for (ty, text) in cases {
            assert_eq!(type_text(&ty), text);
        }
        assert_eq!(optional("i32".to_owned(), 2), "Option<Option<i32>>");
    }

    #[test]
    fn a_thousand_operations_list_in_a_few_milliseconds() {
        let template = pet_store();
        let mut model = Model::default();
        for i in 0..1000 {
            for op in &template.operations {
                let mut op = op.clone();
                op.method_name = format!("{}_{i}", op.method_name);
                model.operations.push(op);
            }
        }
        model.operations.truncate(1000);
        for i in 0..1000 {
            for def in &template.types {
                let mut def = def.clone();
                def.name = format!("{}{i}", def.name);
                model.types.push(def);
            }
        }
        let start = std::time::Instant::now();
        let listing = listing(&model);
        let elapsed = start.elapsed();
        assert!(listing.lines().count() > 10_000);
        // About 3 ms in a release build and 30 ms in a debug one; the bound only catches a
        // change in complexity.
        assert!(elapsed.as_millis() < 1_000, "{elapsed:?}");
    }
}
