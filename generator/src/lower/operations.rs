//! Lowering operations: parameters, request bodies, success responses, response headers and
//! pagination of each operation.

use super::*;

impl<'a> Lowering<'a> {
    pub(super) fn operations(&mut self) -> Vec<Operation> {
        let mut method_names = Namespace::with_reserved(&super::reserved_methods());
        let mut operations = Vec::new();
        let proven = self.proven;
        for op in &proven.operations {
            let Some((item, operation)) = self.operation_at(op) else {
                continue;
            };
            if let Some(lowered) = self.operation(op, item, operation, &mut method_names) {
                operations.push(lowered);
            }
        }
        operations
    }

    /// The typed path item and operation validation found at `op`.
    fn operation_at(
        &self,
        op: &ProvenOperation,
    ) -> Option<(&'a openapiv3::PathItem, &'a openapiv3::Operation)> {
        let tokens = crate::load::pointer_tokens(&op.item_at)?;
        let [paths, path] = tokens.as_slice() else {
            return None;
        };
        if paths != "paths" {
            return None;
        }
        let ReferenceOr::Item(item) = self.doc.paths.paths.get(path)? else {
            return None;
        };
        let operation = match op.method {
            "get" => item.get.as_ref(),
            "put" => item.put.as_ref(),
            "post" => item.post.as_ref(),
            "delete" => item.delete.as_ref(),
            "options" => item.options.as_ref(),
            "head" => item.head.as_ref(),
            "patch" => item.patch.as_ref(),
            "trace" => item.trace.as_ref(),
            _ => None,
        }?;
        Some((item, operation))
    }

    pub(super) fn operation(
        &mut self,
        op: &ProvenOperation,
        item: &'a openapiv3::PathItem,
        operation: &'a openapiv3::Operation,
        method_names: &mut Namespace,
    ) -> Option<Operation> {
        let (path, method, at) = (op.path.as_str(), op.method, op.at.as_str());
        let id = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method}{}", path.replace(['{', '}'], "")));
        let method_name = method_names.claim(names::field_name(&id));
        let base = names::type_name(&id);
        let request_type = self.operation_names.claim(format!("{base}Request"));

        // The parameters validation resolved: path-item ones first, overridden in place.
        // Setters live on `Call<Request>` beside its own methods and the body's setter.
        let mut param_names = Namespace::with_reserved(CALL_METHODS);
        let mut params: Vec<Param> = Vec::new();
        for proven in &op.parameters {
            let parameter = match proven.source {
                ParameterSource::PathItem(index) => item.parameters.get(index),
                ParameterSource::Operation(index) => operation.parameters.get(index),
            };
            let site = match proven.source {
                ParameterSource::PathItem(index) => format!("{}/parameters/{index}", op.item_at),
                ParameterSource::Operation(index) => format!("{at}/parameters/{index}"),
            };
            if let Some(param) = parameter
                .and_then(|parameter| self.parameter(parameter, &base, &site, &mut param_names))
            {
                params.push(param);
            }
        }
        // A template parameter the spec forgot to declare is a required string, as every
        // client of that spec has to assume.
        for part in &op.template {
            if let PathPart::Param(wire) = part
                && !params
                    .iter()
                    .any(|p| p.location == ParamLocation::Path && p.wire == *wire)
            {
                params.push(Param {
                    name: param_names.claim(names::field_name(wire)),
                    doc: Some(
                        "Not declared in the spec; taken from the path template as a string."
                            .to_owned(),
                    ),
                    wire: wire.clone(),
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    required: true,
                    deprecated: false,
                    constraints: Constraints::default(),
                    from_client: false,
                    default: None,
                    explode: false,
                    separator: ",".to_owned(),
                    deep_object: false,
                    simple: true,
                    json: false,
                });
            }
        }

