//! What generated code tells the runtime about the API, all of it taken from the spec and its
//! extensions: servers, security schemes, client parameters, environment variable names,
//! error-body fields and the headers a scheme adds. Plain data: generated code emits one
//! `SERVICE` constant of [`ServiceInfo`], and nothing in this module does anything.
//!
//! Everything a particular vendor does differently from the plain conventions of HTTP APIs is
//! described here, never hard-coded elsewhere in the runtime.

/// What the spec says about the service: servers, auth schemes and vendor extensions.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// `info.title`.
    pub title: &'static str,
    /// `info.version`.
    pub version: &'static str,
    /// The first server's URL template, e.g. `https://api.{region}.example.com`.
    pub server_url: &'static str,
    /// That server's variables.
    pub server_variables: &'static [ServerVariable],
    /// Root extension `x-region-env-prefix`: an environment variable `<prefix><REGION>`
    /// (region upper-cased, `-` → `_`) overrides a region's endpoint.
    pub region_env_prefix: Option<&'static str>,
    /// Root extension `x-request-id-header`, default `X-Request-Id`.
    pub request_id_header: &'static str,
    /// The security schemes the spec declares, in spec order.
    pub auth_schemes: &'static [AuthScheme],
    /// Root extension `x-environment`: the environment variables
    /// [`ClientBuilder::with_env`](crate::runtime::ClientBuilder::with_env) reads.
    pub environment: Environment,
    /// The parameters marked `x-client-parameter`: set once on the client, with the
    /// constraints the spec gives them (checked when the client is built).
    pub client_parameters: &'static [ClientParameter],
    /// Root extension `x-error-fields`: the `{code, message}` field pairs an error body may
    /// carry, tried before the built-in [`ErrorFields::CONVENTIONAL`] pair.
    pub error_fields: &'static [ErrorFields],
    /// Root extension `x-content-type-without-body`: the `Content-Type` sent on requests
    /// without a body. `None` (the default): such requests carry no `Content-Type`.
    pub content_type_without_body: Option<&'static str>,
}

impl ServiceInfo {
    /// A service with no servers, schemes or extensions, to build others from with
    /// `..ServiceInfo::EMPTY`.
    pub const EMPTY: ServiceInfo = ServiceInfo {
        title: "",
        version: "",
        server_url: "",
        server_variables: &[],
        region_env_prefix: None,
        request_id_header: "X-Request-Id",
        auth_schemes: &[],
        environment: Environment::NONE,
        client_parameters: &[],
        error_fields: &[],
        content_type_without_body: None,
    };

    /// The client parameter the spec declares under `name`, if any.
    pub fn client_parameter(&self, name: &str) -> Option<&'static ClientParameter> {
        self.client_parameters
            .iter()
            .find(|parameter| parameter.name == name)
    }
}

/// A pair of fields of a JSON error body: the error code and the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorFields {
    /// The field holding the error code, e.g. `code`.
    pub code: &'static str,
    /// The field holding the message, e.g. `message`.
    pub message: &'static str,
}

impl ErrorFields {
    /// `{"code": …, "message": …}`, at the top of the body or in a nested object such as
    /// `{"error": {…}}`: the convention every service is searched for.
    pub const CONVENTIONAL: ErrorFields = ErrorFields {
        code: "code",
        message: "message",
    };

    /// The field pairs an error body is searched for, in order of preference: `listed` (the
    /// spec's `x-error-fields`), then [`ErrorFields::CONVENTIONAL`] unless it is listed.
    pub fn then_conventional(
        listed: &'static [ErrorFields],
    ) -> impl Iterator<Item = ErrorFields> + use<> {
        let conventional =
            (!listed.contains(&ErrorFields::CONVENTIONAL)).then_some(ErrorFields::CONVENTIONAL);
        listed.iter().copied().chain(conventional)
    }
}

/// A parameter set once on the client (`x-client-parameter`) and filled into every operation
/// that takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientParameter {
    /// The parameter's name in the spec.
    pub name: &'static str,
    /// The generated builder method that sets it.
    pub setter: &'static str,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<&'static str>,
    /// `enum`: the allowed values; empty when any value is allowed.
    pub allowed: &'static [&'static str],
}

impl ClientParameter {
    /// A parameter without constraints.
    pub const fn new(name: &'static str, setter: &'static str) -> Self {
        ClientParameter {
            name,
            setter,
            min_length: None,
            max_length: None,
            pattern: None,
            allowed: &[],
        }
    }
}

/// The environment variables a client reads its configuration from, as the spec's root
/// extension `x-environment` names them. In each list the first variable that is set wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// The region (`.region(...)`).
    pub region: &'static [&'static str],
    /// An explicit endpoint URL (`.endpoint(...)`).
    pub endpoint: &'static [&'static str],
    /// Client parameters (`x-client-parameter`).
    pub client_parameters: &'static [ParameterVariables],
    /// AK/SK pairs, each with its security-token variable, consulted in order.
    #[cfg(feature = "aksk")]
    pub ak_sk: &'static [AkSkVariables],
    /// A token, consulted after any key pairs.
    pub token: &'static [&'static str],
}

