//! Parsing the normalized document into [`openapiv3::OpenAPI`], without refusing it for one
//! broken part.
//!
//! When the typed parse fails, the document is walked part by part (serde loses its path
//! inside `#[serde(flatten)]` and untagged enums, which openapiv3 uses for `$ref`s and paths, so
//! each part is parsed on its own) down to the smallest parts that do not parse. Each of those
//! is replaced by an honest fallback (a schema that admits any JSON value) or left out (a
//! parameter, a response, an operation…), with a warning naming its place and what the parser
//! said; then the document is parsed again. Only a document whose root cannot be repaired is an
//! error.

use crate::diagnostic::{Problems, escape_token, pointer};
use crate::locate::pointer_tokens;
use crate::normalize::Moves;
use serde::Deserialize as _;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Rounds of repair before giving up (each round fixes every broken part it finds).
const MAX_ROUNDS: usize = 8;

/// The typed document; `document` is repaired in place (the warnings and the moves of array
/// items that shifted say how). `Err` is the one problem that makes the document unusable.
pub fn parse(
    document: &mut Value,
    problems: &mut Problems,
    moves: &mut Moves,
) -> Result<openapiv3::OpenAPI, (String, String)> {
    for _ in 0..MAX_ROUNDS {
        // Without the path tracking first: most documents parse, and tracking the path of
        // every value costs about a third of the parse. The path is asked for only on failure.
        if let Ok(parsed) = openapiv3::OpenAPI::deserialize(&*document) {
            return Ok(parsed);
        }
        let error = match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&*document) {
            Ok(parsed) => return Ok(parsed),
            Err(error) => error,
        };
        let mut broken = Vec::new();
        collect_broken(document, "#".to_owned(), Part::Document, &mut broken);
        let fixable: Vec<&Broken> = broken.iter().filter(|b| b.part != Part::Document).collect();
        if fixable.is_empty()
            && let Some(root) = broken.first()
            && let Some(key) = optional_root_key(&root.at)
            && let Value::Object(map) = &mut *document
        {
            map.remove(&key);
            problems.warn(&root.at, format!("{}; `{key}` is ignored", root.message));
            continue;
        }
        if fixable.is_empty() {
            let (at, message) = broken
                .first()
                .map(|b| (b.at.clone(), b.message.clone()))
                .unwrap_or_else(|| (pointer_of(error.path(), "#"), error.inner().to_string()));
            return Err((at, message));
        }
        let mut removals: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for broken in fixable {
            repair(document, broken, problems, &mut removals);
        }
        remove_items(document, removals, moves);
    }
    Err((
        "#".to_owned(),
        "the document still does not parse after repairing its broken parts".to_owned(),
    ))
}

/// The top-level key of `at` when the document can do without it.
fn optional_root_key(at: &str) -> Option<String> {
    let key = pointer_tokens(at)?.into_iter().next()?;
    matches!(
        key.as_str(),
        "servers" | "security" | "tags" | "externalDocs"
    )
    .then_some(key)
}

/// A part that does not parse although every part inside it does.
#[derive(Debug, Clone)]
struct Broken {
    at: String,
    part: Part,
    message: String,
}

/// Replaces or marks for removal one broken part, with a warning.
fn repair(
    document: &mut Value,
    broken: &Broken,
    problems: &mut Problems,
    removals: &mut BTreeMap<String, Vec<usize>>,
) {
    let Some(tokens) = pointer_tokens(&broken.at) else {
        return;
    };
    let what = broken.part.name();
    match broken.part {
        Part::Schema => {
            if let Some(slot) = document.pointer_mut(broken.at.trim_start_matches('#')) {
                *slot = Value::Object(Map::new());
            }
            problems.warn(
                &broken.at,
                format!("{}; it is read as any JSON value", broken.message),
            );
        }
        Part::Paths | Part::Components => {
            if let Some(slot) = document.pointer_mut(broken.at.trim_start_matches('#')) {
                *slot = Value::Object(Map::new());
            }
            problems.warn(&broken.at, format!("{}; it is ignored", broken.message));
        }
        _ => {
            let Some((last, parent)) = tokens.split_last() else {
                return;
            };
            let parent_at = pointer(parent);
            match document.pointer_mut(parent_at.trim_start_matches('#')) {
                Some(Value::Array(_)) => {
                    if let Ok(index) = last.parse::<usize>() {
                        removals.entry(parent_at).or_default().push(index);
                    }
                }
                Some(Value::Object(map)) => {
                    map.remove(last);
                }
                _ => return,
            }
            problems.warn(
                &broken.at,
                format!("{}; this {what} is left out", broken.message),
            );
        }
    }
}

/// Removes the marked items of each array, recording where the items after them moved.
fn remove_items(document: &mut Value, removals: BTreeMap<String, Vec<usize>>, moves: &mut Moves) {
    let mut shifts = Moves::default();
    for (array_at, mut indices) in removals {
        let Some(Value::Array(items)) = document.pointer_mut(array_at.trim_start_matches('#'))
        else {
            continue;
        };
        indices.sort_unstable();
        indices.dedup();
        let old_len = items.len();
        let mut kept = Vec::with_capacity(old_len);
        for (old, item) in std::mem::take(items).into_iter().enumerate() {
            if indices.binary_search(&old).is_err() {
                let new = kept.len();
                if new != old {
                    shifts.record(format!("{array_at}/{new}"), format!("{array_at}/{old}"));
                }
                kept.push(item);
            }
        }
        *items = kept;
    }
    *moves = moves.then(&shifts);
}