        let mut body = match &operation.request_body {
            Some(body) => self.request_body(body, &base, &format!("{at}/requestBody")),
            None => None,
        };
        // One binary media type can also be sent from a file or a stream.
        if let Some(body) = &mut body
            && let [media] = body.media.as_slice()
            && media.encoding == BodyEncoding::Bytes
        {
            body.upload = Some(claim_stream_method(&mut param_names, "upload"));
        }
        // A multipart body's file parts can too.
        let has_file_parts = body.as_ref().is_some_and(|body| {
            body.media.iter().any(|media| {
                media.encoding == BodyEncoding::Multipart && self.has_file_fields(&media.ty)
            })
        });
        if let Some(body) = &mut body
            && has_file_parts
        {
            body.upload_part = Some(claim_stream_method(&mut param_names, "upload_part"));
        }
        let (mut responses, errors) = self.responses(operation, &base, &format!("{at}/responses"));
        name_headers_apart(&mut responses);
        let error_type =
            (!errors.is_empty()).then(|| self.operation_names.claim(format!("{base}Error")));
        let response_type = format!("{base}Response");
        let response_type = if needs_response_enum(&responses) {
            self.operation_names.claim(response_type)
        } else {
            response_type
        };
        let headers_type = responses
            .iter()
            .any(|r| !r.headers.is_empty())
            .then(|| self.operation_names.claim(format!("{base}ResponseHeaders")));

        let http_method = method.to_ascii_uppercase();
        let idempotent = matches!(
            http_method.as_str(),
            "GET" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "TRACE"
        ) || ext_bool(&operation.extensions, "x-idempotent");

        // The page stream is `stream()` on the operation's call.
        let pagination = self.pagination(op, &params, &responses);
        let streamed = self.streamed(
            operation,
            &base,
            &format!("{at}/responses"),
            &mut param_names,
        );

