//! Swagger 2.0 → OpenAPI 3.0.
//!
//! The rules are those of the reference converter, swagger2openapi:
//!
//! - `host`, `basePath` and `schemes` become `servers` (one per scheme, `https` first; a
//!   relative URL from `basePath` alone); an operation's own `schemes` become its `servers`;
//! - `definitions`, `parameters`, `responses` and `securityDefinitions` move under
//!   `components` (a body parameter among the global `parameters` becomes a request body, a
//!   `formData` one is inlined where it is used), and every `$ref` follows them;
//! - `in: body` and `in: formData` parameters become the operation's `requestBody`, with media
//!   types from `consumes`; the other parameters keep their place, their type keywords move
//!   into a `schema` and `collectionFormat` becomes `style` and `explode`;
//! - a response `schema` is served under each media type of `produces`, `examples` become
//!   media `example`s, and header type keywords move into a `schema`;
//! - in schemas, `type: file` is a binary string, `x-nullable` is `nullable` and a string
//!   `discriminator` names the discriminator's `propertyName`.
//!
//! Every moved part is recorded in [`Moves`], so that a diagnostic about the converted document
//! names the place the user wrote; what cannot be carried over is a [`Warning`] located in the
//! input. Nothing the input holds can make the conversion panic: a value of an unexpected type
//! is carried over as it is (the parser then reports it at its place) or dropped with a warning.

use super::{Converted, Moves, Warning};
use crate::diagnostic::escape_token;
use serde_json::{Map, Value};

mod parameters;
mod responses;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use parameters::Parameters;

/// The operations a Swagger 2.0 path item may hold.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// The media type of bodies when neither the operation nor the document says (`consumes`,
/// `produces`).
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// The OpenAPI version of the output.
const VERSION: &str = "3.0.3";

/// Rewrites a Swagger 2.0 document (`swagger: "2.0"`) into the OpenAPI 3.0 shape.
pub fn convert(document: Value) -> Converted {
    let Value::Object(root) = &document else {
        return Converted {
            warnings: vec![Warning {
                pointer: "#".to_owned(),
                message: "a Swagger 2.0 document must be a mapping; it is left as it is".to_owned(),
            }],
            document,
            moves: Moves::default(),
        };
    };
    let mut converter = Converter::new(root);
    let converted = converter.document();
    Converted {
        document: Value::Object(converted),
        moves: converter.moves,
        warnings: converter.warnings,
    }
}

/// The state of one conversion: the input (borrowed throughout, so that parameters found in
/// one place can be used in another), the document-wide defaults, and what was recorded.
struct Converter<'a> {
    root: &'a Map<String, Value>,
    /// The global `consumes`, or the default media type.
    consumes: Vec<String>,
    /// The global `produces`, or the default media type.
    produces: Vec<String>,
    /// The global `schemes`, `https` first; empty when there are none.
    schemes: Vec<String>,
    moves: Moves,
    warnings: Vec<Warning>,
}

/// `at` followed by one more reference token, escaped.
fn join(at: &str, token: &str) -> String {
    format!("{at}/{}", escape_token(token))
}

/// `at` followed by an array index.
fn index(at: &str, index: usize) -> String {
    format!("{at}/{index}")
}

/// Whether a key is a specification extension (`x-…`).
fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// A value as a user reads it in a message.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a sequence".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// The unescaped first reference token of `rest` (`Pet` of `Pet/properties/a`), if `rest` has
/// exactly one token.
fn single_token(rest: &str) -> Option<String> {
    (!rest.is_empty() && !rest.contains('/')).then(|| rest.replace("~1", "/").replace("~0", "~"))
}

/// Whether two media type lists name the same media types in the same order.
fn same_media(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.eq_ignore_ascii_case(b))
}

impl<'a> Converter<'a> {
    fn new(root: &'a Map<String, Value>) -> Self {
        let mut converter = Converter {
            root,
            consumes: Vec::new(),
            produces: Vec::new(),
            schemes: Vec::new(),
            moves: Moves::default(),
            warnings: Vec::new(),
        };
        converter.consumes = converter
            .media_types(root.get("consumes"), "#/consumes")
            .unwrap_or_else(|| vec![DEFAULT_MEDIA_TYPE.to_owned()]);
        converter.produces = converter
            .media_types(root.get("produces"), "#/produces")
            .unwrap_or_else(|| vec![DEFAULT_MEDIA_TYPE.to_owned()]);
        converter.schemes = converter
            .scheme_list(root.get("schemes"), "#/schemes")
            .unwrap_or_default();
        converter
    }

    /// Records a warning once (a path-level parameter is converted for every operation).
    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let warning = Warning {
            pointer: pointer.to_owned(),
            message: message.into(),
        };
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Records that the value at `new` came from `old`, unless it stayed where it was.
    fn moved(&mut self, new: &str, old: &str) {
        if new != old {
            self.moves.record(new, old);
        }
    }

