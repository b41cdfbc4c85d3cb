//! Reading one spec file into a plain JSON value.
//!
//! YAML or JSON (by extension; a `.yaml` file holding JSON reads as YAML, which is a superset).
//! What real files hold is tolerated where the meaning is clear: a UTF-8 byte order mark, YAML
//! merge keys (`<<: *anchor`), numbers that do not fit a 64-bit float or integer (kept as the
//! nearest float or dropped, with a warning naming their place). What cannot be read at all
//! (not UTF-8, a syntax error, a mapping key that is not a scalar) is one error with its line.

use crate::diagnostic::escape_token;
#[cfg(test)]
use crate::diagnostic::pointer;
use crate::locate::Format;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;
use std::path::Path;

/// A file's text read into a value, with what was tolerated on the way.
#[derive(Debug, Clone)]
pub struct Read {
    /// The document.
    pub value: Value,
    /// Numbers and merge keys that were adjusted: (JSON pointer, message).
    pub warnings: Vec<(String, String)>,
}

/// Why a file could not be read: a message and, where the parser knows it, the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What went wrong, for a user.
    pub message: String,
    /// The 1-based line.
    pub line: Option<usize>,
}

/// The source format of a spec file: JSON for `.json`, YAML otherwise.
pub fn format_of(file: &Path) -> Format {
    match file.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Yaml,
    }
}

/// Reads a file's bytes as text: UTF-8, a leading byte order mark dropped.
pub fn text_of(bytes: Vec<u8>) -> Result<String, ReadError> {
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        ReadError {
            message: format!(
                "the spec is not UTF-8 text (invalid byte at offset {})",
                valid.len()
            ),
            line: Some(1 + valid.iter().filter(|b| **b == b'\n').count()),
        }
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Parses text in `format` into a value.
pub fn parse(text: &str, format: Format) -> Result<Read, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => parse_json(text),
        Format::Yaml => parse_yaml(text),
    }
}

fn parse_json(text: &str) -> Result<Read, ReadError> {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Ok(Read {
            value,
            warnings: Vec::new(),
        }),
        // `1e400` is valid JSON that no f64 holds; serde_json refuses the whole document.
        Err(error) if error.to_string().starts_with("number out of range") => {
            parse_json_with_huge_numbers(text).ok_or_else(|| json_error(&error))
        }
        Err(error) => Err(json_error(&error)),
    }
}

fn json_error(error: &serde_json::Error) -> ReadError {
    ReadError {
        message: format!("the spec is not valid JSON: {error}"),
        line: Some(error.line()).filter(|line| *line > 0),
    }
}

/// The slow path for JSON holding numbers beyond a 64-bit float: each such number becomes
/// `null` (so `maximum: 1e400` is no bound at all, which is what it says), with a warning.
fn parse_json_with_huge_numbers(text: &str) -> Option<Read> {
    let huge = crate::locate::huge_json_numbers(text)?;
    let mut patched = String::with_capacity(text.len());
    let mut warnings = Vec::new();
    let mut last = 0;
    for (range, at) in huge {
        patched.push_str(text.get(last..range.start)?);
        patched.push_str("null");
        let number = text.get(range.clone())?;
        warnings.push((
            at,
            format!("the number {number} does not fit a 64-bit float; it is ignored"),
        ));
        last = range.end;
    }
    patched.push_str(text.get(last..)?);
    let value = serde_json::from_str::<Value>(&patched).ok()?;
    Some(Read { value, warnings })
}

fn parse_yaml(text: &str) -> Result<Read, ReadError> {
    let mut warnings = Vec::new();
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let seed = Node {
        at: "#".to_owned(),
        warnings: &mut warnings,
    };
    match seed.deserialize(deserializer) {
        Ok(mut value) => {
            merge_keys(&mut value, "#", &mut warnings, 0);
            Ok(Read { value, warnings })
        }
        Err(error) => Err(ReadError {
            message: format!("the spec is not valid YAML: {error}"),
            line: error.location().map(|l| l.line()).filter(|line| *line > 0),
        }),
    }
}

/// Builds one value while tracking its pointer, for warnings.
struct Node<'w> {
    at: String,
    warnings: &'w mut Vec<(String, String)>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Node<'_> {
    fn wide(self, text: String) -> Value {
        // Integers beyond 64 bits (`maximum: 18446744073709551616`) are kept as the nearest float.
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(number) => {
                self.warnings.push((
                    self.at,
                    format!(
                        "the integer {text} does not fit 64 bits; it is read as the float {number}"
                    ),
                ));
                Value::Number(number)
            }
            None => Value::Null,
        }
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => Value::from(v),
            Err(_) => self.wide(v.to_string()),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(v) => Value::from(v),
            Err(_) => self.wide(v.to_string()),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(match Number::from_f64(v) {
            Some(number) => Value::Number(number),
            None => {
                self.warnings.push((
                    self.at,
                    format!("the number {v} is not a finite number; it is ignored"),
                ));
                Value::Null
            }
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = Node {
                at: format!("{}/{}", self.at, items.len()),
                warnings: &mut *self.warnings,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<Key>()? {
            let seed = Node {
                at: format!("{}/{}", self.at, escape_token(&key.0)),
                warnings: &mut *self.warnings,
            };
            let value = map.next_value_seed(seed)?;
            object.insert(key.0, value);
        }
        Ok(Value::Object(object))
    }
}

/// A mapping key: any scalar, as text (`200:` is the key "200", `true:` "true", `~:` "~").
struct Key(String);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i128<E>(self, v: i128) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("~".to_owned()))
            }
            fn visit_none<E>(self) -> Result<Key, E> {
                Ok(Key("~".to_owned()))
            }
        }
        // As text: YAML gives a key's scalar as written (`Null:` is the key "Null", not null).
        deserializer.deserialize_string(KeyVisitor)
    }
}

