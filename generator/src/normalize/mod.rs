//! Rewriting a bundled document of any supported version into the OpenAPI 3.0 shape that
//! `openapiv3` models, before it is parsed: one converter per input version, tested fixture by
//! fixture, so that every later phase sees only 3.0.
//!
//! A converter is a function of plain JSON: it takes the document, returns the rewritten one,
//! records in [`Moves`] where each rewritten part came from (so that a diagnostic about a
//! converted Swagger 2.0 parameter still names the line the user wrote) and reports what it
//! could not carry over as [`Warning`]s located in its input.
//!
//! Facts that OpenAPI 3.0 cannot say but the generator needs are kept in our own `x-` keys
//! (listed in [`EXTENSIONS`]).

mod inline;
pub mod openapi31;
mod quirks;
pub mod swagger2;

use serde_json::Value;
use std::collections::HashMap;

/// The kind of description a document is, by its `swagger` or `openapi` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Swagger 2.0.
    Swagger2,
    /// OpenAPI 3.0.x: the shape the generator reads natively.
    OpenApi30,
    /// OpenAPI 3.1.x, or 3.2.x using only 3.1 constructs.
    OpenApi31,
}

/// Which converter `document` needs: `Err((pointer, message))` when it is not a description
/// this generator reads. A version written as a YAML number (`openapi: 3.0`) is accepted.
pub fn version_of(document: &Value) -> Result<Version, (String, String)> {
    let Value::Object(map) = document else {
        return Err((
            "#".to_owned(),
            format!(
                "the spec must be a mapping (an OpenAPI document starting with `openapi: 3.0.3`, \
                 `openapi: 3.1.0` or `swagger: \"2.0\"`), but it is {}",
                describe(document)
            ),
        ));
    };
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    if let Some(swagger) = map.get("swagger") {
        return match text(swagger) {
            Some(version) if version == "2.0" || version == "2" => Ok(Version::Swagger2),
            _ => Err((
                "#/swagger".to_owned(),
                format!(
                    "unsupported Swagger version {}; this generator reads Swagger 2.0 and OpenAPI 3.0 to 3.2",
                    describe(swagger)
                ),
            )),
        };
    }
    let Some(openapi) = map.get("openapi") else {
        return Err((
            "#".to_owned(),
            "the spec has no `openapi` (or `swagger`) field, so it is not an API description; \
             an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"
                .to_owned(),
        ));
    };
    let version = text(openapi).unwrap_or_default();
    let minor = |prefix: &str| version == prefix || version.starts_with(&format!("{prefix}."));
    if minor("3.0") || version == "3" {
        Ok(Version::OpenApi30)
    } else if minor("3.1") || minor("3.2") {
        Ok(Version::OpenApi31)
    } else {
        Err((
            "#/openapi".to_owned(),
            format!(
                "unsupported OpenAPI version {}; this generator reads OpenAPI 3.0, 3.1 and 3.2 and Swagger 2.0",
                describe(openapi)
            ),
        ))
    }
}

/// Rewrites `document` (of `version`) into the OpenAPI 3.0 shape, copies the objects that
/// references name outside `#/components` into their places, then smooths what real 3.0
/// documents get wrong where the meaning is clear (an operation without `responses`, a
/// response without `description`, bounds that do not fit the type, …), with a warning for
/// anything that changes meaning.
pub fn normalize(document: Value, version: Version) -> Converted {
    let mut converted = match version {
        Version::Swagger2 => swagger2::convert(document),
        Version::OpenApi31 => openapi31::convert(document),
        Version::OpenApi30 => Converted {
            document,
            ..Converted::default()
        },
    };
    let copies = inline::apply(&mut converted.document);
    converted.moves = converted.moves.then(&copies);
    let mut warnings = Vec::new();
    quirks::apply(&mut converted.document, &mut warnings);
    for warning in warnings {
        converted.warnings.push(Warning {
            pointer: converted.moves.origin(&warning.pointer),
            message: warning.message,
        });
    }
    converted
}

/// How a value is called in a message.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{s}\""),
        Value::Array(_) => "a sequence".to_owned(),
        Value::Object(_) => "a mapping".to_owned(),
    }
}

/// The `x-` keys converters write for facts OpenAPI 3.0 cannot express, with what they mean.
/// Later phases read them; nothing else may invent such keys.
pub const EXTENSIONS: &[(&str, &str)] = &[
    (
        "x-collection-format",
        "on a query, header or path parameter converted from Swagger 2.0: the original \
         `collectionFormat` when 3.0 has no style for it (`tsv`: values joined by tabs)",
    ),
    (
        "x-prefix-items",
        "on an array schema converted from OpenAPI 3.1: its `prefixItems` (a list of schemas, one \
         per leading position: a tuple)",
    ),
    (
        "x-webhooks",
        "at the root, converted from OpenAPI 3.1 `webhooks`: a map from webhook name to a path \
         item (inline, `$ref`s rewritten to 3.0 locations); its payload schemas become types",
    ),
    (
        "x-item-schema",
        "on a media type converted from OpenAPI 3.2 `itemSchema`: the schema of one item of a \
         streamed response (an event of `text/event-stream`, a line of `application/x-ndjson`)",
    ),
];