impl Environment {
    /// No variables at all.
    pub const NONE: Environment = Environment {
        region: &[],
        endpoint: &[],
        client_parameters: &[],
        #[cfg(feature = "aksk")]
        ak_sk: &[],
        token: &[],
    };
}

/// The variables holding one client parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterVariables {
    /// The parameter's name in the spec.
    pub parameter: &'static str,
    /// The variables, first set wins.
    pub variables: &'static [&'static str],
}

/// The variables holding one AK/SK pair.
#[cfg(feature = "aksk")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AkSkVariables {
    /// The access key.
    pub ak: &'static str,
    /// The secret key.
    pub sk: &'static str,
    /// The security token of temporary credentials, optional even when named.
    pub security_token: Option<&'static str>,
}

/// One server variable (`servers[0].variables`).
#[derive(Debug, Clone, Copy)]
pub struct ServerVariable {
    /// The name, e.g. `region`.
    pub name: &'static str,
    /// The default value.
    pub default: &'static str,
    /// The allowed values (`enum`); empty when any value is allowed.
    pub allowed: &'static [&'static str],
}

/// A security scheme from the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `type: apiKey, in: header`: the token goes in this header.
    ApiKeyHeader {
        /// The header name.
        name: &'static str,
    },
    /// `type: apiKey, in: query`.
    ApiKeyQuery {
        /// The query parameter name.
        name: &'static str,
    },
    /// `type: apiKey, in: cookie`: the token goes in a cookie.
    ApiKeyCookie {
        /// The cookie name.
        name: &'static str,
    },
    /// `type: http, scheme: bearer`.
    Bearer,
    /// `type: http, scheme: basic`.
    Basic,
    /// A scheme marked `x-signer: sdk-hmac-sha256`: requests are signed with AK/SK.
    #[cfg(feature = "aksk")]
    SdkHmacSha256 {
        /// The scheme's `x-client-parameter-headers`: headers set from client parameters
        /// and signed with the request.
        parameter_headers: &'static [ParameterHeader],
        /// The scheme's `x-signature-errors`: how the service words a refusal of a
        /// signature.
        signature_errors: SignatureErrors,
    },
}

/// A header that carries a client parameter's value (`x-client-parameter-headers`).
#[cfg(feature = "aksk")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterHeader {
    /// The header name.
    pub header: &'static str,
    /// The client parameter whose value it carries; no header is sent while it is unset.
    pub parameter: &'static str,
}

/// How a service words its refusal of a signature (a signed scheme's `x-signature-errors`):
/// texts its error messages contain, compared ignoring ASCII case. The runtime recognizes
/// nothing a spec does not name here; see [`refusal`](crate::runtime::refusal) for what it
/// does with them.
#[cfg(feature = "aksk")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureErrors {
    /// Texts meaning that the signature's time (`X-Sdk-Date`) is too far from the server's
    /// clock, e.g. `signature expired`. On such an answer the client corrects its clock by the
    /// server's time and signs the request again, once.
    pub expired: &'static [&'static str],
    /// Texts meaning that the signature does not match the request as the server received it,
    /// e.g. `signature does not match`.
    pub mismatch: &'static [&'static str],
    /// Where such a message echoes the canonical request the server computed, if it does.
    pub canonical_request: Option<CanonicalRequestEcho>,
}

#[cfg(feature = "aksk")]
impl SignatureErrors {
    /// Nothing recognized: no clock correction, and a diagnosis without the server's view.
    pub const NONE: SignatureErrors = SignatureErrors {
        expired: &[],
        mismatch: &[],
        canonical_request: None,
    };
}

/// Where an error message echoes the server's canonical request: after a marker, with its
/// lines joined by a separator instead of `\n`.
#[cfg(feature = "aksk")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CanonicalRequestEcho {
    /// The text the echo follows, e.g. `canonicalRequest:` (compared ignoring ASCII case).
    pub after: &'static str,
    /// What joins its lines, e.g. `|`.
    pub separator: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_fields_end_with_the_convention_once() {
        const VENDOR: &[ErrorFields] = &[ErrorFields {
            code: "errorCode",
            message: "errorMessage",
        }];
        let pairs: Vec<ErrorFields> = ErrorFields::then_conventional(VENDOR).collect();
        assert_eq!(pairs, [VENDOR[0], ErrorFields::CONVENTIONAL]);
        let plain: Vec<ErrorFields> = ErrorFields::then_conventional(&[]).collect();
        assert_eq!(plain, [ErrorFields::CONVENTIONAL]);
        const LISTED: &[ErrorFields] = &[ErrorFields::CONVENTIONAL, VENDOR[0]];
        let listed: Vec<ErrorFields> = ErrorFields::then_conventional(LISTED).collect();
        assert_eq!(listed, LISTED);
    }
}
