//! Building a [`Client`]: endpoint (region or explicit URL), client parameters such as the
//! project ID, credentials, timeouts, retries and the hooks tests use (clock, sleep,
//! environment).
//!
//! ```no_run
//! # async fn demo() -> Result<(), metastudio::Error> {
//! use metastudio::runtime::{Credentials, RetryPolicy};
//! use std::time::Duration;
//!
//! let client = metastudio::Client::builder()
//!     .region("cn-north-4")
//!     .project_id("70b76xxxxxx34253880af501cdxxxxxx")
//!     .credentials(Credentials::ak_sk("HPUAEXAMPLEAK0000001", "…"))
//!     .timeout(Duration::from_secs(30))
//!     .retry(RetryPolicy::default().max_attempts(5))
//!     .build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! Or from the environment, like the vendor's SDKs (see [`ClientBuilder::with_env`]):
//!
//! ```no_run
//! # fn demo() -> Result<(), metastudio::Error> {
//! let client = metastudio::Client::builder().with_env().build()?;
//! # let _ = client; Ok(()) }
//! ```
//!
//! Defaults: region = the spec's default (`cn-north-4`), connect timeout **10 s**, request
//! timeout **60 s** per attempt, [`RetryPolicy::default`] (3 attempts), user agent
//! `metastudio-rust/<crate version>`, no redirects followed.

use crate::runtime::client::{Auth, ClientInner, Clock, Endpoint, SleepFn};
use crate::runtime::credentials::{Credentials, Secret};
use crate::runtime::retry::{RetryPolicy, Rng};
use crate::runtime::{AuthScheme, Client, Error, ServiceInfo};
use http::{HeaderName, HeaderValue};
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The default connect timeout: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default timeout of one attempt, from sending until the whole response body is read:
/// 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The user agent sent when none is configured, `<crate name>-rust/<crate version>` (for this
/// crate `metastudio-rust/<version>`); a configured
/// one is appended after `; `.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// Headers the client sets itself; `default_header` refuses them.
const RESERVED_HEADERS: &[(&str, &str)] = &[
    ("host", "it is the endpoint's authority"),
    (
        "authorization",
        "it is computed from the credentials; use .credentials(...)",
    ),
    ("x-sdk-date", "it is the signing time; use .clock(...)"),
    (
        "x-security-token",
        "it comes from the credentials; use .credentials(...)",
    ),
    (
        "x-auth-token",
        "it comes from the credentials; use .credentials(...)",
    ),
    (
        "x-project-id",
        "it comes from the project ID; use .project_id(...)",
    ),
    ("user-agent", "use .user_agent(...)"),
    ("content-type", "it is the operation's body media type"),
    ("content-length", "it is the body's length"),
    ("transfer-encoding", "it is chosen by the transport"),
    ("connection", "it is chosen by the transport"),
];

/// Reads an environment variable; `None` when it is unset.
type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Configures and builds a [`Client`]. Get one from the generated `Client::builder()`.
///
/// Every setter records a value; nothing is checked until [`build`](ClientBuilder::build), which
/// reports the first problem as [`Error::Config`] with what to change.
#[must_use = "call .build() to get a client"]
pub struct ClientBuilder {
    service: &'static ServiceInfo,
    region: Option<String>,
    endpoint: Option<String>,
    server_variables: Vec<(String, String)>,
    client_parameters: BTreeMap<String, String>,
    credentials: Option<Credentials>,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    clock: Clock,
    sleep: SleepFn,
    env: EnvLookup,
    deferred: Vec<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service", &self.service.title)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("server_variables", &self.server_variables)
            .field("client_parameters", &self.client_parameters)
            .field("credentials", &self.credentials)
            .field("user_agent", &self.user_agent)
            .field("default_headers", &header_names(&self.default_headers))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

/// Default-header names only: a value may be a secret the caller chose to send.
pub(crate) fn header_names(headers: &[(String, String)]) -> Vec<&str> {
    headers.iter().map(|(name, _)| name.as_str()).collect()
}

impl ClientBuilder {
    /// A builder for `service` with every default (see the [module docs](self)).
    pub fn new(service: &'static ServiceInfo) -> Self {
        ClientBuilder {
            service,
            region: None,
            endpoint: None,
            server_variables: Vec::new(),
            client_parameters: BTreeMap::new(),
            credentials: None,
            user_agent: None,
            default_headers: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            http_client: None,
            clock: Arc::new(SystemTime::now),
            sleep: Arc::new(|duration| Box::pin(tokio::time::sleep(duration))),
            env: Arc::new(|name| std::env::var(name).ok()),
            deferred: Vec::new(),
        }
    }