/// Collects the smallest failing parts under `value`.
fn collect_broken(value: &Value, at: String, part: Part, out: &mut Vec<Broken>) {
    let Some((pointer, message)) = part.check(value, &at) else {
        return;
    };
    let before = out.len();
    for (child_at, child_part, child) in part.children(value, &at) {
        collect_broken(child, child_at, child_part, out);
    }
    if out.len() > before {
        return;
    }
    if let (Part::Parameter, Some(location)) = (part, value.get("in").and_then(Value::as_str))
        && !matches!(location, "path" | "query" | "header" | "cookie")
    {
        let hint = if matches!(location, "body" | "formData") {
            "; a body is the operation's `requestBody` in OpenAPI 3"
        } else {
            ""
        };
        out.push(Broken {
            at,
            part,
            message: format!(
                "unknown parameter location `in: {location}`: it is one of `path`, `query`, \
                 `header` or `cookie`{hint}"
            ),
        });
        return;
    }
    let message = match value.get("$ref") {
        Some(reference) if !reference.is_string() => {
            "`$ref` must be a string such as \"#/components/schemas/Name\"".to_owned()
        }
        _ => format!("not a valid {}: {message}", part.name()),
    };
    // A part fails as a whole when what is wrong is one of its own fields.
    let at = if part == Part::Document { pointer } else { at };
    out.push(Broken { at, part, message });
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

/// The parts of a document that the shape check walks into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
            Part::Document => "OpenAPI document",
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
    map: &'v Map<String, Value>,
    out: Vec<(String, Part, &'v Value)>,
}

impl<'v> Kids<'_, 'v> {
    fn child(&self, key: &str) -> String {
        format!("{}/{}", self.at, escape_token(key))
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
                let at = format!("{base}/{}", escape_token(name));
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

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = (
        Result<openapiv3::OpenAPI, (String, String)>,
        Value,
        Vec<(String, String)>,
        Moves,
    );

    fn parsed(text: &str) -> Parsed {
        let mut document: Value = serde_yaml::from_str(text).unwrap();
        let mut problems = Problems::default();
        let mut moves = Moves::default();
        let result = parse(&mut document, &mut problems, &mut moves);
        let warnings = problems
            .0
            .into_iter()
            .map(|p| (p.pointer, p.message))
            .collect();
        (result, document, warnings, moves)
    }

    #[test]
    fn a_broken_parameter_is_left_out_and_the_rest_shifts() {
        let (result, document, warnings, moves) = parsed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a/{id}:
    get:
      parameters:
        - {name: a, in: query, schema: {type: string}}
        - {name: id, in: path, required: maybe, schema: {type: string}}
        - {name: c, in: query, schema: {type: string}}
      responses: {}
",
        );
        let parsed = result.unwrap();
        let operation = parsed.paths.paths["/a/{id}"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(operation.parameters.len(), 2);
        assert_eq!(
            document["paths"]["/a/{id}"]["get"]["parameters"][1]["name"],
            "c"
        );
        assert_eq!(
            warnings,
            [(
                "#/paths/~1a~1{id}/get/parameters/1".to_owned(),
                "not a valid parameter: invalid type: string \"maybe\", expected a boolean; this parameter is left out".to_owned()
            )]
        );
        assert_eq!(
            moves.origin("#/paths/~1a~1{id}/get/parameters/1/name"),
            "#/paths/~1a~1{id}/get/parameters/2/name"
        );
    }

    #[test]
    fn a_broken_schema_becomes_any_value() {
        let (result, document, warnings, _) = parsed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pet:
      type: object
      properties:
        tags: {type: array, items: {type: string, maxLength: many}}
        name: {type: string}
",
        );
        assert!(result.is_ok());
        assert_eq!(
            document["components"]["schemas"]["Pet"]["properties"]["tags"]["items"],
            serde_json::json!({})
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(
            warnings[0].0,
            "#/components/schemas/Pet/properties/tags/items"
        );
        assert!(
            warnings[0].1.starts_with("not a valid schema: "),
            "{warnings:?}"
        );
        assert!(
            warnings[0].1.ends_with("it is read as any JSON value"),
            "{warnings:?}"
        );
    }

    #[test]
    fn parameters_in_swagger_places_are_explained_and_left_out() {
        let (result, _, warnings, _) = parsed(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      parameters:\n        - name: x\n          in: body\n      responses: {}\n",
        );
        assert!(result.is_ok());
        assert_eq!(warnings[0].0, "#/paths/~1a/post/parameters/0");
        assert!(warnings[0].1.contains("`in: body`"), "{warnings:?}");
        assert!(warnings[0].1.contains("`requestBody`"), "{warnings:?}");
    }

    #[test]
    fn a_broken_optional_root_field_is_left_out() {
        let (result, document, warnings, _) =
            parsed("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nservers: 5\n");
        assert!(result.is_ok());
        assert!(document.get("servers").is_none());
        assert_eq!(warnings[0].0, "#/servers");
        assert!(
            warnings[0].1.ends_with("`servers` is ignored"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_broken_root_is_an_error() {
        let (result, _, _, _) = parsed("openapi: [3]\ninfo: {title: t, version: '1'}\npaths: {}\n");
        let (at, message) = result.unwrap_err();
        assert_eq!(at, "#/openapi");
        assert!(message.contains("invalid type"), "{message}");
    }

    #[test]
    fn wrong_types_are_described_without_rust_names() {
        assert_eq!(
            humanize("x, expected struct A_b or struct C"),
            "x, expected a mapping or a mapping"
        );
    }
}
