//! `operations.rs`: per operation,
//!
//! - the parameters of one call (`<Op>Request`), which the runtime's `Call<<Op>Request>` holds
//!   while the caller sets them by name, one setter per parameter;
//! - `send()`, which checks the required values and the spec's constraints, builds the request
//!   and decodes the answer: the documented body with the declared headers, typed, for a
//!   success status; the operation's error type for a documented error status;
//! - the response enum when success responses differ, the enum of documented errors, the typed
//!   response headers, and the body choice when a body has several media types;
//! - for `x-pagination` operations, `stream()`, walking every page;
//! - the method on `Client` that starts a call.

use super::types::value_checks;
use super::{Types, doc_attrs, ident, type_tokens};
use crate::lower::needs_response_enum;
use crate::model::{
    Body, BodyEncoding, BodyMedia, Model, Operation, Pagination, Param, ParamLocation, PathPart,
    ResponseCase, StatusMatch, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Every operation, in method-name order.
pub fn emit(model: &Model, types: &Types<'_>) -> TokenStream {
    let items = model.operations.iter().map(|op| operation(op, types));
    quote! { #(#items)* }
}

fn types_path() -> TokenStream {
    quote! { super::types:: }
}

fn operation(op: &Operation, types: &Types<'_>) -> TokenStream {
    let request = request_struct(op, types);
    let choice = body_choice(op, types);
    let response_enum = response_enum(op);
    let errors = error_enum(op);
    let headers = response_headers(op);
    let call = call_methods(op, types);
    let client = client_method(op);
    quote! {
        #request
        #choice
        #response_enum
        #errors
        #headers
        #call
        #client
    }
}

fn caller_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.from_client)
}

fn client_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.from_client)
}

/// The local holding a required parameter's value (a reference) in `send()`: named apart from
/// the method's own locals, whatever the parameter is called.
fn required_local(p: &Param) -> proc_macro2::Ident {
    format_ident!("p_{}", p.name)
}

/// The local holding a client parameter's value in `send()`.
fn client_local(p: &Param) -> proc_macro2::Ident {
    format_ident!("c_{}", p.name)
}

fn method_link(op: &Operation) -> String {
    format!(
        "[`Client::{0}`](crate::runtime::Client::{0})",
        op.method_name
    )
}