        Some(Operation {
            id,
            method_name,
            request_type,
            response_type,
            headers_type,
            http_method,
            path: path.to_owned(),
            path_parts: op.template.clone(),
            doc: doc_text(&[operation.summary.as_ref(), operation.description.as_ref()]),
            deprecated: operation.deprecated,
            params,
            body,
            responses,
            errors,
            error_type,
            idempotent,
            pagination,
            streamed,
            tags: operation.tags.clone(),
        })
    }

    /// Whether `ty` is a struct with a binary property (a multipart body's file part).
    fn has_file_fields(&self, ty: &TypeRef) -> bool {
        let TypeRef::Named(name) = ty else {
            return false;
        };
        let Some(TypeKind::Struct { fields, .. }) = self.types.get(name).map(|def| &def.kind)
        else {
            return false;
        };
        fields.iter().any(|field| match &field.ty {
            TypeRef::Bytes => true,
            TypeRef::Array(item) => **item == TypeRef::Bytes,
            _ => false,
        })
    }

    /// The success the caller can read as it arrives: the first success response (by status)
    /// with a streaming media type (events, JSON lines), else, when no response is JSON, the
    /// first binary success (a download).
    fn streamed(
        &mut self,
        operation: &'a openapiv3::Operation,
        op_base: &str,
        at: &str,
        method_names: &mut Namespace,
    ) -> Option<Streamed> {
        let mut successes: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            operation
                .responses
                .responses
                .iter()
                .filter_map(|(status, response)| match status {
                    openapiv3::StatusCode::Code(code) if (200..300).contains(code) => {
                        Some((StatusMatch::Code(*code), response, format!("{at}/{code}")))
                    }
                    openapiv3::StatusCode::Range(2) => {
                        Some((StatusMatch::Range(2), response, format!("{at}/2XX")))
                    }
                    _ => None,
                })
                .collect();
        successes.sort_by_key(|(status, _, _)| *status);
        let mut download = None;
        for (_, response, response_at) in successes {
            let Some((response, response_at)) =
                self.component(response, "responses", |c| &c.responses, &response_at)
            else {
                continue;
            };
            for (media_type, media) in &response.content {
                let media_at = format!("{response_at}/content/{}", escape_token(media_type));
                if let Some(kind) = stream_kind(media_type, media) {
                    let keyed = match kind {
                        StreamKind::Events { .. } => self.keyed_events(media, op_base, &media_at),
                        _ => None,
                    };
                    let item = match keyed {
                        Some(_) => TypeRef::Json,
                        None => self.stream_item(&kind, media, op_base, &media_at),
                    };
                    return Some(Streamed {
                        method: claim_stream_method(method_names, stream_method(&kind)),
                        kind,
                        media_type: media_type.clone(),
                        item,
                        keyed,
                    });
                }
                if classify_media(media_type) == BodyEncoding::Bytes && download.is_none() {
                    download = Some(media_type.clone());
                }
            }
        }
        // A download only when no JSON success would be read instead.
        let json = operation
            .responses
            .responses
            .iter()
            .filter(|(status, _)| match status {
                openapiv3::StatusCode::Code(code) => (200..300).contains(code),
                openapiv3::StatusCode::Range(range) => *range == 2,
            })
            .any(|(_, response)| {
                self.component(response, "responses", |c| &c.responses, at)
                    .is_some_and(|(response, _)| response.content.keys().any(|m| is_json(m)))
            });
        let media_type = download.filter(|_| !json)?;
        Some(Streamed {
            method: claim_stream_method(method_names, "download"),
            kind: StreamKind::Bytes,
            media_type,
            item: TypeRef::Bytes,
            keyed: None,
        })
    }

    /// The event types of an OpenAPI 3.2 `itemSchema` that is a `oneOf` (or `anyOf`) of event
    /// shapes, each with an `event` of one value: `None` unless every alternative is one.
    fn keyed_events(
        &mut self,
        media: &'a openapiv3::MediaType,
        op_base: &str,
        media_at: &str,
    ) -> Option<KeyedEvents> {
        let value = media.extensions.get("x-item-schema")?;
        let schema = serde_json::from_value::<ReferenceOr<Schema>>(value.clone()).ok()?;
        let alternatives = match &self.resolve(&schema)?.schema_kind {
            openapiv3::SchemaKind::OneOf { one_of } => one_of.clone(),
            openapiv3::SchemaKind::AnyOf { any_of } => any_of.clone(),
            _ => return None,
        };
        let mut shapes = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let resolved = self.resolve(alternative)?;
            let (event, data) = keyed_event(resolved)?;
            shapes.push((index, event, data, resolved.schema_data.description.clone()));
        }
        if shapes.is_empty() {
            return None;
        }
        let name = self.operation_names.claim(format!("{op_base}Event"));
        let mut variant_names = Namespace::default();
        let mut variants = Vec::new();
        for (index, event, data, doc) in shapes {
            let variant = variant_names.claim(names::type_name(&event));
            let at = format!("{media_at}/x-item-schema/oneOf/{index}/properties/data");
            let ty = match data {
                Some(data) => self.item_type(&data, &format!("{op_base}{variant}Data"), &at),
                None => TypeRef::Json,
            };
            variants.push(EventVariant {
                event,
                variant,
                ty,
                doc,
            });
        }
        Some(KeyedEvents { name, variants })
    }

    /// The type of one event's data or one item of a stream: the media type's schema (for
    /// OpenAPI 3.2 its `itemSchema`, which normalization put there), text for events without
    /// one or typed as a string, JSON for items without one.
    fn stream_item(
        &mut self,
        kind: &StreamKind,
        media: &'a openapiv3::MediaType,
        op_base: &str,
        media_at: &str,
    ) -> TypeRef {
        let hint = match kind {
            StreamKind::Events { .. } => format!("{op_base}Event"),
            _ => format!("{op_base}Item"),
        };
        let item_schema = media
            .extensions
            .get("x-item-schema")
            .and_then(|value| serde_json::from_value::<ReferenceOr<Schema>>(value.clone()).ok());
        if let Some(schema) = item_schema {
            let at = format!("{media_at}/x-item-schema");
            // An event-shaped item schema (`event`, `data`, `id`, `retry`): the data is what
            // each event carries.
            let data = match kind {
                StreamKind::Events { .. } => self.resolve(&schema).and_then(event_data),
                _ => None,
            };
            return match data {
                Some(data) => self.item_type(&data, &hint, &format!("{at}/properties/data")),
                None => self.item_type(&schema, &hint, &at),
            };
        }
        match (&media.schema, kind) {
            (Some(schema), _) => self.item_type(schema, &hint, &format!("{media_at}/schema")),
            (None, StreamKind::Events { .. }) => TypeRef::String,
            (None, _) => TypeRef::Json,
        }
    }

    /// The type of one streamed item of `schema`, nullable when it admits null.
    fn item_type(&mut self, schema: &ReferenceOr<Schema>, hint: &str, at: &str) -> TypeRef {
        let ty = self.schema_type(schema, hint, at);
        schemas::or_null(ty, self.resolve(schema).is_some_and(schemas::may_be_null))
    }

    pub(super) fn parameter(
        &mut self,
        parameter: &'a ReferenceOr<Parameter>,
        op_base: &str,
        at: &str,
        param_names: &mut Namespace,
    ) -> Option<Param> {
        let (parameter, at) = self.component(parameter, "parameters", |c| &c.parameters, at)?;
        let data = parameter.parameter_data_ref();
        if ext_bool(&data.extensions, "x-auth-header") {
            return None;
        }
        let (location, explode) = match parameter {
            Parameter::Path { .. } => (ParamLocation::Path, false),
            Parameter::Query { .. } => (ParamLocation::Query, data.explode.unwrap_or(true)),
            Parameter::Header { .. } => (ParamLocation::Header, false),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, false),
        };
        if location == ParamLocation::Header
            && (data.name.eq_ignore_ascii_case("accept")
                || data.name.eq_ignore_ascii_case("content-type"))
        {
            return None;
        }
        // How an array is joined when it is not exploded into repeated keys: the Swagger 2.0
        // collection format where OpenAPI 3 has no style for it, else the style's delimiter.
        let kept_format = match ext_str(&data.extensions, "x-collection-format") {
            Some("tsv") => Some("\t"),
            Some("pipes") => Some("|"),
            Some("ssv") => Some(" "),
            _ => None,
        };
        let (deep_object, style_separator) = match parameter {
            Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => (false, ","),
                openapiv3::QueryStyle::DeepObject => (true, ","),
                openapiv3::QueryStyle::SpaceDelimited => (false, " "),
                openapiv3::QueryStyle::PipeDelimited => (false, "|"),
            },
            _ => (false, ","),
        };
        let separator = kept_format.unwrap_or(style_separator);
        let hint = format!("{op_base}{}", names::type_name(&data.name));
        let mut json = false;
        let (ty, constraints, default) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                // A parameter's items are written as text: a null item has no form there.
                let ty =
                    schemas::without_null(self.schema_type(schema, &hint, &format!("{at}/schema")));
                let resolved = self.resolve(schema);
                let constraints = resolved.map(|s| self.constraints(s)).unwrap_or_default();
                let constraints = self.checkable(constraints, &format!("{at}/schema"));
                let default = resolved
                    .and_then(|s| s.schema_data.default.as_ref())
                    .map(|value| value.to_string());
                (ty, constraints, default)
            }
            // `content: {application/json: {schema}}`: any type, sent as JSON text.
            ParameterSchemaOrContent::Content(content) => match content
                .iter()
                .find(|(media_type, _)| classify_media(media_type) == BodyEncoding::Json)
                .and_then(|(media_type, media)| Some((media_type, media.schema.as_ref()?)))
            {
                Some((media_type, schema)) => {
                    json = true;
                    let schema_at = format!("{at}/content/{}/schema", escape_token(media_type));
                    let ty = self.schema_type(schema, &hint, &schema_at);
                    (ty, Constraints::default(), None)
                }
                None => (TypeRef::String, Constraints::default(), None),
            },
        };
        let ty = match if json { ty } else { self.parameter_type(ty) } {
            // Raw bytes in a parameter can only be text.
            TypeRef::Bytes => TypeRef::String,
            other => other,
        };
        // Objects go only in the query (`form` or `deepObject`), where serde writes them;
        // elsewhere the caller writes the value as text.
        let ty = if !json && !self.is_parameter_type(&ty) && location != ParamLocation::Query {
            self.warn(
                &format!("{at}/schema"),
                format!(
                    "parameter `{}` has an object or free-form type, which {} parameters cannot carry typed; it is a string the caller writes as the spec describes",
                    data.name,
                    match location {
                        ParamLocation::Path => "path",
                        ParamLocation::Header => "header",
                        _ => "cookie",
                    }
                ),
            );
            TypeRef::String
        } else {
            ty
        };
        let simple = self.is_parameter_type(&ty);
        Some(Param {
            name: param_names.claim(names::field_name(&data.name)),
            wire: data.name.clone(),
            location,
            doc: doc_text(&[data.description.as_ref()]),
            ty,
            // Path parameters are required whatever the spec says (validation warned).
            required: data.required || location == ParamLocation::Path,
            deprecated: data.deprecated.unwrap_or(false),
            constraints,
            from_client: ext_bool(&data.extensions, "x-client-parameter"),
            default,
            explode,
            separator: separator.to_owned(),
            deep_object,
            simple,
            json,
        })
    }

    /// A union of simple types in a parameter (`oneOf: [string, array of string]`) is sent as its
    /// widest variant: an array if there is one, else the first simple type.
    pub(super) fn parameter_type(&self, mut ty: TypeRef) -> TypeRef {
        // A named schema that is an alias of a plain type (an `allOf` of strings) is that type.
        for _ in 0..8 {
            match &ty {
                TypeRef::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias { target, .. }) => ty = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        let TypeRef::Named(name) = &ty else {
            return ty;
        };
        let Some(TypeKind::Union { variants, .. }) = self.types.get(name).map(|t| &t.kind) else {
            return ty;
        };
        let simple: Vec<&TypeRef> = variants
            .iter()
            .map(|v| &v.ty)
            .filter(|t| self.is_parameter_type(t))
            .collect();
        simple
            .iter()
            .find(|t| matches!(t, TypeRef::Array(_)))
            .or(simple.first())
            .map(|t| (*t).clone())
            .unwrap_or(ty)
    }

    /// Whether a value of this type can be written as a path, query or header value.
    pub(super) fn is_parameter_type(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Bool
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid => true,
            TypeRef::Named(name) => matches!(
                self.types.get(name).map(|t| &t.kind),
                Some(TypeKind::StringEnum { .. })
            ),
            TypeRef::Array(inner) => {
                !matches!(**inner, TypeRef::Array(_)) && self.is_parameter_type(inner)
            }
            _ => false,
        }
    }

    pub(super) fn request_body(
        &mut self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
        op_base: &str,
        at: &str,
    ) -> Option<Body> {
        let (body, at) = self.component(body, "requestBodies", |c| &c.request_bodies, at)?;
        let mut media = Vec::new();
        let mut variant_names = Namespace::default();
        for (content_type, media_type) in &body.content {
            let encoding = classify_media(content_type);
            let media_at = format!("{at}/content/{}", escape_token(content_type));
            let ty = match (encoding, &media_type.schema) {
                (BodyEncoding::Bytes, _) => TypeRef::Bytes,
                (BodyEncoding::Text, _) => TypeRef::String,
                (_, Some(schema)) => self.schema_type(
                    schema,
                    &format!("{op_base}Body"),
                    &format!("{media_at}/schema"),
                ),
                (_, None) => TypeRef::Json,
            };
            // A multipart body that is not an object has no parts to name: the caller writes
            // the whole body.
            let (encoding, ty) = if encoding == BodyEncoding::Multipart {
                match self.multipart_type(ty, &media_at) {
                    Some(ty) => (encoding, ty),
                    None => (BodyEncoding::Bytes, TypeRef::Bytes),
                }
            } else {
                (encoding, ty)
            };
            media.push(BodyMedia {
                variant: variant_names.claim(encoding_variant(encoding).to_owned()),
                content_type: content_type.clone(),
                encoding,
                ty,
            });
        }
        if media.is_empty() {
            // `content: {}` describes no body at all.
            return None;
        }
        let choice_type = if media.len() > 1 {
            self.operation_names.claim(format!("{op_base}Body"))
        } else {
            String::new()
        };
        Some(Body {
            media,
            choice_type,
            required: body.required,
            doc: doc_text(&[body.description.as_ref()]),
            upload: None,
            upload_part: None,
        })
    }

    /// The documented responses, split: success (2xx, `2XX`, and `default` when nothing else
    /// is documented as a success) and errors (4xx, 5xx, their ranges, and `default` next to
    /// documented successes), each sorted by status.
    pub(super) fn responses(
        &mut self,
        operation: &'a openapiv3::Operation,
        op_base: &str,
        at: &str,
    ) -> (Vec<ResponseCase>, Vec<ResponseCase>) {
        let mut success: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> =
            Vec::new();
        let mut errors = Vec::new();
        for (status, response) in &operation.responses.responses {
            let (matcher, key) = match status {
                openapiv3::StatusCode::Code(code) => (StatusMatch::Code(*code), code.to_string()),
                openapiv3::StatusCode::Range(range) => {
                    (StatusMatch::Range(*range), format!("{range}XX"))
                }
            };
            let place = (matcher, response, format!("{at}/{key}"));
            match matcher {
                StatusMatch::Code(code) if (200..300).contains(&code) => success.push(place),
                StatusMatch::Range(2) => success.push(place),
                StatusMatch::Code(code) if code >= 400 => errors.push(place),
                StatusMatch::Range(range) if range >= 4 => errors.push(place),
                // 1xx and 3xx are the HTTP stack's business.
                _ => {}
            }
        }
        if let Some(default) = &operation.responses.default {
            let place = (StatusMatch::Default, default, format!("{at}/default"));
            if success.is_empty() {
                success.push(place);
            } else {
                errors.push(place);
            }
        }
        let several = success.len() > 1;
        let mut cases = Vec::new();
        let mut variant_names = Namespace::default();
        for (status, response, response_at) in success {
            let variant = variant_names.claim(status_variant(status));
            let hint = if several {
                format!("{op_base}{variant}Body")
            } else {
                format!("{op_base}ResponseBody")
            };
            if let Some(case) = self.response_case(status, response, &response_at, variant, &hint) {
                cases.push(case);
            }
        }
        let mut failures = Vec::new();
        let mut variant_names = Namespace::default();
        for (status, response, response_at) in errors {
            let variant = variant_names.claim(error_variant(status));
            let hint = format!("{op_base}{variant}Body");
            if let Some(case) = self.response_case(status, response, &response_at, variant, &hint) {
                failures.push(case);
            }
        }
        cases.sort_by_key(|case| case.status);
        failures.sort_by_key(|case| case.status);
        (cases, failures)
    }

    /// One documented response: its body (the media type it is read as, and the type) and
    /// headers; `None` when it refers to nothing (validation has warned).
    fn response_case(
        &mut self,
        status: StatusMatch,
        response: &'a ReferenceOr<openapiv3::Response>,
        at: &str,
        variant: String,
        hint: &str,
    ) -> Option<ResponseCase> {
        let (response, response_at) =
            self.component(response, "responses", |c| &c.responses, at)?;
        let body = pick_media(&response.content).map(|(content_type, encoding, media)| {
            let ty = match (encoding, &media.schema) {
                (BodyEncoding::Bytes, _) => TypeRef::Bytes,
                (BodyEncoding::Text, _) => TypeRef::String,
                (_, Some(schema)) => {
                    let ty = self.schema_type(
                        schema,
                        hint,
                        &format!(
                            "{response_at}/content/{}/schema",
                            escape_token(content_type)
                        ),
                    );
                    schemas::or_null(ty, self.resolve(schema).is_some_and(schemas::may_be_null))
                }
                (_, None) => TypeRef::Json,
            };
            (encoding, ty)
        });
        let headers = self.response_headers(response, &response_at);
        Some(ResponseCase {
            status,
            variant,
            doc: doc_text(&[Some(&response.description)]),
            body,
            headers,
        })
    }

    /// The headers a response declares, `$ref`s to `components.headers` resolved; scalars keep
    /// their type, anything else is read as text.
    pub(super) fn response_headers(
        &mut self,
        response: &'a openapiv3::Response,
        at: &str,
    ) -> Vec<ResponseHeader> {
        let mut names = Namespace::default();
        let mut headers = Vec::new();
        for (wire, header) in &response.headers {
            let header_at = format!("{at}/headers/{}", escape_token(wire));
            let Some((header, _)) = self.component(header, "headers", |c| &c.headers, &header_at)
            else {
                continue;
            };
            if wire.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => match self.resolve(schema) {
                    Some(schema) => match &schema.schema_kind {
                        SchemaKind::Type(Type::Integer(i)) => match i.format {
                            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                            _ => TypeRef::I64,
                        },
                        SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
                        SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
                        _ => TypeRef::String,
                    },
                    None => TypeRef::String,
                },
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            headers.push(ResponseHeader {
                name: names.claim(names::field_name(wire)),
                wire: wire.clone(),
                doc: doc_text(&[header.description.as_ref()]),
                ty,
            });
        }
        headers
    }

    pub(super) fn pagination(
        &mut self,
        op: &ProvenOperation,
        params: &[Param],
        responses: &[ResponseCase],
    ) -> Option<Pagination> {
        // Validation checked the shape of `x-pagination` and the names it gives; here only the
        // types that lowering first knows are.
        let names = op.pagination.as_ref()?;
        let at = format!("{}/x-pagination", op.at);
        let (offset, limit, count, items) =
            (&names.offset, &names.limit, &names.count, &names.items);
        let param = |wire: &str| {
            params
                .iter()
                .find(|p| p.wire == wire && p.location == ParamLocation::Query)
        };
        let (Some(offset_param), Some(_)) = (param(offset), param(limit)) else {
            return None;
        };
        if !matches!(offset_param.ty, TypeRef::I32 | TypeRef::I64) {
            self.warn(
                &at,
                format!("`x-pagination`: the offset parameter `{offset}` must be an integer; no page stream is generated"),
            );
            return None;
        }
        let (offset_name, offset_type) = (offset_param.name.clone(), offset_param.ty.clone());
        let body_type = match responses {
            [
                ResponseCase {
                    body: Some((BodyEncoding::Json, TypeRef::Named(name))),
                    ..
                },
            ] => name.clone(),
            _ => {
                self.warn(&at, "`x-pagination` needs exactly one success response with a named JSON object body; no page stream is generated");
                return None;
            }
        };
        let fields = match self.types.get(&body_type).map(|t| &t.kind) {
            Some(TypeKind::Struct { fields, .. }) => fields.clone(),
            _ => {
                self.warn(
                    &at,
                    format!("`x-pagination`: the response body `{body_type}` is not an object; no page stream is generated"),
                );
                return None;
            }
        };
        let count_field = fields.iter().find(|f| f.wire == *count);
        let items_field = fields.iter().find(|f| f.wire == *items);
        match (count_field, items_field) {
            (
                Some(count_field),
                Some(Field {
                    ty: TypeRef::Array(item),
                    name,
                    required,
                    nullable,
                    ..
                }),
            ) if matches!(count_field.ty, TypeRef::I32 | TypeRef::I64) => Some(Pagination {
                stream_method: "stream".to_owned(),
                offset_param: offset_name,
                offset_type,
                count_field: count_field.name.clone(),
                count_required: count_field.required && !count_field.nullable,
                items_field: name.clone(),
                items_required: *required && !*nullable,
                item_type: (**item).clone(),
            }),
            _ => {
                self.warn(&at, format!("`x-pagination`: the response needs an integer field `{count}` and an array field `{items}`; no page stream is generated"));
                None
            }
        }
    }
}

