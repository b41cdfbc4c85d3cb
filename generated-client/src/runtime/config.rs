//! Configuring a [`Client`](crate::runtime::Client): endpoint (region or explicit URL), client
//! parameters, credentials, timeouts, limits, retries and the hooks tests use (clock, sleep,
//! environment).
//!
//! Get a builder from the generated `Client::builder()`, set what differs from the defaults and
//! call [`build`](ClientBuilder::build); or read everything from the environment variables the
//! spec names with [`with_env`](ClientBuilder::with_env) (the generated `Client::from_env()`
//! does both). The crate's own documentation shows an example for its service.
//!
//! Defaults: region = the spec's default, connect timeout **10 s**, request timeout **60 s**
//! per attempt, [`RetryPolicy::default`] (3 attempts), responses of at most **32 MiB**, user
//! agent `<crate name>-rust/<crate version>`, no redirects followed.
//!
//! Every parameter the spec marks `x-client-parameter` also has a setter of its own name,
//! generated with the client.

use crate::runtime::credentials::{Credentials, ProvideCredentials};
use crate::runtime::refresh::CredentialSource;
pub use crate::runtime::refresh::DEFAULT_REFRESH_MARGIN;
use crate::runtime::retry::RetryPolicy;
use crate::runtime::service::ServiceInfo;
#[cfg(feature = "streaming")]
pub use crate::runtime::settings::DEFAULT_IDLE_TIMEOUT;
pub use crate::runtime::settings::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
use crate::runtime::settings::{Requested, header_names};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Configures and builds a [`Client`](crate::runtime::Client). Get one from the generated
/// `Client::builder()`.
///
/// Every setter records a value; nothing is checked until [`build`](ClientBuilder::build), which
/// reports the first problem as [`Error::Config`](crate::runtime::Error::Config) with what to
/// change.
#[must_use = "call .build() to get a client"]
pub struct ClientBuilder {
    pub(crate) requested: Requested,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let requested = &self.requested;
        let mut debug = f.debug_struct("ClientBuilder");
        debug
            .field("service", &requested.service.title)
            .field("region", &requested.region)
            .field("endpoint", &requested.endpoint)
            .field("server_variables", &requested.server_variables)
            .field("client_parameters", &requested.client_parameters)
            .field("credentials", &requested.credentials)
            .field(
                "credentials_refresh_margin",
                &requested.credentials_refresh_margin,
            )
            .field("user_agent", &requested.user_agent)
            .field("default_headers", &header_names(&requested.default_headers))
            .field("connect_timeout", &requested.connect_timeout)
            .field("timeout", &requested.timeout)
            .field("retry", &requested.retry)
            .field("max_response_size", &requested.max_response_size);
        #[cfg(feature = "pagination")]
        debug.field("max_pages", &requested.max_pages);
        #[cfg(feature = "streaming")]
        debug.field("idle_timeout", &requested.idle_timeout);
        debug
            .field("http_client", &requested.http_client.is_some())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for `service` with every default (see the [module docs](self)).
    pub fn new(service: &'static ServiceInfo) -> Self {
        ClientBuilder {
            requested: Requested::new(service),
        }
    }

