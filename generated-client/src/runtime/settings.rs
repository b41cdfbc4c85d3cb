//! The resolved configuration a client sends with: endpoint, authentication, client
//! parameters, headers, timeouts, limits and the retry policy.
//!
//! [`Settings::resolve`] is the one way to make them, from what the
//! [builder](crate::runtime::ClientBuilder) recorded ([`Requested`]); it checks everything once,
//! so that the transport can rely on it: the endpoint parses, fixed credentials fit a scheme of
//! the spec (a provider's are checked each time it gives some), every header can be sent,
//! client parameters meet the spec's constraints, and timeouts and limits are positive.
//!
//! The one thing that changes after that is the clock offset a server's refusal of a
//! signature's time teaches the client: kept here, so that every clone of a client signs with
//! it.

use crate::runtime::auth;
use crate::runtime::endpoint::{self, Endpoint, EndpointChoice};
use crate::runtime::error::Error;
use crate::runtime::refresh::{AuthSource, CredentialSource, CredentialsCache};
#[cfg(feature = "aksk")]
use crate::runtime::refusal::ClockOffset;
use crate::runtime::retry::{RetryPolicy, Rng};
use crate::runtime::service::{AuthScheme, ClientParameter, ServiceInfo};
use crate::runtime::validate;
use http::{HeaderName, HeaderValue};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
#[cfg(feature = "aksk")]
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// The default connect timeout: 10 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default timeout of one attempt, from sending until the whole response body is read:
/// 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The user agent sent when none is configured: `<crate name>-rust/<crate version>`, from the
/// crate this runtime is part of. A configured one is appended after `; `.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));
/// The default largest response body the client reads: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;
/// The default longest a streamed answer may go without a byte arriving: 60 seconds.
#[cfg(feature = "streaming")]
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The clock the client reads (signing dates, `Retry-After` dates).
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
/// How the client waits between attempts.
pub(crate) type SleepFn =
    Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;
/// Reads an environment variable; `None` when it is unset.
pub(crate) type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Headers the client sets itself; `default_header` refuses them.
const RESERVED_HEADERS: &[(&str, &str)] = &[
    ("host", "it is the endpoint's authority"),
    (
        "authorization",
        "it is computed from the credentials; use .credentials(...)",
    ),
    ("user-agent", "use .user_agent(...)"),
    ("content-type", "it is the operation's body media type"),
    ("content-length", "it is the body's length"),
    ("transfer-encoding", "it is chosen by the transport"),
    ("connection", "it is chosen by the transport"),
];

/// Headers the SDK-HMAC-SHA256 signer sets.
#[cfg(feature = "aksk")]
const SIGNER_HEADERS: &[(&str, &str)] = &[
    ("x-sdk-date", "it is the signing time; use .clock(...)"),
    (
        "x-security-token",
        "it comes from the credentials; use .credentials(...)",
    ),
];

/// What the builder recorded: the configuration before anything is checked.
pub(crate) struct Requested {
    pub(crate) service: &'static ServiceInfo,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) server_variables: Vec<(String, String)>,
    pub(crate) client_parameters: BTreeMap<String, String>,
    pub(crate) credentials: Option<CredentialSource>,
    pub(crate) credentials_refresh_margin: Duration,
    pub(crate) user_agent: Option<String>,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_size: u64,
    #[cfg(feature = "pagination")]
    pub(crate) max_pages: u64,
    #[cfg(feature = "streaming")]
    pub(crate) idle_timeout: Duration,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) clock: Clock,
    pub(crate) sleep: SleepFn,
    pub(crate) env: EnvLookup,
    /// Problems found while recording (from the environment), reported by `build`.
    pub(crate) deferred: Vec<String>,
}

impl Requested {
    /// Every default, for `service`.
    pub(crate) fn new(service: &'static ServiceInfo) -> Self {
        Requested {
            service,
            region: None,
            endpoint: None,
            server_variables: Vec::new(),
            client_parameters: BTreeMap::new(),
            credentials: None,
            credentials_refresh_margin: crate::runtime::refresh::DEFAULT_REFRESH_MARGIN,
            user_agent: None,
            default_headers: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            #[cfg(feature = "pagination")]
            max_pages: crate::runtime::paginate::DEFAULT_MAX_PAGES,
            #[cfg(feature = "streaming")]
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            http_client: None,
            clock: Arc::new(SystemTime::now),
            sleep: Arc::new(|duration| Box::pin(tokio::time::sleep(duration))),
            env: Arc::new(|name| std::env::var(name).ok()),
            deferred: Vec::new(),
        }
    }
}

