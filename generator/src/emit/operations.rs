//! `operations.rs`: per operation,
//!
//! - the parameters of one call (`<Op>Request`), which the runtime's `Call<<Op>Request>` holds
//!   while the caller sets them by name, one setter per parameter;
//! - its `Operation` impl: the types of the answer, the statements that check the call and
//!   write the request, and the match that decodes the answer by status (the runtime's one
//!   generic `Call::send` runs them);
//! - the response enum when success responses differ, the enum of documented errors, the typed
//!   response headers, and the body choice when a body has several media types;
//! - for `x-pagination` operations, `stream()`, walking every page;
//! - the method on `Client` that starts a call (all in one `impl Client` at the end).
//!
//! Nothing declared here can be named like a prelude item (every name ends in `Request`,
//! `Error`, `Response`, `ResponseHeaders` or `Body`), so `Some`, `None`, `Ok` and `Err` are
//! written short.

use super::types::{validate_variants, value_arg, value_checks};
use super::{Code, Types, lit, type_text};
use crate::lower::needs_response_enum;
use crate::model::{
    Body, BodyEncoding, BodyMedia, Model, Operation, Pagination, Param, ParamLocation, PathPart,
    ResponseCase, StatusMatch, StreamKind, Streamed, TagFeatures, TypeRef,
};

/// How `operations.rs` reaches the types.
const TYPES: &str = "super::types::";

/// Every operation, in method-name order, then the `Client` methods that start them.
pub fn emit(model: &Model, types: &Types<'_>) -> String {
    let mut code = Code::with_capacity(model.operations.len().saturating_mul(3000));
    let gate = |op: &Operation| {
        let features = model.features.as_ref()?;
        TagFeatures::cfg(features.operations.get(&op.method_name))
    };
    for op in &model.operations {
        match gate(op) {
            None => operation(&mut code, op, types),
            Some(cfg) => {
                let mut items = Code::default();
                operation(&mut items, op, types);
                code.gated_lines_of(&items.into_text(), &cfg);
            }
        }
    }
    if !model.operations.is_empty() {
        code.open("impl crate::runtime::Client {");
        for (index, op) in model.operations.iter().enumerate() {
            if index > 0 {
                code.blank();
            }
            if let Some(cfg) = gate(op) {
                code.line(cfg);
            }
            client_method(&mut code, op);
        }
        code.close("}");
    }
    code.into_text()
}

fn operation(code: &mut Code, op: &Operation, types: &Types<'_>) {
    request_struct(code, op);
    body_choice(code, op, types);
    response_enum(code, op);
    error_enum(code, op);
    event_enum(code, op);
    response_headers(code, op);
    call_methods(code, op);
    operation_impl(code, op, types);
    code.blank();
}

fn caller_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.from_client)
}

fn client_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.from_client)
}

fn method_link(op: &Operation) -> String {
    format!(
        "[`Client::{0}`](crate::runtime::Client::{0})",
        op.method_name
    )
}