/// The methods of `Call<Request>` that parameter setters must not take: the runtime's own
/// (`timeout`, `retry`, `header`, `options`, `idle_timeout`, `open_stream`), the generated
/// `send`, `stream` and `body`, and the methods of the traits a call implements. (A streamed
/// answer's `events`, `items` or `download` is claimed after the parameters, so a parameter of
/// that name keeps it.)
const CALL_METHODS: &[&str] = &[
    "body",
    "clone",
    "clone_from",
    "fmt",
    "header",
    "idle_timeout",
    "new",
    "open_stream",
    "options",
    "parameters",
    "retry",
    "send",
    "stream",
    "timeout",
    "validate",
];

/// One field per response header across the operation's responses: headers of one name (names
/// compare case-insensitively) share a field, and different headers whose names read the same
/// in Rust (`X-Rate` and `x_rate`) get different ones.
fn name_headers_apart(responses: &mut [ResponseCase]) {
    let mut taken = Namespace::default();
    let mut by_wire: BTreeMap<String, String> = BTreeMap::new();
    for header in responses
        .iter_mut()
        .flat_map(|case| case.headers.iter_mut())
    {
        let key = header.wire.to_ascii_lowercase();
        let name = by_wire
            .entry(key)
            .or_insert_with(|| taken.claim(names::field_name(&header.wire)));
        header.name = name.clone();
    }
}

