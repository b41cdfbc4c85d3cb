//! Structure-aware mutations of real specs: a seed spec (a fixture of `tests/fixtures/` or a
//! description of `../shared/specs/`) read into a `serde_json::Value`, changed by a few
//! mutations the fuzzer's bytes choose, written back as JSON or YAML and run through the whole
//! pipeline ([`crate::pipeline::check_text`]).
//!
//! A node is chosen by a walk from the root: each selector picks a child (`selector % len`) of
//! an object or array, until the selectors run out or a scalar is reached. Mutations replace a
//! value, delete a key or item, duplicate a subtree elsewhere, insert a `$ref` to an existing
//! node, a component, a missing pointer or another file, change a `type` keyword, wrap a node
//! in `allOf`/`oneOf`/`anyOf`/`not`, rename a key (to a sibling's name, too), add a keyword
//! (`nullable`, `required`, `enum`, `discriminator`, `x-pagination`…), or swap the version
//! field to Swagger 2.0, OpenAPI 3.0, 3.1 or something else.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use serde_json::{Map, Value, json};

/// Mutations applied to one seed, at most.
const MAX_MUTATIONS: usize = 12;
/// Seeds larger than this are left out: one run of the pipeline on them takes seconds.
const MAX_SEED_BYTES: usize = 64 * 1024;
/// A mutated document larger than this (as JSON) is skipped (duplicating the root doubles it).
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

#[derive(Arbitrary, Debug)]
pub struct Input {
    seed: u16,
    json: bool,
    mutations: Vec<Mutation>,
}

#[derive(Arbitrary, Debug)]
enum Mutation {
    Replace { at: Walk, with: Scalar },
    Delete { at: Walk },
    Duplicate { from: Walk, to: Walk, key: Word },
    InsertRef { at: Walk, target: RefTarget },
    ChangeType { at: Walk, to: TypeKeyword },
    Wrap { at: Walk, with: Wrapper },
    Rename { at: Walk, to: NewName },
    AddKeyword { at: Walk, keyword: Keyword },
    Version(VersionField),
}

/// Child selectors from the root.
#[derive(Arbitrary, Debug)]
struct Walk(Vec<u16>);

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Word),
    EmptyObject,
    EmptyArray,
    Array(Vec<Word>),
}

/// A string: one the generator looks at, or any.
#[derive(Arbitrary, Debug)]
enum Word {
    Known(u8),
    Any(String),
}

const WORDS: &[&str] = &[
    "",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "null",
    "int32",
    "int64",
    "float",
    "double",
    "date-time",
    "date",
    "uuid",
    "binary",
    "byte",
    "$ref",
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "Self",
    "self",
    "crate",
    "super",
    "type",
    "r#type",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "default",
    "2XX",
    "200",
    "204",
    "4XX",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
    "text/event-stream",
    "application/x-ndjson",
    "{id}",
    "/a/{id}",
    "/",
    "id",
    "Id",
    "ID",
    "_",
    "__",
    "-",
    "1abc",
    "é",
    "名前",
    "a b",
    "a.b",
    "query",
    "path",
    "header",
    "cookie",
    "form",
    "deepObject",
    "spaceDelimited",
    "simple",
    "X-Request-Id",
    "Content-Type",
    "Authorization",
    "(",
    "^[a-z]+$",
    "#/components/schemas/",
    "#/definitions/",
    "x-pagination",
    "x-client-parameter",
    "x-error-fields",
    "x-signer",
    "sdk-hmac-sha256",
    "offset",
    "limit",
    "count",
    "3.0.3",
    "3.1.0",
    "2.0",
];

