//! OpenAPI 3.1 (and 3.2 documents that use only 3.1 constructs) → OpenAPI 3.0.
//!
//! Two passes over the (bundled) input. The first (`index`) finds every schema, the base URI
//! it is read against, the `$id`s and `$anchor`s that name schemas, and decides which schemas
//! move into `components/schemas` (every `$defs` entry, named `X_Y` for
//! `#/components/schemas/X/$defs/Y`; every schema a `$ref` points to that is not a component,
//! named by its `$anchor`, its `$id` or its place) and under which names. The second rewrites
//! the document part by part, recording in [`Moves`] where every rewritten part came from:
//!
//! - the root: `openapi: 3.0.3`; `paths: {}` when absent; `webhooks` → `x-webhooks`;
//!   `jsonSchemaDialect` and `$self` dropped; `info.summary` becomes the description when there
//!   is none; `license.identifier` becomes the license URL when there is none;
//! - path items: a `$ref` (to `components/pathItems` or elsewhere) is replaced by the path item,
//!   its `summary`/`description` siblings winning; `components.pathItems` then goes; callbacks
//!   are inlined the same way; the 3.2 `query` method, `additionalOperations` and
//!   `in: querystring` parameters are dropped with a warning;
//! - other references (parameters, responses…) keep only their `$ref`;
//! - security: `mutualTLS` schemes are dropped with a warning, and so are their names in
//!   security requirements;
//! - media types: the 3.2 `itemSchema` → `x-item-schema`;
//! - schemas: `true` → `{}`, `false` → `{not: {}}`; `anyOf`/`oneOf` of one schema and
//!   `{type: "null"}` → that schema, `nullable: true` (a `$ref` as `allOf: [{$ref}]`); `$ref`
//!   with siblings → `allOf: [{$ref}]` beside them; references rewritten to where their targets
//!   are now; `const` → a one-value `enum`; type lists → `nullable` and, for several types, an
//!   `anyOf` of one schema per type with the keywords that apply to it; `examples` → `example`;
//!   numeric `exclusiveMinimum`/`exclusiveMaximum` → the 3.0 bound and flag;
//!   `contentEncoding: base64` → `format: byte`, a binary `contentMediaType` → `format: binary`;
//!   `prefixItems` → `x-prefix-items`; what 3.0 cannot type (`if`, `patternProperties`,
//!   `$dynamicRef`, …) is dropped with a warning at the keyword saying what the client does
//!   instead.
//!
//! The converter never panics: a value of the wrong type passes through for later phases to
//! report, and recursion stops 128 levels deep with a warning.

mod index;
mod schema;
#[cfg(test)]
mod tests;
mod uri;

use super::{Converted, Moves, Warning};
use crate::diagnostic::escape_token;
use crate::load::{pointer_tokens, value_at};
use index::{Index, Kind, Shape, shape};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashSet;

/// How deep the conversion descends (objects inside objects, schemas inside schemas, path
/// items inlined into path items) before it gives up on a part with a warning.
const MAX_DEPTH: usize = 128;

/// The dialects that mean "JSON Schema 2020-12 as OpenAPI uses it".
const KNOWN_DIALECTS: &[&str] = &[
    "https://spec.openapis.org/oas/3.1/dialect/base",
    "https://spec.openapis.org/oas/3.1/dialect/2024-11-10",
    "https://spec.openapis.org/oas/3.2/dialect/2025-09-17",
    "https://json-schema.org/draft/2020-12/schema",
];

/// Rewrites an OpenAPI 3.1 or 3.2 document into the OpenAPI 3.0 shape.
pub fn convert(document: Value) -> Converted {
    let index = Index::build(&document);
    let mut converter = Converter {
        input: &document,
        index,
        moves: Moves::default(),
        warnings: Vec::new(),
        inlining: Vec::new(),
        dropped_schemes: HashSet::new(),
    };
    let output = converter.document();
    let Converter {
        moves,
        mut warnings,
        ..
    } = converter;
    warnings.sort();
    warnings.dedup();
    Converted {
        document: output,
        moves,
        warnings,
    }
}

/// `at` with one more token.
fn join(at: &str, key: &str) -> String {
    format!("{at}/{}", escape_token(key))
}