    /// A `consumes` or `produces` list: `None` when it is absent or unusable, else its media
    /// types (an empty list means "none said here", and the caller falls back to the default).
    fn media_types(&mut self, value: Option<&Value>, at: &str) -> Option<Vec<String>> {
        let list = match value? {
            Value::Array(list) => list,
            other => {
                self.warn(
                    at,
                    format!(
                        "a media type list must be a sequence of strings such as \
                         [application/json], not {}; it is ignored",
                        describe(other)
                    ),
                );
                return None;
            }
        };
        let mut media = Vec::new();
        for (i, item) in list.iter().enumerate() {
            match item {
                Value::String(media_type) if !media_type.trim().is_empty() => {
                    if !media
                        .iter()
                        .any(|m: &String| m.eq_ignore_ascii_case(media_type))
                    {
                        media.push(media_type.clone());
                    }
                }
                other => self.warn(
                    &index(at, i),
                    format!(
                        "a media type must be a string such as \"application/json\", not {}; \
                         it is ignored",
                        describe(other)
                    ),
                ),
            }
        }
        (!media.is_empty()).then_some(media)
    }

    /// The media types of an operation's `consumes` or `produces`, else the document's.
    fn operation_media(
        &mut self,
        operation: &Map<String, Value>,
        at: &str,
        key: &str,
        global: &[String],
    ) -> Vec<String> {
        self.media_types(operation.get(key), &join(at, key))
            .unwrap_or_else(|| global.to_vec())
    }

