//! A first pass over the input: where the schemas are, which base URI each one is read against,
//! which `$id`s and `$anchor`s name them, and which schemas must be hoisted into
//! `components/schemas` (every `$defs` entry, and every schema a `$ref` points to that is not a
//! component itself), with the name each one gets.

use super::uri;
use super::{MAX_DEPTH, join};
use crate::diagnostic::escape_token;
use crate::load::{pointer_tokens, value_at};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The base URI of a document that names none (`$self`): any absolute URI works, since every
/// reference in a bundled document is local.
pub(super) const DEFAULT_BASE: &str = "https://openapi.invalid/document";

/// The kinds of objects the walk distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Encoding,
    Callback,
    Components,
    Example,
    Schema,
}

/// How the value under a key holds objects of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    One(Kind),
    Map(Kind),
    List(Kind),
}

/// The HTTP methods OpenAPI 3.0 knows.
pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What stands under `key` in an object of `kind` (schemas excepted: see [`schema_shape`]).
pub(super) fn shape(kind: Kind, key: &str) -> Option<Shape> {
    use Kind::*;
    use Shape::{List, Map, One};
    if key.starts_with("x-") {
        return None;
    }
    Some(match (kind, key) {
        (Document, "paths") => One(Paths),
        (Document, "webhooks") => Map(PathItem),
        (Document, "components") => One(Components),
        (Paths | Callback, _) => One(PathItem),
        (PathItem | Operation, "parameters") => List(Parameter),
        (PathItem, "query") => One(Operation),
        (PathItem, method) if METHODS.contains(&method) => One(Operation),
        (PathItem, "additionalOperations") => Map(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => One(Responses),
        (Operation, "callbacks") => Map(Callback),
        (Responses, _) => One(Response),
        (Parameter | Header, "schema") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (Parameter | Header | MediaType, "examples") => Map(Example),
        (Response | Encoding, "headers") => Map(Header),
        (MediaType, "schema" | "itemSchema") => One(Schema),
        (MediaType | Encoding, "encoding") => Map(Encoding),
        (MediaType | Encoding, "prefixEncoding") => List(Encoding),
        (MediaType | Encoding, "itemEncoding") => One(Encoding),
        (Components, "schemas") => Map(Schema),
        (Components, "responses") => Map(Response),
        (Components, "parameters") => Map(Parameter),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "callbacks") => Map(Callback),
        (Components, "pathItems") => Map(PathItem),
        (Components, "examples") => Map(Example),
        (Components, "mediaTypes") => Map(MediaType),
        _ => return None,
    })
}

/// The keywords of a schema whose values are schemas (JSON Schema 2020-12, and the older
/// `definitions`, `additionalItems` and array-valued `items`).
pub(super) fn schema_shape(key: &str) -> Option<Shape> {
    use Kind::Schema;
    Some(match key {
        "properties" | "patternProperties" | "dependentSchemas" | "$defs" | "definitions" => {
            Shape::Map(Schema)
        }
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Shape::List(Schema),
        "items"
        | "additionalProperties"
        | "not"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "contentSchema"
        | "additionalItems" => Shape::One(Schema),
        _ => return None,
    })
}

/// What the first pass found.
#[derive(Debug, Default)]
pub(super) struct Index {
    /// The document's base URI (`$self`, else [`DEFAULT_BASE`]), without fragment.
    pub doc_base: String,
    /// Absolute URI (without fragment) of each `$id` → the schema that has it.
    ids: HashMap<String, String>,
    /// (resource URI, anchor name) → the schema that has it.
    anchors: HashMap<(String, String), String>,
    /// Anchor name → every schema with that name, for references written against the wrong
    /// base.
    anchors_by_name: HashMap<String, Vec<String>>,
    /// Every place a schema stands.
    schemas: HashSet<String>,
    /// The base URI a schema's parent reads it against, where it is not [`Index::doc_base`].
    parent_bases: HashMap<String, String>,
    /// Every `$defs` (or `definitions`) entry, in document order.
    defs: Vec<String>,
    /// Every schema `$ref` (and discriminator mapping that looks like one) with its base.
    refs: Vec<(String, String)>,
    /// The schemas to hoist into `components/schemas`: input pointer → component name.
    pub hoist: IndexMap<String, String>,
}

/// What a schema reference points to in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// A JSON pointer into the input (canonical escaping, `#/a/b`).
    Pointer(String),
    /// A name (`$anchor` or `$id`) the document does not define.
    Unknown,
}

impl Index {
    pub(super) fn build(document: &Value) -> Index {
        let doc_base = match document.get("$self").and_then(Value::as_str) {
            Some(own) => uri::split_fragment(&uri::resolve(DEFAULT_BASE, own))
                .0
                .to_owned(),
            None => DEFAULT_BASE.to_owned(),
        };
        let mut index = Index {
            doc_base: doc_base.clone(),
            ..Index::default()
        };
        index.walk(Kind::Document, document, "#".to_owned(), &doc_base, 0);
        index.plan(document);
        index
    }

