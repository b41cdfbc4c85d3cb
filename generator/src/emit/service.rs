//! `mod.rs`: the module tree, the `SERVICE` constant and `Client::builder`.

use super::{doc_attrs, ident};
use crate::model::{AuthScheme, ClientParameter, Service, SignatureErrors};
use proc_macro2::TokenStream;
use quote::quote;

/// The generated module's root.
pub fn emit(service: &Service) -> TokenStream {
    let title = &service.title;
    let version = &service.version;
    let server_url = &service.server_url;
    let variables = service.server_variables.iter().map(|variable| {
        let name = &variable.name;
        let default = &variable.default;
        let allowed = &variable.allowed;
        quote! {
            crate::runtime::ServerVariable {
                name: #name,
                default: #default,
                allowed: &[#(#allowed),*],
            }
        }
    });
    let region_env_prefix = match &service.region_env_prefix {
        Some(prefix) => quote! { ::std::option::Option::Some(#prefix) },
        None => quote! { ::std::option::Option::None },
    };
    let request_id_header = &service.request_id_header;
    let auth_schemes = service.auth_schemes.iter().map(|scheme| match scheme {
        AuthScheme::ApiKeyHeader(name) => {
            quote! { crate::runtime::AuthScheme::ApiKeyHeader { name: #name } }
        }
        AuthScheme::ApiKeyQuery(name) => {
            quote! { crate::runtime::AuthScheme::ApiKeyQuery { name: #name } }
        }
        AuthScheme::ApiKeyCookie(name) => {
            quote! { crate::runtime::AuthScheme::ApiKeyCookie { name: #name } }
        }
        AuthScheme::Bearer => quote! { crate::runtime::AuthScheme::Bearer },
        AuthScheme::Basic => quote! { crate::runtime::AuthScheme::Basic },
        AuthScheme::SdkHmacSha256 {
            parameter_headers,
            signature_errors,
        } => {
            let headers = parameter_headers.iter().map(|(header, parameter)| {
                quote! {
                    crate::runtime::ParameterHeader { header: #header, parameter: #parameter }
                }
            });
            let signature_errors = signature_errors_value(signature_errors);
            quote! {
                crate::runtime::AuthScheme::SdkHmacSha256 {
                    parameter_headers: &[#(#headers),*],
                    signature_errors: #signature_errors,
                }
            }
        }
    });
    let env = &service.environment;
    let region = &env.region;
    let endpoint = &env.endpoint;
    let token = &env.token;
    let parameters = env.client_parameters.iter().map(|(parameter, variables)| {
        quote! {
            crate::runtime::ParameterVariables {
                parameter: #parameter,
                variables: &[#(#variables),*],
            }
        }
    });
    // Only a spec with a signing scheme has a runtime with key pairs.
    let signed = service
        .auth_schemes
        .iter()
        .any(|scheme| matches!(scheme, AuthScheme::SdkHmacSha256 { .. }));
    let pairs = env.ak_sk.iter().map(|(ak, sk, security_token)| {
        let security_token = match security_token {
            Some(name) => quote! { ::std::option::Option::Some(#name) },
            None => quote! { ::std::option::Option::None },
        };
        quote! {
            crate::runtime::AkSkVariables {
                ak: #ak,
                sk: #sk,
                security_token: #security_token,
            }
        }
    });
    let ak_sk = signed.then(|| quote! { ak_sk: &[#(#pairs),*], });
    let client_parameters = service.client_parameters.iter().map(client_parameter);
    let error_fields = service.error_fields.iter().map(|(code, message)| {
        quote! { crate::runtime::ErrorFields { code: #code, message: #message } }
    });
    let content_type_without_body = match &service.content_type_without_body {
        Some(content_type) => quote! { ::std::option::Option::Some(#content_type) },
        None => quote! { ::std::option::Option::None },
    };
    let setters = (!service.client_parameters.is_empty()).then(|| {
        let setters = service.client_parameters.iter().map(setter);
        quote! {
            impl crate::runtime::ClientBuilder {
                #(#setters)*
            }
        }
    });
    let builder_doc = format!(" Starts configuring a client for {title}.");
    let service_doc = doc_attrs(Some(&format!(
        "What the spec says about {title} {version}: servers, security schemes and extensions.{}",
        service
            .description
            .as_deref()
            .map(|d| format!("\n\n{d}"))
            .unwrap_or_default()
    )));
    quote! {
        pub mod operations;
        pub mod types;

        #service_doc
        pub const SERVICE: crate::runtime::ServiceInfo = crate::runtime::ServiceInfo {
            title: #title,
            version: #version,
            server_url: #server_url,
            server_variables: &[#(#variables),*],
            region_env_prefix: #region_env_prefix,
            request_id_header: #request_id_header,
            auth_schemes: &[#(#auth_schemes),*],
            environment: crate::runtime::Environment {
                region: &[#(#region),*],
                endpoint: &[#(#endpoint),*],
                client_parameters: &[#(#parameters),*],
                #ak_sk
                token: &[#(#token),*],
            },
            client_parameters: &[#(#client_parameters),*],
            error_fields: &[#(#error_fields),*],
            content_type_without_body: #content_type_without_body,
        };

        impl crate::runtime::Client {
            #[doc = #builder_doc]
            pub fn builder() -> crate::runtime::ClientBuilder {
                crate::runtime::ClientBuilder::new(&SERVICE)
            }

            /// A client configured from the environment variables the spec names, with every
            /// other setting at its default: `Client::builder().with_env().build()`.
            pub fn from_env() -> ::std::result::Result<Self, crate::runtime::Error> {
                Self::builder().with_env().build()
            }
        }

        #setters
    }
}

/// A signed scheme's `x-signature-errors` in `SERVICE`; `SignatureErrors::NONE` without one.
fn signature_errors_value(errors: &SignatureErrors) -> TokenStream {
    if *errors == SignatureErrors::default() {
        return quote! { crate::runtime::SignatureErrors::NONE };
    }
    let expired = &errors.expired;
    let mismatch = &errors.mismatch;
    let canonical_request = match &errors.canonical_request {
        Some((after, separator)) => quote! {
            ::std::option::Option::Some(crate::runtime::CanonicalRequestEcho {
                after: #after,
                separator: #separator,
            })
        },
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        crate::runtime::SignatureErrors {
            expired: &[#(#expired),*],
            mismatch: &[#(#mismatch),*],
            canonical_request: #canonical_request,
        }
    }
}

/// A client parameter in `SERVICE`: its name, setter and constraints.
fn client_parameter(parameter: &ClientParameter) -> TokenStream {
    let wire = &parameter.wire;
    let setter = &parameter.setter;
    let optional = |value: &Option<u64>| match value {
        Some(value) => quote! { ::std::option::Option::Some(#value) },
        None => quote! { ::std::option::Option::None },
    };
    let min_length = optional(&parameter.min_length);
    let max_length = optional(&parameter.max_length);
    let pattern = match &parameter.pattern {
        Some(pattern) => quote! { ::std::option::Option::Some(#pattern) },
        None => quote! { ::std::option::Option::None },
    };
    let allowed = &parameter.allowed;
    quote! {
        crate::runtime::ClientParameter {
            name: #wire,
            setter: #setter,
            min_length: #min_length,
            max_length: #max_length,
            pattern: #pattern,
            allowed: &[#(#allowed),*],
        }
    }
}

/// The builder method that sets one client parameter.
fn setter(parameter: &ClientParameter) -> TokenStream {
    let method = ident(&parameter.setter);
    let wire = &parameter.wire;
    let mut text = format!(
        "Sets `{wire}` once for every operation that takes it (the same as \
         `.client_parameter(\"{wire}\", value)`)."
    );
    if let Some(doc) = &parameter.doc {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    let doc = doc_attrs(Some(&text));
    quote! {
        #doc
        pub fn #method(self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
            self.client_parameter(#wire, value)
        }
    }
}