/// The struct of the call's parameters: every one optional until `send()` checks the required
/// ones, so that they are set by name in any order.
fn request_struct(op: &Operation, types: &Types<'_>) -> TokenStream {
    let name = ident(&op.request_type);
    let doc = format!(
        " The parameters of one call of {}: set them on the call it returns, then `.send().await` it.",
        method_link(op)
    );
    let fields = caller_params(op).map(|p| {
        let field = ident(&p.name);
        let ty = type_tokens(&p.ty, &types_path());
        quote! { #field: ::std::option::Option<#ty>, }
    });
    let body = op.body.as_ref().map(|body| {
        let ty = body_type(body);
        quote! { body: ::std::option::Option<#ty>, }
    });
    let checks = request_checks(op, types);
    let validate = (!checks.is_empty()).then(|| {
        quote! {
            impl #name {
                /// Checks the spec's constraints on every value set; runs before anything is sent.
                fn validate(&self) -> ::std::result::Result<(), crate::runtime::Error> {
                    #(#checks)*
                    ::std::result::Result::Ok(())
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
            #body
        }

        #validate
    }
}

/// The checks of the spec's constraints on the call's values (none when nothing needs them).
fn request_checks(op: &Operation, types: &Types<'_>) -> Vec<TokenStream> {
    let mut checks: Vec<TokenStream> = caller_params(op)
        .filter_map(|p| {
            let field = ident(&p.name);
            let wire = &p.wire;
            let checks = value_checks(
                &p.ty,
                &p.constraints,
                &quote! { value },
                &quote! { #wire },
                types,
            );
            (!checks.is_empty()).then(|| {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.#field { #checks }
                }
            })
        })
        .collect();
    if op.body.as_ref().is_some_and(|b| body_validated(b, types)) {
        checks.push(quote! {
            if let ::std::option::Option::Some(value) = &self.body {
                crate::runtime::validate::Validate::validate_at(value, "body")?;
            }
        });
    }
    checks
}

/// Whether some media type of the body holds a value to check.
fn body_validated(body: &Body, types: &Types<'_>) -> bool {
    body.media.iter().any(|m| types.validated(&m.ty))
}

/// A caller-facing argument for a value of `ty`: `impl Into<String>` for strings.
fn setter_arg(ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (
            quote! { impl ::std::convert::Into<::std::string::String> },
            quote! { .into() },
        ),
        other => (type_tokens(other, &types_path()), TokenStream::new()),
    }
}

/// The type of the call's body.
fn body_type(body: &Body) -> TokenStream {
    match body.media.as_slice() {
        [single] => type_tokens(&single.ty, &types_path()),
        _ => {
            let name = ident(&body.choice_type);
            quote! { super::operations::#name }
        }
    }
}

fn body_setter_arg(body: &Body) -> (TokenStream, TokenStream) {
    match body.media.as_slice() {
        [single] => setter_arg(&single.ty),
        _ => (body_type(body), TokenStream::new()),
    }
}

/// The enum a caller picks a media type with, when a body offers several.
fn body_choice(op: &Operation, types: &Types<'_>) -> TokenStream {
    let Some(body) = op.body.as_ref().filter(|b| b.media.len() > 1) else {
        return TokenStream::new();
    };
    let name = ident(&body.choice_type);
    let doc = format!(
        " The request body of {}, in the media type the caller chooses.",
        method_link(op)
    );
    let variants = body.media.iter().map(|m| {
        let variant = ident(&m.variant);
        let ty = type_tokens(&m.ty, &types_path());
        let doc = format!(" Sent as `{}`.", m.content_type);
        quote! { #[doc = #doc] #variant(#ty), }
    });
    let validate = body_validated(body, types).then(|| {
        super::types::validate_variants(
            &name,
            body.media.iter().map(|m| (m.variant.as_str(), &m.ty)),
            types,
        )
    });
    let allow = super::enum_size_allow();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #allow
        pub enum #name {
            #(#variants)*
        }

        #validate
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

/// The setters, `send()` and `stream()` of `Call<<Op>Request>`.
fn call_methods(op: &Operation, types: &Types<'_>) -> TokenStream {
    let request_type = ident(&op.request_type);
    let setters = caller_params(op).map(|p| {
        let field = ident(&p.name);
        let (arg, conv) = setter_arg(&p.ty);
        let doc = doc_attrs(Some(&param_doc(p)));
        let deprecated = super::deprecated_attr(p.deprecated);
        quote! {
            #doc
            #deprecated
            pub fn #field(mut self, value: #arg) -> Self {
                self.request.#field = ::std::option::Option::Some(value #conv);
                self
            }
        }
    });
    let body_setter = op.body.as_ref().map(|body| {
        let (arg, conv) = body_setter_arg(body);
        let media: Vec<String> = body
            .media
            .iter()
            .map(|m| format!("`{}`", m.content_type))
            .collect();
        let required = if body.required { " (required)" } else { "" };
        let doc = doc_attrs(Some(&format!(
            "The {} request body{required}.{}",
            media.join(" or "),
            body.doc
                .as_deref()
                .map(|d| format!(" {d}"))
                .unwrap_or_default()
        )));
        quote! {
            #doc
            pub fn body(mut self, value: #arg) -> Self {
                self.request.body = ::std::option::Option::Some(value #conv);
                self
            }
        }
    });
    let send = send_method(op, types);
    let stream = op.pagination.as_ref().map(|p| stream_method(op, p));
    quote! {
        impl crate::runtime::Call<super::operations::#request_type> {
            #(#setters)*
            #body_setter
            #send
            #stream
        }
    }
}

/// The type `Response<T, H>` carries as `T`.
fn success_type(op: &Operation) -> TokenStream {
    if needs_response_enum(&op.responses) {
        let name = ident(&op.response_type);
        return quote! { super::operations::#name };
    }
    match op.responses.first().and_then(|case| case.body.as_ref()) {
        Some((_, ty)) => type_tokens(ty, &types_path()),
        None => quote! { () },
    }
}

/// The typed headers `Response<T, H>` carries as `H`.
fn headers_type(op: &Operation) -> TokenStream {
    match &op.headers_type {
        Some(name) => {
            let name = ident(name);
            quote! { super::operations::#name }
        }
        None => quote! { () },
    }
}

/// The documented error type of `Error<E>`.
fn error_type(op: &Operation) -> TokenStream {
    match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote! { super::operations::#name }
        }
        None => quote! { crate::runtime::Undocumented },
    }
}

fn send_method(op: &Operation, types: &Types<'_>) -> TokenStream {
    let success = success_type(op);
    let headers = headers_type(op);
    let error = error_type(op);
    let doc = doc_attrs(Some(&format!(
        "Sends the call: checks that every required value is set and meets the spec's \
         constraints (nothing is sent otherwise), then sends `{} {}` and decodes the answer.",
        op.http_method, op.path
    )));
    let prepare = prepare_request(op, types);
    let (typed_headers, headers_value) = match &op.headers_type {
        Some(_) => (
            quote! { let typed_headers = #headers::from_headers(raw.headers()); },
            quote! { typed_headers },
        ),
        None => (TokenStream::new(), quote! { () }),
    };
    let arms = response_arms(op, &headers_value);
    // An operation without caller values has nothing in its request struct to read.
    let fields = if caller_params(op).next().is_none() && op.body.is_none() {
        quote! { client, options, .. }
    } else {
        quote! { client, request, options }
    };
    quote! {
        #doc
        pub async fn send(
            self,
        ) -> ::std::result::Result<crate::runtime::Response<#success, #headers>, crate::runtime::Error<#error>> {
            let crate::runtime::Call { #fields } = self;
            let raw = async {
                #prepare
            }
            .await
            .map_err(crate::runtime::Error::retype)?;
            #typed_headers
            match raw.status().as_u16() {
                #(#arms)*
            }
        }
    }
}

/// The statements that check the call and send it, ending in the transport's answer.
fn prepare_request(op: &Operation, types: &Types<'_>) -> TokenStream {
    let required = caller_params(op).filter(|p| p.required).map(|p| {
        let local = required_local(p);
        let field = ident(&p.name);
        let wire = &p.wire;
        let setter = &p.name;
        quote! {
            let #local = crate::runtime::call::required(&request.#field, #wire, #setter)?;
        }
    });
    let required_body = op.body.as_ref().filter(|b| b.required).map(|_| {
        quote! {
            crate::runtime::call::required(&request.body, "body", "body")?;
        }
    });
    let validate = (!request_checks(op, types).is_empty()).then(|| {
        quote! { request.validate()?; }
    });
    let client_values = client_params(op).map(|p| {
        let local = client_local(p);
        let wire = &p.wire;
        quote! { let #local = client.client_parameter(#wire)?; }
    });
    let path = path_statements(op);
    let query = query_statements(op);
    let headers = header_statements(op);
    let body = body_statements(op);
    let operation_id = &op.id;
    let http_method = format_ident!("{}", op.http_method);
    let idempotent = op.idempotent;
    quote! {
        #(#required)*
        #required_body
        #validate
        #(#client_values)*
        #path
        #query
        #headers
        #body
        client
            .execute(crate::runtime::OperationRequest {
                operation_id: #operation_id,
                method: ::http::Method::#http_method,
                path,
                query,
                headers,
                body,
                idempotent: #idempotent,
                options,
            })
            .await
    }
}

/// `value` (an expression of a reference to the parameter's value) as parameter text.
fn param_text(p: &Param, value: &TokenStream) -> TokenStream {
    if p.json {
        quote! { crate::runtime::encode::json_param(#value)? }
    } else {
        quote! { crate::runtime::encode::ParamValue::to_param(#value) }
    }
}

/// Runs `statements` (which read `value`, a reference to the parameter's value) when the
/// parameter has a value: always for a required or client parameter, else when it is set.
fn with_value(p: &Param, statements: TokenStream) -> TokenStream {
    if p.from_client {
        let local = client_local(p);
        return quote! { { let value = #local; #statements } };
    }
    if p.required {
        let local = required_local(p);
        return quote! { { let value = #local; #statements } };
    }
    let field = ident(&p.name);
    quote! {
        if let ::std::option::Option::Some(value) = &request.#field {
            #statements
        }
    }
}

/// The path, each parameter percent-encoded as one segment.
fn path_statements(op: &Operation) -> TokenStream {
    if let [PathPart::Literal(text)] = op.path_parts.as_slice() {
        return quote! { let path = ::std::string::String::from(#text); };
    }
    let pushes = op.path_parts.iter().map(|part| match part {
        PathPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
            [c] => quote! { path.push(#c); },
            _ => quote! { path.push_str(#text); },
        },
        PathPart::Param(wire) => {
            let value = op
                .params
                .iter()
                .find(|p| p.location == ParamLocation::Path && &p.wire == wire)
                .map(|p| {
                    let local = if p.from_client {
                        client_local(p)
                    } else {
                        required_local(p)
                    };
                    if p.from_client {
                        quote! { #local }
                    } else {
                        let text = param_text(p, &quote! { #local });
                        quote! { &#text }
                    }
                })
                // Lowering declares every template parameter; never reached.
                .unwrap_or_else(|| quote! { "" });
            quote! { path.push_str(&crate::runtime::encode::path_segment(#value)); }
        }
    });
    quote! {
        let mut path = ::std::string::String::new();
        #(#pushes)*
    }
}

/// The query pairs, in spec order.
fn query_statements(op: &Operation) -> TokenStream {
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    if params.is_empty() {
        return quote! { let query = ::std::vec::Vec::new(); };
    }
    let pushes = params
        .iter()
        .map(|p| param_push(p, &quote! { query }, true));
    quote! {
        let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
        #(#pushes)*
    }
}

/// The header parameters, then one `Cookie` header with the cookie parameters.
fn header_statements(op: &Operation) -> TokenStream {
    let header_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .collect();
    let cookie_params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .collect();
    if header_params.is_empty() && cookie_params.is_empty() {
        return quote! { let headers = ::std::vec::Vec::new(); };
    }
    let pushes = header_params
        .iter()
        .map(|p| param_push(p, &quote! { headers }, false));
    let cookies = (!cookie_params.is_empty()).then(|| {
        let pushes = cookie_params.iter().map(|p| {
            let wire = &p.wire;
            let text = param_text(p, &quote! { value });
            with_value(
                p,
                quote! {
                    cookies.push([#wire, "=", &crate::runtime::encode::cookie_value(&#text)].concat());
                },
            )
        });
        quote! {
            let mut cookies: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#pushes)*
            if !cookies.is_empty() {
                headers.push(("Cookie", cookies.join("; ")));
            }
        }
    });
    quote! {
        let mut headers: ::std::vec::Vec<(&'static str, ::std::string::String)> = ::std::vec::Vec::new();
        #(#pushes)*
        #cookies
    }
}

/// Pushes a query pair or header for one parameter; arrays repeat the key (explode) or are
/// joined with the style's separator.
fn param_push(p: &Param, list: &TokenStream, owned_key: bool) -> TokenStream {
    let wire = &p.wire;
    let key = if owned_key {
        quote! { ::std::string::String::from(#wire) }
    } else {
        quote! { #wire }
    };
    let push_value = match &p.ty {
        _ if p.json => quote! {
            #list.push((#key, crate::runtime::encode::json_param(value)?));
        },
        _ if !p.simple => {
            let style = if p.deep_object {
                quote! { crate::runtime::encode::QueryStyle::DeepObject }
            } else if p.explode {
                quote! { crate::runtime::encode::QueryStyle::FormExplode }
            } else {
                quote! { crate::runtime::encode::QueryStyle::Form }
            };
            quote! { crate::runtime::encode::query_value(&mut #list, #wire, value, #style)?; }
        }
        TypeRef::Array(_) if p.explode && owned_key => quote! {
            for item in value {
                #list.push((#key, crate::runtime::encode::ParamValue::to_param(item)));
            }
        },
        TypeRef::Array(_) => {
            let separator = &p.separator;
            quote! {
                let joined: ::std::vec::Vec<::std::string::String> = value
                    .iter()
                    .map(crate::runtime::encode::ParamValue::to_param)
                    .collect();
                #list.push((#key, joined.join(#separator)));
            }
        }
        _ => quote! {
            #list.push((#key, crate::runtime::encode::ParamValue::to_param(value)));
        },
    };
    with_value(p, push_value)
}

/// The serialised body, if the call has one.
fn body_statements(op: &Operation) -> TokenStream {
    let Some(body) = &op.body else {
        return quote! { let body = ::std::option::Option::None; };
    };
    let serialise = match body.media.as_slice() {
        [single] => serialise(single),
        several => {
            let choice = ident(&body.choice_type);
            let arms = several.iter().map(|m| {
                let variant = ident(&m.variant);
                let serialise = serialise(m);
                quote! { super::operations::#choice::#variant(value) => #serialise, }
            });
            quote! { match value { #(#arms)* } }
        }
    };
    if body
        .media
        .iter()
        .all(|m| matches!(m.encoding, BodyEncoding::Bytes | BodyEncoding::Text))
    {
        // Writing bytes or text cannot fail.
        return quote! {
            let body = request.body.as_ref().map(|value| #serialise);
        };
    }
    quote! {
        let body = match &request.body {
            ::std::option::Option::Some(value) => ::std::option::Option::Some(#serialise),
            ::std::option::Option::None => ::std::option::Option::None,
        };
    }
}

/// Serialises `value` (a reference to the media's type) as a `RequestBody`.
fn serialise(media: &BodyMedia) -> TokenStream {
    let content_type = &media.content_type;
    let content_type = quote! { ::std::borrow::Cow::Borrowed(#content_type) };
    match media.encoding {
        BodyEncoding::Json => quote! {
            crate::runtime::RequestBody {
                content_type: #content_type,
                bytes: ::serde_json::to_vec(value).map_err(crate::runtime::Error::serialize)?,
            }
        },
        BodyEncoding::Form => quote! {
            crate::runtime::RequestBody {
                content_type: #content_type,
                bytes: crate::runtime::encode::form(value)?,
            }
        },
        BodyEncoding::Multipart => quote! { crate::runtime::encode::multipart_body(value)? },
        BodyEncoding::Text => quote! {
            crate::runtime::RequestBody { content_type: #content_type, bytes: value.as_bytes().to_vec() }
        },
        BodyEncoding::Bytes => quote! {
            crate::runtime::RequestBody { content_type: #content_type, bytes: value.to_vec() }
        },
    }
}

/// The arms of the match on the answer's status: documented successes, documented errors, a
/// success the spec does not list (read as the first documented one, when it can be), then
/// every other status as an API error.
fn response_arms(op: &Operation, headers: &TokenStream) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    for case in &op.responses {
        let pattern = status_pattern(case.status);
        let decode = success_decode(op, case, true, headers);
        arms.push(quote! { #pattern => #decode, });
    }
    let covers_every_success = op
        .responses
        .iter()
        .any(|case| matches!(case.status, StatusMatch::Default | StatusMatch::Range(2)));
    let mut catch_all = false;
    let mut error_arms = Vec::new();
    for case in &op.errors {
        let decode = error_decode(op, case);
        match case.status {
            StatusMatch::Default => {
                catch_all = true;
                error_arms.push(quote! { _ => ::std::result::Result::Err(#decode), });
            }
            status => {
                let pattern = status_pattern(status);
                // Error codes and ranges come before the arm for undocumented successes.
                arms.push(quote! { #pattern => ::std::result::Result::Err(#decode), });
            }
        }
    }
    if !covers_every_success {
        let undocumented = match op.responses.first() {
            Some(first) => success_decode(op, first, false, headers),
            None => quote! { ::std::result::Result::Ok(raw.into_response_with((), #headers)) },
        };
        arms.push(quote! { status if (200..=299).contains(&status) => #undocumented, });
    }
    arms.extend(error_arms);
    if !catch_all {
        arms.push(quote! {
            _ => ::std::result::Result::Err(raw.into_documented_error(::std::option::Option::None)),
        });
    }
    arms
}

/// Decodes a success answer as `case` (`documented`: the status is the case's own), with the
/// typed `headers`.
fn success_decode(
    op: &Operation,
    case: &ResponseCase,
    documented: bool,
    headers: &TokenStream,
) -> TokenStream {
    let wrap = if needs_response_enum(&op.responses) {
        let enum_name = ident(&op.response_type);
        let variant = ident(&case.variant);
        if case.body.is_none() {
            return quote! {
                ::std::result::Result::Ok(raw.into_response_with(super::operations::#enum_name::#variant, #headers))
            };
        }
        quote! { super::operations::#enum_name::#variant }
    } else {
        quote! { ::std::convert::identity }
    };
    match &case.body {
        Some((BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, ty)) => {
            let ty = type_tokens(ty, &types_path());
            quote! { raw.json_response::<#ty, _, _, _>(#documented, #headers, #wrap) }
        }
        Some((BodyEncoding::Text, _)) => {
            quote! { raw.text_response(#documented, #headers, #wrap) }
        }
        Some((BodyEncoding::Bytes, _)) => {
            quote! { ::std::result::Result::Ok(raw.bytes_response(#headers, #wrap)) }
        }
        None => quote! { ::std::result::Result::Ok(raw.into_response_with((), #headers)) },
    }
}

/// The API error for a documented error status, holding its decoded body.
fn error_decode(op: &Operation, case: &ResponseCase) -> TokenStream {
    let Some(name) = &op.error_type else {
        return quote! { raw.into_documented_error(::std::option::Option::None) };
    };
    let name = ident(name);
    let variant = ident(&case.variant);
    let wrap = quote! { super::operations::#name::#variant };
    match &case.body {
        Some((BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, ty)) => {
            let ty = type_tokens(ty, &types_path());
            quote! { raw.json_error::<#ty, _>(#wrap) }
        }
        Some((BodyEncoding::Text, _)) => quote! { raw.text_error(#wrap) },
        Some((BodyEncoding::Bytes, _)) => quote! { raw.bytes_error(#wrap) },
        None => quote! { raw.into_documented_error(::std::option::Option::Some(#wrap)) },
    }
}

fn response_enum(op: &Operation) -> TokenStream {
    if !needs_response_enum(&op.responses) {
        return TokenStream::new();
    }
    let name = ident(&op.response_type);
    let doc = format!(" The success responses of {}, by status.", method_link(op));
    let variants = op.responses.iter().map(|case| {
        let variant = ident(&case.variant);
        let doc = doc_attrs(Some(&format!(
            "{}{}",
            status_text(case.status),
            case.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
        match &case.body {
            Some((_, ty)) => {
                let ty = type_tokens(ty, &types_path());
                quote! { #doc #variant(#ty), }
            }
            None => quote! { #doc #variant, },
        }
    });
    let allow = super::enum_size_allow();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #allow
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The operation's error type: one variant per documented error status, holding its body.
fn error_enum(op: &Operation) -> TokenStream {
    let Some(name) = &op.error_type else {
        return TokenStream::new();
    };
    let name = ident(name);
    let doc = format!(
        " The error responses {} documents, by status: what \
         [`ApiError::documented`](crate::runtime::ApiError::documented) holds when the service \
         answers with one.",
        method_link(op)
    );
    let variants = op.errors.iter().map(|case| {
        let variant = ident(&case.variant);
        let doc = doc_attrs(Some(&format!(
            "{}{}",
            error_status_text(case.status),
            case.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
        match &case.body {
            Some((_, ty)) => {
                let ty = type_tokens(ty, &types_path());
                quote! { #doc #variant(#ty), }
            }
            None => quote! { #doc #variant, },
        }
    });
    let allow = super::enum_size_allow();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        #allow
        pub enum #name {
            #(#variants)*
        }
    }
}

/// The typed response headers of an operation, when its success responses declare any.
fn response_headers(op: &Operation) -> TokenStream {
    let Some(name) = &op.headers_type else {
        return TokenStream::new();
    };
    let name = ident(name);
    let mut seen: Vec<&str> = Vec::new();
    let mut headers = Vec::new();
    for header in op.responses.iter().flat_map(|r| &r.headers) {
        // Lowering gave one field name per header, whatever response declares it.
        if !seen.contains(&header.name.as_str()) {
            seen.push(&header.name);
            headers.push(header);
        }
    }
    let fields = headers.iter().map(|h| {
        let field = ident(&h.name);
        let ty = type_tokens(&h.ty, &types_path());
        let doc = doc_attrs(Some(&format!(
            "`{}`{}",
            h.wire,
            h.doc
                .as_deref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
        quote! { #doc pub #field: ::std::option::Option<#ty>, }
    });
    let reads = headers.iter().map(|h| {
        let field = ident(&h.name);
        let wire = &h.wire;
        let text = quote! { headers.get(#wire).and_then(|value| value.to_str().ok()) };
        match h.ty {
            TypeRef::String => quote! { #field: #text.map(str::to_owned), },
            _ => quote! { #field: #text.and_then(|value| value.trim().parse().ok()), },
        }
    });
    let doc = format!(
        " The response headers {} declares, typed: `response.typed_headers()`.",
        method_link(op)
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Reads the declared headers; one that is absent or does not parse is `None`.
            pub(crate) fn from_headers(headers: &::http::HeaderMap) -> Self {
                Self {
                    #(#reads)*
                }
            }
        }
    }
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

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        // Ranges are guards, so that a specific code before them does not make them overlap.
        StatusMatch::Range(range) => {
            let low = Literal::u16_unsuffixed(range.saturating_mul(100));
            let high = Literal::u16_unsuffixed(range.saturating_mul(100).saturating_add(99));
            quote! { status if (#low..=#high).contains(&status) }
        }
        StatusMatch::Default => quote! { status if (200..=299).contains(&status) },
    }
}

/// The method on `Client` that starts a call of the operation.
fn client_method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let request_type = ident(&op.request_type);
    let mut doc_text = op.doc.clone().unwrap_or_default();
    doc_text.push_str(&format!(
        "\n\n`{} {}`: set the parameters on the returned call, then `.send().await` it.",
        op.http_method, op.path
    ));
    if op.pagination.is_some() {
        doc_text.push_str(" `.stream()` walks every page instead.");
    }
    if op.deprecated {
        doc_text.push_str("\n\n**Deprecated.**");
    }
    let doc = doc_attrs(Some(&doc_text));
    let deprecated = super::deprecated_attr(op.deprecated);
    quote! {
        impl crate::runtime::Client {
            #doc
            #deprecated
            pub fn #method(&self) -> crate::runtime::Call<super::operations::#request_type> {
                crate::runtime::Call::new(self, ::std::default::Default::default())
            }
        }
    }
}

/// For an `x-pagination` operation: `stream()`, every item of every page.
fn stream_method(op: &Operation, pagination: &Pagination) -> TokenStream {
    let item = type_tokens(&pagination.item_type, &types_path());
    let error = error_type(op);
    let offset = ident(&pagination.offset_param);
    let items = ident(&pagination.items_field);
    let count = ident(&pagination.count_field);
    let narrow = pagination.offset_type == TypeRef::I32;
    let start = if narrow {
        quote! { self.request.#offset.map(i64::from).unwrap_or(0) }
    } else {
        quote! { self.request.#offset.unwrap_or(0) }
    };
    let offset_value = if narrow {
        quote! {
            i32::try_from(offset).map_err(|_| {
                crate::runtime::Error::validation("offset", "went past the largest 32-bit offset while paging")
            })?
        }
    } else {
        quote! { offset }
    };
    let items_value = if pagination.items_required {
        quote! { body.#items }
    } else {
        quote! { body.#items.unwrap_or_default() }
    };
    let total_value = if pagination.count_required {
        quote! { ::std::option::Option::Some(::std::convert::Into::<i64>::into(body.#count)) }
    } else {
        quote! { body.#count.map(::std::convert::Into::<i64>::into) }
    };
    let doc = format!(
        " Every item of {}, page after page: the offset starts at the call's (or 0) and \
         advances by the items received until the total the service reports is reached or a \
         page is empty. An error is yielded as an item and ends the stream. The stream owns \
         the call, so it can move into a spawned task.",
        method_link(op)
    );
    quote! {
        #[doc = #doc]
        pub fn stream(
            self,
        ) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item, crate::runtime::Error<#error>>> + ::std::marker::Send + 'static {
            let start = #start;
            let max_pages = self.client.max_pages();
            crate::runtime::paginate::offset_stream(max_pages, start, move |offset| {
                let mut page = self.clone();
                async move {
                    page.request.#offset = ::std::option::Option::Some(#offset_value);
                    let body = page.send().await?.into_body();
                    ::std::result::Result::Ok(crate::runtime::paginate::Page {
                        items: #items_value,
                        total: #total_value,
                    })
                }
            })
        }
    }
}
