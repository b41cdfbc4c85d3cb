//! `operations.rs`: per operation, a request type (typed parameters and body, a constructor
//! taking the required values, setters for the optional ones, constraint checks), a response
//! enum when success responses differ, and an async method on `Client`.

use super::types::value_checks;
use super::{doc_attrs, ident, type_tokens};
use crate::lower::needs_response_enum;
use crate::model::{
    Body, BodyEncoding, BodyMedia, Model, Operation, Pagination, Param, ParamLocation, PathPart,
    ResponseCase, StatusMatch, TypeRef,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Every operation, in method-name order.
pub fn emit(model: &Model) -> TokenStream {
    let items = model.operations.iter().map(operation);
    quote! { #(#items)* }
}

fn types_path() -> TokenStream {
    quote! { super::types:: }
}

/// A caller-facing type for a parameter or body: `Into<String>` for strings.
fn setter_arg(ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (
            quote! { impl ::std::convert::Into<::std::string::String> },
            quote! { .into() },
        ),
        other => (type_tokens(other, &types_path()), TokenStream::new()),
    }
}

fn operation(op: &Operation) -> TokenStream {
    let request = request_type(op);
    let choice = body_choice(op);
    let response_enum = response_enum(op);
    let headers = response_headers(op);
    let method = client_method(op);
    let stream = op.pagination.as_ref().map(|p| stream_method(op, p));
    quote! {
        #request
        #choice
        #response_enum
        #headers
        #method
        #stream
    }
}

fn caller_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| !p.from_client)
}