/// Whether success responses differ in body, so the operation needs a response enum.
pub fn needs_response_enum(responses: &[ResponseCase]) -> bool {
    let mut bodies = responses.iter().map(|r| &r.body);
    match bodies.next() {
        Some(first) => bodies.any(|b| b != first),
        None => false,
    }
}

/// The variant of an error status in the operation's error enum: the status's reason phrase
/// (`BadRequest`, `NotFound`, …) where HTTP names it, else `Status418`, `Status4xx`, `Default`.
fn error_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match http_reason(code) {
            Some(reason) => names::type_name(reason),
            None => format!("Status{code}"),
        },
        StatusMatch::Range(range) => format!("Status{range}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

/// The reason phrases of the error statuses APIs document most (RFC 9110 and friends).
fn http_reason(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok".to_owned(),
            201 => "Created".to_owned(),
            202 => "Accepted".to_owned(),
            203 => "NonAuthoritativeInformation".to_owned(),
            204 => "NoContent".to_owned(),
            205 => "ResetContent".to_owned(),
            206 => "PartialContent".to_owned(),
            other => format!("Status{other}"),
        },
        StatusMatch::Range(range) => format!("Status{range}xx"),
        StatusMatch::Default => "Default".to_owned(),
    }
}

/// How a streaming media type is read, if `media_type` is one.
fn stream_kind(media_type: &str, media: &openapiv3::MediaType) -> Option<StreamKind> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "text/event-stream" => Some(StreamKind::Events {
            end: media
                .extensions
                .get("x-stream-end")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }),
        "application/x-ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines" => Some(StreamKind::Lines),
        "application/json-seq" => Some(StreamKind::Records),
        // Kubernetes' watch: JSON objects one after another, one per line.
        json if (json == "application/json" || json.ends_with("+json")) && is_watch(media_type) => {
            Some(StreamKind::Lines)
        }
        _ => None,
    }
}

