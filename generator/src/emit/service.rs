//! `mod.rs`: the module tree, the `SERVICE` constant and `Client::builder`.

use super::doc_attrs;
use crate::model::{AuthScheme, Service};
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
        AuthScheme::SdkHmacSha256 => quote! { crate::runtime::AuthScheme::SdkHmacSha256 },
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
                ak_sk: &[#(#pairs),*],
                token: &[#(#token),*],
            },
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
    }
}
