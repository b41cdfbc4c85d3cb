//! Where `$ref`s stand in a document and what kind of object each must point to: the one walk
//! that bundling (which follows references into other files) and validation (which checks that
//! local ones resolve to the right kind) share.
//!
//! The walk knows OpenAPI's structure just enough to tell a keyword from a name chosen by the
//! author (`properties`, `paths`, `components/schemas` hold names) and data from spec
//! (`example`, `default`, `enum`, `const` and, inside schemas, `examples` hold data; so do `x-`
//! extensions, except the ones converters write). It reads Swagger 2.0 and OpenAPI 3.x alike.

use crate::diagnostic::{join, push_token};
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// What a `$ref` must point to, by where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A schema.
    Schema,
    /// A parameter.
    Parameter,
    /// A request body.
    RequestBody,
    /// A response.
    Response,
    /// A header.
    Header,
    /// An example.
    Example,
    /// A link.
    Link,
    /// A callback.
    Callback,
    /// A security scheme.
    SecurityScheme,
    /// A path item.
    PathItem,
}

impl Kind {
    /// The section of `#/components` holding objects of this kind in OpenAPI 3.x.
    pub fn section(self) -> &'static str {
        match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Header => "headers",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem => "pathItems",
        }
    }

    /// The kind whose 3.x components section is `section`.
    pub fn from_section(section: &str) -> Option<Kind> {
        Some(match section {
            "schemas" => Kind::Schema,
            "parameters" => Kind::Parameter,
            "requestBodies" => Kind::RequestBody,
            "responses" => Kind::Response,
            "headers" => Kind::Header,
            "examples" => Kind::Example,
            "links" => Kind::Link,
            "callbacks" => Kind::Callback,
            "securitySchemes" => Kind::SecurityScheme,
            "pathItems" => Kind::PathItem,
            _ => return None,
        })
    }

    /// "a schema", "a parameter", …
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Schema => "a schema",
            Kind::Parameter => "a parameter",
            Kind::RequestBody => "a request body",
            Kind::Response => "a response",
            Kind::Header => "a header",
            Kind::Example => "an example",
            Kind::Link => "a link",
            Kind::Callback => "a callback",
            Kind::SecurityScheme => "a security scheme",
            Kind::PathItem => "a path item",
        }
    }
}

/// One place where a reference stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The pointer of the object holding `$ref` (for a discriminator mapping: of the entry).
    pub at: String,
    /// The reference text; `None` when `$ref` is not a string.
    pub reference: Option<String>,
    /// What it must point to, where that is known.
    pub kind: Option<Kind>,
    /// A `discriminator.mapping` value (a `$ref` or, as OpenAPI allows, a bare schema name).
    pub mapping: bool,
}

/// Nesting deeper than this is not walked (a document that deep is hostile, not real).
const MAX_DEPTH: usize = 512;

/// Every reference in `document`, in document order.
pub fn sites(document: &Value) -> Vec<Site> {
    sites_in(document, "#", None)
}

/// Every reference in a part of a document, `value`, found at `at` and expected to be of `kind`.
pub fn sites_in(value: &Value, at: &str, kind: Option<Kind>) -> Vec<Site> {
    let mut found = Found::default();
    walk(
        value,
        &mut at.to_owned(),
        Context::Keywords,
        kind,
        &mut found,
        0,
    );
    found.sites
}

/// Every object in `document` that is not a reference and whose kind is known (every schema,
/// parameter, response…), with its pointer, in document order.
pub fn objects(document: &Value) -> Vec<(String, Kind)> {
    let mut found = Found {
        objects: Some(Vec::new()),
        ..Found::default()
    };
    walk(
        document,
        &mut "#".to_owned(),
        Context::Keywords,
        None,
        &mut found,
        0,
    );
    found.objects.unwrap_or_default()
}

/// What [`visit_objects_mut`] calls on each object: its pointer, its kind and its members.
pub type ObjectVisit<'v> = dyn FnMut(&str, Kind, &mut Map<String, Value>) + 'v;

/// Calls `visit` on every object of `document` that [`objects`] lists, with its pointer and
/// kind, in document order, each before the objects inside it: what `visit` changes in an
/// object (a schema it adds, a key it removes) is what the walk then goes into.
pub fn visit_objects_mut(document: &mut Value, visit: &mut ObjectVisit<'_>) {
    walk_mut(
        document,
        &mut "#".to_owned(),
        Context::Keywords,
        None,
        visit,
        0,
    );
}