/// The resolved configuration, shared by every clone of a client.
pub(crate) struct Settings {
    pub(crate) service: &'static ServiceInfo,
    pub(crate) endpoint: Endpoint,
    pub(crate) client_parameters: BTreeMap<String, String>,
    pub(crate) credentials: Option<CredentialSource>,
    pub(crate) auth: AuthSource,
    pub(crate) user_agent: String,
    /// [`Settings::user_agent`] as sent, made once.
    pub(crate) user_agent_header: HeaderValue,
    /// The service's request id header, parsed once (`None` if it is not a header name).
    pub(crate) request_id_header: Option<HeaderName>,
    pub(crate) default_headers: Vec<(String, String)>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_size: u64,
    #[cfg(feature = "pagination")]
    pub(crate) max_pages: u64,
    #[cfg(feature = "streaming")]
    pub(crate) idle_timeout: Duration,
    pub(crate) http: reqwest::Client,
    pub(crate) clock: Clock,
    pub(crate) sleep: SleepFn,
    pub(crate) rng: Rng,
    /// The server's clock minus this machine's, in seconds, as a server's refusal of a
    /// signature's time showed it (zero until one does).
    #[cfg(feature = "aksk")]
    pub(crate) clock_offset: AtomicI64,
}

impl Settings {
    /// Checks what was requested and resolves it; the first problem is an [`Error::Config`]
    /// saying what to change.
    pub(crate) fn resolve(requested: Requested) -> Result<Settings, Error> {
        if let Some(problem) = requested.deferred.first() {
            return Err(Error::Config(problem.clone()));
        }
        let service = requested.service;
        let endpoint = endpoint::resolve(
            service,
            &EndpointChoice {
                explicit: requested.endpoint.as_deref(),
                region: requested.region.as_deref(),
                server_variables: &requested.server_variables,
                env: &*requested.env,
            },
        )?;
        for (name, value) in &requested.client_parameters {
            check_client_parameter(service, name, value)?;
        }
        let auth = match &requested.credentials {
            Some(CredentialSource::Provider(provider)) => {
                if service.auth_schemes.is_empty() {
                    return Err(config(format!(
                        "{} declares no security schemes, so a credentials provider has \
                         nothing to authenticate; leave it out",
                        service.title
                    )));
                }
                AuthSource::Provided(CredentialsCache::new(
                    service,
                    Arc::clone(provider),
                    requested.credentials_refresh_margin,
                ))
            }
            Some(CredentialSource::Fixed(credentials)) => {
                AuthSource::Fixed(Arc::new(auth::resolve(service, Some(credentials))?))
            }
            None => AuthSource::Fixed(Arc::new(auth::resolve(service, None)?)),
        };
        let (user_agent, user_agent_header) = user_agent(requested.user_agent.as_deref())?;
        for (name, value) in &requested.default_headers {
            check_extra_header(service, "default header", name, value)?;
        }
        check_limits(&requested)?;
        let http = http_client(&requested)?;
        Ok(Settings {
            service,
            endpoint,
            client_parameters: requested.client_parameters,
            credentials: requested.credentials,
            auth,
            user_agent,
            user_agent_header,
            request_id_header: HeaderName::from_bytes(service.request_id_header.as_bytes()).ok(),
            default_headers: requested.default_headers,
            connect_timeout: requested.connect_timeout,
            timeout: requested.timeout,
            retry: requested.retry,
            max_response_size: requested.max_response_size,
            #[cfg(feature = "pagination")]
            max_pages: requested.max_pages,
            #[cfg(feature = "streaming")]
            idle_timeout: requested.idle_timeout,
            http,
            clock: requested.clock,
            sleep: requested.sleep,
            rng: Rng::from_time(),
            #[cfg(feature = "aksk")]
            clock_offset: AtomicI64::new(0),
        })
    }