/// Whether a media type has the parameter `stream=watch`.
fn is_watch(media_type: &str) -> bool {
    media_type.split(';').skip(1).any(|parameter| {
        parameter.split_once('=').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("stream")
                && value.trim().trim_matches('"').eq_ignore_ascii_case("watch")
        })
    })
}

/// `name`, or `<name>_stream` when a parameter's setter has it (made unique if need be).
fn claim_stream_method(names: &mut Namespace, name: &str) -> String {
    if names.contains(name) {
        names.claim(format!("{name}_stream"))
    } else {
        names.claim(name.to_owned())
    }
}

/// The `data` property of an event-shaped schema: an object whose properties are among the
/// fields of a server-sent event (`event`, `data`, `id`, `retry`), `data` one of them.
fn event_data(schema: &Schema) -> Option<ReferenceOr<Schema>> {
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let fields = ["event", "data", "id", "retry"];
    if !object
        .properties
        .keys()
        .all(|key| fields.contains(&key.as_str()))
    {
        return None;
    }
    Some(match object.properties.get("data")? {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(data) => ReferenceOr::Item((**data).clone()),
    })
}

/// The event type and data schema of one alternative of a keyed event stream: an event shape
/// whose `event` admits one string.
fn keyed_event(schema: &Schema) -> Option<(String, Option<ReferenceOr<Schema>>)> {
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else {
        return None;
    };
    let ReferenceOr::Item(event) = object.properties.get("event")? else {
        return None;
    };
    let openapiv3::SchemaKind::Type(openapiv3::Type::String(text)) = &event.schema_kind else {
        return None;
    };
    let [Some(name)] = text.enumeration.as_slice() else {
        return None;
    };
    Some((name.clone(), event_data(schema)))
}