    /// The region, e.g. `cn-north-4`: fills the `{region}` variable of the spec's server URL
    /// (`https://metastudio.{region}.myhuaweicloud.com`).
    ///
    /// As in the vendor's SDKs, the environment variable `<prefix><REGION>` (for MetaStudio
    /// `HUAWEICLOUD_SDK_REGION_METASTUDIO_CN_NORTH_4`: the ID upper-cased, `-` → `_`) overrides
    /// the region's endpoint when set: it is a comma-separated list of endpoint URLs, of which
    /// the first is used. Such a region may then be one the spec does not list; any other
    /// region outside the spec's list is an error at `build`. An explicit
    /// [`endpoint`](ClientBuilder::endpoint) wins over both.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit endpoint, e.g. `https://metastudio.cn-north-4.myhuaweicloud.com` or a test
    /// server's `http://127.0.0.1:8080`. It replaces the region's endpoint.
    ///
    /// A URL without a scheme gets `https://`. `http://` is accepted only here (and in the
    /// environment variables that stand for this call): requests, tokens included, then travel
    /// unencrypted, which is meant for local test servers. A path (`https://host/prefix`) is
    /// put before every operation's path; user info, a query or a fragment is an error.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Sets a variable of the spec's server URL template (`{name}`). For `region`, prefer
    /// [`region`](ClientBuilder::region).
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.server_variables
            .retain(|(existing, _)| *existing != name);
        self.server_variables.push((name, value.into()));
        self
    }

    /// The project ID, filled into every operation's `{project_id}` and, with AK/SK signing,
    /// sent as `X-Project-Id`. Same as `.client_parameter("project_id", id)`.
    pub fn project_id(self, project_id: impl Into<String>) -> Self {
        self.client_parameter("project_id", project_id)
    }