/// The struct of the call's parameters: every one optional until the call is sent, so that
/// they are set by name in any order.
fn request_struct(code: &mut Code, op: &Operation) {
    code.line(format_args!(
        "/// The parameters of one call of {}: set them on the call it returns, then `.send().await` it. Its `Operation` impl names the types of the answer.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq, Default)]");
    let fields: Vec<&Param> = caller_params(op).collect();
    if fields.is_empty() && op.body.is_none() {
        code.line(format_args!("pub struct {} {{}}", op.request_type));
        return;
    }
    code.open(format_args!("pub struct {} {{", op.request_type));
    for p in fields {
        code.line(format_args!(
            "{}: ::std::option::Option<{}>,",
            p.name,
            type_text(&p.ty, TYPES)
        ));
    }
    if let Some(body) = &op.body {
        code.line(format_args!(
            "body: ::std::option::Option<{}>,",
            body_type(body)
        ));
    }
    code.close("}");
}

/// Whether some media type of the body holds a value to check.
fn body_validated(body: &Body, types: &Types<'_>) -> bool {
    body.media.iter().any(|m| types.validated(&m.ty))
}

/// The type of the call's body.
fn body_type(body: &Body) -> String {
    match body.media.as_slice() {
        [single] => type_text(&single.ty, TYPES),
        _ => body.choice_type.clone(),
    }
}

/// The enum a caller picks a media type with, when a body offers several.
fn body_choice(code: &mut Code, op: &Operation, types: &Types<'_>) {
    let Some(body) = op.body.as_ref().filter(|b| b.media.len() > 1) else {
        return;
    };
    code.line(format_args!(
        "/// The request body of {}, in the media type the caller chooses.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {} {{", body.choice_type));
    for media in &body.media {
        code.doc(&format!("Sent as `{}`.", media.content_type));
        code.line(format_args!(
            "{}({}),",
            media.variant,
            type_text(&media.ty, TYPES)
        ));
    }
    code.close("}");
    if body_validated(body, types) {
        validate_variants(
            code,
            &body.choice_type,
            body.media.iter().map(|m| (m.variant.as_str(), &m.ty)),
            types,
        );
    }
}

fn param_doc(p: &Param) -> String {
    let location = match p.location {
        ParamLocation::Path => "Path parameter",
        ParamLocation::Query => "Query parameter",
        ParamLocation::Header => "Header",
        ParamLocation::Cookie => "Cookie",
    };
    let required = if p.required { " (required)" } else { "" };
    let mut text = format!("{location} `{}`{required}.", p.wire);
    if let Some(doc) = &p.doc {
        text.push(' ');
        text.push_str(doc);
    }
    if let Some(default) = &p.default {
        text.push_str(&format!("\n\nDefault: `{default}`."));
    }
    if p.deprecated {
        text.push_str("\n\n**Deprecated.**");
    }
    text
}

/// The setters and `stream()` of `Call<<Op>Request>`.
fn call_methods(code: &mut Code, op: &Operation) {
    let params: Vec<&Param> = caller_params(op).collect();
    if params.is_empty() && op.body.is_none() && op.pagination.is_none() && op.streamed.is_none() {
        return;
    }
    code.blank();
    code.open(format_args!(
        "impl crate::runtime::Call<{}> {{",
        op.request_type
    ));
    let mut first = true;
    let mut separate = |code: &mut Code| {
        if !std::mem::take(&mut first) {
            code.blank();
        }
    };
    for p in params {
        separate(code);
        let (arg, conv) = value_arg(&p.ty, TYPES);
        code.doc(&param_doc(p));
        code.deprecated(p.deprecated);
        code.line("#[inline]");
        code.open(format_args!(
            "pub fn {}(mut self, value: {arg}) -> Self {{",
            p.name
        ))
        .line(format_args!("self.request.{} = Some(value{conv});", p.name))
        .line("self")
        .close("}");
    }
    if let Some(body) = &op.body {
        separate(code);
        body_setter(code, body);
        if let Some(method) = &body.upload {
            code.blank();
            upload_setter(code, body, method);
        }
        if let Some(method) = &body.upload_part {
            code.blank();
            upload_part_setter(code, method);
        }
    }
    if let Some(pagination) = &op.pagination {
        separate(code);
        stream_method(code, op, pagination);
    }
    if let Some(streamed) = &op.streamed {
        separate(code);
        streamed_method(code, op, streamed);
    }
    code.close("}");
}

fn body_setter(code: &mut Code, body: &Body) {
    let media: Vec<String> = body
        .media
        .iter()
        .map(|m| format!("`{}`", m.content_type))
        .collect();
    let required = if body.required { " (required)" } else { "" };
    code.doc(&format!(
        "The {} request body{required}.{}",
        media.join(" or "),
        body.doc
            .as_deref()
            .map(|d| format!(" {d}"))
            .unwrap_or_default()
    ));
    let (arg, conv) = match body.media.as_slice() {
        [single] => value_arg(&single.ty, TYPES),
        _ => (body_type(body), ""),
    };
    code.line("#[inline]");
    code.open(format_args!(
        "pub fn body(mut self, value: {arg}) -> Self {{"
    ))
    .line(format_args!("self.request.body = Some(value{conv});"))
    .line("self")
    .close("}");
}

/// `upload()`: the binary body read from a file or a stream as it is sent.
fn upload_setter(code: &mut Code, body: &Body, method: &str) {
    let media = body
        .media
        .first()
        .map(|media| media.content_type.as_str())
        .unwrap_or_default();
    code.doc(&format!(
        "The `{media}` request body, read from a file or a stream as it is sent instead of held in memory (replaces `.body(…)`); see [`Upload`](crate::runtime::upload::Upload) for which uploads are retried."
    ));
    code.open(format_args!(
        "pub fn {method}(mut self, upload: crate::runtime::upload::Upload) -> Self {{"
    ))
    .line("self.request.body = Some(::std::default::Default::default());")
    .line("self.options = self.options.upload(upload);")
    .line("self")
    .close("}");
}

/// `upload_part()`: a file part of the multipart body read from a file or a stream as it is
/// sent.
fn upload_part_setter(code: &mut Code, method: &str) {
    code.doc("The content of the `multipart/form-data` body's file part `part` (a `format: binary` property, by its name in the spec), read from a file or a stream as it is sent instead of the bytes the body holds for it (leave those empty); see [`Upload`](crate::runtime::upload::Upload) for which uploads are retried.");
    code.open(format_args!(
        "pub fn {method}(mut self, part: &str, upload: crate::runtime::upload::Upload) -> Self {{"
    ))
    .line("self.options = self.options.upload_part(part, upload);")
    .line("self")
    .close("}");
}

/// The type `Response<T, H>` carries as `T`.
fn success_type(op: &Operation) -> String {
    if needs_response_enum(&op.responses) {
        return op.response_type.clone();
    }
    match op.responses.first().and_then(|case| case.body.as_ref()) {
        Some((_, ty)) => type_text(ty, TYPES),
        None => "()".to_owned(),
    }
}

/// The documented error type of `Error<E>`.
fn error_type(op: &Operation) -> &str {
    op.error_type
        .as_deref()
        .unwrap_or("crate::runtime::Undocumented")
}

/// `impl Operation`: the answer's types, writing the request, decoding the answer.
fn operation_impl(code: &mut Code, op: &Operation, types: &Types<'_>) {
    code.blank();
    code.open(format_args!(
        "impl crate::runtime::Operation for {} {{",
        op.request_type
    ));
    code.line(format_args!("type Output = {};", success_type(op)));
    code.line(format_args!(
        "type Headers = {};",
        op.headers_type.as_deref().unwrap_or("()")
    ));
    code.line(format_args!("type Error = {};", error_type(op)));
    code.blank();
    write_request(code, op, types);
    code.blank();
    decode_response(code, op);
    code.close("}");
}

/// `request()`: the required values, the constraint checks, then the request, parameter by
/// parameter in spec order.
fn write_request(code: &mut Code, op: &Operation, types: &Types<'_>) {
    let client = if client_params(op).next().is_some() {
        "client"
    } else {
        "_client"
    };
    code.line("#[inline]");
    code.open(format_args!(
        "fn request(&self, {client}: &crate::runtime::Client) -> ::std::result::Result<crate::runtime::OperationRequest, crate::runtime::Error> {{"
    ));
    for p in caller_params(op).filter(|p| p.required) {
        code.line(format_args!(
            "let p_{} = crate::runtime::call::required(&self.{}, {}, {})?;",
            p.name,
            p.name,
            lit(&p.wire),
            lit(&p.name)
        ));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        code.line("crate::runtime::call::required(&self.body, \"body\", \"body\")?;");
    }
    request_checks(code, op, types);
    for p in client_params(op) {
        code.line(format_args!(
            "let c_{} = client.client_parameter({})?;",
            p.name,
            lit(&p.wire)
        ));
    }
    code.line(format_args!(
        "let mut request = crate::runtime::OperationRequest::new({}, ::http::Method::{}, {});",
        lit(&op.id),
        op.http_method,
        op.idempotent
    ));
    path_statements(code, op);
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
    {
        query_statement(code, p);
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        header_statement(code, p);
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
    {
        let function = if p.json { "cookie_json" } else { "cookie" };
        let fallible = if p.json { "?" } else { "" };
        code.line(format_args!(
            "request.{function}({}, {}){fallible};",
            lit(&p.wire),
            value_of(p)
        ));
    }
    body_statements(code, op);
    code.line("Ok(request)");
    code.close("}");
}

/// The checks of the spec's constraints on the call's values.
fn request_checks(code: &mut Code, op: &Operation, types: &Types<'_>) {
    for p in caller_params(op) {
        let mut checks = Code::default();
        if value_checks(
            &mut checks,
            &p.ty,
            &p.constraints,
            "value",
            &lit(&p.wire).to_string(),
            types,
        ) {
            code.open(format_args!("if let Some(value) = &self.{} {{", p.name));
            code.lines_of(&checks.into_text());
            code.close("}");
        }
    }
    if op.body.as_ref().is_some_and(|b| body_validated(b, types)) {
        code.open("if let Some(value) = &self.body {")
            .line("crate::runtime::validate::Validate::validate_at(value, \"body\")?;")
            .close("}");
    }
}

/// The parameter's value as an `Option` of a reference: always there for a required or client
/// parameter (already checked), else when set.
fn value_of(p: &Param) -> String {
    if p.from_client {
        format!("Some(c_{})", p.name)
    } else if p.required {
        format!("Some(p_{})", p.name)
    } else {
        format!("self.{}.as_ref()", p.name)
    }
}

/// The path, each parameter percent-encoded as one segment.
fn path_statements(code: &mut Code, op: &Operation) {
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => {
                code.line(format_args!("request.path({});", lit(text)));
            }
            PathPart::Param(wire) => {
                let param = op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.wire == wire);
                // Lowering declares every template parameter.
                let Some(p) = param else { continue };
                if p.from_client {
                    code.line(format_args!("request.path_param(c_{});", p.name));
                } else if p.json {
                    code.line(format_args!("request.path_json(p_{})?;", p.name));
                } else {
                    code.line(format_args!("request.path_param(p_{});", p.name));
                }
            }
        }
    }
}