impl Word {
    fn text(&self) -> String {
        match self {
            Word::Known(index) => WORDS[usize::from(*index) % WORDS.len()].to_owned(),
            Word::Any(text) => text.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum RefTarget {
    /// The pointer of a node of the document.
    Existing(Walk),
    /// A schema (or definition) the document declares.
    Component(u16),
    /// A pointer that resolves to nothing.
    Missing(Word),
    /// Another file (that does not exist), with or without a pointer.
    File { pointer: bool },
    /// A remote document.
    Remote,
    /// The node itself, or its parent: a cycle.
    ItsParent,
    /// Any text.
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum TypeKeyword {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    Null,
    /// A 3.1 type array.
    WithNull(u8),
    Bogus(Word),
    NotText(i64),
}

const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null",
];

#[derive(Arbitrary, Debug)]
enum Wrapper {
    AllOf,
    OneOf,
    AnyOf,
    Not,
    /// `allOf` of the node and a copy of itself.
    AllOfTwice,
    /// `oneOf` of the node and `{type: 'null'}`.
    OneOfNull,
}

#[derive(Arbitrary, Debug)]
enum NewName {
    /// The name of another key of the same object: two keys collide.
    Sibling(u16),
    /// The same name in another case or spelling.
    Respelled(u8),
    Word(Word),
}

#[derive(Arbitrary, Debug)]
enum Keyword {
    Nullable(bool),
    /// `required` listing some of the node's properties, and a name it does not have.
    Required {
        of: u16,
        missing: bool,
    },
    Enum(Vec<Scalar>),
    Format(Word),
    AdditionalProperties(u8),
    Items,
    Properties(Vec<Word>),
    Discriminator {
        property: Word,
        mapping: bool,
    },
    ReadOnly(bool),
    WriteOnly(bool),
    Deprecated(bool),
    Minimum(f64),
    MaxLength(i64),
    Pattern(Word),
    Default(Scalar),
    Const(Scalar),
    Pagination {
        offset: Word,
        limit: Word,
        count: Word,
        items: Word,
    },
    ErrorFields(Vec<(Word, Word)>),
    ClientParameter,
    Idempotent,
    OperationId(Word),
    Style {
        style: Word,
        explode: bool,
    },
    In(Word),
}

#[derive(Arbitrary, Debug)]
enum VersionField {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
    /// Both `swagger` and `openapi`.
    Both,
    /// Neither.
    Removed,
    Number(f64),
    Other(Word),
}

/// A spec to start from.
pub struct Seed {
    pub path: PathBuf,
    pub value: Value,
}

/// The seeds: every fixture in `tests/fixtures/{specs,swagger2,openapi31}` and, when
/// `../shared/specs` is beside the checkout, every single-file description in it of at most
/// 64 KiB (not `large/`, not `nexus.json`), sorted by path, so that a seed number means the same spec on every run.
pub fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in [
            "tests/fixtures/specs",
            "tests/fixtures/swagger2",
            "tests/fixtures/openapi31",
            "../shared/specs",
            "../shared/specs/swagger2",
            "../shared/specs/openapi31",
        ] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                ) {
                    files.push(path);
                }
            }
        }
        files.sort();
        let seeds: Vec<Seed> = files
            .into_iter()
            .filter_map(|path| {
                let text = std::fs::read_to_string(&path).ok()?;
                if text.len() > MAX_SEED_BYTES {
                    return None;
                }
                let format = generator::read::format_of(&path);
                let value = generator::read::parse(&text, format).ok()?.value;
                Some(Seed { path, value })
            })
            .collect();
        assert!(
            !seeds.is_empty(),
            "no seed specs found under {}",
            root.display()
        );
        seeds
    })
}

/// Mutates the chosen seed and runs the pipeline on the result.
pub fn check(input: &Input) {
    let seeds = seeds();
    let seed = &seeds[usize::from(input.seed) % seeds.len()];
    let mut document = seed.value.clone();
    for mutation in input.mutations.iter().take(MAX_MUTATIONS) {
        apply(&mut document, mutation);
    }
    let text = if input.json {
        serde_json::to_string_pretty(&document).ok()
    } else {
        serde_yaml::to_string(&document).ok()
    };
    let Some(text) = text else { return };
    if text.len() > MAX_DOCUMENT_BYTES {
        return;
    }
    crate::pipeline::check_text(&text, input.json);
}

