//! Lowering the service: servers, security schemes and root extensions.

use super::*;

/// Methods of the runtime's `ClientBuilder`: a client parameter's setter never takes one of
/// these names (it becomes `set_<name>` instead).
const BUILDER_METHODS: &[&str] = &[
    "build",
    "client_parameter",
    "clock",
    "connect_timeout",
    "credentials",
    "default_header",
    "endpoint",
    "env_lookup",
    "fmt",
    "http_client",
    "max_pages",
    "max_response_size",
    "new",
    "region",
    "retry",
    "server_variable",
    "sleep",
    "timeout",
    "user_agent",
    "with_env",
];

impl<'a> Lowering<'a> {
    /// The service: `info`, the first server, security schemes, root extensions, and the
    /// client parameters `operations` take.
    pub(super) fn service(&mut self, operations: &[Operation]) -> Service {
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
                        auth_schemes.push(AuthScheme::SdkHmacSha256 {
                            parameter_headers: parameter_headers(extensions),
                        })
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
            description: doc.info.description.as_deref().map(service_doc),
            server_url,
            server_variables,
            region_env_prefix: ext_str(&doc.extensions, "x-region-env-prefix").map(str::to_owned),
            request_id_header: ext_str(&doc.extensions, "x-request-id-header")
                .unwrap_or("X-Request-Id")
                .to_owned(),
            environment: environment(doc),
            auth_schemes,
            client_parameters: self.client_parameters(operations),
            error_fields: error_fields(doc),
            content_type_without_body: ext_str(&doc.extensions, "x-content-type-without-body")
                .map(str::to_owned),
        }
    }
}

