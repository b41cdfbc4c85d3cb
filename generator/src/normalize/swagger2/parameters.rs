//! Parameters: query, header and path parameters keep their place with their type keywords
//! moved into a `schema`; `in: body` and `in: formData` parameters become the operation's
//! request body.

use super::{Converter, describe, index, is_extension, join, same_media, single_token};
use serde_json::{Map, Value};

/// The keywords of a Swagger 2.0 parameter, header or items object that describe its value;
/// OpenAPI 3.0 has them in a `schema`.
pub(super) const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The media types of a form body.
const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// The parameters of one list (a path item's or an operation's), sorted by what they become.
#[derive(Default)]
pub(super) struct Parameters<'a> {
    /// The list as written, when it is not a sequence (carried over for the parser to report).
    carried: Option<Value>,
    /// Query, header and path parameters (and ones the converter cannot classify), converted.
    plain: Vec<Value>,
    /// The body parameter.
    body: Option<Body<'a>>,
    /// The form fields, in order.
    forms: Vec<FormField<'a>>,
}

impl Parameters<'_> {
    /// The `parameters` value of the converted list, if there is anything left in it.
    pub(super) fn list_value(&self) -> Option<Value> {
        match &self.carried {
            Some(carried) => Some(carried.clone()),
            None => (!self.plain.is_empty()).then(|| Value::Array(self.plain.clone())),
        }
    }
}

/// An `in: body` parameter.
pub(super) struct Body<'a> {
    parameter: &'a Map<String, Value>,
    /// Where the parameter is defined.
    origin: String,
    /// Where it is listed (the `$ref` when it is a global parameter).
    site: String,
    /// Its name among the global `parameters`, when it is listed by `$ref`.
    component: Option<String>,
}

/// An `in: formData` parameter: one field of a form body.
pub(super) struct FormField<'a> {
    parameter: &'a Map<String, Value>,
    /// Where the parameter is defined.
    origin: String,
    /// Where it is listed.
    site: String,
    name: String,
}

impl FormField<'_> {
    fn is_file(&self) -> bool {
        self.parameter.get("type").and_then(Value::as_str) == Some("file")
    }
}

/// What one entry of a parameter list is.
enum Kind<'a> {
    /// A query, header, path or cookie parameter written in place.
    Inline(&'a Map<String, Value>),
    /// Anything else that stays in the list: a `$ref` to a global parameter, or a value the
    /// converter cannot classify (the parser reports it).
    Other(Value),
    Body(Body<'a>),
    Form(FormField<'a>),
    /// Dropped with a warning.
    Dropped,
}

/// A Swagger 2.0 `collectionFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CollectionFormat {
    Csv,
    Ssv,
    Tsv,
    Pipes,
    Multi,
}

impl CollectionFormat {
    fn name(self) -> &'static str {
        match self {
            CollectionFormat::Csv => "csv",
            CollectionFormat::Ssv => "ssv",
            CollectionFormat::Tsv => "tsv",
            CollectionFormat::Pipes => "pipes",
            CollectionFormat::Multi => "multi",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "csv" => CollectionFormat::Csv,
            "ssv" => CollectionFormat::Ssv,
            "tsv" => CollectionFormat::Tsv,
            "pipes" => CollectionFormat::Pipes,
            "multi" => CollectionFormat::Multi,
            _ => return None,
        })
    }
}

/// The essence of a media type (`multipart/form-data` of `multipart/form-data; boundary=x`).
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `parameter `name``, for messages.
fn parameter_noun(parameter: &Map<String, Value>) -> String {
    match parameter.get("name").and_then(Value::as_str) {
        Some(name) => format!("parameter `{name}`"),
        None => "the parameter".to_owned(),
    }
}