/// Applies YAML merge keys: `<<: *base` (or a list of them) adds the keys of each mapping the
/// mapping does not set itself. Aliases are already expanded by the parser.
fn merge_keys(value: &mut Value, at: &str, warnings: &mut Vec<(String, String)>, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(merged) = map.remove("<<") {
                let sources = match merged {
                    Value::Array(items) => items,
                    other => vec![other],
                };
                for source in sources {
                    match source {
                        Value::Object(source) => {
                            for (key, value) in source {
                                map.entry(key).or_insert(value);
                            }
                        }
                        _ => warnings.push((
                            pointer_join(at, "<<"),
                            "a YAML merge key `<<` must name a mapping (or a list of them); it is ignored".to_owned(),
                        )),
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                merge_keys(child, &pointer_join(at, key), warnings, depth + 1);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                merge_keys(item, &format!("{at}/{index}"), warnings, depth + 1);
            }
        }
        _ => {}
    }
}

fn pointer_join(at: &str, key: &str) -> String {
    format!("{at}/{}", escape_token(key))
}

/// A pointer made of `tokens`, for tests.
#[cfg(test)]
fn at(tokens: &[&str]) -> String {
    pointer(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let text = text_of(b"\xef\xbb\xbf{\"a\": 1}".to_vec()).unwrap();
        assert_eq!(parse(&text, Format::Json).unwrap().value["a"], 1);
        let read = parse("\u{feff}a: 1\n", Format::Yaml).unwrap();
        assert_eq!(read.value["a"], 1);
        let read = parse("\u{feff}{\"a\": 2}", Format::Json).unwrap();
        assert_eq!(read.value["a"], 2);
    }

    #[test]
    fn text_that_is_not_utf8_names_its_line() {
        let error = text_of(b"a: 1\nb: \xff\n".to_vec()).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(error.message.contains("not UTF-8"), "{}", error.message);
    }

    #[test]
    fn yaml_integers_beyond_64_bits_become_floats_with_a_warning() {
        let read = parse(
            "schema:\n  maximum: 18446744073709551616\n  minimum: -9223372036854775809\n",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(read.value["schema"]["maximum"], 18446744073709551616.0);
        assert_eq!(read.value["schema"]["minimum"], -9223372036854775809.0);
        assert_eq!(read.warnings.len(), 2, "{:?}", read.warnings);
        assert_eq!(read.warnings[0].0, at(&["schema", "maximum"]));
        assert!(read.warnings[0].1.contains("does not fit 64 bits"));
        let read = parse("a: 18446744073709551615\nb: .inf\n", Format::Yaml).unwrap();
        assert_eq!(read.value["a"], u64::MAX);
        assert_eq!(read.value["b"], Value::Null);
        assert_eq!(read.warnings.len(), 1);
    }

    #[test]
    fn json_numbers_beyond_a_float_are_ignored_with_a_warning() {
        let text = "{\n  \"a\": {\"maximum\": 1e400, \"minimum\": -1E+999},\n  \"b\": [1, 2e308],\n  \"c\": 1e39\n}";
        let read = parse(text, Format::Json).unwrap();
        assert_eq!(read.value["a"]["maximum"], Value::Null);
        assert_eq!(read.value["a"]["minimum"], Value::Null);
        assert_eq!(read.value["b"][1], Value::Null);
        assert_eq!(read.value["c"], 1e39);
        let places: Vec<&str> = read.warnings.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(places, ["#/a/maximum", "#/a/minimum", "#/b/1"]);
        assert!(read.warnings[0].1.contains("1e400"), "{:?}", read.warnings);
    }

    #[test]
    fn syntax_errors_keep_their_line() {
        let error = parse("{\n  \"a\": 1,\n  oops\n}", Format::Json).unwrap_err();
        assert_eq!(error.line, Some(3));
        assert!(error.message.starts_with("the spec is not valid JSON: "));
        let error = parse("a: [\n", Format::Yaml).unwrap_err();
        assert!(error.message.starts_with("the spec is not valid YAML: "));
        let error = parse("? [a, b]\n: x\n", Format::Yaml).unwrap_err();
        assert!(
            error.message.contains("scalar mapping key"),
            "{}",
            error.message
        );
    }

    #[test]
    fn yaml_keys_of_any_scalar_become_text() {
        let read = parse("200: a\ntrue: b\n~: c\n1.5: d\nNull: e\n", Format::Yaml).unwrap();
        let keys: Vec<&String> = read.value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["200", "true", "~", "1.5", "Null"]);
    }

    #[test]
    fn yaml_merge_keys_are_applied() {
        let read = parse(
            "base: &base {type: string, maxLength: 3}\nname:\n  <<: *base\n  maxLength: 5\nboth:\n  <<: [*base, {format: x}]\nbad:\n  <<: 1\n",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(read.value["name"]["type"], "string");
        assert_eq!(read.value["name"]["maxLength"], 5);
        assert_eq!(read.value["both"]["format"], "x");
        assert!(read.value["name"].get("<<").is_none());
        assert_eq!(
            read.warnings,
            [(
                "#/bad/<<".to_owned(),
                "a YAML merge key `<<` must name a mapping (or a list of them); it is ignored"
                    .to_owned()
            )]
        );
    }
}