    /// The region: fills the `{region}` variable of the spec's server URL.
    ///
    /// When the spec names a prefix (`x-region-env-prefix`), the environment variable
    /// `<prefix><REGION>` (the region ID upper-cased, `-` → `_`) overrides the region's
    /// endpoint when set: it is a comma-separated list of endpoint URLs, of which the first is
    /// used. Such a region may then be one the spec does not list; any other region outside
    /// the spec's list is an error at `build`. An explicit
    /// [`endpoint`](ClientBuilder::endpoint) wins over both.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.requested.region = Some(region.into());
        self
    }

    /// An explicit endpoint, e.g. `https://api.example.com` or a test server's
    /// `http://127.0.0.1:8080`. It replaces the region's endpoint.
    ///
    /// A URL without a scheme gets `https://`. `http://` is accepted only here (and in the
    /// environment variables that stand for this call): requests, tokens included, then travel
    /// unencrypted, which is meant for local test servers. A path (`https://host/prefix`) is
    /// put before every operation's path; user info, a query or a fragment is an error.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.requested.endpoint = Some(url.into());
        self
    }

    /// Sets a variable of the spec's server URL template (`{name}`). For `region`, prefer
    /// [`region`](ClientBuilder::region).
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let variables = &mut self.requested.server_variables;
        variables.retain(|(existing, _)| *existing != name);
        variables.push((name, value.into()));
        self
    }

    /// A value set once and filled into every operation that takes the parameter `name`
    /// (parameters marked `x-client-parameter` in the spec, which also have a setter of their
    /// own name). The spec's constraints on it are checked at `build`.
    pub fn client_parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.requested
            .client_parameters
            .insert(name.into(), value.into());
        self
    }

    /// How the client authenticates, as one of the spec's security schemes accepts it, e.g.
    /// [`Credentials::token`]. They are checked at `build` and used for every request; to
    /// change them while the client runs (temporary credentials), give a provider instead
    /// ([`credentials_provider`](ClientBuilder::credentials_provider)). Replaces an earlier
    /// provider.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.requested.credentials = Some(CredentialSource::Fixed(credentials));
        self
    }

    /// Where the client gets its credentials: asked when the first request needs them, again
    /// before credentials with an expiry expire (see
    /// [`credentials_refresh_margin`](ClientBuilder::credentials_refresh_margin)), and once for
    /// all the requests that need them at the same time; see
    /// [`credentials`](crate::runtime::credentials) for the rules. What it gives is checked
    /// each time, and a failure is
    /// [`Error::Credentials`](crate::runtime::Error::Credentials), naming the provider.
    /// Replaces earlier [`credentials`](ClientBuilder::credentials).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.requested.credentials = Some(CredentialSource::Provider(Arc::new(provider)));
        self
    }

    /// How long before a provider's credentials expire the client asks it again (at most half
    /// the time they were valid for when they arrived). Default 5 minutes
    /// ([`DEFAULT_REFRESH_MARGIN`]).
    pub fn credentials_refresh_margin(mut self, margin: Duration) -> Self {
        self.requested.credentials_refresh_margin = margin;
        self
    }

    /// Your application's name and version, appended to the client's own user agent:
    /// `<crate name>-rust/<version>; <user_agent>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.requested.user_agent = Some(user_agent.into());
        self
    }

    /// A header sent with every request (and signed with the request where a scheme signs
    /// requests). An operation's own header of the same name wins. Headers the client sets
    /// itself (`Authorization`, `Host`, `User-Agent`, `Content-Type`, the token header, the
    /// headers that carry client parameters, …) are refused at `build`; setting a name again
    /// replaces its value.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        let headers = &mut self.requested.default_headers;
        headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
        headers.push((name, value.into()));
        self
    }

    /// The longest a TCP connect plus TLS handshake may take. Default 10 s. Not applied to a
    /// client given with [`http_client`](ClientBuilder::http_client), which keeps its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.requested.connect_timeout = timeout;
        self
    }

    /// The longest one attempt may take, from sending the request until the whole response
    /// body is read (a stalled body is a timeout too). Default 60 s. Retries get a fresh
    /// timeout each, so a call may take up to `attempts × timeout` plus the backoff delays.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.requested.timeout = timeout;
        self
    }

    /// The largest response body the client reads, in bytes. Default 32 MiB. A larger body is
    /// [`Error::ResponseTooLarge`](crate::runtime::Error::ResponseTooLarge), naming the limit,
    /// the status and the request id; the rest of it is not read.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.requested.max_response_size = bytes;
        self
    }

    /// The most pages one `<operation>_stream` fetches. Default 10 000. A stream that would
    /// need more ends with [`Error::Pagination`](crate::runtime::Error::Pagination).
    #[cfg(feature = "pagination")]
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.requested.max_pages = pages;
        self
    }

    /// The longest a streamed answer (server-sent events, JSON lines, a download) may go
    /// without a byte arriving, between events, lines or chunks. Default 60 s. It replaces the
    /// [`timeout`](ClientBuilder::timeout) once the response head has arrived, so a stream may
    /// last as long as it keeps sending; a silent one ends with
    /// [`Error::IdleTimeout`](crate::runtime::Error::IdleTimeout).
    #[cfg(feature = "streaming")]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.requested.idle_timeout = idle;
        self
    }

    /// How transient failures are retried. Default [`RetryPolicy::default`]; use
    /// [`RetryPolicy::disabled`] to send every request once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.requested.retry = policy;
        self
    }

    /// Uses your own `reqwest::Client` (proxies, custom root certificates, connection pool
    /// settings). Its own timeouts and redirect policy apply; the client still enforces
    /// [`timeout`](ClientBuilder::timeout) per attempt. Without it the client builds one with
    /// rustls, the connect timeout and no redirects.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.requested.http_client = Some(client);
        self
    }

    /// Where the time is read from (signing dates, `Retry-After` dates, credential expiry).
    /// Default [`SystemTime::now`]; tests pin it. When a server refuses a signature's time
    /// and says its own, the client adds the difference to this clock from then on
    /// (`Client::clock_offset`).
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.requested.clock = Arc::new(clock);
        self
    }

    /// How the client waits between attempts. Default `tokio::time::sleep`; tests record the
    /// delays and return at once.
    pub fn sleep<F, Fut>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.requested.sleep = Arc::new(move |duration| Box::pin(sleep(duration)));
        self
    }

    /// Where [`with_env`](ClientBuilder::with_env) and the region override read environment
    /// variables. Default the process environment; tests pass a map.
    pub fn env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.requested.env = Arc::new(lookup);
        self
    }

    /// Reads the configuration from the environment variables the spec names (its root
    /// extension `x-environment`; see [`ServiceInfo::environment`]). Values set here replace
    /// earlier calls; later calls replace these. Empty variables count as unset.
    ///
    /// In each list the first variable that is set wins: client parameters, the region, an
    /// endpoint (as [`endpoint`](ClientBuilder::endpoint)), and credentials
    /// ([`Credentials::from_lookup`]). An incomplete credential pair is reported by `build`.
    pub fn with_env(mut self) -> Self {
        let requested = &mut self.requested;
        let env = Arc::clone(&requested.env);
        let variables = &requested.service.environment;
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| env(name).filter(|value| !value.is_empty()))
        };
        for parameter in variables.client_parameters {
            if let Some(value) = get(parameter.variables) {
                requested
                    .client_parameters
                    .insert(parameter.parameter.to_owned(), value);
            }
        }
        if let Some(region) = get(variables.region) {
            requested.region = Some(region);
        }
        if let Some(endpoint) = get(variables.endpoint) {
            requested.endpoint = Some(endpoint);
        }
        match Credentials::from_lookup(variables, |name| env(name)) {
            Ok(Some(credentials)) => {
                requested.credentials = Some(CredentialSource::Fixed(credentials));
            }
            Ok(None) => {}
            Err(error) => requested.deferred.push(error.to_string()),
        }
        self
    }
}