/// One query parameter: arrays repeat the key (explode) or are joined with the style's
/// separator; objects are written by serde in their style.
fn query_statement(code: &mut Code, p: &Param) {
    let wire = lit(&p.wire);
    let value = value_of(p);
    if p.json {
        code.line(format_args!("request.query_json({wire}, {value})?;"));
    } else if p.from_client {
        code.line(format_args!("request.query({wire}, {value});"));
    } else if !p.simple {
        let style = if p.deep_object {
            "DeepObject"
        } else if p.explode {
            "FormExplode"
        } else {
            "Form"
        };
        code.line(format_args!(
            "request.query_styled({wire}, {value}, crate::runtime::encode::QueryStyle::{style})?;"
        ));
    } else if matches!(p.ty, TypeRef::Array(_)) && p.explode {
        code.line(format_args!("request.query_exploded({wire}, {value});"));
    } else if matches!(p.ty, TypeRef::Array(_)) {
        code.line(format_args!(
            "request.query_joined({wire}, {value}, {});",
            lit(&p.separator)
        ));
    } else {
        code.line(format_args!("request.query({wire}, {value});"));
    }
}

/// One header parameter: arrays are joined with the style's separator.
fn header_statement(code: &mut Code, p: &Param) {
    let wire = lit(&p.wire);
    let value = value_of(p);
    if p.json {
        code.line(format_args!("request.header_json({wire}, {value})?;"));
    } else if matches!(p.ty, TypeRef::Array(_)) && !p.from_client {
        code.line(format_args!(
            "request.header_joined({wire}, {value}, {});",
            lit(&p.separator)
        ));
    } else {
        code.line(format_args!("request.header({wire}, {value});"));
    }
}