    /// The server's time as far as the client knows at `local` (this machine's clock): `local`
    /// corrected by the offset a server showed, if any.
    pub(crate) fn server_time(&self, local: SystemTime) -> SystemTime {
        #[cfg(feature = "aksk")]
        if let Some(corrected) = self.clock_offset().apply(local) {
            return corrected;
        }
        local
    }

    /// The offset the client corrects its clock by when it signs (zero until a server's
    /// refusal of a signature's time showed one).
    #[cfg(feature = "aksk")]
    pub(crate) fn clock_offset(&self) -> ClockOffset {
        ClockOffset::from_seconds(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Keeps `offset` for every later request of this client and its clones.
    #[cfg(feature = "aksk")]
    pub(crate) fn set_clock_offset(&self, offset: ClockOffset) {
        self.clock_offset.store(offset.seconds(), Ordering::Relaxed);
    }
}

/// Default-header names only: a value may be a secret the caller chose to send.
pub(crate) fn header_names(headers: &[(String, String)]) -> Vec<&str> {
    headers.iter().map(|(name, _)| name.as_str()).collect()
}

fn config(message: String) -> Error {
    Error::Config(message)
}

/// A client parameter is non-empty, can be sent in a header, and meets the constraints the
/// spec gives it.
fn check_client_parameter(service: &ServiceInfo, name: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(config(format!(
            "the client parameter `{name}` is empty; set it to a non-empty value"
        )));
    }
    if HeaderValue::from_str(value).is_err() {
        return Err(config(format!(
            "the client parameter `{name}` contains characters that cannot be sent (control \
             characters or non-ASCII)"
        )));
    }
    match service.client_parameter(name) {
        Some(parameter) => check_constraints(parameter, value).map_err(|error| match error {
            Error::Validation { parameter, rule } => config(format!(
                "the client parameter `{parameter}` {rule}; the spec of {} requires it",
                service.title
            )),
            other => other,
        }),
        None => Ok(()),
    }
}

/// The spec's `minLength`, `maxLength`, `pattern` and `enum` of a client parameter.
fn check_constraints(parameter: &ClientParameter, value: &str) -> Result<(), Error> {
    let name = parameter.name;
    if let Some(min) = parameter.min_length {
        validate::min_length(name, value, min)?;
    }
    if let Some(max) = parameter.max_length {
        validate::max_length(name, value, max)?;
    }
    if let Some(pattern) = parameter.pattern {
        validate::pattern(name, value, pattern)?;
    }
    if !parameter.allowed.is_empty() && !parameter.allowed.contains(&value) {
        return Err(Error::validation(
            name,
            format!(
                "must be one of {}",
                endpoint::list(parameter.allowed.iter().copied())
            ),
        ));
    }
    Ok(())
}

/// `<crate>-rust/<version>`, with the caller's own part after `; `, and as a header value.
fn user_agent(extra: Option<&str>) -> Result<(String, HeaderValue), Error> {
    let user_agent = match extra {
        Some(extra) if !extra.trim().is_empty() => format!("{DEFAULT_USER_AGENT}; {extra}"),
        _ => DEFAULT_USER_AGENT.to_owned(),
    };
    match HeaderValue::from_str(&user_agent) {
        Ok(header) => Ok((user_agent, header)),
        Err(_) => Err(config(
            "the user agent contains characters that cannot be sent in a header (control \
             characters or non-ASCII)"
                .to_owned(),
        )),
    }
}

/// A default header must be sendable and not one the client sets itself.
/// A header the caller adds (a `what`: a default header, or a call's header) must be a valid
/// name and value, and not one the client sets itself.
pub(crate) fn check_extra_header(
    service: &ServiceInfo,
    what: &str,
    name: &str,
    value: &str,
) -> Result<(), Error> {
    let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        config(format!(
            "the {what} name `{}` is not a valid HTTP header name",
            name.escape_debug()
        ))
    })?;
    if let Some(why) = reserved_header(service, parsed.as_str()) {
        return Err(config(format!(
            "the {what} `{name}` is set by the client itself: {why}"
        )));
    }
    if HeaderValue::from_bytes(value.as_bytes()).is_err() {
        return Err(config(format!(
            "the {what} `{name}` has a value that cannot be sent (control characters \
             such as a line break)"
        )));
    }
    Ok(())
}