struct Converter<'a> {
    input: &'a Value,
    index: Index,
    moves: Moves,
    warnings: Vec<Warning>,
    /// The objects being inlined for a `$ref` (path items, callbacks, media types), to stop
    /// cycles.
    inlining: Vec<String>,
    /// The security schemes left out (`mutualTLS`).
    dropped_schemes: HashSet<String>,
}

impl<'a> Converter<'a> {
    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: at.to_owned(),
            message: message.into(),
        });
    }

    /// Records that the output at `new` came from the input at `old`, unless the moves recorded
    /// so far already say so.
    fn place(&mut self, new: &str, old: &str) {
        if self.moves.origin(new) != old {
            self.moves.record(new, old);
        }
    }

    fn document(&mut self) -> Value {
        let input = self.input;
        let Value::Object(root) = input else {
            // Not a document at all: the loader says so.
            return input.clone();
        };
        self.dropped_schemes = mutual_tls_schemes(input);
        let mut out = Map::new();
        for (key, value) in root {
            let at = join("#", key);
            match key.as_str() {
                "openapi" => {
                    out.insert(key.clone(), Value::from("3.0.3"));
                }
                "info" => {
                    out.insert(key.clone(), self.info(value));
                }
                "jsonSchemaDialect" => {
                    if !value.as_str().is_some_and(|d| KNOWN_DIALECTS.contains(&d)) {
                        self.warn(
                            &at,
                            "`jsonSchemaDialect` names a dialect this generator does not know: \
                             schemas are read as JSON Schema 2020-12 as OpenAPI 3.1 defines it",
                        );
                    }
                }
                "$self" => {}
                "webhooks" => {
                    let converted = self.children(
                        Shape::Map(Kind::PathItem),
                        value,
                        "#/webhooks",
                        "#/x-webhooks",
                        1,
                    );
                    out.insert("x-webhooks".to_owned(), converted);
                }
                "x-webhooks" if root.contains_key("webhooks") => self.warn(
                    &at,
                    "`x-webhooks` is where the converted `webhooks` go: this one is replaced",
                ),
                "security" => {
                    out.insert(key.clone(), self.security(value));
                }
                _ => {
                    let converted = match shape(Kind::Document, key) {
                        Some(shape) => self.children(shape, value, &at, &at, 1),
                        None => value.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
            }
        }
        if !out.contains_key("paths") {
            out.insert("paths".to_owned(), Value::Object(Map::new()));
        }
        let hoisted = self.hoisted();
        if !hoisted.is_empty() {
            let components = out
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components
                && let Value::Object(schemas) = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()))
            {
                schemas.extend(hoisted);
            }
        }
        Value::Object(out)
    }

    /// The schemas moved into `components/schemas`, converted where they now stand.
    fn hoisted(&mut self) -> Vec<(String, Value)> {
        let plan: Vec<(String, String)> = self
            .index
            .hoist
            .iter()
            .map(|(at, name)| (at.clone(), name.clone()))
            .collect();
        let mut out = Vec::with_capacity(plan.len());
        for (at, name) in plan {
            let Some(value) = value_at(self.input, &at) else {
                continue;
            };
            let new = index::component_pointer(&name);
            let base = self.index.parent_base(&at);
            let converted = self.schema(Cow::Borrowed(value), &at, &new, &base, 1, false);
            out.push((name, converted));
        }
        out
    }

    fn info(&mut self, value: &Value) -> Value {
        let Value::Object(info) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (key, child) in info {
            match key.as_str() {
                // 3.0 has no summary: it describes the API when nothing else does.
                "summary" => {
                    if !info.contains_key("description") {
                        out.insert("description".to_owned(), child.clone());
                        self.place("#/info/description", "#/info/summary");
                    }
                }
                "license" => {
                    out.insert(key.clone(), self.license(child));
                }
                _ => {
                    out.insert(key.clone(), child.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn license(&mut self, value: &Value) -> Value {
        let Value::Object(license) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (key, child) in license {
            if key == "identifier" {
                // An SPDX identifier says what the SPDX page for it says.
                if !license.contains_key("url")
                    && let Some(identifier) = child.as_str()
                {
                    out.insert(
                        "url".to_owned(),
                        Value::from(format!("https://spdx.org/licenses/{identifier}.html")),
                    );
                    self.place("#/info/license/url", "#/info/license/identifier");
                }
            } else {
                out.insert(key.clone(), child.clone());
            }
        }
        Value::Object(out)
    }

    /// Security requirements without the schemes that were left out.
    fn security(&mut self, value: &Value) -> Value {
        if self.dropped_schemes.is_empty() {
            return value.clone();
        }
        let Value::Array(requirements) = value else {
            return value.clone();
        };
        let kept = requirements
            .iter()
            .map(|requirement| match requirement {
                Value::Object(schemes) => Value::Object(
                    schemes
                        .iter()
                        .filter(|(name, _)| !self.dropped_schemes.contains(*name))
                        .map(|(name, scopes)| (name.clone(), scopes.clone()))
                        .collect(),
                ),
                other => other.clone(),
            })
            .collect();
        Value::Array(kept)
    }

    /// The objects of `shape` held by `value` (input at `old`, output at `new`).
    fn children(
        &mut self,
        shape: Shape,
        value: &'a Value,
        old: &str,
        new: &str,
        depth: usize,
    ) -> Value {
        self.place(new, old);
        match (shape, value) {
            (Shape::One(kind), _) => self.node(kind, value, old, new, depth + 1),
            (Shape::Map(kind), Value::Object(entries)) => {
                let mut out = Map::new();
                for (name, child) in entries {
                    let converted =
                        self.node(kind, child, &join(old, name), &join(new, name), depth + 1);
                    out.insert(name.clone(), converted);
                }
                Value::Object(out)
            }
            (Shape::List(kind), Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (position, child) in items.iter().enumerate() {
                    let child_old = format!("{old}/{position}");
                    if kind == Kind::Parameter
                        && child.get("in").and_then(Value::as_str) == Some("querystring")
                    {
                        self.warn(
                            &child_old,
                            "`in: querystring` (OpenAPI 3.2) has no OpenAPI 3.0 equivalent: \
                             the parameter is left out",
                        );
                        continue;
                    }
                    let child_new = format!("{new}/{}", out.len());
                    out.push(self.node(kind, child, &child_old, &child_new, depth + 1));
                }
                Value::Array(out)
            }
            _ => value.clone(),
        }
    }

    /// One object of `kind`.
    fn node(&mut self, kind: Kind, value: &'a Value, old: &str, new: &str, depth: usize) -> Value {
        self.place(new, old);
        if kind == Kind::Schema {
            let base = self.index.doc_base.clone();
            return self.schema(Cow::Borrowed(value), old, new, &base, depth, true);
        }
        if depth > MAX_DEPTH {
            self.warn(
                old,
                format!("nested more than {MAX_DEPTH} levels deep: this part is left empty"),
            );
            return Value::Object(Map::new());
        }
        let Value::Object(map) = value else {
            return value.clone();
        };
        if let Some(reference) = map.get("$ref")
            && can_be_reference(kind)
        {
            return match kind {
                // OpenAPI 3.0 (or openapiv3) cannot refer to these: the target comes inline.
                Kind::PathItem | Kind::Callback | Kind::MediaType => {
                    self.inline(kind, map, reference, old, new, depth)
                }
                // 3.1 allows `summary` and `description` next to these `$ref`s; 3.0 ignores them.
                _ => {
                    let mut only = Map::new();
                    only.insert("$ref".to_owned(), reference.clone());
                    Value::Object(only)
                }
            };
        }
        let mut out = Map::new();
        for (key, child) in map {
            let child_old = join(old, key);
            let child_new = join(new, key);
            match (kind, key.as_str()) {
                (Kind::PathItem, "query") => self.warn(
                    &child_old,
                    "the `query` method (OpenAPI 3.2) has no OpenAPI 3.0 equivalent: the \
                     operation is left out",
                ),
                (Kind::PathItem, "additionalOperations") => self.warn(
                    &child_old,
                    "`additionalOperations` (OpenAPI 3.2) have no OpenAPI 3.0 equivalent: \
                     these operations are left out",
                ),
                (Kind::Operation, "security") => {
                    out.insert(key.clone(), self.security(child));
                }
                (Kind::MediaType, "itemSchema") => {
                    let child_new = join(new, "x-item-schema");
                    let converted =
                        self.node(Kind::Schema, child, &child_old, &child_new, depth + 1);
                    out.insert("x-item-schema".to_owned(), converted);
                }
                (Kind::MediaType | Kind::Encoding, "itemEncoding" | "prefixEncoding") => self.warn(
                    &child_old,
                    format!(
                        "`{key}` (OpenAPI 3.2) has no OpenAPI 3.0 equivalent: the parts \
                             are encoded by their default rules"
                    ),
                ),
                (Kind::Example, "dataValue") => {
                    if !map.contains_key("value") && !map.contains_key("externalValue") {
                        out.insert("value".to_owned(), child.clone());
                        self.place(&join(new, "value"), &child_old);
                    }
                }
                (Kind::Example, "serializedValue") => {}
                (Kind::Components, "pathItems" | "mediaTypes") => {}
                (Kind::Components, "securitySchemes") => {
                    out.insert(key.clone(), self.security_schemes(child, &child_old));
                }
                _ => {
                    let converted = match shape(kind, key) {
                        Some(shape) => self.children(shape, child, &child_old, &child_new, depth),
                        None => child.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
            }
        }
        Value::Object(out)
    }

    /// The object a `$ref` points to, converted in place of the reference; the reference's
    /// `summary` and `description` win over the target's.
    fn inline(
        &mut self,
        kind: Kind,
        map: &'a Map<String, Value>,
        reference: &'a Value,
        old: &str,
        new: &str,
        depth: usize,
    ) -> Value {
        let target = reference
            .as_str()
            .filter(|r| r.starts_with('#'))
            .and_then(pointer_tokens)
            .map(crate::diagnostic::pointer);
        let Some((target_at, target)) =
            target.and_then(|at| value_at(self.input, &at).map(|value| (at, value)))
        else {
            // Left for validation to report; say why, since 3.0 has no such reference at all.
            if let Some(reference) = reference.as_str() {
                self.warn(
                    &join(old, "$ref"),
                    format!(
                        "`$ref: {reference}` does not resolve in this document, so it cannot be \
                         written inline"
                    ),
                );
            }
            return Value::Object(map.clone());
        };
        if self.inlining.contains(&target_at) || depth > MAX_DEPTH {
            self.warn(
                &join(old, "$ref"),
                format!(
                    "`$ref: {target_at}` refers back to itself through `$ref`s: it is left empty"
                ),
            );
            return Value::Object(Map::new());
        }
        self.inlining.push(target_at.clone());
        let mut converted = self.node(kind, target, &target_at, new, depth + 1);
        self.inlining.pop();
        if let Value::Object(out) = &mut converted {
            for (key, sibling) in map {
                match key.as_str() {
                    "$ref" => {}
                    "summary" | "description" => {
                        out.insert(key.clone(), sibling.clone());
                        self.place(&join(new, key), &join(old, key));
                    }
                    _ => self.warn(
                        &join(old, key),
                        format!("`{key}` next to a `$ref` is ignored (only `summary` and `description` may stand there)"),
                    ),
                }
            }
        }
        converted
    }

    fn security_schemes(&mut self, value: &Value, at: &str) -> Value {
        let Value::Object(schemes) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (name, scheme) in schemes {
            if self.dropped_schemes.contains(name) {
                self.warn(
                    &join(&join(at, name), "type"),
                    "`type: mutualTLS` has no OpenAPI 3.0 equivalent: the scheme is left out, \
                     and the client presents no TLS client certificate unless its HTTP client is \
                     configured to",
                );
            } else {
                out.insert(name.clone(), scheme.clone());
            }
        }
        Value::Object(out)
    }
}

/// Whether an object of this kind may be a Reference Object.
fn can_be_reference(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PathItem
            | Kind::Callback
            | Kind::MediaType
            | Kind::Parameter
            | Kind::Header
            | Kind::RequestBody
            | Kind::Response
            | Kind::Example
    )
}

/// The names of the `mutualTLS` security schemes.
fn mutual_tls_schemes(document: &Value) -> HashSet<String> {
    let Some(Value::Object(schemes)) = document.pointer("/components/securitySchemes") else {
        return HashSet::new();
    };
    schemes
        .iter()
        .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect()
}
