//! The client: configuration, authentication and the transport that sends an
//! [`OperationRequest`].
//!
//! Build one with the generated `Client::builder()` (a [`ClientBuilder`]); see
//! [`config`](crate::runtime::config) for every option and its default, and
//! [`transport`](crate::runtime::transport) for what goes on the wire.

use crate::runtime::config::{ClientBuilder, header_names};
use crate::runtime::credentials::{AkSk, Credentials, Secret};
use crate::runtime::retry::{RetryPolicy, Rng};
use crate::runtime::{Error, OperationRequest, RawResponse};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The clock the client signs with.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
/// How the client waits between attempts.
pub(crate) type SleepFn =
    Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A MetaStudio client. Cheap to clone (the configuration and connection pool are shared); make
/// one per process and clone it where needed.
///
/// Its `Debug` output never shows a secret: tokens and secret keys print as `** redacted **`,
/// default headers by name only.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

/// The resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `scheme://authority[/path prefix]`, no trailing `/`.
    pub(crate) base: String,
    /// `scheme://authority`.
    pub(crate) origin: String,
    /// The authority exactly as configured (signed and sent as `Host`).
    pub(crate) authority: String,
    /// The endpoint's own path (empty, or `/prefix`), put before every operation's path.
    pub(crate) path_prefix: String,
}

/// How requests are authenticated, resolved from the credentials and the spec's schemes.
#[derive(Debug, Clone)]
pub(crate) enum Auth {
    /// No credentials (a service without security schemes).
    None,
    /// `<name>: <token>`.
    Header { name: &'static str, token: Secret },
    /// `?<name>=<token>`.
    Query { name: &'static str, token: Secret },
    /// `Cookie: <name>=<token>`.
    Cookie { name: &'static str, token: Secret },
    /// `Authorization: Bearer <token>`.
    Bearer(Secret),
    /// `Authorization: Basic <base64(user:password)>`, encoded once when the client is built.
    Basic(Secret),
    /// SDK-HMAC-SHA256.
    Signed(AkSk),
}

/// Everything a client shares between its clones.
pub(crate) struct ClientInner {
    pub(crate) service: &'static ServiceInfo,
    pub(crate) endpoint: Endpoint,
    pub(crate) client_parameters: BTreeMap<String, String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) auth: Auth,
    pub(crate) user_agent: String,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) http: reqwest::Client,
    pub(crate) clock: Clock,
    pub(crate) sleep: SleepFn,
    pub(crate) rng: Rng,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("service", &inner.service.title)
            .field("endpoint", &inner.endpoint.base)
            .field("client_parameters", &inner.client_parameters)
            .field("credentials", &inner.credentials)
            .field("user_agent", &inner.user_agent)
            .field("default_headers", &header_names(&inner.default_headers))
            .field("connect_timeout", &inner.connect_timeout)
            .field("timeout", &inner.timeout)
            .field("retry", &inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_inner(inner: ClientInner) -> Self {
        Client {
            inner: Arc::new(inner),
        }
    }

    /// A builder for any service description (generated code calls this as
    /// `Client::builder()` with its own `SERVICE`).
    pub fn builder_for(service: &'static ServiceInfo) -> ClientBuilder {
        ClientBuilder::new(service)
    }

    /// Sends one operation's request (authenticating, retrying and timing out as configured) and
    /// returns the response, whatever its status. See [`transport`](crate::runtime::transport).
    pub async fn execute(&self, request: OperationRequest) -> Result<RawResponse, Error> {
        crate::runtime::transport::execute(&self.inner, request).await
    }

    /// `, or set VAR and call .with_env()` when the spec names variables for `parameter`.
    fn variables_hint(&self, parameter: &str) -> String {
        self.inner
            .service
            .environment
            .client_parameters
            .iter()
            .find(|p| p.parameter == parameter)
            .and_then(|p| p.variables.first())
            .map(|variable| format!(", or set {variable} and call .with_env()"))
            .unwrap_or_default()
    }

    /// A value set once on the client and filled into every operation that takes it
    /// (parameters marked `x-client-parameter` in the spec, such as `project_id`).
    pub fn client_parameter(&self, name: &str) -> Result<&str, Error> {
        match self.inner.client_parameters.get(name) {
            Some(value) => Ok(value),
            None if name == "project_id" => Err(Error::Config(format!(
                "the project ID is not set: call .project_id(id) on the client builder{}",
                self.variables_hint(name)
            ))),
            None => Err(Error::Config(format!(
                "`{name}` is not set on the client: call .client_parameter(\"{name}\", value) on \
                 the client builder{}",
                self.variables_hint(name)
            ))),
        }
    }

    /// The endpoint every request goes to, e.g. `https://metastudio.cn-north-4.myhuaweicloud.com`.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint.base
    }

    /// The service this client calls.
    pub fn service(&self) -> &'static ServiceInfo {
        self.inner.service
    }

    /// The timeout of one attempt.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The `User-Agent` sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
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
    /// Root extension `x-environment`: the environment variables
    /// [`ClientBuilder::with_env`](crate::runtime::ClientBuilder::with_env) reads.
    pub environment: Environment,
}

/// The environment variables a client reads its configuration from, as the spec's root
/// extension `x-environment` names them. In each list the first variable that is set wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// The region (`.region(...)`).
    pub region: &'static [&'static str],
    /// An explicit endpoint URL (`.endpoint(...)`).
    pub endpoint: &'static [&'static str],
    /// Client parameters (`x-client-parameter`), e.g. the project ID.
    pub client_parameters: &'static [ParameterVariables],
    /// AK/SK pairs, each with its security-token variable, consulted in order.
    pub ak_sk: &'static [AkSkVariables],
    /// A token, consulted after the AK/SK pairs.
    pub token: &'static [&'static str],
}

impl Environment {
    /// No variables at all.
    pub const NONE: Environment = Environment {
        region: &[],
        endpoint: &[],
        client_parameters: &[],
        ak_sk: &[],
        token: &[],
    };
}

/// The variables holding one client parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterVariables {
    /// The parameter's name in the spec, e.g. `project_id`.
    pub parameter: &'static str,
    /// The variables, first set wins.
    pub variables: &'static [&'static str],
}

/// The variables holding one AK/SK pair.
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
    SdkHmacSha256,
}