/// The path of keys and indices a walk reaches.
fn walk(root: &Value, walk: &Walk) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut node = root;
    for selector in &walk.0 {
        let index = usize::from(*selector);
        match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map.iter().nth(index % map.len()).expect("index < len");
                steps.push(Step::Key(key.clone()));
                node = child;
            }
            Value::Array(items) if !items.is_empty() => {
                let at = index % items.len();
                steps.push(Step::Index(at));
                node = &items[at];
            }
            _ => break,
        }
    }
    steps
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn node_mut<'a>(root: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    let mut node = root;
    for step in steps {
        node = match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key)?,
            (Value::Array(items), Step::Index(at)) => items.get_mut(*at)?,
            _ => return None,
        };
    }
    Some(node)
}

fn node<'a>(root: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    let mut node = root;
    for step in steps {
        node = match (node, step) {
            (Value::Object(map), Step::Key(key)) => map.get(key)?,
            (Value::Array(items), Step::Index(at)) => items.get(*at)?,
            _ => return None,
        };
    }
    Some(node)
}

fn pointer_of(steps: &[Step]) -> String {
    let mut pointer = String::from("#");
    for step in steps {
        pointer.push('/');
        match step {
            Step::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(at) => pointer.push_str(&at.to_string()),
        }
    }
    pointer
}

fn scalar(value: &Scalar) -> Value {
    match value {
        Scalar::Null => Value::Null,
        Scalar::Bool(flag) => Value::Bool(*flag),
        Scalar::Int(number) => json!(number),
        Scalar::Float(number) => serde_json::Number::from_f64(*number)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Scalar::Text(word) => Value::String(word.text()),
        Scalar::EmptyObject => json!({}),
        Scalar::EmptyArray => json!([]),
        Scalar::Array(words) => Value::Array(
            words
                .iter()
                .take(8)
                .map(|w| Value::String(w.text()))
                .collect(),
        ),
    }
}

/// The declared schemas (3.x `components.schemas`, 2.0 `definitions`), as pointers.
fn components(document: &Value) -> Vec<String> {
    let mut pointers = Vec::new();
    if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
        for name in schemas.keys() {
            pointers.push(pointer_of(&[
                Step::Key("components".into()),
                Step::Key("schemas".into()),
                Step::Key(name.clone()),
            ]));
        }
    }
    if let Some(Value::Object(schemas)) = document.get("definitions") {
        for name in schemas.keys() {
            pointers.push(pointer_of(&[
                Step::Key("definitions".into()),
                Step::Key(name.clone()),
            ]));
        }
    }
    pointers
}