    /// Whether a schema stands at `at` (a canonical pointer).
    pub(super) fn is_schema(&self, at: &str) -> bool {
        self.schemas.contains(at)
    }

    /// The base URI the parent of the schema at `at` reads it against.
    pub(super) fn parent_base(&self, at: &str) -> String {
        self.parent_bases
            .get(at)
            .cloned()
            .unwrap_or_else(|| self.doc_base.clone())
    }

    fn walk(&mut self, kind: Kind, value: &Value, at: String, base: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if kind == Kind::Schema {
            self.schema(value, at, base, depth);
            return;
        }
        let Value::Object(map) = value else { return };
        if map.contains_key("$ref") {
            // The target is indexed where it stands.
            return;
        }
        for (key, child) in map {
            let Some(shape) = shape(kind, key) else {
                continue;
            };
            self.children(shape, child, &join(&at, key), base, depth);
        }
    }

    fn children(&mut self, shape: Shape, value: &Value, at: &str, base: &str, depth: usize) {
        match (shape, value) {
            (Shape::One(kind), _) => self.walk(kind, value, at.to_owned(), base, depth + 1),
            (Shape::Map(kind), Value::Object(entries)) => {
                for (name, child) in entries {
                    self.walk(kind, child, join(at, name), base, depth + 1);
                }
            }
            (Shape::List(kind), Value::Array(items)) => {
                for (position, child) in items.iter().enumerate() {
                    self.walk(kind, child, format!("{at}/{position}"), base, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn schema(&mut self, value: &Value, at: String, parent_base: &str, depth: usize) {
        self.schemas.insert(at.clone());
        let Value::Object(map) = value else { return };
        if parent_base != self.doc_base {
            self.parent_bases.insert(at.clone(), parent_base.to_owned());
        }
        let mut base = parent_base.to_owned();
        if let Some(id) = map.get("$id").and_then(Value::as_str) {
            let absolute = uri::resolve(parent_base, id);
            let (resource, fragment) = uri::split_fragment(&absolute);
            if id.starts_with('#') {
                // `$id: "#name"` is how JSON Schema draft 7 wrote an anchor.
                if !fragment.is_empty() {
                    self.anchor(resource, fragment, &at);
                }
            } else {
                base = resource.to_owned();
                self.ids.entry(base.clone()).or_insert_with(|| at.clone());
            }
        }
        for keyword in ["$anchor", "$dynamicAnchor"] {
            if let Some(name) = map.get(keyword).and_then(Value::as_str) {
                let resource = base.clone();
                self.anchor(&resource, name, &at);
            }
        }
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            self.refs.push((reference.to_owned(), base.clone()));
        }
        if let Some(Value::Object(mapping)) =
            map.get("discriminator").and_then(|d| d.get("mapping"))
        {
            for target in mapping.values().filter_map(Value::as_str) {
                if looks_like_reference(target) {
                    self.refs.push((target.to_owned(), base.clone()));
                }
            }
        }
        for (key, child) in map {
            let Some(shape) = schema_shape(key) else {
                continue;
            };
            let child_at = join(&at, key);
            if matches!(key.as_str(), "$defs" | "definitions")
                && let Value::Object(entries) = child
            {
                for name in entries.keys() {
                    self.defs.push(join(&child_at, name));
                }
            }
            // `items: [a, b]` (JSON Schema draft 2019 and older) is a list of schemas.
            let shape = match (key.as_str(), child) {
                ("items", Value::Array(_)) => Shape::List(Kind::Schema),
                _ => shape,
            };
            self.children(shape, child, &child_at, &base, depth);
        }
    }

    fn anchor(&mut self, resource: &str, name: &str, at: &str) {
        self.anchors
            .entry((resource.to_owned(), name.to_owned()))
            .or_insert_with(|| at.to_owned());
        self.anchors_by_name
            .entry(name.to_owned())
            .or_default()
            .push(at.to_owned());
    }

    /// Resolves a schema reference written in a schema whose base URI is `base`.
    pub(super) fn resolve(&self, document: &Value, reference: &str, base: &str) -> Target {
        let absolute = uri::resolve(base, reference);
        let (resource_uri, fragment) = uri::split_fragment(&absolute);
        let fragment = uri::percent_decode(fragment);
        let resource = if resource_uri == self.doc_base {
            Some("#".to_owned())
        } else {
            self.ids.get(resource_uri).cloned()
        };
        if fragment.is_empty() {
            return resource.map_or(Target::Unknown, Target::Pointer);
        }
        if fragment.starts_with('/') {
            let Some(tokens) = pointer_tokens(&fragment) else {
                return Target::Unknown;
            };
            let inside = |root: &str| {
                let mut at = root.to_owned();
                for token in &tokens {
                    at = join(&at, token);
                }
                at
            };
            return match resource {
                Some(root) => {
                    let at = inside(&root);
                    // A pointer written as if from the document's root inside an `$id`
                    // resource: read it from the root, as most tools do.
                    if root != "#" && value_at(document, &at).is_none() {
                        Target::Pointer(inside("#"))
                    } else {
                        Target::Pointer(at)
                    }
                }
                None => Target::Unknown,
            };
        }
        if let Some(at) = self
            .anchors
            .get(&(resource_uri.to_owned(), fragment.clone()))
        {
            return Target::Pointer(at.clone());
        }
        // An anchor named from the wrong base, but only one schema has that name.
        match self.anchors_by_name.get(&fragment).map(Vec::as_slice) {
            Some([only]) => Target::Pointer(only.clone()),
            _ => Target::Unknown,
        }
    }

    /// Decides which schemas move into `components/schemas` and under which names.
    fn plan(&mut self, document: &Value) {
        let mut taken: HashSet<String> = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut hoist = IndexMap::new();
        for at in std::mem::take(&mut self.defs) {
            let name = unique(&mut taken, defs_name(&at));
            hoist.insert(at, name);
        }
        for (reference, base) in std::mem::take(&mut self.refs) {
            let Target::Pointer(at) = self.resolve(document, &reference, &base) else {
                continue;
            };
            if hoist.contains_key(&at) || is_component(&at) || !self.is_schema(&at) {
                continue;
            }
            let name = unique(&mut taken, target_name(&at, value_at(document, &at)));
            hoist.insert(at, name);
        }
        self.hoist = hoist;
    }
}

/// A discriminator mapping value is a schema name or a reference; references have a `#` or a
/// `/` (`Cat` is a name, `#/components/schemas/Cat` and `cat.json` are references).
pub(super) fn looks_like_reference(target: &str) -> bool {
    target.contains('#') || target.contains('/') || target.ends_with(".json")
}

/// Whether `at` is `#/components/schemas/<Name>`.
pub(super) fn is_component(at: &str) -> bool {
    matches!(
        pointer_tokens(at).as_deref(),
        Some([components, schemas, _]) if components == "components" && schemas == "schemas"
    )
}

/// `#/components/schemas/<Name>` for a component name.
pub(super) fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", escape_token(name))
}

/// Tokens that say where something is, not what it is: left out of hoisted names.
const STRUCTURAL: &[&str] = &[
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
    "components",
    "schemas",
    "paths",
    "webhooks",
    "content",
    "schema",
    "responses",
    "requestBody",
    "parameters",
    "headers",
    "pathItems",
    "callbacks",
];

/// The name of a hoisted `$defs` entry: `X_Y` for `#/components/schemas/X/$defs/Y`; outside
/// components, the names after the last `$defs`.
fn defs_name(at: &str) -> String {
    let tokens = pointer_tokens(at).unwrap_or_default();
    let in_component = tokens.len() > 2
        && tokens.first().is_some_and(|t| t == "components")
        && tokens.get(1).is_some_and(|t| t == "schemas");
    let from = if in_component {
        2
    } else {
        tokens
            .iter()
            .rposition(|t| t == "$defs" || t == "definitions")
            .unwrap_or(0)
    };
    name_from(tokens.get(from..).unwrap_or_default())
}

/// The name of any other hoisted schema: its `$anchor`, else the last segment of its `$id`,
/// else one made from its place.
fn target_name(at: &str, schema: Option<&Value>) -> String {
    let text = |key: &str| schema.and_then(|s| s.get(key)).and_then(Value::as_str);
    if let Some(anchor) = text("$anchor").or_else(|| text("$dynamicAnchor")) {
        return sanitize(anchor);
    }
    if let Some(id) = text("$id").filter(|id| !id.starts_with('#')) {
        let path = uri::split_fragment(id).0.trim_end_matches('/');
        let last = path.rsplit('/').next().unwrap_or(path);
        let stem = last.split('.').next().unwrap_or(last);
        if !stem.is_empty() {
            return sanitize(stem);
        }
    }
    defs_name(at)
}

fn name_from(tokens: &[String]) -> String {
    let parts: Vec<String> = tokens
        .iter()
        .filter(|t| !STRUCTURAL.contains(&t.as_str()))
        .map(|t| sanitize(t))
        .filter(|t| !t.is_empty())
        .collect();
    if parts.is_empty() {
        "Schema".to_owned()
    } else {
        parts.join("_")
    }
}

/// Keeps the characters OpenAPI allows in component names (`[A-Za-z0-9._-]`).
fn sanitize(text: &str) -> String {
    let replaced: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    replaced.trim_matches('_').to_owned()
}

/// `name`, or `name_2`, `name_3`… when taken; the result is taken.
fn unique(taken: &mut HashSet<String>, name: String) -> String {
    let name = if name.is_empty() {
        "Schema".to_owned()
    } else {
        name
    };
    let mut candidate = name.clone();
    let mut n: u32 = 1;
    while taken.contains(&candidate) {
        n = n.saturating_add(1);
        candidate = format!("{name}_{n}");
    }
    taken.insert(candidate.clone());
    candidate
}