/// The call's method that reads a stream of `kind`.
fn stream_method(kind: &StreamKind) -> &'static str {
    match kind {
        StreamKind::Events { .. } => "events",
        StreamKind::Lines | StreamKind::Records => "items",
        StreamKind::Bytes => "download",
    }
}

/// Whether a media type is JSON (`application/json`, `+json`).
pub(super) fn is_json(media_type: &str) -> bool {
    classify_media(media_type) == BodyEncoding::Json
}

/// How a media type is read or written.
fn classify_media(media_type: &str) -> BodyEncoding {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        BodyEncoding::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyEncoding::Form
    } else if essence == "multipart/form-data" {
        BodyEncoding::Multipart
    } else if essence.starts_with("text/") {
        BodyEncoding::Text
    } else {
        // XML, images, PDFs, octet-stream…: raw bytes the caller provides or receives.
        BodyEncoding::Bytes
    }
}

fn encoding_variant(encoding: BodyEncoding) -> &'static str {
    match encoding {
        BodyEncoding::Json => "Json",
        BodyEncoding::Form => "Form",
        BodyEncoding::Multipart => "Multipart",
        BodyEncoding::Bytes => "Bytes",
        BodyEncoding::Text => "Text",
    }
}

/// Picks the media type a response is read as: JSON first, then text, then raw bytes.
fn pick_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&str, BodyEncoding, &openapiv3::MediaType)> {
    let read_as = |encoding| match encoding {
        // A form or multipart answer is rare; its bytes are kept.
        BodyEncoding::Form | BodyEncoding::Multipart => BodyEncoding::Bytes,
        other => other,
    };
    for wanted in [BodyEncoding::Json, BodyEncoding::Text, BodyEncoding::Bytes] {
        for (media_type, media) in content {
            if read_as(classify_media(media_type)) == wanted {
                return Some((media_type.as_str(), wanted, media));
            }
        }
    }
    None
}