fn apply(document: &mut Value, mutation: &Mutation) {
    match mutation {
        Mutation::Replace { at, with } => {
            let steps = walk(document, at);
            if let Some(node) = node_mut(document, &steps) {
                *node = scalar(with);
            }
        }
        Mutation::Delete { at } => {
            let mut steps = walk(document, at);
            let Some(last) = steps.pop() else { return };
            match (node_mut(document, &steps), last) {
                (Some(Value::Object(map)), Step::Key(key)) => {
                    map.shift_remove(&key);
                }
                (Some(Value::Array(items)), Step::Index(at)) if at < items.len() => {
                    items.remove(at);
                }
                _ => {}
            }
        }
        Mutation::Duplicate { from, to, key } => {
            let from = walk(document, from);
            let Some(copy) = node(document, &from).cloned() else {
                return;
            };
            let to = walk(document, to);
            match node_mut(document, &to) {
                Some(Value::Object(map)) => {
                    map.insert(key.text(), copy);
                }
                Some(Value::Array(items)) => items.push(copy),
                Some(other) => *other = copy,
                None => {}
            }
        }
        Mutation::InsertRef { at, target } => {
            let steps = walk(document, at);
            let reference = match target {
                RefTarget::Existing(walk_to) => pointer_of(&walk(document, walk_to)),
                RefTarget::Component(index) => {
                    let pointers = components(document);
                    if pointers.is_empty() {
                        return;
                    }
                    pointers[usize::from(*index) % pointers.len()].clone()
                }
                RefTarget::Missing(word) => format!("#/components/schemas/{}", word.text()),
                RefTarget::File { pointer: true } => "other.yaml#/components/schemas/Pet".into(),
                RefTarget::File { pointer: false } => "Pet.yaml".into(),
                RefTarget::Remote => "https://example.com/schemas/Pet.yaml".into(),
                RefTarget::ItsParent => pointer_of(&steps[..steps.len().saturating_sub(1)]),
                RefTarget::Any(text) => text.clone(),
            };
            if let Some(node) = node_mut(document, &steps) {
                match node {
                    Value::Object(map) => {
                        map.insert("$ref".into(), Value::String(reference));
                    }
                    other => *other = json!({ "$ref": reference }),
                }
            }
        }
        Mutation::ChangeType { at, to } => {
            let steps = walk(document, at);
            let value = match to {
                TypeKeyword::String => json!("string"),
                TypeKeyword::Integer => json!("integer"),
                TypeKeyword::Number => json!("number"),
                TypeKeyword::Boolean => json!("boolean"),
                TypeKeyword::Array => json!("array"),
                TypeKeyword::Object => json!("object"),
                TypeKeyword::Null => json!("null"),
                TypeKeyword::WithNull(index) => {
                    json!([TYPES[usize::from(*index) % TYPES.len()], "null"])
                }
                TypeKeyword::Bogus(word) => Value::String(word.text()),
                TypeKeyword::NotText(number) => json!(number),
            };
            if let Some(Value::Object(map)) = node_mut(document, &steps) {
                map.insert("type".into(), value);
            }
        }
        Mutation::Wrap { at, with } => {
            let steps = walk(document, at);
            if let Some(node) = node_mut(document, &steps) {
                let inner = node.take();
                *node = match with {
                    Wrapper::AllOf => json!({ "allOf": [inner] }),
                    Wrapper::OneOf => json!({ "oneOf": [inner] }),
                    Wrapper::AnyOf => json!({ "anyOf": [inner] }),
                    Wrapper::Not => json!({ "not": inner }),
                    Wrapper::AllOfTwice => json!({ "allOf": [inner.clone(), inner] }),
                    Wrapper::OneOfNull => json!({ "oneOf": [inner, { "type": "null" }] }),
                };
            }
        }
        Mutation::Rename { at, to } => {
            let mut steps = walk(document, at);
            let Some(Step::Key(old)) = steps.pop() else {
                return;
            };
            let Some(Value::Object(map)) = node_mut(document, &steps) else {
                return;
            };
            let new = match to {
                NewName::Sibling(index) => {
                    let keys: Vec<&String> = map.keys().collect();
                    keys[usize::from(*index) % keys.len()].clone()
                }
                NewName::Respelled(how) => respell(&old, *how),
                NewName::Word(word) => word.text(),
            };
            if let Some(value) = map.shift_remove(&old) {
                map.insert(new, value);
            }
        }
        Mutation::AddKeyword { at, keyword } => {
            let steps = walk(document, at);
            if let Some(Value::Object(map)) = node_mut(document, &steps) {
                add_keyword(map, keyword);
            }
        }
        Mutation::Version(version) => {
            let Value::Object(map) = document else { return };
            let (swagger, openapi) = match version {
                VersionField::Swagger2 => (Some(json!("2.0")), None),
                VersionField::OpenApi30 => (None, Some(json!("3.0.3"))),
                VersionField::OpenApi31 => (None, Some(json!("3.1.0"))),
                VersionField::OpenApi32 => (None, Some(json!("3.2.0"))),
                VersionField::Both => (Some(json!("2.0")), Some(json!("3.0.3"))),
                VersionField::Removed => (None, None),
                VersionField::Number(number) => (
                    None,
                    Some(
                        serde_json::Number::from_f64(*number)
                            .map(Value::Number)
                            .unwrap_or(Value::Null),
                    ),
                ),
                VersionField::Other(word) => (None, Some(Value::String(word.text()))),
            };
            map.shift_remove("swagger");
            map.shift_remove("openapi");
            if let Some(swagger) = swagger {
                map.insert("swagger".into(), swagger);
            }
            if let Some(openapi) = openapi {
                map.insert("openapi".into(), openapi);
            }
        }
    }
}