    /// A value set once and filled into every operation that takes the parameter `name`
    /// (parameters marked `x-client-parameter` in the spec).
    pub fn client_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.client_parameters.insert(name.into(), value.into());
        self
    }

    /// How the client authenticates: [`Credentials::token`] (sent as `X-Auth-Token`) or
    /// [`Credentials::ak_sk`] (every request signed with SDK-HMAC-SHA256).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Your application's name and version, appended to the client's own user agent:
    /// `metastudio-rust/<version>; <user_agent>`, as the vendor's SDKs append theirs.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request (and signed with AK/SK, as the vendor signs every
    /// header). An operation's own header of the same name wins. Headers the client sets
    /// itself (`Authorization`, `Host`, `X-Sdk-Date`, `X-Auth-Token`, `X-Project-Id`,
    /// `User-Agent`, `Content-Type`, …) are refused at `build`; setting a name again replaces
    /// its value.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.default_headers
            .retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        self.default_headers.push((name, value.into()));
        self
    }

    /// The longest a TCP connect plus TLS handshake may take. Default 10 s. Not applied to a
    /// client given with [`http_client`](ClientBuilder::http_client), which keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest one attempt may take, from sending the request until the whole response
    /// body is read (a stalled body is a timeout too). Default 60 s. Retries get a fresh
    /// timeout each, so a call may take up to `attempts × timeout` plus the backoff delays.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How transient failures are retried. Default [`RetryPolicy::default`]; use
    /// [`RetryPolicy::disabled`] to send every request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses your own `reqwest::Client` (proxies, custom root certificates, connection pool
    /// settings). Its own timeouts and redirect policy apply; the client still enforces
    /// [`timeout`](ClientBuilder::timeout) per attempt. Without it the client builds one with
    /// rustls, the connect timeout and no redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Where the signing time (`X-Sdk-Date`) and `Retry-After` dates are read from. Default
    /// [`SystemTime::now`]; tests pin it.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How the client waits between attempts. Default `tokio::time::sleep`; tests record the
    /// delays and return at once.
    pub fn sleep<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.sleep = Arc::new(move |duration| Box::pin(sleep(duration)));
        self
    }

    /// Where [`with_env`](ClientBuilder::with_env) and the region override read environment
    /// variables. Default the process environment; tests pass a map.
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(lookup);
        self
    }

    /// Reads the configuration from the environment variables the spec names (its root
    /// extension `x-environment`), as the vendor's SDKs and examples do. Values set here replace
    /// earlier calls; later calls replace these. Empty variables count as unset.
    ///
    /// For MetaStudio:
    /// * project ID: `CLOUD_SDK_PROJECT_ID`, else `HUAWEICLOUD_SDK_PROJECT_ID`;
    /// * region: `CLOUD_SDK_REGION`;
    /// * endpoint: `CLOUD_SDK_ENDPOINT` (as [`endpoint`](ClientBuilder::endpoint));
    /// * credentials: [`Credentials::from_lookup`] (`CLOUD_SDK_AK`/`CLOUD_SDK_SK`, then
    ///   `HUAWEICLOUD_SDK_AK`/`HUAWEICLOUD_SDK_SK`, each with an optional security token, then
    ///   `CLOUD_SDK_TOKEN`). An incomplete pair is reported by `build`.
    pub fn with_env(mut self) -> Self {
        let env = Arc::clone(&self.env);
        let variables = &self.service.environment;
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| env(name).filter(|value| !value.is_empty()))
        };
        for parameter in variables.client_parameters {
            if let Some(value) = get(parameter.variables) {
                self.client_parameters
                    .insert(parameter.parameter.to_owned(), value);
            }
        }
        if let Some(region) = get(variables.region) {
            self.region = Some(region);
        }
        if let Some(endpoint) = get(variables.endpoint) {
            self.endpoint = Some(endpoint);
        }
        match Credentials::from_lookup(variables, |name| env(name)) {
            Ok(Some(credentials)) => self.credentials = Some(credentials),
            Ok(None) => {}
            Err(error) => self.deferred.push(error.to_string()),
        }
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails with [`Error::Config`] when: no endpoint can be resolved (a region the service
    /// does not have, a server variable without a value), an endpoint URL is malformed or not
    /// http(s), a header name or value cannot be sent, a client parameter is empty, a timeout
    /// is zero, the credentials do not match any auth scheme of the service (or none were
    /// given), or the HTTP client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(problem) = self.deferred.first() {
            return Err(Error::Config(problem.clone()));
        }
        let endpoint = self.resolve_endpoint()?;
        for (name, value) in &self.client_parameters {
            if value.trim().is_empty() {
                return Err(config(format!(
                    "the client parameter `{name}` is empty; set it to a non-empty value"
                )));
            }
            if HeaderValue::from_str(value).is_err() {
                return Err(config(format!(
                    "the client parameter `{name}` contains characters that cannot be sent \
                     (control characters or non-ASCII)"
                )));
            }
        }
        let auth = resolve_auth(self.service, self.credentials.as_ref())?;
        let user_agent = match &self.user_agent {
            Some(extra) if !extra.trim().is_empty() => format!("{DEFAULT_USER_AGENT}; {extra}"),
            _ => DEFAULT_USER_AGENT.to_owned(),
        };
        if HeaderValue::from_str(&user_agent).is_err() {
            return Err(config(
                "the user agent contains characters that cannot be sent in a header (control \
                 characters or non-ASCII)"
                    .to_owned(),
            ));
        }
        for (name, value) in &self.default_headers {
            check_default_header(name, value, self.service)?;
        }
        if self.timeout.is_zero() {
            return Err(config(
                "the timeout is zero; give .timeout(...) a positive duration".to_owned(),
            ));
        }
        if self.connect_timeout.is_zero() {
            return Err(config(
                "the connect timeout is zero; give .connect_timeout(...) a positive duration"
                    .to_owned(),
            ));
        }
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| config(format!("could not build the HTTP client: {error}")))?,
        };
        Ok(Client::from_inner(ClientInner {
            service: self.service,
            endpoint,
            client_parameters: self.client_parameters,
            credentials: self.credentials,
            auth,
            user_agent,
            default_headers: self.default_headers,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retry: self.retry,
            http,
            clock: self.clock,
            sleep: self.sleep,
            rng: Rng::from_time(),
        }))
    }

    /// The endpoint: explicit URL, else the region's environment override, else the spec's
    /// server URL with its variables filled.
    fn resolve_endpoint(&self) -> Result<Endpoint, Error> {
        if let Some(url) = &self.endpoint {
            return parse_endpoint(url, "the endpoint");
        }
        let service = self.service;
        let region_variable = service
            .server_variables
            .iter()
            .find(|variable| variable.name == "region");
        let region = self
            .region
            .clone()
            .or_else(|| {
                self.server_variables
                    .iter()
                    .find(|(name, _)| name == "region")
                    .map(|(_, value)| value.clone())
            })
            .or_else(|| region_variable.map(|variable| variable.default.to_owned()));
        if let (Some(region), Some(prefix)) = (&region, service.region_env_prefix) {
            let name = format!("{prefix}{}", region.to_uppercase().replace('-', "_"));
            if let Some(list) = (self.env)(&name) {
                let first = list.split(',').map(str::trim).find(|url| !url.is_empty());
                return match first {
                    Some(url) => parse_endpoint(url, &format!("the environment variable {name}")),
                    None => Err(config(format!(
                        "the environment variable {name} is set but lists no endpoint; give \
                         it a comma-separated list of URLs, or unset it"
                    ))),
                };
            }
        }
        if self.region.is_some() && region_variable.is_none() {
            return Err(config(format!(
                "{}'s server URL `{}` has no {{region}} variable, so .region(...) cannot \
                 choose its endpoint; use .endpoint(url)",
                service.title, service.server_url
            )));
        }
        for (name, _) in &self.server_variables {
            if !service.server_variables.iter().any(|v| v.name == name) {
                return Err(config(format!(
                    "{}'s server URL `{}` has no variable `{name}`; its variables are: {}",
                    service.title,
                    service.server_url,
                    list(service.server_variables.iter().map(|v| v.name))
                )));
            }
        }
        let mut url = service.server_url.to_owned();
        for variable in service.server_variables {
            let explicit = self
                .server_variables
                .iter()
                .find(|(name, _)| name == variable.name)
                .map(|(_, value)| value.as_str());
            let value = match (variable.name, &region) {
                ("region", Some(region)) if explicit.is_none() => region.as_str(),
                _ => explicit.unwrap_or(variable.default),
            };
            if value.is_empty() {
                return Err(config(format!(
                    "{}'s server URL `{}` needs a value for `{}`; set it with \
                     .server_variable(\"{}\", ...) or use .endpoint(url)",
                    service.title, service.server_url, variable.name, variable.name
                )));
            }
            if !variable.allowed.is_empty() && !variable.allowed.contains(&value) {
                let hint = match (variable.name, service.region_env_prefix) {
                    ("region", Some(prefix)) => format!(
                        ", or set the environment variable {prefix}{} to its endpoint",
                        value.to_uppercase().replace('-', "_")
                    ),
                    _ => String::new(),
                };
                return Err(config(format!(
                    "`{value}` is not a {} {} supports; the supported ones are: {}. Use one \
                     of them, or .endpoint(url){hint}",
                    variable.name,
                    service.title,
                    list(variable.allowed.iter().copied())
                )));
            }
            if !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            {
                return Err(config(format!(
                    "the {} `{value}` may only contain letters, digits, `-`, `.` and `_`",
                    variable.name
                )));
            }
            url = url.replace(&format!("{{{}}}", variable.name), value);
        }
        if let Some(start) = url.find('{') {
            let rest = &url[start..];
            let name = rest.split('}').next().unwrap_or(rest);
            return Err(config(format!(
                "{}'s server URL `{}` uses {name}}} but the spec declares no such variable; \
                 use .endpoint(url)",
                service.title, service.server_url
            )));
        }
        parse_endpoint(&url, &format!("{}'s server URL", service.title))
    }
}

