//! Schemas: `type: file`, `x-nullable`, string discriminators and `$ref`s rewritten; the rest
//! of a Swagger 2.0 schema is already an OpenAPI 3.0 schema.

use super::{Converter, describe, index, is_extension, join};
use serde_json::{Map, Value};

/// Which Swagger 2.0 object a schema-like value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// A Schema Object (definitions, body parameters, responses).
    Schema,
    /// An Items Object (the `items` of a parameter or header, and the type keywords of a
    /// parameter or header gathered into a schema): it may say a `collectionFormat`.
    Items,
}

impl<'a> Converter<'a> {
    /// A Swagger 2.0 Schema Object at `old` as an OpenAPI 3.0 schema at `new`. The caller
    /// records that `new` came from `old`; this records the moves inside.
    pub(super) fn schema(&mut self, value: &Value, old: &str, new: &str) -> Value {
        self.schema_in(value, old, new, Dialect::Schema)
    }

    /// An Items Object (or the type keywords of a parameter) at `old` as a schema at `new`.
    pub(super) fn items_schema(&mut self, value: &Value, old: &str, new: &str) -> Value {
        self.schema_in(value, old, new, Dialect::Items)
    }

    fn schema_in(&mut self, value: &Value, old: &str, new: &str, dialect: Dialect) -> Value {
        let Value::Object(schema) = value else {
            return value.clone();
        };
        // OpenAPI 3.0 ignores the siblings of a `$ref`, so a nullable reference is written as
        // the one part of an `allOf`.
        if let Some(Value::String(reference)) = schema.get("$ref")
            && schema.get("x-nullable") == Some(&Value::Bool(true))
        {
            let mut out = Map::new();
            let mut part = Map::new();
            part.insert(
                "$ref".to_owned(),
                Value::String(self.rewrite_ref(reference)),
            );
            out.insert("allOf".to_owned(), Value::Array(vec![Value::Object(part)]));
            self.moved(&join(new, "allOf"), old);
            self.moved(&index(&join(new, "allOf"), 0), old);
            out.insert("nullable".to_owned(), Value::Bool(true));
            self.moved(&join(new, "nullable"), &join(old, "x-nullable"));
            for (key, child) in schema {
                if key != "$ref" && key != "x-nullable" {
                    let converted = self.keyword(schema, key, child, old, new, dialect);
                    if let Some(converted) = converted {
                        out.insert(key.clone(), converted);
                    }
                }
            }
            return Value::Object(out);
        }
        let is_file = schema.get("type").and_then(Value::as_str) == Some("file");
        let mut out = Map::new();
        for (key, child) in schema {
            match key.as_str() {
                "type" if is_file => {
                    out.insert("type".to_owned(), Value::String("string".to_owned()));
                    out.insert("format".to_owned(), Value::String("binary".to_owned()));
                    self.moved(&join(new, "format"), &join(old, "type"));
                }
                // A file is binary, whatever format it says.
                "format" if is_file => {}
                "x-nullable" => match child {
                    Value::Bool(nullable) => {
                        if !schema.contains_key("nullable") {
                            out.insert("nullable".to_owned(), Value::Bool(*nullable));
                            self.moved(&join(new, "nullable"), &join(old, "x-nullable"));
                        }
                    }
                    other => {
                        self.warn(
                            &join(old, key),
                            format!(
                                "`x-nullable` must be true or false, not {}; it is ignored",
                                describe(other)
                            ),
                        );
                    }
                },
                _ => {
                    if let Some(converted) = self.keyword(schema, key, child, old, new, dialect) {
                        out.insert(key.clone(), converted);
                    }
                }
            }
        }
        Value::Object(out)
    }

    /// One keyword of a schema, converted; `None` drops it.
    fn keyword(
        &mut self,
        schema: &Map<String, Value>,
        key: &str,
        child: &Value,
        old: &str,
        new: &str,
        dialect: Dialect,
    ) -> Option<Value> {
        let (old_child, new_child) = (join(old, key), join(new, key));
        Some(match (key, child) {
            ("$ref", Value::String(reference)) => Value::String(self.rewrite_ref(reference)),
            ("discriminator", Value::String(property)) => {
                let mut discriminator = Map::new();
                discriminator.insert("propertyName".to_owned(), Value::String(property.clone()));
                self.moved(&join(&new_child, "propertyName"), &old_child);
                Value::Object(discriminator)
            }
            ("discriminator", Value::Object(discriminator)) => {
                // Already the OpenAPI 3.0 form: its `mapping` values are references.
                let mut out = discriminator.clone();
                if let Some(Value::Object(mapping)) = discriminator.get("mapping") {
                    let rewritten = mapping
                        .iter()
                        .map(|(name, target)| {
                            let target = match target {
                                Value::String(target) if target.starts_with('#') => {
                                    Value::String(self.rewrite_ref(target))
                                }
                                other => other.clone(),
                            };
                            (name.clone(), target)
                        })
                        .collect();
                    out.insert("mapping".to_owned(), Value::Object(rewritten));
                }
                Value::Object(out)
            }
            ("properties", Value::Object(properties)) => {
                let mut out = Map::new();
                for (name, property) in properties {
                    let converted = self.schema_in(
                        property,
                        &join(&old_child, name),
                        &join(&new_child, name),
                        Dialect::Schema,
                    );
                    out.insert(name.clone(), converted);
                }
                Value::Object(out)
            }
            ("items", Value::Object(_)) => self.schema_in(child, &old_child, &new_child, dialect),
            // Tuple `items` are not OpenAPI 3.0; the parser reports them where they are.
            ("items" | "allOf" | "anyOf" | "oneOf", Value::Array(parts)) => {
                let mut out = Vec::with_capacity(parts.len());
                for (i, part) in parts.iter().enumerate() {
                    out.push(self.schema_in(
                        part,
                        &index(&old_child, i),
                        &index(&new_child, i),
                        Dialect::Schema,
                    ));
                }
                Value::Array(out)
            }
            ("not" | "additionalProperties", Value::Object(_)) => {
                self.schema_in(child, &old_child, &new_child, Dialect::Schema)
            }
            ("collectionFormat", _) if dialect == Dialect::Items => {
                // Inside `items`: how an array nested in an array parameter is joined, which
                // OpenAPI 3.0 cannot say. Only csv (the default) is what a client assumes.
                if child.as_str() != Some("csv") {
                    let array_of = schema.get("type").and_then(Value::as_str) == Some("array");
                    if array_of {
                        self.warn(
                            &old_child,
                            format!(
                                "OpenAPI 3.0 cannot say how an array nested in an array is \
                                 joined (`collectionFormat` {}); it is dropped",
                                describe(child)
                            ),
                        );
                    }
                }
                return None;
            }
            ("example" | "examples" | "default" | "enum", _) => child.clone(),
            _ if is_extension(key) => child.clone(),
            _ => self.refs(child),
        })
    }
}
