//! Phase 2: find every problem in a loaded spec, each with its JSON pointer.
//!
//! The checks run on the raw JSON value ([`Spec::raw`]), where every place has a pointer, and
//! never stop at the first problem: a user fixing a spec sees the whole list at once.
//!
//! - every `$ref` is a local pointer that resolves, to the right kind of component, and no
//!   chain of references loops back on itself without defining anything;
//! - operationIds are unique;
//! - path templates and path parameters agree, path parameters are required, and parameters
//!   are unique by name and location within an operation;
//! - the vendor extensions the generator reads (`x-pagination`, `x-signer`,
//!   `x-client-parameter`, `x-auth-header`, `x-idempotent`) are well formed.

use crate::Diagnostics;
use crate::diagnostic::escape_token;
use crate::load::{Spec, pointer_tokens, value_at};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

mod runtime_extensions;

/// Checks the spec; `Err` lists every problem found, sorted and deduplicated.
pub fn validate(spec: &Spec) -> Result<(), Diagnostics> {
    let mut checker = Checker {
        spec,
        diagnostics: Diagnostics::default(),
    };
    checker.references(&spec.raw, "#", Context::Keywords, None);
    checker.alias_cycles();
    checker.operations();
    checker.components();
    checker.environment();
    checker.runtime_extensions();
    checker.diagnostics.finish(())
}

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The only signing algorithm the runtime implements.
const SIGNER: &str = "sdk-hmac-sha256";

/// Where the walk for `$ref`s is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An object whose keys are OpenAPI keywords (`schema`, `items`, …).
    Keywords,
    /// A map whose keys are names chosen by the author (`properties`, `paths`, …).
    Names,
    /// One entry of an `examples` map: its `value` is data, not spec.
    Example,
}

/// A kind of component a `$ref` may point to, by its section under `#/components`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Schemas,
    Parameters,
    RequestBodies,
    Responses,
    Headers,
    Examples,
    Links,
    Callbacks,
    SecuritySchemes,
    PathItem,
}

impl Section {
    fn from_key(key: &str) -> Option<Section> {
        Some(match key {
            "schemas" => Section::Schemas,
            "parameters" => Section::Parameters,
            "requestBodies" => Section::RequestBodies,
            "responses" => Section::Responses,
            "headers" => Section::Headers,
            "examples" => Section::Examples,
            "links" => Section::Links,
            "callbacks" => Section::Callbacks,
            "securitySchemes" => Section::SecuritySchemes,
            _ => return None,
        })
    }

    fn key(self) -> &'static str {
        match self {
            Section::Schemas => "schemas",
            Section::Parameters => "parameters",
            Section::RequestBodies => "requestBodies",
            Section::Responses => "responses",
            Section::Headers => "headers",
            Section::Examples => "examples",
            Section::Links => "links",
            Section::Callbacks => "callbacks",
            Section::SecuritySchemes => "securitySchemes",
            Section::PathItem => "pathItems",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Section::Schemas => "a schema",
            Section::Parameters => "a parameter",
            Section::RequestBodies => "a request body",
            Section::Responses => "a response",
            Section::Headers => "a header",
            Section::Examples => "an example",
            Section::Links => "a link",
            Section::Callbacks => "a callback",
            Section::SecuritySchemes => "a security scheme",
            Section::PathItem => "a path item",
        }
    }
}

/// Keys whose value is a map from author-chosen names to objects of one kind.
fn names_section(key: &str) -> Option<Option<Section>> {
    Some(match key {
        "properties" => Some(Section::Schemas),
        "schemas" | "parameters" | "requestBodies" | "securitySchemes" | "links" | "callbacks" => {
            Section::from_key(key)
        }
        "responses" => Some(Section::Responses),
        "headers" => Some(Section::Headers),
        "examples" => Some(Section::Examples),
        "paths" => Some(Section::PathItem),
        "content" | "encoding" | "variables" | "mapping" => None,
        _ => return None,
    })
}