fn config(message: String) -> Error {
    Error::Config(message)
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    if items.is_empty() {
        "(none)".to_owned()
    } else {
        items.join(", ")
    }
}

/// Parses an endpoint URL: adds `https://` when there is no scheme, accepts `http` and `https`
/// only, keeps the authority exactly as written (it is signed as `Host`), refuses user info,
/// queries and fragments, and drops a trailing `/` from the path.
pub(crate) fn parse_endpoint(raw: &str, origin: &str) -> Result<Endpoint, Error> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(config(format!(
            "{origin} is empty; give a URL such as https://metastudio.cn-north-4.myhuaweicloud.com"
        )));
    }
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("https".to_owned(), trimmed),
    };
    if scheme != "https" && scheme != "http" {
        return Err(config(format!(
            "{origin} `{trimmed}` has the scheme `{scheme}`; use https:// (or http:// for a \
             local test server)"
        )));
    }
    let split = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.is_empty() {
        return Err(config(format!("{origin} `{trimmed}` has no host")));
    }
    if authority.contains('@') {
        return Err(config(format!(
            "{origin} must not contain user info (`user@host`); pass credentials with \
             .credentials(...)"
        )));
    }
    if path.contains(['?', '#']) {
        return Err(config(format!(
            "{origin} `{trimmed}` has a query or fragment; give only scheme, host, port and an \
             optional path"
        )));
    }
    let path = path.trim_end_matches('/');
    let base = format!("{scheme}://{authority}{path}");
    let parsed = reqwest::Url::parse(&base)
        .map_err(|error| config(format!("{origin} `{trimmed}` is not a valid URL: {error}")))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(config(format!("{origin} `{trimmed}` has no host")));
    }
    if HeaderValue::from_str(authority).is_err() {
        return Err(config(format!(
            "{origin} `{trimmed}` has a host that cannot be sent in the Host header"
        )));
    }
    Ok(Endpoint {
        origin: format!("{scheme}://{authority}"),
        base,
        authority: authority.to_owned(),
        path_prefix: path.to_owned(),
    })
}