/// The serialised body, if the call has one.
fn body_statements(code: &mut Code, op: &Operation) {
    let Some(body) = &op.body else {
        return;
    };
    code.open("if let Some(value) = &self.body {");
    match body.media.as_slice() {
        [single] => {
            code.line(format_args!("request.body = Some({});", serialise(single)));
        }
        several => {
            code.open("request.body = Some(match value {");
            for media in several {
                code.line(format_args!(
                    "{}::{}(value) => {},",
                    body.choice_type,
                    media.variant,
                    serialise(media)
                ));
            }
            code.close("});");
        }
    }
    code.close("}");
}

/// Serialises `value` (a reference to the media's type) as a `RequestBody`.
fn serialise(media: &BodyMedia) -> String {
    let content_type = lit(&media.content_type);
    match media.encoding {
        BodyEncoding::Json => {
            format!("crate::runtime::RequestBody::json_as(value, {content_type})?")
        }
        BodyEncoding::Form => {
            format!("crate::runtime::RequestBody::form_as(value, {content_type})?")
        }
        BodyEncoding::Multipart => "crate::runtime::encode::multipart_body(value)?".to_owned(),
        BodyEncoding::Text => {
            format!("crate::runtime::RequestBody::text_as(value, {content_type})")
        }
        BodyEncoding::Bytes => {
            format!("crate::runtime::RequestBody::bytes_as(value, {content_type})")
        }
    }
}

