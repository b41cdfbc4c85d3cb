//! Validation: every problem in a loaded spec, each with its JSON pointer, and what lowering may
//! rely on afterwards ([`Proven`]).
//!
//! The checks run on the plain JSON document ([`Spec::raw`]), where every place has a pointer,
//! and never stop at the first problem:
//!
//! - every local `$ref` resolves, to the kind of object expected where it stands, and no chain of
//!   references loops back on itself without defining anything (references to other files were
//!   followed, or reported, by bundling);
//! - operationIds are unique;
//! - path templates and path parameters agree, path parameters are required, and parameters
//!   are unique by name and location within an operation;
//! - the vendor extensions the generator reads (`x-pagination`, `x-signer`, `x-environment`,
//!   `x-client-parameter`, `x-auth-header`, `x-idempotent`) are well formed.
//!
//! Almost everything is a warning with a fallback that lowering applies quietly (a reference
//! that does not resolve is a JSON value, a broken `x-pagination` is no page stream, a duplicate
//! parameter is left out…); only a document with nothing to generate is an error. What
//! validation proved (each operation's parsed path template, its effective parameters after
//! path-item parameters are merged in, the parsed extensions) is handed to lowering, which
//! does not read those parts of the spec again.

use crate::diagnostic::{Problems, join};
use crate::load::{Spec, pointer_tokens, value_at};
use crate::model::{Environment, PathPart};
use crate::refs::{self, Kind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

mod runtime_extensions;

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The only signing algorithm the runtime implements.
pub const SIGNER: &str = "sdk-hmac-sha256";

/// What validation proved about the spec, for lowering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Proven {
    /// Every operation that can be generated, in spec order.
    pub operations: Vec<ProvenOperation>,
    /// The root extension `x-environment`, when given and well formed.
    pub environment: Option<Environment>,
    /// The text of every local `$ref` (`#/…`) that stands where a schema goes, outside
    /// discriminator mappings, in document order: lowering finds the shared inline schemas
    /// among them without walking the document again.
    pub schema_references: Vec<String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvenOperation {
    /// The path template, as in the spec.
    pub path: String,
    /// The method, lower case.
    pub method: &'static str,
    /// Its pointer.
    pub at: String,
    /// The pointer of the path item holding it (another path item's, when the path item is a
    /// `$ref` to one).
    pub item_at: String,
    /// The path template, split.
    pub template: Vec<PathPart>,
    /// The parameters that apply, path-item ones first, each overridden in place by an
    /// operation parameter of the same name and location.
    pub parameters: Vec<ProvenParameter>,
    /// `x-pagination`, checked against the parameters and the response schema.
    pub pagination: Option<PaginationNames>,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenParameter {
    /// Which list it stands in, and where.
    pub source: ParameterSource,
    /// Where it stands (`…/parameters/2`).
    pub at: String,
    /// Its name.
    pub name: String,
    /// Its location (`path`, `query`, `header`, `cookie`).
    pub location: String,
}

/// Which `parameters` list a parameter stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterSource {
    /// The path item's, at this index.
    PathItem(usize),
    /// The operation's, at this index.
    Operation(usize),
}

/// The names `x-pagination` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaginationNames {
    /// The query parameter holding a page's offset.
    pub offset: String,
    /// The query parameter holding a page's size.
    pub limit: String,
    /// The response field with the total number of items.
    pub count: String,
    /// The response field with the page's items.
    pub items: String,
}

/// Checks the spec: what lowering may rely on, and every problem found (warnings, and an error
/// only when there is nothing to generate).
pub fn validate(spec: &Spec) -> (Proven, Problems) {
    let mut checker = Checker {
        raw: &spec.raw,
        problems: Problems::default(),
    };
    let schema_references = checker.references();
    checker.alias_cycles();
    let operations = checker.operations();
    checker.components();
    checker.runtime_extensions();
    let environment = checker.environment();
    checker.something_to_generate();
    (
        Proven {
            operations,
            environment,
            schema_references,
        },
        checker.problems,
    )
}

struct Checker<'a> {
    raw: &'a Value,
    problems: Problems,
}

fn describe(value: &Value) -> String {
    crate::normalize::describe(value)
}

/// Whether `value` is `{$ref: ...}` (siblings of `$ref` are ignored in OpenAPI 3.0).
fn reference_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