    /// A `schemes` list, deduplicated, `https` first.
    fn scheme_list(&mut self, value: Option<&Value>, at: &str) -> Option<Vec<String>> {
        let list = match value? {
            Value::Array(list) => list,
            other => {
                self.warn(
                    at,
                    format!(
                        "`schemes` must be a sequence such as [https], not {}; it is ignored",
                        describe(other)
                    ),
                );
                return None;
            }
        };
        let mut schemes: Vec<String> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            match item {
                Value::String(scheme) if !scheme.is_empty() => {
                    let scheme = scheme.to_ascii_lowercase();
                    if !schemes.contains(&scheme) {
                        schemes.push(scheme);
                    }
                }
                other => self.warn(
                    &index(at, i),
                    format!(
                        "a scheme must be one of http, https, ws, wss, not {}; it is ignored",
                        describe(other)
                    ),
                ),
            }
        }
        // Stable: the others keep their order.
        schemes.sort_by_key(|scheme| scheme != "https");
        Some(schemes)
    }

    /// The whole document, in the order OpenAPI 3.0 documents are usually written.
    fn document(&mut self) -> Map<String, Value> {
        let root = self.root;
        let mut out = Map::new();
        out.insert("openapi".to_owned(), Value::String(VERSION.to_owned()));
        self.moved(
            "#/openapi",
            if root.contains_key("swagger") {
                "#/swagger"
            } else {
                "#"
            },
        );
        match root.get("swagger") {
            Some(Value::String(version)) if version == "2.0" => {}
            Some(other) => self.warn(
                "#/swagger",
                format!(
                    "`swagger` should be \"2.0\", not {}; the document is read as Swagger 2.0",
                    describe(other)
                ),
            ),
            None => {}
        }
        if let Some(info) = root.get("info") {
            out.insert("info".to_owned(), info.clone());
        }
        let schemes = self.schemes.clone();
        if let Some(servers) = self.servers(&schemes, "#/servers", None) {
            out.insert("servers".to_owned(), Value::Array(servers));
        }
        if let Some(paths) = self.paths() {
            out.insert("paths".to_owned(), paths);
        }
        let components = self.components();
        if !components.is_empty() {
            // Made of several root fields; as a whole it stands for the document.
            self.moved("#/components", "#");
            out.insert("components".to_owned(), Value::Object(components));
        }
        for key in ["security", "tags", "externalDocs"] {
            if let Some(value) = root.get(key) {
                out.insert(key.to_owned(), value.clone());
            }
        }
        const HANDLED: [&str; 15] = [
            "swagger",
            "info",
            "host",
            "basePath",
            "schemes",
            "consumes",
            "produces",
            "paths",
            "definitions",
            "parameters",
            "responses",
            "securityDefinitions",
            "security",
            "tags",
            "externalDocs",
        ];
        for (key, value) in root {
            if is_extension(key) {
                out.insert(key.clone(), value.clone());
            } else if !HANDLED.contains(&key.as_str()) {
                self.warn(
                    &join("#", key),
                    format!(
                        "`{key}` is not a field of a Swagger 2.0 document; it is dropped \
                         (name it `x-{key}` to keep it as an extension)"
                    ),
                );
            }
        }
        out
    }

    /// The servers for `schemes` and the document's `host` and `basePath`, recorded at `at`;
    /// `origin` is where the schemes were written when they are an operation's own.
    fn servers(
        &mut self,
        schemes: &[String],
        at: &str,
        origin: Option<&str>,
    ) -> Option<Vec<Value>> {
        let text = |key: &str| match self.root.get(key) {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim())),
            None => Ok(None),
            Some(other) => Err((key.to_owned(), describe(other))),
        };
        let (host, base_path) = (text("host"), text("basePath"));
        let host = host.unwrap_or_else(|(key, what)| {
            self.warn(
                &join("#", &key),
                format!(
                    "`host` must be a host name (and port) such as \"api.example.com\", not \
                     {what}; it is ignored"
                ),
            );
            None
        });
        let base_path = base_path.unwrap_or_else(|(key, what)| {
            self.warn(
                &join("#", &key),
                format!("`basePath` must be a path such as \"/v1\", not {what}; it is ignored"),
            );
            None
        });
        let base = base_path.map(|path| {
            let path = path.trim_end_matches('/');
            if path.is_empty() || path.starts_with('/') {
                path.to_owned()
            } else {
                format!("/{path}")
            }
        });
        let (urls, from): (Vec<String>, &str) = match host {
            Some(host) => {
                let base = base.unwrap_or_default();
                if host.contains("://") {
                    if origin.is_none() {
                        self.warn(
                            "#/host",
                            "`host` must be a host name (and port) only, without a scheme; the \
                             URL is used as it is",
                        );
                    }
                    (
                        vec![format!("{}{base}", host.trim_end_matches('/'))],
                        "#/host",
                    )
                } else if schemes.is_empty() {
                    self.warn(
                        "#/host",
                        format!(
                            "there are no `schemes`: Swagger 2.0 then means the scheme the \
                             document was fetched with, which a converted document cannot know; \
                             the server is https://{host}{base} (add `schemes: [http]` for plain \
                             HTTP)"
                        ),
                    );
                    (vec![format!("https://{host}{base}")], "#/host")
                } else {
                    let urls = schemes
                        .iter()
                        .map(|scheme| format!("{scheme}://{host}{base}"))
                        .collect();
                    (urls, "#/host")
                }
            }
            None => match base {
                Some(base) if base.is_empty() => (vec!["/".to_owned()], "#/basePath"),
                Some(base) => (vec![base], "#/basePath"),
                None => return None,
            },
        };
        let from = origin.unwrap_or(from);
        self.moved(at, from);
        let mut servers = Vec::new();
        for url in urls {
            let server_at = index(at, servers.len());
            self.moved(&server_at, from);
            self.moved(&join(&server_at, "url"), from);
            let mut server = Map::new();
            server.insert("url".to_owned(), Value::String(url));
            servers.push(Value::Object(server));
        }
        Some(servers)
    }

    /// `paths`: path items converted in place.
    fn paths(&mut self) -> Option<Value> {
        let paths = self.root.get("paths")?;
        let Value::Object(paths) = paths else {
            return Some(paths.clone());
        };
        let mut out = Map::new();
        for (template, item) in paths {
            let at = join("#/paths", template);
            let converted = match item {
                Value::Object(item) if !is_extension(template) => self.path_item(item, &at),
                other => other.clone(),
            };
            out.insert(template.clone(), converted);
        }
        Some(Value::Object(out))
    }

    /// One path item: its parameters (shared by its operations) and its operations.
    fn path_item(&mut self, item: &'a Map<String, Value>, at: &str) -> Value {
        let shared = self.parameters(item.get("parameters"), &join(at, "parameters"));
        let mut out = Map::new();
        for (key, value) in item {
            match key.as_str() {
                "parameters" => {
                    if let Some(list) = shared.list_value() {
                        out.insert(key.clone(), list);
                    }
                }
                method if METHODS.contains(&method) => {
                    let converted = match value {
                        Value::Object(operation) => {
                            self.operation(operation, &join(at, method), &shared)
                        }
                        other => other.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                _ if is_extension(key) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), self.refs(value));
                }
            }
        }
        Value::Object(out)
    }

    /// One operation: parameters, request body, responses and servers.
    fn operation(
        &mut self,
        operation: &'a Map<String, Value>,
        at: &str,
        shared: &Parameters<'a>,
    ) -> Value {
        let own = self.parameters(operation.get("parameters"), &join(at, "parameters"));
        let consumes = self.operation_media(operation, at, "consumes", &self.consumes.clone());
        let produces = self.operation_media(operation, at, "produces", &self.produces.clone());
        let mut request_body = self.operation_body(&own, shared, &consumes, at);
        let mut out = Map::new();
        for (key, value) in operation {
            match key.as_str() {
                "parameters" => {
                    if let Some(list) = own.list_value() {
                        out.insert(key.clone(), list);
                    }
                    if let Some(body) = request_body.take() {
                        out.insert("requestBody".to_owned(), body);
                    }
                }
                "responses" => {
                    if let Some(body) = request_body.take() {
                        out.insert("requestBody".to_owned(), body);
                    }
                    let responses = self.responses(value, &join(at, key), &produces);
                    out.insert(key.clone(), responses);
                }
                "consumes" | "produces" => {}
                "schemes" => {
                    let schemes_at = join(at, key);
                    if let Some(schemes) = self.scheme_list(Some(value), &schemes_at)
                        && schemes != self.schemes
                        && let Some(servers) =
                            self.servers(&schemes, &join(at, "servers"), Some(&schemes_at))
                    {
                        out.insert("servers".to_owned(), Value::Array(servers));
                    }
                }
                _ if is_extension(key) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), self.refs(value));
                }
            }
        }
        if let Some(body) = request_body {
            out.insert("requestBody".to_owned(), body);
        }
        Value::Object(out)
    }

    /// `components`, from `definitions`, `parameters`, `responses` and `securityDefinitions`.
    fn components(&mut self) -> Map<String, Value> {
        let root = self.root;
        let mut components = Map::new();
        if let Some(definitions) = root.get("definitions") {
            self.moved("#/components/schemas", "#/definitions");
            let schemas = match definitions {
                Value::Object(definitions) => {
                    let mut schemas = Map::new();
                    for (name, schema) in definitions {
                        let converted = self.schema(
                            schema,
                            &join("#/definitions", name),
                            &join("#/components/schemas", name),
                        );
                        schemas.insert(name.clone(), converted);
                    }
                    Value::Object(schemas)
                }
                other => other.clone(),
            };
            components.insert("schemas".to_owned(), schemas);
        }
        if let Some(responses) = root.get("responses") {
            self.moved("#/components/responses", "#/responses");
            let produces = self.produces.clone();
            let converted = match responses {
                Value::Object(responses) => {
                    let mut out = Map::new();
                    for (name, response) in responses {
                        let old = join("#/responses", name);
                        let new = join("#/components/responses", name);
                        out.insert(name.clone(), self.response(response, &old, &new, &produces));
                    }
                    Value::Object(out)
                }
                other => other.clone(),
            };
            components.insert("responses".to_owned(), converted);
        }
        let (parameters, request_bodies) = self.component_parameters();
        if let Some(parameters) = parameters {
            self.moved("#/components/parameters", "#/parameters");
            components.insert("parameters".to_owned(), parameters);
        }
        if let Some(request_bodies) = request_bodies {
            self.moved("#/components/requestBodies", "#/parameters");
            components.insert("requestBodies".to_owned(), Value::Object(request_bodies));
        }
        if let Some(schemes) = self.security_schemes() {
            self.moved("#/components/securitySchemes", "#/securityDefinitions");
            components.insert("securitySchemes".to_owned(), schemes);
        }
        components
    }

    /// Where a local `$ref` of the input points in the output: `#/definitions/X` is
    /// `#/components/schemas/X`, and so on. Other references are kept as they are.
    fn rewrite_ref(&self, reference: &str) -> String {
        let moved = |rest: &str, section: &str| format!("#/components/{section}{rest}");
        if let Some(rest) = reference.strip_prefix("#/definitions")
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return moved(rest, "schemas");
        }
        if let Some(rest) = reference.strip_prefix("#/responses")
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return moved(rest, "responses");
        }
        if let Some(rest) = reference.strip_prefix("#/securityDefinitions")
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return moved(rest, "securitySchemes");
        }
        if let Some(rest) = reference.strip_prefix("#/parameters")
            && (rest.is_empty() || rest.starts_with('/'))
        {
            let name = rest
                .strip_prefix('/')
                .and_then(|rest| single_token(rest.split('/').next().unwrap_or("")));
            let is_body = name
                .and_then(|name| self.root.get("parameters")?.get(name)?.get("in"))
                .and_then(Value::as_str)
                == Some("body");
            return moved(
                rest,
                if is_body {
                    "requestBodies"
                } else {
                    "parameters"
                },
            );
        }
        reference.to_owned()
    }

    /// A copy of a value whose structure the converter does not know, with every `$ref`
    /// rewritten except inside extensions and example, default and enum values.
    fn refs(&self, value: &Value) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.iter().map(|item| self.refs(item)).collect()),
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, child) in map {
                    let converted = match (key.as_str(), child) {
                        ("$ref", Value::String(reference)) => {
                            Value::String(self.rewrite_ref(reference))
                        }
                        ("example" | "examples" | "default" | "enum", _) => child.clone(),
                        _ if is_extension(key) => child.clone(),
                        _ => self.refs(child),
                    };
                    out.insert(key.clone(), converted);
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
}