/// `response()`: the match on the answer's status.
fn decode_response(code: &mut Code, op: &Operation) {
    // `#[inline]` here and on the other per-operation methods and setters: each is compiled in
    // the crate that calls it, with the decoding of the types it names, so a cold build of the
    // generated crate compiles none of them and an application only those it uses.
    code.line("#[inline]");
    code.open(
        "fn response(raw: crate::runtime::RawResponse) -> crate::runtime::call::Answer<Self> {",
    );
    let headers = match &op.headers_type {
        Some(name) => {
            code.line(format_args!(
                "let headers = {name}::from_headers(raw.headers());"
            ));
            "headers"
        }
        None => "()",
    };
    code.open("match raw.status().as_u16() {");
    response_arms(code, op, headers);
    code.close("}");
    code.close("}");
}

/// The statuses an arm matches, as an inclusive range.
fn status_range(status: StatusMatch) -> (u16, u16) {
    match status {
        StatusMatch::Code(code) => (code, code),
        StatusMatch::Range(range) => {
            let low = range.saturating_mul(100);
            (low, low.saturating_add(99))
        }
        StatusMatch::Default => (200, 299),
    }
}

/// The match arms written so far, to leave out one an earlier arm already covers (rustc
/// would call it unreachable).
#[derive(Default)]
struct Arms {
    covered: Vec<(u16, u16)>,
}

impl Arms {
    /// Writes `pattern => expression,` unless every status it matches is already matched.
    fn arm(&mut self, code: &mut Code, status: StatusMatch, expression: &str) {
        let (low, high) = status_range(status);
        if self
            .covered
            .iter()
            .any(|(from, to)| *from <= low && high <= *to)
        {
            return;
        }
        self.covered.push((low, high));
        if low == high {
            code.line(format_args!("{low} => {expression},"));
        } else {
            code.line(format_args!("{low}..={high} => {expression},"));
        }
    }
}

/// The arms of the match on the answer's status: documented successes, documented errors
/// (codes before ranges, as the model sorts them), a success the spec does not list (read as
/// the first documented one, when it can be), then every other status as an API error.
fn response_arms(code: &mut Code, op: &Operation, headers: &str) {
    let mut arms = Arms::default();
    for case in &op.responses {
        arms.arm(code, case.status, &success_decode(op, case, true, headers));
    }
    let mut default_error = None;
    for case in &op.errors {
        let decode = error_decode(op, case);
        match case.status {
            StatusMatch::Default => default_error = Some(decode),
            status => arms.arm(code, status, &format!("Err({decode})")),
        }
    }
    let undocumented = match op.responses.first() {
        Some(first) => success_decode(op, first, false, headers),
        None => format!("Ok(raw.into_response_with((), {headers}))"),
    };
    arms.arm(code, StatusMatch::Default, &undocumented);
    match default_error {
        Some(decode) => code.line(format_args!("_ => Err({decode}),")),
        None => code.line("_ => Err(raw.into_documented_error(None)),"),
    };
}

/// Decodes a success answer as `case` (`documented`: the status is the case's own), with the
/// typed `headers`.
fn success_decode(op: &Operation, case: &ResponseCase, documented: bool, headers: &str) -> String {
    let wrap = if needs_response_enum(&op.responses) {
        let variant = format!("{}::{}", op.response_type, case.variant);
        if case.body.is_none() {
            return format!("Ok(raw.into_response_with({variant}, {headers}))");
        }
        variant
    } else {
        "::std::convert::identity".to_owned()
    };
    match &case.body {
        Some((BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, _)) => {
            format!("raw.json_response({documented}, {headers}, {wrap})")
        }
        Some((BodyEncoding::Text, _)) => {
            format!("raw.text_response({documented}, {headers}, {wrap})")
        }
        Some((BodyEncoding::Bytes, _)) => {
            format!("Ok(raw.bytes_response({headers}, {wrap}))")
        }
        None => format!("Ok(raw.into_response_with((), {headers}))"),
    }
}