fn request_type(op: &Operation) -> TokenStream {
    let name = ident(&op.request_type);
    let method = &op.method_name;
    let doc = format!(" The request of [`Client::{method}`](crate::runtime::Client::{method}).");
    let fields = caller_params(op).map(|p| {
        let field = ident(&p.name);
        let ty = type_tokens(&p.ty, &types_path());
        let text = param_doc(p);
        let doc = doc_attrs(Some(&text));
        if p.required {
            quote! { #doc pub #field: #ty, }
        } else {
            quote! { #doc pub #field: ::std::option::Option<#ty>, }
        }
    });
    let body_field = op.body.as_ref().map(|body| {
        let ty = body_type(body);
        let media: Vec<String> = body
            .media
            .iter()
            .map(|m| format!("`{}`", m.content_type))
            .collect();
        let doc = doc_attrs(Some(&format!(
            "The {} request body.{}",
            media.join(" or "),
            body.doc
                .as_deref()
                .map(|d| format!(" {d}"))
                .unwrap_or_default()
        )));
        if body.required {
            quote! { #doc pub body: #ty, }
        } else {
            quote! { #doc pub body: ::std::option::Option<#ty>, }
        }
    });

    // The constructor takes what is required.
    let mut new_args = Vec::new();
    let mut inits = Vec::new();
    for p in caller_params(op) {
        let field = ident(&p.name);
        if p.required {
            let (arg, conv) = setter_arg(&p.ty);
            new_args.push(quote! { #field: #arg });
            if conv.is_empty() {
                inits.push(quote! { #field, });
            } else {
                inits.push(quote! { #field: #field #conv, });
            }
        } else {
            inits.push(quote! { #field: ::std::option::Option::None, });
        }
    }
    if let Some(body) = &op.body {
        if body.required {
            let (arg, conv) = body_setter_arg(body);
            new_args.push(quote! { body: #arg });
            if conv.is_empty() {
                inits.push(quote! { body, });
            } else {
                inits.push(quote! { body: body #conv, });
            }
        } else {
            inits.push(quote! { body: ::std::option::Option::None, });
        }
    }
    let setters = caller_params(op)
        .filter(|p| !p.required)
        .map(|p| {
            let field = ident(&p.name);
            let (arg, conv) = setter_arg(&p.ty);
            let doc = format!(" Sets `{}`.", p.wire);
            quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: #arg) -> Self {
                    self.#field = ::std::option::Option::Some(value #conv);
                    self
                }
            }
        })
        .chain(op.body.iter().filter(|b| !b.required).map(|body| {
            let (arg, conv) = body_setter_arg(body);
            quote! {
                /// Sets the request body.
                pub fn body(mut self, value: #arg) -> Self {
                    self.body = ::std::option::Option::Some(value #conv);
                    self
                }
            }
        }));

    let checks = caller_params(op)
        .filter_map(|p| {
            let field = ident(&p.name);
            let wire = &p.wire;
            let checks = value_checks(&p.ty, &p.constraints, &quote! { value }, &quote! { #wire });
            if checks.is_empty() {
                // No constraints, or none that apply to the parameter's type.
                None
            } else if p.required {
                Some(quote! { { let value = &self.#field; #checks } })
            } else {
                Some(
                    quote! { if let ::std::option::Option::Some(value) = &self.#field { #checks } },
                )
            }
        })
        .chain(op.body.iter().filter(|b| b.contains_named()).map(|body| {
            if body.required {
                quote! { crate::runtime::validate::Validate::validate_at(&self.body, "body")?; }
            } else {
                quote! {
                    if let ::std::option::Option::Some(value) = &self.body {
                        crate::runtime::validate::Validate::validate_at(value, "body")?;
                    }
                }
            }
        }));
    let derive_default = new_args.is_empty().then(|| quote! { Default, });
    let many_arguments = (new_args.len() > 7).then(|| {
        quote! {
            #[allow(
                clippy::too_many_arguments,
                reason = "one argument per value the operation requires"
            )]
        }
    });

    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #name {
            #(#fields)*
            #body_field
        }

        impl #name {
            /// A request with the required values; optional ones are set with the methods below.
            #many_arguments
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#inits)* }
            }

            #(#setters)*

            /// Checks the spec's constraints on every value; runs before anything is sent.
            pub fn validate(&self) -> ::std::result::Result<(), crate::runtime::Error> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// The type of the request's `body` field.
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
fn body_choice(op: &Operation) -> TokenStream {
    let Some(body) = op.body.as_ref().filter(|b| b.media.len() > 1) else {
        return TokenStream::new();
    };
    let name = ident(&body.choice_type);
    let doc = format!(
        " The request body of [`Client::{0}`](crate::runtime::Client::{0}), in the media type the caller chooses.",
        op.method_name
    );
    let variants = body.media.iter().map(|m| {
        let variant = ident(&m.variant);
        let ty = type_tokens(&m.ty, &types_path());
        let doc = format!(" Sent as `{}`.", m.content_type);
        quote! { #[doc = #doc] #variant(#ty), }
    });
    let validate = super::types::validate_variants(
        &name,
        body.media.iter().map(|m| (m.variant.as_str(), &m.ty)),
    );
    let allow = super::enum_size_allow();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #allow
        pub enum #name {
            #(#variants)*
        }

        #validate
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

fn param_doc(p: &Param) -> String {
    let location = match p.location {
        ParamLocation::Path => "Path parameter",
        ParamLocation::Query => "Query parameter",
        ParamLocation::Header => "Header",
        ParamLocation::Cookie => "Cookie",
    };
    let mut text = format!("{location} `{}`.", p.wire);
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

fn response_body_type(case: &ResponseCase) -> TokenStream {
    match &case.body {
        Some((_, ty)) => type_tokens(ty, &types_path()),
        None => quote! { () },
    }
}

/// The type the method's `Response<T>` carries.
fn success_type(op: &Operation) -> TokenStream {
    if needs_response_enum(&op.responses) {
        let name = ident(&op.response_type);
        quote! { super::operations::#name }
    } else {
        match op.responses.first() {
            Some(case) => response_body_type(case),
            None => quote! { () },
        }
    }
}

fn response_enum(op: &Operation) -> TokenStream {
    if !needs_response_enum(&op.responses) {
        return TokenStream::new();
    }
    let name = ident(&op.response_type);
    let doc = format!(
        " The success responses of [`Client::{0}`](crate::runtime::Client::{0}), by status.",
        op.method_name
    );
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
    let mut seen: Vec<String> = Vec::new();
    let mut headers = Vec::new();
    for header in op.responses.iter().flat_map(|r| &r.headers) {
        let key = header.wire.to_ascii_lowercase();
        if !seen.contains(&key) {
            seen.push(key);
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
        " The response headers [`Client::{0}`](crate::runtime::Client::{0}) declares; read them \
         with `from_headers(response.headers())`.",
        op.method_name
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Reads the declared headers; one that is absent or does not parse is `None`.
            pub fn from_headers(headers: &::http::HeaderMap) -> Self {
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

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        // Ranges are guards, so that a specific code before them does not make them overlap.
        StatusMatch::Range(range) => {
            let low = Literal::u16_unsuffixed(range * 100);
            let high = Literal::u16_unsuffixed(range * 100 + 99);
            quote! { status if (#low..=#high).contains(&status) }
        }
        StatusMatch::Default => quote! { status if (200..=299).contains(&status) },
    }
}

fn decode(case: &ResponseCase) -> TokenStream {
    match &case.body {
        Some((BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, ty)) => {
            let ty = type_tokens(ty, &types_path());
            quote! { raw.json::<#ty>()? }
        }
        Some((BodyEncoding::Text, _)) => quote! { raw.text()? },
        Some((BodyEncoding::Bytes, _)) => quote! { raw.body().clone() },
        None => quote! { () },
    }
}

fn client_method(op: &Operation) -> TokenStream {
    let method = ident(&op.method_name);
    let request_type = ident(&op.request_type);
    let success = success_type(op);
    let operation_id = &op.id;
    let mut doc_text = op.doc.clone().unwrap_or_default();
    doc_text.push_str(&format!("\n\n`{} {}`", op.http_method, op.path));
    if op.deprecated {
        doc_text.push_str("\n\n**Deprecated.**");
    }
    let doc = doc_attrs(Some(&doc_text));
    let deprecated = super::deprecated_attr(op.deprecated);

    // Values set once on the client.
    let client_values = op.params.iter().filter(|p| p.from_client).map(|p| {
        let local = format_ident!("{}", p.name);
        let wire = &p.wire;
        quote! { let #local = self.client_parameter(#wire)?; }
    });

    // The path, each parameter percent-encoded as one segment.
    let mut path_pushes = Vec::new();
    for part in &op.path_parts {
        match part {
            PathPart::Literal(text) => match text.chars().collect::<Vec<_>>().as_slice() {
                [c] => path_pushes.push(quote! { path.push(#c); }),
                _ => path_pushes.push(quote! { path.push_str(#text); }),
            },
            PathPart::Param(wire) => {
                let value = match op
                    .params
                    .iter()
                    .find(|p| p.location == ParamLocation::Path && &p.wire == wire)
                {
                    Some(p) if p.from_client => {
                        let local = format_ident!("{}", p.name);
                        quote! { #local }
                    }
                    Some(p) => {
                        let field = ident(&p.name);
                        if p.json {
                            quote! { &crate::runtime::encode::json_param(&request.#field)? }
                        } else {
                            quote! { &crate::runtime::encode::ParamValue::to_param(&request.#field) }
                        }
                    }
                    // Validation reports undeclared path parameters; never reached.
                    None => quote! { "" },
                };
                path_pushes
                    .push(quote! { path.push_str(&crate::runtime::encode::path_segment(#value)); });
            }
        }
    }
    let path = match op.path_parts.as_slice() {
        [PathPart::Literal(text)] => quote! { let path = ::std::string::String::from(#text); },
        _ => quote! {
            let mut path = ::std::string::String::new();
            #(#path_pushes)*
        },
    };

    let query_params: Vec<&Param> = caller_params(op)
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    let query = if query_params.is_empty() {
        quote! { let query = ::std::vec::Vec::new(); }
    } else {
        let pushes = query_params
            .iter()
            .map(|p| param_push(p, &quote! { query }, true));
        quote! {
            let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            #(#pushes)*
        }
    };
    let header_params: Vec<&Param> = caller_params(op)
        .filter(|p| p.location == ParamLocation::Header)
        .collect();
    let cookie_params: Vec<&Param> = caller_params(op)
        .filter(|p| p.location == ParamLocation::Cookie)
        .collect();
    let headers = if header_params.is_empty() && cookie_params.is_empty() {
        quote! { let headers = ::std::vec::Vec::new(); }
    } else {
        let pushes = header_params
            .iter()
            .map(|p| param_push(p, &quote! { headers }, false));
        let cookies = (!cookie_params.is_empty()).then(|| {
            let pushes = cookie_params.iter().map(|p| {
                let field = ident(&p.name);
                let wire = &p.wire;
                let text = if p.json {
                    quote! { crate::runtime::encode::json_param(value)? }
                } else {
                    quote! { crate::runtime::encode::ParamValue::to_param(value) }
                };
                let push = quote! {
                    cookies.push([#wire, "=", &crate::runtime::encode::cookie_value(&#text)].concat());
                };
                if p.required {
                    quote! { { let value = &request.#field; #push } }
                } else {
                    quote! { if let ::std::option::Option::Some(value) = &request.#field { #push } }
                }
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
    };
    let body = match &op.body {
        None => quote! { let body = ::std::option::Option::None; },
        Some(body) => {
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
            if body.required {
                quote! {
                    let body = {
                        let value = &request.body;
                        ::std::option::Option::Some(#serialise)
                    };
                }
            } else if body
                .media
                .iter()
                .all(|m| matches!(m.encoding, BodyEncoding::Bytes | BodyEncoding::Text))
            {
                // Writing bytes or text cannot fail.
                quote! {
                    let body = request.body.as_ref().map(|value| #serialise);
                }
            } else {
                quote! {
                    let body = match &request.body {
                        ::std::option::Option::Some(value) => ::std::option::Option::Some(#serialise),
                        ::std::option::Option::None => ::std::option::Option::None,
                    };
                }
            }
        }
    };
    let http_method = format_ident!("{}", op.http_method);
    let idempotent = op.idempotent;
    let arms = op.responses.iter().map(|case| {
        let pattern = status_pattern(case.status);
        let value = decode(case);
        let wrapped = if needs_response_enum(&op.responses) {
            let enum_name = ident(&op.response_type);
            let variant = ident(&case.variant);
            if case.body.is_some() {
                quote! { super::operations::#enum_name::#variant(#value) }
            } else {
                quote! { super::operations::#enum_name::#variant }
            }
        } else {
            value
        };
        quote! {
            #pattern => {
                let body = #wrapped;
                ::std::result::Result::Ok(raw.into_response(body))
            }
        }
    });
    let fallback_success = op
        .responses
        .is_empty()
        .then(|| quote! { 200..=299 => ::std::result::Result::Ok(raw.into_response(())), });

    quote! {
        impl crate::runtime::Client {
            #doc
            #deprecated
            pub async fn #method(
                &self,
                request: &super::operations::#request_type,
            ) -> ::std::result::Result<crate::runtime::Response<#success>, crate::runtime::Error> {
                request.validate()?;
                #(#client_values)*
                #path
                #query
                #headers
                #body
                let raw = self
                    .execute(crate::runtime::OperationRequest {
                        operation_id: #operation_id,
                        method: ::http::Method::#http_method,
                        path,
                        query,
                        headers,
                        body,
                        idempotent: #idempotent,
                    })
                    .await?;
                match raw.status().as_u16() {
                    #(#arms)*
                    #fallback_success
                    _ => ::std::result::Result::Err(raw.into_error()),
                }
            }
        }
    }
}

/// Pushes a query pair or header for one parameter; arrays repeat the key (explode) or are
/// joined with commas.
fn param_push(p: &Param, list: &TokenStream, owned_key: bool) -> TokenStream {
    let field = ident(&p.name);
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
    if p.required {
        quote! { { let value = &request.#field; #push_value } }
    } else {
        quote! {
            if let ::std::option::Option::Some(value) = &request.#field {
                #push_value
            }
        }
    }
}

/// For an `x-pagination` operation: a method streaming every item of every page.
fn stream_method(op: &Operation, pagination: &Pagination) -> TokenStream {
    let name = ident(&pagination.stream_method);
    let method = ident(&op.method_name);
    let request_type = ident(&op.request_type);
    let item = type_tokens(&pagination.item_type, &types_path());
    let offset = ident(&pagination.offset_param);
    let items = ident(&pagination.items_field);
    let count = ident(&pagination.count_field);
    let offset_required = op
        .params
        .iter()
        .find(|p| p.name == pagination.offset_param)
        .is_some_and(|p| p.required);
    let narrow = pagination.offset_type == TypeRef::I32;
    let widen = |value: TokenStream| {
        if narrow {
            quote! { i64::from(#value) }
        } else {
            value
        }
    };
    let start = if offset_required {
        widen(quote! { request.#offset })
    } else if narrow {
        quote! { request.#offset.map(i64::from).unwrap_or(0) }
    } else {
        quote! { request.#offset.unwrap_or(0) }
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
    let set_offset = if offset_required {
        quote! { page_request.#offset = #offset_value; }
    } else {
        quote! { page_request.#offset = ::std::option::Option::Some(#offset_value); }
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
        " Every item of [`Client::{0}`](crate::runtime::Client::{0}), page after page: the \
         offset starts at the request's (or 0) and advances by the items received until the \
         total the service reports is reached or a page is empty. An error is yielded as an \
         item and ends the stream; so is a page that repeats the one before it, or a page \
         beyond the client's `max_pages`.",
        op.method_name
    );
    quote! {
        impl crate::runtime::Client {
            #[doc = #doc]
            pub fn #name<'a>(
                &'a self,
                request: &super::operations::#request_type,
            ) -> impl ::futures_core::Stream<Item = ::std::result::Result<#item, crate::runtime::Error>> + 'a {
                let request = request.clone();
                let start = #start;
                crate::runtime::paginate::offset_stream(self.max_pages(), start, move |offset| {
                    let mut page_request = request.clone();
                    async move {
                        #set_offset
                        let body = self.#method(&page_request).await?.into_body();
                        ::std::result::Result::Ok(crate::runtime::paginate::Page {
                            items: #items_value,
                            total: #total_value,
                        })
                    }
                })
            }
        }
    }
}