/// Picks how the credentials are applied, from the schemes the spec declares.
fn resolve_auth(service: &ServiceInfo, credentials: Option<&Credentials>) -> Result<Auth, Error> {
    let schemes = service.auth_schemes;
    let describe = || {
        list(schemes.iter().map(|scheme| match scheme {
            AuthScheme::ApiKeyHeader { .. } => "token (header)",
            AuthScheme::ApiKeyQuery { .. } => "token (query)",
            AuthScheme::ApiKeyCookie { .. } => "token (cookie)",
            AuthScheme::Bearer => "bearer token",
            AuthScheme::Basic => "basic",
            AuthScheme::SdkHmacSha256 => "AK/SK",
        }))
    };
    match credentials {
        None if schemes.is_empty() => Ok(Auth::None),
        None => {
            let variables = &service.environment;
            let from_env = match (variables.ak_sk.first(), variables.token.first()) {
                (Some(pair), _) => {
                    format!(", or set {} and {} and call .with_env()", pair.ak, pair.sk)
                }
                (None, Some(token)) => format!(", or set {token} and call .with_env()"),
                (None, None) => String::new(),
            };
            let mut constructors: Vec<&str> = Vec::new();
            for scheme in schemes {
                let constructor = match scheme {
                    AuthScheme::SdkHmacSha256 => "Credentials::ak_sk(ak, sk)",
                    AuthScheme::Basic => "Credentials::basic(user, password)",
                    _ => "Credentials::token(token)",
                };
                if !constructors.contains(&constructor) {
                    constructors.push(constructor);
                }
            }
            Err(config(format!(
                "no credentials: {} requires {}. Call .credentials({}){from_env}",
                service.title,
                describe(),
                constructors.join(") or .credentials(")
            )))
        }
        Some(Credentials::Token(token)) => {
            check_secret(token, "the token")?;
            schemes
                .iter()
                .find_map(|scheme| match *scheme {
                    AuthScheme::ApiKeyHeader { name } => Some(Auth::Header {
                        name,
                        token: token.clone(),
                    }),
                    AuthScheme::ApiKeyQuery { name } => Some(Auth::Query {
                        name,
                        token: token.clone(),
                    }),
                    AuthScheme::ApiKeyCookie { name } => Some(Auth::Cookie {
                        name,
                        token: token.clone(),
                    }),
                    AuthScheme::Bearer => Some(Auth::Bearer(token.clone())),
                    _ => None,
                })
                .ok_or_else(|| {
                    config(format!(
                        "{} does not accept token credentials (its schemes: {}); use \
                         Credentials::ak_sk",
                        service.title,
                        describe()
                    ))
                })
        }
        Some(Credentials::AkSk(aksk)) => {
            if !schemes.contains(&AuthScheme::SdkHmacSha256) {
                return Err(config(format!(
                    "{} does not accept AK/SK credentials (its schemes: {}); use \
                     Credentials::token",
                    service.title,
                    describe()
                )));
            }
            if aksk.ak.trim().is_empty() {
                return Err(config("the access key (AK) is empty".to_owned()));
            }
            if HeaderValue::from_str(&aksk.ak).is_err() {
                return Err(config(
                    "the access key (AK) contains characters that cannot be sent in a header"
                        .to_owned(),
                ));
            }
            if aksk.sk.expose().is_empty() {
                return Err(config("the secret key (SK) is empty".to_owned()));
            }
            if let Some(token) = &aksk.security_token {
                check_secret(token, "the security token")?;
            }
            Ok(Auth::Signed(aksk.clone()))
        }
        Some(Credentials::Basic { username, password }) => {
            if !schemes.contains(&AuthScheme::Basic) {
                return Err(config(format!(
                    "{} does not accept basic credentials (its schemes: {})",
                    service.title,
                    describe()
                )));
            }
            if username.contains(':') {
                return Err(config(
                    "the basic-auth user name contains `:`, which basic authentication cannot carry"
                        .to_owned(),
                ));
            }
            let encoded = Secret::new(format!(
                "Basic {}",
                base64(format!("{username}:{}", password.expose()).as_bytes())
            ));
            check_secret(&encoded, "the basic credentials")?;
            Ok(Auth::Basic(encoded))
        }
    }
}

