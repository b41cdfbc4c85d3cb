//! `types.rs`: one Rust type per named schema, with serde derives and constraint checks.

use super::{Types, deprecated_attr, doc_attrs, ident, type_tokens};
use crate::model::{Constraints, Field, Limit, Model, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::names::Namespace;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Every named type, in name order.
pub fn emit(model: &Model, types: &Types<'_>) -> TokenStream {
    let items = model.types.iter().map(|t| type_def(t, types));
    quote! { #(#items)* }
}

fn type_def(def: &TypeDef, types: &Types<'_>) -> TokenStream {
    // Every public item gets a doc, so a crate with `#![deny(missing_docs)]` keeps building
    // whatever the spec leaves undescribed.
    let fallback = format!("The `{}` schema.", def.name);
    let doc = doc_attrs(Some(def.doc.as_deref().unwrap_or(&fallback)));
    let deprecated = deprecated_attr(def.deprecated);
    let doc = quote! { #doc #deprecated };
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            struct_def(def, doc, fields, additional.as_ref(), types)
        }
        TypeKind::StringEnum { variants } => {
            let mut names = Namespace::default();
            for variant in variants {
                names.claim(variant.name.clone());
            }
            let fallback = ident(&names.claim("Unknown".to_owned()));
            let variant_defs = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.wire;
                let doc = doc_attrs(Some(&match &v.doc {
                    Some(doc) => format!("`{wire}`: {doc}"),
                    None => format!("`{wire}`"),
                }));
                quote! {
                    #doc
                    #[serde(rename = #wire)]
                    #variant,
                }
            });
            let arms = variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.wire;
                quote! { Self::#variant => #wire, }
            });
            // Only an enum used as a parameter is written as parameter text.
            let param_value = def.usage.param.then(|| {
                quote! {
                    impl crate::runtime::encode::ParamValue for #name {
                        fn to_param(&self) -> ::std::string::String {
                            self.as_str().to_owned()
                        }
                    }
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                #[non_exhaustive]
                pub enum #name {
                    #(#variant_defs)*
                    /// A value this version of the client does not know; kept as received.
                    #[serde(untagged)]
                    #fallback(::std::string::String),
                }

                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(#arms)*
                            Self::#fallback(value) => value.as_str(),
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                #param_value
            }
        }
        TypeKind::Union { variants, tag } => union_def(def, doc, variants, tag.as_deref(), types),
        TypeKind::Alias { target, .. } => {
            let target = type_tokens(target, &TokenStream::new());
            quote! {
                #doc
                pub type #name = #target;
            }
        }
    }
}

fn struct_def(
    def: &TypeDef,
    doc: TokenStream,
    fields: &[Field],
    additional: Option<&TypeRef>,
    types: &Types<'_>,
) -> TokenStream {
    let type_name = ident(&def.name);
    let multipart = def.multipart;
    let here = TokenStream::new();
    // A property may itself be called `additional_properties`.
    let map_name = {
        let mut taken = Namespace::default();
        for field in fields {
            taken.claim(field.name.clone());
        }
        ident(&taken.claim("additional_properties".to_owned()))
    };
    let field_defs = fields.iter().map(|field| {
        let mut text = field.doc.clone().unwrap_or_default();
        let mut note = |line: String| {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&line);
        };
        if field.read_only {
            note("Read-only: set by the server; leave it `None` in requests.".to_owned());
        }
        if field.write_only {
            note("Write-only: sent in requests; the server does not return it.".to_owned());
        }
        if let Some(default) = &field.default {
            note(format!("Default: `{default}`."));
        }
        if three_state(field) {
            note(
                "`None`: not sent; `Some(None)`: sent as `null`; `Some(Some(value))`: sent."
                    .to_owned(),
            );
        }
        if text.is_empty() {
            text = format!("`{}`.", field.wire);
        }
        let doc = doc_attrs(Some(&text));
        let deprecated = deprecated_attr(field.deprecated);
        let field_name = ident(&field.name);
        let ty = type_tokens(&field.ty, &here);
        if field.flatten {
            return quote! {
                #doc
                #[serde(flatten)]
                pub #field_name: #ty,
            };
        }
        let rename = (field.name != field.wire).then(|| {
            let wire = &field.wire;
            quote! { #[serde(rename = #wire)] }
        });
        if field.required && !field.nullable {
            quote! {
                #doc
                #deprecated
                #rename
                pub #field_name: #ty,
            }
        } else if field.required {
            // Required but nullable: always sent, `null` when `None`.
            quote! {
                #doc
                #deprecated
                #rename
                pub #field_name: ::std::option::Option<#ty>,
            }
        } else if three_state(field) {
            quote! {
                #doc
                #deprecated
                #rename
                #[serde(
                    default,
                    skip_serializing_if = "::std::option::Option::is_none",
                    with = "crate::runtime::nullable"
                )]
                pub #field_name: ::std::option::Option<::std::option::Option<#ty>>,
            }
        } else {
            quote! {
                #doc
                #deprecated
                #rename
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub #field_name: ::std::option::Option<#ty>,
            }
        }
    });
    let additional_field = additional.map(|value| {
        let value = type_tokens(value, &here);
        let map = &map_name;
        quote! {
            /// Properties not listed in the schema.
            #[serde(flatten)]
            pub #map: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    // `Default` only where every field may be left out: a default must not invent a value for
    // something the spec requires (an empty `robot_id` would be sent as if it were one).
    let defaultable = fields
        .iter()
        .all(|f| !f.flatten && (!f.required || f.nullable));
    let derive_default = defaultable.then(|| quote! { Default, });
    let multipart_impl =
        multipart.then(|| multipart_impl(&type_name, fields, additional.map(|_| &map_name)));
    let validate = def
        .usage
        .validated
        .then(|| struct_validate(&type_name, fields, types));
    let construct = def
        .usage
        .input
        .then(|| construct(def, fields, additional.map(|_| &map_name)));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #type_name {
            #(#field_defs)*
            #additional_field
        }

        #construct

        #validate

        #multipart_impl
    }
}

