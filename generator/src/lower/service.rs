//! Lowering the service: servers, security schemes and root extensions.

use super::*;

impl<'a> Lowering<'a> {
    pub(super) fn service(&mut self) -> Service {
        let doc = self.doc;
        let (server_url, server_variables) = match doc.servers.first() {
            Some(server) => (
                server.url.clone(),
                server
                    .variables
                    .iter()
                    .flatten()
                    .map(|(name, variable)| ServerVariable {
                        name: name.clone(),
                        default: variable.default.clone(),
                        allowed: variable.enumeration.clone(),
                    })
                    .collect(),
            ),
            None => (String::new(), Vec::new()),
        };
        let mut auth_schemes = Vec::new();
        if let Some(components) = &doc.components {
            for scheme in components.security_schemes.values() {
                let ReferenceOr::Item(scheme) = scheme else {
                    continue;
                };
                match scheme {
                    SecurityScheme::APIKey { extensions, .. }
                        if ext_str(extensions, "x-signer") == Some("sdk-hmac-sha256") =>
                    {
                        auth_schemes.push(AuthScheme::SdkHmacSha256)
                    }
                    SecurityScheme::APIKey { location, name, .. } => match location {
                        openapiv3::APIKeyLocation::Header => {
                            auth_schemes.push(AuthScheme::ApiKeyHeader(name.clone()))
                        }
                        openapiv3::APIKeyLocation::Query => {
                            auth_schemes.push(AuthScheme::ApiKeyQuery(name.clone()))
                        }
                        openapiv3::APIKeyLocation::Cookie => {
                            auth_schemes.push(AuthScheme::ApiKeyCookie(name.clone()))
                        }
                    },
                    SecurityScheme::HTTP { scheme, .. }
                        if scheme.eq_ignore_ascii_case("bearer") =>
                    {
                        auth_schemes.push(AuthScheme::Bearer)
                    }
                    SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                        auth_schemes.push(AuthScheme::Basic)
                    }
                    // OAuth2, OpenID Connect and other HTTP schemes yield a bearer token in the end.
                    SecurityScheme::HTTP { .. }
                    | SecurityScheme::OAuth2 { .. }
                    | SecurityScheme::OpenIDConnect { .. } => {
                        if !auth_schemes.contains(&AuthScheme::Bearer) {
                            auth_schemes.push(AuthScheme::Bearer)
                        }
                    }
                }
            }
        }
        Service {
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            server_url,
            server_variables,
            region_env_prefix: ext_str(&doc.extensions, "x-region-env-prefix").map(str::to_owned),
            request_id_header: ext_str(&doc.extensions, "x-request-id-header")
                .unwrap_or("X-Request-Id")
                .to_owned(),
            environment: environment(doc),
            auth_schemes,
        }
    }
}

/// The `x-environment` root extension (validation has checked its shape), or variables named
/// after the title without it: `SWAGGER_PETSTORE_ENDPOINT`, `SWAGGER_PETSTORE_TOKEN`.
fn environment(doc: &OpenAPI) -> Environment {
    let Some(value) = doc.extensions.get("x-environment") else {
        let prefix = heck::ToShoutySnakeCase::to_shouty_snake_case(
            names::type_name(&doc.info.title).as_str(),
        );
        return Environment {
            endpoint: vec![format!("{prefix}_ENDPOINT")],
            token: vec![format!("{prefix}_TOKEN")],
            ..Environment::default()
        };
    };
    let list = |value: Option<&serde_json::Value>| -> Vec<String> {
        match value {
            Some(serde_json::Value::String(name)) => vec![name.clone()],
            Some(serde_json::Value::Array(names)) => names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let client_parameters = value
        .get("client_parameters")
        .and_then(|v| v.as_object())
        .map(|map| {
            map.iter()
                .map(|(name, variables)| (name.clone(), list(Some(variables))))
                .collect()
        })
        .unwrap_or_default();
    let ak_sk = value
        .get("ak_sk")
        .and_then(|v| v.as_array())
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let text =
                        |key: &str| pair.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                    Some((text("ak")?, text("sk")?, text("security_token")))
                })
                .collect()
        })
        .unwrap_or_default();
    Environment {
        region: list(value.get("region")),
        endpoint: list(value.get("endpoint")),
        client_parameters,
        ak_sk,
        token: list(value.get("token")),
    }
}