/// `name` spelled so that it may name the same Rust identifier: another case, `-` and `_`
/// swapped, a suffix.
fn respell(name: &str, how: u8) -> String {
    match how % 5 {
        0 => name.to_uppercase(),
        1 => name.to_lowercase(),
        2 => name.replace('_', "-"),
        3 => name.replace('-', "_"),
        _ => format!("{name}_"),
    }
}

fn add_keyword(map: &mut Map<String, Value>, keyword: &Keyword) {
    let (key, value) = match keyword {
        Keyword::Nullable(flag) => ("nullable", json!(flag)),
        Keyword::Required { of, missing } => {
            let mut names: Vec<Value> = match map.get("properties") {
                Some(Value::Object(properties)) if !properties.is_empty() => properties
                    .keys()
                    .take(usize::from(*of) % properties.len() + 1)
                    .map(|k| Value::String(k.clone()))
                    .collect(),
                _ => Vec::new(),
            };
            if *missing {
                names.push(json!("no_such_property"));
            }
            ("required", Value::Array(names))
        }
        Keyword::Enum(values) => (
            "enum",
            Value::Array(values.iter().take(8).map(scalar).collect()),
        ),
        Keyword::Format(word) => ("format", Value::String(word.text())),
        Keyword::AdditionalProperties(how) => (
            "additionalProperties",
            match how % 4 {
                0 => json!(true),
                1 => json!(false),
                2 => json!({}),
                _ => json!({ "type": "integer" }),
            },
        ),
        Keyword::Items => ("items", json!({ "type": "string" })),
        Keyword::Properties(names) => (
            "properties",
            Value::Object(
                names
                    .iter()
                    .take(8)
                    .map(|name| (name.text(), json!({ "type": "string" })))
                    .collect(),
            ),
        ),
        Keyword::Discriminator { property, mapping } => {
            let property = property.text();
            let mut discriminator = json!({ "propertyName": property });
            if *mapping {
                discriminator["mapping"] = json!({ "a": "#/components/schemas/A", "b": "B" });
            }
            ("discriminator", discriminator)
        }
        Keyword::ReadOnly(flag) => ("readOnly", json!(flag)),
        Keyword::WriteOnly(flag) => ("writeOnly", json!(flag)),
        Keyword::Deprecated(flag) => ("deprecated", json!(flag)),
        Keyword::Minimum(number) => (
            "minimum",
            serde_json::Number::from_f64(*number)
                .map(Value::Number)
                .unwrap_or(Value::Null),
        ),
        Keyword::MaxLength(number) => ("maxLength", json!(number)),
        Keyword::Pattern(word) => ("pattern", Value::String(word.text())),
        Keyword::Default(value) => ("default", scalar(value)),
        Keyword::Const(value) => ("const", scalar(value)),
        Keyword::Pagination {
            offset,
            limit,
            count,
            items,
        } => (
            "x-pagination",
            json!({
                "offset": offset.text(),
                "limit": limit.text(),
                "count": count.text(),
                "items": items.text(),
            }),
        ),
        Keyword::ErrorFields(pairs) => (
            "x-error-fields",
            Value::Array(
                pairs
                    .iter()
                    .take(4)
                    .map(
                        |(code, message)| json!({ "code": code.text(), "message": message.text() }),
                    )
                    .collect(),
            ),
        ),
        Keyword::ClientParameter => ("x-client-parameter", json!(true)),
        Keyword::Idempotent => ("x-idempotent", json!(true)),
        Keyword::OperationId(word) => ("operationId", Value::String(word.text())),
        Keyword::Style { style, explode } => {
            map.insert("explode".into(), json!(explode));
            ("style", Value::String(style.text()))
        }
        Keyword::In(word) => ("in", Value::String(word.text())),
    };
    map.insert(key.to_owned(), value);
}