/// The API error for a documented error status, holding its decoded body.
fn error_decode(op: &Operation, case: &ResponseCase) -> String {
    let Some(name) = &op.error_type else {
        return "raw.into_documented_error(None)".to_owned();
    };
    let variant = format!("{name}::{}", case.variant);
    match &case.body {
        Some((BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, _)) => {
            format!("raw.json_error({variant})")
        }
        Some((BodyEncoding::Text, _)) => format!("raw.text_error({variant})"),
        Some((BodyEncoding::Bytes, _)) => format!("raw.bytes_error({variant})"),
        None => format!("raw.into_documented_error(Some({variant}))"),
    }
}

/// The variants of a response or error enum, one per case.
fn case_variants(code: &mut Code, cases: &[ResponseCase], status_text: fn(StatusMatch) -> String) {
    for case in cases {
        code.doc(&format!(
            "{}{}",
            status_text(case.status),
            case.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
        match &case.body {
            Some((_, ty)) => code.line(format_args!("{}({}),", case.variant, type_text(ty, TYPES))),
            None => code.line(format_args!("{},", case.variant)),
        };
    }
}

fn response_enum(code: &mut Code, op: &Operation) {
    if !needs_response_enum(&op.responses) {
        return;
    }
    code.blank();
    code.line(format_args!(
        "/// The success responses of {}, by status.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {} {{", op.response_type));
    case_variants(code, &op.responses, status_text);
    code.close("}");
}

/// The events of a keyed event stream, one variant per event type, with the function that
/// decodes one by its type.
fn event_enum(code: &mut Code, op: &Operation) {
    let Some(keyed) = op
        .streamed
        .as_ref()
        .and_then(|streamed| streamed.keyed.as_ref())
    else {
        return;
    };
    code.blank();
    code.line(format_args!(
        "/// The events of {}'s stream, by their `event` type.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {} {{", keyed.name));
    for variant in &keyed.variants {
        code.doc(&format!(
            "`{}` events{}",
            variant.event,
            variant
                .doc
                .as_deref()
                .map(|doc| format!(": {doc}"))
                .unwrap_or_default()
        ));
        code.line(format_args!(
            "{}({}),",
            variant.variant,
            type_text(&variant.ty, TYPES)
        ));
    }
    code.close("}");
    code.blank();
    code.open(format_args!("impl {} {{", keyed.name));
    code.line("/// Decodes one event's data by its type (an event type the spec does not list is an error).");
    code.line("#[doc(hidden)]");
    code.open("pub fn decode(event: &str, data: &str) -> ::std::result::Result<Self, ::std::string::String> {");
    code.open("match event {");
    for variant in &keyed.variants {
        let decode = if variant.ty == TypeRef::String {
            "crate::runtime::stream::text(data)".to_owned()
        } else {
            "crate::runtime::stream::json(data)".to_owned()
        };
        code.line(format_args!(
            "{} => {decode}.map(Self::{}),",
            lit(&variant.event),
            variant.variant
        ));
    }
    code.line("other => ::std::result::Result::Err(::std::format!(\"the spec documents no event of type `{other}`\")),");
    code.close("}");
    code.close("}");
    code.close("}");
}

/// The operation's error type: one variant per documented error status, holding its body.
fn error_enum(code: &mut Code, op: &Operation) {
    let Some(name) = &op.error_type else {
        return;
    };
    code.blank();
    code.line(format_args!(
        "/// The error responses {} documents, by status: what [`ApiError::documented`](crate::runtime::ApiError::documented) holds when the service answers with one.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub enum {name} {{"));
    case_variants(code, &op.errors, error_status_text);
    code.close("}");
}

/// The typed response headers of an operation, when its success responses declare any.
fn response_headers(code: &mut Code, op: &Operation) {
    let Some(name) = &op.headers_type else {
        return;
    };
    let mut headers = Vec::new();
    for header in op.responses.iter().flat_map(|r| &r.headers) {
        // Lowering gave one field name per header, whatever response declares it.
        if !headers
            .iter()
            .any(|h: &&crate::model::ResponseHeader| h.name == header.name)
        {
            headers.push(header);
        }
    }
    code.blank();
    code.line(format_args!(
        "/// The response headers {} declares, typed: `response.typed_headers()`.",
        method_link(op)
    ));
    code.line("#[derive(Debug, Clone, PartialEq, Default)]");
    code.line("#[non_exhaustive]");
    code.open(format_args!("pub struct {name} {{"));
    for header in &headers {
        code.doc(&format!(
            "`{}`{}",
            header.wire,
            header
                .doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
        code.line(format_args!(
            "pub {}: ::std::option::Option<{}>,",
            header.name,
            type_text(&header.ty, TYPES)
        ));
    }
    code.close("}");
    code.blank();
    code.open(format_args!("impl {name} {{"))
        .line("/// Reads the declared headers; one that is absent or does not parse is `None`.")
        .open("pub(crate) fn from_headers(headers: &::http::HeaderMap) -> Self {")
        .open("Self {");
    for header in &headers {
        let text = format!(
            "headers.get({}).and_then(|value| value.to_str().ok())",
            lit(&header.wire)
        );
        match header.ty {
            TypeRef::String => {
                code.line(format_args!("{}: {text}.map(str::to_owned),", header.name))
            }
            _ => code.line(format_args!(
                "{}: {text}.and_then(|value| value.trim().parse().ok()),",
                header.name
            )),
        };
    }
    code.close("}").close("}").close("}");
}

fn status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => format!("{code}"),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "Any other success status".to_owned(),
    }
}

fn error_status_text(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => format!("{code}"),
        StatusMatch::Range(range) => format!("{range}XX"),
        StatusMatch::Default => "Any other error status".to_owned(),
    }
}

/// The method on `Client` that starts a call of the operation.
fn client_method(code: &mut Code, op: &Operation) {
    let mut doc = op.doc.clone().unwrap_or_default();
    doc.push_str(&format!(
        "\n\n`{} {}`: set the parameters on the returned call, then `.send().await` it.",
        op.http_method, op.path
    ));
    if op.pagination.is_some() {
        doc.push_str(" `.stream()` walks every page instead.");
    }
    if let Some(streamed) = &op.streamed {
        doc.push_str(&format!(
            " `.{}()` reads the answer as it arrives instead.",
            streamed.method
        ));
    }
    if op.deprecated {
        doc.push_str("\n\n**Deprecated.**");
    }
    code.doc(&doc);
    code.deprecated(op.deprecated);
    code.line("#[inline]");
    code.open(format_args!(
        "pub fn {}(&self) -> crate::runtime::Call<{}> {{",
        op.method_name, op.request_type
    ))
    .line("crate::runtime::Call::new(self, ::std::default::Default::default())")
    .close("}");
}

/// For an `x-pagination` operation: `stream()`, every item of every page.
fn stream_method(code: &mut Code, op: &Operation, pagination: &Pagination) {
    let item = type_text(&pagination.item_type, TYPES);
    let error = error_type(op);
    let offset = &pagination.offset_param;
    let items = &pagination.items_field;
    let count = &pagination.count_field;
    let narrow = pagination.offset_type == TypeRef::I32;
    code.line(format_args!(
        "/// Every item of {}, page after page: the offset starts at the call's (or 0) and advances by the items received until the total the service reports is reached or a page is empty. An error is yielded as an item and ends the stream. The stream owns the call, so it can move into a spawned task.",
        method_link(op)
    ));
    code.line("#[inline]");
    code.open(format_args!(
        "pub fn {}(self) -> impl ::futures_core::Stream<Item = ::std::result::Result<{item}, crate::runtime::Error<{error}>>> + ::std::marker::Send + 'static {{",
        pagination.stream_method
    ));
    if narrow {
        code.line(format_args!(
            "let start = self.request.{offset}.map(i64::from).unwrap_or(0);"
        ));
    } else {
        code.line(format_args!(
            "let start = self.request.{offset}.unwrap_or(0);"
        ));
    }
    code.line("let max_pages = self.client.max_pages();");
    code.open("crate::runtime::paginate::offset_stream(max_pages, start, move |offset| {");
    code.line("let mut page = self.clone();");
    code.open("async move {");
    if narrow {
        code.line(format_args!(
            "page.request.{offset} = Some(i32::try_from(offset).map_err(|_| crate::runtime::Error::validation(\"offset\", \"went past the largest 32-bit offset while paging\"))?);"
        ));
    } else {
        code.line(format_args!("page.request.{offset} = Some(offset);"));
    }
    code.line("let body = page.send().await?.into_body();");
    let items_value = if pagination.items_required {
        format!("body.{items}")
    } else {
        format!("body.{items}.unwrap_or_default()")
    };
    let total_value = if pagination.count_required {
        format!("Some(::std::convert::Into::<i64>::into(body.{count}))")
    } else {
        format!("body.{count}.map(::std::convert::Into::<i64>::into)")
    };
    code.line(format_args!(
        "Ok(crate::runtime::paginate::Page {{ items: {items_value}, total: {total_value} }})"
    ));
    code.close("}");
    code.close("})");
    code.close("}");
}

/// For a streamed success: `events()`, `items()` or `download()`, which send the call and
/// hand back the body as it arrives.
fn streamed_method(code: &mut Code, op: &Operation, streamed: &Streamed) {
    let error = error_type(op);
    let media = &streamed.media_type;
    let media_lit = lit(media);
    let item = type_text(&streamed.item, TYPES);
    let shown = item.trim_start_matches("super::types::");
    let events = matches!(streamed.kind, StreamKind::Events { .. });
    let (item, shown, decode) = match &streamed.keyed {
        Some(keyed) => (
            keyed.name.clone(),
            keyed.name.clone(),
            format!("{}::decode", keyed.name),
        ),
        None => {
            let decode = match (events, streamed.item == TypeRef::String) {
                (true, true) => "crate::runtime::stream::text_data".to_owned(),
                (true, false) => format!("crate::runtime::stream::json_data::<{item}>"),
                (false, true) => "crate::runtime::stream::text".to_owned(),
                (false, false) => format!("crate::runtime::stream::json::<{item}>"),
            };
            (item.clone(), shown.to_owned(), decode)
        }
    };
    let (doc, output, read) = match &streamed.kind {
        StreamKind::Events { end } => (
            format!(
                "Sends the call and yields the events of its `{media}` answer as they arrive, each event's `data` read as `{shown}`{}. A `data` that does not decode is an error item and the stream goes on; see [`EventStream`](crate::runtime::stream::EventStream) for reconnecting.",
                end.as_deref()
                    .map(|end| format!("; the event whose data is `{end}` ends the stream"))
                    .unwrap_or_default()
            ),
            format!("crate::runtime::stream::EventStream<{item}, {error}>"),
            format!(
                ".into_events({decode}, {})",
                end.as_deref()
                    .map(|end| format!("Some({})", lit(end)))
                    .unwrap_or_else(|| "None".to_owned())
            ),
        ),
        StreamKind::Lines | StreamKind::Records => (
            format!(
                "Sends the call and yields the JSON values of its `{media}` answer as they arrive, each read as `{shown}`. A value that does not decode is an error item and the stream goes on."
            ),
            format!("crate::runtime::stream::ItemStream<{item}, {error}>"),
            format!(
                ".into_items(crate::runtime::stream::Framing::{}, {decode})",
                if streamed.kind == StreamKind::Lines {
                    "Lines"
                } else {
                    "Records"
                }
            ),
        ),
        StreamKind::Bytes => (
            format!(
                "Sends the call and hands back its `{media}` answer unread: its chunks as they arrive (`.bytes()`), or written to a file (`.write_to(&mut file)`), never held whole in memory."
            ),
            format!("crate::runtime::stream::Streaming<{error}>"),
            String::new(),
        ),
    };
    code.doc(&doc);
    code.open(format_args!(
        "pub async fn {}(self) -> ::std::result::Result<{output}, crate::runtime::Error<{error}>> {{",
        streamed.method
    ));
    if read.is_empty() {
        code.line(format_args!("self.open_stream({media_lit}).await"));
    } else {
        code.line(format_args!(
            "::std::result::Result::Ok(self.open_stream({media_lit}).await?{read})"
        ));
    }
    code.close("}");
}
