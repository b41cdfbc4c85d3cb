//! Phase 1: read a spec file (YAML or JSON) into an [`openapiv3::OpenAPI`] document.
//!
//! A spec is parsed twice: first into a plain [`serde_json::Value`] (syntax errors carry the
//! parser's line and column), then into the typed document. A shape error there is located
//! by walking the document part by part until the smallest part that does not parse is
//! found, so the diagnostic names its JSON pointer and line rather than just "the document".

mod locate;

pub use locate::{Format, line_of, pointer_tokens};

use crate::Diagnostics;
use crate::diagnostic::pointer;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A loaded spec: the document, the raw JSON value (for pointers) and the text (for lines).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file it came from.
    pub file: PathBuf,
    /// The file's text.
    pub text: String,
    /// The document as plain JSON, for walking `$ref`s and extensions by pointer.
    pub raw: serde_json::Value,
    /// The typed document.
    pub document: openapiv3::OpenAPI,
}

impl Spec {
    /// Fills in the line of every diagnostic whose pointer can be found in the text.
    pub fn locate(&self, diagnostics: Diagnostics) -> Diagnostics {
        locate_in(&self.file, &self.text, diagnostics)
    }

    /// The value at a JSON pointer such as `#/components/schemas/Pet`, if there is one.
    pub fn resolve(&self, pointer: &str) -> Option<&Value> {
        value_at(&self.raw, pointer)
    }
}

/// The source format of a spec file: JSON for `.json`, YAML otherwise.
pub fn format_of(file: &Path) -> Format {
    match file.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Yaml,
    }
}

/// The value at a JSON pointer (`#/a/b` or `/a/b`) inside `root`.
pub fn value_at<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    let tokens = pointer_tokens(pointer)?;
    let mut value = root;
    for token in &tokens {
        value = match value {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Fills in lines, then orders the diagnostics as a reader meets them: by file, then line
/// (problems without a line, such as ones about the whole document, first), then pointer.
fn locate_in(file: &Path, text: &str, mut diagnostics: Diagnostics) -> Diagnostics {
    let format = format_of(file);
    for diagnostic in &mut diagnostics.0 {
        if diagnostic.line.is_none() && diagnostic.file == file {
            diagnostic.line = line_of(text, format, &diagnostic.pointer);
        }
    }
    diagnostics.0.sort_by(|a, b| {
        (&a.file, a.line, &a.pointer, &a.message).cmp(&(&b.file, b.line, &b.pointer, &b.message))
    });
    diagnostics
}

/// Reads and parses a spec file.
pub fn load(path: &Path) -> Result<Spec, Diagnostics> {
    match std::fs::read_to_string(path) {
        Ok(text) => load_str(path, &text),
        Err(error) => {
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(
                path,
                "#",
                format!("cannot read the spec file {}: {error}", path.display()),
            );
            Err(diagnostics)
        }
    }
}

/// Parses spec text; `file` names the place of problems and, by its extension, the format.
pub fn load_str(file: &Path, text: &str) -> Result<Spec, Diagnostics> {
    let mut raw = parse_syntax(file, text)?;
    check_version(file, &raw).map_err(|d| locate_in(file, text, d))?;
    tolerate_omissions(&mut raw);
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&raw) {
        Ok(document) => Ok(Spec {
            file: file.to_path_buf(),
            text: text.to_owned(),
            raw,
            document,
        }),
        Err(error) => {
            let (at, message) = drill(&raw, "#".to_owned(), Part::Document)
                .unwrap_or_else(|| (pointer_of(error.path(), "#"), error.inner().to_string()));
            let mut diagnostics = Diagnostics::default();
            diagnostics.push(file, at, message);
            Err(locate_in(file, text, diagnostics))
        }
    }
}

/// Fills in what real specs often leave out although OpenAPI requires it, where the meaning is
/// clear: an operation without `responses` has none documented, a response without a
/// `description` has an empty one.
fn tolerate_omissions(raw: &mut Value) {
    fn describe_responses(responses: &mut Value) {
        if let Value::Object(responses) = responses {
            for response in responses.values_mut() {
                if let Value::Object(response) = response
                    && !response.contains_key("$ref")
                {
                    response
                        .entry("description")
                        .or_insert_with(|| Value::String(String::new()));
                }
            }
        }
    }
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if let Some(Value::Object(paths)) = raw.get_mut("paths") {
        for item in paths.values_mut() {
            let Value::Object(item) = item else { continue };
            for method in METHODS {
                if let Some(Value::Object(operation)) = item.get_mut(method) {
                    let responses = operation
                        .entry("responses")
                        .or_insert_with(|| Value::Object(serde_json::Map::new()));
                    describe_responses(responses);
                }
            }
        }
    }
    if let Some(responses) = raw.pointer_mut("/components/responses") {
        describe_responses(responses);
    }
}

/// Parses the text into a plain value; a syntax error becomes one diagnostic with its line.
fn parse_syntax(file: &Path, text: &str) -> Result<Value, Diagnostics> {
    let (result, format_name) = match format_of(file) {
        Format::Json => (
            serde_json::from_str::<Value>(text).map_err(|e| (e.to_string(), Some(e.line()))),
            "JSON",
        ),
        Format::Yaml => (
            serde_yaml::from_str::<Value>(text)
                .map_err(|e| (e.to_string(), e.location().map(|l| l.line()))),
            "YAML",
        ),
    };
    result.map_err(|(message, line)| {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(
            file,
            "#",
            format!("the spec is not valid {format_name}: {message}"),
        );
        if let Some(diagnostic) = diagnostics.0.first_mut() {
            diagnostic.line = line.filter(|line| *line > 0);
        }
        diagnostics
    })
}

/// Rejects documents this generator does not read, before their shape is examined.
fn check_version(file: &Path, raw: &Value) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let Value::Object(map) = raw else {
        diagnostics.push(
            file,
            "#",
            format!(
                "the spec must be a mapping (an OpenAPI 3.0 document starting with `openapi: 3.0.3`), \
                 but it is {}",
                describe(raw)
            ),
        );
        return Err(diagnostics);
    };
    if map.contains_key("swagger") {
        diagnostics.push(
            file,
            "#/swagger",
            "Swagger 2.0 is not supported; convert it to OpenAPI 3.0 first",
        );
        return Err(diagnostics);
    }
    match map.get("openapi") {
        None => diagnostics.push(
            file,
            "#",
            "the spec has no `openapi` field; an OpenAPI 3.0 document starts with `openapi: 3.0.3`",
        ),
        Some(Value::String(version)) if is_version(version, "3.0") => {}
        Some(Value::String(version)) if is_version(version, "3.1") => diagnostics.push(
            file,
            "#/openapi",
            format!(
                "OpenAPI 3.1 is not supported yet (this spec is `{version}`); \
                 write the spec as OpenAPI 3.0.x"
            ),
        ),
        Some(Value::String(version)) => diagnostics.push(
            file,
            "#/openapi",
            format!("unsupported OpenAPI version `{version}`; this generator reads OpenAPI 3.0.x"),
        ),
        Some(other) => diagnostics.push(
            file,
            "#/openapi",
            format!(
                "`openapi` must be a version string such as \"3.0.3\" (quoted in YAML), \
                 but it is {}",
                describe(other)
            ),
        ),
    }
    diagnostics.finish(())
}

