//! Responses: a `schema` served under each media type of `produces`, `examples` by media type,
//! headers with a `schema`.

use super::{Converter, describe, is_extension, join, same_media, single_token};
use serde_json::{Map, Value};

impl<'a> Converter<'a> {
    /// An operation's `responses` at `at`, whose bodies are of the media types `produces`.
    pub(super) fn responses(
        &mut self,
        responses: &'a Value,
        at: &str,
        produces: &[String],
    ) -> Value {
        let Value::Object(responses) = responses else {
            return responses.clone();
        };
        let mut out = Map::new();
        for (code, response) in responses {
            let response_at = join(at, code);
            let converted = match response {
                _ if is_extension(code) => response.clone(),
                Value::Object(map) => match map.get("$ref") {
                    Some(Value::String(reference)) => {
                        self.response_ref(reference, &response_at, produces)
                    }
                    Some(_) => response.clone(),
                    None => self.response(response, &response_at, &response_at, produces),
                },
                other => other.clone(),
            };
            out.insert(code.clone(), converted);
        }
        Value::Object(out)
    }

    /// `$ref: '#/responses/X'` in an operation: a reference to the response it became, or a copy
    /// with the operation's media types when its body is served in others than the document's.
    fn response_ref(&mut self, reference: &str, at: &str, produces: &[String]) -> Value {
        let target = reference
            .strip_prefix("#/responses/")
            .and_then(single_token)
            .and_then(|name| Some((self.root.get("responses")?.get(&name)?, name)));
        match target {
            Some((target @ Value::Object(map), name))
                if !same_media(produces, &self.produces)
                    && map.contains_key("schema")
                    && !map.contains_key("$ref") =>
            {
                let old = join("#/responses", &name);
                self.moved(at, &old);
                self.response(target, &old, at, produces)
            }
            _ => {
                let mut out = Map::new();
                out.insert(
                    "$ref".to_owned(),
                    Value::String(self.rewrite_ref(reference)),
                );
                Value::Object(out)
            }
        }
    }

    /// One Swagger 2.0 response at `old` as an OpenAPI 3.0 response at `new`.
    pub(super) fn response(
        &mut self,
        response: &Value,
        old: &str,
        new: &str,
        produces: &[String],
    ) -> Value {
        let Value::Object(response) = response else {
            return response.clone();
        };
        if let Some(Value::String(reference)) = response.get("$ref") {
            let mut out = Map::new();
            out.insert(
                "$ref".to_owned(),
                Value::String(self.rewrite_ref(reference)),
            );
            return Value::Object(out);
        }
        let mut content = Map::new();
        let schema = response.get("schema");
        let content_at = join(new, "content");
        if let Some(schema) = schema {
            for media_type in produces {
                self.media_schema(&mut content, media_type, schema, old, &content_at);
            }
        }
        match response.get("examples") {
            Some(Value::Object(examples)) => {
                for (media_type, example) in examples {
                    if !content.contains_key(media_type)
                        && let Some(schema) = schema
                    {
                        self.media_schema(&mut content, media_type, schema, old, &content_at);
                    }
                    let media_at = join(&content_at, media_type);
                    let example_at = join(&join(old, "examples"), media_type);
                    if !content.contains_key(media_type) {
                        self.moved(&media_at, &example_at);
                    }
                    let entry = content
                        .entry(media_type.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(entry) = entry {
                        entry.insert("example".to_owned(), example.clone());
                    }
                    self.moved(&join(&media_at, "example"), &example_at);
                }
            }
            Some(other) => self.warn(
                &join(old, "examples"),
                format!(
                    "response `examples` must map media types to examples, not {}; they are \
                     dropped",
                    describe(other)
                ),
            ),
            None => {}
        }
        let mut out = Map::new();
        for (key, value) in response {
            match key.as_str() {
                "schema" | "examples" => {}
                "headers" => {
                    let headers = self.headers(value, &join(old, key), &join(new, key));
                    out.insert(key.clone(), headers);
                }
                _ if is_extension(key) => {
                    out.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), self.refs(value));
                }
            }
        }
        if !content.is_empty() {
            self.moved(&content_at, old);
            out.insert("content".to_owned(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// Adds `media_type: {schema}` to `content` (at `content_at`), the schema from `old`.
    fn media_schema(
        &mut self,
        content: &mut Map<String, Value>,
        media_type: &str,
        schema: &Value,
        old: &str,
        content_at: &str,
    ) {
        let media_at = join(content_at, media_type);
        let (old_schema, new_schema) = (join(old, "schema"), join(&media_at, "schema"));
        self.moved(&media_at, &old_schema);
        self.moved(&new_schema, &old_schema);
        let converted = self.schema(schema, &old_schema, &new_schema);
        let mut media = Map::new();
        media.insert("schema".to_owned(), converted);
        content.insert(media_type.to_owned(), Value::Object(media));
    }

    /// A response's `headers`.
    fn headers(&mut self, headers: &Value, old: &str, new: &str) -> Value {
        let Value::Object(headers) = headers else {
            return headers.clone();
        };
        let mut out = Map::new();
        for (name, header) in headers {
            let (old_header, new_header) = (join(old, name), join(new, name));
            let converted = match header {
                Value::Object(header) if !header.contains_key("$ref") => {
                    self.header(name, header, &old_header, &new_header)
                }
                other => self.refs(other),
            };
            out.insert(name.clone(), converted);
        }
        Value::Object(out)
    }

    /// A Swagger 2.0 header (type keywords on the header itself) as an OpenAPI 3.0 header.
    fn header(&mut self, name: &str, header: &Map<String, Value>, old: &str, new: &str) -> Value {
        if let Some((format, origin)) = self.collection_format(header, old)
            && format != super::parameters::CollectionFormat::Csv
        {
            self.warn(
                &origin,
                format!(
                    "OpenAPI 3.0 headers are comma-separated; header `{name}` says another \
                     `collectionFormat`, which is dropped"
                ),
            );
        }
        let mut out = Map::new();
        if let Some(description) = header.get("description") {
            out.insert("description".to_owned(), description.clone());
        }
        let noun = format!("header `{name}`");
        let schema = self.value_schema(header, old, &join(new, "schema"), &noun, false);
        out.insert("schema".to_owned(), schema);
        for (key, value) in header {
            if is_extension(key) && !super::parameters::SCHEMA_KEYS.contains(&key.as_str()) {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }
}