/// Where the value under `key` of a keyword object of `kind` stands: a map of names or an
/// object of keywords, and of what kind.
fn child_place(key: &str, child: &Value, kind: Option<Kind>) -> (Context, Option<Kind>) {
    match names_kind(key, kind == Some(Kind::Schema)) {
        Some(names) if child.is_object() => (Context::Names, names),
        _ if child.is_array() => (Context::Keywords, list_kind(key)),
        _ => (Context::Keywords, keyword_kind(key)),
    }
}

/// What a walk collects.
#[derive(Default)]
struct Found {
    sites: Vec<Site>,
    /// Collected only when asked for.
    objects: Option<Vec<(String, Kind)>>,
}

/// Where the walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An object whose keys are keywords (`schema`, `items`, …).
    Keywords,
    /// A map whose keys are names chosen by the author (`properties`, `paths`, …).
    Names,
}

/// Keys whose value is a map from author-chosen names to objects of one kind (or, for
/// `content`, `encoding`, `variables`, to objects without a kind).
fn names_kind(key: &str, in_schema: bool) -> Option<Option<Kind>> {
    Some(match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas"
        | "schemas" => Some(Kind::Schema),
        "parameters" => Some(Kind::Parameter),
        "requestBodies" => Some(Kind::RequestBody),
        "securitySchemes" | "securityDefinitions" => Some(Kind::SecurityScheme),
        "links" => Some(Kind::Link),
        "callbacks" => Some(Kind::Callback),
        "responses" => Some(Kind::Response),
        "headers" => Some(Kind::Header),
        "examples" if !in_schema => Some(Kind::Example),
        "paths" | "webhooks" | "pathItems" | "x-webhooks" => Some(Kind::PathItem),
        "content" | "encoding" | "variables" => None,
        _ => return None,
    })
}

/// What kind of object stands under `key` in a keyword object.
fn keyword_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "schema"
        | "items"
        | "not"
        | "additionalProperties"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "additionalItems"
        | "contentSchema"
        | "itemSchema"
        | "x-item-schema" => Kind::Schema,
        "requestBody" => Kind::RequestBody,
        _ => return None,
    })
}

/// Keys holding lists of objects of one kind.
fn list_kind(key: &str) -> Option<Kind> {
    Some(match key {
        "parameters" => Kind::Parameter,
        "allOf" | "oneOf" | "anyOf" | "prefixItems" | "x-prefix-items" => Kind::Schema,
        _ => return None,
    })
}

/// Keys whose values are data, never spec.
fn is_data(key: &str, kind: Option<Kind>) -> bool {
    matches!(key, "example" | "default" | "enum" | "const")
        || (key == "examples" && kind == Some(Kind::Schema))
        || (key == "value" && kind == Some(Kind::Example))
        || (key.starts_with("x-") && !is_converter_extension(key))
}

/// The `x-` keys converters write, whose values are spec (see [`crate::normalize::EXTENSIONS`]).
fn is_converter_extension(key: &str) -> bool {
    matches!(key, "x-webhooks" | "x-prefix-items" | "x-item-schema")
}