/// A problem a converter could not fix: what it did instead, at a place in its input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// A JSON pointer into the converter's **input** document, e.g. `#/definitions/Pet`.
    pub pointer: String,
    /// What was found and what the converter did about it, e.g. "`collectionFormat: foo` is not
    /// a Swagger 2.0 collection format; the array is sent comma-separated".
    pub message: String,
}

/// Where the parts of a rewritten document came from: JSON pointers in the new document mapped to
/// pointers in the old one.
///
/// [`Moves::origin`] maps a pointer by its longest recorded prefix and appends the rest of the
/// pointer to that prefix's origin; a pointer with no recorded prefix came from the same place in
/// the old document. So a converter records one move per subtree it moves (`#/definitions/Pet` →
/// `#/components/schemas/Pet` covers every property below it) and more specific moves for what
/// it rewrote inside (`…/properties/a/nullable` came from `…/properties/a/x-nullable`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moves {
    /// New pointer (`#/a/b`, escaped as in a `$ref`) → old pointer.
    origins: HashMap<String, String>,
}

impl Moves {
    /// Records that the value now at `new` came from `old` (both JSON pointers like `#/a/b`).
    /// Recording the same `new` again replaces the earlier origin.
    pub fn record(&mut self, new: impl Into<String>, old: impl Into<String>) {
        self.origins.insert(new.into(), old.into());
    }

    /// Where the value at `pointer` (in the new document) came from in the old one.
    pub fn origin(&self, pointer: &str) -> String {
        let mut prefix = pointer;
        loop {
            if let Some(old) = self.origins.get(prefix) {
                return format!("{old}{}", &pointer[prefix.len()..]);
            }
            match prefix.rfind('/') {
                Some(slash) => prefix = &prefix[..slash],
                None => return pointer.to_owned(),
            }
        }
    }

    /// Whether nothing was recorded (the document was not rewritten).
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Moves recorded by a later rewrite of the document this one produced: the result maps the
    /// latest document straight to the earliest.
    pub fn then(&self, later: &Moves) -> Moves {
        let mut origins = HashMap::with_capacity(self.origins.len() + later.origins.len());
        // An earlier move stays valid for what the later rewrite left where it was.
        for (new, old) in &self.origins {
            origins.insert(new.clone(), old.clone());
        }
        for (new, middle) in &later.origins {
            origins.insert(new.clone(), self.origin(middle));
        }
        Moves { origins }
    }
}

/// What a converter returns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Converted {
    /// The document in the OpenAPI 3.0 shape (`openapi: 3.0.3`).
    pub document: serde_json::Value,
    /// Where its parts came from in the input.
    pub moves: Moves,
    /// What could not be carried over, located in the input.
    pub warnings: Vec<Warning>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_follow_the_longest_recorded_prefix() {
        let mut moves = Moves::default();
        moves.record("#/components/schemas", "#/definitions");
        moves.record(
            "#/components/schemas/Pet/properties/a/nullable",
            "#/definitions/Pet/properties/a/x-nullable",
        );
        assert_eq!(
            moves.origin("#/components/schemas/Pet/properties/b"),
            "#/definitions/Pet/properties/b"
        );
        assert_eq!(
            moves.origin("#/components/schemas/Pet/properties/a/nullable"),
            "#/definitions/Pet/properties/a/x-nullable"
        );
        assert_eq!(moves.origin("#/paths/~1a"), "#/paths/~1a");
        assert_eq!(moves.origin("#"), "#");
        // A prefix is a whole token: `#/components/schemasX` is not under `#/components/schemas`.
        assert_eq!(
            moves.origin("#/components/schemasX"),
            "#/components/schemasX"
        );
    }

    #[test]
    fn later_moves_compose_with_earlier_ones() {
        let mut first = Moves::default();
        first.record("#/components/schemas/Pet", "#/definitions/Pet");
        let mut second = Moves::default();
        second.record(
            "#/components/schemas/Pet/allOf/0",
            "#/components/schemas/Pet",
        );
        let both = first.then(&second);
        assert_eq!(
            both.origin("#/components/schemas/Pet/allOf/0/properties/x"),
            "#/definitions/Pet/properties/x"
        );
        assert_eq!(
            both.origin("#/components/schemas/Pet/description"),
            "#/definitions/Pet/description"
        );
    }
}