impl<'a> Converter<'a> {
    /// Sorts and converts one parameter list; `at` is its pointer (the same in both documents).
    pub(super) fn parameters(&mut self, list: Option<&'a Value>, at: &str) -> Parameters<'a> {
        let mut out = Parameters::default();
        let Some(list) = list else {
            return out;
        };
        let Value::Array(list) = list else {
            out.carried = Some(list.clone());
            return out;
        };
        for (i, value) in list.iter().enumerate() {
            let site = index(at, i);
            match self.classify(value, &site) {
                Kind::Inline(parameter) => {
                    let new = index(at, out.plain.len());
                    self.moved(&new, &site);
                    let converted = self.plain_parameter(parameter, &site, &new);
                    out.plain.push(converted);
                }
                Kind::Other(value) => {
                    let new = index(at, out.plain.len());
                    self.moved(&new, &site);
                    out.plain.push(value);
                }
                Kind::Body(body) => match &out.body {
                    Some(first) => {
                        let message = format!(
                            "a second `in: body` parameter: a request has one body, so this one \
                             is dropped (the body is the parameter at {}); describe both in one \
                             schema",
                            first.site
                        );
                        self.warn(&site, message);
                    }
                    None => out.body = Some(body),
                },
                Kind::Form(field) => {
                    if out.forms.iter().any(|f| f.name == field.name) {
                        let message = format!(
                            "formData parameter `{}` is declared twice in this list; this one is \
                             dropped",
                            field.name
                        );
                        self.warn(&site, message);
                    } else {
                        out.forms.push(field);
                    }
                }
                Kind::Dropped => {}
            }
        }
        out
    }

    /// What one entry of a parameter list is, following a `$ref` to the global `parameters`.
    fn classify(&mut self, value: &'a Value, site: &str) -> Kind<'a> {
        let Value::Object(parameter) = value else {
            return Kind::Other(value.clone());
        };
        if let Some(reference) = parameter.get("$ref") {
            let Value::String(reference) = reference else {
                return Kind::Other(value.clone());
            };
            let Some((name, target, origin)) = self.global_parameter(reference) else {
                let mut out = Map::new();
                out.insert(
                    "$ref".to_owned(),
                    Value::String(self.rewrite_ref(reference)),
                );
                return Kind::Other(Value::Object(out));
            };
            return match target.get("in").and_then(Value::as_str) {
                Some("body") => Kind::Body(Body {
                    parameter: target,
                    origin,
                    site: site.to_owned(),
                    component: Some(name),
                }),
                Some("formData") => self.form_field(target, origin, site),
                _ => {
                    let mut out = Map::new();
                    out.insert(
                        "$ref".to_owned(),
                        Value::String(self.rewrite_ref(reference)),
                    );
                    Kind::Other(Value::Object(out))
                }
            };
        }
        match parameter.get("in").and_then(Value::as_str) {
            Some("body") => Kind::Body(Body {
                parameter,
                origin: site.to_owned(),
                site: site.to_owned(),
                component: None,
            }),
            Some("formData") => self.form_field(parameter, site.to_owned(), site),
            Some("query" | "header" | "path" | "cookie") => Kind::Inline(parameter),
            _ => Kind::Other(self.refs(value)),
        }
    }

    /// The global parameter a `$ref` such as `#/parameters/limit` names, following chains:
    /// the name it is listed under, the parameter and where it is defined.
    fn global_parameter(
        &self,
        reference: &'a str,
    ) -> Option<(String, &'a Map<String, Value>, String)> {
        let globals = self.root.get("parameters")?;
        let mut reference = reference;
        let mut first = None;
        for _ in 0..16 {
            let name = single_token(reference.strip_prefix("#/parameters/")?)?;
            let Value::Object(target) = globals.get(&name)? else {
                return None;
            };
            let origin = join("#/parameters", &name);
            let first = first.get_or_insert(name).clone();
            match target.get("$ref") {
                Some(Value::String(next)) => reference = next,
                _ => return Some((first, target, origin)),
            }
        }
        None
    }

    fn form_field(
        &mut self,
        parameter: &'a Map<String, Value>,
        origin: String,
        site: &str,
    ) -> Kind<'a> {
        match parameter.get("name") {
            Some(Value::String(name)) => Kind::Form(FormField {
                parameter,
                origin,
                site: site.to_owned(),
                name: name.clone(),
            }),
            other => {
                let what = other.map_or("missing".to_owned(), describe);
                self.warn(
                    &origin,
                    format!(
                        "an `in: formData` parameter needs a string `name` (the form field's \
                         name), but it is {what}; the parameter is dropped"
                    ),
                );
                Kind::Dropped
            }
        }
    }

    /// A query, header, path or cookie parameter, from `old` to `new`.
    pub(super) fn plain_parameter(
        &mut self,
        parameter: &'a Map<String, Value>,
        old: &str,
        new: &str,
    ) -> Value {
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or("");
        let mut out = Map::new();
        for key in ["name", "in", "description", "required", "deprecated"] {
            if let Some(value) = parameter.get(key) {
                out.insert(key.to_owned(), value.clone());
            }
        }
        // Swagger 2.0 allows `allowEmptyValue` on query and formData parameters only, and
        // OpenAPI 3.0 on query parameters only.
        if location == "query"
            && let Some(value) = parameter.get("allowEmptyValue")
        {
            out.insert("allowEmptyValue".to_owned(), value.clone());
        }
        let mut extension = None;
        if let Some((format, origin)) = self.collection_format(parameter, old) {
            let style = match (location, format) {
                ("query", CollectionFormat::Csv) => Some(("form", false)),
                ("query", CollectionFormat::Multi) => Some(("form", true)),
                ("query", CollectionFormat::Ssv) => Some(("spaceDelimited", false)),
                ("query", CollectionFormat::Pipes) => Some(("pipeDelimited", false)),
                ("query", CollectionFormat::Tsv) => {
                    extension = Some(format);
                    Some(("form", false))
                }
                ("path" | "header", CollectionFormat::Csv) => Some(("simple", false)),
                ("path" | "header", CollectionFormat::Multi) => {
                    self.warn(
                        &origin,
                        format!(
                            "`collectionFormat: multi` is only for query and formData \
                             parameters; this {location} parameter is sent comma-separated"
                        ),
                    );
                    Some(("simple", false))
                }
                ("path" | "header", format) => {
                    extension = Some(format);
                    Some(("simple", false))
                }
                _ => None,
            };
            if let Some((style, explode)) = style {
                out.insert("style".to_owned(), Value::String(style.to_owned()));
                out.insert("explode".to_owned(), Value::Bool(explode));
                self.moved(&join(new, "style"), &origin);
                self.moved(&join(new, "explode"), &origin);
            }
            if let Some(format) = extension {
                out.insert(
                    "x-collection-format".to_owned(),
                    Value::String(format.name().to_owned()),
                );
                self.moved(&join(new, "x-collection-format"), &origin);
            }
        }
        let noun = parameter_noun(parameter);
        let schema = self.value_schema(parameter, old, &join(new, "schema"), &noun, false);
        out.insert("schema".to_owned(), schema);
        const CONSUMED: [&str; 9] = [
            "name",
            "in",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "collectionFormat",
            "schema",
            "x-collection-format",
        ];
        for (key, value) in parameter {
            if CONSUMED.contains(&key.as_str()) || SCHEMA_KEYS.contains(&key.as_str()) {
                continue;
            }
            let converted = if is_extension(key) || matches!(key.as_str(), "example" | "examples") {
                value.clone()
            } else {
                self.refs(value)
            };
            out.insert(key.clone(), converted);
        }
        Value::Object(out)
    }

    /// The `schema` of a parameter or header, made of its type keywords (`new` came from the
    /// object itself, at `old`); with `docs`, its description and extensions too (a form field's
    /// property).
    pub(super) fn value_schema(
        &mut self,
        object: &Map<String, Value>,
        old: &str,
        new: &str,
        noun: &str,
        docs: bool,
    ) -> Value {
        if !object.contains_key("type")
            && let Some(schema @ Value::Object(_)) = object.get("schema")
        {
            // Not Swagger 2.0, but written: a `schema` is used as it is.
            let old = join(old, "schema");
            self.moved(new, &old);
            return self.schema(schema, &old, new);
        }
        self.moved(new, old);
        let mut schema = Map::new();
        if !object.contains_key("type") {
            let guess = if object.contains_key("items") {
                "array"
            } else {
                "string"
            };
            self.warn(
                old,
                format!("{noun} has no `type`; it is read as `type: {guess}`; add a `type`"),
            );
            schema.insert("type".to_owned(), Value::String(guess.to_owned()));
            self.moved(&join(new, "type"), old);
        }
        for (key, value) in object {
            if SCHEMA_KEYS.contains(&key.as_str())
                || (docs && (key == "description" || is_extension(key)))
            {
                schema.insert(key.clone(), value.clone());
            }
        }
        self.items_schema(&Value::Object(schema), old, new)
    }

    /// The collection format of an array parameter, with where it was said (`type` when it is
    /// the default, csv); `None` when the parameter is not an array.
    pub(super) fn collection_format(
        &mut self,
        parameter: &Map<String, Value>,
        at: &str,
    ) -> Option<(CollectionFormat, String)> {
        if parameter.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        let Some(format) = parameter.get("collectionFormat") else {
            return Some((CollectionFormat::Csv, join(at, "type")));
        };
        let origin = join(at, "collectionFormat");
        match format.as_str().and_then(CollectionFormat::parse) {
            Some(format) => Some((format, origin)),
            None => {
                let what = match format {
                    Value::String(name) => format!("`collectionFormat: {name}`"),
                    other => format!("`collectionFormat` {}", describe(other)),
                };
                self.warn(
                    &origin,
                    format!(
                        "{what} is not a Swagger 2.0 collection format (csv, ssv, tsv, pipes, \
                         multi); the array is sent comma-separated (csv)"
                    ),
                );
                Some((CollectionFormat::Csv, origin))
            }
        }
    }

    /// The request body of an operation, from its own body or form parameters or else the path
    /// item's; `at` is the operation.
    pub(super) fn operation_body(
        &mut self,
        own: &Parameters<'a>,
        shared: &Parameters<'a>,
        consumes: &[String],
        at: &str,
    ) -> Option<Value> {
        let body = own.body.as_ref().or(shared.body.as_ref());
        let mut forms: Vec<&FormField<'a>> = shared
            .forms
            .iter()
            .filter(|f| !own.forms.iter().any(|o| o.name == f.name))
            .collect();
        forms.extend(&own.forms);
        let body_at = join(at, "requestBody");
        match (body, forms.first()) {
            (Some(body), Some(first)) => {
                let message = format!(
                    "this operation has both an `in: body` parameter (at {}) and `in: formData` \
                     parameters; a request has one body, so the formData parameters are dropped",
                    body.site
                );
                self.warn(&first.site, message);
                Some(self.operation_request_body(body, consumes, &body_at))
            }
            (Some(body), None) => Some(self.operation_request_body(body, consumes, &body_at)),
            (None, Some(_)) => Some(self.form_body(&forms, consumes, &body_at)),
            (None, None) => None,
        }
    }

    /// A body parameter as an operation's request body: a `$ref` to the request body it became
    /// when it is a global parameter with the document's media types, else inline.
    fn operation_request_body(&mut self, body: &Body<'a>, consumes: &[String], at: &str) -> Value {
        if let Some(name) = &body.component
            && same_media(consumes, &self.consumes)
        {
            self.moved(at, &body.site);
            let mut out = Map::new();
            out.insert(
                "$ref".to_owned(),
                Value::String(join("#/components/requestBodies", name)),
            );
            return Value::Object(out);
        }
        self.request_body(body, consumes, at)
    }

    /// A body parameter as a request body at `at`, with one media type per `media`.
    pub(super) fn request_body(&mut self, body: &Body<'a>, media: &[String], at: &str) -> Value {
        let origin = body.origin.as_str();
        self.moved(at, origin);
        let parameter = body.parameter;
        let mut out = Map::new();
        if let Some(description) = parameter.get("description") {
            out.insert("description".to_owned(), description.clone());
        }
        let schema = parameter.get("schema");
        if schema.is_none() {
            self.warn(
                origin,
                "an `in: body` parameter needs a `schema`; without one the body is any value",
            );
        }
        let content_at = join(at, "content");
        self.moved(&content_at, origin);
        let mut content = Map::new();
        for media_type in media {
            let media_at = join(&content_at, media_type);
            self.moved(&media_at, origin);
            let mut media_object = Map::new();
            if let Some(schema) = schema {
                let old = join(origin, "schema");
                let new = join(&media_at, "schema");
                self.moved(&new, &old);
                media_object.insert("schema".to_owned(), self.schema(schema, &old, &new));
            }
            content.insert(media_type.clone(), Value::Object(media_object));
        }
        out.insert("content".to_owned(), Value::Object(content));
        if let Some(required) = parameter.get("required") {
            out.insert("required".to_owned(), required.clone());
        }
        for (key, value) in parameter {
            if is_extension(key) {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// Form parameters as a request body at `at`: an object schema with one property per field.
    fn form_body(&mut self, fields: &[&FormField<'a>], consumes: &[String], at: &str) -> Value {
        let listed: Vec<&String> = consumes
            .iter()
            .filter(|m| matches!(essence(m).as_str(), URLENCODED | MULTIPART))
            .collect();
        let multipart = listed.iter().find(|m| essence(m) == MULTIPART);
        let media: Vec<String> = match fields.iter().find(|f| f.is_file()) {
            Some(file) => {
                if multipart.is_none() && !listed.is_empty() {
                    self.warn(
                        &file.site,
                        format!(
                            "formData parameter `{}` is a file, which only `{MULTIPART}` can \
                             carry, but `consumes` does not list it; the body is sent as \
                             `{MULTIPART}`",
                            file.name
                        ),
                    );
                }
                vec![multipart.map_or(MULTIPART.to_owned(), |m| (*m).clone())]
            }
            None if !listed.is_empty() => listed.into_iter().cloned().collect(),
            None => vec![URLENCODED.to_owned()],
        };
        let first = fields.first().map_or(at.to_owned(), |f| f.site.clone());
        self.moved(at, &first);
        let content_at = join(at, "content");
        self.moved(&content_at, &first);
        let mut content = Map::new();
        let mut any_required = false;
        for media_type in &media {
            let media_at = join(&content_at, media_type);
            let schema_at = join(&media_at, "schema");
            self.moved(&media_at, &first);
            self.moved(&schema_at, &first);
            self.moved(&join(&schema_at, "type"), &first);
            self.moved(&join(&schema_at, "properties"), &first);
            let mut properties = Map::new();
            let mut required = Vec::new();
            for field in fields {
                let property_at = join(&join(&schema_at, "properties"), &field.name);
                let property = self.form_property(field, &property_at);
                properties.insert(field.name.clone(), property);
                match field.parameter.get("required") {
                    Some(Value::Bool(true)) => {
                        let origin = join(&field.origin, "required");
                        if required.is_empty() {
                            self.moved(&join(&schema_at, "required"), &origin);
                            self.moved(&join(at, "required"), &origin);
                        }
                        self.moved(
                            &index(&join(&schema_at, "required"), required.len()),
                            &origin,
                        );
                        required.push(Value::String(field.name.clone()));
                    }
                    Some(Value::Bool(false)) | None => {}
                    Some(other) => self.warn(
                        &join(&field.origin, "required"),
                        format!(
                            "`required` must be true or false, not {}; the field is optional",
                            describe(other)
                        ),
                    ),
                }
            }
            any_required |= !required.is_empty();
            let mut schema = Map::new();
            schema.insert("type".to_owned(), Value::String("object".to_owned()));
            schema.insert("properties".to_owned(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".to_owned(), Value::Array(required));
            }
            let mut media_object = Map::new();
            media_object.insert("schema".to_owned(), Value::Object(schema));
            if essence(media_type) == URLENCODED {
                let encoding_at = join(&media_at, "encoding");
                let encoding = self.form_encoding(fields, &encoding_at);
                if !encoding.is_empty() {
                    self.moved(&encoding_at, &first);
                    media_object.insert("encoding".to_owned(), Value::Object(encoding));
                }
            }
            content.insert(media_type.clone(), Value::Object(media_object));
        }
        let mut out = Map::new();
        out.insert("content".to_owned(), Value::Object(content));
        if any_required {
            out.insert("required".to_owned(), Value::Bool(true));
        }
        Value::Object(out)
    }

    /// The property schema of one form field.
    fn form_property(&mut self, field: &FormField<'a>, at: &str) -> Value {
        let noun = format!("formData parameter `{}`", field.name);
        let schema = self.value_schema(field.parameter, &field.origin, at, &noun, true);
        if field.parameter.get("allowEmptyValue") == Some(&Value::Bool(true)) {
            self.warn(
                &join(&field.origin, "allowEmptyValue"),
                "OpenAPI 3.0 cannot say that a form field may be sent empty \
                 (`allowEmptyValue`); it is dropped",
            );
        }
        schema
    }

    /// How the array fields of a urlencoded form are written, by field name.
    fn form_encoding(&mut self, fields: &[&FormField<'a>], at: &str) -> Map<String, Value> {
        let mut encoding = Map::new();
        for field in fields {
            let Some((format, origin)) = self.collection_format(field.parameter, &field.origin)
            else {
                continue;
            };
            let (style, explode) = match format {
                CollectionFormat::Csv => ("form", false),
                CollectionFormat::Multi => ("form", true),
                CollectionFormat::Ssv => ("spaceDelimited", false),
                CollectionFormat::Pipes => ("pipeDelimited", false),
                CollectionFormat::Tsv => {
                    self.warn(
                        &origin,
                        format!(
                            "OpenAPI 3.0 has no tab-separated encoding for form field `{}` \
                             (`collectionFormat: tsv`); its values are sent comma-separated",
                            field.name
                        ),
                    );
                    ("form", false)
                }
            };
            let field_at = join(at, &field.name);
            self.moved(&field_at, &origin);
            self.moved(&join(&field_at, "style"), &origin);
            self.moved(&join(&field_at, "explode"), &origin);
            let mut entry = Map::new();
            entry.insert("style".to_owned(), Value::String(style.to_owned()));
            entry.insert("explode".to_owned(), Value::Bool(explode));
            encoding.insert(field.name.clone(), Value::Object(entry));
        }
        encoding
    }

    /// The global `parameters`: `components.parameters`, and `components.requestBodies` for the
    /// body parameters among them (form parameters are inlined where they are used).
    pub(super) fn component_parameters(&mut self) -> (Option<Value>, Option<Map<String, Value>>) {
        let Some(globals) = self.root.get("parameters") else {
            return (None, None);
        };
        let Value::Object(globals) = globals else {
            return (Some(globals.clone()), None);
        };
        let mut parameters = Map::new();
        let mut request_bodies = Map::new();
        let consumes = self.consumes.clone();
        for (name, parameter) in globals {
            let old = join("#/parameters", name);
            match self.classify(parameter, &old) {
                Kind::Inline(map) => {
                    let new = join("#/components/parameters", name);
                    let converted = self.plain_parameter(map, &old, &new);
                    parameters.insert(name.clone(), converted);
                }
                Kind::Other(value) => {
                    parameters.insert(name.clone(), value);
                }
                Kind::Body(body) => {
                    let new = join("#/components/requestBodies", name);
                    let converted = match &body.component {
                        // A `$ref` to another body parameter.
                        Some(target) => {
                            let mut out = Map::new();
                            out.insert(
                                "$ref".to_owned(),
                                Value::String(join("#/components/requestBodies", target)),
                            );
                            Value::Object(out)
                        }
                        None => self.request_body(&body, &consumes, &new),
                    };
                    request_bodies.insert(name.clone(), converted);
                }
                Kind::Form(_) | Kind::Dropped => {}
            }
        }
        (
            (!parameters.is_empty()).then_some(Value::Object(parameters)),
            (!request_bodies.is_empty()).then_some(request_bodies),
        )
    }
}
