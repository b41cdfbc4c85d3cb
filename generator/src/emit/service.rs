//! `mod.rs`: the module tree, the `SERVICE` constant and `Client::builder`.

use super::{Code, comma_list, lit, optional_lit};
use crate::model::{AuthScheme, ClientParameter, Service};
use std::fmt::Write as _;

/// The generated module's root.
pub fn emit(service: &Service) -> String {
    let mut code = Code::with_capacity(4096);
    code.line("pub mod operations;");
    code.line("pub mod types;");
    code.blank();
    code.doc(&format!(
        "What the spec says about {} {}: servers, security schemes and extensions.{}",
        service.title,
        service.version,
        service
            .description
            .as_deref()
            .map(|d| format!("\n\n{d}"))
            .unwrap_or_default()
    ));
    service_info(&mut code, service);
    code.blank();
    code.open("impl crate::runtime::Client {");
    code.doc(&format!(
        "Starts configuring a client for {}.",
        service.title
    ));
    code.open("pub fn builder() -> crate::runtime::ClientBuilder {")
        .line("crate::runtime::ClientBuilder::new(&SERVICE)")
        .close("}");
    code.blank();
    code.line("/// A client configured from the environment variables the spec names, with every")
        .line("/// other setting at its default: `Client::builder().with_env().build()`.")
        .open("pub fn from_env() -> ::std::result::Result<Self, crate::runtime::Error> {")
        .line("Self::builder().with_env().build()")
        .close("}");
    code.close("}");
    if !service.client_parameters.is_empty() {
        code.blank();
        code.open("impl crate::runtime::ClientBuilder {");
        for (index, parameter) in service.client_parameters.iter().enumerate() {
            if index > 0 {
                code.blank();
            }
            setter(&mut code, parameter);
        }
        code.close("}");
    }
    code.into_text()
}

/// `SERVICE`: everything the runtime reads about the API.
fn service_info(code: &mut Code, service: &Service) {
    code.open("pub const SERVICE: crate::runtime::ServiceInfo = crate::runtime::ServiceInfo {");
    code.line(format_args!("title: {},", lit(&service.title)));
    code.line(format_args!("version: {},", lit(&service.version)));
    code.line(format_args!("server_url: {},", lit(&service.server_url)));
    let variables = comma_list(&service.server_variables, |text, variable| {
        let _ = write!(
            text,
            "crate::runtime::ServerVariable {{ name: {}, default: {}, allowed: &[{}] }}",
            lit(&variable.name),
            lit(&variable.default),
            strings(&variable.allowed)
        );
    });
    code.line(format_args!("server_variables: &[{variables}],"));
    code.line(format_args!(
        "region_env_prefix: {},",
        optional_lit(service.region_env_prefix.as_deref())
    ));
    code.line(format_args!(
        "request_id_header: {},",
        lit(&service.request_id_header)
    ));
    let schemes = comma_list(&service.auth_schemes, |text, scheme| {
        auth_scheme(text, scheme)
    });
    code.line(format_args!("auth_schemes: &[{schemes}],"));
    environment(code, service);
    let parameters = comma_list(&service.client_parameters, |text, parameter| {
        client_parameter(text, parameter)
    });
    code.line(format_args!("client_parameters: &[{parameters}],"));
    let error_fields = comma_list(&service.error_fields, |text, (code, message)| {
        let _ = write!(
            text,
            "crate::runtime::ErrorFields {{ code: {}, message: {} }}",
            lit(code),
            lit(message)
        );
    });
    code.line(format_args!("error_fields: &[{error_fields}],"));
    code.line(format_args!(
        "content_type_without_body: {},",
        optional_lit(service.content_type_without_body.as_deref())
    ));
    code.close("};");
}