/// Standard base64 with padding (RFC 4648), for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A secret sent in a header must be a valid header value; the error never shows it.
fn check_secret(secret: &Secret, what: &str) -> Result<(), Error> {
    if secret.expose().trim().is_empty() {
        return Err(config(format!("{what} is empty")));
    }
    if HeaderValue::from_str(secret.expose()).is_err() {
        return Err(config(format!(
            "{what} contains characters that cannot be sent in a header (control characters \
             such as a line break, or non-ASCII); check how it was read"
        )));
    }
    Ok(())
}

fn check_default_header(name: &str, value: &str, service: &ServiceInfo) -> Result<(), Error> {
    let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        config(format!(
            "the default header name `{}` is not a valid HTTP header name",
            name.escape_debug()
        ))
    })?;
    if let Some((_, why)) = RESERVED_HEADERS
        .iter()
        .find(|(reserved, _)| *reserved == parsed.as_str())
    {
        return Err(config(format!(
            "the default header `{name}` is set by the client itself: {why}"
        )));
    }
    let token_header = service.auth_schemes.iter().any(|scheme| {
        matches!(scheme, AuthScheme::ApiKeyHeader { name: token } if token.eq_ignore_ascii_case(name))
    });
    if token_header {
        return Err(config(format!(
            "the default header `{name}` carries the token; use .credentials(Credentials::token(...))"
        )));
    }
    if HeaderValue::from_bytes(value.as_bytes()).is_err() {
        return Err(config(format!(
            "the default header `{name}` has a value that cannot be sent (control characters \
             such as a line break)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected, "base64({input:?})");
        }
    }

    #[test]
    fn endpoints_are_parsed_and_kept_as_written() {
        let e = parse_endpoint("metastudio.cn-north-4.myhuaweicloud.com", "e").unwrap();
        assert_eq!(e.base, "https://metastudio.cn-north-4.myhuaweicloud.com");
        assert_eq!(e.authority, "metastudio.cn-north-4.myhuaweicloud.com");
        let e = parse_endpoint("http://127.0.0.1:8080/", "e").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:8080");
        assert_eq!(e.authority, "127.0.0.1:8080");
        assert_eq!(e.path_prefix, "");
        let e = parse_endpoint(" HTTPS://Example.com:443/gw/ ", "e").unwrap();
        assert_eq!(e.base, "https://Example.com:443/gw");
        assert_eq!(e.authority, "Example.com:443");
        assert_eq!(e.path_prefix, "/gw");
        let e = parse_endpoint("http://[::1]:9000", "e").unwrap();
        assert_eq!(e.authority, "[::1]:9000");
    }

    #[test]
    fn bad_endpoints_say_what_is_wrong() {
        let message = |url: &str| parse_endpoint(url, "the endpoint").unwrap_err().to_string();
        assert!(message("ftp://host").contains("scheme `ftp`"));
        assert!(message("https://user:pw@host").contains("user info"));
        assert!(!message("https://user:pw@host").contains("pw"));
        assert!(message("https://host/?a=b").contains("query or fragment"));
        assert!(message("https://").contains("no host"));
        assert!(message("").contains("is empty"));
        assert!(message("https://ho st").contains("not a valid URL"));
    }
}