impl<'a> Checker<'a> {
    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.problems.warn(at, message);
    }

    // ---- references ----

    /// Checks every local `$ref` against the kind expected where it stands; returns those of
    /// schemas ([`Proven::schema_references`]).
    fn references(&mut self) -> Vec<String> {
        let mut schema_references = Vec::new();
        for site in refs::sites(self.raw) {
            let Some(reference) = &site.reference else {
                let found = self
                    .raw
                    .pointer(&format!("{}/$ref", site.at.trim_start_matches('#')));
                self.warn(
                    &site.at,
                    format!(
                        "`$ref` must be a string such as \"#/components/schemas/Name\", not {}; a JSON value is used here",
                        found.map(describe).unwrap_or_default()
                    ),
                );
                continue;
            };
            if site.mapping && !reference.starts_with('#') {
                self.mapping_name(reference, &site.at);
                continue;
            }
            // References to other files were followed or reported by bundling.
            if !reference.starts_with('#') {
                continue;
            }
            self.reference(reference, &site.at, site.kind);
            if site.kind == Some(Kind::Schema) && !site.mapping && reference.starts_with("#/") {
                schema_references.push(reference.clone());
            }
        }
        schema_references
    }

    /// A discriminator mapping to a bare schema name.
    fn mapping_name(&mut self, name: &str, at: &str) {
        let known = self
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|schemas| schemas.contains_key(name));
        if !known {
            self.warn(
                at,
                format!(
                    "discriminator mapping names `{name}`, which is neither a `$ref` nor a schema in `#/components/schemas`; the mapping is ignored"
                ),
            );
        }
    }

    /// Checks one local `$ref`, found at `at`, where an object of `kind` is expected.
    fn reference(&mut self, reference: &str, at: &str, kind: Option<Kind>) {
        let Some(tokens) = pointer_tokens(reference).filter(|t| !t.is_empty()) else {
            self.warn(
                at,
                format!(
                    "`$ref: {reference}` is not a JSON pointer; write it like `#/components/schemas/Name`; {}",
                    fallback(kind)
                ),
            );
            return;
        };
        let Some(target) = value_at(self.raw, reference) else {
            let hint = self.suggestion(&tokens);
            self.warn(
                at,
                format!(
                    "`$ref: {reference}` does not resolve{hint}; {}",
                    fallback(kind)
                ),
            );
            return;
        };
        let Some(kind) = kind else {
            return;
        };
        let target_kind = match tokens.as_slice() {
            [components, section, _] if components == "components" => Kind::from_section(section),
            _ => None,
        };
        match (kind, target_kind) {
            (kind, Some(target)) if kind == target => {}
            // A path item may be another path of the document.
            (Kind::PathItem, None) if tokens.len() == 2 && tokens[0] == "paths" => {}
            // A schema may be any schema of the document (`#/paths/…/schema`), if it is one.
            (Kind::Schema, None)
                if serde_json::from_value::<openapiv3::Schema>(target.clone()).is_ok() => {}
            (kind, Some(target)) => self.warn(
                at,
                format!(
                    "`$ref: {reference}` points to {}, but {} is expected here; point it into `#/components/{}/<Name>`; {}",
                    target.noun(),
                    kind.noun(),
                    kind.section(),
                    fallback(Some(kind))
                ),
            ),
            (kind, None) => self.warn(
                at,
                format!(
                    "`$ref: {reference}` must point to a component directly, like `#/components/{}/<Name>`; {}",
                    kind.section(),
                    fallback(Some(kind))
                ),
            ),
        }
    }

    /// ": there is no `X` in `#/a`, did you mean `…`?" for a reference that does not resolve.
    fn suggestion(&self, tokens: &[String]) -> String {
        let Some((last, parent)) = tokens.split_last() else {
            return String::new();
        };
        let mut parent_at = String::from("#");
        for token in parent {
            parent_at = join(&parent_at, token);
        }
        let Some(Value::Object(siblings)) = value_at(self.raw, &parent_at) else {
            return format!(": the spec has no `{parent_at}`");
        };
        let best = siblings
            .keys()
            .map(|name| {
                (
                    edit_distance(&name.to_lowercase(), &last.to_lowercase()),
                    name,
                )
            })
            .filter(|(distance, _)| *distance <= 2.max(last.len() / 4))
            .min();
        match best {
            Some((_, name)) => format!(
                ": there is no `{last}` in `{parent_at}` (did you mean `{}`?)",
                join(&parent_at, name)
            ),
            None => format!(": there is no `{last}` in `{parent_at}`"),
        }
    }

    /// Chains of `$ref`-only objects that loop back (`A: {$ref: B}`, `B: {$ref: A}`).
    fn alias_cycles(&mut self) {
        let mut reported: BTreeSet<String> = BTreeSet::new();
        let Some(Value::Object(components)) = self.raw.get("components") else {
            return;
        };
        let mut starts = Vec::new();
        for (section, entries) in components {
            if let Value::Object(entries) = entries {
                for name in entries.keys() {
                    starts.push(join(&join("#/components", section), name));
                }
            }
        }
        for start in starts {
            let mut chain = vec![start.clone()];
            let mut at = start;
            while let Some(next) = value_at(self.raw, &at).and_then(reference_of) {
                let next = next.to_owned();
                if let Some(index) = chain.iter().position(|p| *p == next) {
                    let cycle = &chain[index..];
                    let first = cycle.iter().min().cloned().unwrap_or_default();
                    if reported.insert(first.clone()) {
                        let rotate = cycle.iter().position(|p| *p == first).unwrap_or(0);
                        let mut path: Vec<&str> = cycle[rotate..]
                            .iter()
                            .chain(&cycle[..rotate])
                            .map(String::as_str)
                            .collect();
                        path.push(&first);
                        self.warn(
                            &first,
                            format!(
                                "`$ref` cycle: {} only refer to each other and never define anything; \
                                 make one of them a real definition; a JSON value is used for them",
                                path.join(" → ")
                            ),
                        );
                    }
                    break;
                }
                if !next.starts_with("#/") || chain.len() > 64 {
                    break;
                }
                chain.push(next.clone());
                at = next;
            }
        }
    }

    /// Follows `$ref`s from `value` (at `at`) to a definition: its pointer and value.
    fn resolve(&self, value: &'a Value, at: &str) -> Option<(String, &'a Value)> {
        let mut at = at.to_owned();
        let mut value = value;
        for _ in 0..64 {
            match value.get("$ref") {
                None => return Some((at, value)),
                Some(reference) => {
                    let reference = reference.as_str()?;
                    if !reference.starts_with("#/") {
                        return None;
                    }
                    value = value_at(self.raw, reference)?;
                    at = reference.to_owned();
                }
            }
        }
        None
    }

    // ---- operations ----

    fn operations(&mut self) -> Vec<ProvenOperation> {
        let mut proven = Vec::new();
        let Some(Value::Object(paths)) = self.raw.get("paths") else {
            return proven;
        };
        let mut operation_ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (template, item) in paths {
            let site = join("#/paths", template);
            if !template.starts_with('/') {
                if !template.starts_with("x-") {
                    self.warn(
                        &site,
                        format!("the path `{template}` does not start with `/`; it is left out"),
                    );
                }
                continue;
            }
            let Some((item_at, Value::Object(item))) = self.resolve(item, &site) else {
                continue;
            };
            let Some(parts) = self.template(template, &site) else {
                continue;
            };
            let shared =
                self.parameters(item.get("parameters"), &join(&item_at, "parameters"), true);
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get(method) else {
                    continue;
                };
                let at = join(&item_at, method);
                if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                    operation_ids
                        .entry(id)
                        .or_default()
                        .push(join(&at, "operationId"));
                }
                let own =
                    self.parameters(operation.get("parameters"), &join(&at, "parameters"), false);
                let effective = self.path_parameters(template, &parts, merge(&shared, own));
                let pagination = operation.get("x-pagination").and_then(|p| {
                    self.pagination(p, operation, &join(&at, "x-pagination"), &effective)
                });
                self.boolean_extension(operation, &at, "x-idempotent");
                proven.push(ProvenOperation {
                    path: template.clone(),
                    method,
                    at,
                    item_at: item_at.clone(),
                    template: parts.clone(),
                    parameters: effective.into_iter().map(|(p, _)| p).collect(),
                    pagination,
                });
            }
        }
        for (id, places) in operation_ids {
            if places.len() < 2 {
                continue;
            }
            for (index, place) in places.iter().enumerate() {
                let others: Vec<&str> = places
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != index)
                    .map(|(_, p)| p.as_str())
                    .collect();
                self.warn(
                    place,
                    format!(
                        "operationId `{id}` is not unique (also at {}); the methods are named apart with a number; give each operation its own operationId",
                        others.join(", ")
                    ),
                );
            }
        }
        proven
    }

    /// The path template split into parts, checking its braces; `None` (after a warning) when
    /// the path cannot be generated.
    fn template(&mut self, template: &str, at: &str) -> Option<Vec<PathPart>> {
        let mut parts = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        let mut rest = template;
        let problem = loop {
            let Some(open) = rest.find(['{', '}']) else {
                if !rest.is_empty() {
                    parts.push(PathPart::Literal(rest.to_owned()));
                }
                break None;
            };
            if rest[open..].starts_with('}') {
                break Some("has a `}` without a matching `{`".to_owned());
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break Some("has an unclosed `{`".to_owned());
            };
            let name = &after[..close];
            if name.is_empty() || name.contains('{') {
                break Some("has an empty or nested `{}`".to_owned());
            }
            if names.contains(&name) {
                break Some(format!(
                    "uses `{{{name}}}` twice; each path parameter may appear once"
                ));
            }
            names.push(name);
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            parts.push(PathPart::Param(name.to_owned()));
            rest = &after[close + 1..];
        };
        match problem {
            None => Some(parts),
            Some(problem) => {
                self.warn(
                    at,
                    format!("path template `{template}` {problem}; its operations are left out"),
                );
                None
            }
        }
    }

    /// Resolves a `parameters` list, reporting duplicates and malformed extensions.
    fn parameters(
        &mut self,
        list: Option<&'a Value>,
        at: &str,
        path_item: bool,
    ) -> Vec<(ProvenParameter, Option<Value>)> {
        let mut out: Vec<(ProvenParameter, Option<Value>)> = Vec::new();
        let Some(Value::Array(list)) = list else {
            return out;
        };
        for (index, value) in list.iter().enumerate() {
            let site = format!("{at}/{index}");
            let Some((definition, Value::Object(param))) = self.resolve(value, &site) else {
                continue;
            };
            let (Some(name), Some(location)) = (
                param.get("name").and_then(Value::as_str),
                param.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            if definition == site {
                self.parameter_extensions(param, &site);
            }
            // Header names are case-insensitive on the wire.
            let same = |p: &ProvenParameter| {
                p.location == location
                    && (p.name == name
                        || (location == "header" && p.name.eq_ignore_ascii_case(name)))
            };
            if out.iter().any(|(p, _)| same(p)) {
                self.warn(
                    &site,
                    format!(
                        "parameter `{name}` in {location} is declared twice in this list; \
                         parameters must be unique by name and location; this one is left out"
                    ),
                );
                continue;
            }
            let source = if path_item {
                ParameterSource::PathItem(index)
            } else {
                ParameterSource::Operation(index)
            };
            out.push((
                ProvenParameter {
                    source,
                    at: definition,
                    name: name.to_owned(),
                    location: location.to_owned(),
                },
                param.get("required").cloned(),
            ));
        }
        out
    }

    /// Keeps the path parameters that the template names, warning about the others, and about
    /// path parameters that are not marked required (they are required all the same).
    fn path_parameters(
        &mut self,
        template: &str,
        parts: &[PathPart],
        effective: Vec<(ProvenParameter, Option<Value>)>,
    ) -> Vec<(ProvenParameter, Option<Value>)> {
        // A template parameter that is not declared is lowered as a required string (real specs
        // forget them often, and there is only one way to read them); nothing to report here.
        let in_template = |name: &str| {
            parts
                .iter()
                .any(|part| matches!(part, PathPart::Param(p) if p == name))
        };
        let mut kept = Vec::with_capacity(effective.len());
        for (param, required) in effective {
            if param.location != "path" {
                kept.push((param, required));
                continue;
            }
            if !in_template(&param.name) {
                self.warn(
                    &param.at,
                    format!(
                        "path parameter `{}` does not appear in the path template `{template}`; \
                         add `{{{}}}` to the path or make it a query parameter; it is left out",
                        param.name, param.name
                    ),
                );
                continue;
            }
            if required != Some(Value::Bool(true)) {
                let (place, what) = match &required {
                    Some(value) => (join(&param.at, "required"), describe(value)),
                    None => (param.at.clone(), "missing".to_owned()),
                };
                self.warn(
                    &place,
                    format!(
                        "path parameter `{}` must have `required: true` (it is {what}); \
                         path parameters are always required, and it is read as required",
                        param.name
                    ),
                );
            }
            kept.push((param, required));
        }
        kept
    }

    // ---- extensions ----

    fn boolean_extension(&mut self, object: &Map<String, Value>, at: &str, key: &str) {
        if let Some(value) = object.get(key)
            && !value.is_boolean()
        {
            self.warn(
                &join(at, key),
                format!(
                    "`{key}` must be `true` or `false`, not {}; it is read as `false`",
                    describe(value)
                ),
            );
        }
    }

    fn parameter_extensions(&mut self, param: &Map<String, Value>, at: &str) {
        self.boolean_extension(param, at, "x-client-parameter");
        self.boolean_extension(param, at, "x-auth-header");
        if param.get("x-auth-header") == Some(&Value::Bool(true))
            && param.get("in").and_then(Value::as_str) != Some("header")
        {
            self.warn(
                &join(at, "x-auth-header"),
                "`x-auth-header: true` is only meaningful on a header parameter (`in: header`); it is ignored",
            );
        }
    }

    /// `x-pagination`: the names it gives, checked against the operation's parameters and the
    /// fields of its 200 response; `None` (after warnings) when it cannot be used.
    fn pagination(
        &mut self,
        pagination: &Value,
        operation: &'a Map<String, Value>,
        at: &str,
        params: &[(ProvenParameter, Option<Value>)],
    ) -> Option<PaginationNames> {
        const FIELDS: [(&str, &str); 4] = [
            ("offset", "the query parameter with the offset of a page"),
            ("limit", "the query parameter with the size of a page"),
            ("count", "the response field with the total number of items"),
            ("items", "the response field with the array of items"),
        ];
        const DROPPED: &str = "no page stream is generated";
        let Value::Object(fields) = pagination else {
            self.warn(
                at,
                format!(
                    "`x-pagination` must be a mapping with string fields `offset`, `limit`, `count` and `items`, not {}; {DROPPED}",
                    describe(pagination)
                ),
            );
            return None;
        };
        let mut usable = true;
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for (field, meaning) in FIELDS {
            match fields.get(field) {
                Some(Value::String(name)) => {
                    names.insert(field, name);
                    continue;
                }
                Some(other) => self.warn(
                    &join(at, field),
                    format!(
                        "`x-pagination.{field}` must be a string naming {meaning}, not {}; {DROPPED}",
                        describe(other)
                    ),
                ),
                None => self.warn(
                    at,
                    format!(
                        "`x-pagination` has no `{field}`: add `{field}: <name>` naming {meaning}; {DROPPED}"
                    ),
                ),
            }
            usable = false;
        }
        for key in fields.keys() {
            if !FIELDS.iter().any(|(field, _)| field == key) {
                self.warn(
                    &join(at, key),
                    format!("unknown field `{key}` in `x-pagination`; the fields are `offset`, `limit`, `count` and `items`; it is ignored"),
                );
            }
        }
        for field in ["offset", "limit"] {
            if let Some(name) = names.get(field)
                && !params
                    .iter()
                    .any(|(p, _)| p.location == "query" && p.name == *name)
            {
                self.warn(
                    &join(at, field),
                    format!(
                        "`x-pagination.{field}` names `{name}`, but the operation has no query parameter `{name}`; {DROPPED}"
                    ),
                );
                usable = false;
            }
        }
        if (names.contains_key("count") || names.contains_key("items"))
            && !self.page_fields(operation, at, &names)
        {
            usable = false;
        }
        if !usable {
            return None;
        }
        Some(PaginationNames {
            offset: names.get("offset")?.to_string(),
            limit: names.get("limit")?.to_string(),
            count: names.get("count")?.to_string(),
            items: names.get("items")?.to_string(),
        })
    }

    /// Checks that the 200 response's schema has the `count` and `items` fields.
    fn page_fields(
        &mut self,
        operation: &'a Map<String, Value>,
        at: &str,
        names: &BTreeMap<&str, &str>,
    ) -> bool {
        let Some((schema_at, properties)) = self.page_properties(operation, at) else {
            return false;
        };
        let mut usable = true;
        for field in ["count", "items"] {
            let Some(name) = names.get(field) else {
                continue;
            };
            match properties.get(*name) {
                None => {
                    let known: Vec<String> = properties.keys().map(|k| format!("`{k}`")).collect();
                    self.warn(
                        &join(at, field),
                        format!(
                            "`x-pagination.{field}` names `{name}`, but the 200 response schema `{schema_at}` has no property `{name}` (it has {}); no page stream is generated",
                            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                        ),
                    );
                    usable = false;
                }
                Some((property_at, property)) if field == "items" => {
                    let kind = property.get("type").and_then(Value::as_str);
                    if kind.is_some_and(|kind| kind != "array") {
                        self.warn(
                            &join(at, field),
                            format!(
                                "`x-pagination.items` names `{name}`, but `{property_at}` is not an array; no page stream is generated"
                            ),
                        );
                        usable = false;
                    }
                }
                Some(_) => {}
            }
        }
        usable
    }

    /// The properties (with their resolved pointer and schema) of the operation's 200 JSON
    /// response body, following `$ref`s and `allOf`; reports when there is none.
    #[allow(clippy::type_complexity)]
    fn page_properties(
        &mut self,
        operation: &'a Map<String, Value>,
        at: &str,
    ) -> Option<(String, BTreeMap<String, (String, &'a Value)>)> {
        let missing = "`x-pagination` needs a 200 response with a JSON object body that holds the `count` and `items` fields; no page stream is generated";
        let responses_at = format!("{}/responses/200", at.trim_end_matches("/x-pagination"));
        let response = operation.get("responses").and_then(|r| r.get("200"));
        let Some((response_at, response)) = response.and_then(|r| self.resolve(r, &responses_at))
        else {
            self.warn(at, missing);
            return None;
        };
        let content = response.get("content").and_then(Value::as_object);
        let media = content.and_then(|content| {
            content
                .iter()
                .find(|(mt, _)| mt.starts_with("application/json") || mt.contains("+json"))
                .or_else(|| content.iter().next())
        });
        let Some((media_type, media)) = media else {
            self.warn(at, missing);
            return None;
        };
        let schema_site = join(&join(&join(&response_at, "content"), media_type), "schema");
        let Some((schema_at, schema)) = media
            .get("schema")
            .and_then(|schema| self.resolve(schema, &schema_site))
        else {
            self.warn(at, missing);
            return None;
        };
        let mut properties = BTreeMap::new();
        self.collect_properties(schema, &schema_at, &mut properties, 0);
        Some((schema_at, properties))
    }

    fn collect_properties(
        &self,
        schema: &'a Value,
        at: &str,
        out: &mut BTreeMap<String, (String, &'a Value)>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                let site = join(&join(at, "properties"), name);
                if let Some((property_at, property)) = self.resolve(property, &site) {
                    out.entry(name.clone()).or_insert((property_at, property));
                }
            }
        }
        if let Some(Value::Array(parts)) = schema.get("allOf") {
            for (index, part) in parts.iter().enumerate() {
                let site = format!("{at}/allOf/{index}");
                if let Some((part_at, part)) = self.resolve(part, &site) {
                    self.collect_properties(part, &part_at, out, depth + 1);
                }
            }
        }
    }

    // ---- components ----

    fn components(&mut self) {
        let raw = self.raw;
        if let Some(Value::Object(schemes)) = raw.pointer("/components/securitySchemes") {
            for (name, scheme) in schemes {
                let at = join("#/components/securitySchemes", name);
                match scheme.get("x-signer") {
                    None => {}
                    Some(Value::String(signer)) if signer == SIGNER => {}
                    Some(other) => self.warn(
                        &join(&at, "x-signer"),
                        format!(
                            "unsupported `x-signer` {}: the only supported signer is `{SIGNER}`; \
                             requests are not signed with this scheme",
                            match other {
                                Value::String(s) => format!("`{s}`"),
                                other => describe(other),
                            }
                        ),
                    ),
                }
            }
        }
        if let Some(Value::Object(parameters)) = raw.pointer("/components/parameters") {
            for (name, param) in parameters {
                if let Value::Object(param) = param
                    && !param.contains_key("$ref")
                {
                    let at = join("#/components/parameters", name);
                    self.parameter_extensions(param, &at);
                }
            }
        }
    }

    /// A document without operations, schemas or webhooks has nothing to generate.
    fn something_to_generate(&mut self) {
        let non_empty = |pointer: &str| {
            self.raw
                .pointer(pointer)
                .and_then(Value::as_object)
                .is_some_and(|map| !map.is_empty())
        };
        let has_components = self
            .raw
            .pointer("/components")
            .and_then(Value::as_object)
            .is_some_and(|sections| {
                sections
                    .values()
                    .any(|s| s.as_object().is_some_and(|s| !s.is_empty()))
            });
        if !non_empty("/paths") && !has_components && !non_empty("/x-webhooks") {
            self.problems.error(
                "#",
                "the spec describes no operations (`paths`), no components and no webhooks: there is nothing to generate",
            );
        }
    }

    /// The root extension `x-environment`: which environment variables the client reads.
    fn environment(&mut self) -> Option<Environment> {
        let environment = self.raw.get("x-environment")?;
        let at = "#/x-environment";
        let Value::Object(fields) = environment else {
            self.warn(
                at,
                format!(
                    "`x-environment` must be a mapping (region, endpoint, token, client_parameters, ak_sk), not {}; it is ignored",
                    describe(environment)
                ),
            );
            return None;
        };
        let mut parsed = Environment::default();
        for (key, value) in fields {
            let field_at = join(at, key);
            match key.as_str() {
                "region" => parsed.region = self.variable_names(value, &field_at),
                "endpoint" => parsed.endpoint = self.variable_names(value, &field_at),
                "token" => parsed.token = self.variable_names(value, &field_at),
                "client_parameters" => match value {
                    Value::Object(parameters) => {
                        for (name, variables) in parameters {
                            let variables = self.variable_names(variables, &join(&field_at, name));
                            parsed.client_parameters.push((name.clone(), variables));
                        }
                    }
                    other => self.warn(
                        &field_at,
                        format!(
                            "`client_parameters` must map each client parameter to its variables, not {}; it is ignored",
                            describe(other)
                        ),
                    ),
                },
                "ak_sk" => parsed.ak_sk = self.ak_sk_variables(value, &field_at),
                other => self.warn(
                    &field_at,
                    format!(
                        "unknown field `{other}` in `x-environment`; the fields are `region`, `endpoint`, `token`, `client_parameters` and `ak_sk`; it is ignored"
                    ),
                ),
            }
        }
        Some(parsed)
    }

    /// `ak_sk`: a list of `{ak, sk, security_token}` variable names.
    fn ak_sk_variables(
        &mut self,
        value: &Value,
        at: &str,
    ) -> Vec<(String, String, Option<String>)> {
        let Value::Array(pairs) = value else {
            self.warn(
                at,
                format!(
                    "`ak_sk` must be a list of {{ak, sk, security_token}} mappings, not {}; it is ignored",
                    describe(value)
                ),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (index, pair) in pairs.iter().enumerate() {
            let pair_at = join(at, &index.to_string());
            let text = |key: &str| pair.get(key).and_then(Value::as_str).map(str::to_owned);
            let token = match pair.get("security_token") {
                None => None,
                Some(Value::String(name)) => Some(name.clone()),
                Some(other) => {
                    self.warn(
                        &join(&pair_at, "security_token"),
                        format!(
                            "`security_token` must be a variable name, not {}; it is ignored",
                            describe(other)
                        ),
                    );
                    None
                }
            };
            match (text("ak"), text("sk")) {
                (Some(ak), Some(sk)) => out.push((ak, sk, token)),
                _ => self.warn(
                    &pair_at,
                    "each `ak_sk` entry needs string fields `ak` and `sk` (and may have `security_token`); this one is ignored",
                ),
            }
        }
        out
    }

    /// A variable name or a list of them.
    fn variable_names(&mut self, value: &Value, at: &str) -> Vec<String> {
        match value {
            Value::String(name) => return vec![name.clone()],
            Value::Array(names) if names.iter().all(Value::is_string) => {
                return names
                    .iter()
                    .filter_map(|name| name.as_str().map(str::to_owned))
                    .collect();
            }
            _ => {}
        }
        self.warn(
            at,
            format!(
                "expected an environment variable name or a list of them, not {}; it is ignored",
                describe(value)
            ),
        );
        Vec::new()
    }
}

/// What lowering uses where a reference to `kind` cannot be followed.
fn fallback(kind: Option<Kind>) -> &'static str {
    match kind {
        Some(Kind::Schema) | None => "a JSON value is used here",
        Some(Kind::PathItem) => "the path is left out",
        Some(_) => "it is left out",
    }
}

/// Path-item parameters first, each replaced in place by an operation parameter of the same
/// name and location (header names compare case-insensitively), then the operation's others.
fn merge(
    shared: &[(ProvenParameter, Option<Value>)],
    own: Vec<(ProvenParameter, Option<Value>)>,
) -> Vec<(ProvenParameter, Option<Value>)> {
    let mut effective: Vec<(ProvenParameter, Option<Value>)> = shared.to_vec();
    for param in own {
        let same = |p: &ProvenParameter| {
            p.location == param.0.location
                && (p.name == param.0.name
                    || (p.location == "header" && p.name.eq_ignore_ascii_case(&param.0.name)))
        };
        match effective.iter_mut().find(|(p, _)| same(p)) {
            Some(slot) => *slot = param,
            None => effective.push(param),
        }
    }
    effective
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn validated(body: &str) -> (Proven, Vec<(String, String)>) {
        let text = format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n{body}");
        let spec = crate::load::load_str(Path::new("spec.yaml"), &text)
            .unwrap_or_else(|d| panic!("does not load: {d}"));
        let (proven, problems) = validate(&spec);
        let found = problems
            .0
            .into_iter()
            .map(|p| (p.pointer, p.message))
            .collect();
        (proven, found)
    }

    fn check(body: &str) -> Vec<(String, String)> {
        validated(body).1
    }

    fn assert_one(found: &[(String, String)], pointer: &str, needle: &str) {
        assert!(
            found
                .iter()
                .any(|(p, m)| p == pointer && m.contains(needle)),
            "no `{needle}` at {pointer} in {found:#?}"
        );
    }

    const PAGED: &str = "paths:
  /things:
    get:
      operationId: ListThings
      x-pagination: PAGINATION
      parameters:
        - name: offset
          in: query
          schema: {type: integer}
        - $ref: '#/components/parameters/Limit'
      responses:
        '200':
          $ref: '#/components/responses/Page'
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  responses:
    Page:
      description: ok
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Page'
  schemas:
    Base:
      type: object
      properties:
        count: {type: integer}
    Page:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            data:
              type: array
              items: {type: string}
            name: {type: string}
";

    fn paged(pagination: &str) -> Vec<(String, String)> {
        check(&PAGED.replace("PAGINATION", pagination))
    }

    #[test]
    fn a_valid_spec_passes_and_its_pagination_is_proven() {
        let (proven, found) = validated(&PAGED.replace(
            "PAGINATION",
            "{offset: offset, limit: limit, count: count, items: data}",
        ));
        assert_eq!(found, []);
        let operation = &proven.operations[0];
        assert_eq!(
            operation.pagination,
            Some(PaginationNames {
                offset: "offset".into(),
                limit: "limit".into(),
                count: "count".into(),
                items: "data".into(),
            })
        );
        let names: Vec<&str> = operation
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["offset", "limit"]);
        assert_eq!(operation.parameters[1].at, "#/components/parameters/Limit");
    }

    #[test]
    fn effective_parameters_merge_path_item_ones_in_place() {
        let (proven, found) = validated(
            "paths:
  /a/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: trace, in: header, schema: {type: string}}
    get:
      parameters:
        - {name: Trace, in: header, schema: {type: integer}}
        - {name: q, in: query, schema: {type: string}}
      responses: {}
",
        );
        assert_eq!(found, []);
        let operation = &proven.operations[0];
        assert_eq!(
            operation.template,
            [
                PathPart::Literal("/a/".into()),
                PathPart::Param("id".into())
            ]
        );
        let parameters: Vec<(&str, ParameterSource)> = operation
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.source))
            .collect();
        assert_eq!(
            parameters,
            [
                ("id", ParameterSource::PathItem(0)),
                ("Trace", ParameterSource::Operation(0)),
                ("q", ParameterSource::Operation(1)),
            ]
        );
    }

    #[test]
    fn pagination_names_are_checked_against_parameters_and_response() {
        let at = "#/paths/~1things/get/x-pagination";
        let found = paged("{offset: start, limit: limit, count: total, items: name, extra: 1}");
        assert_one(
            &found,
            &format!("{at}/offset"),
            "no query parameter `start`",
        );
        assert_one(&found, &format!("{at}/count"), "has no property `total`");
        assert_one(&found, &format!("{at}/items"), "is not an array");
        assert_one(&found, &format!("{at}/extra"), "unknown field `extra`");
        assert_eq!(found.len(), 4, "{found:#?}");

        let found = paged("{offset: offset, limit: 3}");
        assert_one(&found, &format!("{at}/limit"), "must be a string");
        assert_one(&found, at, "has no `count`");
        assert_one(&found, at, "has no `items`");

        assert_one(&paged("true"), at, "must be a mapping");
        let (proven, _) = validated(&PAGED.replace(
            "PAGINATION",
            "{offset: start, limit: limit, count: total, items: data}",
        ));
        assert_eq!(
            proven.operations[0].pagination, None,
            "a broken x-pagination is no stream"
        );
    }

    #[test]
    fn references_must_resolve_locally_to_the_right_kind() {
        let found = check(
            "paths:
  /a:
    get:
      parameters:
        - $ref: '#/components/schemas/Thing'
        - $ref: '#/components/parameters/Limt'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/parameters/Limit'
              example:
                $ref: not checked inside examples
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  schemas:
    Thing:
      type: object
      properties:
        example:
          $ref: '#/components/schemas/Nope'
        deep:
          $ref: '#/components/schemas/Thing/properties/example'
        bad:
          $ref: 7
",
        );
        let params = "#/paths/~1a/get/parameters";
        assert_one(
            &found,
            &format!("{params}/0"),
            "points to a schema, but a parameter is expected",
        );
        assert_one(
            &found,
            &format!("{params}/1"),
            "(did you mean `#/components/parameters/Limit`?)",
        );
        assert_one(
            &found,
            "#/paths/~1a/get/responses/200/content/application~1json/schema",
            "points to a parameter, but a schema is expected",
        );
        let thing = "#/components/schemas/Thing/properties";
        assert_one(
            &found,
            &format!("{thing}/example"),
            "does not resolve: there is no `Nope`",
        );
        // `deep` points to a schema that is not a component: allowed (lowering types it).
        assert!(
            !found.iter().any(|(p, _)| p == &format!("{thing}/deep")),
            "{found:#?}"
        );
        assert_one(&found, &format!("{thing}/bad"), "must be a string");
        assert_eq!(found.len(), 5, "{found:#?}");
    }

    #[test]
    fn alias_cycles_are_reported_once() {
        let found = check(
            "paths: {}
components:
  schemas:
    B: {$ref: '#/components/schemas/A'}
    A: {$ref: '#/components/schemas/B'}
    C: {$ref: '#/components/schemas/A'}
    Self: {$ref: '#/components/schemas/Self'}
    Fine: {$ref: '#/components/schemas/Real'}
    Real: {type: string}
",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_one(
            &found,
            "#/components/schemas/A",
            "#/components/schemas/A → #/components/schemas/B → #/components/schemas/A",
        );
        assert_one(&found, "#/components/schemas/Self", "`$ref` cycle");
    }

    #[test]
    fn operation_ids_must_be_unique() {
        let found = check(
            "paths:
  /a:
    get: {operationId: Same, responses: {'200': {description: ok}}}
    post: {operationId: Same, responses: {'200': {description: ok}}}
  /b:
    get: {operationId: Other, responses: {'200': {description: ok}}}
",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_one(
            &found,
            "#/paths/~1a/get/operationId",
            "also at #/paths/~1a/post/operationId",
        );
        assert_one(
            &found,
            "#/paths/~1a/post/operationId",
            "also at #/paths/~1a/get/operationId",
        );
    }

    #[test]
    fn path_templates_and_path_parameters_agree() {
        let found = check(
            "paths:
  /a/{id}/{other}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      parameters:
        - {name: extra, in: path, required: true, schema: {type: string}}
        - $ref: '#/components/parameters/Loose'
        - {name: q, in: query, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
        - {name: q, in: header, schema: {type: string}}
        - {name: Q, in: header, schema: {type: string}}
        - {name: Q, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
    put:
      parameters:
        - {name: other, in: path, required: true, schema: {type: string}}
      responses: {'200': {description: ok}}
  /b/{open:
    get: {responses: {'200': {description: ok}}}
components:
  parameters:
    Loose: {name: other, in: path, schema: {type: string}}
",
        );
        let get = "#/paths/~1a~1{id}~1{other}/get";
        assert_one(
            &found,
            &format!("{get}/parameters/0"),
            "`extra` does not appear in the path template",
        );
        assert_one(
            &found,
            "#/components/parameters/Loose",
            "must have `required: true` (it is missing)",
        );
        assert_one(
            &found,
            &format!("{get}/parameters/3"),
            "`q` in query is declared twice",
        );
        assert_one(
            &found,
            &format!("{get}/parameters/5"),
            "`Q` in header is declared twice",
        );
        assert_one(&found, "#/paths/~1b~1{open", "unclosed `{`");
        assert_eq!(found.len(), 5, "{found:#?}");

        let found = check(
            "paths:
  /c/{id}:
    get:
      parameters:
        - {name: id, in: path, required: false, schema: {type: string}}
      responses: {'200': {description: ok}}
    post:
      responses: {'200': {description: ok}}
",
        );
        assert_one(
            &found,
            "#/paths/~1c~1{id}/get/parameters/0/required",
            "it is the boolean false",
        );
        assert_eq!(
            found.len(),
            1,
            "an undeclared template parameter is not a problem: {found:#?}"
        );
    }

    #[test]
    fn extension_values_are_checked() {
        let found = check(
            "paths:
  /a:
    get:
      x-idempotent: 'yes'
      parameters:
        - {name: h, in: query, x-auth-header: true, schema: {type: string}}
      responses: {'200': {description: ok}}
components:
  parameters:
    P: {name: p, in: header, x-client-parameter: 1, schema: {type: string}}
  securitySchemes:
    good: {type: apiKey, in: header, name: Authorization, x-signer: sdk-hmac-sha256}
    bad: {type: apiKey, in: header, name: Authorization, x-signer: hmac-md5}
",
        );
        assert_one(
            &found,
            "#/paths/~1a/get/x-idempotent",
            "must be `true` or `false`, not the string \"yes\"",
        );
        assert_one(
            &found,
            "#/paths/~1a/get/parameters/0/x-auth-header",
            "only meaningful on a header parameter",
        );
        assert_one(
            &found,
            "#/components/parameters/P/x-client-parameter",
            "must be `true` or `false`",
        );
        assert_one(
            &found,
            "#/components/securitySchemes/bad/x-signer",
            "unsupported `x-signer` `hmac-md5`",
        );
        assert_eq!(found.len(), 4, "{found:#?}");
    }

    #[test]
    fn the_environment_extension_is_checked() {
        let found = check(
            "x-environment:
  region: [A, 1]
  token: T
  client_parameters: {project_id: [P1, P2], other: {}}
  ak_sk:
    - {ak: AK, sk: SK, security_token: TOKEN}
    - {ak: AK2}
  colour: blue
paths: {}
components: {schemas: {A: {type: string}}}
",
        );
        assert_one(&found, "#/x-environment/region", "a list of them");
        assert_one(
            &found,
            "#/x-environment/client_parameters/other",
            "a list of them",
        );
        assert_one(
            &found,
            "#/x-environment/ak_sk/1",
            "string fields `ak` and `sk`",
        );
        assert_one(&found, "#/x-environment/colour", "unknown field `colour`");
        assert_eq!(found.len(), 4, "{found:#?}");
        let (proven, _) =
            validated("x-environment:\n  region: A\n  ak_sk: [{ak: AK, sk: SK}]\npaths: {}\n");
        let environment = proven.environment.unwrap();
        assert_eq!(environment.region, ["A"]);
        assert_eq!(
            environment.ak_sk,
            [("AK".to_owned(), "SK".to_owned(), None)]
        );
    }

    #[test]
    fn nothing_to_generate_is_the_one_error() {
        let spec = crate::load::load_str(
            Path::new("spec.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        let (_, problems) = validate(&spec);
        assert!(problems.has_errors());
        assert!(
            problems.0[0].message.contains("nothing to generate"),
            "{problems:?}"
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("limit", "limit"), 0);
        assert_eq!(edit_distance("limt", "limit"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