fn auth_scheme(text: &mut String, scheme: &AuthScheme) {
    let _ = match scheme {
        AuthScheme::ApiKeyHeader(name) => write!(
            text,
            "crate::runtime::AuthScheme::ApiKeyHeader {{ name: {} }}",
            lit(name)
        ),
        AuthScheme::ApiKeyQuery(name) => write!(
            text,
            "crate::runtime::AuthScheme::ApiKeyQuery {{ name: {} }}",
            lit(name)
        ),
        AuthScheme::ApiKeyCookie(name) => write!(
            text,
            "crate::runtime::AuthScheme::ApiKeyCookie {{ name: {} }}",
            lit(name)
        ),
        AuthScheme::Bearer => write!(text, "crate::runtime::AuthScheme::Bearer"),
        AuthScheme::Basic => write!(text, "crate::runtime::AuthScheme::Basic"),
        AuthScheme::SdkHmacSha256 { parameter_headers } => {
            let headers = comma_list(parameter_headers, |text, (header, parameter)| {
                let _ = write!(
                    text,
                    "crate::runtime::ParameterHeader {{ header: {}, parameter: {} }}",
                    lit(header),
                    lit(parameter)
                );
            });
            write!(
                text,
                "crate::runtime::AuthScheme::SdkHmacSha256 {{ parameter_headers: &[{headers}] }}"
            )
        }
    };
}

/// The environment variables the client reads.
fn environment(code: &mut Code, service: &Service) {
    let env = &service.environment;
    code.open("environment: crate::runtime::Environment {");
    code.line(format_args!("region: &[{}],", strings(&env.region)));
    code.line(format_args!("endpoint: &[{}],", strings(&env.endpoint)));
    let parameters = comma_list(&env.client_parameters, |text, (parameter, variables)| {
        let _ = write!(
            text,
            "crate::runtime::ParameterVariables {{ parameter: {}, variables: &[{}] }}",
            lit(parameter),
            strings(variables)
        );
    });
    code.line(format_args!("client_parameters: &[{parameters}],"));
    // Only a spec with a signing scheme has a runtime with key pairs.
    let signed = service
        .auth_schemes
        .iter()
        .any(|scheme| matches!(scheme, AuthScheme::SdkHmacSha256 { .. }));
    if signed {
        let pairs = comma_list(&env.ak_sk, |text, (ak, sk, security_token)| {
            let _ = write!(
                text,
                "crate::runtime::AkSkVariables {{ ak: {}, sk: {}, security_token: {} }}",
                lit(ak),
                lit(sk),
                optional_lit(security_token.as_deref())
            );
        });
        code.line(format_args!("ak_sk: &[{pairs}],"));
    }
    code.line(format_args!("token: &[{}],", strings(&env.token)));
    code.close("},");
}

/// A client parameter in `SERVICE`: its name, setter and constraints.
fn client_parameter(text: &mut String, parameter: &ClientParameter) {
    let optional = |value: Option<u64>| match value {
        Some(value) => format!("::std::option::Option::Some({value})"),
        None => "::std::option::Option::None".to_owned(),
    };
    let _ = write!(
        text,
        "crate::runtime::ClientParameter {{ name: {}, setter: {}, min_length: {}, max_length: {}, pattern: {}, allowed: &[{}] }}",
        lit(&parameter.wire),
        lit(&parameter.setter),
        optional(parameter.min_length),
        optional(parameter.max_length),
        optional_lit(parameter.pattern.as_deref()),
        strings(&parameter.allowed)
    );
}

/// String literals separated by commas.
fn strings(values: &[String]) -> String {
    comma_list(values, |text, value| {
        let _ = write!(text, "{}", lit(value));
    })
}

/// The builder method that sets one client parameter.
fn setter(code: &mut Code, parameter: &ClientParameter) {
    let wire = &parameter.wire;
    let mut text = format!(
        "Sets `{wire}` once for every operation that takes it (the same as \
         `.client_parameter(\"{wire}\", value)`)."
    );
    if let Some(doc) = &parameter.doc {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    code.doc(&text);
    code.open(format_args!(
        "pub fn {}(self, value: impl ::std::convert::Into<::std::string::String>) -> Self {{",
        parameter.setter
    ))
    .line(format_args!("self.client_parameter({}, value)", lit(wire)))
    .close("}");
}