/// `3.0`, `3.0.0`, `3.0.3`… for `major_minor` `3.0`.
fn is_version(version: &str, major_minor: &str) -> bool {
    version == major_minor
        || version
            .strip_prefix(major_minor)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|patch| !patch.is_empty())
}

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

/// Converts a serde path, relative to `base`, into a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path, base: &str) -> String {
    use serde_path_to_error::Segment;
    let mut tokens: Vec<String> = pointer_tokens(base).unwrap_or_default();
    for segment in path {
        match segment {
            Segment::Seq { index } => tokens.push(index.to_string()),
            Segment::Map { key } => tokens.push(key.clone()),
            Segment::Enum { .. } => {}
            Segment::Unknown => break,
        }
    }
    pointer(tokens)
}

/// The parts of a document that the shape check walks into. Serde loses its path inside
/// `#[serde(flatten)]` and untagged enums (which openapiv3 uses for `$ref`s and paths), so
/// the walk parses each part on its own and descends into the first one that fails.
#[derive(Debug, Clone, Copy)]
enum Part {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Schema,
    Components,
    SecurityScheme,
    Example,
}

impl Part {
    /// How a user calls this part in a message.
    fn name(self) -> &'static str {
        match self {
            Part::Document => "OpenAPI 3.0 document",
            Part::Paths => "paths object",
            Part::PathItem => "path item",
            Part::Operation => "operation",
            Part::Parameter => "parameter",
            Part::RequestBody => "request body",
            Part::Response => "response",
            Part::Header => "header",
            Part::MediaType => "media type",
            Part::Schema => "schema",
            Part::Components => "components object",
            Part::SecurityScheme => "security scheme",
            Part::Example => "example",
        }
    }

    /// Parses `value` as this part: `None` when it parses, else the pointer and the message.
    fn check(self, value: &Value, at: &str) -> Option<(String, String)> {
        use openapiv3::{
            Components, Example, Header, MediaType, OpenAPI, Operation, Parameter, PathItem, Paths,
            ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
        };
        match self {
            Part::Document => try_parse::<OpenAPI>(value, at),
            Part::Paths => try_parse::<Paths>(value, at),
            Part::PathItem => try_parse::<ReferenceOr<PathItem>>(value, at),
            Part::Operation => try_parse::<Operation>(value, at),
            Part::Parameter => try_parse::<ReferenceOr<Parameter>>(value, at),
            Part::RequestBody => try_parse::<ReferenceOr<RequestBody>>(value, at),
            Part::Response => try_parse::<ReferenceOr<Response>>(value, at),
            Part::Header => try_parse::<ReferenceOr<Header>>(value, at),
            Part::MediaType => try_parse::<MediaType>(value, at),
            Part::Schema => try_parse::<ReferenceOr<Schema>>(value, at),
            Part::Components => try_parse::<Components>(value, at),
            Part::SecurityScheme => try_parse::<ReferenceOr<SecurityScheme>>(value, at),
            Part::Example => try_parse::<ReferenceOr<Example>>(value, at),
        }
    }

    /// The sub-parts of `value` (a part of this kind) with their pointers.
    fn children<'v>(self, value: &'v Value, at: &str) -> Vec<(String, Part, &'v Value)> {
        let Value::Object(map) = value else {
            return Vec::new();
        };
        if map.contains_key("$ref") {
            return Vec::new();
        }
        let mut kids = Kids {
            at,
            map,
            out: Vec::new(),
        };
        match self {
            Part::Document => {
                kids.single("paths", Part::Paths);
                kids.single("components", Part::Components);
            }
            Part::Paths => {
                for (name, v) in map {
                    if name.starts_with('/') {
                        kids.out.push((kids.child(name), Part::PathItem, v));
                    }
                }
            }
            Part::PathItem => {
                kids.each_in_list("parameters", Part::Parameter);
                for method in [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ] {
                    kids.single(method, Part::Operation);
                }
            }
            Part::Operation => {
                kids.each_in_list("parameters", Part::Parameter);
                kids.single("requestBody", Part::RequestBody);
                kids.each_in_map("responses", Part::Response);
            }
            Part::Parameter | Part::Header => {
                kids.single("schema", Part::Schema);
                kids.each_in_map("content", Part::MediaType);
                kids.each_in_map("examples", Part::Example);
            }
            Part::RequestBody => kids.each_in_map("content", Part::MediaType),
            Part::Response => {
                kids.each_in_map("headers", Part::Header);
                kids.each_in_map("content", Part::MediaType);
            }
            Part::MediaType => {
                kids.single("schema", Part::Schema);
                kids.each_in_map("examples", Part::Example);
            }
            Part::Schema => {
                kids.each_in_map("properties", Part::Schema);
                for key in ["items", "not"] {
                    kids.single(key, Part::Schema);
                }
                if map
                    .get("additionalProperties")
                    .is_some_and(Value::is_object)
                {
                    kids.single("additionalProperties", Part::Schema);
                }
                for key in ["allOf", "oneOf", "anyOf"] {
                    kids.each_in_list(key, Part::Schema);
                }
            }
            Part::Components => {
                kids.each_in_map("schemas", Part::Schema);
                kids.each_in_map("responses", Part::Response);
                kids.each_in_map("parameters", Part::Parameter);
                kids.each_in_map("examples", Part::Example);
                kids.each_in_map("requestBodies", Part::RequestBody);
                kids.each_in_map("headers", Part::Header);
                kids.each_in_map("securitySchemes", Part::SecurityScheme);
            }
            Part::SecurityScheme | Part::Example => {}
        }
        kids.out
    }
}

