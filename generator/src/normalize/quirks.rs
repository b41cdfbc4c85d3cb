//! What real OpenAPI 3.0 documents get wrong, smoothed where the meaning is clear, so that one
//! slip does not cost the user the whole client. Runs on every document after conversion (so
//! converted Swagger 2.0 and OpenAPI 3.1 documents get the same treatment).
//!
//! Quiet fixes (the meaning is certain): an operation without `responses`, a response without
//! `description`, a version or title written as a YAML number, a count such as `maxLength`
//! written as `10.0`. Fixes with a warning (the document said something else, or nothing):
//! a missing `info`, bounds that the value's type cannot hold (`minimum: 1.5` on an integer is
//! `minimum: 2`; `maximum: 1e30` on an integer is no bound), `multipleOf` that is not positive,
//! counts that are negative, `required: true` written on a property, a parameter without a
//! schema, `type: file` outside Swagger 2.0.

use super::{Warning, describe};
use crate::diagnostic::join;
use crate::refs::{self, Kind};
use serde_json::{Map, Number, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Applies every fix to `document`; warnings are located in it.
pub(super) fn apply(document: &mut Value, warnings: &mut Vec<Warning>) {
    let Value::Object(root) = document else {
        return;
    };
    if let Some(Value::Number(version)) = root.get("openapi") {
        let version = version.to_string();
        root.insert("openapi".to_owned(), Value::String(version));
    }
    info(root, warnings);
    if !root.contains_key("paths") {
        root.insert("paths".to_owned(), Value::Object(Map::new()));
    }
    operations(root);
    refs::visit_objects_mut(document, &mut |at, kind, object| match kind {
        Kind::Schema => schema(object, at, warnings),
        Kind::Parameter | Kind::Header => parameter(object, at, kind, warnings),
        Kind::Response => describe_response(object),
        Kind::SecurityScheme => security_scheme(object),
        _ => {}
    });
}

fn warn(warnings: &mut Vec<Warning>, pointer: String, message: String) {
    warnings.push(Warning { pointer, message });
}

/// `info` with a `title` and a `version`, both text.
fn info(root: &mut Map<String, Value>, warnings: &mut Vec<Warning>) {
    let info = root
        .entry("info")
        .or_insert_with(|| Value::Object(Map::new()));
    if !info.is_object() {
        warn(
            warnings,
            "#/info".to_owned(),
            format!(
                "`info` must be a mapping with `title` and `version`, not {}; it is ignored",
                describe(info)
            ),
        );
        *info = Value::Object(Map::new());
    }
    let Value::Object(info) = info else {
        return;
    };
    for (key, fallback) in [("title", "API"), ("version", "")] {
        match info.get(key) {
            Some(Value::String(_)) => {}
            Some(Value::Number(number)) => {
                let text = number.to_string();
                info.insert(key.to_owned(), Value::String(text));
            }
            Some(Value::Bool(flag)) => {
                let text = flag.to_string();
                info.insert(key.to_owned(), Value::String(text));
            }
            _ => {
                if key == "title" {
                    warn(
                        warnings,
                        "#/info".to_owned(),
                        format!("`info` has no `title`; the API is called \"{fallback}\""),
                    );
                }
                info.insert(key.to_owned(), Value::String(fallback.to_owned()));
            }
        }
    }
}

/// An operation without `responses` documents none.
fn operations(root: &mut Map<String, Value>) {
    let Some(Value::Object(paths)) = root.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                operation
                    .entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
}

/// A response without a `description` has an empty one.
fn describe_response(response: &mut Map<String, Value>) {
    response
        .entry("description")
        .or_insert_with(|| Value::String(String::new()));
}

/// Swagger 2.0's `type: basic` in a 3.0 document is HTTP basic authentication.
fn security_scheme(scheme: &mut Map<String, Value>) {
    if scheme.get("type").and_then(Value::as_str) == Some("basic") {
        scheme.insert("type".to_owned(), Value::String("http".to_owned()));
        scheme.insert("scheme".to_owned(), Value::String("basic".to_owned()));
    }
}

/// A parameter or header needs a `schema` (or `content`); Swagger-style `type`/`format`/`items`
/// written on the parameter itself are moved into one, else it is a string.
fn parameter(object: &mut Map<String, Value>, at: &str, kind: Kind, warnings: &mut Vec<Warning>) {
    if object.contains_key("schema") || object.contains_key("content") {
        return;
    }
    const SCHEMA_KEYS: [&str; 14] = [
        "type",
        "format",
        "items",
        "enum",
        "default",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
    ];
    let mut schema = Map::new();
    for key in SCHEMA_KEYS {
        if let Some(value) = object.remove(key) {
            schema.insert(key.to_owned(), value);
        }
    }
    let noun = if kind == Kind::Header {
        "header"
    } else {
        "parameter"
    };
    if schema.is_empty() {
        schema.insert("type".to_owned(), Value::String("string".to_owned()));
        warn(
            warnings,
            at.to_owned(),
            format!("this {noun} has no `schema`; it is read as a string"),
        );
    } else {
        warn(
            warnings,
            at.to_owned(),
            format!(
                "this {noun} gives `type` and its constraints directly, as Swagger 2.0 does; \
                 OpenAPI 3 puts them under `schema`, and they are read that way"
            ),
        );
    }
    object.insert("schema".to_owned(), Value::Object(schema));
}

/// Fixes one schema object.
fn schema(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    nullable_type_list(object);
    if object.get("type").and_then(Value::as_str) == Some("file") {
        object.insert("type".to_owned(), Value::String("string".to_owned()));
        object.insert("format".to_owned(), Value::String("binary".to_owned()));
    }
    int_or_string(object);
    numbers(object, at, warnings);
    counts(object, at, warnings);
    if object.get("type").and_then(Value::as_str) == Some("integer") {
        integer_bounds(object, at, warnings);
    }
    property_required_flags(object, at, warnings);
    if let Some(values) = object.get("enum")
        && !values.is_array()
    {
        warn(
            warnings,
            join(at, "enum"),
            format!(
                "`enum` must be a list of values, not {}; it is ignored",
                describe(values)
            ),
        );
        object.remove("enum");
    }
}

/// `type: string, format: int-or-string` (Kubernetes' `IntOrString`, whose values are numbers
/// such as `1` as often as texts such as `"25%"`) is `oneOf: [integer, string]`: typed as a
/// string, every number a server sends would fail to decode.
fn int_or_string(object: &mut Map<String, Value>) {
    if object.get("format").and_then(Value::as_str) != Some("int-or-string")
        || object.get("type").and_then(Value::as_str) != Some("string")
    {
        return;
    }
    object.remove("format");
    object.remove("type");
    let part = |name: &str| {
        Value::Object(Map::from_iter([(
            "type".to_owned(),
            Value::String(name.to_owned()),
        )]))
    };
    object.insert(
        "oneOf".to_owned(),
        Value::Array(vec![part("integer"), part("string")]),
    );
}

/// `type: [T]` and `type: [T, "null"]` (JSON Schema's way, written in Swagger 2.0 and OpenAPI
/// 3.0 documents, where `type` is one name) are `type: T`, the second `nullable: true`. Lists of
/// several types are left as written: the parser reports them and falls back to a JSON value.
fn nullable_type_list(object: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = object.get("type") else {
        return;
    };
    let null = Value::String("null".to_owned());
    let named: Vec<&Value> = types.iter().filter(|t| **t != null).collect();
    let ([Value::String(name)], nullable) = (named.as_slice(), types.contains(&null)) else {
        return;
    };
    let name = Value::String(name.clone());
    object.insert("type".to_owned(), name);
    if nullable && !object.contains_key("nullable") {
        object.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// The number in `value`: numbers as they are, numeric text parsed (`"10"`); `None` otherwise.
fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// `minimum`, `maximum`, `multipleOf` and numeric exclusive bounds are finite numbers.
fn numbers(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(value) = object.get(key) else {
            continue;
        };
        match (value, as_number(value)) {
            (Value::Number(_), Some(_)) => {}
            // A number too large to read was reported and left as `null`.
            (Value::Null, _) => {
                object.remove(key);
            }
            (Value::String(_), Some(number)) if number.is_finite() => {
                if let Some(number) = Number::from_f64(number) {
                    object.insert(key.to_owned(), Value::Number(number));
                }
            }
            _ => {
                warn(
                    warnings,
                    join(at, key),
                    format!(
                        "`{key}` must be a number, not {}; it is ignored",
                        describe(value)
                    ),
                );
                object.remove(key);
            }
        }
    }
    // `exclusiveMinimum: 5` (JSON Schema draft 6 and later) in a 3.0 document.
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(limit)) = object.get(exclusive).cloned() {
            object.insert(bound.to_owned(), Value::Number(limit));
            object.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    if let Some(factor) = object.get("multipleOf").and_then(Value::as_f64)
        && factor <= 0.0
    {
        warn(
            warnings,
            join(at, "multipleOf"),
            format!(
                "`multipleOf: {factor}` is not a positive number, so no value can satisfy it; it is ignored"
            ),
        );
        object.remove("multipleOf");
    }
}

/// Counts (`maxLength`, `minItems`, …) are non-negative integers.
fn counts(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    const COUNTS: [&str; 6] = [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ];
    for key in COUNTS {
        let Some(value) = object.get(key) else {
            continue;
        };
        if value.is_u64() {
            continue;
        }
        match as_number(value) {
            Some(count) if count >= 0.0 && count.fract() == 0.0 && count < 9.0e15 => {
                object.insert(key.to_owned(), Value::from(count as u64));
            }
            _ => {
                warn(
                    warnings,
                    join(at, key),
                    format!(
                        "`{key}` must be a whole number of at least 0, not {}; it is ignored",
                        describe(value)
                    ),
                );
                object.remove(key);
            }
        }
    }
}

/// Bounds of an integer are integers within 64 bits: `minimum: 1.5` admits what `minimum: 2`
/// admits; a bound beyond every 64-bit integer is no bound.
fn integer_bounds(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    for (key, exclusive_key, lower) in [
        ("minimum", "exclusiveMinimum", true),
        ("maximum", "exclusiveMaximum", false),
    ] {
        let Some(Value::Number(bound)) = object.get(key).cloned() else {
            continue;
        };
        if bound.is_i64() {
            continue;
        }
        let exclusive = object.get(exclusive_key) == Some(&Value::Bool(true));
        let Some(value) = bound.as_f64() else {
            continue;
        };
        // The tightest integer bound that admits exactly the same integers.
        let (limit, still_exclusive) = if value.fract() == 0.0 {
            (value, exclusive)
        } else if lower {
            (value.ceil(), false)
        } else {
            (value.floor(), false)
        };
        // 2^63 is the first value past i64::MAX; -2^63 is i64::MIN itself.
        if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&limit) {
            let vacuous = if lower { limit < 0.0 } else { limit > 0.0 };
            // `i64::MAX` written through a double (as JavaScript tools write it) is 2^63: the
            // bound every 64-bit integer meets, said on purpose; dropped without a word.
            let rounded_max = !lower && limit == 9_223_372_036_854_775_808.0;
            let message = if vacuous {
                "so it bounds nothing"
            } else {
                "so no 64-bit value satisfies it"
            };
            if !rounded_max {
                warn(
                    warnings,
                    join(at, key),
                    format!(
                        "`{key}: {bound}` is beyond every 64-bit integer, {message}; it is ignored"
                    ),
                );
            }
            object.remove(key);
            object.remove(exclusive_key);
            continue;
        }
        if value.fract() != 0.0 {
            warn(
                warnings,
                join(at, key),
                format!(
                    "`{key}: {bound}` on an integer is read as `{key}: {limit}`{}, which admits the same integers",
                    if exclusive { " (inclusive)" } else { "" }
                ),
            );
        }
        // `limit` is integral and within i64 here.
        object.insert(key.to_owned(), Value::from(limit as i64));
        if still_exclusive {
            object.insert(exclusive_key.to_owned(), Value::Bool(true));
        } else {
            object.remove(exclusive_key);
        }
    }
    if let Some(Value::Number(factor)) = object.get("multipleOf").cloned()
        && !factor.is_i64()
    {
        warn(
            warnings,
            join(at, "multipleOf"),
            format!(
                "`multipleOf: {factor}` on an integer is not a whole number; it is not checked"
            ),
        );
        object.remove("multipleOf");
    }
}

/// `required: true` written on a property (JSON Schema draft 3, and many hand-written specs)
/// lists the property in the object's `required`.
fn property_required_flags(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Warning>) {
    let Some(Value::Object(properties)) = object.get_mut("properties") else {
        return;
    };
    let mut required = Vec::new();
    for (name, property) in properties.iter_mut() {
        if let Value::Object(property) = property
            && let Some(Value::Bool(flag)) = property.get("required").cloned()
        {
            property.remove("required");
            let property_at = join(&join(at, "properties"), name);
            warn(
                warnings,
                join(&property_at, "required"),
                format!(
                    "`required: {flag}` on a property is not OpenAPI; it is read as {} `{name}` in the object's `required` list",
                    if flag { "listing" } else { "not listing" }
                ),
            );
            if flag {
                required.push(Value::String(name.clone()));
            }
        }
    }
    if required.is_empty() {
        return;
    }
    match object
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(list) => {
            for name in required {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
        }
        other => *other = Value::Array(required),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str) -> (Value, Vec<(String, String)>) {
        let mut document: Value = serde_yaml::from_str(text).unwrap();
        let mut warnings = Vec::new();
        apply(&mut document, &mut warnings);
        (
            document,
            warnings
                .into_iter()
                .map(|w| (w.pointer, w.message))
                .collect(),
        )
    }

    #[test]
    fn omissions_are_filled_quietly() {
        let (document, warnings) = fixed(
            "openapi: 3.0.3\ninfo: {title: 1.5, version: 2}\npaths:\n  /a:\n    get: {}\n    post:\n      responses:\n        '200': {}\ncomponents:\n  responses:\n    Gone: {}\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(document["info"]["title"], "1.5");
        assert_eq!(document["info"]["version"], "2");
        assert_eq!(
            document["paths"]["/a"]["get"]["responses"],
            serde_json::json!({})
        );
        assert_eq!(
            document["paths"]["/a"]["post"]["responses"]["200"]["description"],
            ""
        );
        assert_eq!(
            document["components"]["responses"]["Gone"]["description"],
            ""
        );
    }

    #[test]
    fn a_missing_info_is_a_warning() {
        let (document, warnings) = fixed("openapi: 3.0.3\n");
        assert_eq!(document["info"]["title"], "API");
        assert_eq!(document["paths"], serde_json::json!({}));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].1.contains("no `title`"));
    }

    #[test]
    fn integer_bounds_become_the_integers_they_admit() {
        let (document, warnings) = fixed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A: {type: integer, minimum: 1.5, maximum: 9.99}
    B: {type: integer, minimum: 2.5, exclusiveMinimum: true, maximum: 3, exclusiveMaximum: true}
    C: {type: integer, minimum: -1.0e30, maximum: 1.0e30}
    D: {type: integer, minimum: 1.0e30}
    E: {type: integer, multipleOf: 0.5}
    F: {type: number, minimum: 1.5, multipleOf: 0}
",
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["A"]["minimum"], 2);
        assert_eq!(schemas["A"]["maximum"], 9);
        assert_eq!(schemas["B"]["minimum"], 3);
        assert!(schemas["B"].get("exclusiveMinimum").is_none());
        assert_eq!(schemas["B"]["exclusiveMaximum"], true);
        assert!(schemas["C"].get("minimum").is_none());
        assert!(schemas["C"].get("maximum").is_none());
        assert!(schemas["D"].get("minimum").is_none());
        assert!(schemas["E"].get("multipleOf").is_none());
        assert_eq!(schemas["F"]["minimum"], 1.5);
        assert!(schemas["F"].get("multipleOf").is_none());
        let places: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            places,
            [
                "#/components/schemas/A/minimum",
                "#/components/schemas/A/maximum",
                "#/components/schemas/B/minimum",
                "#/components/schemas/C/minimum",
                "#/components/schemas/C/maximum",
                "#/components/schemas/D/minimum",
                "#/components/schemas/E/multipleOf",
                "#/components/schemas/F/multipleOf",
            ]
        );
        assert!(warnings[3].1.contains("bounds nothing"), "{warnings:?}");
        assert!(
            warnings[5].1.contains("no 64-bit value satisfies it"),
            "{warnings:?}"
        );
    }

    #[test]
    fn type_lists_of_one_type_and_null_are_that_type_nullable() {
        let (document, warnings) = fixed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A: {type: [boolean, 'null']}
    B: {type: [string], format: date-time}
    C: {type: [array, string], items: {type: string}}
    D: {type: ['null']}
",
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["A"]["type"], "boolean");
        assert_eq!(schemas["A"]["nullable"], true);
        assert_eq!(schemas["B"]["type"], "string");
        assert!(schemas["B"].get("nullable").is_none());
        assert_eq!(schemas["C"]["type"], serde_json::json!(["array", "string"]));
        assert_eq!(schemas["D"]["type"], serde_json::json!(["null"]));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn i64_max_written_through_a_double_is_dropped_quietly() {
        // drf-spectacular writes `maximum: 9223372036854775807`; JavaScript tools round it.
        let (document, warnings) = fixed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A: {type: integer, minimum: -9223372036854775808, maximum: 9223372036854776000}
    B: {type: integer, maximum: 9223372036854777856}
",
        );
        let schemas = &document["components"]["schemas"];
        assert!(schemas["A"].get("maximum").is_none());
        assert_eq!(schemas["A"]["minimum"], i64::MIN);
        assert!(schemas["B"].get("maximum").is_none());
        let places: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(places, ["#/components/schemas/B/maximum"], "{warnings:?}");
    }

    #[test]
    fn counts_and_numbers_are_read_when_they_can_be() {
        let (document, warnings) = fixed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    A: {type: string, maxLength: 10.0, minLength: -1}
    B: {type: number, maximum: '100', minimum: 'lots', exclusiveMaximum: 5}
    C: {type: object, properties: {a: {type: string, required: true}, b: {type: string, required: false}}, required: [c]}
    D: {type: file}
    E: {enum: 3}
",
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["A"]["maxLength"], 10);
        assert!(schemas["A"].get("minLength").is_none());
        assert_eq!(schemas["B"]["maximum"], 5);
        assert_eq!(schemas["B"]["exclusiveMaximum"], true);
        assert!(schemas["B"].get("minimum").is_none());
        assert_eq!(schemas["C"]["required"], serde_json::json!(["c", "a"]));
        assert!(schemas["C"]["properties"]["a"].get("required").is_none());
        assert_eq!(schemas["D"]["format"], "binary");
        assert!(schemas["E"].get("enum").is_none());
        let places: Vec<&str> = warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            places,
            [
                "#/components/schemas/A/minLength",
                "#/components/schemas/B/minimum",
                "#/components/schemas/C/properties/a/required",
                "#/components/schemas/C/properties/b/required",
                "#/components/schemas/E/enum",
            ]
        );
    }

    #[test]
    fn parameters_without_a_schema_get_one() {
        let (document, warnings) = fixed(
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters:
        - {name: a, in: query, type: integer, maximum: 5}
        - {name: b, in: query}
        - {name: c, in: query, schema: {type: boolean}}
      responses: {}
",
        );
        let params = &document["paths"]["/a"]["get"]["parameters"];
        assert_eq!(
            params[0]["schema"],
            serde_json::json!({"type": "integer", "maximum": 5})
        );
        assert!(params[0].get("type").is_none());
        assert_eq!(params[1]["schema"], serde_json::json!({"type": "string"}));
        assert_eq!(params[2]["schema"], serde_json::json!({"type": "boolean"}));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