/// A security scheme's `x-client-parameter-headers` (validation has checked its shape):
/// (header, client parameter) pairs.
fn parameter_headers(
    extensions: &indexmap::IndexMap<String, serde_json::Value>,
) -> Vec<(String, String)> {
    extensions
        .get("x-client-parameter-headers")
        .and_then(|value| value.as_object())
        .map(|headers| {
            headers
                .iter()
                .filter_map(|(header, parameter)| {
                    Some((header.clone(), parameter.as_str()?.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The root extension `x-error-fields` (validation has checked its shape): (code, message)
/// field pairs.
fn error_fields(doc: &OpenAPI) -> Vec<(String, String)> {
    doc.extensions
        .get("x-error-fields")
        .and_then(|value| value.as_array())
        .map(|pairs| {
            pairs
                .iter()
                .filter_map(|pair| {
                    let text = |key: &str| pair.get(key)?.as_str().map(str::to_owned);
                    Some((text("code")?, text("message")?))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Lowering<'_> {
    /// Every parameter marked `x-client-parameter`, once per wire name (the first declaration
    /// wins), sorted by name, each with a setter name no builder method or other setter has,
    /// and its string constraints (an `enum` also when it became a named enum).
    fn client_parameters(&self, operations: &[Operation]) -> Vec<ClientParameter> {
        let mut by_wire: BTreeMap<&str, &Param> = BTreeMap::new();
        for param in operations.iter().flat_map(|op| &op.params) {
            if param.from_client {
                by_wire.entry(param.wire.as_str()).or_insert(param);
            }
        }
        let mut setters = Namespace::with_reserved(BUILDER_METHODS);
        by_wire
            .into_values()
            .map(|param| {
                let name = names::field_name(&param.wire);
                let name = if BUILDER_METHODS.contains(&name.as_str()) {
                    format!("set_{name}")
                } else {
                    name
                };
                let constraints = &param.constraints;
                ClientParameter {
                    wire: param.wire.clone(),
                    setter: setters.claim(name),
                    doc: param.doc.clone(),
                    min_length: constraints.min_length,
                    max_length: constraints.max_length,
                    pattern: constraints.pattern.clone(),
                    allowed: self.allowed_values(param),
                }
            })
            .collect()
    }

    /// A parameter's `enum`: on the parameter, or the variants of the enum type it became.
    fn allowed_values(&self, param: &Param) -> Vec<String> {
        if !param.constraints.one_of_values.is_empty() {
            return param.constraints.one_of_values.clone();
        }
        match &param.ty {
            TypeRef::Named(name) => match self.types.get(name).map(|def| &def.kind) {
                Some(TypeKind::StringEnum { variants }) => variants
                    .iter()
                    .map(|variant| variant.wire.clone())
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
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

/// The API's description as doc text that clippy's default doc lints accept where it stands (the
/// crate's `SERVICE` constant): tabs are four spaces, and a line that continues a list item or a
/// block quote without its marker (a lazy continuation, which doc comments reject) joins the
/// line before, as Markdown reads it anyway (a soft line break is a space).
fn service_doc(text: &str) -> String {
    fn is_marked(line: &str) -> bool {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        line.starts_with('>')
            || ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m))
            || (digits > 0 && [". ", ") "].iter().any(|m| line[digits..].starts_with(m)))
    }
    fn starts_block(line: &str) -> bool {
        is_marked(line)
            || line.starts_with(['#', '|', '-', '*', '+', '<', '='])
            || line.starts_with("```")
            || line.starts_with("~~~")
    }
    let text = text.replace('\t', "    ");
    let mut lines: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut joinable = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
            joinable = false;
            lines.push(line.to_owned());
            continue;
        }
        match lines.last_mut() {
            Some(last)
                if joinable && !in_fence && !trimmed.is_empty() && !starts_block(trimmed) =>
            {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => {
                joinable = !in_fence && is_marked(trimmed);
                lines.push(line.to_owned());
            }
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_docs_join_lazy_continuations() {
        let text = "> Note: follow the\n[guide](https://x)\nto see.\n\n- Rate limits\n  apply.\n- Quotas\n\nA\tparagraph\nwraps.\n```\n> code\nstays\n```";
        assert_eq!(
            service_doc(text),
            "> Note: follow the [guide](https://x) to see.\n\n- Rate limits apply.\n- Quotas\n\nA    paragraph\nwraps.\n```\n> code\nstays\n```"
        );
        assert_eq!(service_doc("1. one\ntwo\n# Head"), "1. one two\n# Head");
    }

    fn service(text: &str) -> Service {
        let spec = crate::load::load_str(std::path::Path::new("t.yaml"), text).unwrap();
        let (proven, _) = crate::validate::validate(&spec);
        lower(&spec, &proven).0.service
    }

    #[test]
    fn client_parameters_get_setters_that_shadow_no_builder_method() {
        let service = service(
            "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /{timeout}/{tenant-id}/{tenant_id}:
    get:
      operationId: get
      parameters:
        - {name: timeout, in: path, required: true, x-client-parameter: true, schema: {type: string}}
        - {name: tenant-id, in: path, required: true, x-client-parameter: true, schema: {type: string, pattern: '^t', maxLength: 9}}
        - {name: tenant_id, in: path, required: true, x-client-parameter: true, schema: {type: string, enum: [a, b]}}
      responses: {'200': {description: ok}}
",
        );
        let setters: Vec<(&str, &str)> = service
            .client_parameters
            .iter()
            .map(|p| (p.wire.as_str(), p.setter.as_str()))
            .collect();
        assert_eq!(
            setters,
            [
                ("tenant-id", "tenant_id"),
                ("tenant_id", "tenant_id2"),
                ("timeout", "set_timeout")
            ]
        );
        assert_eq!(service.client_parameters[0].pattern.as_deref(), Some("^t"));
        assert_eq!(service.client_parameters[0].max_length, Some(9));
        assert_eq!(service.client_parameters[1].allowed, ["a", "b"]);
    }

    #[test]
    fn runtime_extensions_are_lowered() {
        let service = service(
            "openapi: 3.0.3
info: {title: T, version: '1'}
x-error-fields: [{code: errorCode, message: errorMsg}]
x-content-type-without-body: application/json
paths: {}
components:
  securitySchemes:
    signed: {type: apiKey, in: header, name: Authorization, x-signer: sdk-hmac-sha256, x-client-parameter-headers: {X-Project-Id: project_id}}
",
        );
        assert_eq!(
            service.error_fields,
            [("errorCode".to_owned(), "errorMsg".to_owned())]
        );
        assert_eq!(
            service.content_type_without_body.as_deref(),
            Some("application/json")
        );
        assert_eq!(
            service.auth_schemes,
            [AuthScheme::SdkHmacSha256 {
                parameter_headers: vec![("X-Project-Id".to_owned(), "project_id".to_owned())]
            }]
        );
    }
}