/// Collects the sub-parts of one object.
struct Kids<'a, 'v> {
    at: &'a str,
    map: &'v serde_json::Map<String, Value>,
    out: Vec<(String, Part, &'v Value)>,
}

impl<'v> Kids<'_, 'v> {
    fn child(&self, key: &str) -> String {
        format!("{}/{}", self.at, crate::diagnostic::escape_token(key))
    }

    fn single(&mut self, key: &str, part: Part) {
        if let Some(v) = self.map.get(key) {
            self.out.push((self.child(key), part, v));
        }
    }

    fn each_in_map(&mut self, key: &str, part: Part) {
        if let Some(Value::Object(entries)) = self.map.get(key) {
            let base = self.child(key);
            for (name, v) in entries {
                let at = format!("{base}/{}", crate::diagnostic::escape_token(name));
                self.out.push((at, part, v));
            }
        }
    }

    fn each_in_list(&mut self, key: &str, part: Part) {
        if let Some(Value::Array(items)) = self.map.get(key) {
            let base = self.child(key);
            for (index, v) in items.iter().enumerate() {
                self.out.push((format!("{base}/{index}"), part, v));
            }
        }
    }
}

fn try_parse<T: DeserializeOwned>(value: &Value, at: &str) -> Option<(String, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(error) => Some((
            pointer_of(error.path(), at),
            humanize(&error.inner().to_string()),
        )),
    }
}