/// Why the client sets header `name` (lower case) itself, if it does: the fixed ones, the
/// token header of an API-key scheme, and the headers a scheme fills from client parameters.
fn reserved_header(service: &ServiceInfo, name: &str) -> Option<String> {
    if let Some((_, why)) = RESERVED_HEADERS
        .iter()
        .find(|(reserved, _)| *reserved == name)
    {
        return Some((*why).to_owned());
    }
    #[cfg(feature = "aksk")]
    if let Some((_, why)) = SIGNER_HEADERS
        .iter()
        .find(|(reserved, _)| *reserved == name)
    {
        return Some((*why).to_owned());
    }
    service.auth_schemes.iter().find_map(|scheme| match scheme {
        AuthScheme::ApiKeyHeader { name: token } if token.eq_ignore_ascii_case(name) => {
            Some("it carries the token; use .credentials(Credentials::token(...))".to_owned())
        }
        #[cfg(feature = "aksk")]
        AuthScheme::SdkHmacSha256 {
            parameter_headers, ..
        } => parameter_headers
            .iter()
            .find(|header| header.header.eq_ignore_ascii_case(name))
            .map(|header| {
                format!(
                    "it carries the client parameter `{}`; set that on the builder",
                    header.parameter
                )
            }),
        _ => None,
    })
}

/// Timeouts and the response-size limit must be positive.
fn check_limits(requested: &Requested) -> Result<(), Error> {
    if requested.timeout.is_zero() {
        return Err(config(
            "the timeout is zero; give .timeout(...) a positive duration".to_owned(),
        ));
    }
    if requested.connect_timeout.is_zero() {
        return Err(config(
            "the connect timeout is zero; give .connect_timeout(...) a positive duration"
                .to_owned(),
        ));
    }
    if requested.max_response_size == 0 {
        return Err(config(
            "the maximum response size is zero; give .max_response_size(...) a positive \
             number of bytes"
                .to_owned(),
        ));
    }
    #[cfg(feature = "streaming")]
    if requested.idle_timeout.is_zero() {
        return Err(config(
            "the idle timeout is zero; give .idle_timeout(...) a positive duration".to_owned(),
        ));
    }
    Ok(())
}

/// The caller's HTTP client, or one with rustls, the connect timeout and no redirects. It has
/// no request timeout of its own: the transport times each attempt, with one timer (and a
/// streamed body has its own idle timeout).
fn http_client(requested: &Requested) -> Result<reqwest::Client, Error> {
    if let Some(client) = &requested.http_client {
        return Ok(client.clone());
    }
    reqwest::Client::builder()
        .connect_timeout(requested.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|error| config(format!("could not build the HTTP client: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    static CONSTRAINED: ServiceInfo = ServiceInfo {
        title: "Constrained",
        server_url: "https://api.example.com",
        client_parameters: &[ClientParameter {
            name: "tenant_id",
            setter: "tenant_id",
            min_length: Some(3),
            max_length: Some(8),
            pattern: Some("^[a-z]+$"),
            allowed: &[],
        }],
        ..ServiceInfo::EMPTY
    };

    fn resolve(tenant: &str) -> Result<Settings, Error> {
        let mut requested = Requested::new(&CONSTRAINED);
        requested
            .client_parameters
            .insert("tenant_id".to_owned(), tenant.to_owned());
        Settings::resolve(requested)
    }

    fn message(result: Result<Settings, Error>) -> String {
        match result {
            Err(Error::Config(message)) => message,
            Err(other) => panic!("expected a configuration error, got {other:?}"),
            Ok(_) => panic!("expected a configuration error"),
        }
    }

    #[test]
    fn client_parameters_meet_the_spec_constraints() {
        assert!(resolve("acme").is_ok());
        assert_eq!(
            message(resolve("ab")),
            "the client parameter `tenant_id` must be at least 3 characters long (is 2); the \
             spec of Constrained requires it"
        );
        assert!(message(resolve("abcdefghi")).contains("at most 8 characters"));
        assert!(message(resolve("ACME")).contains("must match the pattern `^[a-z]+$`"));
    }

    #[test]
    fn the_response_size_limit_must_be_positive() {
        let mut requested = Requested::new(&CONSTRAINED);
        requested.max_response_size = 0;
        assert!(message(Settings::resolve(requested)).contains("maximum response size is zero"));
    }
}