/// What kind of object stands under `key` in a keyword object.
fn keyword_section(key: &str) -> Option<Section> {
    Some(match key {
        "schema" | "items" | "not" | "additionalProperties" => Section::Schemas,
        "requestBody" => Section::RequestBodies,
        _ => return None,
    })
}

struct Checker<'a> {
    spec: &'a Spec,
    diagnostics: Diagnostics,
}

fn join(at: &str, token: &str) -> String {
    format!("{at}/{}", escape_token(token))
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a sequence".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// Whether `value` is `{$ref: ...}` (siblings of `$ref` are ignored in OpenAPI 3.0).
fn reference_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: &str, message: impl Into<String>) {
        self.diagnostics.push(&self.spec.file, at, message);
    }

    // ---- references ----

    /// Walks every value, checking each `$ref` against the kind expected where it stands.
    fn references(&mut self, value: &Value, at: &str, context: Context, kind: Option<Section>) {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.references(item, &format!("{at}/{index}"), Context::Keywords, kind);
                }
            }
            Value::Object(map) => {
                if context != Context::Names
                    && let Some(reference) = map.get("$ref")
                {
                    self.reference(reference, at, kind);
                    return;
                }
                for (key, child) in map {
                    let child_at = join(at, key);
                    match context {
                        Context::Names => {
                            let context = if kind == Some(Section::Examples) {
                                Context::Example
                            } else {
                                Context::Keywords
                            };
                            self.references(child, &child_at, context, kind);
                        }
                        Context::Keywords | Context::Example => {
                            if key.starts_with("x-")
                                || matches!(key.as_str(), "example" | "default" | "enum")
                                || (context == Context::Example && key == "value")
                            {
                                continue;
                            }
                            if let Some(section) = names_section(key)
                                && child.is_object()
                            {
                                self.references(child, &child_at, Context::Names, section);
                                continue;
                            }
                            let child_kind = match key.as_str() {
                                "parameters" => Some(Section::Parameters),
                                "allOf" | "oneOf" | "anyOf" => Some(Section::Schemas),
                                _ => keyword_section(key),
                            };
                            self.references(child, &child_at, Context::Keywords, child_kind);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Checks one `$ref` value found at `at`, where an object of `kind` is expected.
    fn reference(&mut self, reference: &Value, at: &str, kind: Option<Section>) {
        let Some(reference) = reference.as_str() else {
            self.error(
                at,
                format!(
                    "`$ref` must be a string such as \"#/components/schemas/Name\", not {}",
                    describe(reference)
                ),
            );
            return;
        };
        if kind == Some(Section::PathItem) {
            self.error(
                at,
                format!("`$ref: {reference}` on a path item is not supported; write the path item inline"),
            );
            return;
        }
        if !reference.starts_with('#') {
            self.error(
                at,
                format!(
                    "external $ref `{reference}` is not supported; inline it or bundle the spec"
                ),
            );
            return;
        }
        let Some(tokens) = pointer_tokens(reference).filter(|t| !t.is_empty()) else {
            self.error(
                at,
                format!(
                    "`$ref: {reference}` is not a JSON pointer; write it like `#/components/schemas/Name`"
                ),
            );
            return;
        };
        if value_at(&self.spec.raw, reference).is_none() {
            let hint = self.suggestion(&tokens);
            self.error(at, format!("`$ref: {reference}` does not resolve{hint}"));
            return;
        }
        let Some(kind) = kind else {
            return;
        };
        let target_section = match tokens.as_slice() {
            [components, section, ..] if components == "components" => Section::from_key(section),
            _ => None,
        };
        if target_section == Some(kind) && tokens.len() == 3 {
            return;
        }
        let wanted = format!("`#/components/{}/<Name>`", kind.key());
        let message = match target_section {
            Some(section) if section != kind => format!(
                "`$ref: {reference}` points to {}, but {} is expected here; point it into {wanted}",
                section.noun(),
                kind.noun()
            ),
            _ => format!("`$ref: {reference}` must point to a component directly, like {wanted}"),
        };
        self.error(at, message);
    }

    /// ", did you mean `…`?" when a sibling of the missing last token is a near miss.
    fn suggestion(&self, tokens: &[String]) -> String {
        let Some((last, parent)) = tokens.split_last() else {
            return String::new();
        };
        let mut parent_at = String::from("#");
        for token in parent {
            parent_at = join(&parent_at, token);
        }
        let Some(Value::Object(siblings)) = value_at(&self.spec.raw, &parent_at) else {
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
                ": there is no `{last}` in `{parent_at}`; did you mean `{}`?",
                join(&parent_at, name)
            ),
            None => format!(": there is no `{last}` in `{parent_at}`"),
        }
    }

    /// Chains of `$ref`-only objects that loop back (`A: {$ref: B}`, `B: {$ref: A}`).
    fn alias_cycles(&mut self) {
        let mut reported: BTreeSet<String> = BTreeSet::new();
        let Some(Value::Object(components)) = self.spec.raw.get("components") else {
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
            while let Some(next) = value_at(&self.spec.raw, &at).and_then(reference_of) {
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
                        self.error(
                            &first,
                            format!(
                                "`$ref` cycle: {} only refer to each other and never define anything; \
                                 make one of them a real definition",
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
                    value = value_at(&self.spec.raw, reference)?;
                    at = reference.to_owned();
                }
            }
        }
        None
    }

    // ---- operations ----

    fn operations(&mut self) {
        let Some(Value::Object(paths)) = self.spec.raw.get("paths") else {
            return;
        };
        let mut operation_ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (template, item) in paths {
            if !template.starts_with('/') {
                continue;
            }
            let item_at = join("#/paths", template);
            let Value::Object(item) = item else {
                continue;
            };
            if item.contains_key("$ref") {
                continue;
            }
            let template_names = self.template(template, &item_at);
            let shared = self.parameters(item.get("parameters"), &join(&item_at, "parameters"));
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
                let own = self.parameters(operation.get("parameters"), &join(&at, "parameters"));
                // Operation parameters override path-item ones with the same name and place.
                let mut effective: BTreeMap<(String, String), Param> = BTreeMap::new();
                for param in shared.iter().chain(&own) {
                    effective.insert((param.name.clone(), param.location.clone()), param.clone());
                }
                self.path_parameters(template, &template_names, &effective);
                self.operation_extensions(operation, &at, &effective);
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
                self.error(
                    place,
                    format!(
                        "operationId `{id}` is not unique (also at {}); give each operation its own operationId",
                        others.join(", ")
                    ),
                );
            }
        }
    }

    /// The `{names}` of a path template, checking its braces.
    fn template(&mut self, template: &str, at: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                self.error(
                    at,
                    format!("path template `{template}` has a `}}` without a matching `{{`"),
                );
                return names;
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                self.error(
                    at,
                    format!("path template `{template}` has an unclosed `{{`"),
                );
                return names;
            };
            let name = &after[..close];
            if name.is_empty() || name.contains('{') {
                self.error(
                    at,
                    format!("path template `{template}` has an empty or nested `{{}}`"),
                );
                return names;
            }
            if names.iter().any(|n| n == name) {
                self.error(
                    at,
                    format!("path template `{template}` uses `{{{name}}}` twice; each path parameter may appear once"),
                );
            } else {
                names.push(name.to_owned());
            }
            rest = &after[close + 1..];
        }
        names
    }

    /// Resolves a `parameters` list, reporting duplicates and malformed extensions.
    fn parameters(&mut self, list: Option<&'a Value>, at: &str) -> Vec<Param> {
        let mut out: Vec<Param> = Vec::new();
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
            let same = |p: &Param| {
                p.location == location
                    && (p.name == name
                        || (location == "header" && p.name.eq_ignore_ascii_case(name)))
            };
            if out.iter().any(same) {
                self.error(
                    &site,
                    format!(
                        "parameter `{name}` in {location} is declared twice in this list; \
                         parameters must be unique by name and location, remove one"
                    ),
                );
                continue;
            }
            out.push(Param {
                name: name.to_owned(),
                location: location.to_owned(),
                site,
                definition,
                required: param.get("required").cloned(),
            });
        }
        out
    }

    fn path_parameters(
        &mut self,
        template: &str,
        names: &[String],
        effective: &BTreeMap<(String, String), Param>,
    ) {
        // A template parameter that is not declared is lowered as a required string (real specs
        // forget them often, and there is only one way to read them); nothing to report here.
        for param in effective.values().filter(|p| p.location == "path") {
            if !names.contains(&param.name) {
                self.error(
                    &param.site,
                    format!(
                        "path parameter `{}` does not appear in the path template `{template}`; \
                         add `{{{}}}` to the path or make it a query parameter",
                        param.name, param.name
                    ),
                );
            }
            if param.required != Some(Value::Bool(true)) {
                let (place, what) = match &param.required {
                    Some(value) => (join(&param.definition, "required"), describe(value)),
                    None => (param.definition.clone(), "missing".to_owned()),
                };
                self.error(
                    &place,
                    format!(
                        "path parameter `{}` must have `required: true` (it is {what}); \
                         path parameters are always required",
                        param.name
                    ),
                );
            }
        }
    }

    // ---- extensions ----

    fn boolean_extension(&mut self, object: &Map<String, Value>, at: &str, key: &str) {
        if let Some(value) = object.get(key)
            && !value.is_boolean()
        {
            self.error(
                &join(at, key),
                format!("`{key}` must be `true` or `false`, not {}", describe(value)),
            );
        }
    }

    fn parameter_extensions(&mut self, param: &Map<String, Value>, at: &str) {
        self.boolean_extension(param, at, "x-client-parameter");
        self.boolean_extension(param, at, "x-auth-header");
        if param.get("x-auth-header") == Some(&Value::Bool(true))
            && param.get("in").and_then(Value::as_str) != Some("header")
        {
            self.error(
                &join(at, "x-auth-header"),
                "`x-auth-header: true` is only meaningful on a header parameter (`in: header`)",
            );
        }
    }

    fn operation_extensions(
        &mut self,
        operation: &'a Map<String, Value>,
        at: &str,
        params: &BTreeMap<(String, String), Param>,
    ) {
        self.boolean_extension(operation, at, "x-idempotent");
        if let Some(pagination) = operation.get("x-pagination") {
            self.pagination(pagination, operation, &join(at, "x-pagination"), params);
        }
    }

    fn pagination(
        &mut self,
        pagination: &Value,
        operation: &'a Map<String, Value>,
        at: &str,
        params: &BTreeMap<(String, String), Param>,
    ) {
        const FIELDS: [(&str, &str); 4] = [
            ("offset", "the query parameter with the offset of a page"),
            ("limit", "the query parameter with the size of a page"),
            ("count", "the response field with the total number of items"),
            ("items", "the response field with the array of items"),
        ];
        let Value::Object(fields) = pagination else {
            self.error(
                at,
                format!(
                    "`x-pagination` must be a mapping with string fields `offset`, `limit`, `count` and `items`, not {}",
                    describe(pagination)
                ),
            );
            return;
        };
        let mut names: BTreeMap<&str, &str> = BTreeMap::new();
        for (field, meaning) in FIELDS {
            match fields.get(field) {
                Some(Value::String(name)) => {
                    names.insert(field, name);
                }
                Some(other) => self.error(
                    &join(at, field),
                    format!(
                        "`x-pagination.{field}` must be a string naming {meaning}, not {}",
                        describe(other)
                    ),
                ),
                None => self.error(
                    at,
                    format!(
                        "`x-pagination` has no `{field}`: add `{field}: <name>` naming {meaning}"
                    ),
                ),
            }
        }
        for key in fields.keys() {
            if !FIELDS.iter().any(|(field, _)| field == key) {
                self.error(
                    &join(at, key),
                    format!("unknown field `{key}` in `x-pagination`; the fields are `offset`, `limit`, `count` and `items`"),
                );
            }
        }
        for field in ["offset", "limit"] {
            if let Some(name) = names.get(field)
                && !params.contains_key(&((*name).to_owned(), "query".to_owned()))
            {
                self.error(
                        &join(at, field),
                        format!(
                            "`x-pagination.{field}` names `{name}`, but the operation has no query parameter `{name}`"
                        ),
                    );
            }
        }
        if !names.contains_key("count") && !names.contains_key("items") {
            return;
        }
        let Some((schema_at, properties)) = self.page_properties(operation, at) else {
            return;
        };
        for field in ["count", "items"] {
            let Some(name) = names.get(field) else {
                continue;
            };
            match properties.get(*name) {
                None => {
                    let known: Vec<&str> = properties.keys().map(|k| k.as_str()).collect();
                    self.error(
                        &join(at, field),
                        format!(
                            "`x-pagination.{field}` names `{name}`, but the 200 response schema `{schema_at}` has no property `{name}` (it has {})",
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                            }
                        ),
                    );
                }
                Some((property_at, property)) if field == "items" => {
                    let kind = property.get("type").and_then(Value::as_str);
                    if kind.is_some_and(|kind| kind != "array") {
                        self.error(
                            &join(at, field),
                            format!(
                                "`x-pagination.items` names `{name}`, but `{property_at}` is not an array"
                            ),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }

    /// The properties (with their resolved pointer and schema) of the operation's 200 JSON
    /// response body, following `$ref`s and `allOf`; reports when there is none.
    #[allow(clippy::type_complexity)]
    fn page_properties(
        &mut self,
        operation: &'a Map<String, Value>,
        at: &str,
    ) -> Option<(String, BTreeMap<String, (String, &'a Value)>)> {
        let missing = "`x-pagination` needs a 200 response with a JSON object body that holds the `count` and `items` fields";
        let responses_at = format!("{}/responses/200", at.trim_end_matches("/x-pagination"));
        let response = operation.get("responses").and_then(|r| r.get("200"));
        let Some((response_at, response)) = response.and_then(|r| self.resolve(r, &responses_at))
        else {
            self.error(at, missing);
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
            self.error(at, missing);
            return None;
        };
        let schema_site = join(&join(&join(&response_at, "content"), media_type), "schema");
        let Some((schema_at, schema)) = media
            .get("schema")
            .and_then(|schema| self.resolve(schema, &schema_site))
        else {
            self.error(at, missing);
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
        let raw = &self.spec.raw;
        if let Some(Value::Object(schemes)) = raw.pointer("/components/securitySchemes") {
            for (name, scheme) in schemes {
                let at = join("#/components/securitySchemes", name);
                match scheme.get("x-signer") {
                    None => {}
                    Some(Value::String(signer)) if signer == SIGNER => {}
                    Some(other) => self.error(
                        &join(&at, "x-signer"),
                        format!(
                            "unsupported `x-signer` {}: the only supported signer is `{SIGNER}`; \
                             remove `x-signer` for a scheme that is not signed",
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
}

impl Checker<'_> {
    /// The root extension `x-environment`: which environment variables the client reads.
    fn environment(&mut self) {
        let Some(environment) = self.spec.raw.get("x-environment") else {
            return;
        };
        let at = "#/x-environment";
        let Value::Object(fields) = environment else {
            self.error(
                at,
                format!(
                    "`x-environment` must be a mapping (region, endpoint, token, client_parameters, ak_sk), not {}",
                    describe(environment)
                ),
            );
            return;
        };
        for (key, value) in fields {
            let field_at = join(at, key);
            match key.as_str() {
                "region" | "endpoint" | "token" => self.variable_names(value, &field_at),
                "client_parameters" => match value {
                    Value::Object(parameters) => {
                        for (name, variables) in parameters {
                            self.variable_names(variables, &join(&field_at, name));
                        }
                    }
                    other => self.error(
                        &field_at,
                        format!(
                            "`client_parameters` must map each client parameter to its variables, not {}",
                            describe(other)
                        ),
                    ),
                },
                "ak_sk" => {
                    let pairs = match value {
                        Value::Array(pairs) => pairs.as_slice(),
                        other => {
                            self.error(
                                &field_at,
                                format!(
                                    "`ak_sk` must be a list of {{ak, sk, security_token}} mappings, not {}",
                                    describe(other)
                                ),
                            );
                            continue;
                        }
                    };
                    for (index, pair) in pairs.iter().enumerate() {
                        let pair_at = join(&field_at, &index.to_string());
                        let text = |key: &str| pair.get(key).and_then(Value::as_str);
                        if text("ak").is_none() || text("sk").is_none() {
                            self.error(
                                &pair_at,
                                "each `ak_sk` entry needs string fields `ak` and `sk` (and may have `security_token`)",
                            );
                        }
                        if let Some(token) = pair.get("security_token")
                            && !token.is_string()
                        {
                            self.error(
                                &join(&pair_at, "security_token"),
                                format!("`security_token` must be a variable name, not {}", describe(token)),
                            );
                        }
                    }
                }
                other => self.error(
                    &field_at,
                    format!(
                        "unknown field `{other}` in `x-environment`; the fields are `region`, `endpoint`, `token`, `client_parameters` and `ak_sk`"
                    ),
                ),
            }
        }
    }

    /// A variable name or a list of them.
    fn variable_names(&mut self, value: &Value, at: &str) {
        let valid = match value {
            Value::String(_) => true,
            Value::Array(names) => names.iter().all(Value::is_string),
            _ => false,
        };
        if !valid {
            self.error(
                at,
                format!(
                    "expected an environment variable name or a list of them, not {}",
                    describe(value)
                ),
            );
        }
    }
}

/// A parameter of an operation: where it is listed and where it is defined.
#[derive(Debug, Clone)]
struct Param {
    name: String,
    location: String,
    /// Where it appears in the `parameters` list.
    site: String,
    /// Where it is defined (the `$ref` target, or `site`).
    definition: String,
    required: Option<Value>,
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

    fn check(body: &str) -> Vec<(String, String)> {
        let text = format!("openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n{body}");
        let spec = crate::load::load_str(Path::new("spec.yaml"), &text)
            .unwrap_or_else(|d| panic!("does not load: {d}"));
        match validate(&spec) {
            Ok(()) => Vec::new(),
            Err(diagnostics) => diagnostics
                .0
                .into_iter()
                .map(|d| (d.pointer, d.message))
                .collect(),
        }
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
    fn a_valid_spec_passes() {
        assert_eq!(
            paged("{offset: offset, limit: limit, count: count, items: data}"),
            []
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
        - $ref: 'other.yaml#/Limit'
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
            "did you mean `#/components/parameters/Limit`?",
        );
        assert_one(
            &found,
            &format!("{params}/2"),
            "external $ref `other.yaml#/Limit` is not supported; inline it or bundle the spec",
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
        assert_one(
            &found,
            &format!("{thing}/deep"),
            "must point to a component directly",
        );
        assert_one(&found, &format!("{thing}/bad"), "must be a string");
        assert_eq!(found.len(), 7, "{found:#?}");
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
            "it is false",
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
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("limit", "limit"), 0);
        assert_eq!(edit_distance("limt", "limit"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