/// Rewrites serde's Rust-flavoured words for spec authors: "expected struct Paths" becomes
/// "expected a mapping".
fn humanize(message: &str) -> String {
    let message = message.replace("unknown variant", "unknown value");
    let message = message.as_str();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("struct ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "struct ".len()..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str("a mapping");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The smallest failing part under `value`: its pointer and a message naming the part.
fn drill(value: &Value, at: String, part: Part) -> Option<(String, String)> {
    let (pointer, message) = part.check(value, &at)?;
    for (child_at, child_part, child) in part.children(value, &at) {
        if let Some(found) = drill(child, child_at, child_part) {
            return Some(found);
        }
    }
    if let (Part::Parameter, Some(location)) = (part, value.get("in").and_then(Value::as_str))
        && !matches!(location, "path" | "query" | "header" | "cookie")
    {
        let hint = if matches!(location, "body" | "formData") {
            "; a body is the operation's `requestBody` in OpenAPI 3.0"
        } else {
            ""
        };
        return Some((
            format!("{at}/in"),
            format!(
                "unknown parameter location `in: {location}`: it is one of `path`, `query`, \
                 `header` or `cookie`{hint}"
            ),
        ));
    }
    let message = match value.get("$ref") {
        Some(reference) if !reference.is_string() => {
            "`$ref` must be a string such as \"#/components/schemas/Name\"".to_owned()
        }
        _ => format!("not a valid {}: {message}", part.name()),
    };
    Some((pointer, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Result<Spec, Diagnostics> {
        load_str(Path::new("spec.yaml"), text)
    }

    fn only(diagnostics: Diagnostics) -> (String, Option<usize>, String) {
        assert_eq!(diagnostics.0.len(), 1, "{diagnostics}");
        let d = diagnostics.0.into_iter().next().expect("one diagnostic");
        (d.pointer, d.line, d.message)
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";

    #[test]
    fn loads_a_minimal_yaml_spec() {
        let spec = yaml(MINIMAL).expect("loads");
        assert_eq!(spec.document.info.title, "t");
        assert_eq!(spec.resolve("#/info/version"), Some(&Value::from("1")));
    }

    #[test]
    fn loads_json_by_extension() {
        let text = r#"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        let spec = load_str(Path::new("x.json"), text).expect("loads");
        assert_eq!(spec.document.openapi, "3.0.0");
    }

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        let (pointer, line, message) =
            only(yaml("openapi: 3.0.3\ninfo:\n  title: [\n").unwrap_err());
        assert_eq!(pointer, "#");
        assert!(line.is_some());
        assert!(
            message.starts_with("the spec is not valid YAML: "),
            "{message}"
        );
        assert!(message.contains("column"), "{message}");
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let err = load_str(
            Path::new("x.json"),
            "{\n  \"openapi\": \"3.0.3\",\n  oops\n}",
        )
        .unwrap_err();
        let (_, line, message) = only(err);
        assert_eq!(line, Some(3));
        assert!(
            message.starts_with("the spec is not valid JSON: "),
            "{message}"
        );
        assert!(message.contains("column 3"), "{message}");
    }

    #[test]
    fn rejects_swagger_missing_and_unsupported_versions() {
        let (pointer, line, message) = only(yaml("swagger: '2.0'\ninfo: {}\n").unwrap_err());
        assert_eq!((pointer.as_str(), line), ("#/swagger", Some(1)));
        assert!(
            message.contains("Swagger 2.0 is not supported"),
            "{message}"
        );

        let (pointer, _, message) = only(yaml("info: {}\n").unwrap_err());
        assert_eq!(pointer, "#");
        assert!(message.contains("no `openapi` field"), "{message}");

        let (_, line, message) = only(yaml("info: {}\nopenapi: 3.1.0\n").unwrap_err());
        assert_eq!(line, Some(2));
        assert!(
            message.contains("OpenAPI 3.1 is not supported yet"),
            "{message}"
        );

        let (_, _, message) = only(yaml("openapi: 3.0\n").unwrap_err());
        assert!(message.contains("must be a version string"), "{message}");

        let (_, _, message) = only(yaml("openapi: '3.00'\n").unwrap_err());
        assert!(
            message.contains("unsupported OpenAPI version `3.00`"),
            "{message}"
        );

        let (_, _, message) = only(yaml("- a\n").unwrap_err());
        assert!(message.contains("must be a mapping"), "{message}");
    }

    #[test]
    fn shape_errors_name_the_smallest_failing_part() {
        let text = "openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /a/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: maybe
      responses:
        '200':
          description: ok
";
        let (pointer, line, message) = only(yaml(text).unwrap_err());
        assert_eq!(pointer, "#/paths/~1a~1{id}/get/parameters/0");
        assert_eq!(line, Some(9));
        assert_eq!(
            message,
            "not a valid parameter: invalid type: string \"maybe\", expected a boolean"
        );
    }

    #[test]
    fn shape_errors_inside_schemas_and_components() {
        let text = "openapi: 3.0.3
info:
  title: t
  version: '1'
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        tags:
          type: array
          items:
            type: string
            maxLength: many
";
        let (pointer, line, message) = only(yaml(text).unwrap_err());
        assert_eq!(pointer, "#/components/schemas/Pet/properties/tags/items");
        assert_eq!(line, Some(13));
        assert!(message.starts_with("not a valid schema: "), "{message}");
    }

    #[test]
    fn missing_required_fields_are_reported_where_they_belong() {
        let (pointer, _, message) = only(yaml("openapi: 3.0.3\npaths: {}\n").unwrap_err());
        assert_eq!(pointer, "#");
        assert!(message.contains("missing field `info`"), "{message}");

        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - in: query\n";
        let (pointer, line, message) = only(yaml(text).unwrap_err());
        assert_eq!(
            (pointer.as_str(), line),
            ("#/paths/~1a/get/parameters/0", Some(7))
        );
        assert!(message.contains("missing field `name`"), "{message}");
    }

    #[test]
    fn omitted_responses_and_descriptions_are_tolerated() {
        let text = "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {}
    post:
      responses:
        '200': {content: {application/json: {schema: {type: string}}}}
components:
  responses:
    Gone: {}
";
        let spec = yaml(text).unwrap();
        let operation = spec.document.paths.paths["/a"].as_item().unwrap();
        assert!(
            operation
                .get
                .as_ref()
                .unwrap()
                .responses
                .responses
                .is_empty()
        );
        assert!(operation.post.as_ref().unwrap().responses.responses.len() == 1);
    }

    #[test]
    fn non_string_ref_is_explained() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  parameters:\n    A:\n      $ref: 3\n";
        let (pointer, _, message) = only(yaml(text).unwrap_err());
        assert_eq!(pointer, "#/components/parameters/A");
        assert!(message.contains("`$ref` must be a string"), "{message}");
    }

    #[test]
    fn wrong_types_are_described_without_rust_names() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  - /a\n";
        let (pointer, line, message) = only(yaml(text).unwrap_err());
        assert_eq!((pointer.as_str(), line), ("#/paths", Some(3)));
        assert_eq!(
            message,
            "not a valid paths object: invalid type: sequence, expected a mapping"
        );
        assert_eq!(
            humanize("x, expected struct A_b or struct C"),
            "x, expected a mapping or a mapping"
        );
    }

    #[test]
    fn swagger_parameter_locations_are_explained() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      parameters:\n        - name: x\n          in: body\n      responses: {}\n";
        let (pointer, line, message) = only(yaml(text).unwrap_err());
        assert_eq!(
            (pointer.as_str(), line),
            ("#/paths/~1a/post/parameters/0/in", Some(8))
        );
        assert!(message.contains("`in: body`"), "{message}");
        assert!(message.contains("`requestBody`"), "{message}");
    }

    #[test]
    fn unreadable_file_names_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("missing.yaml");
        let (pointer, _, message) = only(load(&path).unwrap_err());
        assert_eq!(pointer, "#");
        assert!(message.contains("missing.yaml"), "{message}");
        assert!(
            message.starts_with("cannot read the spec file"),
            "{message}"
        );
    }

    #[test]
    fn locate_fills_lines_without_overwriting() {
        let spec = yaml(MINIMAL).expect("loads");
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(&spec.file, "#/info/title", "a");
        diagnostics.push(&spec.file, "#/nowhere", "b");
        diagnostics.push(&spec.file, "#/paths", "c");
        diagnostics.0[2].line = Some(42);
        let located = spec.locate(diagnostics);
        let lines: Vec<_> = located
            .0
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        // Sorted as a reader meets them.
        assert_eq!(lines, [(None, "b"), (Some(3), "a"), (Some(42), "c")]);
    }
}