/// `Validate` for a struct with something to check inside it.
fn struct_validate(
    type_name: &proc_macro2::Ident,
    fields: &[Field],
    types: &Types<'_>,
) -> TokenStream {
    let checks: Vec<TokenStream> = fields
        .iter()
        .map(|field| field_checks(field, types))
        .collect();
    quote! {
        impl crate::runtime::validate::Validate for #type_name {
            fn validate_at(&self, at: &str) -> ::std::result::Result<(), crate::runtime::Error> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// The fields a value of the struct cannot do without: the constructor takes them.
fn constructor_fields(fields: &[Field]) -> Vec<&Field> {
    fields
        .iter()
        .filter(|f| f.flatten || (f.required && !f.nullable))
        .collect()
}

/// How callers build a value of an input struct (it is `#[non_exhaustive]`, so a struct
/// literal would break at the next optional property the spec adds): `new` with the required
/// values (one argument for one value; for several, a struct of them, so they are named at the
/// call site), then one setter per optional field. A struct without required fields is
/// `Default`.
fn construct(
    def: &TypeDef,
    fields: &[Field],
    additional: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let type_name = ident(&def.name);
    let here = TokenStream::new();
    let required = constructor_fields(fields);
    let additional_init =
        additional.map(|map| quote! { #map: ::std::default::Default::default(), });
    let optional_inits = fields
        .iter()
        .filter(|f| !required.iter().any(|r| r.name == f.name))
        .map(|f| {
            let name = ident(&f.name);
            quote! { #name: ::std::option::Option::None, }
        });
    let (required_struct, new) = match (required.as_slice(), &def.usage.required_type) {
        ([], _) => (TokenStream::new(), TokenStream::new()),
        ([only], _) => {
            let name = ident(&only.name);
            let (arg, conv) = value_arg(&only.ty);
            let init = if conv.is_empty() {
                quote! { #name }
            } else {
                quote! { #name: #name #conv }
            };
            let optional_inits = optional_inits.clone();
            (
                TokenStream::new(),
                quote! {
                    /// A value with the required field set; set the optional ones with the methods below.
                    pub fn new(#name: #arg) -> Self {
                        Self { #init, #(#optional_inits)* #additional_init }
                    }
                },
            )
        }
        (several, Some(required_type)) => {
            let required_name = ident(required_type);
            let doc = format!(
                " The required fields of [`{0}`], named: `{0}::new({1} {{ … }})`.",
                def.name, required_type
            );
            let fields_of = several.iter().map(|f| {
                let name = ident(&f.name);
                let ty = type_tokens(&f.ty, &here);
                let field_doc = match &f.doc {
                    Some(doc) => doc_attrs(Some(doc)),
                    None if f.flatten => doc_attrs(Some("The shapes the value may also take.")),
                    None => doc_attrs(Some(&format!("`{}`.", f.wire))),
                };
                quote! { #field_doc pub #name: #ty, }
            });
            let moves = several.iter().map(|f| {
                let name = ident(&f.name);
                quote! { #name: required.#name, }
            });
            let optional_inits = optional_inits.clone();
            (
                quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, PartialEq)]
                    pub struct #required_name {
                        #(#fields_of)*
                    }
                },
                quote! {
                    /// A value with the required fields set; set the optional ones with the methods below.
                    pub fn new(required: #required_name) -> Self {
                        Self { #(#moves)* #(#optional_inits)* #additional_init }
                    }
                },
            )
        }
        // Lowering names the struct of required fields for every input struct that has
        // several; without one there is no constructor.
        (_, None) => (TokenStream::new(), TokenStream::new()),
    };
    let setters = fields
        .iter()
        .filter(|f| !required.iter().any(|r| r.name == f.name))
        .map(setter);
    quote! {
        #required_struct

        impl #type_name {
            #new
            #(#setters)*
        }
    }
}

/// A caller-facing argument for a value of `ty`: `impl Into<String>` for strings.
fn value_arg(ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::String => (
            quote! { impl ::std::convert::Into<::std::string::String> },
            quote! { .into() },
        ),
        other => (type_tokens(other, &TokenStream::new()), TokenStream::new()),
    }
}

/// The setter of an optional field: `name(value)` sets `Some(value)`; for an optional
/// nullable field, `name(None)` sends `null`.
fn setter(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    // `new` is the constructor.
    let method = if field.name == "new" {
        ident("with_new")
    } else {
        ident(&field.name)
    };
    let doc = format!(" Sets `{}`.", field.wire);
    let deprecated = deprecated_attr(field.deprecated);
    if three_state(field) || (field.required && field.nullable) {
        let ty = type_tokens(&field.ty, &TokenStream::new());
        let set = if three_state(field) {
            quote! { ::std::option::Option::Some(value) }
        } else {
            quote! { value }
        };
        let doc = format!(" Sets `{}` (`None` sends `null`).", field.wire);
        return quote! {
            #[doc = #doc]
            #deprecated
            pub fn #method(mut self, value: ::std::option::Option<#ty>) -> Self {
                self.#name = #set;
                self
            }
        };
    }
    let (arg, conv) = value_arg(&field.ty);
    quote! {
        #[doc = #doc]
        #deprecated
        pub fn #method(mut self, value: #arg) -> Self {
            self.#name = ::std::option::Option::Some(value #conv);
            self
        }
    }
}

/// `MultipartBody` for a struct sent as `multipart/form-data`: one part per property, binary
/// properties as file parts, arrays as repeated parts.
fn multipart_impl(
    type_name: &proc_macro2::Ident,
    fields: &[Field],
    additional: Option<&proc_macro2::Ident>,
) -> TokenStream {
    /// How one property becomes parts: one part, or a loop pushing several.
    enum Parts {
        One(TokenStream),
        Statement(TokenStream),
    }
    let one = |wire: &str, value: TokenStream, ty: &TypeRef| match ty {
        TypeRef::Bytes => quote! { crate::runtime::encode::Part::file(#wire, #value) },
        _ => quote! { crate::runtime::encode::Part::value(#wire, #value)? },
    };
    let each = |wire: &str, value: TokenStream, ty: &TypeRef| match ty {
        TypeRef::Array(inner) => {
            let part = one(wire, quote! { item }, inner);
            quote! { for item in #value { parts.push(#part); } }
        }
        _ => {
            let part = one(wire, value, ty);
            quote! { parts.push(#part); }
        }
    };
    let mut all: Vec<Parts> = fields
        .iter()
        .filter(|f| !f.flatten)
        .map(|f| {
            let field = ident(&f.name);
            if f.required && !f.nullable && !matches!(f.ty, TypeRef::Array(_)) {
                Parts::One(one(&f.wire, quote! { &self.#field }, &f.ty))
            } else if f.required && !f.nullable {
                Parts::Statement(each(&f.wire, quote! { &self.#field }, &f.ty))
            } else {
                let push = each(&f.wire, quote! { value }, &f.ty);
                let pattern = if three_state(f) {
                    quote! { ::std::option::Option::Some(::std::option::Option::Some(value)) }
                } else {
                    quote! { ::std::option::Option::Some(value) }
                };
                Parts::Statement(quote! {
                    if let #pattern = &self.#field {
                        #push
                    }
                })
            }
        })
        .collect();
    if let Some(map) = additional {
        all.push(Parts::Statement(quote! {
            for (key, value) in &self.#map {
                parts.push(crate::runtime::encode::Part::value(key, value)?);
            }
        }));
    }
    // Leading single parts start the vector; the rest push onto it.
    let leading: Vec<TokenStream> = all
        .iter()
        .map_while(|p| match p {
            Parts::One(part) => Some(part.clone()),
            Parts::Statement(_) => None,
        })
        .collect();
    let rest: Vec<TokenStream> = all
        .iter()
        .skip(leading.len())
        .map(|p| match p {
            Parts::One(part) => quote! { parts.push(#part); },
            Parts::Statement(statement) => statement.clone(),
        })
        .collect();
    // `Vec::from([...])` rather than `vec![...]`: prettyplease cannot lay out macro arguments.
    let start = if leading.is_empty() {
        quote! { ::std::vec::Vec::new() }
    } else {
        quote! { ::std::vec::Vec::from([#(#leading),*]) }
    };
    let body = if rest.is_empty() {
        quote! { ::std::result::Result::Ok(#start) }
    } else {
        quote! {
            let mut parts = #start;
            #(#rest)*
            ::std::result::Result::Ok(parts)
        }
    };
    quote! {
        impl crate::runtime::encode::MultipartBody for #type_name {
            fn parts(
                &self,
            ) -> ::std::result::Result<::std::vec::Vec<crate::runtime::encode::Part>, crate::runtime::Error> {
                #body
            }
        }
    }
}

/// Optional and nullable: absent, `null` and a value are three different things to send.
fn three_state(field: &Field) -> bool {
    !field.required && field.nullable
}

/// The constraint checks of one field, reading `self.<field>`.
fn field_checks(field: &Field, types: &Types<'_>) -> TokenStream {
    if !field.constraints.apply_to(&field.ty) && !types.validated(&field.ty) {
        return TokenStream::new();
    }
    let field_name = ident(&field.name);
    let wire = &field.wire;
    if field.flatten {
        // A flattened part is validated at the struct's own level.
        return quote! {
            crate::runtime::validate::Validate::validate_at(&self.#field_name, at)?;
        };
    }
    let checks = value_checks(
        &field.ty,
        &field.constraints,
        &quote! { value },
        &quote! { &name },
        types,
    );
    if checks.is_empty() {
        // Constraints that do not apply to the field's type (a `minimum` on a string…).
        return TokenStream::new();
    }
    if three_state(field) {
        return quote! {
            if let ::std::option::Option::Some(::std::option::Option::Some(value)) = &self.#field_name {
                let name = crate::runtime::validate::join(at, #wire);
                #checks
            }
        };
    }
    let optional = !field.required || field.nullable;
    if optional {
        quote! {
            if let ::std::option::Option::Some(value) = &self.#field_name {
                let name = crate::runtime::validate::join(at, #wire);
                #checks
            }
        }
    } else {
        quote! {
            {
                let value = &self.#field_name;
                let name = crate::runtime::validate::join(at, #wire);
                #checks
            }
        }
    }
}

/// Checks of `value` (a reference to a value of type `ty`), naming it `name`.
pub(crate) fn value_checks(
    ty: &TypeRef,
    constraints: &Constraints,
    value: &TokenStream,
    name: &TokenStream,
    types: &Types<'_>,
) -> TokenStream {
    let mut checks = TokenStream::new();
    let v = quote! { crate::runtime::validate };
    if *ty == TypeRef::String {
        if let Some(min) = constraints.min_length {
            checks.extend(quote! { #v::min_length(#name, #value, #min)?; });
        }
        if let Some(max) = constraints.max_length {
            checks.extend(quote! { #v::max_length(#name, #value, #max)?; });
        }
        if let Some(pattern) = &constraints.pattern {
            checks.extend(quote! { #v::pattern(#name, #value, #pattern)?; });
        }
    }
    if let Some(numeric) = Numeric::of(ty) {
        for (bound, check) in [
            (constraints.minimum, quote! { minimum }),
            (constraints.maximum, quote! { maximum }),
        ] {
            if let Some(bound) = bound {
                let (value, limit) = numeric.compare(value, bound.value);
                let exclusive = bound.exclusive;
                checks.extend(quote! { #v::#check(#name, #value, #limit, #exclusive)?; });
            }
        }
        if let Some(factor) = constraints.multiple_of {
            let factor = Literal::f64_suffixed(factor.as_f64());
            let as_f64 = if *ty == TypeRef::F64 {
                TokenStream::new()
            } else {
                quote! { as f64 }
            };
            checks.extend(quote! { #v::multiple_of(#name, *#value #as_f64, #factor)?; });
        }
    }
    if let (TypeRef::Array(item_ty), Some(items)) = (ty, &constraints.items) {
        let item_checks = value_checks(
            item_ty,
            items,
            &quote! { item },
            &quote! { &item_name },
            types,
        );
        if !item_checks.is_empty() {
            checks.extend(quote! {
                for (index, item) in #value.iter().enumerate() {
                    let item_name = ::std::format!("{}[{}]", #name, index);
                    #item_checks
                }
            });
        }
    }
    if matches!(ty, TypeRef::Array(_)) {
        if let Some(min) = constraints.min_items {
            checks.extend(quote! { #v::min_items(#name, #value.len(), #min)?; });
        }
        if let Some(max) = constraints.max_items {
            checks.extend(quote! { #v::max_items(#name, #value.len(), #max)?; });
        }
        if constraints.unique_items {
            checks.extend(quote! { #v::unique_items(#name, #value)?; });
        }
    }
    if let TypeRef::Tuple(items) = ty {
        // Each position of a tuple is checked on its own.
        for (index, item) in items.iter().enumerate() {
            if types.validated(item) {
                let position = syn::Index::from(index);
                checks.extend(quote! {
                    crate::runtime::validate::Validate::validate_at(&#value.#position, #name)?;
                });
            }
        }
    } else if types.validated(ty) {
        checks.extend(quote! { crate::runtime::validate::Validate::validate_at(#value, #name)?; });
    }
    checks
}

/// How a numeric value is compared with a bound: integers as `i64` (an `i32` widened), exactly,
/// whatever the bound; floats as `f64` (an `f32` widened), so no bound can overflow a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeric {
    I32,
    I64,
    F32,
    F64,
}

impl Numeric {
    fn of(ty: &TypeRef) -> Option<Numeric> {
        Some(match ty {
            TypeRef::I32 => Numeric::I32,
            TypeRef::I64 => Numeric::I64,
            TypeRef::F32 => Numeric::F32,
            TypeRef::F64 => Numeric::F64,
            _ => return None,
        })
    }

    /// The value (behind the reference `value`) and the limit, as two expressions of one type.
    fn compare(self, value: &TokenStream, limit: Limit) -> (TokenStream, TokenStream) {
        match (self, limit) {
            (Numeric::I32, Limit::Integer(limit)) if let Ok(limit) = i32::try_from(limit) => {
                let limit = Literal::i32_suffixed(limit);
                (quote! { *#value }, quote! { #limit })
            }
            (Numeric::I32, Limit::Integer(limit)) => {
                let limit = Literal::i64_suffixed(limit);
                (quote! { i64::from(*#value) }, quote! { #limit })
            }
            (Numeric::I64, Limit::Integer(limit)) => {
                let limit = Literal::i64_suffixed(limit);
                (quote! { *#value }, quote! { #limit })
            }
            (Numeric::I32, Limit::Float(limit)) => {
                let limit = Literal::f64_suffixed(limit);
                (quote! { f64::from(*#value) }, quote! { #limit })
            }
            (Numeric::I64, Limit::Float(limit)) => {
                let limit = Literal::f64_suffixed(limit);
                (quote! { *#value as f64 }, quote! { #limit })
            }
            (Numeric::F32, limit) if (limit.as_f64() as f32).is_finite() => {
                let limit = Literal::f32_suffixed(limit.as_f64() as f32);
                (quote! { *#value }, quote! { #limit })
            }
            // Beyond `f32::MAX`: compared as `f64`, where the bound is a number.
            (Numeric::F32, limit) => {
                let limit = Literal::f64_suffixed(limit.as_f64());
                (quote! { f64::from(*#value) }, quote! { #limit })
            }
            (Numeric::F64, limit) => {
                let limit = Literal::f64_suffixed(limit.as_f64());
                (quote! { *#value }, quote! { #limit })
            }
        }
    }
}

fn union_def(
    def: &TypeDef,
    doc: TokenStream,
    variants: &[UnionVariant],
    tag: Option<&str>,
    types: &Types<'_>,
) -> TokenStream {
    let name = def.name.as_str();
    let type_name = ident(name);
    let here = TokenStream::new();
    // Where each variant's struct also declares the tag property (the usual way specs write
    // it), serde's internal tagging would take the tag away from the struct: then the enum
    // dispatches on the tag by hand when reading, and writes the variant as it is.
    let declares_tag = |tag: &str, variant: &UnionVariant| match &variant.ty {
        TypeRef::Named(n) => types.get(n).is_some_and(|t| match &t.kind {
            TypeKind::Struct { fields, .. } => fields.iter().any(|f| f.wire == tag),
            _ => false,
        }),
        _ => false,
    };
    let internal_tag = tag.filter(|tag| variants.iter().all(|v| !declares_tag(tag, v)));
    let dispatch_tag = tag.filter(|_| internal_tag.is_none());
    let (derive, serde_attr) = match (internal_tag, dispatch_tag) {
        (Some(tag), _) => (
            quote! { ::serde::Serialize, ::serde::Deserialize },
            quote! { #[serde(tag = #tag)] },
        ),
        (None, Some(_)) => (quote! { ::serde::Serialize }, quote! { #[serde(untagged)] }),
        (None, None) => (
            quote! { ::serde::Serialize, ::serde::Deserialize },
            quote! { #[serde(untagged)] },
        ),
    };
    let variant_defs = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = type_tokens(&v.ty, &here);
        let rename = match (internal_tag, &v.tag_value) {
            (Some(_), Some(value)) => quote! { #[serde(rename = #value)] },
            _ => TokenStream::new(),
        };
        let doc = match &v.tag_value {
            Some(value) if tag.is_some() => format!(" `{value}`."),
            _ => format!(" `{}`.", variant_label(&v.ty)),
        };
        quote! {
            #[doc = #doc]
            #rename
            #variant(#ty),
        }
    });
    let deserialize = dispatch_tag.map(|tag| {
        let arms = variants.iter().filter_map(|v| {
            let variant = ident(&v.name);
            let value = v.tag_value.as_ref()?;
            Some(quote! {
                ::std::option::Option::Some(#value) => ::serde_json::from_value(value)
                    .map(Self::#variant)
                    .map_err(::serde::de::Error::custom),
            })
        });
        let unknown = format!("unknown `{tag}` value {{other:?}} for {name}");
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #type_name {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(str::to_owned);
                    match tag.as_deref() {
                        #(#arms)*
                        ::std::option::Option::Some(other) => ::std::result::Result::Err(
                            ::serde::de::Error::custom(::std::format!(#unknown)),
                        ),
                        ::std::option::Option::None => {
                            ::std::result::Result::Err(::serde::de::Error::missing_field(#tag))
                        }
                    }
                }
            }
        }
    });
    let validate = def.usage.validated.then(|| {
        validate_variants(
            &type_name,
            variants.iter().map(|v| (v.name.as_str(), &v.ty)),
            types,
        )
    });
    let allow = super::enum_size_allow();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derive)]
        #serde_attr
        #[non_exhaustive]
        #allow
        pub enum #type_name {
            #(#variant_defs)*
        }

        #deserialize

        #validate
    }
}

/// `Validate` for an enum whose every variant holds one value: each variant checks its value
/// where the value may contain a generated type.
pub(crate) fn validate_variants<'v>(
    type_name: &proc_macro2::Ident,
    variants: impl Iterator<Item = (&'v str, &'v TypeRef)>,
    types: &Types<'_>,
) -> TokenStream {
    let mut uses_at = false;
    let arms: Vec<TokenStream> = variants
        .map(|(name, ty)| {
            let variant = ident(name);
            if types.validated(ty) {
                uses_at = true;
                quote! { Self::#variant(value) => crate::runtime::validate::Validate::validate_at(value, at), }
            } else {
                quote! { Self::#variant(_) => ::std::result::Result::Ok(()), }
            }
        })
        .collect();
    let at = if uses_at {
        quote! { at }
    } else {
        quote! { _at }
    };
    quote! {
        impl crate::runtime::validate::Validate for #type_name {
            fn validate_at(&self, #at: &str) -> ::std::result::Result<(), crate::runtime::Error> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// How a variant's payload is described in its doc.
fn variant_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Boxed(inner) => variant_label(inner),
        other => other.word().to_owned(),
    }
}