/// Defines a walk: `$name` walks `value`, whose pointer is `at` (one buffer for the whole walk,
/// each child's token appended before its visit and cut off after), calling `$object` on each
/// keyword object (it says whether to go inside: not into a reference) and `$discriminator`
/// on each `discriminator`. [`walk`] and [`walk_mut`] are the same walk, over a value read or
/// changed.
macro_rules! walker {
    ($(#[$doc:meta])* $name:ident($value:ty, $out:ty), $iter:ident, $object:path, $discriminator:path) => {
        $(#[$doc])*
        fn $name(
            value: $value,
            at: &mut String,
            context: Context,
            kind: Option<Kind>,
            out: $out,
            depth: usize,
        ) {
            if depth > MAX_DEPTH {
                return;
            }
            let parent_len = at.len();
            match value {
                Value::Array(items) => {
                    for (index, item) in items.$iter().enumerate() {
                        let _ = write!(at, "/{index}");
                        $name(item, at, Context::Keywords, kind, out, depth + 1);
                        at.truncate(parent_len);
                    }
                }
                Value::Object(map) => {
                    if context == Context::Names {
                        for (name, child) in map.$iter() {
                            push_token(at, name);
                            $name(child, at, Context::Keywords, kind, out, depth + 1);
                            at.truncate(parent_len);
                        }
                        return;
                    }
                    if !$object(map, at, kind, out) {
                        return;
                    }
                    for (key, child) in map.$iter() {
                        if is_data(key, kind) {
                            continue;
                        }
                        push_token(at, key);
                        if key == "discriminator" {
                            $discriminator(child, at, out);
                        } else {
                            let (context, child_kind) = child_place(key, child, kind);
                            $name(child, at, context, child_kind, out, depth + 1);
                        }
                        at.truncate(parent_len);
                    }
                }
                _ => {}
            }
        }
    };
}

walker!(
    /// The walk that collects [`Found`].
    walk(&Value, &mut Found),
    iter,
    found_object,
    mapping_sites
);

walker!(
    /// The walk of [`visit_objects_mut`].
    walk_mut(&mut Value, &mut ObjectVisit<'_>),
    iter_mut,
    visit_object,
    skip_discriminator
);

/// A keyword object met by [`walk`]: a reference is a site (and not walked into), anything
/// else of a known kind an object.
fn found_object(map: &Map<String, Value>, at: &str, kind: Option<Kind>, out: &mut Found) -> bool {
    if let Some(reference) = map.get("$ref") {
        out.sites.push(Site {
            at: at.to_owned(),
            reference: reference.as_str().map(str::to_owned),
            kind,
            mapping: false,
        });
        return false;
    }
    if let (Some(objects), Some(kind)) = (&mut out.objects, kind) {
        objects.push((at.to_owned(), kind));
    }
    true
}

/// A keyword object met by [`walk_mut`]: visited when it is of a known kind and not a
/// reference, before what is inside it.
fn visit_object(
    map: &mut Map<String, Value>,
    at: &str,
    kind: Option<Kind>,
    visit: &mut ObjectVisit<'_>,
) -> bool {
    if map.contains_key("$ref") {
        return false;
    }
    if let Some(kind) = kind {
        visit(at, kind, map);
    }
    true
}

/// A discriminator holds no object [`walk_mut`] visits.
fn skip_discriminator(_: &mut Value, _: &str, _: &mut ObjectVisit<'_>) {}

/// The values of `discriminator.mapping`.
fn mapping_sites(discriminator: &Value, at: &str, out: &mut Found) {
    let Some(Value::Object(mapping)) = discriminator.get("mapping") else {
        return;
    };
    let mapping_at = join(at, "mapping");
    for (value, target) in mapping {
        if let Value::String(target) = target {
            out.sites.push(Site {
                at: join(&mapping_at, value),
                reference: Some(target.clone()),
                kind: Some(Kind::Schema),
                mapping: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_reference_with_its_kind() {
        let document: Value = serde_yaml::from_str(
            "
paths:
  /a:
    $ref: paths/a.yaml
  /b:
    get:
      parameters:
        - $ref: '#/components/parameters/P'
      requestBody: {$ref: '#/components/requestBodies/B'}
      responses:
        '200':
          $ref: '#/components/responses/R'
        '201':
          description: ok
          headers: {X: {$ref: h.yaml}}
          content:
            application/json:
              schema:
                type: object
                properties:
                  p: {$ref: S.yaml}
                  q: {type: array, items: {$ref: '#/components/schemas/Q'}}
                example: {$ref: not a reference}
              examples: {e: {$ref: ex.yaml}, f: {value: {$ref: data}}}
      x-codeSamples: [{$ref: code.cs}]
components:
  schemas:
    U:
      oneOf: [{$ref: '#/components/schemas/A'}]
      discriminator: {propertyName: t, mapping: {a: A.yaml}}
      default: {$ref: data}
      examples: [{$ref: data}]
definitions:
  D: {$ref: 7}
",
        )
        .unwrap();
        let found: Vec<(String, Option<Kind>, bool)> = sites(&document)
            .into_iter()
            .map(|s| (s.at, s.kind, s.reference.is_some()))
            .collect();
        let content = "#/paths/~1b/get/responses/201/content/application~1json";
        assert_eq!(
            found,
            [
                ("#/paths/~1a".to_owned(), Some(Kind::PathItem), true),
                (
                    "#/paths/~1b/get/parameters/0".to_owned(),
                    Some(Kind::Parameter),
                    true
                ),
                (
                    "#/paths/~1b/get/requestBody".to_owned(),
                    Some(Kind::RequestBody),
                    true
                ),
                (
                    "#/paths/~1b/get/responses/200".to_owned(),
                    Some(Kind::Response),
                    true
                ),
                (
                    "#/paths/~1b/get/responses/201/headers/X".to_owned(),
                    Some(Kind::Header),
                    true
                ),
                (
                    format!("{content}/schema/properties/p"),
                    Some(Kind::Schema),
                    true
                ),
                (
                    format!("{content}/schema/properties/q/items"),
                    Some(Kind::Schema),
                    true
                ),
                (format!("{content}/examples/e"), Some(Kind::Example), true),
                (
                    "#/components/schemas/U/oneOf/0".to_owned(),
                    Some(Kind::Schema),
                    true
                ),
                (
                    "#/components/schemas/U/discriminator/mapping/a".to_owned(),
                    Some(Kind::Schema),
                    true
                ),
                ("#/definitions/D".to_owned(), Some(Kind::Schema), false),
            ]
        );
    }
}
