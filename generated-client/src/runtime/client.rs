//! The client: configuration, authentication and the transport that sends an
//! [`OperationRequest`](crate::runtime::OperationRequest).
//!
//! Placeholder contract: the runtime issue replaces the bodies; generated code relies only on
//! `Client::execute` and `Client::client_parameter`.

use crate::runtime::{Error, OperationRequest, RawResponse};

/// A MetaStudio client. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct Client {
    _private: (),
}

impl Client {
    /// Sends one operation's request (authenticating, retrying and timing out as configured) and
    /// returns the response, whatever its status.
    pub async fn execute(&self, request: OperationRequest) -> Result<RawResponse, Error> {
        let _ = request;
        Err(Error::Config("the transport is not implemented yet".into()))
    }

    /// A value set once on the client and filled into every operation that takes it
    /// (parameters marked `x-client-parameter` in the spec, such as `project_id`).
    pub fn client_parameter(&self, name: &str) -> Result<&str, Error> {
        Err(Error::Config(format!("`{name}` is not set on the client")))
    }
}

/// What the generated code knows about the service, taken from the spec: servers, auth schemes
/// and vendor extensions. Generated code emits one `SERVICE` constant of this type.
#[derive(Debug, Clone, Copy)]
pub struct ServiceInfo {
    /// `info.title`.
    pub title: &'static str,
    /// `info.version`.
    pub version: &'static str,
    /// The first server's URL template, e.g. `https://metastudio.{region}.myhuaweicloud.com`.
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
    /// `type: apiKey, in: header`: the token goes in this header (e.g. `X-Auth-Token`).
    ApiKeyHeader {
        /// The header name.
        name: &'static str,
    },
    /// `type: apiKey, in: query`.
    ApiKeyQuery {
        /// The query parameter name.
        name: &'static str,
    },
    /// `type: http, scheme: bearer`.
    Bearer,
    /// `type: http, scheme: basic`.
    Basic,
    /// A scheme marked `x-signer: sdk-hmac-sha256`: requests are signed with AK/SK.
    SdkHmacSha256,
}
